"""The bundled world outline (Natural Earth 1:50m via world-atlas): GeoJSON for the map, country of a point.

Natural Earth draws de facto boundaries (e.g. Crimea as part of Russia); every place that shows this layer says so.
Shapes crossing the 180th meridian are split there, so Leaflet's flat map draws no streaks across the world.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import numpy as np
import numpy.typing as npt

from workbench.core.geo.paths import resources_dir

WORLD_FILE = "countries-50m.json"
WORLD_LABEL = "World outline (Natural Earth 1:50m, de facto boundaries)"
WORLD_ATTRIBUTION = "Natural Earth (public domain), de facto boundaries"

Ring = list[tuple[float, float]]  # [(lon, lat), ...]


def _decode_arcs(topo: dict[str, Any]) -> list[npt.NDArray[np.float64]]:
    scale = topo["transform"]["scale"]
    translate = topo["transform"]["translate"]
    arcs = []
    for arc in topo["arcs"]:
        a = np.cumsum(np.asarray(arc, dtype=np.float64), axis=0)
        a[:, 0] = a[:, 0] * scale[0] + translate[0]
        a[:, 1] = a[:, 1] * scale[1] + translate[1]
        arcs.append(a)
    return arcs


def _ring(arcs: list[npt.NDArray[np.float64]], indices: Sequence[int]) -> npt.NDArray[np.float64]:
    parts = []
    for i, idx in enumerate(indices):
        arc = arcs[idx] if idx >= 0 else arcs[~idx][::-1]
        parts.append(arc if i == 0 else arc[1:])
    return np.concatenate(parts)


def _clip_half(ring: npt.NDArray[np.float64], limit: float, keep_below: bool) -> npt.NDArray[np.float64]:
    """Sutherland-Hodgman against the vertical line lon = limit."""
    if len(ring) == 0:
        return ring
    out: list[tuple[float, float]] = []
    n = len(ring)
    for i in range(n):
        cur = ring[i]
        prev = ring[i - 1]
        cur_in = cur[0] <= limit if keep_below else cur[0] >= limit
        prev_in = prev[0] <= limit if keep_below else prev[0] >= limit
        if cur_in != prev_in:
            t = (limit - prev[0]) / (cur[0] - prev[0])
            out.append((limit, float(prev[1] + t * (cur[1] - prev[1]))))
        if cur_in:
            out.append((float(cur[0]), float(cur[1])))
    return np.asarray(out, dtype=np.float64).reshape(-1, 2)


def split_ring(ring: npt.NDArray[np.float64]) -> list[npt.NDArray[np.float64]]:
    """Cut a (lon, lat) ring at the 180th meridian into rings that each stay within -180..180."""
    lon = ring[:, 0].copy()
    jumps = np.diff(lon)
    if not np.any(np.abs(jumps) > 180.0):
        return [ring]
    unwrapped = np.concatenate([[lon[0]], lon[0] + np.cumsum(jumps - 360.0 * np.round(jumps / 360.0))])
    pts = np.column_stack([unwrapped, ring[:, 1]])
    drift = pts[-1, 0] - pts[0, 0]
    if abs(drift) > 180.0:
        # The ring goes round a pole (Antarctica): close it along the pole's latitude.
        pole = -90.0 if np.mean(pts[:, 1]) < 0 else 90.0
        pts = np.vstack([pts, [[pts[-1, 0], pole], [pts[0, 0], pole]], pts[:1]])
    pieces = []
    for shift in (-360.0, 0.0, 360.0):
        shifted = pts + np.array([shift, 0.0])
        if shifted[:, 0].max() <= -180.0 or shifted[:, 0].min() >= 180.0:
            continue
        clipped = _clip_half(_clip_half(shifted, 180.0, True), -180.0, False)
        if len(clipped) >= 3:
            pieces.append(np.vstack([clipped, clipped[:1]]))
    return pieces


@dataclass(frozen=True)
class Country:
    """One country shape: ISO 3166 numeric code, name, and its polygons as lists of (lon, lat) rings."""

    iso_numeric: str
    name: str
    polygons: tuple[tuple[npt.NDArray[np.float64], ...], ...]  # each polygon: outer ring, then holes
    bbox: tuple[float, float, float, float]  # west, south, east, north


@lru_cache(maxsize=1)
def countries() -> tuple[Country, ...]:
    """The world outline's countries, decoded once per process."""
    topo = json.loads((resources_dir() / WORLD_FILE).read_text(encoding="utf-8"))
    arcs = _decode_arcs(topo)
    result = []
    for geom in topo["objects"]["countries"]["geometries"]:
        if geom["type"] == "Polygon":
            raw = [geom["arcs"]]
        elif geom["type"] == "MultiPolygon":
            raw = geom["arcs"]
        else:
            continue
        polygons: list[tuple[npt.NDArray[np.float64], ...]] = []
        for poly in raw:
            rings = [_ring(arcs, r) for r in poly]
            # world-atlas stitches Antarctica into a coast ring plus a ring along the pole; on a flat map the
            # coast ring alone, closed along the pole, is the shape.
            rings = [r for r in rings if np.abs(r[:, 1]).min() < 89.9]
            if not rings:
                continue
            outer_pieces = split_ring(rings[0])
            holes = [piece for h in rings[1:] for piece in split_ring(h)]
            for piece in outer_pieces:
                w, e = piece[:, 0].min(), piece[:, 0].max()
                mine = [h for h in holes if h[:, 0].min() >= w - 1e-9 and h[:, 0].max() <= e + 1e-9]
                polygons.append((piece, *mine))
        if not polygons:
            continue
        allpts = np.vstack([p[0] for p in polygons])
        bbox = (
            float(allpts[:, 0].min()),
            float(allpts[:, 1].min()),
            float(allpts[:, 0].max()),
            float(allpts[:, 1].max()),
        )
        result.append(Country(str(geom.get("id", "")), str(geom["properties"].get("name", "")), tuple(polygons), bbox))
    return tuple(result)


