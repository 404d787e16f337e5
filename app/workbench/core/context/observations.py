"""Observations: measured values at a place and time (weather stations, sensors), imported from CSV, and the ones
near the incident's place and time ("observed: precipitation 09:00-11:00 at a station 4 km away").

Times must say their zone (Z or an offset, or Unix seconds). A CSV whose times are naive is refused unless the
analyst states the zone (`zone="UTC"`, `"Europe/Berlin"`, `"+02:00"`); local times that a clock change makes
ambiguous or impossible in that zone are reported per row, never guessed. Long ("time, lat, lon, variable, value")
and wide ("time, lat, lon, rain, temperature ...") layouts are both read.
"""

from __future__ import annotations

import csv
import io
import math
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, timezone, tzinfo
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from workbench.core.context._common import finish_import, iso, keep_source, new_import
from workbench.core.context.georef import distance_m
from workbench.core.errors import BadInput
from workbench.core.incident import Incident
from workbench.core.store.records import Changes
from workbench.core.tasks import Progress

MAX_ERRORS_SHOWN = 50
_ALIASES: dict[str, tuple[str, ...]] = {
    "time": ("time", "datetime", "date_time", "timestamp", "time_utc", "valid", "obs_time", "observed_at", "date"),
    "end": ("end", "end_time", "time_end", "until", "end_utc"),
    "lat": ("lat", "latitude", "y"),
    "lon": ("lon", "lng", "long", "longitude", "x"),
    "variable": ("variable", "parameter", "element", "var", "measurement", "quantity"),
    "value": ("value", "val", "reading", "obs_value"),
    "unit": ("unit", "units", "uom"),
    "station": ("station", "station_id", "station_name", "site", "name", "sensor", "id"),
}


@dataclass(frozen=True)
class Observation:
    id: int
    station: str
    lat: float
    lon: float
    time_utc: str
    end_utc: str | None
    variable: str
    value: float | None
    value_text: str
    unit: str
    distance_km: float | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "station": self.station,
            "lat": self.lat,
            "lon": self.lon,
            "time_utc": self.time_utc,
            "end_utc": self.end_utc,
            "variable": self.variable,
            "value": self.value,
            "value_text": self.value_text,
            "unit": self.unit,
            "distance_km": None if self.distance_km is None else round(self.distance_km, 2),
        }


@dataclass(frozen=True)
class ObservationImport:
    source: str
    source_media_id: int
    import_id: int | None
    rows: int
    added: int
    errors: tuple[tuple[int, str], ...]
    already_imported: bool = False
    changes: Changes = field(default_factory=Changes)

    def to_json(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "source_media_id": self.source_media_id,
            "import_id": self.import_id,
            "rows": self.rows,
            "added": self.added,
            "already_imported": self.already_imported,
            "errors": [{"row": r, "problem": p} for r, p in self.errors[:MAX_ERRORS_SHOWN]],
            "error_count": len(self.errors),
        }


def zone_of(text: str) -> tzinfo:
    t = text.strip()
    if t.upper() in ("UTC", "Z", "GMT"):
        return UTC
    m = re.fullmatch(r"([+-])(\d{2}):?(\d{2})", t)
    if m:
        delta = timedelta(hours=int(m[2]), minutes=int(m[3]))
        return timezone(delta if m[1] == "+" else -delta)
    try:
        return ZoneInfo(t)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise BadInput(
            f"{text!r} is not a time zone (give UTC, an offset such as +02:00, or e.g. Europe/Berlin)."
        ) from exc


