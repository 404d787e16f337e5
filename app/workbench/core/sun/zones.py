"""Local time for the sun's results, offline: every zone at a place (tzfpy) and wall times resolved with zoneinfo.

Ambiguity is shown, never guessed away: a place may lie in several zones (Kiryat Arba: Asia/Hebron and
Asia/Jerusalem), and a wall-clock time may occur twice (autumn fold) or never (spring gap).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import numpy as np
import numpy.typing as npt
import tzfpy

from workbench.core.errors import BadInput


@dataclass(frozen=True)
class PlaceZones:
    """The time zones at a place; `primary` is tzfpy's first answer."""

    zones: tuple[str, ...]

    @property
    def primary(self) -> str:
        return self.zones[0]

    @property
    def ambiguous(self) -> bool:
        return len(self.zones) > 1

    def note(self) -> str:
        if not self.ambiguous:
            return ""
        return f"This place lies in several time zones ({', '.join(self.zones)}); local times are shown for each."

    def to_json(self) -> dict[str, Any]:
        return {"zones": list(self.zones), "primary": self.primary, "ambiguous": self.ambiguous}


@functools.lru_cache(maxsize=4096)
def zones_at(lat: float, lon: float) -> PlaceZones:
    """Every IANA zone tzfpy knows at (lat, lon); at sea the nautical Etc/GMT±N zone."""
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        raise BadInput("Coordinates out of range: latitude -90..90, longitude -180..180.")
    found = tuple(tzfpy.get_tzs(lon, lat)) or (tzfpy.get_tz(lon, lat),)
    zones = tuple(z for z in found if z) or ("UTC",)
    return PlaceZones(zones)


@functools.lru_cache(maxsize=1024)
def zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (KeyError, ValueError) as exc:
        raise BadInput(f"Unknown time zone {name!r}.") from exc


def to_local(instant: datetime, zone_name: str) -> datetime:
    return instant.astimezone(zone(zone_name))


def local_iso(instant: datetime, zone_name: str) -> str:
    return to_local(instant, zone_name).isoformat(timespec="seconds")


@dataclass(frozen=True)
class WallTime:
    """A wall-clock time in a zone resolved to UTC: 0 instants (gap), 1, or 2 (fold)."""

    wall: datetime
    zone: str
    instants: tuple[datetime, ...]

    @property
    def status(self) -> str:
        return {0: "nonexistent", 1: "ok"}.get(len(self.instants), "ambiguous")

    def note(self) -> str:
        w = self.wall.isoformat(timespec="minutes")
        if self.status == "nonexistent":
            return f"{w} does not exist in {self.zone} (clocks jumped forward)."
        if self.status == "ambiguous":
            offs = " or ".join(i.astimezone(zone(self.zone)).strftime("%z") for i in self.instants)
            return f"{w} occurred twice in {self.zone} (clocks went back): UTC offset {offs}."
        return ""

    def to_json(self) -> dict[str, Any]:
        return {
            "wall": self.wall.isoformat(),
            "zone": self.zone,
            "status": self.status,
            "instants_utc": [i.isoformat() for i in self.instants],
        }


def resolve_wall_time(wall: datetime, zone_name: str) -> WallTime:
    """The UTC instants at which a naive wall-clock time occurred in a zone."""
    if wall.tzinfo is not None:
        return WallTime(wall.replace(tzinfo=None), zone_name, (wall.astimezone(UTC),))
    z = zone(zone_name)
    found: list[datetime] = []
    for fold in (0, 1):
        candidate = wall.replace(tzinfo=z, fold=fold)
        utc = candidate.astimezone(UTC)
        if utc.astimezone(z).replace(tzinfo=None) == wall and utc not in found:
            found.append(utc)
    return WallTime(wall, zone_name, tuple(sorted(found)))


def local_day_span(day: date, zone_name: str) -> tuple[datetime, datetime]:
    """UTC start and end of a calendar day in a zone (23, 24 or 25 hours long)."""
    z = zone(zone_name)
    start = datetime.combine(day, time(0), tzinfo=z).astimezone(UTC)
    end = datetime.combine(day + timedelta(days=1), time(0), tzinfo=z).astimezone(UTC)
    return start, end


def wall_offsets(wall: datetime, zone_name: str) -> tuple[int, ...]:
    """UTC offsets in minutes that make `wall` valid in the zone (two in a fold, none in a gap)."""
    z = zone(zone_name)
    w = resolve_wall_time(wall, zone_name)
    return tuple(round((i.astimezone(z).utcoffset() or timedelta(0)).total_seconds() / 60) for i in w.instants)


