"""Solving a sun constraint for time ("when", at a place) and for place ("where", at an instant).

When: the sun's apparent elevation (and azimuth) is sampled every `step_s` seconds over the search span (SPA on
3-hour nodes, interpolated), the local extrema of elevation are added as samples so that a window touching
noon is not missed, and every change between "fits" and "does not fit" is refined by bisection with the exact
SPA to better than 0.01 s.

Where: the separable grid. Per instant the sun's geocentric position is computed once with SPA; for each latitude
row the elevation interval becomes an interval of cos(hour angle); each cell is then one comparison of its
column's cos(hour angle) with its row's bounds. A time uncertainty ±dt widens each row's hour-angle interval by
the Earth's rotation in dt (exactly, for the sun's declination at the centre of each segment of at most an hour).
Cells are marked when any part of the cell can fit ("touching": the elevation interval is widened by the half
diagonal of a cell) so that a narrow band is never lost between cell centres; the note in the result says so.

Local-time mode: the same wall-clock time everywhere. Cells are grouped by the UTC offset of their time zone on
that date (a few dozen groups), each group solved at its own UTC instant.
"""

from __future__ import annotations

import io
import json
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from workbench.core.errors import BadInput
from workbench.core.sun import ephemeris, zones
from workbench.core.sun.ephemeris import (
    DEFAULT_PRESSURE_HPA,
    DEFAULT_TEMPERATURE_C,
    Float,
    SunGeocentric,
    SunPosition,
    from_unix,
    geocentric,
    sun_position,
    topocentric,
)
from workbench.core.sun.shadows import Interval, SunConstraint

WHEN_METHOD = "sun-when-1"
WHERE_METHOD = "sun-where-1"
Mask = npt.NDArray[np.bool_]


def _in_interval(values: Float, interval: Interval) -> Mask:
    return np.asarray((values >= interval.low) & (values <= interval.high))


def _in_azimuth(values: Float, interval: Interval) -> Mask:
    if interval.high - interval.low >= 360.0:
        return np.ones(np.shape(values), dtype=bool)
    return np.asarray(((values - interval.low) % 360.0) <= (interval.high - interval.low))


SUN_UP = Interval(-0.8333, 90.0, 45.0)
"""With only a direction given, the sun must still be up to cast a shadow (upper limb above the horizon)."""
SUN_UP_NOTE = "Only a direction was given: the sun is required to be above the horizon (apparent elevation ≥ -0.83°)."


def _elevation_of(c: SunConstraint) -> Interval:
    return c.elevation if c.elevation is not None else SUN_UP


def _fits(pos: SunPosition, c: SunConstraint) -> Mask:
    ok = _in_interval(pos.apparent_elevation, _elevation_of(c))
    if c.azimuth is not None:
        ok &= _in_azimuth(pos.azimuth, c.azimuth)
    return ok


def _check_constraint(c: SunConstraint) -> None:
    if c.elevation is None and c.azimuth is None:
        raise BadInput("Nothing to solve for: give the sun's elevation (a shadow, a ratio, an angle) or azimuth.")


# -------------------------------------------------------------------------------------------------- when


@dataclass(frozen=True)
class TimeWindow:
    """An interval of UTC time in which the sun fits the measurement at the place."""

    start_utc: datetime
    end_utc: datetime
    zones: tuple[str, ...] = ("UTC",)
    open_start: bool = False
    """The window was already open at the start of the search span (it may begin earlier)."""
    open_end: bool = False

    @property
    def duration_s(self) -> float:
        return (self.end_utc - self.start_utc).total_seconds()

    def contains(self, instant: datetime, tolerance_s: float = 0.0) -> bool:
        pad = timedelta(seconds=tolerance_s)
        return self.start_utc - pad <= instant <= self.end_utc + pad

    def local(self, zone_name: str | None = None) -> tuple[datetime, datetime]:
        name = zone_name or self.zones[0]
        return zones.to_local(self.start_utc, name), zones.to_local(self.end_utc, name)

    def to_json(self) -> dict[str, Any]:
        start_local, end_local = self.local()
        return {
            "start_utc": self.start_utc.isoformat(),
            "end_utc": self.end_utc.isoformat(),
            "start_local": start_local.isoformat(timespec="seconds"),
            "end_local": end_local.isoformat(timespec="seconds"),
            "zone": self.zones[0],
            "local": [
                {
                    "zone": z,
                    "start_local": zones.local_iso(self.start_utc, z),
                    "end_local": zones.local_iso(self.end_utc, z),
                }
                for z in self.zones
            ],
            "duration_s": round(self.duration_s, 3),
            "open_start": self.open_start,
            "open_end": self.open_end,
        }