def _round(ring: npt.NDArray[np.float64]) -> list[list[float]]:
    return [[round(float(x), 4), round(float(y), 4)] for x, y in ring]


@lru_cache(maxsize=1)
def world_geojson_text() -> str:
    """The outline as a compact GeoJSON FeatureCollection (text), split at the antimeridian."""
    features = []
    for c in countries():
        features.append(
            {
                "type": "Feature",
                "properties": {"name": c.name, "id": c.iso_numeric},
                "geometry": {
                    "type": "MultiPolygon",
                    "coordinates": [[_round(r) for r in poly] for poly in c.polygons],
                },
            }
        )
    return json.dumps({"type": "FeatureCollection", "features": features}, separators=(",", ":"))


def _in_ring(lon: npt.NDArray[np.float64], lat: npt.NDArray[np.float64], ring: npt.NDArray[np.float64]) -> Any:
    x1, y1 = ring[:-1, 0], ring[:-1, 1]
    x2, y2 = ring[1:, 0], ring[1:, 1]
    inside = np.zeros(lon.shape, dtype=bool)
    # Chunk over edges to bound memory: points x edges booleans.
    step = max(1, 2_000_000 // max(1, len(lon)))
    for s in range(0, len(x1), step):
        ax1, ay1, ax2, ay2 = x1[s : s + step], y1[s : s + step], x2[s : s + step], y2[s : s + step]
        py = lat[:, None]
        crosses = (ay1 > py) != (ay2 > py)
        with np.errstate(divide="ignore", invalid="ignore"):
            xint = ax1 + (py - ay1) * (ax2 - ax1) / (ay2 - ay1)
        hit = crosses & (lon[:, None] < xint)
        inside ^= (np.count_nonzero(hit, axis=1) % 2).astype(bool)
    return inside


def country_indices(lats: Iterable[float], lons: Iterable[float]) -> npt.NDArray[np.int64]:
    """For each point, the index into `countries()` of the shape containing it, or -1 (sea, or too close to a
    coast for 1:50m to tell)."""
    lat = np.asarray(list(lats), dtype=np.float64)
    lon = np.asarray(list(lons), dtype=np.float64)
    out = np.full(lat.shape, -1, dtype=np.int64)
    for ci, c in enumerate(countries()):
        w, s, e, n = c.bbox
        cand = np.nonzero((out < 0) & (lon >= w) & (lon <= e) & (lat >= s) & (lat <= n))[0]
        if len(cand) == 0:
            continue
        for poly in c.polygons:
            outer = poly[0]
            sel = cand[
                (lon[cand] >= outer[:, 0].min())
                & (lon[cand] <= outer[:, 0].max())
                & (lat[cand] >= outer[:, 1].min())
                & (lat[cand] <= outer[:, 1].max())
                & (out[cand] < 0)
            ]
            if len(sel) == 0:
                continue
            inside = _in_ring(lon[sel], lat[sel], outer)
            for hole in poly[1:]:
                if inside.any():
                    inside &= ~_in_ring(lon[sel], lat[sel], hole)
            out[sel[inside]] = ci
    return out


def country_at(lat: float, lon: float) -> Country | None:
    """The outline's country containing the point, or None at sea."""
    idx = int(country_indices([lat], [lon])[0])
    return countries()[idx] if idx >= 0 else None
