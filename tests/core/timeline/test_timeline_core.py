"""Timeline events with uncertainty, consistency checks, coordination signals and phash provenance."""

from __future__ import annotations

import json
import math
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
import pytest
from tests.core.posts import posts_fixtures as fx

from workbench.core.incident import Incident
from workbench.core.posts import queries
from workbench.core.posts.importers.generic import guess_mapping
from workbench.core.posts.store import add_timeline_event, import_export
from workbench.core.timeline import checks, events, provenance, signals


@pytest.fixture
def inc(incident_path: Path) -> Incident:
    incident = Incident.create(incident_path, title="Bridge", analyst="Ana")
    yield incident  # type: ignore[misc]
    incident.close()


def set_capture(
    inc: Incident, media_id: int, when: str | None, zone: str | None, gps: tuple[float, float] | None = None
) -> None:
    """What the metadata reader would have recorded (written directly, so these tests do not depend on it)."""
    with inc.write() as conn:
        summary = json.loads(
            conn.exec_driver_sql("SELECT summary_json FROM media_item WHERE id = ?", (media_id,)).scalar_one()
        )
        summary["capture_time"] = when
        summary["capture_time_zone"] = zone
        summary["capture_time_source"] = "EXIF DateTimeOriginal"
        summary["gps"] = {"lat": gps[0], "lon": gps[1]} if gps else None
        conn.exec_driver_sql(
            "UPDATE media_item SET summary_json = ?, capture_time = ? WHERE id = ?",
            (json.dumps(summary), when, media_id),
        )


def set_phash(inc: Incident, media_id: int, phash: str) -> None:
    with inc.write() as conn:
        conn.exec_driver_sql(
            "INSERT OR REPLACE INTO media_pixels (media_id, phash, tool, params_json, made_utc) "
            "VALUES (?, ?, 't', '{}', ?)",
            (media_id, phash, "2024-01-01T00:00:00+00:00"),
        )


def set_incident(inc: Incident, claimed: str | None = None, place: tuple[float, float] | None = None) -> None:
    with inc.write() as conn:
        conn.exec_driver_sql("UPDATE incident SET claimed_time_utc = ? WHERE id = 1", (claimed,))
        if place:
            conn.exec_driver_sql("UPDATE incident SET place_lat = ?, place_lon = ? WHERE id = 1", place)


def add_window(inc: Incident, start: str, end: str, media_id: int | None) -> int:
    with inc.write() as conn:
        return int(
            conn.exec_driver_sql(
                "INSERT INTO time_window (label, start_utc, end_utc, kind, method, media_id, created_utc) "
                "VALUES ('shadow', ?, ?, 'shadow', 'sun', ?, ?) RETURNING id",
                (start, end, media_id, start),
            ).scalar_one()
        )


def media_id(inc: Incident, name: str) -> int:
    return next(m.id for m in inc.media_items() if m.filename == name)


def test_events_on_one_clock_with_uncertainty(inc: Incident, tmp_path: Path) -> None:
    import_export(inc, fx.write_telegram(tmp_path / "tg"))
    import_export(inc, fx.write_ytdlp(tmp_path / "dl"))
    photo = media_id(inc, "photo_1.jpg")
    set_capture(inc, photo, "2024-03-01T11:50:00", "local-unknown-zone")
    set_capture(inc, media_id(inc, "photo_2.jpg"), "2024-03-01T11:55:00+02:00", "offset")
    set_incident(inc, claimed="2024-03-01T10:00:00+00:00")
    add_window(inc, "2024-03-01T09:00:00+00:00", "2024-03-01T10:30:00+00:00", photo)
    add_timeline_event(inc, at_utc=datetime(2024, 3, 1, 9, 58, tzinfo=UTC), label="sirens reported", uncertainty_s=60)
    evs = events.build_events(inc)
    kinds = [e.kind for e in evs]
    assert kinds.count("post") == 7 and kinds.count("capture") == 2
    assert {"claimed", "window", "analyst"} <= set(kinds)
    zoneless = next(e for e in evs if e.kind == "capture" and e.object_id == photo)
    assert zoneless.at == datetime(2024, 3, 1, 11, 50, tzinfo=UTC)
    assert zoneless.end - zoneless.start == timedelta(hours=26) and "zone unknown" in zoneless.note
    assert {r[0] for r in zoneless.related} == {"post"} and len(zoneless.related) == 2  # carried by two posts
    exact = next(e for e in evs if e.kind == "capture" and e.object_id != photo)
    assert exact.start == exact.end == datetime(2024, 3, 1, 9, 55, tzinfo=UTC)
    old_telegram = next(e for e in evs if e.kind == "post" and e.label == "old export without unixtime")
    assert old_telegram.end - old_telegram.start == timedelta(hours=26)
    video = next(e for e in evs if e.kind == "post" and e.label.startswith("Bridge strike"))
    assert video.start == datetime(2024, 2, 29, 10, tzinfo=UTC) and video.end == datetime(2024, 3, 2, 12, tzinfo=UTC)
    analyst = next(e for e in evs if e.kind == "analyst")
    assert analyst.end - analyst.start == timedelta(seconds=120)
    assert [e.at for e in evs] == sorted(e.at for e in evs)
    pts = events.post_points(inc)
    # by first post; two accounts named "Witness" (the channel, and a user id from an old export) keep two lanes
    assert len(pts.at) == 7 and pts.lane_names == ("youtube:@localnews", "telegram:Witness #1", "telegram:Witness #2")
    day = pts.post_id.tolist().index(queries.find_post(inc, "youtube", "dQw4").id)  # type: ignore[union-attr]
    assert pts.end[day] - pts.start[day] == 50 * 3600