@dataclass(frozen=True)
class WhenResult:
    """The time windows at a place in which the sun fits the constraint, with everything needed to redo it."""

    lat: float
    lon: float
    altitude_m: float
    start_utc: datetime
    end_utc: datetime
    constraint: SunConstraint
    windows: tuple[TimeWindow, ...]
    place_zones: zones.PlaceZones
    max_elevation: float
    """Highest apparent elevation of the sun in the search span (degrees)."""
    min_elevation: float
    pressure_hpa: float = DEFAULT_PRESSURE_HPA
    temperature_c: float = DEFAULT_TEMPERATURE_C
    notes: tuple[str, ...] = ()

    def local_text(self, zone_name: str | None = None) -> str:
        """'09:10-09:40 or 15:20-15:55' in the zone (dates added when the span covers several days)."""
        name = zone_name or self.place_zones.primary
        if not self.windows:
            return "no time"
        multi_day = (self.end_utc - self.start_utc) > timedelta(hours=25)
        parts = []
        for w in self.windows:
            s, e = w.local(name)
            fmt = "%Y-%m-%d %H:%M" if multi_day else "%H:%M"
            parts.append(f"{s.strftime(fmt)}-{e.strftime('%H:%M' if s.date() == e.date() else fmt)}")
        return " or ".join(parts)

    def to_json(self) -> dict[str, Any]:
        return {
            "method": WHEN_METHOD,
            "model": ephemeris.VERSION,
            "place": {"lat": self.lat, "lon": self.lon, "altitude_m": self.altitude_m},
            "search": {"start_utc": self.start_utc.isoformat(), "end_utc": self.end_utc.isoformat()},
            "time_zones": self.place_zones.to_json(),
            "constraint": self.constraint.to_json(),
            "atmosphere": {"pressure_hpa": self.pressure_hpa, "temperature_c": self.temperature_c},
            "windows": [w.to_json() for w in self.windows],
            "max_elevation": self.max_elevation,
            "min_elevation": self.min_elevation,
            "assumptions": [a.to_json() for a in self.constraint.assumptions],
            "notes": list(self.notes),
        }


def _refine(
    a: Float, b: Float, fa: Mask, c: SunConstraint, lat: float, lon: float, kw: dict[str, Any], tol_s: float
) -> Float:
    """Bisection on fits/does-not-fit between a (state fa) and b (the other state), all transitions at once."""
    a, b = a.copy(), b.copy()
    while a.size and float(np.max(b - a)) > tol_s:
        m = 0.5 * (a + b)
        fm = _fits(_exact(lat, lon, m, kw), c)
        same = fm == fa
        a = np.where(same, m, a)
        b = np.where(same, b, m)
    return np.asarray(0.5 * (a + b), dtype=np.float64)


def _exact(lat: float, lon: float, unix: Float, kw: dict[str, Any]) -> SunPosition:
    return topocentric(geocentric(unix, dense=False), lat, lon, **kw)


def solve_when(
    lat: float,
    lon: float,
    constraint: SunConstraint,
    start: datetime,
    end: datetime,
    *,
    altitude_m: float = 0.0,
    pressure_hpa: float = DEFAULT_PRESSURE_HPA,
    temperature_c: float = DEFAULT_TEMPERATURE_C,
    step_s: float = 30.0,
    tolerance_s: float = 0.01,
    zone_names: Sequence[str] | None = None,
) -> WhenResult:
    """UTC windows in [start, end] during which the sun at (lat, lon) fits the constraint.

    `zone_names` overrides the zones looked up at the place (the clock used in practice may differ from the
    zone data, e.g. Moscow time in occupied Donetsk); local times are then shown in those zones.
    """
    _check_constraint(constraint)
    ephemeris._check_place(lat, lon)
    t0, t1 = float(ephemeris.to_unix(start)), float(ephemeris.to_unix(end))
    if not t1 > t0:
        raise BadInput("The end of the search span must come after its start.")
    if (t1 - t0) > 400 * 86400:
        raise BadInput("Search at most 400 days at a time.")
    kw: dict[str, Any] = {"altitude_m": altitude_m, "pressure_hpa": pressure_hpa, "temperature_c": temperature_c}
    n = max(2, math.ceil((t1 - t0) / step_s) + 1)
    t = np.linspace(t0, t1, n)
    pos = topocentric(geocentric(t), lat, lon, **kw)
    e = pos.apparent_elevation
    # Add the local extrema of elevation (parabola through three samples) so a window at noon is not missed.
    if n >= 3:
        mid = np.nonzero(((e[1:-1] - e[:-2]) * (e[2:] - e[1:-1])) <= 0)[0] + 1
        if mid.size:
            y0, y1, y2 = e[mid - 1], e[mid], e[mid + 1]
            denom = y0 - 2 * y1 + y2
            with np.errstate(divide="ignore", invalid="ignore"):
                shift = np.where(np.abs(denom) > 1e-15, 0.5 * (y0 - y2) / denom, 0.0)
            extra = t[mid] + np.clip(shift, -1, 1) * (t[1] - t[0])
            extra_pos = _exact(lat, lon, extra, kw)
            order = np.argsort(np.concatenate([t, extra]), kind="stable")
            t = np.concatenate([t, extra])[order]
            pos = SunPosition(
                elevation=np.concatenate([pos.elevation, extra_pos.elevation])[order],
                apparent_elevation=np.concatenate([pos.apparent_elevation, extra_pos.apparent_elevation])[order],
                azimuth=np.concatenate([pos.azimuth, extra_pos.azimuth])[order],
            )
            e = pos.apparent_elevation
    ok = _fits(pos, constraint)
    change = np.nonzero(ok[1:] != ok[:-1])[0]
    edges = _refine(t[change], t[change + 1], ok[change], constraint, lat, lon, kw, tolerance_s)
    starts: list[tuple[float, bool]] = []
    ends: list[tuple[float, bool]] = []
    if ok[0]:
        starts.append((t0, True))
    for k, idx in enumerate(change):
        if ok[idx]:
            ends.append((float(edges[k]), False))
        else:
            starts.append((float(edges[k]), False))
    if ok[-1]:
        ends.append((t1, True))
    place_zones = _place_zones(lat, lon, zone_names)
    windows = tuple(
        TimeWindow(from_unix(s), from_unix(en), place_zones.zones, open_start=os_, open_end=oe)
        for (s, os_), (en, oe) in zip(starts, ends, strict=True)
    )
    notes = list(constraint.disagreement)
    if constraint.elevation is None:
        notes.append(SUN_UP_NOTE)
    if constraint.unconfirmed:
        notes.append(
            "Rests on assumptions not yet confirmed: " + "; ".join(a.text.rstrip(".") for a in constraint.unconfirmed)
        )
    if place_zones.ambiguous:
        notes.append(place_zones.note())
    emax, emin = float(e.max()), float(e.min())
    if not windows and constraint.elevation is not None:
        if emax < constraint.elevation.low:
            notes.append(
                f"The sun never rose as high as {constraint.elevation.low:.2f}° here in this span "
                f"(highest {emax:.2f}°)."
            )
        elif emin > constraint.elevation.high:
            notes.append(f"The sun never went as low as {constraint.elevation.high:.2f}° (lowest {emin:.2f}°).")
    return WhenResult(
        lat=lat,
        lon=lon,
        altitude_m=altitude_m,
        start_utc=from_unix(t0),
        end_utc=from_unix(t1),
        constraint=constraint,
        windows=windows,
        place_zones=place_zones,
        max_elevation=emax,
        min_elevation=emin,
        pressure_hpa=pressure_hpa,
        temperature_c=temperature_c,
        notes=tuple(notes),
    )


