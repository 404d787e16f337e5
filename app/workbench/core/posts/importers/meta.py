"""Facebook and Instagram "download your information" JSON: posts, and message threads.

Meta writes UTF-8 bytes as `\\u00XX` escapes (so "ø" arrives as "Ã¸"): every string is decoded latin-1 → UTF-8
where that round-trips, and the raw record keeps what the file said. The files carry no post ids: a post's id is a
hash of its record, so importing the same file again adds nothing. Media `uri`s are relative to the export's root
folder (one of the JSON file's parent folders); a `uri` that climbs out of it is refused for that record.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from workbench.core.posts.importers._common import (
    RECORD_ERRORS,
    epoch_fields,
    fix_mojibake_deep,
    hashtags_in,
    links_in,
    load_json_file,
    mentions_in,
    raw_json,
    safe_child,
    text_or_none,
)
from workbench.core.posts.model import ParsedAccount, ParsedAttachment, ParsedPost, ParsedRecord, RecordError

NAME = "meta"
HAS_LOCAL_MEDIA = True


def sniff(path: Path, head: bytes) -> float:
    h = head.lstrip()
    if not h.startswith((b"{", b"[")):
        return 0.0
    score = 0.0
    if b'"sender_name"' in head and b'"timestamp_ms"' in head:
        score += 0.8
    if b'"creation_timestamp"' in head and b'"uri"' in head:
        score += 0.7
    if b'"attachments"' in head and b'"timestamp"' in head and b'"data"' in head:
        score += 0.3
    if b"\\u00c3" in head or b"\\u00e2\\u0080" in head:
        score += 0.1
    return min(score, 1.0)


def _platform(path: Path) -> str:
    lowered = str(path).lower()
    if "instagram" in lowered:
        return "instagram"
    if "facebook" in lowered or "messenger" in lowered:
        return "facebook"
    return "meta"


def parse(path: Path) -> Iterator[ParsedRecord]:
    try:
        doc = load_json_file(path)
    except (ValueError, UnicodeDecodeError) as exc:
        yield RecordError(path.name, f"not valid JSON: {exc}")
        return
    platform = _platform(path)
    if isinstance(doc, dict) and isinstance(doc.get("messages"), list):
        yield from _thread(doc, path, platform)
        return
    items: Any = doc
    if isinstance(doc, dict):
        lists = [v for v in doc.values() if isinstance(v, list)]
        items = lists[0] if len(lists) == 1 else None
    if not isinstance(items, list):
        yield RecordError(path.name, "neither a list of posts nor a message thread: not a known Meta export file")
        return
    seen: dict[str, int] = {}
    for i, item in enumerate(items):
        where = f"[{i}]"
        if not isinstance(item, dict):
            yield RecordError(where, "a post that is not a JSON object")
            continue
        try:
            yield _post(item, path, platform, where, seen)
        except RECORD_ERRORS as exc:
            yield RecordError(where, f"could not be read: {type(exc).__name__}: {exc}")


def _pid(prefix: str, raw: str, seen: dict[str, int]) -> str:
    digest = hashlib.sha256(raw.encode()).hexdigest()[:16]
    n = seen.get(digest, 0)
    seen[digest] = n + 1
    return f"{prefix}{digest}-{n}"


def _media(entries: Any, path: Path) -> list[ParsedAttachment]:
    out: list[ParsedAttachment] = []
    for m in entries or []:
        if not isinstance(m, dict) or not m.get("uri"):
            continue
        uri = fix_mojibake_deep(str(m["uri"]))
        if uri.startswith(("http://", "https://")):
            out.append(ParsedAttachment(url=uri, name=Path(uri).name))
            continue
        target, problem = _locate(path, uri)
        if problem or target is None:
            out.append(ParsedAttachment(name=uri, problem=problem or "file not found in the export folder"))
        else:
            out.append(ParsedAttachment(path=target, name=uri))
    return out


def _locate(path: Path, uri: str) -> tuple[Path | None, str | None]:
    """The uri under the export root: the JSON file's folder or one of its parents (at most four up)."""
    folder = path.parent
    first_problem = None
    for _ in range(5):
        target, problem = safe_child(folder, uri)
        if problem:
            return None, problem
        if target is not None and target.is_file():
            return target, None
        first_problem = first_problem or "file not found in the export folder"
        if folder.parent == folder:
            break
        folder = folder.parent
    return None, first_problem


