"""Distance and bearing between two points on the WGS84 ellipsoid (Karney's geodesics via geopy), and the
shapes the map draws from them (camera cones, sun lines, hypothesis circles)."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from workbench.core.geo.layers import check_lat_lon


@dataclass(frozen=True)
class Measurement:
    """From A to B: distance in metres, initial bearing at A and final bearing at B (degrees from true north)."""

    lat1: float
    lon1: float
    lat2: float
    lon2: float
    distance_m: float
    bearing: float
    final_bearing: float

    def to_json(self) -> dict[str, Any]:
        return {
            "from": [self.lat1, self.lon1],
            "to": [self.lat2, self.lon2],
            "distance_m": round(self.distance_m, 3),
            "bearing": round(self.bearing, 4),
            "final_bearing": round(self.final_bearing, 4),
        }


MEAN_RADIUS_M = 6371008.8  # the mean Earth radius (IUGG)


def great_circle_m(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Distance on the mean sphere (haversine), in metres: within 0.5% of the ellipsoid, enough for "4 km away";
    `measure` gives the exact geodesic when that matters."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * MEAN_RADIUS_M * math.asin(min(1.0, math.sqrt(a)))


def measure(lat1: float, lon1: float, lat2: float, lon2: float) -> Measurement:
    from geographiclib.geodesic import Geodesic

    check_lat_lon(lat1, lon1)
    check_lat_lon(lat2, lon2)
    g = Geodesic.WGS84.Inverse(lat1, lon1, lat2, lon2)
    return Measurement(lat1, lon1, lat2, lon2, float(g["s12"]), float(g["azi1"]) % 360.0, float(g["azi2"]) % 360.0)


def destination(lat: float, lon: float, bearing: float, distance_m: float) -> tuple[float, float]:
    """The point `distance_m` from (lat, lon) along `bearing` (degrees from north), on the WGS84 ellipsoid."""
    from geographiclib.geodesic import Geodesic

    g = Geodesic.WGS84.Direct(lat, lon, bearing, distance_m)
    return float(g["lat2"]), ((float(g["lon2"]) + 180.0) % 360.0) - 180.0


def cone(
    lat: float, lon: float, direction: float, fov: float, length_m: float, steps: int = 8
) -> list[tuple[float, float]]:
    """A closed wedge (lat, lon) from the point towards `direction`, `fov` degrees wide."""
    pts = [(lat, lon)]
    half = fov / 2.0
    for i in range(steps + 1):
        pts.append(destination(lat, lon, direction - half + fov * i / steps, length_m))
    pts.append((lat, lon))
    return pts


def circle(lat: float, lon: float, radius_m: float, steps: int = 64) -> list[tuple[float, float]]:
    """A closed ring (lat, lon) at `radius_m` around the point."""
    pts = [destination(lat, lon, 360.0 * i / steps, radius_m) for i in range(steps)]
    return [*pts, pts[0]]
