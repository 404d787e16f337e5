"""What the metadata reader returns: plain, frozen, JSON-able objects shared by ingest, CLI, GUI and report."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Literal

MediaKind = Literal["image", "video", "file"]
Severity = Literal["info", "notice", "warning"]


@dataclass(frozen=True)
class Flag:
    """Something a verifier should notice about an item, with a one-line explanation that does not over-claim.

    `code` is stable (used for filtering and tests); `message` is for people.
    """

    code: str
    severity: Severity
    message: str

    def to_json(self) -> dict[str, str]:
        return {"code": self.code, "severity": self.severity, "message": self.message}


@dataclass(frozen=True)
class GPS:
    """A position from the file's own metadata, signed decimal degrees WGS84 (south and west negative)."""

    lat: float
    lon: float
    alt: float | None = None
    direction: float | None = None  # GPSImgDirection, degrees clockwise from north (true or magnetic: see ref)
    direction_ref: str | None = None  # "T" true north, "M" magnetic north
    source: str = "exif"  # "exif", "xmp", "quicktime ©xyz", "quicktime mdta", "3gpp loci"


@dataclass(frozen=True)
class Summary:
    """The fields a verifier reads first. Unknown is None, never a guess.

    `capture_time` is ISO 8601. With a known offset it carries it ("2021-06-01T14:05:00+03:00") and
    `capture_time_zone` is "offset"; without one it has no offset and `capture_time_zone` is "local-unknown-zone";
    from a video container stated in UTC it ends in "+00:00" and `capture_time_zone` is "utc".
    """

    capture_time: str | None = None
    capture_time_zone: Literal["offset", "utc", "local-unknown-zone"] | None = None
    capture_time_source: str | None = None  # e.g. "EXIF DateTimeOriginal", "QuickTime CreateDate"
    make: str | None = None
    model: str | None = None
    lens: str | None = None
    software: str | None = None
    gps: GPS | None = None
    orientation: int | None = None
    width: int | None = None  # stored pixels, before orientation is applied
    height: int | None = None
    duration: float | None = None  # seconds, video only
    frame_rate: float | None = None
    codec: str | None = None

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class MediaProbe:
    """Everything read from one file without decoding its pixels.

    `tags` groups decoded metadata by family ("EXIF:IFD0", "EXIF:ExifIFD", "EXIF:GPS", "EXIF:IFD1", "XMP", "IPTC",
    "ICC", "JPEG", "QuickTime", "File" ...) → {tag name: JSON-able value}. `problems` lists what could not be read
    (corrupt offsets, truncated data): reading goes on past them and they are shown, not hidden.
    """

    kind: MediaKind
    mime: str
    format: str | None
    summary: Summary
    flags: tuple[Flag, ...] = ()
    tags: dict[str, dict[str, Any]] = field(default_factory=dict)
    problems: tuple[str, ...] = ()
    reader: str = "workbench"  # tool and version that produced this, recorded for provenance

    def to_json(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "mime": self.mime,
            "format": self.format,
            "summary": self.summary.to_json(),
            "flags": [f.to_json() for f in self.flags],
            "tags": self.tags,
            "problems": list(self.problems),
            "reader": self.reader,
        }


@dataclass(frozen=True)
class PixelProducts:
    """Derived from decoded pixels: a small JPEG thumbnail and a 64-bit perceptual hash (hex)."""

    thumbnail_jpeg: bytes
    thumbnail_width: int
    thumbnail_height: int
    phash: str | None  # 16 hex digits (DCT pHash over 32x32 grey), None when the pixels could not be decoded
    tool: str  # e.g. "workbench 0.1.0 / Pillow 13.0.0"
    params: dict[str, Any] = field(default_factory=dict)
