"""yt-dlp `.info.json`: one video's metadata, with the downloaded video (and thumbnail) beside it.

`upload_date` is YYYYMMDD with no time: without an epoch `timestamp` the post time is a day, stored as midday UTC
with `created_offset` "date-only" (the timeline shows the whole calendar day in any zone as its uncertainty).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from workbench.core.posts.importers._common import (
    RECORD_ERRORS,
    epoch_fields,
    iso_utc,
    links_in,
    load_json_file,
    raw_json,
    safe_child,
    text_or_none,
    to_int,
)
from workbench.core.posts.model import ParsedAccount, ParsedAttachment, ParsedPost, ParsedRecord, RecordError

NAME = "ytdlp"
HAS_LOCAL_MEDIA = True
DATE_ONLY = "date-only"
_VIDEO_EXT = (".mp4", ".webm", ".mkv", ".mov", ".m4a", ".mp3", ".opus", ".flv", ".3gp")
_THUMB_EXT = (".jpg", ".jpeg", ".png", ".webp")


def sniff(path: Path, head: bytes) -> float:
    if not head.lstrip().startswith(b"{"):
        return 0.0
    score = 0.0
    if path.name.lower().endswith(".info.json"):
        score += 0.5
    if b'"extractor"' in head or b'"extractor_key"' in head:
        score += 0.3
    if b'"webpage_url"' in head or b'"upload_date"' in head:
        score += 0.3
    return min(score, 1.0)


def parse(path: Path) -> Iterator[ParsedRecord]:
    try:
        info = load_json_file(path)
    except (ValueError, UnicodeDecodeError) as exc:
        yield RecordError(path.name, f"not valid JSON: {exc}")
        return
    if not isinstance(info, dict) or "id" not in info:
        yield RecordError(path.name, "not a yt-dlp info.json (a JSON object with an `id`)")
        return
    entries = info.get("entries")
    if isinstance(entries, list):  # a playlist written as one file
        for i, entry in enumerate(entries):
            if isinstance(entry, dict) and "id" in entry:
                yield from _video(entry, path, f"entries[{i}]")
        return
    yield from _video(info, path, path.name)


def _platform(info: dict[str, Any]) -> str:
    key = str(info.get("extractor_key") or info.get("extractor") or "web").lower()
    return key.split(":")[0] or "web"


def _video(info: dict[str, Any], path: Path, where: str) -> Iterator[ParsedRecord]:
    try:
        platform = _platform(info)
        account_key = text_or_none(info.get("channel_id") or info.get("uploader_id") or info.get("uploader"))
        if account_key:
            yield ParsedAccount(
                platform=platform,
                platform_id=account_key,
                username=text_or_none(info.get("uploader_id")),
                display_name=text_or_none(info.get("channel") or info.get("uploader")),
                followers=to_int(info.get("channel_follower_count")),
                links=tuple(u for u in (info.get("channel_url"), info.get("uploader_url")) if u),
                raw=None,
                where=where,
            )
        created, original, offset = _when(info)
        text = str(info.get("title") or "")
        if info.get("description"):
            text += "\n\n" + str(info["description"])
        tags = tuple(str(t) for t in info.get("tags") or [] if t)
        yield ParsedPost(
            platform=platform,
            platform_id=str(info["id"]),
            raw=raw_json(info),
            account_id=account_key,
            url=text_or_none(info.get("webpage_url") or info.get("original_url")),
            created_utc=created,
            created_original=original,
            created_offset=offset,
            language=text_or_none(info.get("language")),
            text=text,
            hashtags=tags,
            links=links_in(str(info.get("description") or "")),
            likes=to_int(info.get("like_count")),
            replies=to_int(info.get("comment_count")),
            shares=to_int(info.get("repost_count")),
            views=to_int(info.get("view_count")),
            geo_place=text_or_none(info.get("location")),
            attachments=tuple(_files(info, path)),
            where=where,
        )
    except RECORD_ERRORS as exc:
        yield RecordError(where, f"video {info.get('id', '?')} could not be read: {type(exc).__name__}: {exc}")


def _when(info: dict[str, Any]) -> tuple[str | None, str | None, str | None]:
    for key in ("timestamp", "release_timestamp"):
        if isinstance(info.get(key), int | float) and not isinstance(info.get(key), bool):
            return epoch_fields(info[key])
    day = text_or_none(info.get("upload_date") or info.get("release_date"))
    if day:
        d = datetime.strptime(day, "%Y%m%d").replace(hour=12, tzinfo=UTC)
        return iso_utc(d), day, DATE_ONLY
    return None, None, None


def _files(info: dict[str, Any], path: Path) -> list[ParsedAttachment]:
    folder = path.parent
    stem = path.name[: -len(".info.json")] if path.name.lower().endswith(".info.json") else path.stem
    found: list[ParsedAttachment] = []
    names: list[str] = []
    for key in ("_filename", "filename"):
        if info.get(key):
            names.append(Path(str(info[key])).name)  # where it was downloaded: only its name, looked up here
    if info.get("ext"):
        names.append(f"{stem}.{info['ext']}")
    names.extend(f"{stem}{ext}" for ext in _VIDEO_EXT)
    for name in dict.fromkeys(names):
        target, problem = safe_child(folder, name)
        if problem is None and target is not None and target.is_file():
            found.append(ParsedAttachment(path=target, name=name, url=text_or_none(info.get("url")), kind="video"))
            break
    else:
        found.append(
            ParsedAttachment(
                url=text_or_none(info.get("webpage_url")), kind="video", problem="the downloaded video is not beside it"
            )
        )
    for ext in _THUMB_EXT:
        target, problem = safe_child(folder, f"{stem}{ext}")
        if problem is None and target is not None and target.is_file():
            found.append(
                ParsedAttachment(
                    path=target, name=target.name, url=text_or_none(info.get("thumbnail")), kind="thumbnail"
                )
            )
            break
    return found