def test_consistency_checks(inc: Incident, tmp_path: Path) -> None:
    import_export(inc, fx.write_telegram(tmp_path / "tg"))
    import_export(inc, fx.write_twarc(tmp_path / "t.jsonl"))
    photo1, photo2 = media_id(inc, "photo_1.jpg"), media_id(inc, "photo_2.jpg")
    set_capture(inc, photo1, "2024-03-01T12:30:00+00:00", "utc", gps=(48.85, 2.35))  # after its post at 10:05Z
    set_capture(inc, photo2, "2024-03-01T11:00:00", "local-unknown-zone", gps=(50.45, 30.52))
    set_incident(inc, claimed="2024-03-01T12:00:00+00:00", place=(50.45, 30.52))
    window = add_window(inc, "2024-03-01T06:00:00+00:00", "2024-03-01T07:00:00+00:00", photo1)
    found = checks.run_checks(inc)
    codes = {(c.code, c.refs[0]) for c in found}
    assert ("capture-after-post", ("media_item", photo1)) in codes
    assert ("capture-outside-window", ("media_item", photo1)) in codes
    assert ("gps-far-from-claimed-place", ("media_item", photo1)) in codes
    assert ("gps-far-from-claimed-place", ("media_item", photo2)) not in codes
    assert not any(c.code == "capture-after-post" and ("media_item", photo2) in c.refs for c in found)  # ±14 h allowed
    before = [c for c in found if c.code == "post-before-claimed"]
    with_media = [c for c in before if c.severity == "warning"]
    carried = {queries.post(inc, c.refs[0][1]).platform_id for c in with_media}
    assert carried == {"777/2", "777/5", "777/8"}  # 777/4 (refused path) carried nothing; tweet 100 is later
    assert all("existed before the claimed event" in c.message for c in with_media)
    new = [c for c in found if c.code == "account-created-just-before"]
    assert len(new) == 1 and "indicator, not proof" in new[0].message and "alice" in new[0].message
    assert [c.severity for c in found] == sorted((c.severity for c in found), key=["warning", "notice", "info"].index)
    outside = next(c for c in found if c.code == "capture-outside-window")
    assert ("time_window", window) in outside.refs
    far = next(c for c in found if c.code == "gps-far-from-claimed-place")
    assert "1,9" in far.message or "2,0" in far.message  # Paris to Kyiv is about 2,000 km


def test_no_false_alarms_when_consistent(inc: Incident, tmp_path: Path) -> None:
    import_export(inc, fx.write_telegram(tmp_path / "tg"))
    photo1 = media_id(inc, "photo_1.jpg")
    set_capture(inc, photo1, "2024-03-01T09:59:00+00:00", "utc", gps=(50.45, 30.52))
    set_incident(inc, claimed="2024-03-01T09:58:00+00:00", place=(50.45, 30.52))
    add_window(inc, "2024-03-01T09:30:00+00:00", "2024-03-01T10:30:00+00:00", photo1)
    assert checks.run_checks(inc) == []


def test_template_burst_and_graph_signals(inc: Incident, tmp_path: Path) -> None:
    base = datetime(2024, 3, 1, 12, 0, tzinfo=UTC)
    rows = ["id,author,created,text,reply_to"]
    slogan = "The bridge was destroyed by THEM, share before it is deleted!!"
    for i in range(6):  # six accounts post nearly the same text within seconds
        text = slogan if i % 2 else slogan.lower() + " #truth"
        rows.append(f't{i},bot{i},{(base + timedelta(seconds=2 * i)).isoformat()},"{text}",')
    rows.append(
        f'o1,human,{(base + timedelta(hours=3)).isoformat()},"I walked past the bridge this morning, it looks fine",'
    )
    for i in range(4):
        rows.append(
            f"r{i},bot{i},{(base + timedelta(hours=4, minutes=10 * i)).isoformat()},"
            f'"@human liar number {i} with some extra words",o1'
        )
    table = tmp_path / "t.csv"
    table.write_text("\n".join(rows) + "\n", encoding="utf-8")
    mapping = guess_mapping(["id", "author", "created", "text", "reply_to"], platform="x")
    assert import_export(inc, table, fmt="csv", mapping=mapping).posts == 11
    report = signals.coordination_signals(inc, burst_seconds=5)
    template = [s for s in report.signals if s.kind == "template"]
    assert len(template) == 1 and len(template[0].refs) == 6 and template[0].detail["similarity"] >= 0.8
    burst = [s for s in report.signals if s.kind == "burst"]
    assert len(burst) == 1 and len(burst[0].refs) == 6
    assert all(signals.INDICATOR in s.summary for s in report.signals)
    graph = report.graph
    human = next(a.id for a in queries.accounts(inc) if a.username == "human")
    assert graph["edges"] == 4 and graph["central"][0]["account_id"] == human
    assert "indicators, not proof" in report.to_json()["disclaimer"]
    assert sum(report.cadence[human]) == 1


