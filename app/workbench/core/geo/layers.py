"""What the map shows, as plain frozen objects: the incident, the GUI and `workbench map` all build these.

Coordinates are (lat, lon) degrees WGS84; GeoJSON inside `Band.geojson` keeps GeoJSON's [lon, lat] order.
Text fields (labels, notes) are evidence and are never trusted: the page builder escapes them and the page
inserts them as text, never as HTML.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Literal

from workbench.core.errors import BadInput

PointKind = Literal["exif", "landmark", "geotag", "place", "observation"]
HypothesisStatus = Literal["open", "supported", "refuted", "confirmed"]

POINT_KINDS: tuple[PointKind, ...] = ("exif", "landmark", "geotag", "place", "observation")
HYPOTHESIS_STATUSES: tuple[HypothesisStatus, ...] = ("open", "supported", "refuted", "confirmed")
# The incident file's words for the same states (location_hypothesis.status).
STORE_STATUSES: dict[str, HypothesisStatus] = {"candidate": "open", "rejected": "refuted", "confirmed": "confirmed"}

LAYER_TITLES: dict[str, str] = {
    "exif": "EXIF GPS positions",
    "landmark": "Landmarks (from annotations)",
    "geotag": "Post geotags",
    "place": "Places",
    "observation": "Observations near the claimed place and time",
    "hypotheses": "Location hypotheses",
    "bands": "Shadow bands (sun analysis)",
    "sunlines": "Sun / shadow directions",
}


def check_lat_lon(lat: float, lon: float) -> None:
    """Raise `BadInput` unless (lat, lon) is a finite WGS84 position."""
    if not (math.isfinite(lat) and math.isfinite(lon)):
        raise BadInput(f"Coordinates must be numbers, got ({lat}, {lon}).")
    if not -90.0 <= lat <= 90.0:
        raise BadInput(f"Latitude {lat} is outside -90..90.")
    if not -180.0 <= lon <= 180.0:
        raise BadInput(f"Longitude {lon} is outside -180..180.")


@dataclass(frozen=True)
class MapPoint:
    """One position on the map: an EXIF GPS fix, a landmark, a post geotag or a named place.

    `direction` is the camera's heading (GPSImgDirection, degrees clockwise from north); when known the map draws
    a cone of `fov` degrees. `media_id` / `post_id` link the point to evidence so selection can follow it.
    """

    id: str
    lat: float
    lon: float
    label: str = ""
    kind: PointKind = "exif"
    direction: float | None = None
    fov: float = 60.0
    media_id: str | None = None
    post_id: str | None = None
    note: str = ""

    def __post_init__(self) -> None:
        check_lat_lon(self.lat, self.lon)
        if self.kind not in POINT_KINDS:
            raise BadInput(f"Unknown point kind {self.kind!r}.")
        if self.direction is not None and not math.isfinite(self.direction):
            raise BadInput(f"A camera direction must be a number of degrees, got {self.direction}.")
        if not (math.isfinite(self.fov) and 0 < self.fov <= 360):
            raise BadInput(f"A field of view must be between 0 and 360 degrees, got {self.fov}.")


@dataclass(frozen=True)
class Hypothesis:
    """A candidate location: a centre, a radius of uncertainty, a status and a confidence 0..1."""

    id: str
    lat: float
    lon: float
    radius_m: float = 500.0
    status: HypothesisStatus = "open"  # the store's "candidate" / "rejected" are accepted and mapped
    confidence: float = 0.5
    label: str = ""
    note: str = ""

    def __post_init__(self) -> None:
        check_lat_lon(self.lat, self.lon)
        if self.status in STORE_STATUSES:
            object.__setattr__(self, "status", STORE_STATUSES[self.status])
        if not (math.isfinite(self.radius_m) and self.radius_m >= 0):
            raise BadInput(f"A hypothesis radius must be 0 m or more, got {self.radius_m}.")
        if not 0.0 <= self.confidence <= 1.0:
            raise BadInput(f"A confidence must be between 0 and 1, got {self.confidence}.")
        if self.status not in HYPOTHESIS_STATUSES:
            raise BadInput(f"Unknown hypothesis status {self.status!r}.")


@dataclass(frozen=True)
class Band:
    """An area from an analysis, e.g. where the sun stood at the measured elevation: a GeoJSON geometry,
    Feature or FeatureCollection in [lon, lat] order."""

    id: str
    geojson: dict[str, Any]
    label: str = ""

    def __post_init__(self) -> None:
        if not isinstance(self.geojson, dict) or "type" not in self.geojson:
            raise BadInput("A band must be a GeoJSON object.")
        try:
            json.dumps(self.geojson, allow_nan=False)
        except (TypeError, ValueError) as exc:
            raise BadInput(f"A band's GeoJSON cannot be drawn: {exc}") from exc


@dataclass(frozen=True)
class SunLine:
    """The sun's azimuth (or the shadow's, opposite) drawn from a point for one instant."""

    id: str
    lat: float
    lon: float
    azimuth: float  # degrees clockwise from north, towards the sun
    instant: str = ""  # ISO 8601, shown as text
    length_m: float = 2000.0
    label: str = ""
    elevation: float | None = None  # the sun's apparent elevation then, degrees (shown with the shadow ratio)

    def __post_init__(self) -> None:
        check_lat_lon(self.lat, self.lon)
        if not math.isfinite(self.azimuth):
            raise BadInput("A sun azimuth must be a number.")
        if not (math.isfinite(self.length_m) and self.length_m > 0):
            raise BadInput("A sun line's length must be a positive number of metres.")
        if self.elevation is not None and not math.isfinite(self.elevation):
            raise BadInput("A sun elevation must be a number.")


def sun_line(id: str, lat: float, lon: float, instant: datetime, length_m: float = 2000.0, label: str = "") -> SunLine:
    """The sun's direction from a point at a UTC instant (NREL SPA via `workbench.core.sun`)."""
    from workbench.core.sun.ephemeris import sun_position

    if instant.tzinfo is None:
        raise BadInput("A sun line needs a time with a UTC offset.")
    pos = sun_position(lat, lon, instant)
    return SunLine(
        id=id,
        lat=lat,
        lon=lon,
        azimuth=float(pos.azimuth),
        instant=instant.astimezone(UTC).isoformat(),
        length_m=length_m,
        label=label,
        elevation=float(pos.apparent_elevation),
    )