# ------------------------------------------------------------------------------------------- zone grids


@dataclass(frozen=True)
class ZoneGrid:
    """The time zone of every cell centre of a regular grid: `index[row, col]` into `names`."""

    lats: npt.NDArray[np.float64]
    lons: npt.NDArray[np.float64]
    index: npt.NDArray[np.int16]
    names: tuple[str, ...]
    boxes: tuple[tuple[int, int, int, int], ...] = ()
    """Per zone: (row_start, row_stop, col_start, col_stop) of its cells (slices), for work on a zone only."""
    counts: tuple[int, ...] = ()
    """Per zone: how many cells."""


def _boxes(index: npt.NDArray[np.int16], count: int) -> tuple[tuple[int, int, int, int], ...]:
    rows, cols = index.shape
    codes = index.astype(np.int64)
    per_row = np.bincount((codes + count * np.arange(rows)[:, None]).ravel(), minlength=count * rows)
    per_col = np.bincount((codes + count * np.arange(cols)[None, :]).ravel(), minlength=count * cols)
    rows_any = per_row.reshape(rows, count).T > 0
    cols_any = per_col.reshape(cols, count).T > 0
    out = []
    for k in range(count):
        rr = np.nonzero(rows_any[k])[0]
        cc = np.nonzero(cols_any[k])[0]
        out.append((int(rr[0]), int(rr[-1]) + 1, int(cc[0]), int(cc[-1]) + 1) if rr.size else (0, 0, 0, 0))
    return tuple(out)


_GRIDS: dict[tuple[float, float, float, float, float], ZoneGrid] = {}


def zone_grid(
    resolution: float, lat_min: float = -90.0, lat_max: float = 90.0, lon_min: float = -180.0, lon_max: float = 180.0
) -> ZoneGrid:
    """The zone grid for cell centres at `resolution` (cached in memory for the session).

    Built coarse-to-fine: zones are looked up on a grid 4 times coarser, and only cells near a change are
    looked up again at full resolution (about 1 µs a look-up).
    """
    key = (resolution, lat_min, lat_max, lon_min, lon_max)
    if key in _GRIDS:
        return _GRIDS[key]
    lats = lat_min + resolution * (np.arange(round((lat_max - lat_min) / resolution)) + 0.5)
    lons = lon_min + resolution * (np.arange(round((lon_max - lon_min) / resolution)) + 0.5)
    names: dict[str, int] = {}

    def code(lat: float, lon: float) -> int:
        name = tzfpy.get_tz(lon, lat) or "UTC"
        return names.setdefault(name, len(names))

    factor = 4
    if lats.size >= 4 * factor and lons.size >= 4 * factor:
        rows = np.arange(0, lats.size, factor)
        cols = np.arange(0, lons.size, factor)
        coarse = np.array([[code(lats[r], lons[c]) for c in cols] for r in rows], dtype=np.int16)
        # A fine cell is safe when all coarse neighbours (3x3) agree.
        pad = np.pad(coarse, 1, mode="edge")
        uniform = np.ones(coarse.shape, dtype=bool)
        for dr in (0, 1, 2):
            for dc in (0, 1, 2):
                uniform &= pad[dr : dr + coarse.shape[0], dc : dc + coarse.shape[1]] == coarse
        up = np.repeat(np.repeat(coarse, factor, axis=0), factor, axis=1)[: lats.size, : lons.size]
        safe = np.repeat(np.repeat(uniform, factor, axis=0), factor, axis=1)[: lats.size, : lons.size]
        index = up.copy()
        for r, c in zip(*np.nonzero(~safe), strict=True):
            index[r, c] = code(float(lats[r]), float(lons[c]))
    else:
        index = np.array([[code(float(la), float(lo)) for lo in lons] for la in lats], dtype=np.int16)
    ordered = tuple(sorted(names, key=lambda n: names[n]))
    grid = ZoneGrid(
        lats=np.asarray(lats, dtype=np.float64),
        lons=np.asarray(lons, dtype=np.float64),
        index=index.astype(np.int16),
        names=ordered,
        boxes=_boxes(index.astype(np.int16), len(ordered)),
        counts=tuple(int(n) for n in np.bincount(index.ravel().astype(np.int64), minlength=len(ordered))),
    )
    _GRIDS[key] = grid
    return grid
