"""A generic CSV or JSON table of posts, read through a column mapping (guessed, chosen in a dialog, or saved).

The mapping names, for each post field, the column that holds it. Times are ISO 8601 (an offset is kept; a time
without one stays local, its offset "unknown", unless the mapping says which offset the table uses), epoch
seconds, or a `strptime` format. `media` holds local paths (relative to the table's folder) or URLs, separated by
";" or "|". A table without an id column gets ids from a hash of each row, so a re-import adds nothing.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

from workbench.core.posts.importers._common import (
    RECORD_ERRORS,
    epoch_fields,
    hashtags_in,
    iso_utc,
    links_in,
    mentions_in,
    parse_iso,
    raw_json,
    safe_child,
    text_or_none,
    time_fields,
    to_float,
    to_int,
)
from workbench.core.posts.model import (
    ColumnMapping,
    ParsedAccount,
    ParsedAttachment,
    ParsedPost,
    ParsedRecord,
    RecordError,
)

NAME = "csv"
HAS_LOCAL_MEDIA = True

FIELDS = (
    "id",
    "author_id",
    "author",
    "author_name",
    "created",
    "text",
    "url",
    "language",
    "client",
    "reply_to",
    "quote_of",
    "repost_of",
    "conversation_id",
    "likes",
    "shares",
    "replies",
    "views",
    "lat",
    "lon",
    "place",
    "media",
    "hashtags",
    "platform",
)

_GUESSES: dict[str, tuple[str, ...]] = {
    "id": ("id", "post_id", "tweet_id", "status_id", "message_id", "platform_id"),
    "author_id": ("author_id", "user_id", "account_id", "from_id", "uid"),
    "author": ("username", "author", "user", "screen_name", "handle", "account", "user_name", "from"),
    "author_name": ("display_name", "name", "author_name", "user_display_name", "full_name"),
    "created": ("created_at", "created", "date", "time", "timestamp", "datetime", "posted_at", "published"),
    "text": ("text", "content", "body", "message", "full_text", "caption", "post"),
    "url": ("url", "link", "permalink", "post_url"),
    "language": ("lang", "language"),
    "client": ("source", "client", "app"),
    "reply_to": ("in_reply_to", "reply_to", "in_reply_to_id", "parent_id", "in_reply_to_status_id"),
    "quote_of": ("quote_of", "quoted_id", "quoted_status_id"),
    "repost_of": ("repost_of", "retweet_of", "retweeted_id", "reblog_of", "forwarded_from"),
    "conversation_id": ("conversation_id", "thread_id", "chat_id"),
    "likes": ("likes", "like_count", "favourites_count", "favorite_count", "reactions"),
    "shares": ("shares", "retweet_count", "reblogs_count", "share_count", "reposts"),
    "replies": ("replies", "reply_count", "replies_count", "comments", "comment_count"),
    "views": ("views", "view_count", "impressions", "impression_count"),
    "lat": ("lat", "latitude"),
    "lon": ("lon", "lng", "long", "longitude"),
    "place": ("place", "location", "geo_place"),
    "media": ("media", "attachments", "files", "media_paths", "media_urls", "photo", "file"),
    "hashtags": ("hashtags", "tags"),
    "platform": ("platform", "network", "site"),
}


def guess_mapping(columns: list[str], platform: str = "generic") -> ColumnMapping:
    """A first mapping from column names; the dialog shows it for the analyst to correct."""
    lowered = {c.strip().lower(): c for c in columns}
    chosen: dict[str, str] = {}
    used: set[str] = set()
    for field_name, names in _GUESSES.items():
        for n in names:
            col = lowered.get(n)
            if col is not None and col not in used:
                chosen[field_name] = col
                used.add(col)
                break
    return ColumnMapping(platform=platform, columns=chosen)


def sniff(path: Path, head: bytes) -> float:
    suffix = path.suffix.lower()
    if suffix in (".csv", ".tsv"):
        return 0.5
    if suffix == ".json" and head.lstrip().startswith(b"["):
        return 0.15
    return 0.0


def columns_of(path: Path) -> list[str]:
    """The column names of a table (for the mapping dialog)."""
    rows = _rows(path)
    for _, row in rows:
        if isinstance(row, dict):
            return list(row.keys())
    return []


def _rows(path: Path) -> Iterator[tuple[str, Any]]:
    if path.suffix.lower() in (".csv", ".tsv"):
        with path.open("r", encoding="utf-8-sig", newline="") as fh:
            sample = fh.read(8192)
            fh.seek(0)
            try:
                dialect: Any = csv.Sniffer().sniff(sample, delimiters=",;\t|")
            except csv.Error:
                dialect = csv.excel_tab if path.suffix.lower() == ".tsv" else csv.excel
            reader = csv.DictReader(fh, dialect=dialect)
            while True:
                try:
                    row = next(reader)
                except StopIteration:
                    return
                except csv.Error as exc:
                    yield f"line {reader.line_num}", exc
                    continue
                yield f"line {reader.line_num}", row
        return
    with path.open("rb") as fh:
        data = fh.read()
    doc = json.loads(data.decode("utf-8-sig"))
    if isinstance(doc, dict):
        lists = [v for v in doc.values() if isinstance(v, list)]
        doc = lists[0] if lists else [doc]
    if not isinstance(doc, list):
        yield path.name, ValueError("the JSON is neither a list of rows nor an object holding one")
        return
    for i, row in enumerate(doc):
        yield f"[{i}]", row


def parse(path: Path, mapping: ColumnMapping | None = None) -> Iterator[ParsedRecord]:
    try:
        rows = _rows(path)
        first = next(rows, None)
    except (ValueError, UnicodeDecodeError) as exc:
        yield RecordError(path.name, f"cannot be read as a table: {exc}")
        return
    if first is None:
        return
    if mapping is None:
        cols = list(first[1].keys()) if isinstance(first[1], dict) else []
        mapping = guess_mapping(cols)
    if "text" not in mapping.columns and "id" not in mapping.columns:
        yield RecordError(path.name, "the mapping names neither a text nor an id column: nothing to import")
        return
    seen_accounts: set[str] = set()
    seen_hash: dict[str, int] = {}

    def all_rows() -> Iterator[tuple[str, Any]]:
        yield first
        try:
            yield from rows
        except (ValueError, UnicodeDecodeError) as exc:
            yield path.name, exc

    for where, row in all_rows():
        if isinstance(row, Exception):
            yield RecordError(where, f"unreadable row: {row}")
            continue
        if not isinstance(row, dict):
            yield RecordError(where, "a row that is not an object of columns")
            continue
        try:
            account, post = _row(row, where, mapping, path.parent, seen_hash)
        except RECORD_ERRORS as exc:
            yield RecordError(where, f"{type(exc).__name__}: {exc}")
            continue
        if account is not None and account.platform_id not in seen_accounts:
            seen_accounts.add(account.platform_id)
            yield account
        yield post


def _time(value: str, mapping: ColumnMapping) -> tuple[str | None, str | None, str | None]:
    value = value.strip()
    if not value:
        return None, None, None
    if mapping.time_format:
        dt = datetime.strptime(value, mapping.time_format)
    elif re.fullmatch(r"\d{9,11}(\.\d+)?", value):
        return epoch_fields(value)
    elif re.fullmatch(r"\d{12,14}", value):
        ms_utc, _, ms_off = epoch_fields(int(value) / 1000)
        return ms_utc, value, ms_off
    else:
        dt = parse_iso(value)
    if dt.tzinfo is None:
        if mapping.assume_offset:
            aware = parse_iso(dt.isoformat() + mapping.assume_offset.replace("Z", "+00:00"))
            return iso_utc(aware), value, mapping.assume_offset
        return None, value, "unknown"
    created_utc, _, off = time_fields(dt.isoformat())
    return created_utc, value, "Z" if value.upper().endswith("Z") else off


def _row(
    row: dict[str, Any], where: str, mapping: ColumnMapping, base: Path, seen_hash: dict[str, int]
) -> tuple[ParsedAccount | None, ParsedPost]:
    def get(field_name: str) -> str | None:
        col = mapping.columns.get(field_name)
        if not col:
            return None
        value = row.get(col)
        return None if value is None else text_or_none(value if isinstance(value, str) else json.dumps(value))

    raw = raw_json(row)
    platform = (get("platform") or mapping.platform or "generic").lower()
    pid = get("id")
    if pid is None:
        digest = hashlib.sha256(raw.encode()).hexdigest()[:16]
        n = seen_hash.get(digest, 0)
        seen_hash[digest] = n + 1
        pid = f"row-{digest}-{n}"
    author_key = get("author_id") or get("author")
    account = None
    if author_key:
        account = ParsedAccount(
            platform=platform,
            platform_id=author_key,
            username=get("author"),
            display_name=get("author_name"),
            where=where,
        )
    created, original, offset = _time(get("created") or "", mapping)
    text = get("text") or ""
    attachments = []
    for item in re.split(r"[;|\n]", get("media") or ""):
        item = item.strip()
        if not item:
            continue
        if item.lower().startswith(("http://", "https://")):
            attachments.append(ParsedAttachment(url=item, name=item.rsplit("/", 1)[-1]))
            continue
        target, problem = safe_child(base, item)
        if problem:
            attachments.append(ParsedAttachment(name=item, problem=problem))
        elif target is None or not target.is_file():
            attachments.append(ParsedAttachment(name=item, problem="file not found beside the table"))
        else:
            attachments.append(ParsedAttachment(path=target, name=item))
    tags = get("hashtags")
    hashtags = (
        tuple(t.strip().lstrip("#") for t in re.split(r"[,;\s]+", tags) if t.strip()) if tags else hashtags_in(text)
    )
    return account, ParsedPost(
        platform=platform,
        platform_id=pid,
        raw=raw,
        account_id=author_key,
        url=get("url"),
        created_utc=created,
        created_original=original,
        created_offset=offset,
        language=get("language"),
        client=get("client"),
        text=text,
        hashtags=hashtags,
        mentions=mentions_in(text),
        links=links_in(text),
        likes=to_int(get("likes")),
        shares=to_int(get("shares")),
        replies=to_int(get("replies")),
        views=to_int(get("views")),
        conversation_id=get("conversation_id"),
        reply_to=get("reply_to"),
        quote_of=get("quote_of"),
        repost_of=get("repost_of"),
        geo_lat=to_float(get("lat")),
        geo_lon=to_float(get("lon")),
        geo_place=get("place"),
        attachments=tuple(attachments),
        where=where,
    )


def read_text(path: Path) -> str:
    """The table's first bytes as text (for a preview in the mapping dialog)."""
    with path.open("rb") as fh:
        return io.TextIOWrapper(io.BytesIO(fh.read(4096)), encoding="utf-8", errors="replace").read()