def _place_zones(lat: float, lon: float, zone_names: Sequence[str] | None) -> zones.PlaceZones:
    if not zone_names:
        return zones.zones_at(lat, lon)
    for name in zone_names:
        zones.zone(name)  # BadInput for an unknown zone
    return zones.PlaceZones(tuple(zone_names))


def local_dates_span(
    lat: float, lon: float, first: date, last: date | None = None, zone_names: Sequence[str] | None = None
) -> tuple[datetime, datetime]:
    """The UTC span of local calendar days first..last at a place. With several zones, the union of them."""
    pz = _place_zones(lat, lon, zone_names)
    last = last or first
    if last < first:
        raise BadInput("The last date comes before the first.")
    spans = [zones.local_day_span(first, z)[0] for z in pz.zones]
    ends = [zones.local_day_span(last, z)[1] for z in pz.zones]
    return min(spans), max(ends)


def solve_when_dates(
    lat: float, lon: float, constraint: SunConstraint, first: date, last: date | None = None, **kw: Any
) -> WhenResult:
    """`solve_when` over whole local days at the place (in `zone_names` when given)."""
    start, end = local_dates_span(lat, lon, first, last, kw.get("zone_names"))
    return solve_when(lat, lon, constraint, start, end, **kw)


def day_curve(
    lat: float,
    lon: float,
    start: datetime,
    end: datetime,
    *,
    step_s: float = 60.0,
    altitude_m: float = 0.0,
    pressure_hpa: float = DEFAULT_PRESSURE_HPA,
    temperature_c: float = DEFAULT_TEMPERATURE_C,
) -> tuple[Float, SunPosition]:
    """The sun through a span (Unix seconds and positions), for charts."""
    t0, t1 = float(ephemeris.to_unix(start)), float(ephemeris.to_unix(end))
    t = np.arange(t0, t1 + step_s * 0.5, step_s)
    return t, sun_position(lat, lon, t, altitude_m=altitude_m, pressure_hpa=pressure_hpa, temperature_c=temperature_c)


# ------------------------------------------------------------------------------------------------- where


@dataclass(frozen=True)
class Grid:
    """Cell centres of a regular latitude/longitude grid (rows south → north, columns west → east)."""

    resolution: float
    lat_min: float = -90.0
    lat_max: float = 90.0
    lon_min: float = -180.0
    lon_max: float = 180.0

    def __post_init__(self) -> None:
        if not (0.01 <= self.resolution <= 10):
            raise BadInput("The grid resolution must be between 0.01 and 10 degrees.")
        if not (-90 <= self.lat_min < self.lat_max <= 90 and -180 <= self.lon_min < self.lon_max <= 180):
            raise BadInput("Grid bounds out of range.")

    @property
    def lats(self) -> Float:
        n = round((self.lat_max - self.lat_min) / self.resolution)
        return np.asarray(self.lat_min + self.resolution * (np.arange(n) + 0.5), dtype=np.float64)

    @property
    def lons(self) -> Float:
        n = round((self.lon_max - self.lon_min) / self.resolution)
        return np.asarray(self.lon_min + self.resolution * (np.arange(n) + 0.5), dtype=np.float64)

    @property
    def shape(self) -> tuple[int, int]:
        return (
            round((self.lat_max - self.lat_min) / self.resolution),
            round((self.lon_max - self.lon_min) / self.resolution),
        )

    def cell_of(self, lat: float, lon: float) -> tuple[int, int]:
        r = min(int((lat - self.lat_min) / self.resolution), self.shape[0] - 1)
        c = min(int((lon - self.lon_min) / self.resolution), self.shape[1] - 1)
        return r, c


