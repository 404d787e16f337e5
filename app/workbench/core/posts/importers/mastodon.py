"""Mastodon API statuses: a JSON list (an account's or a tag's timeline) or one status object.

`content` is HTML: the raw record keeps it verbatim and `text` is plain text extracted with the standard library's
parser (never rendered). `acct` is `user` on the account's own server and `user@host` for remote accounts.
A boost (`reblog`) is a post of its own whose `repost_of` names the original, which is imported too.
Status ids are those of the server the API was asked, as are `in_reply_to_id` values, so threads join up.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from workbench.core.posts.importers._common import (
    RECORD_ERRORS,
    html_to_text,
    parse_json_export,
    raw_json,
    text_or_none,
    time_fields,
    to_int,
)
from workbench.core.posts.model import ParsedAccount, ParsedAttachment, ParsedPost, ParsedRecord, RecordError

NAME = "mastodon"
PLATFORM = "mastodon"
HAS_LOCAL_MEDIA = False


def sniff(path: Path, head: bytes) -> float:
    h = head.lstrip()
    if not h.startswith((b"[", b"{")):
        return 0.0
    score = 0.0
    if b'"account"' in head and b'"content"' in head:
        score += 0.4
    if b'"reblogs_count"' in head or b'"favourites_count"' in head:
        score += 0.4
    if b'"in_reply_to_account_id"' in head or b'"media_attachments"' in head:
        score += 0.2
    return min(score, 1.0)


def parse(path: Path) -> Iterator[ParsedRecord]:
    return parse_json_export(path, parse_document)


def parse_document(doc: Any, prefix: str) -> Iterator[ParsedRecord]:
    statuses = doc if isinstance(doc, list) else [doc]
    seen: set[str] = set()
    for i, status in enumerate(statuses):
        where = f"{prefix}[{i}]" if isinstance(doc, list) else (prefix or "status")
        if not isinstance(status, dict) or "id" not in status:
            yield RecordError(where, "not a Mastodon status (a JSON object with an `id`)")
            continue
        yield from _status(status, where, seen)


def _status(status: dict[str, Any], where: str, seen: set[str]) -> Iterator[ParsedRecord]:
    reblog = status.get("reblog")
    if isinstance(reblog, dict) and "id" in reblog:
        yield from _status(reblog, f"{where}.reblog", seen)
    try:
        account = status.get("account")
        if isinstance(account, dict) and str(account.get("id")) not in seen:
            seen.add(str(account.get("id")))
            yield account_from_json(account, where)
        yield _post(status, where)
    except RECORD_ERRORS as exc:
        yield RecordError(where, f"status {status.get('id', '?')} could not be read: {type(exc).__name__}: {exc}")


def account_from_json(a: dict[str, Any], where: str) -> ParsedAccount:
    bio, bio_links = html_to_text(str(a.get("note") or ""))
    links = list(bio_links)
    for f in a.get("fields") or []:
        if isinstance(f, dict):
            links.extend(html_to_text(str(f.get("value") or ""))[1])
    created, _, _ = time_fields(a.get("created_at"))
    return ParsedAccount(
        platform=PLATFORM,
        platform_id=str(a["id"]),
        username=text_or_none(a.get("acct") or a.get("username")),
        display_name=text_or_none(a.get("display_name")),
        bio=bio or None,
        created_utc=created,
        followers=to_int(a.get("followers_count")),
        following=to_int(a.get("following_count")),
        posts_count=to_int(a.get("statuses_count")),
        verified="bot" if a.get("bot") else None,
        links=tuple(dict.fromkeys(links)),
        profile_image_url=text_or_none(a.get("avatar")),
        raw=raw_json(a),
        where=where,
    )


def _post(s: dict[str, Any], where: str) -> ParsedPost:
    text, hrefs = html_to_text(str(s.get("content") or ""))
    if s.get("spoiler_text"):
        text = f"[CW: {s['spoiler_text']}]\n{text}"
    mention_urls = {str(m.get("url")) for m in s.get("mentions") or [] if isinstance(m, dict)}
    tag_urls = {str(t.get("url")) for t in s.get("tags") or [] if isinstance(t, dict)}
    links = tuple(h for h in hrefs if h not in mention_urls and h not in tag_urls and "/tags/" not in h)
    created, original, offset = time_fields(s.get("created_at"))
    edited, _, _ = time_fields(s.get("edited_at"))
    attachments = tuple(
        ParsedAttachment(
            url=text_or_none(m.get("url") or m.get("remote_url")),
            name=text_or_none(m.get("description")),
            kind=text_or_none(m.get("type")),
        )
        for m in s.get("media_attachments") or []
        if isinstance(m, dict)
    )
    reblog = s.get("reblog")
    quote = s.get("quote")
    quote_of = None
    if isinstance(quote, dict):
        quoted = quote.get("quoted_status") if isinstance(quote.get("quoted_status"), dict) else quote
        quote_of = text_or_none(quoted.get("id")) if isinstance(quoted, dict) else None
    app: dict[str, Any] = s["application"] if isinstance(s.get("application"), dict) else {}
    account: dict[str, Any] = s["account"] if isinstance(s.get("account"), dict) else {}
    return ParsedPost(
        platform=PLATFORM,
        platform_id=str(s["id"]),
        raw=raw_json(s),
        account_id=text_or_none(account.get("id")),
        url=text_or_none(s.get("url") or s.get("uri")),
        created_utc=created,
        created_original=original,
        created_offset=offset,
        edited_utc=edited,
        language=text_or_none(s.get("language")),
        client=text_or_none(app.get("name")),
        text=text,
        hashtags=tuple(str(t.get("name")) for t in s.get("tags") or [] if isinstance(t, dict) and t.get("name")),
        mentions=tuple(str(m.get("acct")) for m in s.get("mentions") or [] if isinstance(m, dict) and m.get("acct")),
        links=links,
        likes=to_int(s.get("favourites_count")),
        shares=to_int(s.get("reblogs_count")),
        replies=to_int(s.get("replies_count")),
        conversation_id=None,
        reply_to=text_or_none(s.get("in_reply_to_id")),
        quote_of=quote_of,
        repost_of=text_or_none(reblog.get("id")) if isinstance(reblog, dict) else None,
        attachments=attachments,
        where=where,
    )
