"""Where an image's pixels are on Earth: an affine map from pixel (col, row) to EPSG:4326 degrees or EPSG:3857
metres, read from a GeoTIFF's tags or fitted to the analyst's control points, with checks that refuse absurd
placements (a pixel of zero size, a footprint off the globe) with a message saying what is wrong.

Pixel coordinates are of pixel corners: (0, 0) is the top-left corner of the top-left pixel.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np

from workbench.core.errors import BadInput
from workbench.core.geo.measure import great_circle_m

R_EARTH = 6378137.0  # WGS84 semi-major axis: the sphere of web mercator
MERCATOR_MAX = math.pi * R_EARTH
MAX_MERCATOR_LAT = 85.05112878

TAG_MODEL_PIXEL_SCALE = 33550
TAG_MODEL_TIEPOINT = 33922
TAG_MODEL_TRANSFORMATION = 34264
TAG_GEO_KEY_DIRECTORY = 34735
TAG_DATETIME = 306
_GEOGRAPHIC_WGS84 = {4326}
_WEB_MERCATOR = {3857, 3785, 900913, 102100, 102113}


def lonlat_to_mercator(lon: float, lat: float) -> tuple[float, float]:
    lat = max(-MAX_MERCATOR_LAT, min(MAX_MERCATOR_LAT, lat))
    return R_EARTH * math.radians(lon), R_EARTH * math.log(math.tan(math.pi / 4 + math.radians(lat) / 2))


def mercator_to_lonlat(x: float, y: float) -> tuple[float, float]:
    return math.degrees(x / R_EARTH), math.degrees(2 * math.atan(math.exp(y / R_EARTH)) - math.pi / 2)


distance_m = great_circle_m  # the one haversine, in geo.measure


@dataclass(frozen=True)
class GeoTransform:
    """X = a*col + b*row + c ; Y = d*col + e*row + f, in `crs` units (degrees lon/lat or mercator metres)."""

    crs: str  # "EPSG:4326" | "EPSG:3857"
    a: float
    b: float
    c: float
    d: float
    e: float
    f: float

    def to_json(self) -> dict[str, Any]:
        return {"crs": self.crs, "a": self.a, "b": self.b, "c": self.c, "d": self.d, "e": self.e, "f": self.f}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> GeoTransform:
        return cls(
            str(data["crs"]),
            *(float(data[k]) for k in ("a", "b", "c", "d", "e", "f")),
        )

    def pixel_to_crs(self, col: float, row: float) -> tuple[float, float]:
        return self.a * col + self.b * row + self.c, self.d * col + self.e * row + self.f

    def crs_to_pixel(self, x: float, y: float) -> tuple[float, float]:
        det = self.a * self.e - self.b * self.d
        dx, dy = x - self.c, y - self.f
        return (self.e * dx - self.b * dy) / det, (-self.d * dx + self.a * dy) / det

    def pixel_to_latlon(self, col: float, row: float) -> tuple[float, float]:
        x, y = self.pixel_to_crs(col, row)
        if self.crs == "EPSG:3857":
            lon, lat = mercator_to_lonlat(x, y)
            return lat, lon
        return y, x

    def latlon_to_pixel(self, lat: float, lon: float) -> tuple[float, float]:
        if self.crs == "EPSG:3857":
            x, y = lonlat_to_mercator(lon, lat)
            return self.crs_to_pixel(x, y)
        return self.crs_to_pixel(lon, lat)

    def corners(self, width: int, height: int) -> list[tuple[float, float]]:
        """(lat, lon) of the four corners: top-left, top-right, bottom-right, bottom-left."""
        return [self.pixel_to_latlon(c, r) for c, r in ((0, 0), (width, 0), (width, height), (0, height))]

    def bounds(self, width: int, height: int) -> tuple[float, float, float, float]:
        """(south, west, north, east)."""
        pts = self.corners(width, height)
        lats = [p[0] for p in pts]
        lons = [p[1] for p in pts]
        return min(lats), min(lons), max(lats), max(lons)

    def pixel_size_m(self, width: int, height: int) -> float:
        """Ground size of one pixel at the image centre (metres, the larger side)."""
        cx, cy = width / 2, height / 2
        lat0, lon0 = self.pixel_to_latlon(cx, cy)
        lat1, lon1 = self.pixel_to_latlon(cx + 1, cy)
        lat2, lon2 = self.pixel_to_latlon(cx, cy + 1)
        return max(distance_m(lat0, lon0, lat1, lon1), distance_m(lat0, lon0, lat2, lon2))


def check_placement(t: GeoTransform, width: int, height: int) -> None:
    """Refuse a georeferencing that cannot be right, saying why."""
    values = (t.a, t.b, t.c, t.d, t.e, t.f)
    if not all(math.isfinite(v) for v in values):
        raise BadInput("The image's georeferencing holds a value that is not a number (NaN or infinite).")
    if width <= 0 or height <= 0:
        raise BadInput("The image has no pixels.")
    det = t.a * t.e - t.b * t.d
    scale = max(abs(t.a), abs(t.b), abs(t.d), abs(t.e))
    if scale == 0 or abs(det) <= (scale * 1e-9) ** 2:
        raise BadInput("The image's georeferencing gives its pixels no area (a zero or degenerate pixel size).")
    for col, row in ((0, 0), (width, 0), (width, height), (0, height)):
        x, y = t.pixel_to_crs(col, row)
        if t.crs == "EPSG:4326":
            if not (-180.5 <= x <= 180.5 and -90.0 <= y <= 90.0):
                raise BadInput(
                    f"The image's corner ({col}, {row}) would be at lon {x:.6g}, lat {y:.6g}, off the globe: "
                    "the georeferencing is wrong (swapped axes, or metres read as degrees?)."
                )
        elif not (
            -MERCATOR_MAX * 1.001 <= x <= MERCATOR_MAX * 1.001 and -MERCATOR_MAX * 1.01 <= y <= MERCATOR_MAX * 1.01
        ):
            raise BadInput(
                f"The image's corner ({col}, {row}) would be at x {x:.6g} m, y {y:.6g} m, outside web mercator: "
                "the georeferencing is wrong."
            )
    size = t.pixel_size_m(width, height)
    if not (0.001 <= size <= 100_000):
        raise BadInput(
            f"The image's pixels would be {size:.3g} m across; that is not a photograph of the ground "
            "(expected between 1 mm and 100 km)."
        )
    _s, west, _n, east = t.bounds(width, height)
    if east - west > 180:
        raise BadInput("The image would span more than half the globe in longitude; refusing such a placement.")


# --- GeoTIFF --------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class GeoTiffInfo:
    transform: GeoTransform
    width: int
    height: int
    epsg: int
    raster_type: str  # "area" | "point"
    datetime_tag: str | None  # TIFF DateTime as written (no zone)
    keys: dict[int, Any]


def _geokeys(directory: tuple[int, ...]) -> dict[int, Any]:
    if len(directory) < 4:
        return {}
    n = directory[3]
    keys: dict[int, Any] = {}
    for i in range(n):
        base = 4 + 4 * i
        if base + 3 >= len(directory):
            break
        key, location, _count, value = directory[base : base + 4]
        keys[key] = value if location == 0 else ("ref", location, value)
    return keys


def read_geotiff(tags: dict[int, Any], width: int, height: int) -> GeoTiffInfo:
    """The georeferencing in a TIFF's tags (Pillow's `image.tag_v2`); refuses what is missing or unsupported."""
    directory = tags.get(TAG_GEO_KEY_DIRECTORY)
    keys = _geokeys(tuple(int(v) for v in directory)) if directory else {}
    model = keys.get(1024)
    raster = "point" if keys.get(1025) == 2 else "area"
    if model == 2 or (model is None and 2048 in keys):
        epsg = keys.get(2048)
        if epsg == 32767 and keys.get(2050) == 6326:  # user-defined geographic on the WGS84 datum
            epsg = 4326
        crs_name = "EPSG:4326"
        if epsg not in _GEOGRAPHIC_WGS84:
            raise BadInput(
                f"The GeoTIFF uses geographic system {_code(epsg)}, not WGS84 (EPSG:4326); reproject it first "
                "(for example `gdalwarp -t_srs EPSG:4326 in.tif out.tif`)."
            )
    elif model == 1 or 3072 in keys:
        epsg = keys.get(3072)
        crs_name = "EPSG:3857"
        if epsg not in _WEB_MERCATOR:
            raise BadInput(
                f"The GeoTIFF uses projected system {_code(epsg)}; the workbench reads EPSG:4326 and EPSG:3857. "
                "Reproject it first (for example `gdalwarp -t_srs EPSG:4326 in.tif out.tif`)."
            )
    elif directory is None and TAG_MODEL_TIEPOINT not in tags and TAG_MODEL_TRANSFORMATION not in tags:
        raise BadInput("The TIFF has no georeferencing (no GeoTIFF tags): place it with control points instead.")
    else:
        raise BadInput(
            "The GeoTIFF does not say its coordinate system (no GeoKeys); the workbench reads EPSG:4326 and "
            "EPSG:3857 only."
        )
    assert isinstance(epsg, int)
    if TAG_MODEL_TRANSFORMATION in tags:
        m = [float(v) for v in tags[TAG_MODEL_TRANSFORMATION]]
        if len(m) < 16:
            raise BadInput("The GeoTIFF's ModelTransformation tag is incomplete (needs 16 numbers).")
        t = GeoTransform(crs_name, m[0], m[1], m[3], m[4], m[5], m[7])
    elif TAG_MODEL_TIEPOINT in tags and TAG_MODEL_PIXEL_SCALE in tags:
        tp = [float(v) for v in tags[TAG_MODEL_TIEPOINT]]
        sc = [float(v) for v in tags[TAG_MODEL_PIXEL_SCALE]]
        if len(tp) < 6 or len(sc) < 2:
            raise BadInput("The GeoTIFF's tiepoint or pixel-scale tag is incomplete.")
        if len(tp) > 6:
            raise BadInput(
                "The GeoTIFF is placed by several tiepoints (a warp), not by one tiepoint and a pixel scale; "
                "place it with control points instead."
            )
        i, j, _k, x, y, _z = tp[:6]
        sx, sy = sc[0], sc[1]
        t = GeoTransform(crs_name, sx, 0.0, x - i * sx, 0.0, -sy, y + j * sy)
    else:
        raise BadInput("The GeoTIFF has GeoKeys but no tiepoint/pixel scale or transformation: it cannot be placed.")
    if raster == "point":
        t = GeoTransform(t.crs, t.a, t.b, t.c - 0.5 * (t.a + t.b), t.d, t.e, t.f - 0.5 * (t.d + t.e))
    check_placement(t, width, height)
    dt = tags.get(TAG_DATETIME)
    return GeoTiffInfo(t, width, height, epsg, raster, str(dt).strip("\x00 ") if dt else None, keys)


def _code(epsg: object) -> str:
    if epsg is None:
        return "(not stated)"
    if epsg == 32767:
        return "(user-defined)"
    return f"EPSG:{epsg}"


# --- control points -------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class ControlPoint:
    col: float
    row: float
    lat: float
    lon: float

    def to_json(self) -> dict[str, float]:
        return {"col": self.col, "row": self.row, "lat": self.lat, "lon": self.lon}


@dataclass(frozen=True)
class Fit:
    transform: GeoTransform
    residuals_m: tuple[float, ...]
    rms_m: float
    note: str = ""


def fit_control_points(points: list[ControlPoint], width: int, height: int) -> Fit:
    """Affine least squares from pixel to web-mercator metres; residuals are ground distances (metres) between
    where each point was put and where the fit puts it."""
    if len(points) < 3:
        raise BadInput(f"Placing an image needs at least three control points; {len(points)} given.")
    for p in points:
        if not (-90 <= p.lat <= 90 and -180 <= p.lon <= 180) or not all(
            math.isfinite(v) for v in (p.col, p.row, p.lat, p.lon)
        ):
            raise BadInput(f"Control point ({p.col}, {p.row}) → ({p.lat}, {p.lon}) is not a valid position.")
    px = np.array([[p.col, p.row, 1.0] for p in points])
    xy = np.array([lonlat_to_mercator(p.lon, p.lat) for p in points])
    if np.linalg.matrix_rank(px[:, :2] - px[:, :2].mean(axis=0), tol=1e-6) < 2:
        raise BadInput("The control points lie on one line in the image: choose points spread over it.")
    if np.linalg.matrix_rank(xy - xy.mean(axis=0), tol=1e-3) < 2:
        raise BadInput("The control points lie on one line (or one place) on the map: choose points spread out.")
    coef_x, *_ = np.linalg.lstsq(px, xy[:, 0], rcond=None)
    coef_y, *_ = np.linalg.lstsq(px, xy[:, 1], rcond=None)
    t = GeoTransform("EPSG:3857", *(float(v) for v in coef_x), *(float(v) for v in coef_y))
    check_placement(t, width, height)
    residuals = []
    for p in points:
        lat, lon = t.pixel_to_latlon(p.col, p.row)
        residuals.append(distance_m(lat, lon, p.lat, p.lon))
    rms = math.sqrt(sum(r * r for r in residuals) / len(residuals))
    note = (
        "three points fit exactly: the residuals cannot show a misplaced point; add a fourth to check"
        if len(points) == 3
        else ""
    )
    return Fit(t, tuple(residuals), rms, note)
