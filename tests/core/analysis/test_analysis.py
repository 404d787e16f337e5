"""Hypotheses, time windows and shadow measurements: audited, validated, undoable; and the demo's analysis."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from workbench.core.analysis import (
    add_hypothesis,
    add_measurement,
    add_time_window,
    delete_hypothesis,
    delete_time_window,
    hypothesis,
    list_hypotheses,
    list_measurements,
    list_time_windows,
    restore_hypothesis,
    set_claimed_place_time,
    update_hypothesis,
)
from workbench.core.demo import DEMO_PLACE, POLE_INSTANT, build_demo
from workbench.core.errors import BadInput, NotFound
from workbench.core.incident import Incident
from workbench.core.verify import verify_incident


@pytest.fixture
def inc(incident_path: Path) -> Incident:
    incident = Incident.create(incident_path, title="t", analyst="Ana")
    yield incident  # type: ignore[misc]
    incident.close()


def test_hypothesis_add_move_grade_delete_restore(inc: Incident) -> None:
    changes = add_hypothesis(inc, 50.45, 30.52, label="Kyiv bridge", radius_m=200, confidence=0.4)
    hid = changes.ids["hypotheses"][0]
    assert "hypotheses" in changes
    update_hypothesis(inc, hid, lat=50.46, lon=30.53, status="confirmed")
    h = hypothesis(inc, hid)
    assert (h.lat, h.lon, h.status, h.radius_m) == (50.46, 30.53, "confirmed", 200)
    assert not update_hypothesis(inc, hid, status="confirmed").topics  # no change, no audit entry
    _, record = delete_hypothesis(inc, hid)
    assert list_hypotheses(inc) == []
    restore_hypothesis(inc, record)
    assert hypothesis(inc, hid).label == "Kyiv bridge"
    actions = [e.action for e in inc.audit_log() if e.object_type == "location_hypothesis"]
    assert actions == ["hypothesis.add", "hypothesis.update", "hypothesis.delete", "hypothesis.restore"]
    moved = next(e for e in inc.audit_log() if e.action == "hypothesis.update")
    assert moved.details["before"] == {"lat": 50.45, "lon": 30.52, "status": "candidate"}


def test_hypothesis_inputs_are_checked(inc: Incident) -> None:
    with pytest.raises(BadInput, match="Latitude"):
        add_hypothesis(inc, 91.0, 0.0)
    with pytest.raises(BadInput, match="Status"):
        add_hypothesis(inc, 0.0, 0.0, status="likely")
    with pytest.raises(BadInput, match="Confidence"):
        add_hypothesis(inc, 0.0, 0.0, confidence=1.5)
    hid = add_hypothesis(inc, -17.8, 181.0).ids["hypotheses"][0]  # dragged across the date line
    assert hypothesis(inc, hid).lon == pytest.approx(-179.0)
    with pytest.raises(NotFound):
        update_hypothesis(inc, 999, lat=1.0)


def test_windows_need_zoned_times_in_order(inc: Incident) -> None:
    with pytest.raises(BadInput, match="no time zone"):
        add_time_window(inc, "2025-03-14T08:00:00", "2025-03-14T09:00:00")
    with pytest.raises(BadInput, match="end after"):
        add_time_window(inc, "2025-03-14T09:00:00Z", "2025-03-14T08:00:00Z")
    wid = add_time_window(inc, "2025-03-14T09:00:00+01:00", "2025-03-14T09:30:00+01:00", label="claimed").ids[
        "windows"
    ][0]
    (w,) = list_time_windows(inc)
    assert w.start_utc == "2025-03-14T08:00:00+00:00" and w.label == "claimed"
    delete_time_window(inc, wid)
    assert list_time_windows(inc) == []


def test_measurement_needs_its_inputs(inc: Incident) -> None:
    with pytest.raises(BadInput, match="needs"):
        add_measurement(inc, {"label": "x"})


def test_claimed_place_and_time(inc: Incident) -> None:
    set_claimed_place_time(inc, lat=10.0, lon=20.0, time_zone="Africa/Cairo", claimed_utc="2025-01-01T12:00:00+02:00")
    info = inc.info()
    assert (info.place_lat, info.place_lon, info.place_time_zone) == (10.0, 20.0, "Africa/Cairo")
    assert info.claimed_time_utc == "2025-01-01T10:00:00+00:00"


def test_demo_holds_a_measured_shadow_whose_window_contains_the_true_instant(tmp_path: Path) -> None:
    path = build_demo(tmp_path / "demo.incident")
    assert verify_incident(path).intact
    with Incident.open(path, read_only=True) as inc:
        (m,) = list_measurements(inc)
        assert all(a["confirmed"] for a in m.assumptions)
        windows = list_time_windows(inc)
        assert any(
            datetime.fromisoformat(w.start_utc) <= POLE_INSTANT <= datetime.fromisoformat(w.end_utc) for w in windows
        )
        assert all(datetime.fromisoformat(w.start_utc).tzinfo == UTC for w in windows)
        (h,) = list_hypotheses(inc)
        assert (h.lat, h.lon) == DEMO_PLACE
        assert inc.info().claimed_time_utc == "2025-03-14T07:30:00+00:00"