@dataclass(frozen=True)
class OffsetGroup:
    """Local-time mode: the cells whose zone had this UTC offset at the wall time, solved at `instant_utc`."""

    offset_minutes: int
    instant_utc: datetime
    zones: tuple[str, ...]
    cells: int

    def to_json(self) -> dict[str, Any]:
        sign = "+" if self.offset_minutes >= 0 else "-"
        m = abs(self.offset_minutes)
        return {
            "utc_offset": f"{sign}{m // 60:02d}:{m % 60:02d}",
            "instant_utc": self.instant_utc.isoformat(),
            "zones": list(self.zones),
            "cells": self.cells,
        }


@dataclass(frozen=True)
class WhereResult:
    """The band of places where the sun fits the constraint at the instant (± its uncertainty)."""

    grid: Grid
    mask: Mask = field(repr=False)
    """Boolean [rows, cols], rows south → north, as `grid.lats` and `grid.lons`."""
    constraint: SunConstraint
    instant_utc: datetime | None
    local_time: datetime | None
    time_error_s: float
    groups: tuple[OffsetGroup, ...] = ()
    notes: tuple[str, ...] = ()
    pressure_hpa: float = DEFAULT_PRESSURE_HPA
    temperature_c: float = DEFAULT_TEMPERATURE_C

    @property
    def mode(self) -> str:
        return "local" if self.local_time is not None else "utc"

    @property
    def cells(self) -> int:
        return int(np.count_nonzero(self.mask))

    @property
    def bbox(self) -> tuple[float, float, float, float] | None:
        """(south, west, north, east) of the marked cells' edges, or None when the band is empty."""
        rows = np.nonzero(self.mask.any(axis=1))[0]
        if rows.size == 0:
            return None
        cols = np.nonzero(self.mask.any(axis=0))[0]
        r = self.grid.resolution
        return (
            round(self.grid.lat_min + r * float(rows[0]), 6),
            round(self.grid.lon_min + r * float(cols[0]), 6),
            round(self.grid.lat_min + r * float(rows[-1] + 1), 6),
            round(self.grid.lon_min + r * float(cols[-1] + 1), 6),
        )

    def contains(self, lat: float, lon: float) -> bool:
        return bool(self.mask[self.grid.cell_of(lat, lon)])

    def describe(self) -> str:
        when = (
            f"{self.local_time.isoformat(timespec='seconds')} local"
            if self.local_time is not None
            else f"{self.instant_utc.isoformat() if self.instant_utc else '?'}"
        )
        if self.time_error_s:
            when += f" ± {self.time_error_s:g} s"
        return f"Places where the sun showed {self.constraint.describe()} at {when}"

    def to_json(self) -> dict[str, Any]:
        bbox = self.bbox
        return {
            "method": WHERE_METHOD,
            "model": ephemeris.VERSION,
            "mode": self.mode,
            "instant_utc": None if self.instant_utc is None else self.instant_utc.isoformat(),
            "local_time": None if self.local_time is None else self.local_time.isoformat(),
            "time_error_s": self.time_error_s,
            "resolution": self.grid.resolution,
            "grid": {
                "lat_min": self.grid.lat_min,
                "lat_max": self.grid.lat_max,
                "lon_min": self.grid.lon_min,
                "lon_max": self.grid.lon_max,
            },
            "cells": self.cells,
            "bbox": None if bbox is None else {"south": bbox[0], "west": bbox[1], "north": bbox[2], "east": bbox[3]},
            "constraint": self.constraint.to_json(),
            "atmosphere": {"pressure_hpa": self.pressure_hpa, "temperature_c": self.temperature_c},
            "groups": [g.to_json() for g in self.groups],
            "assumptions": [a.to_json() for a in self.constraint.assumptions],
            "notes": list(self.notes),
        }

    # ------------------------------------------------------------------------------------ exports

    def to_geojson(self) -> dict[str, Any]:
        """A FeatureCollection with one MultiPolygon of rectangles [lon, lat]: runs of marked cells along each
        row, merged with the same run in the rows above (the band's cells exactly, in few polygons)."""
        r = self.grid.resolution
        m = self.mask.astype(np.int8)
        padded = np.zeros((m.shape[0], m.shape[1] + 2), dtype=np.int8)
        padded[:, 1:-1] = m
        diff = np.diff(padded, axis=1)
        rects: list[tuple[int, int, int, int]] = []  # (row0, row1, col0, col1), half-open
        open_runs: dict[tuple[int, int], int] = {}
        for row in range(m.shape[0] + 1):
            runs: set[tuple[int, int]] = set()
            if row < m.shape[0] and m[row].any():
                starts = np.nonzero(diff[row] == 1)[0]
                stops = np.nonzero(diff[row] == -1)[0]
                runs = {(int(a), int(b)) for a, b in zip(starts, stops, strict=True)}
            for run in list(open_runs):
                if run not in runs:
                    rects.append((open_runs.pop(run), row, run[0], run[1]))
            for run in runs:
                open_runs.setdefault(run, row)

        def lat(i: int) -> float:
            return round(self.grid.lat_min + r * i, 6)

        def lon(i: int) -> float:
            return round(self.grid.lon_min + r * i, 6)

        polys = [
            [[[lon(c0), lat(r0)], [lon(c1), lat(r0)], [lon(c1), lat(r1)], [lon(c0), lat(r1)], [lon(c0), lat(r0)]]]
            for r0, r1, c0, c1 in sorted(rects)
        ]
        props = self.to_json()
        props.pop("constraint")
        props["constraint"] = {
            "elevation": None if self.constraint.elevation is None else self.constraint.elevation.to_json(),
            "azimuth": None if self.constraint.azimuth is None else self.constraint.azimuth.to_json(),
        }
        props["title"] = self.describe()
        return {
            "type": "FeatureCollection",
            "features": [
                {"type": "Feature", "geometry": {"type": "MultiPolygon", "coordinates": polys}, "properties": props}
            ],
        }

    def to_png(
        self, projection: str = "equirectangular", color: tuple[int, int, int, int] = (255, 120, 0, 170)
    ) -> bytes:
        """An RGBA PNG of the band (transparent elsewhere), north up, one pixel per cell.

        "equirectangular" spans the grid's bounds (EPSG:4326). "mercator" spans latitudes ±85.0511° in Web
        Mercator (EPSG:3857), for a Leaflet image overlay with bounds [[-85.0511, lon_min], [85.0511, lon_max]].
        """
        from PIL import Image, PngImagePlugin

        mask = self.mask[::-1]
        if projection == "mercator":
            height = mask.shape[1] // 2 or 1
            y = (np.arange(height) + 0.5) / height  # 0 at top
            lat = np.degrees(np.arctan(np.sinh(math.pi * (1 - 2 * y))))
            rows = np.clip(((self.grid.lat_max - lat) / self.grid.resolution).astype(int), 0, mask.shape[0] - 1)
            inside = (lat >= self.grid.lat_min) & (lat <= self.grid.lat_max)
            mask = mask[rows] & inside[:, None]
        elif projection != "equirectangular":
            raise BadInput("The PNG projection is 'equirectangular' or 'mercator'.")
        # A two-colour palette image with per-entry alpha (tRNS): one byte a cell, decoded as RGBA by viewers.
        image = Image.fromarray(mask.astype(np.uint8), mode="L").convert("P")
        image.putpalette([0, 0, 0, color[0], color[1], color[2]])
        info = PngImagePlugin.PngInfo()
        info.add_text("workbench:sun-band", json.dumps({"projection": projection, **self.to_json()["grid"]}))
        info.add_text("Description", self.describe())
        out = io.BytesIO()
        image.save(out, format="PNG", pnginfo=info, optimize=False, compress_level=1, transparency=bytes([0, color[3]]))
        return out.getvalue()

    def write(self, path: str | Path) -> Path:
        """Write GeoJSON (.geojson/.json) or PNG (.png, equirectangular) by the file's extension."""
        p = Path(path)
        suffix = p.suffix.lower()
        if suffix in (".geojson", ".json"):
            p.write_text(json.dumps(self.to_geojson()), encoding="utf-8")
        elif suffix == ".png":
            p.write_bytes(self.to_png())
        else:
            raise BadInput("Write the band as .geojson or .png.")
        return p