def parse_time(text: str, zone: tzinfo | None) -> datetime:
    """A UTC datetime from an observation's time; raises ValueError with the reason."""
    t = text.strip()
    if not t:
        raise ValueError("no time")
    if re.fullmatch(r"\d{9,11}(\.\d+)?", t):
        return datetime.fromtimestamp(float(t), UTC)
    if t.endswith(("Z", "z")):
        t = t[:-1] + "+00:00"
    t = re.sub(r"\s*(UTC|GMT)$", "+00:00", t)
    try:
        dt = datetime.fromisoformat(t)
    except ValueError:
        raise ValueError(f"time {text!r} is not ISO 8601") from None
    if dt.tzinfo is not None:
        return dt.astimezone(UTC)
    if zone is None:
        raise ValueError(f"time {text!r} has no zone")
    if isinstance(zone, ZoneInfo):
        a, b = dt.replace(tzinfo=zone, fold=0), dt.replace(tzinfo=zone, fold=1)
        if a.astimezone(UTC).astimezone(zone).replace(tzinfo=None) != dt:
            raise ValueError(f"local time {text!r} does not exist in {zone.key} (clock change)")
        if a.utcoffset() != b.utcoffset():
            raise ValueError(f"local time {text!r} happens twice in {zone.key} (clock change): give the offset")
        return a.astimezone(UTC)
    return dt.replace(tzinfo=zone).astimezone(UTC)


def _columns(header: list[str]) -> tuple[dict[str, int], list[int]]:
    lowered = [h.strip().lower().lstrip("\ufeff") for h in header]
    found: dict[str, int] = {}
    for role, names in _ALIASES.items():
        for name in names:
            if name in lowered and lowered.index(name) not in found.values():
                found[role] = lowered.index(name)
                break
    missing = [r for r in ("time", "lat", "lon") if r not in found]
    if missing:
        raise BadInput(
            f"The CSV has no {', '.join(missing)} column (found: {', '.join(header[:12])}). "
            "Name the columns time, lat, lon, variable, value (unit, station optional)."
        )
    wide = [] if "variable" in found else [i for i in range(len(header)) if i not in found.values()]
    if "variable" in found and "value" not in found:
        raise BadInput("The CSV has a variable column but no value column.")
    if not wide and "variable" not in found:
        raise BadInput("The CSV has neither a variable/value pair nor measurement columns.")
    return found, wide


@dataclass(frozen=True)
class _Row:
    line: int
    station: str
    lat: float
    lon: float
    time: str
    end: str | None
    original: str
    variable: str
    value: float | None
    value_text: str
    unit: str


def read_csv(text: str, *, zone: str | None = None) -> tuple[list[_Row], list[tuple[int, str]]]:
    """Rows as UTC observations, and (line, problem) for each row that could not be read.

    Raises BadInput for a file that cannot be read at all, or whose times have no zone when none was stated."""
    tz = zone_of(zone) if zone else None
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    reader = csv.reader(io.StringIO(text), dialect)
    try:
        header = next(reader)
    except StopIteration:
        raise BadInput("The CSV is empty.") from None
    cols, wide = _columns(header)
    rows: list[_Row] = []
    errors: list[tuple[int, str]] = []
    naive = 0
    for line, rec in enumerate(reader, start=2):
        if not any(c.strip() for c in rec):
            continue
        try:
            rows.extend(_read_row(line, rec, header, cols, wide, tz))
        except ValueError as exc:
            if "has no zone" in str(exc):
                naive += 1
            errors.append((line, str(exc)))
    if naive and tz is None:
        raise BadInput(
            f"{naive} row(s) give a time without a zone (e.g. line {next(e[0] for e in errors if 'no zone' in e[1])}); "
            "state the zone the times are in (UTC, +02:00 or e.g. Europe/Berlin): it is never guessed."
        )
    return rows, errors


def _number(text: str) -> float:
    """A number, with a decimal comma accepted ("1,5") where the file uses one."""
    t = text.strip()
    if t.count(",") == 1 and "." not in t:
        t = t.replace(",", ".")
    return float(t)


