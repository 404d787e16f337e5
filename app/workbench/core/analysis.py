"""What the analyst works out about where and when: location hypotheses, time windows, shadow measurements.

Every operation is audited in the transaction that makes it and returns `Changes` ("hypotheses", "windows",
"measurements"). Deleting returns the record so that undo can restore it with the same id. The sun analysis
hands its results over as records whose keys match these tables (`core/sun/records.py`).
"""

from __future__ import annotations

import json
import math
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection

from workbench.core.errors import BadInput, NotFound
from workbench.core.incident import Incident
from workbench.core.store.audit import utc_now
from workbench.core.store.records import Changes

STATUSES = ("candidate", "confirmed", "rejected")
_HYP_COLUMNS = (
    "id, label, lat, lon, radius_m, status, confidence, method, inputs_json, geometry_json, media_id, note, "
    "created_utc, modified_utc"
)
_WIN_COLUMNS = "id, label, start_utc, end_utc, kind, method, inputs_json, media_id, hypothesis_id, note, created_utc"
_MEAS_COLUMNS = "id, media_id, label, inputs_json, assumptions_json, result_json, method, tool, created_utc"
HYPOTHESIS_FIELDS = ("label", "lat", "lon", "radius_m", "status", "confidence", "note", "media_id")


@dataclass(frozen=True)
class LocationHypothesis:
    id: int
    label: str
    lat: float
    lon: float
    radius_m: float
    status: str
    confidence: float | None
    method: str
    inputs: dict[str, Any]
    geometry: dict[str, Any] | None
    media_id: int | None
    note: str
    created_utc: str
    modified_utc: str

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class TimeWindow:
    id: int
    label: str
    start_utc: str
    end_utc: str
    kind: str
    method: str
    inputs: dict[str, Any]
    media_id: int | None
    hypothesis_id: int | None
    note: str
    created_utc: str

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class StoredMeasurement:
    id: int
    media_id: int | None
    label: str
    inputs: dict[str, Any]
    assumptions: list[Any]
    result: dict[str, Any]
    method: str
    tool: str
    created_utc: str

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


def _hyp(row: Any) -> LocationHypothesis:
    return LocationHypothesis(
        row[0], row[1], row[2], row[3], row[4], row[5], row[6], row[7], json.loads(row[8]),
        json.loads(row[9]) if row[9] else None, row[10], row[11], row[12], row[13],
    )  # fmt: skip


def _win(row: Any) -> TimeWindow:
    return TimeWindow(
        row[0], row[1], row[2], row[3], row[4], row[5], json.loads(row[6]), row[7], row[8], row[9], row[10]
    )


def _meas(row: Any) -> StoredMeasurement:
    return StoredMeasurement(
        row[0], row[1], row[2], json.loads(row[3]), json.loads(row[4]), json.loads(row[5]), row[6], row[7], row[8]
    )


def _check_hypothesis(values: dict[str, Any]) -> dict[str, Any]:
    out = dict(values)
    if "lat" in out and not (isinstance(out["lat"], int | float) and -90 <= out["lat"] <= 90):
        raise BadInput(f"Latitude must be between -90 and 90 degrees, not {out['lat']!r}.")
    if "lon" in out:
        lon = out["lon"]
        if not isinstance(lon, int | float) or not math.isfinite(lon):
            raise BadInput(f"Longitude must be a number of degrees, not {lon!r}.")
        if not -180.0 <= lon <= 180.0:  # a map dragged across the date line gives 181°: that is -179°
            out["lon"] = ((lon + 180.0) % 360.0) - 180.0
    if "radius_m" in out and not (isinstance(out["radius_m"], int | float) and out["radius_m"] >= 0):
        raise BadInput("The radius must be zero or more metres.")
    if "status" in out and out["status"] not in STATUSES:
        raise BadInput(f"Status must be one of {', '.join(STATUSES)}.")
    conf = out.get("confidence")
    if conf is not None and not (isinstance(conf, int | float) and 0 <= conf <= 1):
        raise BadInput("Confidence is a number from 0 to 1.")
    unknown = set(out) - set(HYPOTHESIS_FIELDS)
    if unknown:
        raise BadInput(f"Cannot change {', '.join(sorted(unknown))} of a location hypothesis.")
    return out


def _one(conn: Connection, sql: str, ident: int, what: str) -> Any:
    row = conn.exec_driver_sql(sql, (ident,)).first()
    if row is None:
        raise NotFound(f"There is no {what} {ident} in this incident.")
    return row


# --- location hypotheses -------------------------------------------------------------------------------------
def list_hypotheses(incident: Incident) -> list[LocationHypothesis]:
    with incident.read() as conn:
        return [_hyp(r) for r in conn.exec_driver_sql(f"SELECT {_HYP_COLUMNS} FROM location_hypothesis ORDER BY id")]