def _apparent_bounds(
    interval: Interval, widen: float, geo: SunGeocentric, pressure_hpa: float, temperature_c: float
) -> tuple[Float, Float]:
    """sin of the geocentric geometric elevation bounds (per instant) for an apparent elevation interval."""
    lo = np.clip(interval.low - widen, -90.0, 90.0)
    hi = np.clip(interval.high + widen, -90.0, 90.0)
    g_lo = ephemeris.geometric_from_apparent(np.full(geo.unix.shape, lo), pressure_hpa, temperature_c)
    g_hi = ephemeris.geometric_from_apparent(np.full(geo.unix.shape, hi), pressure_hpa, temperature_c)
    if hi >= 90.0:
        g_hi = np.full(geo.unix.shape, 90.0)
    e_lo = ephemeris.geocentric_from_topocentric_elevation(g_lo, geo.parallax)
    e_hi = ephemeris.geocentric_from_topocentric_elevation(g_hi, geo.parallax)
    s_lo = np.where(lo <= -90.0, -1.0, np.sin(np.radians(e_lo)))
    s_hi = np.where(hi >= 90.0, 1.0, np.sin(np.radians(np.minimum(e_hi, 90.0))))
    return np.asarray(s_lo, dtype=np.float64), np.asarray(s_hi, dtype=np.float64)


