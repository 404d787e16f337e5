"""Twitter/X API v2 as written by twarc2: JSON Lines, each line a response page with `data` and `includes`.

Tweets are joined with `includes.users` (authors), `includes.media` (attachments) and `includes.places`; the
referenced tweets in `includes.tweets` are posts of the incident too (the original of a retweet, a quoted tweet).
Pages of users become accounts. Lines flattened by `twarc2 flatten` (one tweet per line, `author` inside) work too.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from workbench.core.posts.importers._common import RECORD_ERRORS, raw_json, text_or_none, time_fields, to_int
from workbench.core.posts.model import ParsedAccount, ParsedAttachment, ParsedPost, ParsedRecord, RecordError

NAME = "twitter"
PLATFORM = "twitter"
HAS_LOCAL_MEDIA = False


def sniff(path: Path, head: bytes) -> float:
    text = head.lstrip()
    if not text.startswith(b"{"):
        return 0.0
    score = 0.0
    if b'"__twarc"' in head:
        score += 0.6
    if b'"author_id"' in head or b'"edit_history_tweet_ids"' in head:
        score += 0.3
    if b'"includes"' in head or b'"public_metrics"' in head:
        score += 0.2
    if path.suffix.lower() == ".jsonl":
        score += 0.1
    return min(score, 1.0)


def parse(path: Path) -> Iterator[ParsedRecord]:
    seen_users: set[str] = set()
    with path.open("r", encoding="utf-8-sig", errors="strict") as fh:
        line_no = 0
        while True:
            try:
                line = fh.readline()
            except UnicodeDecodeError as exc:
                yield RecordError(f"line {line_no + 1}", f"not UTF-8 text ({exc.reason}); the rest was not read")
                return
            if not line:
                break
            line_no += 1
            if not line.strip():
                continue
            where = f"line {line_no}"
            try:
                page = json.loads(line)
            except json.JSONDecodeError as exc:
                yield RecordError(where, f"not valid JSON ({exc.msg} at column {exc.colno})")
                continue
            if not isinstance(page, dict):
                yield RecordError(where, "expected a JSON object (a twarc2 page or a tweet)")
                continue
            yield from _page(page, where, seen_users)


def _page(page: dict[str, Any], where: str, seen_users: set[str]) -> Iterator[ParsedRecord]:
    if "data" not in page:
        if "text" in page and "id" in page:  # a flattened tweet
            author = page.get("author")
            users = {str(author["id"]): author} if isinstance(author, dict) and "id" in author else {}
            yield from _users(users.values(), where, seen_users)
            yield from _tweet(page, where, users, {}, {}, {})
            return
        if "errors" in page:
            yield RecordError(where, "an API error page with no data: " + _first_error(page))
            return
        yield RecordError(where, "no `data` in this line: not a twarc2 page")
        return
    data = page["data"]
    items = data if isinstance(data, list) else [data]
    includes = page.get("includes") or {}
    users = {str(u.get("id")): u for u in includes.get("users") or [] if isinstance(u, dict)}
    media = {str(m.get("media_key")): m for m in includes.get("media") or [] if isinstance(m, dict)}
    places = {str(p.get("id")): p for p in includes.get("places") or [] if isinstance(p, dict)}
    tweets_by_id = {str(t.get("id")): t for t in includes.get("tweets") or [] if isinstance(t, dict)}
    objs = [i for i in items if isinstance(i, dict)]
    if objs and all("username" in o and "text" not in o for o in objs):
        yield from _users(objs, where, seen_users)
        yield from _users(users.values(), where, seen_users)
        for t in tweets_by_id.values():
            yield from _tweet(t, f"{where} includes.tweets", users, media, places, tweets_by_id)
        return
    if objs and all("text" not in o and ("owner_id" in o or "member_count" in o) for o in objs):
        yield RecordError(where, f"a page of {len(objs)} Twitter lists, not posts or accounts: skipped")
        return
    yield from _users(users.values(), where, seen_users)
    all_tweets = {str(t.get("id")): t for t in objs}
    for i, t in enumerate(objs):
        if "id" not in t or "text" not in t:
            yield RecordError(f"{where} data[{i}]", "a data item without `id` and `text`: not a tweet")
            continue
        yield from _tweet(t, f"{where} data[{i}]", users, media, places, {**tweets_by_id, **all_tweets})
    for tid, t in tweets_by_id.items():
        if tid not in all_tweets:
            yield from _tweet(t, f"{where} includes.tweets", users, media, places, {**tweets_by_id, **all_tweets})


def _first_error(page: dict[str, Any]) -> str:
    errs = page.get("errors") or []
    if errs and isinstance(errs[0], dict):
        return str(errs[0].get("detail") or errs[0].get("title") or errs[0])
    return "unknown error"


def _users(users: Any, where: str, seen: set[str]) -> Iterator[ParsedRecord]:
    for u in users:
        uid = str(u.get("id") or "")
        if not uid or uid in seen:
            continue
        seen.add(uid)
        yield account_from_user(u, where)


def account_from_user(u: dict[str, Any], where: str = "") -> ParsedAccount:
    metrics = u.get("public_metrics") or {}
    links: list[str] = []
    entities = u.get("entities") or {}
    for section in ("url", "description"):
        for link in (entities.get(section) or {}).get("urls") or []:
            target = link.get("expanded_url") or link.get("url")
            if target:
                links.append(str(target))
    if not links and u.get("url"):
        links.append(str(u["url"]))
    verified = u.get("verified_type") or (None if u.get("verified") is None else str(bool(u.get("verified"))).lower())
    created, _, _ = time_fields(u.get("created_at"))
    return ParsedAccount(
        platform=PLATFORM,
        platform_id=str(u["id"]),
        username=text_or_none(u.get("username")),
        display_name=text_or_none(u.get("name")),
        bio=text_or_none(u.get("description")),
        created_utc=created,
        followers=to_int(metrics.get("followers_count")),
        following=to_int(metrics.get("following_count")),
        posts_count=to_int(metrics.get("tweet_count")),
        verified=verified,
        links=tuple(dict.fromkeys(links)),
        profile_image_url=text_or_none(u.get("profile_image_url")),
        raw=raw_json(u),
        where=where,
    )


def _best_media_url(m: dict[str, Any]) -> str | None:
    if m.get("url"):
        return str(m["url"])
    variants = [v for v in m.get("variants") or [] if isinstance(v, dict) and v.get("url")]
    mp4 = [v for v in variants if v.get("content_type") == "video/mp4"]
    if mp4:
        return str(max(mp4, key=lambda v: to_int(v.get("bit_rate")) or 0)["url"])
    if variants:
        return str(variants[0]["url"])
    return text_or_none(m.get("preview_image_url"))


def _tweet(
    t: dict[str, Any],
    where: str,
    users: dict[str, Any],
    media: dict[str, Any],
    places: dict[str, Any],
    tweets: dict[str, Any],
) -> Iterator[ParsedRecord]:
    try:
        yield _tweet_post(t, where, users, media, places, tweets)
    except RECORD_ERRORS as exc:
        yield RecordError(where, f"tweet {t.get('id', '?')} could not be read: {type(exc).__name__}: {exc}")


def _tweet_post(
    t: dict[str, Any],
    where: str,
    users: dict[str, Any],
    media: dict[str, Any],
    places: dict[str, Any],
    tweets: dict[str, Any],
) -> ParsedPost:
    tid = str(t["id"])
    author_id = text_or_none(t.get("author_id"))
    created, original, offset = time_fields(t.get("created_at"))
    edited = None
    history = [str(h) for h in t.get("edit_history_tweet_ids") or []]
    if history and history[0] != tid:
        edited = created
        first = tweets.get(history[0])
        if first and first.get("created_at"):
            created, original, offset = time_fields(first["created_at"])
    entities = t.get("entities") or {}
    hashtags = tuple(dict.fromkeys(str(h.get("tag")) for h in entities.get("hashtags") or [] if h.get("tag")))
    mentions = tuple(dict.fromkeys(str(m.get("username")) for m in entities.get("mentions") or [] if m.get("username")))
    links = tuple(
        dict.fromkeys(
            str(u.get("expanded_url") or u.get("url"))
            for u in entities.get("urls") or []
            if (u.get("expanded_url") or u.get("url")) and not u.get("media_key")
        )
    )
    refs = {str(r.get("type")): str(r.get("id")) for r in t.get("referenced_tweets") or [] if isinstance(r, dict)}
    metrics = t.get("public_metrics") or {}
    geo = t.get("geo") or {}
    lat = lon = None
    coords = (geo.get("coordinates") or {}).get("coordinates")
    if isinstance(coords, list) and len(coords) >= 2:
        lon, lat = float(coords[0]), float(coords[1])  # GeoJSON order
    place = places.get(str(geo.get("place_id"))) if geo.get("place_id") else None
    place_name = text_or_none((place or {}).get("full_name")) or text_or_none(geo.get("place_id"))
    attachments = []
    for key in (t.get("attachments") or {}).get("media_keys") or []:
        m = media.get(str(key))
        if m is None:
            attachments.append(ParsedAttachment(name=str(key), problem="media not in the page's includes"))
            continue
        attachments.append(ParsedAttachment(url=_best_media_url(m), name=str(key), kind=text_or_none(m.get("type"))))
    user = users.get(author_id or "") or (t.get("author") if isinstance(t.get("author"), dict) else None)
    username = (user or {}).get("username")
    url = f"https://twitter.com/{username}/status/{tid}" if username else f"https://twitter.com/i/web/status/{tid}"
    return ParsedPost(
        platform=PLATFORM,
        platform_id=tid,
        raw=raw_json(t),
        account_id=author_id,
        url=url,
        created_utc=created,
        created_original=original,
        created_offset=offset,
        edited_utc=edited,
        language=text_or_none(t.get("lang")),
        client=text_or_none(t.get("source")),
        text=str(t.get("text") or ""),
        hashtags=hashtags,
        mentions=mentions,
        links=links,
        likes=to_int(metrics.get("like_count")),
        shares=to_int(metrics.get("retweet_count")),
        replies=to_int(metrics.get("reply_count")),
        views=to_int(metrics.get("impression_count")),
        conversation_id=text_or_none(t.get("conversation_id")),
        reply_to=refs.get("replied_to"),
        quote_of=refs.get("quoted"),
        repost_of=refs.get("retweeted"),
        geo_lat=lat,
        geo_lon=lon,
        geo_place=place_name,
        attachments=tuple(attachments),
        where=where,
    )
