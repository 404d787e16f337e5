"""Shared helpers for importers: times with their original offset, HTML to plain text, safe paths, text entities."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

from workbench.core.posts.model import ParsedRecord, RecordError

HEAD_BYTES = 64 * 1024

RECORD_ERRORS = (ValueError, TypeError, KeyError, AttributeError, IndexError, OverflowError)
"""What a malformed record can raise while being read: it is reported with its place, and the rest goes in."""

_HASHTAG = re.compile(r"(?<![\w#])#(\w{1,139})", re.UNICODE)
_MENTION = re.compile(r"(?<![\w@])@(\w{1,64}(?:@[\w.-]+\.\w+)?)", re.UNICODE)
_URL = re.compile(r"https?://[^\s<>\"'\]\)]+", re.IGNORECASE)


def raw_json(obj: Any) -> str:
    """The record as JSON text, keys in the export's order, non-ASCII kept."""
    return json.dumps(obj, ensure_ascii=False, separators=(",", ":"))


def iso_utc(dt: datetime) -> str:
    dt = dt.astimezone(UTC)
    return dt.isoformat(timespec="milliseconds" if dt.microsecond else "seconds")


def offset_of(dt: datetime) -> str:
    off = dt.utcoffset()
    if off is None:
        return "unknown"
    total = int(off.total_seconds())
    sign = "+" if total >= 0 else "-"
    total = abs(total)
    return f"{sign}{total // 3600:02d}:{(total % 3600) // 60:02d}"


def parse_iso(text: str) -> datetime:
    """ISO 8601 as APIs write it ("...Z", "+00:00", fractions); naive when it carries no zone."""
    t = text.strip()
    if t.endswith(("Z", "z")):
        t = t[:-1] + "+00:00"
    return datetime.fromisoformat(t)


def time_fields(text: str | None) -> tuple[str | None, str | None, str | None]:
    """(created_utc, created_original, created_offset) from an ISO time; a zone-less time stays unknown."""
    if not text:
        return None, None, None
    dt = parse_iso(str(text))
    if dt.tzinfo is None:
        return None, str(text), "unknown"
    off = "Z" if str(text).strip().upper().endswith("Z") else offset_of(dt)
    return iso_utc(dt), str(text), off


def epoch_fields(value: float | int | str) -> tuple[str, str, str]:
    """(created_utc, created_original, "Z") from epoch seconds (float or digits)."""
    seconds = float(value)
    dt = datetime(1970, 1, 1, tzinfo=UTC) + timedelta(seconds=seconds)
    return iso_utc(dt), str(value), "Z"


def to_int(value: Any) -> int | None:
    if value is None or isinstance(value, bool):
        return None
    try:
        return int(value)
    except (TypeError, ValueError):
        try:
            return int(float(value))
        except (TypeError, ValueError):
            return None


def to_float(value: Any) -> float | None:
    if value is None or isinstance(value, bool) or value == "":
        return None
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


def text_or_none(value: Any) -> str | None:
    if value is None:
        return None
    s = str(value)
    return s if s != "" else None


def hashtags_in(text: str) -> tuple[str, ...]:
    return tuple(dict.fromkeys(_HASHTAG.findall(text)))


def mentions_in(text: str) -> tuple[str, ...]:
    return tuple(dict.fromkeys(_MENTION.findall(text)))


def links_in(text: str) -> tuple[str, ...]:
    return tuple(dict.fromkeys(u.rstrip(".,;:!?") for u in _URL.findall(text)))


def fix_mojibake(text: str) -> str:
    """Facebook/Instagram "download your information" writes UTF-8 bytes as \\u00XX escapes: undo it when it is so."""
    try:
        return text.encode("latin-1").decode("utf-8")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return text


def fix_mojibake_deep(value: Any) -> Any:
    if isinstance(value, str):
        return fix_mojibake(value)
    if isinstance(value, list):
        return [fix_mojibake_deep(v) for v in value]
    if isinstance(value, dict):
        return {fix_mojibake(k): fix_mojibake_deep(v) for k, v in value.items()}
    return value


class _TextExtractor(HTMLParser):
    _BLOCK = frozenset({"p", "div", "li", "blockquote", "pre", "h1", "h2", "h3", "h4", "h5", "h6", "tr"})
    _SKIP = frozenset({"script", "style", "template", "iframe", "object"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.links: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self._SKIP:
            self._skip += 1
        elif tag == "br":
            self.parts.append("\n")
        elif tag == "a":
            href = dict(attrs).get("href")
            if href and href.lower().startswith(("http://", "https://")):
                self.links.append(href)

    def handle_endtag(self, tag: str) -> None:
        if tag in self._SKIP:
            self._skip = max(0, self._skip - 1)
        elif tag in self._BLOCK:
            self.parts.append("\n\n")

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.parts.append(data)


def html_to_text(html: str) -> tuple[str, tuple[str, ...]]:
    """Plain text and the link targets of an HTML fragment, with the stdlib parser; nothing is ever rendered."""
    parser = _TextExtractor()
    parser.feed(html)
    parser.close()
    text = "".join(parser.parts)
    text = re.sub(r"\n{3,}", "\n\n", text).strip()
    return text, tuple(dict.fromkeys(parser.links))


def safe_child(base: Path, relative: str) -> tuple[Path | None, str | None]:
    """A path named inside an export, resolved under the export's folder; refused if it climbs out of it."""
    if not relative:
        return None, "empty path"
    if "\x00" in relative:
        return None, "path contains a NUL character"
    candidate = Path(relative)
    if candidate.is_absolute() or relative.startswith(("/", "\\")) or re.match(r"^[A-Za-z]:", relative):
        return None, f"absolute path {relative!r} refused: attachments must be inside the export folder"
    if ".." in re.split(r"[\\/]", relative):
        return None, f"path {relative!r} climbs out of the export folder: refused"
    parts = [p for p in re.split(r"[\\/]", relative) if p]
    if len(relative.encode("utf-8", "surrogatepass")) > 4000 or any(
        len(p.encode("utf-8", "surrogatepass")) > 255 for p in parts
    ):
        return None, "path too long to be a file in the export folder: refused"
    root = base.resolve()
    try:
        target = (root / candidate).resolve()
    except (OSError, ValueError) as exc:
        return None, f"path {relative[:80]!r} cannot be used ({exc})"
    if not target.is_relative_to(root):
        return None, f"path {relative!r} leads outside the export folder (a link?): refused"
    try:
        target.exists()  # a name the file system cannot hold (too long, say) fails here, not later
    except OSError as exc:
        return None, f"path {relative[:80]!r} cannot be a file here ({exc.strerror or exc})"
    return target, None


def read_head(path: Path, size: int = HEAD_BYTES) -> bytes:
    with path.open("rb") as fh:
        return fh.read(size)


def looks_like_zip(head: bytes) -> bool:
    return head[:4] in (b"PK\x03\x04", b"PK\x05\x06", b"PK\x07\x08")


def parse_json_export(
    path: Path, parse_document: Callable[[Any, str], Iterator[ParsedRecord]]
) -> Iterator[ParsedRecord]:
    """Load a JSON export and hand it to the format's `parse_document`; a file that is not JSON is one error."""
    try:
        doc = load_json_file(path)
    except (ValueError, UnicodeDecodeError) as exc:
        yield RecordError(path.name, f"not valid JSON: {exc}")
        return
    yield from parse_document(doc, "")


def load_json_file(path: Path) -> Any:
    with path.open("rb") as fh:
        data = fh.read()
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    return json.loads(data)
