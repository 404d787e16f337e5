"""Putting parsed posts into the incident: the export is evidence, attachments are evidence, posts are one change.

Order of work:
1. the export file itself is added as a media item (it is evidence too; `post_import.source_media_id` names it);
2. attachments found on disk are added with `ingest.add_file`, each in its own transaction, deduplicated by hash;
3. every account, post and attachment link is written in ONE transaction with one audit entry for the import.

Importing the same export again adds nothing: posts and accounts are unique by (platform, platform id), files by
SHA-256, and an import that would add nothing writes nothing. A broken record is reported with its line or path,
and the rest goes in.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

from workbench.core.errors import BadInput, Cancelled, WorkbenchError
from workbench.core.incident import Incident
from workbench.core.ingest import add_file
from workbench.core.posts import importers
from workbench.core.posts.importers._common import hashtags_in, iso_utc, links_in, mentions_in, offset_of, raw_json
from workbench.core.posts.model import (
    ColumnMapping,
    ParsedAccount,
    ParsedAttachment,
    ParsedPost,
    ParsedRecord,
    RecordError,
)
from workbench.core.store import blobs
from workbench.core.store.audit import utc_now
from workbench.core.store.records import Changes
from workbench.core.tasks import Progress

_POST_COLUMNS = (
    "platform, platform_id, account_id, url, created_utc, created_original, created_offset, edited_utc, language, "
    "client, text, hashtags_json, mentions_json, links_json, likes, shares, replies, views, conversation_id, "
    "reply_to, quote_of, repost_of, geo_lat, geo_lon, geo_place, import_id, raw_json"
)
_INSERT_POST = f"INSERT OR IGNORE INTO post ({_POST_COLUMNS}) VALUES ({', '.join('?' * 27)})"
_INSERT_ACCOUNT = (
    "INSERT OR IGNORE INTO account (platform, platform_id, username, display_name, bio, language, time_zone, "
    "created_utc, followers, following, posts_count, verified, links_json, profile_image_url, raw_json, "
    "first_import_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
)
# Fill what an earlier import did not know (a mention-only account later seen in full); never overwrite.
_FILL_ACCOUNT = (
    "UPDATE account SET username = COALESCE(username, ?), display_name = COALESCE(display_name, ?), "
    "bio = COALESCE(bio, ?), created_utc = COALESCE(created_utc, ?), followers = COALESCE(followers, ?), "
    "following = COALESCE(following, ?), posts_count = COALESCE(posts_count, ?), raw_json = COALESCE(raw_json, ?) "
    "WHERE platform = ? AND platform_id = ? AND (username IS NULL OR display_name IS NULL OR bio IS NULL OR "
    "created_utc IS NULL OR followers IS NULL OR raw_json IS NULL)"
)


@dataclass(frozen=True)
class ImportReport:
    """What an import did. `duplicates` counts posts and files that were already in the incident."""

    format: str
    source: str
    source_sha256: str | None
    source_media_id: int | None
    import_id: int | None
    posts: int
    accounts: int
    media: int
    duplicate_posts: int
    duplicate_media: int
    errors: tuple[RecordError, ...]
    attachment_problems: tuple[RecordError, ...] = ()
    changes: Changes = field(default_factory=Changes)

    @property
    def duplicates(self) -> int:
        return self.duplicate_posts + self.duplicate_media

    def to_json(self) -> dict[str, Any]:
        return {
            "format": self.format,
            "source": self.source,
            "source_sha256": self.source_sha256,
            "source_media_id": self.source_media_id,
            "import_id": self.import_id,
            "posts": self.posts,
            "accounts": self.accounts,
            "media": self.media,
            "duplicates": self.duplicates,
            "duplicate_posts": self.duplicate_posts,
            "duplicate_media": self.duplicate_media,
            "errors": [e.to_json() for e in self.errors],
            "attachment_problems": [e.to_json() for e in self.attachment_problems],
        }


def _media_by_sha(incident: Incident, sha: str) -> int | None:
    with incident.read() as conn:
        row = conn.exec_driver_sql("SELECT id FROM media_item WHERE sha256 = ?", (sha,)).first()
    return None if row is None else int(row[0])


def _add_evidence(incident: Incident, path: Path, progress: Progress, note: str) -> tuple[int, str, bool]:
    """(media id, sha256, newly added). A file already in the incident is reused without a new source row."""
    sha, _ = blobs.hash_file(path, progress)
    existing = _media_by_sha(incident, sha)
    if existing is not None:
        return existing, sha, False
    outcome = add_file(incident, path, progress=progress, note=note)
    if outcome.media_id is None:
        raise BadInput(f"{path.name} could not be added: {outcome.reason}")
    return outcome.media_id, sha, outcome.status == "added"


def import_export(
    incident: Incident,
    path: Path | str,
    *,
    fmt: str = "auto",
    mapping: ColumnMapping | None = None,
    progress: Progress | None = None,
) -> ImportReport:
    """Import one export file (or a Telegram export folder) into the incident."""
    progress = progress or Progress()
    source = importers.resolve_path(Path(path))
    importers.check_importable(source)
    if fmt == "auto":
        fmt = importers.detect(source)
    if fmt not in importers.FORMATS:
        raise BadInput(f"Unknown format {fmt!r}; choose one of {', '.join(importers.CHOICES)}.")
    spec = importers.FORMATS[fmt]
    progress(0, 0, f"adding {source.name} as evidence")
    source_id, source_sha, source_new = _add_evidence(incident, source, progress, note=f"{fmt} export")

    def records() -> Iterator[ParsedRecord]:
        return importers.parse(source, fmt, mapping)

    media_ids: dict[Path, int] = {}
    media_added = 0
    media_dupes = 0
    problems: list[RecordError] = []
    if spec.has_local_media:
        wanted: dict[Path, str] = {}
        for rec in records():
            if isinstance(rec, ParsedPost):
                for att in rec.attachments:
                    if att.path is not None:
                        wanted.setdefault(att.path, rec.where)
        for i, (file_path, where) in enumerate(wanted.items()):
            progress(i, len(wanted), f"adding attachment {file_path.name}")
            try:
                note = f"attachment of a post in {source.name}"
                mid, _, new = _add_evidence(incident, file_path, progress, note=note)
            except Cancelled:
                raise
            except (WorkbenchError, OSError) as exc:
                problems.append(RecordError(where, f"attachment {file_path.name} could not be added: {exc}"))
                continue
            media_ids[file_path] = mid
            media_added += int(new)
            media_dupes += int(not new)
    report = _write(
        incident,
        records(),
        fmt=fmt,
        source=source,
        source_id=source_id,
        source_sha=source_sha,
        media_ids=media_ids,
        mapping=mapping,
        progress=progress,
        media_added=media_added + int(source_new),
        media_dupes=media_dupes,
        attachment_problems=problems,
    )
    return report


def _write(
    incident: Incident,
    records: Iterable[ParsedRecord],
    *,
    fmt: str,
    source: Path | None,
    source_id: int | None,
    source_sha: str | None,
    media_ids: dict[Path, int],
    mapping: ColumnMapping | None,
    progress: Progress,
    media_added: int,
    media_dupes: int,
    attachment_problems: list[RecordError],
) -> ImportReport:
    errors: list[RecordError] = []
    problems = list(attachment_problems)
    new_posts = dup_posts = new_accounts = links = 0
    source_name = source.name if source is not None else "manual entry"
    with incident.write() as conn:
        raw = conn.connection.dbapi_connection
        assert isinstance(raw, sqlite3.Connection)
        cur = raw.cursor()
        cur.execute(
            "INSERT INTO post_import (format, source_name, source_media_id, imported_utc, analyst, mapping_json) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            (
                fmt,
                source_name,
                source_id,
                utc_now(),
                incident.analyst,
                json.dumps(mapping.to_json()) if mapping else None,
            ),
        )
        import_id = cur.lastrowid
        accounts: dict[tuple[str, str], int] = {}

        def account_id(platform: str, platform_id: str) -> int | None:
            key = (platform, platform_id)
            if key not in accounts:
                row = cur.execute("SELECT id FROM account WHERE platform = ? AND platform_id = ?", key).fetchone()
                if row is None:
                    return None
                accounts[key] = int(row[0])
            return accounts[key]

        seen_posts: set[tuple[str, str]] = set()
        for n, rec in enumerate(records):
            if n % 2000 == 0:
                progress(n, 0, f"importing {source_name}: {new_posts} posts")
            if isinstance(rec, RecordError):
                errors.append(rec)
            elif isinstance(rec, ParsedAccount):
                cur.execute(
                    _INSERT_ACCOUNT,
                    (
                        rec.platform,
                        rec.platform_id,
                        rec.username,
                        rec.display_name,
                        rec.bio,
                        rec.language,
                        rec.time_zone,
                        rec.created_utc,
                        rec.followers,
                        rec.following,
                        rec.posts_count,
                        rec.verified,
                        json.dumps(list(rec.links), ensure_ascii=False),
                        rec.profile_image_url,
                        rec.raw,
                        import_id,
                    ),
                )
                if cur.rowcount == 1:
                    new_accounts += 1
                    accounts[(rec.platform, rec.platform_id)] = int(cur.lastrowid or 0)
                else:
                    cur.execute(
                        _FILL_ACCOUNT,
                        (
                            rec.username,
                            rec.display_name,
                            rec.bio,
                            rec.created_utc,
                            rec.followers,
                            rec.following,
                            rec.posts_count,
                            rec.raw,
                            rec.platform,
                            rec.platform_id,
                        ),
                    )
            elif isinstance(rec, ParsedPost):
                key = (rec.platform, rec.platform_id)
                if key in seen_posts:
                    continue  # the same post twice in one export (a page's includes) is one post
                seen_posts.add(key)
                acc = account_id(rec.platform, rec.account_id) if rec.account_id else None
                if acc is None and rec.account_id:
                    # The author is named but not described in the export: an account with only its id, so that
                    # the author's posts still group together (a later export may fill in the rest).
                    cur.execute(
                        "INSERT OR IGNORE INTO account (platform, platform_id, first_import_id) VALUES (?, ?, ?)",
                        (rec.platform, rec.account_id, import_id),
                    )
                    new_accounts += int(cur.rowcount == 1)
                    acc = account_id(rec.platform, rec.account_id)
                cur.execute(_INSERT_POST, _post_values(rec, acc, import_id))
                if cur.rowcount != 1:
                    dup_posts += 1
                    continue
                new_posts += 1
                post_id = cur.lastrowid
                for position, att in enumerate(rec.attachments):
                    if att.problem:
                        label = att.name or att.url or ""
                        problems.append(RecordError(rec.where, f"attachment {label}: {att.problem}"))
                    mid = media_ids.get(att.path) if att.path is not None else None
                    if mid is None and att.url is None and att.name is None:
                        continue
                    cur.execute(
                        "INSERT INTO post_media (post_id, media_id, position, original_url, original_name) "
                        "VALUES (?, ?, ?, ?, ?)",
                        (post_id, mid, position, att.url, att.name),
                    )
                    links += 1
        nothing_new = new_posts == 0 and new_accounts == 0 and media_added == 0
        if nothing_new:
            cur.execute("DELETE FROM post_import WHERE id = ?", (import_id,))
            import_id = None
        else:
            counts = {
                "posts": new_posts,
                "accounts": new_accounts,
                "media": media_added,
                "duplicate_posts": dup_posts,
                "duplicate_media": media_dupes,
                "attachments_linked": links,
                "errors": len(errors),
            }
            cur.execute(
                "UPDATE post_import SET counts_json = ?, errors_json = ? WHERE id = ?",
                (
                    json.dumps(counts),
                    json.dumps([e.to_json() for e in [*errors, *problems]][:10000], ensure_ascii=False),
                    import_id,
                ),
            )
            incident.record(
                conn,
                "posts.import",
                "post_import",
                int(import_id or 0),
                {
                    "format": fmt,
                    "source": source_name,
                    "source_sha256": source_sha,
                    "source_media_id": source_id,
                    **counts,
                },
            )
    changes = Changes()
    if new_posts or new_accounts:
        changes = Changes.of("posts")
    if media_added:
        changes = changes | Changes.of("media")
    progress(1, 1, f"imported {new_posts} posts, {new_accounts} accounts")
    return ImportReport(
        format=fmt,
        source=str(source) if source is not None else source_name,
        source_sha256=source_sha,
        source_media_id=source_id,
        import_id=import_id,
        posts=new_posts,
        accounts=new_accounts,
        media=media_added,
        duplicate_posts=dup_posts,
        duplicate_media=media_dupes,
        errors=tuple(errors),
        attachment_problems=tuple(problems),
        changes=changes,
    )


def _post_values(rec: ParsedPost, account_id: int | None, import_id: int | None) -> tuple[Any, ...]:
    return (
        rec.platform,
        rec.platform_id,
        account_id,
        rec.url,
        rec.created_utc,
        rec.created_original,
        rec.created_offset,
        rec.edited_utc,
        rec.language,
        rec.client,
        rec.text,
        json.dumps(list(rec.hashtags), ensure_ascii=False),
        json.dumps(list(rec.mentions), ensure_ascii=False),
        json.dumps(list(rec.links), ensure_ascii=False),
        rec.likes,
        rec.shares,
        rec.replies,
        rec.views,
        rec.conversation_id,
        rec.reply_to,
        rec.quote_of,
        rec.repost_of,
        rec.geo_lat,
        rec.geo_lon,
        rec.geo_place,
        import_id,
        rec.raw,
    )


_PLATFORM_HOSTS = {
    "twitter.com": "twitter",
    "x.com": "twitter",
    "t.me": "telegram",
    "telegram.me": "telegram",
    "facebook.com": "facebook",
    "instagram.com": "instagram",
    "reddit.com": "reddit",
    "youtube.com": "youtube",
    "youtu.be": "youtube",
    "tiktok.com": "tiktok",
    "vk.com": "vk",
}


def platform_of_url(url: str) -> str:
    host = (urlparse(url).hostname or "").lower().removeprefix("www.").removeprefix("m.")
    return _PLATFORM_HOSTS.get(host, host or "web")


def import_manual_post(
    incident: Incident,
    *,
    url: str,
    author: str,
    time: datetime | str,
    text: str,
    files: Iterable[Path | str] = (),
    platform: str | None = None,
    progress: Progress | None = None,
) -> ImportReport:
    """A post the analyst saw and recorded by hand: URL, author, time (with its zone), text, screenshots/files.

    A time without a zone is refused: the analyst must say which zone it was shown in.
    """
    progress = progress or Progress()
    if isinstance(time, str):
        from workbench.core.posts.importers._common import parse_iso

        try:
            when = parse_iso(time)
        except ValueError as exc:
            raise BadInput(f"{time!r} is not an ISO 8601 time (e.g. 2024-03-01T14:05:00+02:00).") from exc
        original = time
    else:
        when, original = time, time.isoformat()
    if when.tzinfo is None:
        raise BadInput("Give the post's time with its zone or offset (as shown on the page): it is never guessed.")
    platform = platform or (platform_of_url(url) if url else "web")
    raw = raw_json(
        {"url": url, "author": author, "time": original, "text": text, "files": [str(f) for f in files], "manual": True}
    )
    pid = url.strip() or "manual-" + hashlib.sha256(raw.encode()).hexdigest()[:16]
    media_ids: dict[Path, int] = {}
    attachments: list[ParsedAttachment] = []
    added = dupes = 0
    for f in files:
        p = Path(f)
        mid, _, new = _add_evidence(incident, p, progress, note=f"captured from {url or 'a post'}")
        media_ids[p] = mid
        added += int(new)
        dupes += int(not new)
        attachments.append(ParsedAttachment(path=p, url=None, name=p.name, kind="capture"))
    records: list[ParsedRecord] = []
    account_key = author.strip().lstrip("@") or None
    if account_key:
        records.append(ParsedAccount(platform=platform, platform_id=account_key, username=account_key, where="manual"))
    off = "Z" if original.upper().endswith("Z") else offset_of(when)
    records.append(
        ParsedPost(
            platform=platform,
            platform_id=pid,
            raw=raw,
            account_id=account_key,
            url=url or None,
            created_utc=iso_utc(when.astimezone(UTC)),
            created_original=original,
            created_offset=off,
            text=text,
            hashtags=hashtags_in(text),
            mentions=mentions_in(text),
            links=links_in(text),
            attachments=tuple(attachments),
            where="manual",
        )
    )
    return _write(
        incident,
        records,
        fmt="manual",
        source=None,
        source_id=None,
        source_sha=None,
        media_ids=media_ids,
        mapping=None,
        progress=progress,
        media_added=added,
        media_dupes=dupes,
        attachment_problems=[],
    )


def saved_mappings(incident: Incident) -> list[ColumnMapping]:
    """Column mappings used by earlier table imports in this incident, newest first (offered in the dialog)."""
    with incident.read() as conn:
        rows = conn.exec_driver_sql(
            "SELECT DISTINCT mapping_json FROM post_import WHERE mapping_json IS NOT NULL ORDER BY id DESC"
        ).all()
    return [ColumnMapping.from_json(json.loads(r[0])) for r in rows]


def add_timeline_event(
    incident: Incident,
    *,
    at_utc: datetime,
    label: str,
    end_utc: datetime | None = None,
    uncertainty_s: float | None = None,
    note: str = "",
    source: str = "",
    kind: str = "analyst",
) -> tuple[int, Changes]:
    """An analyst-added event on the timeline (a reported explosion, a broadcast), audited."""
    if at_utc.tzinfo is None or (end_utc is not None and end_utc.tzinfo is None):
        raise BadInput("Timeline events need times with a zone (UTC inside the workbench).")
    if end_utc is not None and end_utc < at_utc:
        raise BadInput("The event ends before it starts.")
    with incident.write() as conn:
        event_id = int(
            conn.exec_driver_sql(
                "INSERT INTO timeline_event (at_utc, end_utc, uncertainty_s, kind, label, note, source, created_utc) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
                (
                    iso_utc(at_utc),
                    iso_utc(end_utc) if end_utc else None,
                    uncertainty_s,
                    kind,
                    label,
                    note,
                    source,
                    utc_now(),
                ),
            ).scalar_one()
        )
        incident.record(
            conn,
            "timeline.event_add",
            "timeline_event",
            event_id,
            {"at_utc": iso_utc(at_utc), "label": label, "uncertainty_s": uncertainty_s},
        )
    return event_id, Changes.of("timeline", event_id)
