"""Reddit API listings and comment trees (`/comments/<id>.json` is a list of two listings: the post, the comments).

`created_utc` is a float of epoch seconds. Posts are `t3`, comments `t1` with `parent_id` (the post or another
comment) and `link_id` (the post, used as the conversation). "more" stubs stand for comments that were not loaded:
they are reported, not imported. Ids are Reddit's full names (`t3_abc`, `t1_xyz`) so that replies join up.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from workbench.core.posts.importers._common import (
    RECORD_ERRORS,
    epoch_fields,
    hashtags_in,
    links_in,
    parse_json_export,
    raw_json,
    text_or_none,
    to_int,
)
from workbench.core.posts.model import ParsedAccount, ParsedAttachment, ParsedPost, ParsedRecord, RecordError

NAME = "reddit"
PLATFORM = "reddit"
HAS_LOCAL_MEDIA = False

_IMAGE_EXT = (".jpg", ".jpeg", ".png", ".gif", ".webp", ".mp4")


def sniff(path: Path, head: bytes) -> float:
    h = head.lstrip()
    if not h.startswith((b"[", b"{")):
        return 0.0
    score = 0.0
    if b'"kind"' in head and (b'"Listing"' in head or b'"t3"' in head or b'"t1"' in head):
        score += 0.6
    if b'"subreddit"' in head or b'"created_utc"' in head:
        score += 0.3
    return min(score, 1.0)


def parse(path: Path) -> Iterator[ParsedRecord]:
    return parse_json_export(path, parse_document)


def parse_document(doc: Any, prefix: str) -> Iterator[ParsedRecord]:
    seen: set[str] = set()
    yield from _walk(doc, prefix or "$", seen)


def _walk(node: Any, where: str, seen: set[str]) -> Iterator[ParsedRecord]:
    if isinstance(node, list):
        for i, child in enumerate(node):
            yield from _walk(child, f"{where}[{i}]", seen)
        return
    if not isinstance(node, dict):
        return
    kind = node.get("kind")
    data = node.get("data")
    if kind == "Listing" and isinstance(data, dict):
        for i, child in enumerate(data.get("children") or []):
            yield from _walk(child, f"{where}.data.children[{i}]", seen)
        return
    if kind == "more":
        count = (data or {}).get("count", "?") if isinstance(data, dict) else "?"
        yield RecordError(where, f"a 'more' stub: {count} comments were not loaded in this export (not imported)")
        return
    if kind in ("t1", "t3") and isinstance(data, dict):
        try:
            account, post = _thing(kind, data, where)
        except RECORD_ERRORS as exc:
            yield RecordError(where, f"{kind} {data.get('id', '?')} could not be read: {type(exc).__name__}: {exc}")
        else:
            if account is not None and account.platform_id not in seen:
                seen.add(account.platform_id)
                yield account
            yield post
        replies = data.get("replies")
        if isinstance(replies, dict):
            yield from _walk(replies, f"{where}.data.replies", seen)
        return
    if kind is not None:
        yield RecordError(where, f"a Reddit {kind!r} object, not a post or comment: skipped")


def _thing(kind: str, d: dict[str, Any], where: str) -> tuple[ParsedAccount | None, ParsedPost]:
    name = str(d.get("name") or f"{kind}_{d['id']}")
    author = text_or_none(d.get("author"))
    account = None
    if author and author != "[deleted]":
        account = ParsedAccount(
            platform=PLATFORM,
            platform_id=author,
            username=author,
            raw=None,
            where=where,
        )
    created, original, offset = epoch_fields(d["created_utc"]) if d.get("created_utc") is not None else (None,) * 3
    edited = d.get("edited")
    edited_utc = epoch_fields(edited)[0] if isinstance(edited, int | float) and not isinstance(edited, bool) else None
    attachments: list[ParsedAttachment] = []
    links: list[str] = []
    if kind == "t3":
        text = str(d.get("title") or "")
        if d.get("selftext"):
            text += "\n\n" + str(d["selftext"])
        url = text_or_none(d.get("url"))
        if url and not d.get("is_self"):
            if url.lower().split("?")[0].endswith(_IMAGE_EXT) or d.get("is_video") or d.get("post_hint") == "image":
                attachments.append(ParsedAttachment(url=url, kind="video" if d.get("is_video") else "image"))
            else:
                links.append(url)
        conversation: str | None = name
        reply_to = None
    else:
        text = str(d.get("body") or "")
        conversation = text_or_none(d.get("link_id"))
        reply_to = text_or_none(d.get("parent_id"))
    links.extend(links_in(text))
    permalink = d.get("permalink")
    return account, ParsedPost(
        platform=PLATFORM,
        platform_id=name,
        raw=raw_json(d),
        account_id=account.platform_id if account else None,
        url=f"https://www.reddit.com{permalink}" if permalink else None,
        created_utc=created,
        created_original=original,
        created_offset=offset,
        edited_utc=edited_utc,
        text=text,
        hashtags=hashtags_in(text),
        mentions=tuple(dict.fromkeys(m.lstrip("/").removeprefix("u/") for m in _user_refs(text))),
        links=tuple(dict.fromkeys(links)),
        likes=to_int(d.get("score")),
        replies=to_int(d.get("num_comments")),
        conversation_id=conversation,
        reply_to=reply_to,
        attachments=tuple(attachments),
        where=where,
    )


def _user_refs(text: str) -> list[str]:
    import re

    return re.findall(r"(?<![\w/])/?u/[A-Za-z0-9_-]{3,20}", text)
