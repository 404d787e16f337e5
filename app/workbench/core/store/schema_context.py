"""SQLAlchemy models for context (format 4): web captures and their full-text index, reference images and overlay
tiles, domains with their mentions and records, alias decisions, observations, and the imports that brought them."""

from __future__ import annotations

from sqlalchemy import Column, Float, ForeignKey, Integer, LargeBinary, String, Table, Text
from sqlalchemy.orm import Mapped, mapped_column

from workbench.core.store.schema import Base


class ContextImportRow(Base):
    """One import of a context file (WARC/WACZ, GeoTIFF, CSV of observations, WHOIS ...); the file is a media item."""

    __tablename__ = "context_import"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String)
    source_name: Mapped[str] = mapped_column(Text)
    source_media_id: Mapped[int | None] = mapped_column(ForeignKey("media_item.id"), nullable=True)
    imported_utc: Mapped[str] = mapped_column(String)
    analyst: Mapped[str] = mapped_column(Text, default="")
    params_json: Mapped[str] = mapped_column(Text, default="{}")
    counts_json: Mapped[str] = mapped_column(Text, default="{}")
    errors_json: Mapped[str] = mapped_column(Text, default="[]")


class ContextDocumentRow(Base):
    """A captured page or document: from a web archive (`record_offset` into the stored WARC) or added by hand."""

    __tablename__ = "context_document"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String)  # web-page | pdf | html | screenshot | text
    import_id: Mapped[int | None] = mapped_column(ForeignKey("context_import.id"), nullable=True)
    source_media_id: Mapped[int | None] = mapped_column(ForeignKey("media_item.id"), nullable=True)
    archive_member: Mapped[str] = mapped_column(Text, default="")  # the WARC inside a WACZ, "" for a WARC
    record_offset: Mapped[int | None] = mapped_column(Integer, nullable=True)
    record_id: Mapped[str | None] = mapped_column(String, nullable=True)
    url: Mapped[str | None] = mapped_column(Text, nullable=True)
    capture_utc: Mapped[str | None] = mapped_column(String, nullable=True)
    capture_source: Mapped[str] = mapped_column(String, default="analyst")  # warc-date | analyst
    mime: Mapped[str] = mapped_column(String, default="")
    payload_sha256: Mapped[str | None] = mapped_column(String, nullable=True)
    payload_size: Mapped[int | None] = mapped_column(Integer, nullable=True)
    title: Mapped[str] = mapped_column(Text, default="")
    text: Mapped[str] = mapped_column(Text, default="")
    links_json: Mapped[str] = mapped_column(Text, default="[]")
    flags_json: Mapped[str] = mapped_column(Text, default="[]")
    note: Mapped[str] = mapped_column(Text, default="")
    created_utc: Mapped[str] = mapped_column(String)


# FTS5's own tables behind `context_document_fts` (absent on a SQLite built without FTS5).
context_document_fts = Table(
    "context_document_fts", Base.metadata, Column("title", Text), Column("text", Text), Column("url", Text)
)
context_document_fts_config = Table(
    "context_document_fts_config", Base.metadata, Column("k", Text, primary_key=True), Column("v", Text)
)
context_document_fts_data = Table(
    "context_document_fts_data",
    Base.metadata,
    Column("id", Integer, primary_key=True),
    Column("block", LargeBinary),
)
context_document_fts_docsize = Table(
    "context_document_fts_docsize", Base.metadata, Column("id", Integer, primary_key=True), Column("sz", LargeBinary)
)
context_document_fts_idx = Table(
    "context_document_fts_idx",
    Base.metadata,
    Column("segid", Integer, primary_key=True),
    Column("term", Text, primary_key=True),
    Column("pgno", Integer),
)


class ReferenceImageRow(Base):
    """An image placed on the map: `transform_json` maps pixel (col, row) to `crs` coordinates (affine)."""

    __tablename__ = "reference_image"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    media_id: Mapped[int] = mapped_column(ForeignKey("media_item.id"))
    label: Mapped[str] = mapped_column(Text, default="")
    method: Mapped[str] = mapped_column(String)  # geotiff | control-points
    crs: Mapped[str] = mapped_column(String)  # EPSG:4326 | EPSG:3857
    transform_json: Mapped[str] = mapped_column(Text)
    width: Mapped[int] = mapped_column(Integer)
    height: Mapped[int] = mapped_column(Integer)
    south: Mapped[float] = mapped_column(Float)
    west: Mapped[float] = mapped_column(Float)
    north: Mapped[float] = mapped_column(Float)
    east: Mapped[float] = mapped_column(Float)
    control_points_json: Mapped[str] = mapped_column(Text, default="[]")
    residuals_json: Mapped[str] = mapped_column(Text, default="[]")
    rms_m: Mapped[float | None] = mapped_column(Float, nullable=True)
    acquired_utc: Mapped[str | None] = mapped_column(String, nullable=True)
    acquired_source: Mapped[str] = mapped_column(String, default="")
    opacity: Mapped[float] = mapped_column(Float, default=0.7)
    tiles_json: Mapped[str] = mapped_column(Text, default="{}")  # zooms, count, source sha256, method, tool
    note: Mapped[str] = mapped_column(Text, default="")
    created_utc: Mapped[str] = mapped_column(String)
    modified_utc: Mapped[str] = mapped_column(String)


