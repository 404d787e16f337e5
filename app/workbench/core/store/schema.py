"""SQLAlchemy models of the incident file's tables: here the ground (incident, media, sources, pixels, audit).

The tables are created by the migration ladder (`migrations/`), not by `create_all`, so that every file's
schema is exactly what its format number says; a test checks these models against a migrated file.
Later formats add their models in `schema_<area>.py` modules on the same `Base`.
"""

from __future__ import annotations

from sqlalchemy import Float, ForeignKey, Integer, LargeBinary, String, Text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    pass


class IncidentRow(Base):
    """The single row describing the incident (id is always 1)."""

    __tablename__ = "incident"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    title: Mapped[str] = mapped_column(Text)
    claim: Mapped[str] = mapped_column(Text, default="")
    description: Mapped[str] = mapped_column(Text, default="")
    analyst: Mapped[str] = mapped_column(Text, default="")
    created_utc: Mapped[str] = mapped_column(String)
    modified_utc: Mapped[str] = mapped_column(String)
    audit_head: Mapped[str] = mapped_column(String)  # hash of the newest audit entry: a cut tail is detected
    audit_count: Mapped[int] = mapped_column(Integer)
    # format 3: the verdict on the claim, the checklist of usual steps, and the claimed place and time
    verdict: Mapped[str] = mapped_column(Text, default="unverified")
    verdict_rationale: Mapped[str] = mapped_column(Text, default="")
    checklist_json: Mapped[str] = mapped_column(Text, default="{}")
    place_lat: Mapped[float | None] = mapped_column(Float, nullable=True)
    place_lon: Mapped[float | None] = mapped_column(Float, nullable=True)
    place_time_zone: Mapped[str | None] = mapped_column(String, nullable=True)
    claimed_time_utc: Mapped[str | None] = mapped_column(String, nullable=True)


class BlobRow(Base):
    """Evidence bytes, content-addressed: one row per distinct SHA-256, the bytes in `blob_chunk` rows."""

    __tablename__ = "blob"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    sha256: Mapped[str] = mapped_column(String, unique=True)
    size: Mapped[int] = mapped_column(Integer)
    chunk_size: Mapped[int] = mapped_column(Integer)
    chunk_count: Mapped[int] = mapped_column(Integer)
    stored_utc: Mapped[str] = mapped_column(String)


class BlobChunkRow(Base):
    __tablename__ = "blob_chunk"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    blob_id: Mapped[int] = mapped_column(ForeignKey("blob.id", ondelete="CASCADE"))
    seq: Mapped[int] = mapped_column(Integer)
    data: Mapped[bytes] = mapped_column(LargeBinary)


class MediaItemRow(Base):
    """One piece of evidence (or a thing derived from one, such as a video keyframe: then `parent_id` is set)."""

    __tablename__ = "media_item"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    blob_id: Mapped[int] = mapped_column(ForeignKey("blob.id"), unique=True)
    sha256: Mapped[str] = mapped_column(String, unique=True)
    kind: Mapped[str] = mapped_column(String)  # image | video | file
    mime: Mapped[str] = mapped_column(String)
    filename: Mapped[str] = mapped_column(Text)  # the name it was first added under
    size: Mapped[int] = mapped_column(Integer)
    added_utc: Mapped[str] = mapped_column(String)
    capture_time: Mapped[str | None] = mapped_column(String, nullable=True)  # copy of summary, for sorting
    summary_json: Mapped[str] = mapped_column(Text)
    flags_json: Mapped[str] = mapped_column(Text)
    metadata_json: Mapped[str] = mapped_column(Text)
    problems_json: Mapped[str] = mapped_column(Text)
    reader: Mapped[str] = mapped_column(String)  # tool and version that read the metadata
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("media_item.id"), nullable=True)
    derivation_json: Mapped[str | None] = mapped_column(Text, nullable=True)  # how it was derived, if it was
    note: Mapped[str] = mapped_column(Text, default="")


class MediaSourceRow(Base):
    """Where a copy of an item came from. The same bytes added twice have two sources and one item."""

    __tablename__ = "media_source"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    media_id: Mapped[int] = mapped_column(ForeignKey("media_item.id", ondelete="CASCADE"))
    original_name: Mapped[str] = mapped_column(Text)
    original_path: Mapped[str | None] = mapped_column(Text, nullable=True)
    url: Mapped[str | None] = mapped_column(Text, nullable=True)
    acquired_utc: Mapped[str] = mapped_column(String)
    acquired_by: Mapped[str] = mapped_column(Text, default="")
    file_modified_utc: Mapped[str | None] = mapped_column(String, nullable=True)
    note: Mapped[str] = mapped_column(Text, default="")


class MediaPixelsRow(Base):
    """Products of decoding the pixels (thumbnail, perceptual hash), made after the evidence is committed."""

    __tablename__ = "media_pixels"
    media_id: Mapped[int] = mapped_column(ForeignKey("media_item.id", ondelete="CASCADE"), primary_key=True)
    thumbnail: Mapped[bytes | None] = mapped_column(LargeBinary, nullable=True)
    thumb_width: Mapped[int | None] = mapped_column(Integer, nullable=True)
    thumb_height: Mapped[int | None] = mapped_column(Integer, nullable=True)
    phash: Mapped[str | None] = mapped_column(String, nullable=True)
    tool: Mapped[str] = mapped_column(String)
    params_json: Mapped[str] = mapped_column(Text)
    made_utc: Mapped[str] = mapped_column(String)
    error: Mapped[str | None] = mapped_column(Text, nullable=True)


class AuditEntryRow(Base):
    """One change, chained to the previous entry by its hash. The table refuses UPDATE and DELETE."""

    __tablename__ = "audit_entry"
    seq: Mapped[int] = mapped_column(Integer, primary_key=True)
    at_utc: Mapped[str] = mapped_column(String)
    analyst: Mapped[str] = mapped_column(Text)
    action: Mapped[str] = mapped_column(String)
    object_type: Mapped[str] = mapped_column(String)
    object_id: Mapped[str] = mapped_column(String)
    details_json: Mapped[str] = mapped_column(Text)
    prev_hash: Mapped[str] = mapped_column(String)
    hash: Mapped[str] = mapped_column(String)
