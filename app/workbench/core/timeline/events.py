"""Every dated thing in the incident on one clock (UTC), each with its uncertainty and where it came from.

Sources: posts (exact, a day for yt-dlp's date-only uploads, or ±14 h when a local time carries no zone), capture
times of media items (EXIF/container; a zone-unknown capture time is the local time read as UTC with 14 h before
and 12 h after, because it could be any zone on Earth), the claimed time of the incident, time windows from the
analysis (e.g. shadow windows) and events the analyst added.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import numpy as np
import numpy.typing as npt

from workbench.core.incident import Incident
from workbench.core.posts.queries import ANY_ZONE_AFTER, ANY_ZONE_BEFORE, bounds_of, claimed_time, parse_utc

ZONE_UNKNOWN_NOTE = "time zone unknown: the local time could be in any zone, so -14 h/+12 h around it in UTC"
DATE_ONLY_NOTE = "a date without a time: the whole calendar day in any zone"


@dataclass(frozen=True)
class TimelineEvent:
    kind: str  # "post", "capture", "claimed", "window", "analyst"
    at: datetime  # best estimate, UTC
    start: datetime  # earliest possible, UTC
    end: datetime  # latest possible, UTC
    label: str
    lane: str  # the account (or platform) for posts; "media", "incident", "analysis", "analyst" otherwise
    object_type: str  # "post", "media_item", "incident", "time_window", "timeline_event"
    object_id: int
    note: str = ""
    related: tuple[tuple[str, int], ...] = ()  # e.g. a capture's posts that carried the file

    @property
    def uncertain(self) -> bool:
        return self.end > self.start

    @property
    def uncertainty_text(self) -> str:
        if not self.uncertain:
            return ""
        span = (self.end - self.start).total_seconds()
        return f"{span / 3600:.0f} h span" if span >= 3600 else f"{span:.0f} s span"

    def to_json(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "at": self.at.isoformat(),
            "start": self.start.isoformat(),
            "end": self.end.isoformat(),
            "label": self.label,
            "lane": self.lane,
            "object_type": self.object_type,
            "object_id": self.object_id,
            "note": self.note,
            "related": [list(r) for r in self.related],
        }


def _mid(a: datetime, b: datetime) -> datetime:
    return a + (b - a) / 2


def capture_bounds(capture_time: str | None, zone: str | None) -> tuple[datetime, datetime, str] | None:
    """(start, end, note) of a media item's capture time in UTC."""
    if not capture_time:
        return None
    try:
        dt = datetime.fromisoformat(capture_time.replace("Z", "+00:00"))
    except ValueError:
        return None
    if dt.tzinfo is not None and zone != "local-unknown-zone":
        u = dt.astimezone(UTC)
        return u, u, ""
    as_utc = dt.replace(tzinfo=UTC)
    return as_utc - ANY_ZONE_BEFORE, as_utc + ANY_ZONE_AFTER, ZONE_UNKNOWN_NOTE


def media_posts(incident: Incident) -> dict[int, list[int]]:
    """media id -> the posts that carried it."""
    out: dict[int, list[int]] = {}
    with incident.read() as conn:
        for post_id, media_id in conn.exec_driver_sql(
            "SELECT post_id, media_id FROM post_media WHERE media_id IS NOT NULL ORDER BY post_id"
        ):
            out.setdefault(int(media_id), []).append(int(post_id))
    return out


def incident_time_zone(incident: Incident) -> str | None:
    """The IANA zone of the incident's place, when the analyst has set it."""
    with incident.read() as conn:
        cols = {r[1] for r in conn.exec_driver_sql("PRAGMA table_info(incident)")}
        if "place_time_zone" not in cols:
            return None
        value = conn.exec_driver_sql("SELECT place_time_zone FROM incident WHERE id = 1").scalar_one()
    return str(value) if value else None


def _table_exists(incident: Incident, name: str) -> bool:
    with incident.read() as conn:
        return (
            conn.exec_driver_sql("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", (name,)).first()
            is not None
        )


