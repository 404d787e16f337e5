"""Records for the incident tables: keys match the schema's columns, values are JSON that round-trips."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime

from workbench.core.store import schema_analysis as sa
from workbench.core.sun import records, scene, shadows, solve


def _columns(model: type) -> set[str]:
    return {c.name for c in model.__table__.columns}  # type: ignore[attr-defined]


def test_records_match_the_tables_and_carry_inputs_and_assumptions() -> None:
    t = datetime(2024, 3, 14, 7, 25, tzinfo=UTC)
    s = scene.render_pole_scene(48.5, 35.0, t, width=600, height=400)
    m = shadows.measure_pixels(s.base, s.top, s.tip, label="pole").confirm("vertical_object")
    rec = records.measurement_record(m)
    assert set(rec) <= _columns(sa.ShadowMeasurementRow)
    assert json.loads(rec["inputs_json"])["error_px"] == 3.0
    assumptions = json.loads(rec["assumptions_json"])
    assert {"key": "vertical_object", "text": shadows.VERTICAL_OBJECT.text, "confirmed": True} in assumptions
    assert json.loads(rec["result_json"])["elevation"]["low"] <= s.apparent_elevation

    c = shadows.combine([m])
    when = solve.solve_when_dates(s.lat, s.lon, c, date(2024, 3, 14))
    wins = records.window_records(when)
    assert wins and all(set(w) <= _columns(sa.TimeWindowRow) for w in wins)
    assert json.loads(wins[0]["inputs_json"])["place"]["lat"] == s.lat
    assert any(w["start_utc"] <= t.isoformat() <= w["end_utc"] for w in wins)

    band = records.band_record(solve.solve_where(t, c, resolution=0.5))
    assert set(band) <= _columns(sa.LocationHypothesisRow)
    assert json.loads(band["geometry_json"])["type"] == "MultiPolygon"
    assert json.loads(band["inputs_json"])["cells"] > 0