def test_template_ignores_different_texts_and_single_accounts() -> None:
    now = datetime(2024, 1, 1, tzinfo=UTC)
    mk = signals._P
    posts = [
        mk(1, 1, "x", "1", "completely different words about the weather today", now, None, None, None, ()),
        mk(2, 2, "x", "2", "a football match report with scores and players", now, None, None, None, ()),
        mk(3, 3, "x", "3", "same account text repeated many many times here", now, None, None, None, ()),
        mk(4, 3, "x", "4", "same account text repeated many many times here", now, None, None, None, ()),
    ]
    assert signals.template_groups(posts) == []
    assert signals.jaccard(signals.shingles("Hello, World!"), signals.shingles("hello world")) == 1.0


def test_near_pairs_match_brute_force() -> None:
    rng = np.random.default_rng(7)
    base = rng.integers(0, 2**63, 300, dtype=np.int64).astype(np.uint64)
    flips = np.uint64(0)
    for bit in (1, 7, 20, 33, 50):  # five bits flipped: a recompressed copy
        flips |= np.uint64(1 << bit)
    hashes = np.concatenate([base, base[:40] ^ flips])
    got = {(i, j) for i, j, _ in provenance.near_pairs(hashes, threshold=10, block=64)}
    want = {
        (i, j)
        for i in range(len(hashes))
        for j in range(i + 1, len(hashes))
        if bin(int(hashes[i]) ^ int(hashes[j])).count("1") <= 10
    }
    assert got == want and len(want) >= 40
    assert provenance.nearest(hashes, int(base[0]), threshold=5)[:2] == [(0, 0), (300, 5)]


def test_image_groups_mark_first_seen(inc: Incident, tmp_path: Path) -> None:
    import_export(inc, fx.write_telegram(tmp_path / "tg"))
    photo1, photo2 = media_id(inc, "photo_1.jpg"), media_id(inc, "photo_2.jpg")
    set_phash(inc, photo1, "f0f0f0f0f0f0f0f0")
    set_phash(inc, photo2, "f0f0f0f0f0f0f0f3")  # 2 bits apart: the same picture recompressed
    groups = provenance.image_groups(inc)
    assert len(groups) == 1
    g = groups[0]
    assert set(g.media_ids) == {photo1, photo2}
    assert [a.post_id for a in g.appearances] == [
        queries.find_post(inc, "telegram", pid).id  # type: ignore[union-attr]
        for pid in ("777/2", "777/5", "777/8")
    ]
    assert g.first_seen is not None and g.first_seen.media_id == photo1 and g.first_seen.first_seen
    assert g.appearances[2].distance == 2
    assert g.spread_seconds == 360.0
    assert provenance.image_groups(inc, threshold=1)[0].media_ids == (photo1,)  # same file, two posts


def test_add_event_command_undo_redo(inc: Incident) -> None:
    from workbench.core.timeline.edits import AddTimelineEvent
    from workbench.core.undo import History

    history = History(inc)
    command = AddTimelineEvent(at_utc=datetime(2024, 3, 1, 9, 58, tzinfo=UTC), label="sirens", uncertainty_s=30)
    assert "timeline" in history.push(command)
    assert [e.label for e in events.build_events(inc) if e.kind == "analyst"] == ["sirens"]
    history.undo()
    assert [e for e in events.build_events(inc) if e.kind == "analyst"] == []
    history.redo()
    again = [e for e in events.build_events(inc) if e.kind == "analyst"]
    assert [(e.label, e.object_id) for e in again] == [("sirens", command.event_id)]
    actions = [e.action for e in inc.audit_log()][-3:]
    assert actions == ["timeline.event_add", "timeline.event_delete", "timeline.event_restore"]


def test_bursts_need_to_beat_the_background_rate() -> None:
    import random

    rng = random.Random(5)
    start = datetime(2024, 3, 1, tzinfo=UTC)
    mk = signals._P
    busy = [
        mk(i, i % 500, "x", str(i), "t", start + timedelta(seconds=rng.uniform(0, 86400)), None, None, None, ())
        for i in range(3000)  # one post every ~29 s, all day: runs of three within 10 s happen by chance
    ]
    assert signals.bursts(busy) == []
    planted = [
        mk(10_000 + k, 900 + k, "x", f"b{k}", "t", start + timedelta(hours=5, seconds=k), None, None, None, ())
        for k in range(8)
    ]
    found = signals.bursts(busy + planted)
    assert len(found) == 1 and {10_000 + k for k in range(8)} <= {(busy + planted)[i].id for i in found[0].members}
    assert found[0].chance < 0.01
    assert signals.poisson_tail(1.0, 0) == 1.0
    assert abs(signals.poisson_tail(2.0, 3) - (1 - 5 * math.exp(-2))) < 1e-12
