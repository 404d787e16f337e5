"""Telegram Desktop export: `result.json` (one chat, or all chats under `chats.list`) with its media folders.

`date` is the exporting computer's local time with no zone; newer exports add `date_unixtime`, which is used when
present (and the difference gives the offset `date` was written in). Without it the time stays local, its offset
"unknown": it is never guessed. `text` is a string or a list of entity objects; `from_id` is a number in old
exports and "user123"/"channel123" in new ones. Attachments are files under the export folder; a path that climbs
out of it is refused for that record.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from workbench.core.posts.importers._common import (
    RECORD_ERRORS,
    epoch_fields,
    hashtags_in,
    iso_utc,
    links_in,
    load_json_file,
    mentions_in,
    raw_json,
    safe_child,
    text_or_none,
)
from workbench.core.posts.model import ParsedAccount, ParsedAttachment, ParsedPost, ParsedRecord, RecordError

NAME = "telegram"
PLATFORM = "telegram"
HAS_LOCAL_MEDIA = True

_NOT_INCLUDED = "(File not included"
_FILE_KEYS = ("photo", "file")


def resolve(path: Path) -> Path:
    """A folder given for a Telegram export means its result.json."""
    if path.is_dir() and (path / "result.json").is_file():
        return path / "result.json"
    return path


def sniff(path: Path, head: bytes) -> float:
    if not head.lstrip().startswith(b"{") or (b'"messages"' not in head and b'"chats"' not in head):
        return 0.0
    score = 0.3
    if b'"date_unixtime"' in head or b'"from_id"' in head:
        score += 0.5
    if b'"date"' in head and (b'"type": "message"' in head or b'"type":"message"' in head):
        score += 0.4
    if b'"sender_name"' in head or b'"timestamp_ms"' in head:
        score -= 0.5
    if path.name == "result.json":
        score += 0.1
    return max(0.0, min(score, 1.0))


def parse(path: Path) -> Iterator[ParsedRecord]:
    path = resolve(path)
    try:
        doc = load_json_file(path)
    except (ValueError, UnicodeDecodeError) as exc:
        yield RecordError(path.name, f"not valid JSON: {exc}")
        return
    if not isinstance(doc, dict):
        yield RecordError(path.name, "expected a JSON object with `messages` or `chats`")
        return
    base = path.parent
    if isinstance(doc.get("messages"), list):
        yield from _chat(doc, "", base)
    chats = doc.get("chats")
    if isinstance(chats, dict):
        for i, chat in enumerate(chats.get("list") or []):
            if isinstance(chat, dict):
                yield from _chat(chat, f"chats.list[{i}].", base)
    if not isinstance(doc.get("messages"), list) and not isinstance(chats, dict):
        yield RecordError(path.name, "no `messages` list and no `chats.list`: not a Telegram Desktop export")


def _chat(chat: dict[str, Any], prefix: str, base: Path) -> Iterator[ParsedRecord]:
    chat_key = str(chat.get("id") if chat.get("id") is not None else "name:" + str(chat.get("name") or "chat"))
    seen_accounts: set[str] = set()
    seen_raw: dict[str, int] = {}
    for i, msg in enumerate(chat.get("messages") or []):
        where = f"{prefix}messages[{i}]"
        if not isinstance(msg, dict):
            yield RecordError(where, "a message that is not a JSON object")
            continue
        if msg.get("type", "message") != "message":
            continue  # service messages (channel created, member joined) are not posts
        try:
            account, post = _message(msg, where, chat_key, chat, base, seen_raw)
        except RECORD_ERRORS as exc:
            yield RecordError(where, f"message {msg.get('id', '?')} could not be read: {exc}")
            continue
        if account is not None and account.platform_id not in seen_accounts:
            seen_accounts.add(account.platform_id)
            yield account
        yield post


def _text(value: Any) -> tuple[str, list[str], list[str], list[str]]:
    """Plain text plus links, hashtags, mentions from a `text` string or entity list."""
    if isinstance(value, str):
        return value, [], [], []
    parts: list[str] = []
    links: list[str] = []
    tags: list[str] = []
    mentions: list[str] = []
    for piece in value or []:
        if isinstance(piece, str):
            parts.append(piece)
            continue
        if not isinstance(piece, dict):
            continue
        text = str(piece.get("text") or "")
        parts.append(text)
        kind = piece.get("type")
        if kind == "text_link" and piece.get("href"):
            links.append(str(piece["href"]))
        elif kind == "link":
            links.append(text if "://" in text else "http://" + text)
        elif kind == "hashtag":
            tags.append(text.lstrip("#"))
        elif kind in ("mention", "mention_name"):
            mentions.append(text.lstrip("@"))
    return "".join(parts), links, tags, mentions


def _message(
    msg: dict[str, Any],
    where: str,
    chat_key: str,
    chat: dict[str, Any],
    base: Path,
    seen_raw: dict[str, int],
) -> tuple[ParsedAccount | None, ParsedPost]:
    raw = raw_json(msg)
    if msg.get("id") is not None:
        pid = f"{chat_key}/{msg['id']}"
    else:
        # Minimal exports carry no message id: a content hash keeps re-imports idempotent.
        digest = hashlib.sha256(raw.encode()).hexdigest()[:16]
        n = seen_raw.get(digest, 0)
        seen_raw[digest] = n + 1
        pid = f"{chat_key}/noid-{digest}-{n}"
    created = original = offset = None
    offset_delta = None
    local = text_or_none(msg.get("date"))
    if msg.get("date_unixtime") not in (None, ""):
        created, original, offset = epoch_fields(str(msg["date_unixtime"]))
        if local:
            naive = datetime.fromisoformat(local)
            utc = datetime.fromisoformat(created).replace(tzinfo=None)
            offset_delta = naive - utc
            minutes = round(offset_delta.total_seconds() / 60 / 15) * 15
            sign = "+" if minutes >= 0 else "-"
            offset = f"{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"
            original = local
    elif local:
        datetime.fromisoformat(local)  # validate; the zone stays unknown
        original, offset = local, "unknown"
    edited = None
    if msg.get("edited_unixtime") not in (None, ""):
        edited = epoch_fields(str(msg["edited_unixtime"]))[0]
    elif msg.get("edited") and offset_delta is not None:
        edited = iso_utc((datetime.fromisoformat(str(msg["edited"])) - offset_delta).replace(tzinfo=UTC))
    text, links, tags, mentions = _text(msg.get("text"))
    if isinstance(msg.get("text"), str):
        links, tags, mentions = list(links_in(text)), list(hashtags_in(text)), list(mentions_in(text))
    attachments = []
    for key in _FILE_KEYS:
        value = msg.get(key)
        if not isinstance(value, str) or not value:
            continue
        if value.startswith(_NOT_INCLUDED):
            attachments.append(ParsedAttachment(name=None, kind=key, problem="not included in the export"))
            continue
        target, problem = safe_child(base, value)
        if problem:
            attachments.append(ParsedAttachment(name=value, kind=key, problem=problem))
        elif target is None or not target.is_file():
            attachments.append(ParsedAttachment(name=value, kind=key, problem="file not found beside the export"))
        else:
            attachments.append(ParsedAttachment(path=target, name=value, kind=str(msg.get("media_type") or key)))
    account = None
    from_name = text_or_none(msg.get("from"))
    if msg.get("from_id") is not None:
        account_id: str | None = str(msg["from_id"])
    elif from_name:
        account_id = f"{chat_key}/name:{from_name}"  # no id in this export: a name, within this chat only
    else:
        account_id = None
    if account_id is not None:
        account = ParsedAccount(platform=PLATFORM, platform_id=account_id, display_name=from_name, where=where)
    reply = msg.get("reply_to_message_id")
    return account, ParsedPost(
        platform=PLATFORM,
        platform_id=pid,
        raw=raw,
        account_id=account_id,
        created_utc=created,
        created_original=original,
        created_offset=offset,
        edited_utc=edited,
        text=text,
        hashtags=tuple(dict.fromkeys(tags)),
        mentions=tuple(dict.fromkeys(mentions)),
        links=tuple(dict.fromkeys(links)),
        conversation_id=chat_key,
        reply_to=f"{chat_key}/{reply}" if reply is not None else None,
        geo_lat=_loc(msg, "latitude"),
        geo_lon=_loc(msg, "longitude"),
        attachments=tuple(attachments),
        where=where,
    )


def _loc(msg: dict[str, Any], key: str) -> float | None:
    info = msg.get("location_information")
    if isinstance(info, dict) and info.get(key) is not None:
        return float(info[key])
    return None