def _post(item: dict[str, Any], path: Path, platform: str, where: str, seen: dict[str, int]) -> ParsedPost:
    raw = raw_json(item)
    fixed = fix_mojibake_deep(item)
    texts: list[str] = []
    media_entries: list[Any] = list(fixed.get("media") or [])
    for d in fixed.get("data") or []:
        if isinstance(d, dict) and d.get("post"):
            texts.append(str(d["post"]))
    for att in fixed.get("attachments") or []:
        for d in (att or {}).get("data") or []:
            if isinstance(d, dict) and isinstance(d.get("media"), dict):
                media_entries.append(d["media"])
    if not texts and fixed.get("title"):
        texts.append(str(fixed["title"]))
    if not texts:
        texts.extend(str(m.get("title")) for m in media_entries if isinstance(m, dict) and m.get("title"))
    text = "\n\n".join(dict.fromkeys(texts))
    stamp = fixed.get("timestamp") or fixed.get("creation_timestamp")
    if stamp is None:
        stamps = [m.get("creation_timestamp") for m in media_entries if isinstance(m, dict)]
        stamp = next((s for s in stamps if s is not None), None)
    created, original, offset = epoch_fields(stamp) if stamp is not None else (None, None, None)
    return ParsedPost(
        platform=platform,
        platform_id=_pid("dyi-post-", raw, seen),
        raw=raw,
        created_utc=created,
        created_original=original,
        created_offset=offset,
        text=text,
        hashtags=hashtags_in(text),
        mentions=mentions_in(text),
        links=links_in(text),
        attachments=tuple(_media(media_entries, path)),
        where=where,
    )


def _thread(doc: dict[str, Any], path: Path, platform: str) -> Iterator[ParsedRecord]:
    title = fix_mojibake_deep(str(doc.get("title") or doc.get("thread_path") or path.stem))
    conversation = f"dyi-thread:{title}"
    seen_accounts: set[str] = set()
    seen: dict[str, int] = {}
    for i, msg in enumerate(doc["messages"]):
        where = f"messages[{i}]"
        if not isinstance(msg, dict):
            yield RecordError(where, "a message that is not a JSON object")
            continue
        try:
            raw = raw_json(msg)
            fixed = fix_mojibake_deep(msg)
            sender = text_or_none(fixed.get("sender_name"))
            account_id = f"name:{sender}" if sender else None
            if account_id and account_id not in seen_accounts:
                seen_accounts.add(account_id)
                yield ParsedAccount(platform=platform, platform_id=account_id, display_name=sender, where=where)
            created: str | None = None
            original: str | None = None
            offset: str | None = None
            if fixed.get("timestamp_ms") is not None:
                created, _, offset = epoch_fields(int(fixed["timestamp_ms"]) / 1000)
                original = str(msg["timestamp_ms"])
            text = str(fixed.get("content") or "")
            media: list[Any] = []
            for key in ("photos", "videos", "audio_files", "files", "gifs"):
                media.extend(fixed.get(key) or [])
            if isinstance(fixed.get("share"), dict) and fixed["share"].get("link"):
                text = (text + "\n" + str(fixed["share"]["link"])).strip()
            yield ParsedPost(
                platform=platform,
                platform_id=_pid(f"{conversation}/", raw, seen),
                raw=raw,
                account_id=account_id,
                created_utc=created,
                created_original=original,
                created_offset=offset,
                text=text,
                hashtags=hashtags_in(text),
                mentions=mentions_in(text),
                links=links_in(text),
                conversation_id=conversation,
                attachments=tuple(_media(media, path)),
                where=where,
            )
        except RECORD_ERRORS as exc:
            yield RecordError(where, f"could not be read: {type(exc).__name__}: {exc}")