def _row_hour_angles(lats: Float, dec: float, s_lo: float, s_hi: float) -> tuple[Float, Float, Mask]:
    """Per row, the |hour angle| interval [h1, h2] (degrees) where sin(elevation) is in [s_lo, s_hi]."""
    phi = np.radians(lats)
    d = math.radians(dec)
    a = np.sin(phi) * math.sin(d)
    b = np.cos(phi) * math.cos(d)
    b = np.where(np.abs(b) < 1e-12, 1e-12, b)
    c_lo = (s_lo - a) / b
    c_hi = (s_hi - a) / b
    empty = np.asarray((c_lo > 1.0) | (c_hi < -1.0) | (c_lo > c_hi))
    h1 = np.degrees(np.arccos(np.clip(c_hi, -1.0, 1.0)))  # smallest |H|
    h2 = np.degrees(np.arccos(np.clip(c_lo, -1.0, 1.0)))  # largest |H|
    return np.asarray(h1, dtype=np.float64), np.asarray(h2, dtype=np.float64), empty


def _row_bounds(lats: Float, dec: float, s_lo: float, s_hi: float, dilate_deg: float) -> tuple[Float, Float]:
    """Per row, the interval of cos(hour angle) in which the elevation fits, dilated by ±dilate_deg of H."""
    h1, h2, empty = _row_hour_angles(lats, dec, s_lo, s_hi)
    h1 = np.maximum(h1 - dilate_deg, 0.0)
    h2 = np.minimum(h2 + dilate_deg, 180.0)
    lo = np.where(h2 >= 180.0, -2.0, np.cos(np.radians(h2)))
    hi = np.where(h1 <= 0.0, 2.0, np.cos(np.radians(h1)))
    lo = np.where(empty, 3.0, lo)
    hi = np.where(empty, -3.0, hi)
    return np.asarray(lo, dtype=np.float64), np.asarray(hi, dtype=np.float64)


def _segments(center: float, time_error_s: float, max_half_s: float = 1800.0) -> tuple[Float, float]:
    """Segment centres covering center ± time_error_s, and each segment's half width."""
    if time_error_s <= 0:
        return np.array([center]), 0.0
    n = math.ceil(time_error_s / max_half_s)
    half = time_error_s / n
    return np.asarray(center - time_error_s + half * (2 * np.arange(n) + 1), dtype=np.float64), half


def _rotation_deg(geo: SunGeocentric, half_s: float) -> Float:
    """The sun's hour-angle change in half_s seconds (a little over 15°/h), with margin."""
    return np.asarray(half_s * (360.0 / 86400.0) * 1.0015, dtype=np.float64) * np.ones(geo.unix.shape)


def _band_at(grid: Grid, geo: SunGeocentric, k: int, s_lo: Float, s_hi: Float, dilate: Float) -> Mask:
    """The elevation band at instant k: per row a cos(hour angle) interval, per cell two comparisons."""
    lats = grid.lats
    lons = grid.lons
    lo, hi = _row_bounds(lats, float(geo.declination[k]), float(s_lo[k]), float(s_hi[k]), float(dilate[k]))
    cos_h = np.cos(np.radians(float(geo.greenwich_hour_angle[k]) + lons))
    mask = cos_h[None, :] >= lo[:, None]
    mask &= cos_h[None, :] <= hi[:, None]
    return mask


_ARC_SAMPLES = 9
_DEC_RATE_MAX = 0.41 / 86400.0  # degrees per second, the sun's fastest change of declination (equinoxes)