@dataclass(frozen=True)
class MapLayers:
    """Everything one map shows. Empty by default: the basemap alone."""

    points: tuple[MapPoint, ...] = ()
    hypotheses: tuple[Hypothesis, ...] = ()
    bands: tuple[Band, ...] = ()
    sun_lines: tuple[SunLine, ...] = ()
    title: str = ""

    def bounds(self) -> tuple[float, float, float, float] | None:
        """(south, west, north, east) of every point, hypothesis circle and sun-line origin, or None."""
        lats = [p.lat for p in self.points] + [s.lat for s in self.sun_lines]
        lons = [p.lon for p in self.points] + [s.lon for s in self.sun_lines]
        for h in self.hypotheses:
            dlat = h.radius_m / 111_320.0
            dlon = dlat / max(0.01, math.cos(math.radians(h.lat)))
            lats += [max(-90.0, h.lat - dlat), min(90.0, h.lat + dlat)]
            lons += [max(-180.0, h.lon - dlon), min(180.0, h.lon + dlon)]
        if not lats:
            return None
        return min(lats), min(lons), max(lats), max(lons)


@dataclass(frozen=True)
class TileLayerSpec:
    """A raster tile layer the page shows, served by the app under `url_path` (never a remote URL)."""

    id: str
    title: str
    attribution: str  # plain text; shown escaped
    min_zoom: int = 0
    max_zoom: int = 19
    max_native_zoom: int = 19
    image_format: str = "png"
    online: bool = False
    overlay: bool = False  # drawn over the basemap (e.g. a georeferenced reference image), not instead of it


@dataclass(frozen=True)
class BasemapOptions:
    """Which basemaps the page offers. The world outline and populated places are always there."""

    tile_layers: tuple[TileLayerSpec, ...] = ()
    show_places: bool = True
    center: tuple[float, float] | None = None
    zoom: int | None = None
    extra: dict[str, Any] = field(default_factory=dict)