def hypothesis(incident: Incident, hypothesis_id: int) -> LocationHypothesis:
    with incident.read() as conn:
        return _hyp(
            _one(conn, f"SELECT {_HYP_COLUMNS} FROM location_hypothesis WHERE id = ?", hypothesis_id, "hypothesis")
        )


def add_hypothesis(
    incident: Incident,
    lat: float,
    lon: float,
    *,
    label: str = "",
    radius_m: float = 0.0,
    status: str = "candidate",
    confidence: float | None = None,
    method: str = "manual",
    inputs: dict[str, Any] | None = None,
    geometry: dict[str, Any] | None = None,
    media_id: int | None = None,
    note: str = "",
) -> Changes:
    """Add a place the evidence may show; its id is `changes.ids["hypotheses"][0]`."""
    v = _check_hypothesis(
        {"lat": lat, "lon": lon, "radius_m": radius_m, "status": status, "confidence": confidence, "label": label,
         "note": note, "media_id": media_id}
    )  # fmt: skip
    now = utc_now()
    with incident.write() as conn:
        new_id = int(
            conn.exec_driver_sql(
                "INSERT INTO location_hypothesis (label, lat, lon, radius_m, status, confidence, method, inputs_json, "
                "geometry_json, media_id, note, created_utc, modified_utc) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
                (v["label"], v["lat"], v["lon"], v["radius_m"], v["status"], v["confidence"], method,
                 json.dumps(inputs or {}, sort_keys=True), json.dumps(geometry) if geometry else None, v["media_id"],
                 v["note"], now, now),
            ).scalar_one()
        )  # fmt: skip
        incident.record(
            conn, "hypothesis.add", "location_hypothesis", new_id,
            {**{k: v[k] for k in ("label", "lat", "lon", "radius_m", "status", "confidence")}, "method": method},
        )  # fmt: skip
    return Changes.of("hypotheses", new_id)


def update_hypothesis(incident: Incident, hypothesis_id: int, **values: Any) -> Changes:
    """Move, resize, relabel or re-grade a hypothesis; unchanged values record nothing."""
    new = _check_hypothesis(values)
    with incident.write() as conn:
        row = _one(conn, f"SELECT {_HYP_COLUMNS} FROM location_hypothesis WHERE id = ?", hypothesis_id, "hypothesis")
        old = _hyp(row).to_json()
        changed = {k: v for k, v in new.items() if old[k] != v}
        if not changed:
            return Changes()
        sets = ", ".join(f"{k} = ?" for k in changed)
        conn.exec_driver_sql(
            f"UPDATE location_hypothesis SET {sets}, modified_utc = ? WHERE id = ?",
            (*changed.values(), utc_now(), hypothesis_id),
        )
        incident.record(
            conn, "hypothesis.update", "location_hypothesis", hypothesis_id,
            {"before": {k: old[k] for k in changed}, "after": changed},
        )  # fmt: skip
    return Changes.of("hypotheses", hypothesis_id)


def delete_hypothesis(incident: Incident, hypothesis_id: int) -> tuple[Changes, LocationHypothesis]:
    """Delete a hypothesis (links to it from annotations and windows are cleared); returns it for undo."""
    with incident.write() as conn:
        record = _hyp(
            _one(conn, f"SELECT {_HYP_COLUMNS} FROM location_hypothesis WHERE id = ?", hypothesis_id, "hypothesis")
        )
        conn.exec_driver_sql("DELETE FROM location_hypothesis WHERE id = ?", (hypothesis_id,))
        incident.record(conn, "hypothesis.delete", "location_hypothesis", hypothesis_id, {"record": record.to_json()})
    return Changes.of("hypotheses", hypothesis_id), record


def restore_hypothesis(incident: Incident, record: LocationHypothesis) -> Changes:
    """Put a deleted hypothesis back with its id (undo of delete)."""
    with incident.write() as conn:
        conn.exec_driver_sql(
            f"INSERT INTO location_hypothesis ({_HYP_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (record.id, record.label, record.lat, record.lon, record.radius_m, record.status, record.confidence,
             record.method, json.dumps(record.inputs, sort_keys=True),
             json.dumps(record.geometry) if record.geometry else None, record.media_id, record.note,
             record.created_utc, utc_now()),
        )  # fmt: skip
        incident.record(conn, "hypothesis.restore", "location_hypothesis", record.id, {"label": record.label})
    return Changes.of("hypotheses", record.id)


# --- time windows --------------------------------------------------------------------------------------------
def _iso_utc(text: str, what: str) -> str:
    try:
        value = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise BadInput(f"{what} must be an ISO 8601 time, not {text!r}.") from None
    if value.tzinfo is None:
        raise BadInput(f"{what} {text!r} has no time zone; give it in UTC or with an offset.")
    return value.astimezone(UTC).isoformat()