def _azimuth_filter(
    grid: Grid,
    mask: Mask,
    geo: SunGeocentric,
    k: int,
    s_lo: float,
    s_hi: float,
    dilate_deg: float,
    c: SunConstraint,
    widen: float,
    zone_cells: Mask | None = None,
) -> Mask:
    """Keep the cells of `mask` where, at some hour angle within ±dilate_deg of the cell's, the elevation fits
    and the azimuth fits too.

    Per cell, the hour angles where the elevation fits are known exactly from its row ([h1, h2] and its mirror);
    on each of those pieces inside the cell's window the azimuth moves monotonically, so the arc it sweeps
    (tracked on a few points, unwrapped) is compared with the azimuth interval. No instant is skipped.
    Near the zenith, where the azimuth is undefined, the touching tolerance accepts any azimuth.
    """
    assert c.azimuth is not None
    sel = mask if zone_cells is None else (mask & zone_cells)
    rows, cols = np.nonzero(sel)
    if rows.size == 0:
        return sel
    dec = math.radians(float(geo.declination[k]))
    h1_rows, h2_rows, _ = _row_hour_angles(grid.lats, float(geo.declination[k]), s_lo, s_hi)
    phi = np.radians(grid.lats[rows])[:, None]
    sin_phi, cos_phi = np.sin(phi), np.cos(phi)
    h0 = (float(geo.greenwich_hour_angle[k]) + grid.lons[cols] + 180.0) % 360.0 - 180.0
    h1, h2 = h1_rows[rows], h2_rows[rows]
    az_lo, az_width = c.azimuth.low, c.azimuth.high - c.azimuth.low
    steps = np.linspace(0.0, 1.0, _ARC_SAMPLES)[None, :]
    keep = np.zeros(rows.size, dtype=bool)
    for lo_i, hi_i in ((h1, h2), (-h2, -h1)):
        for shift in (-360.0, 0.0, 360.0):
            a = np.maximum(h0 - dilate_deg, lo_i + shift)
            b = np.minimum(h0 + dilate_deg, hi_i + shift)
            idx = np.nonzero((a <= b) & ~keep)[0]
            if idx.size == 0:
                continue
            h = np.radians(a[idx, None] + (b - a)[idx, None] * steps)
            sp, cp = sin_phi[idx], cos_phi[idx]
            cos_h = np.cos(h)
            az = np.degrees(np.arctan2(np.sin(h), cos_h * sp - math.tan(dec) * cp)) + 180.0
            sin_e = np.clip(sp * math.sin(dec) + cp * math.cos(dec) * cos_h, -1.0, 1.0)
            arc = np.degrees(np.unwrap(np.radians(az), axis=1))
            a_min, a_max = arc.min(axis=1), arc.max(axis=1)
            # Zenith distance near 0 → the azimuth turns fast: widen by the cell's size seen from there.
            sin_z = np.sqrt(np.clip(1.0 - sin_e.max(axis=1) ** 2, 0.0, 1.0))
            az_widen = np.where(
                sin_z * 180.0 / math.pi <= widen,
                180.0,
                np.degrees(np.arcsin(np.clip(np.radians(widen) / np.maximum(sin_z, 1e-12), 0.0, 1.0))),
            )
            lo = a_min - az_widen
            span = (a_max - a_min) + 2 * az_widen
            ok = (span >= 360.0) | (((az_lo - lo) % 360.0) <= span) | (((lo - az_lo) % 360.0) <= az_width)
            keep[idx] |= ok
    out = np.zeros_like(mask)
    out[rows[keep], cols[keep]] = True
    return out


def _take(geo: SunGeocentric, sl: slice) -> SunGeocentric:
    return SunGeocentric(
        unix=geo.unix[sl],
        declination=geo.declination[sl],
        right_ascension=geo.right_ascension[sl],
        sidereal_time=geo.sidereal_time[sl],
        distance_au=geo.distance_au[sl],
        equation_of_time_min=geo.equation_of_time_min[sl],
    )


def _grid_band(
    grid: Grid,
    centers: Float,
    half_s: float,
    c: SunConstraint,
    kw: dict[str, Any],
    touching: bool,
    zone_cells: list[Mask] | None = None,
    geo: SunGeocentric | None = None,
) -> Mask:
    if geo is None:
        geo = geocentric(centers, dense=False)
    widen = grid.resolution / math.sqrt(2.0) if touching else 0.0
    elev = _elevation_of(c)
    # Over ±half_s the declination moves by at most 0.41°/day: the rotation alone does not cover that.
    s_lo, s_hi = _apparent_bounds(elev, widen + _DEC_RATE_MAX * half_s, geo, kw["pressure_hpa"], kw["temperature_c"])
    dilate = _rotation_deg(geo, half_s)
    total = np.zeros(grid.shape, dtype=bool)
    for k in range(centers.size):
        band = _band_at(grid, geo, k, s_lo, s_hi, dilate)
        cells = None if zone_cells is None else zone_cells[k]
        if c.azimuth is not None:
            band = _azimuth_filter(
                grid, band, geo, k, float(s_lo[k]), float(s_hi[k]), float(dilate[k]), c, widen, cells
            )
        elif cells is not None:
            band &= cells
        total |= band
    return total


def solve_where(
    instant: datetime,
    constraint: SunConstraint,
    *,
    time_error_s: float = 0.0,
    resolution: float = 0.1,
    grid: Grid | None = None,
    touching: bool = True,
    pressure_hpa: float = DEFAULT_PRESSURE_HPA,
    temperature_c: float = DEFAULT_TEMPERATURE_C,
) -> WhereResult:
    """The places where the sun fits the constraint at `instant` (UTC) ± `time_error_s` seconds."""
    _check_constraint(constraint)
    if not (math.isfinite(time_error_s) and 0 <= time_error_s <= 7 * 86400):
        raise BadInput("The time uncertainty must be between 0 s and 7 days.")
    g = grid or Grid(resolution)
    center = float(ephemeris.to_unix(instant))
    centers, half = _segments(center, time_error_s)
    kw = {"pressure_hpa": pressure_hpa, "temperature_c": temperature_c}
    mask = _grid_band(g, centers, half, constraint, kw, touching)
    notes = list(constraint.disagreement)
    if constraint.elevation is None:
        notes.append(SUN_UP_NOTE)
    if touching:
        notes.append(
            f"Cells of {g.resolution:g}° are marked when any part of them can fit (elevation interval widened by "
            f"{g.resolution / math.sqrt(2):.3f}°, the half diagonal of a cell)."
        )
    if constraint.unconfirmed:
        notes.append(
            "Rests on assumptions not yet confirmed: " + "; ".join(a.text.rstrip(".") for a in constraint.unconfirmed)
        )
    return WhereResult(
        grid=g,
        mask=mask,
        constraint=constraint,
        instant_utc=from_unix(center),
        local_time=None,
        time_error_s=time_error_s,
        notes=tuple(notes),
        pressure_hpa=pressure_hpa,
        temperature_c=temperature_c,
    )