class OverlayTileRow(Base):
    """One XYZ (web-mercator, y down) PNG tile cut from a reference image: derived data, remade from the item."""

    __tablename__ = "overlay_tile"
    reference_id: Mapped[int] = mapped_column(ForeignKey("reference_image.id", ondelete="CASCADE"), primary_key=True)
    z: Mapped[int] = mapped_column(Integer, primary_key=True)
    x: Mapped[int] = mapped_column(Integer, primary_key=True)
    y: Mapped[int] = mapped_column(Integer, primary_key=True)
    data: Mapped[bytes] = mapped_column(LargeBinary)


class DomainRow(Base):
    """A registrable domain (public-suffix rules), ASCII (punycode) in `name`."""

    __tablename__ = "domain"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String, unique=True)
    unicode_name: Mapped[str] = mapped_column(Text)
    suffix: Mapped[str] = mapped_column(String)
    note: Mapped[str] = mapped_column(Text, default="")
    created_utc: Mapped[str] = mapped_column(String)


class DomainMentionRow(Base):
    __tablename__ = "domain_mention"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    domain_id: Mapped[int] = mapped_column(ForeignKey("domain.id", ondelete="CASCADE"))
    object_type: Mapped[str] = mapped_column(String)  # post | account | context_document
    object_id: Mapped[int] = mapped_column(Integer)
    field: Mapped[str] = mapped_column(String)  # links | text | bio | page
    url: Mapped[str] = mapped_column(Text)  # normalised
    host: Mapped[str] = mapped_column(String)


class DomainRecordRow(Base):
    """WHOIS, DNS or certificate-transparency text attached to a domain, verbatim, with what was parsed from it."""

    __tablename__ = "domain_record"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    domain_id: Mapped[int] = mapped_column(ForeignKey("domain.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String)  # whois | dns | certificates
    source_media_id: Mapped[int | None] = mapped_column(ForeignKey("media_item.id"), nullable=True)
    raw_text: Mapped[str] = mapped_column(Text)
    parsed_json: Mapped[str] = mapped_column(Text, default="{}")
    registered_utc: Mapped[str | None] = mapped_column(String, nullable=True)
    expires_utc: Mapped[str | None] = mapped_column(String, nullable=True)
    first_certificate_utc: Mapped[str | None] = mapped_column(String, nullable=True)
    registrar: Mapped[str | None] = mapped_column(Text, nullable=True)
    parser: Mapped[str] = mapped_column(String)
    note: Mapped[str] = mapped_column(Text, default="")
    created_utc: Mapped[str] = mapped_column(String)


class AliasLinkRow(Base):
    """The analyst's decision on an alias candidate (two accounts, lower id first), with the score and reasons seen."""

    __tablename__ = "alias_link"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    account_a: Mapped[int] = mapped_column(ForeignKey("account.id", ondelete="CASCADE"))
    account_b: Mapped[int] = mapped_column(ForeignKey("account.id", ondelete="CASCADE"))
    status: Mapped[str] = mapped_column(String)  # confirmed | rejected
    score: Mapped[float] = mapped_column(Float)
    reasons_json: Mapped[str] = mapped_column(Text, default="[]")
    note: Mapped[str] = mapped_column(Text, default="")
    decided_utc: Mapped[str] = mapped_column(String)
    decided_by: Mapped[str] = mapped_column(Text, default="")


class ObservationRow(Base):
    """One measured value at a place and time (a weather station's rain, a sensor's reading)."""

    __tablename__ = "observation"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    import_id: Mapped[int | None] = mapped_column(ForeignKey("context_import.id"), nullable=True)
    row_number: Mapped[int | None] = mapped_column(Integer, nullable=True)
    station: Mapped[str] = mapped_column(Text, default="")
    lat: Mapped[float] = mapped_column(Float)
    lon: Mapped[float] = mapped_column(Float)
    time_utc: Mapped[str] = mapped_column(String)
    end_utc: Mapped[str | None] = mapped_column(String, nullable=True)
    time_original: Mapped[str] = mapped_column(Text, default="")
    variable: Mapped[str] = mapped_column(Text)
    value: Mapped[float | None] = mapped_column(Float, nullable=True)
    value_text: Mapped[str] = mapped_column(Text, default="")
    unit: Mapped[str] = mapped_column(String, default="")
