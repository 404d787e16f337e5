"""Importers, one module per export format, and the registry that recognises a file's format.

Each module has `sniff(path, head_bytes) -> confidence (0..1)` and `parse(path) -> Iterator[ParsedRecord]`; the
registry asks them all and takes the most confident. Zip archives are refused: unpack them first, so that every
attachment is a file the analyst can see.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from workbench.core.errors import BadInput
from workbench.core.posts.importers import cassette, generic, mastodon, meta, reddit, telegram, twitter, ytdlp
from workbench.core.posts.importers._common import RECORD_ERRORS, looks_like_zip, read_head
from workbench.core.posts.model import ColumnMapping, ParsedRecord, RecordError


@dataclass(frozen=True)
class ImportFormat:
    name: str
    label: str
    sniff: Callable[[Path, bytes], float]
    parse: Callable[[Path], Iterator[ParsedRecord]]
    has_local_media: bool


FORMATS: dict[str, ImportFormat] = {
    f.name: f
    for f in (
        ImportFormat("telegram", "Telegram Desktop export (result.json)", telegram.sniff, telegram.parse, True),
        ImportFormat("twitter", "Twitter/X API v2 (twarc2 JSONL)", twitter.sniff, twitter.parse, False),
        ImportFormat("mastodon", "Mastodon API statuses (JSON)", mastodon.sniff, mastodon.parse, False),
        ImportFormat("reddit", "Reddit API listing or comments (JSON)", reddit.sniff, reddit.parse, False),
        ImportFormat("ytdlp", "yt-dlp .info.json", ytdlp.sniff, ytdlp.parse, True),
        ImportFormat("meta", "Facebook/Instagram download-your-information JSON", meta.sniff, meta.parse, True),
        ImportFormat("csv", "Generic CSV/JSON table (column mapping)", generic.sniff, generic.parse, True),
        ImportFormat("cassette", "Recorded API responses (JSON cassette)", cassette.sniff, cassette.parse, False),
    )
}

CHOICES = ("auto", "telegram", "twitter", "mastodon", "reddit", "ytdlp", "meta", "csv")


def resolve_path(path: Path) -> Path:
    """The file to read: a Telegram export folder means its result.json."""
    if path.is_dir():
        resolved = telegram.resolve(path)
        if resolved != path:
            return resolved
        infos = sorted(path.glob("*.info.json"))
        if len(infos) == 1:
            return infos[0]
        raise BadInput(f"{path} is a folder: give the export file inside it (result.json, *.info.json, *.jsonl ...).")
    return path


def check_importable(path: Path) -> bytes:
    """The file's first bytes; refuses what cannot be imported, with a message the analyst can act on."""
    if not path.exists():
        raise BadInput(f"{path} does not exist.")
    head = read_head(path)
    if looks_like_zip(head) or path.suffix.lower() == ".zip":
        raise BadInput(
            f"{path.name} is a zip archive: archives are not imported. Unpack it and import the export file "
            "inside (its media folder must sit beside it)."
        )
    if not head.strip():
        raise BadInput(f"{path.name} is empty: there is nothing to import.")
    return head


def sniff_scores(path: Path, head: bytes | None = None) -> dict[str, float]:
    head = check_importable(path) if head is None else head
    return {name: f.sniff(path, head) for name, f in FORMATS.items()}


def detect(path: Path) -> str:
    """The most likely format of an export file; BadInput when none is confident."""
    path = resolve_path(path)
    scores = sniff_scores(path)
    best = max(scores, key=lambda k: scores[k])
    if scores[best] < 0.3:
        if path.suffix.lower() in (".yml", ".yaml"):
            raise BadInput(
                f"{path.name} looks like a YAML file (a recorded HTTP cassette?): save the response body as "
                ".json and import that."
            )
        raise BadInput(
            f"The format of {path.name} was not recognised. Choose it with --format, or import it as a table "
            "with --format csv and a column mapping."
        )
    return best


def parse(path: Path, fmt: str, mapping: ColumnMapping | None = None) -> Iterator[ParsedRecord]:
    """The records of an export; a file whose structure breaks the reader ends with one error, never a crash."""
    path = resolve_path(path)
    if fmt not in FORMATS:
        raise BadInput(f"Unknown format {fmt!r}; choose one of {', '.join(CHOICES)}.")
    records = generic.parse(path, mapping) if fmt == "csv" else FORMATS[fmt].parse(path)
    return _guarded(records, path)


def _guarded(records: Iterator[ParsedRecord], path: Path) -> Iterator[ParsedRecord]:
    try:
        yield from records
    except UnicodeDecodeError as exc:
        yield RecordError(path.name, f"not UTF-8 text ({exc.reason}); the rest of the file was not read")
    except RECORD_ERRORS as exc:
        yield RecordError(path.name, f"the rest of the file could not be read: {type(exc).__name__}: {exc}")