def solve_where_local(
    local_time: datetime,
    constraint: SunConstraint,
    *,
    time_error_s: float = 0.0,
    resolution: float = 0.5,
    grid: Grid | None = None,
    touching: bool = True,
    pressure_hpa: float = DEFAULT_PRESSURE_HPA,
    temperature_c: float = DEFAULT_TEMPERATURE_C,
) -> WhereResult:
    """Local-time mode: the places where the sun fits when every clock showed `local_time` (naive wall time).

    Each cell's zone comes from an offline zone grid; cells are grouped by their UTC offset at that wall time
    (a fold gives a zone two offsets; in a gap the wall time never happened there, and those zones are left out
    and named in the notes).
    """
    _check_constraint(constraint)
    if local_time.tzinfo is not None:
        raise BadInput("Local-time mode takes a wall-clock time without a UTC offset.")
    g = grid or Grid(resolution)
    zg = zones.zone_grid(g.resolution, g.lat_min, g.lat_max, g.lon_min, g.lon_max)
    by_offset: dict[int, list[int]] = {}
    gaps: list[str] = []
    folds: list[str] = []
    for i, name in enumerate(zg.names):
        offs = zones.wall_offsets(local_time, name)
        if not offs:
            gaps.append(name)
        if len(offs) > 1:
            folds.append(name)
        for o in offs:
            by_offset.setdefault(o, []).append(i)
    offsets = sorted(by_offset)
    base = local_time.replace(tzinfo=UTC).timestamp()
    kw = {"pressure_hpa": pressure_hpa, "temperature_c": temperature_c}
    mask = np.zeros(g.shape, dtype=bool)
    groups = []
    res = g.resolution
    plans = [_segments(base - o * 60.0, time_error_s) for o in offsets]
    geo_all = geocentric(np.concatenate([p[0] for p in plans]), dense=False) if plans else None
    first = 0
    for o, (centers, half) in zip(offsets, plans, strict=True):
        geo = _take(geo_all, slice(first, first + centers.size)) if geo_all is not None else None
        first += centers.size
        ids = np.asarray(by_offset[o], dtype=np.int16)
        boxes = [zg.boxes[i] for i in by_offset[o] if zg.counts[i]]
        groups.append(
            OffsetGroup(
                offset_minutes=o,
                instant_utc=from_unix(base - o * 60.0),
                zones=tuple(zg.names[i] for i in by_offset[o]),
                cells=sum(zg.counts[i] for i in by_offset[o]),
            )
        )
        if not boxes:
            continue
        # Work only inside the bounding box of this offset's zones, then keep the cells of those zones.
        r0, r1 = min(b[0] for b in boxes), max(b[1] for b in boxes)
        c0, c1 = min(b[2] for b in boxes), max(b[3] for b in boxes)
        sub = Grid(
            res,
            g.lat_min + r0 * res,
            min(g.lat_min + r1 * res, 90.0),
            g.lon_min + c0 * res,
            min(g.lon_min + c1 * res, 180.0),
        )
        index_sub = zg.index[r0:r1, c0:c1]
        cells_sub = [np.isin(index_sub, ids)] * centers.size if constraint.azimuth is not None else None
        band = _grid_band(sub, centers, half, constraint, kw, touching, cells_sub, geo)
        rr, cc = np.nonzero(band)
        keep = np.isin(index_sub[rr, cc], ids)
        mask[r0 + rr[keep], c0 + cc[keep]] = True
    notes = list(constraint.disagreement)
    if constraint.elevation is None:
        notes.append(SUN_UP_NOTE)
    if gaps:
        notes.append(f"{local_time.isoformat()} never happened in {', '.join(gaps)} (clocks jumped forward).")
    if folds:
        notes.append(f"{local_time.isoformat()} happened twice in {', '.join(folds)}: both instants were used.")
    if touching:
        notes.append(f"Cells of {g.resolution:g}° are marked when any part of them can fit.")
    notes.append(
        "Zones come from tzfpy's offline boundaries (one zone per cell); a place whose de facto clock differs "
        "from its zone (e.g. occupied areas) needs a manual check."
    )
    return WhereResult(
        grid=g,
        mask=mask,
        constraint=constraint,
        instant_utc=None,
        local_time=local_time,
        time_error_s=time_error_s,
        groups=tuple(groups),
        notes=tuple(notes),
        pressure_hpa=pressure_hpa,
        temperature_c=temperature_c,
    )


__all__: Sequence[str] = (
    "Grid",
    "OffsetGroup",
    "TimeWindow",
    "WhenResult",
    "WhereResult",
    "day_curve",
    "local_dates_span",
    "solve_when",
    "solve_when_dates",
    "solve_where",
    "solve_where_local",
)