def _read_row(
    line: int, rec: list[str], header: list[str], cols: dict[str, int], wide: list[int], tz: tzinfo | None
) -> Iterator[_Row]:
    def cell(role: str) -> str:
        i = cols.get(role)
        return rec[i].strip() if i is not None and i < len(rec) else ""

    original = cell("time")
    when = iso(parse_time(original, tz))
    end_text = cell("end")
    end = iso(parse_time(end_text, tz)) if end_text else None
    try:
        lat, lon = _number(cell("lat")), _number(cell("lon"))
    except ValueError:
        raise ValueError(f"position ({cell('lat')!r}, {cell('lon')!r}) is not a number") from None
    if not (math.isfinite(lat) and math.isfinite(lon) and -90 <= lat <= 90 and -180 <= lon <= 180):
        raise ValueError(f"position ({lat}, {lon}) is not on Earth")
    station = cell("station")
    unit = cell("unit")
    pairs = (
        [(cell("variable"), cell("value"))]
        if not wide
        else [(header[i].strip(), rec[i].strip() if i < len(rec) else "") for i in wide]
    )
    for variable, raw in pairs:
        if not variable:
            raise ValueError("no variable name")
        if wide and raw == "":
            continue
        try:
            value: float | None = _number(raw) if raw else None
            if value is not None and not math.isfinite(value):
                value = None
        except ValueError:
            value = None
        yield _Row(line, station, lat, lon, when, end, original, variable, value, raw, unit)


def import_observations(
    incident: Incident, path: Path, *, zone: str | None = None, progress: Progress | None = None
) -> ObservationImport:
    """A CSV of observations: kept as evidence, every readable row stored, bad rows reported with their line."""
    progress = progress or Progress()
    if path.stat().st_size > 512 * 1024**2:
        raise BadInput(f"{path.name} is larger than 512 MB; split it by station or by time first.")
    text = path.read_bytes().decode("utf-8-sig", "replace")
    rows, errors = read_csv(text, zone=zone)  # refuses before anything is kept
    if not rows:
        raise BadInput(f"No row of {path.name} could be read: " + "; ".join(f"line {n}: {p}" for n, p in errors[:5]))
    media_id, sha = keep_source(incident, path, note="observations (CSV)")
    with incident.write() as conn:
        prior = conn.exec_driver_sql(
            "SELECT id FROM context_import WHERE kind = 'observations' AND source_media_id = ?", (media_id,)
        ).first()
        if prior is not None:
            return ObservationImport(path.name, media_id, int(prior[0]), len(rows), 0, tuple(errors), True)
        import_id = new_import(
            conn, incident, kind="observations", source_name=path.name, source_media_id=media_id, params={"zone": zone}
        )
        for n, r in enumerate(rows):
            if n % 5000 == 0:
                progress(n, len(rows), f"storing observations from {path.name}")
            conn.exec_driver_sql(
                "INSERT INTO observation (import_id, row_number, station, lat, lon, time_utc, end_utc, time_original, "
                "variable, value, value_text, unit) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (import_id, r.line, r.station, r.lat, r.lon, r.time, r.end, r.original, r.variable, r.value,
                 r.value_text, r.unit),
            )  # fmt: skip
        finish_import(conn, import_id, {"observations": len(rows), "errors": len(errors)}, [
            {"line": n, "problem": p} for n, p in errors
        ])  # fmt: skip
        incident.record(
            conn,
            "context.observations_import",
            "context_import",
            import_id,
            {"source_media_id": media_id, "sha256": sha, "rows": len(rows), "errors": len(errors), "zone": zone},
        )
    progress(len(rows), len(rows), f"{len(rows)} observations imported")
    return ObservationImport(
        path.name,
        media_id,
        import_id,
        len(rows),
        len(rows),
        tuple(errors),
        False,
        Changes.of("media", media_id) | Changes.of("observations"),
    )


