"""Consistency checks across the timeline: each names its severity, says what it saw, and points at the evidence.

A check is a reason to look, not a verdict: a camera clock can be wrong, a time zone unknown, a repost older than
the event it is claimed to show. Messages say what the data shows and what else could explain it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Literal

from workbench.core.incident import Incident
from workbench.core.posts.queries import claimed_time, parse_utc
from workbench.core.timeline.events import TimelineEvent, build_events, capture_bounds

Severity = Literal["info", "notice", "warning"]


@dataclass(frozen=True)
class Check:
    code: str
    severity: Severity
    message: str
    refs: tuple[tuple[str, int], ...]  # ("post", id), ("media_item", id), ("time_window", id), ("account", id) ...

    def to_json(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "severity": self.severity,
            "message": self.message,
            "refs": [{"type": t, "id": i} for t, i in self.refs],
        }


def _fmt(dt: datetime) -> str:
    return dt.strftime("%Y-%m-%d %H:%M:%S UTC")


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371.0088 * math.asin(min(1.0, math.sqrt(a)))


def _claimed_places(incident: Incident) -> list[tuple[float, float, float, str]]:
    """(lat, lon, radius km, label): the incident's place and confirmed location hypotheses."""
    out: list[tuple[float, float, float, str]] = []
    with incident.read() as conn:
        tables = {r[0] for r in conn.exec_driver_sql("SELECT name FROM sqlite_master WHERE type = 'table'")}
        cols = {r[1] for r in conn.exec_driver_sql("PRAGMA table_info(incident)")}
        if "place_lat" in cols:
            row = conn.exec_driver_sql("SELECT place_lat, place_lon FROM incident WHERE id = 1").first()
            if row is not None and row[0] is not None and row[1] is not None:
                out.append((float(row[0]), float(row[1]), 0.0, "the incident's claimed place"))
        if "location_hypothesis" in tables:
            for lat, lon, radius, label in conn.exec_driver_sql(
                "SELECT lat, lon, radius_m, label FROM location_hypothesis WHERE status = 'confirmed'"
            ):
                out.append((float(lat), float(lon), float(radius or 0) / 1000, f"confirmed place {label!r}"))
    return out


def run_checks(
    incident: Incident,
    events: list[TimelineEvent] | None = None,
    *,
    far_km: float = 50.0,
    new_account_days: float = 30.0,
    old_capture: timedelta = timedelta(days=2),
) -> list[Check]:
    """All checks, most severe first."""
    events = build_events(incident) if events is None else events
    posts = {e.object_id: e for e in events if e.kind == "post"}
    claimed = claimed_time(incident)
    found: list[Check] = []
    windows = [e for e in events if e.kind == "window"]
    places = _claimed_places(incident)
    for item in incident.media_items(include_derived=False):
        cb = capture_bounds(item.summary.capture_time, item.summary.capture_time_zone)
        capture = next((e for e in events if e.kind == "capture" and e.object_id == item.id), None)
        carriers = [posts[i] for _, i in (capture.related if capture else ()) if i in posts]
        if cb is not None:
            c_start, c_end, note = cb
            zone = " (its zone is unknown, so any zone was allowed)" if note else ""
            for post in carriers:
                if c_start > post.end:
                    found.append(
                        Check(
                            "capture-after-post",
                            "warning",
                            f"{item.filename} was captured {_fmt(c_start)}{zone}, after the post that carried it "
                            f"({_fmt(post.end)}). The camera clock may be wrong, or the file is not the one posted.",
                            (("media_item", item.id), ("post", post.object_id)),
                        )
                    )
            for w in windows:
                linked = ("media_item", item.id) in w.related
                if w.related and not linked:
                    continue
                if c_end < w.start or c_start > w.end:
                    found.append(
                        Check(
                            "capture-outside-window",
                            "warning" if linked else "notice",
                            f"{item.filename}'s capture time {_fmt(c_start)}{zone} is outside the window "
                            f"{w.label!r} ({_fmt(w.start)} – {_fmt(w.end)}). The clock, the zone or the window's "
                            "inputs may be off.",
                            (("media_item", item.id), ("time_window", w.object_id)),
                        )
                    )
            if claimed is not None and c_end < claimed - old_capture:
                found.append(
                    Check(
                        "capture-before-claimed",
                        "warning",
                        f"{item.filename} was captured {_fmt(c_end)}{zone} or earlier, more than "
                        f"{old_capture.days} days before the claimed time ({_fmt(claimed)}): older footage, or a "
                        "wrong camera clock.",
                        (("media_item", item.id), ("incident", 1)),
                    )
                )
        gps = item.summary.gps
        if gps is not None and not (gps.lat == 0 and gps.lon == 0):
            for lat, lon, radius, label in places:
                d = haversine_km(gps.lat, gps.lon, lat, lon)
                if d > far_km + radius:
                    found.append(
                        Check(
                            "gps-far-from-claimed-place",
                            "warning",
                            f"{item.filename}'s GPS position ({gps.lat:.5f}, {gps.lon:.5f}) is {d:,.0f} km from "
                            f"{label}. GPS tags can be stale, edited or copied from another file.",
                            (("media_item", item.id),),
                        )
                    )
    if claimed is not None:
        with incident.read() as conn:
            carrying = {
                int(r[0])
                for r in conn.exec_driver_sql(
                    "SELECT DISTINCT post_id FROM post_media WHERE media_id IS NOT NULL OR original_url IS NOT NULL"
                )
            }
        for post in posts.values():
            if post.end < claimed:
                with_media = post.object_id in carrying
                found.append(
                    Check(
                        "post-before-claimed",
                        "warning" if with_media else "notice",
                        f"Post {post.object_id} ({post.lane}) was published {_fmt(post.end)} or earlier, before "
                        f"the claimed time {_fmt(claimed)}"
                        + (": what it carries existed before the claimed event." if with_media else ".")
                        + (f" ({post.note})" if post.note else ""),
                        (("post", post.object_id), ("incident", 1)),
                    )
                )
    found.extend(_new_accounts(incident, claimed, new_account_days))
    order = {"warning": 0, "notice": 1, "info": 2}
    found.sort(key=lambda c: (order[c.severity], c.code, c.refs))
    return found


def _new_accounts(incident: Incident, claimed: datetime | None, days: float) -> list[Check]:
    with incident.read() as conn:
        rows = conn.exec_driver_sql(
            "SELECT a.id, a.platform, COALESCE(a.username, a.display_name, a.platform_id), a.created_utc, "
            "min(p.created_utc) FROM account a LEFT JOIN post p ON p.account_id = a.id "
            "WHERE a.created_utc IS NOT NULL GROUP BY a.id"
        ).all()
    out: list[Check] = []
    for aid, platform, name, created_s, first_post_s in rows:
        created = parse_utc(created_s)
        reference = claimed or parse_utc(first_post_s)
        if created is None or reference is None:
            continue
        before = (reference - created).total_seconds() / 86400
        if 0 <= before <= days:
            what = "the claimed time" if claimed else "its first post here"
            out.append(
                Check(
                    "account-created-just-before",
                    "notice",
                    f"{platform}:{name} was created {before:.1f} days before {what} ({_fmt(created)}). New accounts "
                    "are common in coordinated campaigns and among real witnesses alike: an indicator, not proof.",
                    (("account", int(aid)),),
                )
            )
    return out
