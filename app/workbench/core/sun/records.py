"""Sun results as plain records whose keys match the incident's tables (format 3, `schema_analysis.py`).

No database access here: the incident layer writes these through `Incident.write()` (audited). Keys:
- `measurement_record` → `shadow_measurement` (label, inputs_json, assumptions_json, result_json, method, tool)
- `window_records` → `time_window` (label, start_utc, end_utc, kind, method, inputs_json, note)
- `band_record` → `location_hypothesis` (label, lat, lon, radius_m, status, method, inputs_json, geometry_json, note)
"""

from __future__ import annotations

import json
from typing import Any

from workbench.core.sun import ephemeris
from workbench.core.sun.shadows import METHOD_VERSION, ShadowMeasurement
from workbench.core.sun.solve import WHEN_METHOD, WHERE_METHOD, WhenResult, WhereResult


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)


def measurement_record(m: ShadowMeasurement, *, tool: str = "shadow-tool") -> dict[str, Any]:
    """One measurement: what was drawn or typed, the assumptions (and whether confirmed), the intervals."""
    data = m.to_json()
    return {
        "label": m.label,
        "inputs_json": _dumps({"kind": m.kind, **m.inputs}),
        "assumptions_json": _dumps(data["assumptions"]),
        "result_json": _dumps(
            {
                "elevation": data["elevation"],
                "azimuth": data["azimuth"],
                "notes": data["notes"],
                "model": ephemeris.VERSION,
            }
        ),
        "method": METHOD_VERSION,
        "tool": tool,
    }


def window_records(result: WhenResult, *, label: str = "Shadows fit") -> list[dict[str, Any]]:
    """Each matching window, with the whole computation's inputs so it can be redone."""
    inputs = result.to_json()
    shared = _dumps(
        {k: inputs[k] for k in ("place", "search", "constraint", "atmosphere", "time_zones", "model", "assumptions")}
    )
    out = []
    for w in result.windows:
        s, e = w.local()
        note = f"{s:%Y-%m-%d %H:%M:%S}-{e:%H:%M:%S} local ({w.zones[0]})"
        if w.open_start or w.open_end:
            note += "; the window continues beyond the searched dates"
        if result.notes:
            note += ". " + " ".join(result.notes)
        out.append(
            {
                "label": label,
                "start_utc": w.start_utc.isoformat(),
                "end_utc": w.end_utc.isoformat(),
                "kind": "shadow_fit",
                "method": WHEN_METHOD,
                "inputs_json": shared,
                "note": note,
            }
        )
    return out


def band_record(result: WhereResult, *, label: str | None = None) -> dict[str, Any]:
    """The band as a location hypothesis: GeoJSON geometry, its bounding-box centre as the point."""
    bbox = result.bbox
    lat = 0.0 if bbox is None else round((bbox[0] + bbox[2]) / 2, 6)
    lon = 0.0 if bbox is None else round((bbox[1] + bbox[3]) / 2, 6)
    summary = result.to_json()
    return {
        "label": label or result.describe(),
        "lat": lat,
        "lon": lon,
        "radius_m": 0.0,
        "status": "candidate",
        "method": WHERE_METHOD,
        "inputs_json": _dumps(summary),
        "geometry_json": _dumps(result.to_geojson()["features"][0]["geometry"]),
        "note": " ".join(result.notes),
    }