def observations_near(
    incident: Incident,
    *,
    lat: float | None = None,
    lon: float | None = None,
    at: datetime | None = None,
    radius_km: float = 25.0,
    window: timedelta = timedelta(hours=6),
    variable: str | None = None,
) -> list[Observation]:
    """Observations within `radius_km` of a place and `window` of a time, nearest first then by time.

    Place and time default to the incident's claimed place and time; without them this raises BadInput."""
    if lat is None or lon is None or at is None:
        info = incident.info()
        lat = info.place_lat if lat is None else lat
        lon = info.place_lon if lon is None else lon
        if at is None and info.claimed_time_utc:
            at = datetime.fromisoformat(info.claimed_time_utc.replace("Z", "+00:00"))
    if lat is None or lon is None:
        raise BadInput("Give a place (lat, lon), or set the incident's claimed place first.")
    if at is None:
        raise BadInput("Give a time, or set the incident's claimed time first.")
    if at.tzinfo is None:
        raise BadInput("The time must carry its zone.")
    if radius_km <= 0:
        raise BadInput("The radius must be more than 0 km.")
    dlat = radius_km / 111.0
    dlon = radius_km / (111.320 * max(math.cos(math.radians(lat)), 0.01))
    start, end = iso(at - window), iso(at + window)
    sql = (
        "SELECT id, station, lat, lon, time_utc, end_utc, variable, value, value_text, unit FROM observation "
        "WHERE lat BETWEEN ? AND ? AND lon BETWEEN ? AND ? AND time_utc <= ? AND coalesce(end_utc, time_utc) >= ?"
    )
    params: list[Any] = [lat - dlat, lat + dlat, lon - dlon, lon + dlon, end, start]
    if variable:
        sql += " AND variable = ?"
        params.append(variable)
    with incident.read() as conn:
        rows = conn.exec_driver_sql(sql, tuple(params)).all()
    out = []
    for r in rows:
        d = distance_m(lat, lon, float(r[2]), float(r[3])) / 1000
        if d <= radius_km:
            out.append(Observation(int(r[0]), r[1], r[2], r[3], r[4], r[5], r[6], r[7], r[8], r[9], d))
    return sorted(out, key=lambda o: (round(o.distance_km or 0, 1), o.station, o.variable, o.time_utc))


@dataclass(frozen=True)
class ObservedSpell:
    """Consecutive observations of one variable at one station, described in words."""

    station: str
    variable: str
    start_utc: str
    end_utc: str
    distance_km: float
    min_value: float | None
    max_value: float | None
    unit: str
    count: int

    @property
    def text(self) -> str:
        s, e = self.start_utc[11:16], self.end_utc[11:16]
        span = s if s == e else f"{s}-{e}"
        where = f"at {self.station} " if self.station else "at a station "
        values = ""
        if self.max_value is not None:
            values = (
                f" ({self.max_value:g} {self.unit})".replace(" )", ")")
                if self.min_value == self.max_value
                else f" ({self.min_value:g}-{self.max_value:g} {self.unit})".replace(" )", ")")
            )
        return f"observed: {self.variable}{values} {span} UTC {where}{self.distance_km:.1f} km away"

    def to_json(self) -> dict[str, Any]:
        return {
            "station": self.station,
            "variable": self.variable,
            "start_utc": self.start_utc,
            "end_utc": self.end_utc,
            "distance_km": round(self.distance_km, 2),
            "min_value": self.min_value,
            "max_value": self.max_value,
            "unit": self.unit,
            "count": self.count,
            "text": self.text,
        }


def spells(observations: list[Observation]) -> list[ObservedSpell]:
    """Group nearby observations by station and variable into spells of non-zero values (a zero breaks a spell:
    "rain 09:00-11:00" means it rained in the readings between those times)."""
    groups: dict[tuple[str, str, float, float], list[Observation]] = {}
    for o in observations:
        groups.setdefault((o.station, o.variable, o.lat, o.lon), []).append(o)
    out: list[ObservedSpell] = []
    for (station, variable, _, _), obs in groups.items():
        obs.sort(key=lambda o: o.time_utc)
        runs: list[list[Observation]] = [[]]
        for o in obs:
            if o.value == 0:
                runs.append([])
            else:
                runs[-1].append(o)
        for run in runs:
            if run:
                out.append(_spell(station, variable, run))
    return sorted(out, key=lambda s: (s.start_utc, s.distance_km))


def _spell(station: str, variable: str, run: list[Observation]) -> ObservedSpell:
    values = [o.value for o in run if o.value is not None]
    return ObservedSpell(
        station,
        variable,
        run[0].time_utc,
        run[-1].end_utc or run[-1].time_utc,
        run[0].distance_km or 0.0,
        min(values) if values else None,
        max(values) if values else None,
        run[0].unit,
        len(run),
    )
