"""What an importer yields: plain records parsed from one export, before they go into the incident.

Importers never touch the incident: they turn bytes into `ParsedAccount`, `ParsedPost` and `RecordError`, so
each format can be tested on its own and a broken record never stops the rest.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class ParsedAttachment:
    """A file a post carried: a local file from the export (`path`), an address (`url`), or both."""

    path: Path | None = None
    url: str | None = None
    name: str | None = None
    kind: str | None = None  # "photo", "video", "file" ... as the export names it
    problem: str | None = None  # e.g. "not included in the export", "path leaves the export folder"


@dataclass(frozen=True)
class ParsedAccount:
    platform: str
    platform_id: str
    username: str | None = None
    display_name: str | None = None
    bio: str | None = None
    language: str | None = None
    time_zone: str | None = None
    created_utc: str | None = None
    followers: int | None = None
    following: int | None = None
    posts_count: int | None = None
    verified: str | None = None
    links: tuple[str, ...] = ()
    profile_image_url: str | None = None
    raw: str | None = None  # the account record as the export wrote it (JSON text), when there is one
    where: str = ""


@dataclass(frozen=True)
class ParsedPost:
    """One post. `created_utc` is ISO 8601 UTC; `created_original` the time as written; `created_offset` the
    offset it carried ("+03:00", "Z"), or "unknown" (a local time with no zone), or "date-only" (a day, no time)."""

    platform: str
    platform_id: str
    raw: str  # the record verbatim (JSON text)
    account_id: str | None = None  # the author's platform id (an account yielded by the same import)
    url: str | None = None
    created_utc: str | None = None
    created_original: str | None = None
    created_offset: str | None = None
    edited_utc: str | None = None
    language: str | None = None
    client: str | None = None
    text: str = ""
    hashtags: tuple[str, ...] = ()
    mentions: tuple[str, ...] = ()
    links: tuple[str, ...] = ()
    likes: int | None = None
    shares: int | None = None
    replies: int | None = None
    views: int | None = None
    conversation_id: str | None = None
    reply_to: str | None = None
    quote_of: str | None = None
    repost_of: str | None = None
    geo_lat: float | None = None
    geo_lon: float | None = None
    geo_place: str | None = None
    attachments: tuple[ParsedAttachment, ...] = ()
    where: str = ""  # line or path inside the export, for messages


@dataclass(frozen=True)
class RecordError:
    """A record that could not be read; `where` is its line ("line 12") or path ("messages[3]")."""

    where: str
    message: str

    def to_json(self) -> dict[str, Any]:
        return {"where": self.where, "message": self.message}


ParsedRecord = ParsedAccount | ParsedPost | RecordError


@dataclass(frozen=True)
class ColumnMapping:
    """How the columns of a generic CSV/JSON table map onto post fields (saved with the import)."""

    platform: str = "generic"
    columns: dict[str, str] = field(default_factory=dict)  # post field -> column name
    time_format: str | None = None  # strptime format; None = ISO 8601 or epoch seconds
    assume_offset: str | None = None  # e.g. "+00:00" when the table's times are known to be UTC

    def to_json(self) -> dict[str, Any]:
        return {
            "platform": self.platform,
            "columns": dict(self.columns),
            "time_format": self.time_format,
            "assume_offset": self.assume_offset,
        }

    @staticmethod
    def from_json(data: dict[str, Any]) -> ColumnMapping:
        return ColumnMapping(
            platform=str(data.get("platform") or "generic"),
            columns={str(k): str(v) for k, v in dict(data.get("columns") or {}).items()},
            time_format=data.get("time_format"),
            assume_offset=data.get("assume_offset"),
        )