def build_events(incident: Incident, *, lanes: str = "account", include_posts: bool = True) -> list[TimelineEvent]:
    """All events, sorted by their best time. `lanes` is "account" or "platform".

    `include_posts=False` leaves posts out (a plot takes them as arrays from `post_points`).
    """
    events: list[TimelineEvent] = []
    rows: list[Any] = []
    if include_posts:
        with incident.read() as conn:
            rows = list(
                conn.exec_driver_sql(
                    "SELECT p.id, p.platform, a.username, a.display_name, p.created_utc, p.created_original, "
                    "p.created_offset, p.text FROM post p LEFT JOIN account a ON a.id = p.account_id"
                )
            )
    for pid, platform, username, display, created, original, offset, text in rows:
        bounds = bounds_of(created, original, offset)
        if bounds is None:
            continue
        start, end = bounds
        exact = parse_utc(created)
        note = DATE_ONLY_NOTE if offset == "date-only" else (ZONE_UNKNOWN_NOTE if start != end else "")
        lane = platform if lanes == "platform" else f"{platform}:{username or display or '?'}"
        events.append(
            TimelineEvent(
                "post",
                exact if exact is not None and offset != "date-only" else _mid(start, end),
                start,
                end,
                (text or "").replace("\n", " ")[:120],
                lane,
                "post",
                int(pid),
                note,
            )
        )
    carriers = media_posts(incident)
    for item in incident.media_items(include_derived=False):
        cb = capture_bounds(item.summary.capture_time, item.summary.capture_time_zone)
        if cb is None:
            continue
        start, end, note = cb
        at = start if start == end else start + ANY_ZONE_BEFORE
        source = item.summary.capture_time_source or "capture time"
        events.append(
            TimelineEvent(
                "capture",
                at,
                start,
                end,
                f"{item.filename} ({source})",
                "media",
                "media_item",
                item.id,
                note,
                tuple(("post", p) for p in carriers.get(item.id, [])),
            )
        )
    claimed = claimed_time(incident)
    if claimed is not None:
        events.append(TimelineEvent("claimed", claimed, claimed, claimed, "claimed time", "incident", "incident", 1))
    if _table_exists(incident, "time_window"):
        with incident.read() as conn:
            windows = conn.exec_driver_sql(
                "SELECT id, label, start_utc, end_utc, kind, method, media_id FROM time_window ORDER BY start_utc"
            ).all()
        for wid, label, s, e, kind, method, media_id in windows:
            ws, we = parse_utc(s), parse_utc(e)
            if ws is None or we is None:
                continue
            rel = (("media_item", int(media_id)),) if media_id is not None else ()
            events.append(
                TimelineEvent(
                    "window",
                    _mid(ws, we),
                    ws,
                    we,
                    label or f"{kind} window ({method})",
                    "analysis",
                    "time_window",
                    int(wid),
                    f"{kind}/{method}",
                    rel,
                )
            )
    from workbench.core.context import context_events  # the context package builds on this module

    events.extend(context_events(incident))
    with incident.read() as conn:
        analyst = conn.exec_driver_sql(
            "SELECT id, at_utc, end_utc, uncertainty_s, kind, label, note FROM timeline_event"
        ).all()
    for eid, at_s, end_s, unc, kind, label, note in analyst:
        when = parse_utc(at_s)
        if when is None:
            continue
        end_dt = parse_utc(end_s) or when
        pad = timedelta(seconds=float(unc or 0))
        text = f"{label} ({kind})" if kind and kind != "analyst" else label
        events.append(
            TimelineEvent("analyst", when, when - pad, end_dt + pad, text, "analyst", "timeline_event", int(eid), note)
        )
    events.sort(key=lambda e: (e.at, e.kind, e.object_id))
    return events


