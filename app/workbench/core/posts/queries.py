"""Reading posts and accounts back as plain frozen records, for panels, the timeline and the report.

Times: `created_utc` is UTC ISO 8601 when known. A post whose time was written without a zone keeps
`created_utc` empty and its local time in `created_original` (offset "unknown"); `time_bounds()` turns every case
into an interval in UTC: exact, a day ("date-only"), or the local time ±14 h (any zone on Earth).
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from workbench.core.errors import NotFound
from workbench.core.incident import Incident

ANY_ZONE_BEFORE = timedelta(hours=14)  # UTC+14 (Kiribati) is the earliest local clock
ANY_ZONE_AFTER = timedelta(hours=12)  # UTC-12 the latest


def parse_utc(text: str | None) -> datetime | None:
    if not text:
        return None
    t = text.strip()
    if t.endswith(("Z", "z")):
        t = t[:-1] + "+00:00"
    dt = datetime.fromisoformat(t)
    return dt.astimezone(UTC) if dt.tzinfo else None


def bounds_of(
    created_utc: str | None, created_original: str | None, created_offset: str | None
) -> tuple[datetime, datetime] | None:
    """The interval (UTC) in which a post was made, from how its time was written."""
    if created_offset == "date-only" and created_original:
        day = datetime.strptime(created_original[:8], "%Y%m%d").replace(tzinfo=UTC)
        return day - ANY_ZONE_BEFORE, day + timedelta(days=1) + ANY_ZONE_AFTER
    exact = parse_utc(created_utc)
    if exact is not None:
        return exact, exact
    if created_original:
        try:
            local = datetime.fromisoformat(created_original.strip())
        except ValueError:
            return None
        if local.tzinfo is None:
            as_utc = local.replace(tzinfo=UTC)
            return as_utc - ANY_ZONE_BEFORE, as_utc + ANY_ZONE_AFTER
        return local.astimezone(UTC), local.astimezone(UTC)
    return None


@dataclass(frozen=True)
class Attachment:
    post_id: int
    position: int
    media_id: int | None
    original_url: str | None
    original_name: str | None


@dataclass(frozen=True)
class Post:
    id: int
    platform: str
    platform_id: str
    account_id: int | None
    username: str | None
    display_name: str | None
    url: str | None
    created_utc: str | None
    created_original: str | None
    created_offset: str | None
    edited_utc: str | None
    language: str | None
    client: str | None
    text: str
    hashtags: tuple[str, ...]
    mentions: tuple[str, ...]
    links: tuple[str, ...]
    likes: int | None
    shares: int | None
    replies: int | None
    views: int | None
    conversation_id: str | None
    reply_to: str | None
    quote_of: str | None
    repost_of: str | None
    geo_lat: float | None
    geo_lon: float | None
    geo_place: str | None
    import_id: int | None
    media_ids: tuple[int, ...] = ()

    @property
    def author(self) -> str:
        return self.username or self.display_name or "(unknown)"

    @property
    def created(self) -> datetime | None:
        return parse_utc(self.created_utc)

    def time_bounds(self) -> tuple[datetime, datetime] | None:
        return bounds_of(self.created_utc, self.created_original, self.created_offset)

    @property
    def time_precision(self) -> str:
        """ "exact", "day" (a date without time) or "zone unknown (±14 h)", or "none"."""
        if self.created_offset == "date-only":
            return "day"
        if self.created_utc:
            return "exact"
        if self.created_offset == "unknown" and self.created_original:
            return "zone unknown (±14 h)"
        return "none"

    def to_json(self) -> dict[str, Any]:
        out = {k: getattr(self, k) for k in self.__dataclass_fields__}
        for k in ("hashtags", "mentions", "links", "media_ids"):
            out[k] = list(out[k])
        out["time_precision"] = self.time_precision
        return out


@dataclass(frozen=True)
class Account:
    id: int
    platform: str
    platform_id: str | None
    username: str | None
    display_name: str | None
    bio: str | None
    language: str | None
    time_zone: str | None
    created_utc: str | None
    followers: int | None
    following: int | None
    posts_count: int | None
    verified: str | None
    links: tuple[str, ...]
    profile_image_url: str | None
    post_count_in_incident: int = 0

    @property
    def label(self) -> str:
        name = self.username or self.display_name or self.platform_id or str(self.id)
        return f"{self.platform}:{name}"

    @property
    def created(self) -> datetime | None:
        return parse_utc(self.created_utc)

    def to_json(self) -> dict[str, Any]:
        out = {k: getattr(self, k) for k in self.__dataclass_fields__}
        out["links"] = list(self.links)
        return out


_POST_SELECT = (
    "SELECT p.id, p.platform, p.platform_id, p.account_id, a.username, a.display_name, p.url, p.created_utc, "
    "p.created_original, p.created_offset, p.edited_utc, p.language, p.client, p.text, p.hashtags_json, "
    "p.mentions_json, p.links_json, p.likes, p.shares, p.replies, p.views, p.conversation_id, p.reply_to, "
    "p.quote_of, p.repost_of, p.geo_lat, p.geo_lon, p.geo_place, p.import_id "
    "FROM post p LEFT JOIN account a ON a.id = p.account_id"
)

_ACCOUNT_SELECT = (
    "SELECT a.id, a.platform, a.platform_id, a.username, a.display_name, a.bio, a.language, a.time_zone, "
    "a.created_utc, a.followers, a.following, a.posts_count, a.verified, a.links_json, a.profile_image_url, "
    "(SELECT count(*) FROM post p WHERE p.account_id = a.id) FROM account a"
)


_ACCOUNT_FIELDS = tuple(Account.__dataclass_fields__)


def _strings(text: str | None) -> tuple[str, ...]:
    return () if not text or text == "[]" else tuple(json.loads(text))


def _post(row: Any, media: dict[int, tuple[int, ...]]) -> Post:
    values: list[Any] = list(row)
    values[14], values[15], values[16] = _strings(values[14]), _strings(values[15]), _strings(values[16])
    values.append(media.get(int(values[0]), ()))
    return Post(*values)


def _account(row: Any) -> Account:
    values: dict[str, Any] = {
        name: tuple(json.loads(v)) if name == "links" else v for name, v in zip(_ACCOUNT_FIELDS, row, strict=True)
    }
    values["post_count_in_incident"] = int(values["post_count_in_incident"])
    return Account(**values)


def _media_map(incident: Incident, post_ids: list[int] | None = None) -> dict[int, tuple[int, ...]]:
    sql = "SELECT post_id, media_id FROM post_media WHERE media_id IS NOT NULL"
    params: tuple[Any, ...] = ()
    if post_ids is not None and len(post_ids) < 500:
        sql += f" AND post_id IN ({','.join('?' * len(post_ids))})"
        params = tuple(post_ids)
    out: dict[int, list[int]] = {}
    with incident.read() as conn:
        for pid, mid in conn.exec_driver_sql(sql + " ORDER BY post_id, position", params):
            out.setdefault(int(pid), []).append(int(mid))
    return {k: tuple(v) for k, v in out.items()}


def posts(
    incident: Incident,
    *,
    account_id: int | None = None,
    search: str | None = None,
    limit: int | None = None,
) -> list[Post]:
    """Posts in time order; a post whose zone is unknown sorts by its local time read as UTC."""
    sql = _POST_SELECT
    where: list[str] = []
    params: list[Any] = []
    if account_id is not None:
        where.append("p.account_id = ?")
        params.append(account_id)
    if search:
        where.append("(p.text LIKE ? OR a.username LIKE ? OR a.display_name LIKE ?)")
        params.extend([f"%{search}%"] * 3)
    if where:
        sql += " WHERE " + " AND ".join(where)
    sql += " ORDER BY COALESCE(p.created_utc, replace(p.created_original, ' ', 'T')), p.id"
    if limit is not None:
        sql += f" LIMIT {int(limit)}"
    with incident.read() as conn:
        raw = conn.connection.dbapi_connection
        assert raw is not None
        rows = raw.execute(sql, tuple(params)).fetchall()  # plain tuples: 100,000 posts in well under a second
    media = _media_map(incident, [int(r[0]) for r in rows])
    return [_post(r, media) for r in rows]


def post(incident: Incident, post_id: int) -> Post:
    with incident.read() as conn:
        row = conn.exec_driver_sql(_POST_SELECT + " WHERE p.id = ?", (post_id,)).first()
    if row is None:
        raise NotFound(f"There is no post {post_id} in {incident.path.name}.")
    return _post(row, _media_map(incident, [post_id]))


def find_post(incident: Incident, platform: str, platform_id: str) -> Post | None:
    with incident.read() as conn:
        row = conn.exec_driver_sql(
            _POST_SELECT + " WHERE p.platform = ? AND p.platform_id = ?", (platform, platform_id)
        ).first()
    return None if row is None else _post(row, _media_map(incident, [int(row[0])]))


def post_raw(incident: Incident, post_id: int) -> str:
    """The record exactly as the export wrote it (JSON text): show it as text, never render it."""
    with incident.read() as conn:
        row = conn.exec_driver_sql("SELECT raw_json FROM post WHERE id = ?", (post_id,)).first()
    if row is None:
        raise NotFound(f"There is no post {post_id} in {incident.path.name}.")
    return str(row[0])


def attachments(incident: Incident, post_id: int) -> list[Attachment]:
    with incident.read() as conn:
        rows = conn.exec_driver_sql(
            "SELECT post_id, position, media_id, original_url, original_name FROM post_media WHERE post_id = ? "
            "ORDER BY position",
            (post_id,),
        ).all()
    return [Attachment(*r) for r in rows]


def posts_carrying(incident: Incident, media_id: int) -> list[Post]:
    """Provenance of a file: the posts that carried it."""
    with incident.read() as conn:
        ids = [
            int(r[0]) for r in conn.exec_driver_sql("SELECT post_id FROM post_media WHERE media_id = ?", (media_id,))
        ]
    return sorted((post(incident, i) for i in dict.fromkeys(ids)), key=lambda p: (p.created_utc or "", p.id))


def accounts(incident: Incident) -> list[Account]:
    with incident.read() as conn:
        rows = conn.exec_driver_sql(_ACCOUNT_SELECT + " ORDER BY a.platform, a.username, a.id").all()
    return [_account(r) for r in rows]


def account(incident: Incident, account_id: int) -> Account:
    with incident.read() as conn:
        r = conn.exec_driver_sql(_ACCOUNT_SELECT + " WHERE a.id = ?", (account_id,)).first()
    if r is None:
        raise NotFound(f"There is no account {account_id} in {incident.path.name}.")
    return _account(r)


# --- threads --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ThreadNode:
    post: Post
    depth: int
    relation: str  # "root", "reply", "quote", "repost"


def thread(incident: Incident, post_id: int, *, max_depth: int = 200) -> list[ThreadNode]:
    """The reconstructed thread around a post: up the reply chain to its root, then every reply, quote and repost
    below it, depth-first in time order.

    Only posts in the incident can appear; a missing parent makes the earliest known ancestor the root.
    """
    start = post(incident, post_id)
    with incident.read() as conn:
        root_id = start.id
        reply_to = start.reply_to
        seen = {root_id}
        while reply_to:
            row = conn.exec_driver_sql(
                "SELECT id, platform_id, reply_to FROM post WHERE platform = ? AND platform_id = ?",
                (start.platform, reply_to),
            ).first()
            if row is None or int(row[0]) in seen:
                break
            root_id, reply_to = int(row[0]), row[2]
            seen.add(root_id)
        rows = conn.exec_driver_sql(
            "WITH RECURSIVE tree(id, platform_id, depth, relation, parent) AS ("
            " SELECT id, platform_id, 0, 'root', NULL FROM post WHERE id = ?"
            " UNION ALL"
            " SELECT p.id, p.platform_id, t.depth + 1,"
            "  CASE WHEN p.reply_to = t.platform_id THEN 'reply' WHEN p.quote_of = t.platform_id THEN 'quote'"
            "  ELSE 'repost' END, t.id"
            " FROM tree t JOIN post p ON p.platform = ? AND p.id != t.id AND"
            "  (p.reply_to = t.platform_id OR p.quote_of = t.platform_id OR p.repost_of = t.platform_id)"
            " WHERE t.depth < ? LIMIT 20000)"
            " SELECT id, depth, relation, parent FROM tree",
            (root_id, start.platform, max_depth),
        ).all()
    children: dict[int | None, list[tuple[int, int, str]]] = {}
    for node_id, depth, relation, parent in rows:
        children.setdefault(parent, []).append((int(node_id), int(depth), str(relation)))
    loaded = {i: post(incident, i) for i in {int(r[0]) for r in rows}}
    out: list[ThreadNode] = []
    placed: set[int] = set()
    stack = list(reversed(children.get(None, [])))
    while stack:
        node_id, depth, relation = stack.pop()
        if node_id in placed:
            continue  # reached twice (a reply that also quotes): shown once, where first met
        placed.add(node_id)
        out.append(ThreadNode(loaded[node_id], depth, relation))
        kids = sorted(children.get(node_id, []), key=lambda k: (loaded[k[0]].created_utc or "", k[0]))
        stack.extend(reversed(kids))
    return out


# --- account cards --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class AccountFlag:
    code: str
    message: str


@dataclass(frozen=True)
class AccountCard:
    """What a verifier reads about an account: age when it posted, audience, cadence, and warning signs."""

    account: Account
    posts_in_incident: int
    first_post_utc: str | None
    last_post_utc: str | None
    age_days_at_first_post: float | None
    posts_per_day: float | None
    hour_histogram: tuple[int, ...]  # 24 counts, UTC hours
    flags: tuple[AccountFlag, ...] = field(default_factory=tuple)

    def to_json(self) -> dict[str, Any]:
        return {
            "account": self.account.to_json(),
            "posts_in_incident": self.posts_in_incident,
            "first_post_utc": self.first_post_utc,
            "last_post_utc": self.last_post_utc,
            "age_days_at_first_post": self.age_days_at_first_post,
            "posts_per_day": self.posts_per_day,
            "hour_histogram": list(self.hour_histogram),
            "flags": [{"code": f.code, "message": f.message} for f in self.flags],
        }


def claimed_time(incident: Incident) -> datetime | None:
    with incident.read() as conn:
        cols = {r[1] for r in conn.exec_driver_sql("PRAGMA table_info(incident)")}
        if "claimed_time_utc" not in cols:
            return None
        value = conn.exec_driver_sql("SELECT claimed_time_utc FROM incident WHERE id = 1").scalar_one()
    return parse_utc(value)


def account_card(
    incident: Incident,
    account_id: int,
    *,
    incident_time: datetime | None = None,
    new_account_days: float = 30.0,
) -> AccountCard:
    """The card for one account; `incident_time` defaults to the claimed time, else the earliest post."""
    acc = account(incident, account_id)
    own = posts(incident, account_id=account_id)
    times = [t for t in (p.created for p in own) if t is not None]
    first = min(times) if times else None
    last = max(times) if times else None
    hours = Counter(t.hour for t in times)
    histogram = tuple(hours.get(h, 0) for h in range(24))
    created = acc.created
    age = (first - created).total_seconds() / 86400 if first and created else None
    per_day = None
    if first and last and len(times) > 1:
        per_day = len(times) / max((last - first).total_seconds() / 86400, 1.0)  # a rate over at least a day
    reference = incident_time or claimed_time(incident)
    if reference is None:
        with incident.read() as conn:
            earliest = conn.exec_driver_sql("SELECT min(created_utc) FROM post").scalar_one()
        reference = parse_utc(earliest)
    flags: list[AccountFlag] = []
    if created and reference:
        before = (reference - created).total_seconds() / 86400
        if 0 <= before <= new_account_days:
            flags.append(
                AccountFlag(
                    "created-just-before",
                    f"created {before:.1f} days before the incident ({created:%Y-%m-%d}): new accounts are common in "
                    "coordinated campaigns, but also among real witnesses — an indicator, not proof",
                )
            )
        elif before < 0:
            flags.append(AccountFlag("created-after", f"created after the incident time ({created:%Y-%m-%d})"))
    if acc.followers is not None and acc.following is not None and acc.followers < 10 and acc.following > 500:
        flags.append(
            AccountFlag(
                "few-followers",
                f"{acc.followers} followers for {acc.following} following: an indicator, not proof",
            )
        )
    if per_day is not None and per_day > 100:
        flags.append(
            AccountFlag("high-cadence", f"{per_day:.0f} posts a day in this incident: an indicator, not proof")
        )
    return AccountCard(
        account=acc,
        posts_in_incident=len(own),
        first_post_utc=first.isoformat() if first else None,
        last_post_utc=last.isoformat() if last else None,
        age_days_at_first_post=age,
        posts_per_day=per_day,
        hour_histogram=histogram,
        flags=tuple(flags),
    )


def imports(incident: Incident) -> list[dict[str, Any]]:
    """The import batches, newest first, with their counts and reported errors."""
    with incident.read() as conn:
        rows = conn.exec_driver_sql(
            "SELECT id, format, source_name, source_media_id, imported_utc, analyst, counts_json, errors_json "
            "FROM post_import ORDER BY id DESC"
        ).all()
    return [
        {
            "id": r[0],
            "format": r[1],
            "source_name": r[2],
            "source_media_id": r[3],
            "imported_utc": r[4],
            "analyst": r[5],
            "counts": json.loads(r[6]),
            "errors": json.loads(r[7]),
        }
        for r in rows
    ]