def list_time_windows(incident: Incident) -> list[TimeWindow]:
    with incident.read() as conn:
        return [_win(r) for r in conn.exec_driver_sql(f"SELECT {_WIN_COLUMNS} FROM time_window ORDER BY start_utc")]


def add_time_window(
    incident: Incident,
    start_utc: str,
    end_utc: str,
    *,
    label: str = "",
    kind: str = "manual",
    method: str = "manual",
    inputs: dict[str, Any] | None = None,
    media_id: int | None = None,
    hypothesis_id: int | None = None,
    note: str = "",
) -> Changes:
    start, end = _iso_utc(start_utc, "The start"), _iso_utc(end_utc, "The end")
    if end < start:
        raise BadInput("A time window must end after it starts.")
    with incident.write() as conn:
        new_id = int(
            conn.exec_driver_sql(
                "INSERT INTO time_window (label, start_utc, end_utc, kind, method, inputs_json, media_id, "
                "hypothesis_id, note, created_utc) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
                (label, start, end, kind, method, json.dumps(inputs or {}, sort_keys=True), media_id, hypothesis_id,
                 note, utc_now()),
            ).scalar_one()
        )  # fmt: skip
        incident.record(
            conn, "window.add", "time_window", new_id,
            {"label": label, "start_utc": start, "end_utc": end, "kind": kind, "method": method},
        )  # fmt: skip
    return Changes.of("windows", new_id)


def delete_time_window(incident: Incident, window_id: int) -> Changes:
    with incident.write() as conn:
        record = _win(_one(conn, f"SELECT {_WIN_COLUMNS} FROM time_window WHERE id = ?", window_id, "time window"))
        conn.exec_driver_sql("DELETE FROM time_window WHERE id = ?", (window_id,))
        incident.record(conn, "window.delete", "time_window", window_id, {"record": record.to_json()})
    return Changes.of("windows", window_id)


# --- shadow measurements -------------------------------------------------------------------------------------
def list_measurements(incident: Incident, media_id: int | None = None) -> list[StoredMeasurement]:
    sql = f"SELECT {_MEAS_COLUMNS} FROM shadow_measurement"
    params: tuple[Any, ...] = ()
    if media_id is not None:
        sql += " WHERE media_id = ?"
        params = (media_id,)
    with incident.read() as conn:
        return [_meas(r) for r in conn.exec_driver_sql(sql + " ORDER BY id", params)]


def add_measurement(incident: Incident, record: dict[str, Any], *, media_id: int | None = None) -> Changes:
    """Store a measurement record (`core.sun.records.measurement_record`): inputs, assumptions, intervals."""
    needed = ("inputs_json", "assumptions_json", "result_json", "method", "tool")
    missing = [k for k in needed if k not in record]
    if missing:
        raise BadInput(f"A shadow measurement needs {', '.join(missing)}.")
    with incident.write() as conn:
        new_id = int(
            conn.exec_driver_sql(
                "INSERT INTO shadow_measurement (media_id, label, inputs_json, assumptions_json, result_json, method, "
                "tool, created_utc) VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
                (media_id, record.get("label", ""), record["inputs_json"], record["assumptions_json"],
                 record["result_json"], record["method"], record["tool"], utc_now()),
            ).scalar_one()
        )  # fmt: skip
        incident.record(
            conn, "measurement.add", "shadow_measurement", new_id,
            {"media_id": media_id, "label": record.get("label", ""), "method": record["method"],
             "result": json.loads(record["result_json"])},
        )  # fmt: skip
    return Changes.of("measurements", new_id)


# --- the claim's place and time ------------------------------------------------------------------------------
def set_claimed_place_time(
    incident: Incident,
    *,
    lat: float | None,
    lon: float | None,
    time_zone: str | None = None,
    claimed_utc: str | None = None,
) -> Changes:
    """Where and when the claim says it happened (the consistency checks compare evidence with these)."""
    if lat is not None:
        _check_hypothesis({"lat": lat})
    claimed = _iso_utc(claimed_utc, "The claimed time") if claimed_utc else None
    with incident.write() as conn:
        conn.exec_driver_sql(
            "UPDATE incident SET place_lat = ?, place_lon = ?, place_time_zone = ?, claimed_time_utc = ? WHERE id = 1",
            (lat, lon, time_zone, claimed),
        )
        incident.record(
            conn, "incident.claimed_place_time", "incident", 1,
            {"lat": lat, "lon": lon, "time_zone": time_zone, "claimed_utc": claimed},
        )  # fmt: skip
    return Changes.of("incident")
