"""Time zone of a point, offline (tzfpy), with the cases an analyst must see instead of a silent guess.

Ambiguities shown: several zones claim the point (Kiryat Arba: Asia/Hebron and Asia/Jerusalem); the point is
near a zone border; a local wall-clock time that happened twice (autumn) or never (spring) in that zone; places
where the zone in the data differs from the clock used in practice (the analyst can override).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from workbench.core.errors import BadInput
from workbench.core.geo.layers import check_lat_lon

BORDER_PROBE_DEG = 0.05  # ~5 km: a neighbour this close in another zone makes the point a border case

# Zones where the clock used in practice has differed from the zone data for part of the area: (area as
# south, west, north, east or None for the whole zone, note). Shown as a note; the analyst decides (override).
_PRACTICE_NOTES: dict[str, tuple[tuple[float, float, float, float] | None, str]] = {
    "Europe/Kyiv": (
        (46.0, 32.5, 50.2, 40.3),
        "Occupied parts of Donetsk, Luhansk, Zaporizhzhia and Kherson regions have used Moscow time "
        "(Europe/Moscow) since 2014/2022; check which clock the source used.",
    ),
    "Europe/Simferopol": (None, "Crimea has used Moscow time since 2014."),
    "Asia/Urumqi": (
        None,
        "Xinjiang officially uses Beijing time (Asia/Shanghai); many residents use Urumqi time, 2 h behind.",
    ),
    "Asia/Hebron": (
        None,
        "Israeli settlements in the West Bank use Israel time (Asia/Jerusalem); DST dates can differ.",
    ),
    "Asia/Gaza": (None, "Gaza's DST dates have differed from Israel's."),
}


@dataclass(frozen=True)
class ZoneAnswer:
    """The zone(s) at a point. `zone` is the first answer (or the override); `ambiguous` says to look closer."""

    lat: float
    lon: float
    zone: str | None
    zones: tuple[str, ...]
    nearby_zones: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()
    override: str | None = None

    @property
    def ambiguous(self) -> bool:
        return len(self.zones) > 1 or bool(self.nearby_zones)

    def to_json(self) -> dict[str, Any]:
        return {
            "lat": self.lat,
            "lon": self.lon,
            "zone": self.zone,
            "zones": list(self.zones),
            "nearby_zones": list(self.nearby_zones),
            "ambiguous": self.ambiguous,
            "notes": list(self.notes),
            "override": self.override,
        }


def zones_at(lat: float, lon: float, override: str | None = None) -> ZoneAnswer:
    """Every zone at the point, zones within ~5 km, and notes; `override` (an IANA name) wins when given."""
    import tzfpy

    check_lat_lon(lat, lon)
    if override is not None:
        _zone(override)
    zones = tuple(tzfpy.get_tzs(lon, lat))
    nearby: list[str] = []
    d = BORDER_PROBE_DEG
    for dlat, dlon in ((d, 0), (-d, 0), (0, d), (0, -d), (d, d), (-d, -d), (d, -d), (-d, d)):
        plat = max(-90.0, min(90.0, lat + dlat))
        plon = ((lon + dlon + 180.0) % 360.0) - 180.0
        for z in tzfpy.get_tzs(plon, plat):
            if z not in zones and z not in nearby and not z.startswith("Etc/"):
                nearby.append(z)
    notes = []
    if len(zones) > 1:
        notes.append(f"Several zones claim this point: {', '.join(zones)}.")
    if nearby:
        notes.append(f"Within ~5 km of another zone: {', '.join(nearby)}.")
    for z in zones:
        if z in _PRACTICE_NOTES:
            area, note = _PRACTICE_NOTES[z]
            if area is None or (area[0] <= lat <= area[2] and area[1] <= lon <= area[3]):
                notes.append(note)
    if override:
        notes.append(f"Set by hand to {override}.")
    first = override or (zones[0] if zones else None)
    return ZoneAnswer(lat, lon, first, zones, tuple(nearby), tuple(notes), override)


def _zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise BadInput(f"Unknown time zone {name!r} (use an IANA name such as Europe/Kyiv).") from exc


@dataclass(frozen=True)
class LocalTimeAnswer:
    """A wall-clock time in a zone, turned into UTC. `status`: "ok", "ambiguous" (happened twice: both UTC
    instants are given) or "nonexistent" (skipped by a DST change: the instants just before/after are given)."""

    local: str
    zone: str
    status: Literal["ok", "ambiguous", "nonexistent"]
    utc: tuple[datetime, ...] = field(default_factory=tuple)
    message: str = ""

    def to_json(self) -> dict[str, Any]:
        return {
            "local": self.local,
            "zone": self.zone,
            "status": self.status,
            "utc": [u.isoformat() for u in self.utc],
            "message": self.message,
        }


def local_to_utc(local: datetime, zone: str) -> LocalTimeAnswer:
    """Interpret a naive local time in `zone`, saying so when DST makes it ambiguous or impossible."""
    if local.tzinfo is not None:
        raise BadInput("local_to_utc needs a wall-clock time without an offset.")
    tz = _zone(zone)
    first = local.replace(tzinfo=tz, fold=0)
    second = local.replace(tzinfo=tz, fold=1)
    u0 = first.astimezone(UTC)
    u1 = second.astimezone(UTC)
    text = local.isoformat()
    # A time that does not exist does not survive the round trip back to wall-clock time.
    roundtrip = u0.astimezone(tz).replace(tzinfo=None)
    if roundtrip != local:
        lo, hi = sorted((u0, u1))
        return LocalTimeAnswer(
            text,
            zone,
            "nonexistent",
            (lo, hi),
            f"{text} never happened in {zone} (clocks jumped forward); it lies between {lo:%H:%M} and {hi:%H:%M} UTC.",
        )
    if u0 != u1:
        lo, hi = sorted((u0, u1))
        gap = (hi - lo) // timedelta(minutes=1)
        return LocalTimeAnswer(
            text,
            zone,
            "ambiguous",
            (lo, hi),
            f"{text} happened twice in {zone} (clocks went back), {gap} min apart: {lo:%H:%M} or {hi:%H:%M} UTC.",
        )
    return LocalTimeAnswer(text, zone, "ok", (u0,), "")
