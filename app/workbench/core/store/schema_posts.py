"""SQLAlchemy models for posts, accounts, attachments, import batches and analyst timeline events (format 2)."""

from __future__ import annotations

from sqlalchemy import Float, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from workbench.core.store.schema import Base


class PostImportRow(Base):
    """One import of an export file; the export itself is kept as a media item (evidence is evidence)."""

    __tablename__ = "post_import"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    format: Mapped[str] = mapped_column(String)
    source_name: Mapped[str] = mapped_column(Text)
    source_media_id: Mapped[int | None] = mapped_column(ForeignKey("media_item.id"), nullable=True)
    imported_utc: Mapped[str] = mapped_column(String)
    analyst: Mapped[str] = mapped_column(Text, default="")
    counts_json: Mapped[str] = mapped_column(Text, default="{}")
    errors_json: Mapped[str] = mapped_column(Text, default="[]")
    mapping_json: Mapped[str | None] = mapped_column(Text, nullable=True)


class AccountRow(Base):
    __tablename__ = "account"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    platform: Mapped[str] = mapped_column(String)
    platform_id: Mapped[str | None] = mapped_column(String, nullable=True)
    username: Mapped[str | None] = mapped_column(Text, nullable=True)
    display_name: Mapped[str | None] = mapped_column(Text, nullable=True)
    bio: Mapped[str | None] = mapped_column(Text, nullable=True)
    language: Mapped[str | None] = mapped_column(String, nullable=True)
    time_zone: Mapped[str | None] = mapped_column(String, nullable=True)
    created_utc: Mapped[str | None] = mapped_column(String, nullable=True)
    followers: Mapped[int | None] = mapped_column(Integer, nullable=True)
    following: Mapped[int | None] = mapped_column(Integer, nullable=True)
    posts_count: Mapped[int | None] = mapped_column(Integer, nullable=True)
    verified: Mapped[str | None] = mapped_column(String, nullable=True)
    links_json: Mapped[str] = mapped_column(Text, default="[]")
    profile_image_url: Mapped[str | None] = mapped_column(Text, nullable=True)
    raw_json: Mapped[str | None] = mapped_column(Text, nullable=True)
    first_import_id: Mapped[int | None] = mapped_column(ForeignKey("post_import.id"), nullable=True)


class PostRow(Base):
    """A post as parsed, with the raw record kept verbatim in `raw_json`.

    `created_utc` is UTC ISO 8601; `created_original` is the time as the export wrote it and `created_offset`
    the offset it carried ("+03:00", "Z", or "unknown" for zone-less local times such as old Telegram exports).
    `reply_to`, `quote_of`, `repost_of` hold platform ids (the target may not be in the incident).
    """

    __tablename__ = "post"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    platform: Mapped[str] = mapped_column(String)
    platform_id: Mapped[str] = mapped_column(String)
    account_id: Mapped[int | None] = mapped_column(ForeignKey("account.id"), nullable=True)
    url: Mapped[str | None] = mapped_column(Text, nullable=True)
    created_utc: Mapped[str | None] = mapped_column(String, nullable=True)
    created_original: Mapped[str | None] = mapped_column(String, nullable=True)
    created_offset: Mapped[str | None] = mapped_column(String, nullable=True)
    edited_utc: Mapped[str | None] = mapped_column(String, nullable=True)
    language: Mapped[str | None] = mapped_column(String, nullable=True)
    client: Mapped[str | None] = mapped_column(Text, nullable=True)
    text: Mapped[str] = mapped_column(Text, default="")
    hashtags_json: Mapped[str] = mapped_column(Text, default="[]")
    mentions_json: Mapped[str] = mapped_column(Text, default="[]")
    links_json: Mapped[str] = mapped_column(Text, default="[]")
    likes: Mapped[int | None] = mapped_column(Integer, nullable=True)
    shares: Mapped[int | None] = mapped_column(Integer, nullable=True)
    replies: Mapped[int | None] = mapped_column(Integer, nullable=True)
    views: Mapped[int | None] = mapped_column(Integer, nullable=True)
    conversation_id: Mapped[str | None] = mapped_column(String, nullable=True)
    reply_to: Mapped[str | None] = mapped_column(String, nullable=True)
    quote_of: Mapped[str | None] = mapped_column(String, nullable=True)
    repost_of: Mapped[str | None] = mapped_column(String, nullable=True)
    geo_lat: Mapped[float | None] = mapped_column(Float, nullable=True)
    geo_lon: Mapped[float | None] = mapped_column(Float, nullable=True)
    geo_place: Mapped[str | None] = mapped_column(Text, nullable=True)
    import_id: Mapped[int | None] = mapped_column(ForeignKey("post_import.id"), nullable=True)
    raw_json: Mapped[str] = mapped_column(Text)


class PostMediaRow(Base):
    """An attachment of a post; `media_id` is set when the file itself is in the incident."""

    __tablename__ = "post_media"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    post_id: Mapped[int] = mapped_column(ForeignKey("post.id", ondelete="CASCADE"))
    media_id: Mapped[int | None] = mapped_column(ForeignKey("media_item.id"), nullable=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    original_url: Mapped[str | None] = mapped_column(Text, nullable=True)
    original_name: Mapped[str | None] = mapped_column(Text, nullable=True)


class TimelineEventRow(Base):
    """An event the analyst puts on the timeline (a reported explosion, a broadcast), with its uncertainty."""

    __tablename__ = "timeline_event"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at_utc: Mapped[str] = mapped_column(String)
    end_utc: Mapped[str | None] = mapped_column(String, nullable=True)
    uncertainty_s: Mapped[float | None] = mapped_column(Float, nullable=True)
    kind: Mapped[str] = mapped_column(String, default="analyst")
    label: Mapped[str] = mapped_column(Text)
    note: Mapped[str] = mapped_column(Text, default="")
    source: Mapped[str] = mapped_column(Text, default="")
    created_utc: Mapped[str] = mapped_column(String)