@dataclass(frozen=True)
class PostPoints:
    """Posts as arrays for fast plotting: epoch seconds (best, earliest, latest), lane index, post id."""

    at: npt.NDArray[np.float64]
    start: npt.NDArray[np.float64]
    end: npt.NDArray[np.float64]
    lane: npt.NDArray[np.int32]
    post_id: npt.NDArray[np.int64]
    lane_names: tuple[str, ...]


def confirmed_aliases(incident: Incident) -> dict[int, int]:
    """account id → the id standing for its confirmed alias group (empty when the context tables are absent)."""
    from workbench.core.context.aliases import merged_account  # context builds on this module: import late
    from workbench.core.errors import WorkbenchError

    try:
        return merged_account(incident)
    except WorkbenchError:
        return {}


def post_points(incident: Incident, *, lanes: str = "account") -> PostPoints:
    """Every post with a known time, as arrays (SQLite converts the times; 100,000 posts in a fraction of a second).

    Lanes are ordered by each lane's first post.
    """
    # One lane per account (by id: two accounts with the same name get two lanes), or per platform.
    by_account = "COALESCE(p.account_id, -1), p.platform || ':' || COALESCE(a.username, a.display_name, '?')"
    lane_expr = "p.platform, p.platform" if lanes == "platform" else by_account
    with incident.read() as conn:
        raw = conn.connection.dbapi_connection
        assert raw is not None
        rows = raw.execute(
            f"SELECT p.id, {lane_expr}, (julianday(p.created_utc) - 2440587.5) * 86400.0, p.created_offset, "
            "p.created_original FROM post p LEFT JOIN account a ON a.id = p.account_id "
            "WHERE p.created_utc IS NOT NULL OR p.created_original IS NOT NULL"
        ).fetchall()
    n = len(rows)
    ids = np.fromiter((r[0] for r in rows), dtype=np.int64, count=n)
    merged = confirmed_aliases(incident) if lanes != "platform" else {}
    names: dict[Any, int] = {}
    labels: dict[Any, list[str]] = {}
    # Accounts the analyst confirmed as aliases of one another share one lane, named after all of them.
    lane_idx = np.fromiter(
        (names.setdefault(merged.get(r[1], r[1]), len(names)) for r in rows), dtype=np.int32, count=n
    )
    for r in rows:
        names_of_lane = labels.setdefault(merged.get(r[1], r[1]), [])
        if str(r[2]) not in names_of_lane:
            names_of_lane.append(str(r[2]))
    exact = np.fromiter(
        (r[3] if r[3] is not None and r[4] != "date-only" else np.nan for r in rows), dtype=np.float64, count=n
    )
    at, start, end = exact.copy(), exact.copy(), exact.copy()
    keep = ~np.isnan(exact)
    before = ANY_ZONE_BEFORE.total_seconds()
    for i in np.nonzero(~keep)[0].tolist():  # the few zone-less or date-only posts
        _, _, _, _, offset, original = rows[i]
        b = bounds_of(None, original, offset)
        if b is None:
            continue
        s, e = b[0].timestamp(), b[1].timestamp()
        start[i], end[i] = s, e
        at[i] = s + before if offset == "date-only" else (s + e) / 2
        keep[i] = True
    if n:
        first = np.full(len(names), np.inf)
        np.minimum.at(first, lane_idx[keep], at[keep])
        order = np.argsort(first, kind="stable")
        remap = np.empty(len(names), dtype=np.int32)
        remap[order] = np.arange(len(names), dtype=np.int32)
        lane_idx = remap[lane_idx]
        by_index = list(names)
        texts = [" = ".join(labels[by_index[i]]) for i in order.tolist()]
        repeated = {t for t in texts if texts.count(t) > 1}
        lane_names = tuple(
            f"{t} #{by_index[i]}" if t in repeated else t for t, i in zip(texts, order.tolist(), strict=True)
        )
    else:
        lane_names = ()
    return PostPoints(at[keep], start[keep], end[keep], lane_idx[keep], ids[keep], lane_names)
