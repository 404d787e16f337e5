"""Synthetic scenes where the truth is known: a vertical pole and its shadow, for a place and an instant.

`render_pole_scene(lat, lon, instant)` computes where the sun was (apparent elevation and azimuth, SPA) and draws
a JPEG seen square-on (orthographic side view, camera level and perpendicular to the vertical plane that holds
the pole and its shadow), so that the image ratio shadow/pole is exactly cot(elevation). The camera faces
`sun azimuth + 90°`, so the shadow points to the right of the image and its bearing is the camera bearing + 90°.

The JPEG carries EXIF written by piexif: GPS position, altitude, GPS date/time (UTC), GPSImgDirection (the camera
bearing), DateTimeOriginal in the place's local time with OffsetTimeOriginal, Make/Model naming the workbench.
The true pixel positions of the pole's base, its top and the shadow's tip are returned so that tests and the
demo incident can "measure" the photo and check that solving gives back the instant and the place.
"""

from __future__ import annotations

import io
import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from fractions import Fraction
from typing import Any

import numpy as np

from workbench.core.errors import BadInput
from workbench.core.sun import ephemeris, zones
from workbench.core.sun.shadows import Point

SCENE_VERSION = "pole-scene-1"


@dataclass(frozen=True)
class SyntheticScene:
    """A rendered scene and its truth."""

    jpeg: bytes
    width: int
    height: int
    base: Point
    top: Point
    tip: Point
    lat: float
    lon: float
    altitude_m: float
    instant_utc: datetime
    zone: str
    apparent_elevation: float
    azimuth: float
    camera_bearing: float
    pole_height_m: float
    objects: tuple[tuple[Point, Point, Point], ...] = ()
    """(base, top, tip) of every pole, the first being `base`, `top`, `tip`."""

    @property
    def shadow_bearing(self) -> float:
        return (self.camera_bearing + 90.0) % 360.0

    def to_json(self) -> dict[str, Any]:
        return {
            "scene": SCENE_VERSION,
            "width": self.width,
            "height": self.height,
            "base": self.base.to_json(),
            "top": self.top.to_json(),
            "tip": self.tip.to_json(),
            "lat": self.lat,
            "lon": self.lon,
            "altitude_m": self.altitude_m,
            "instant_utc": self.instant_utc.isoformat(),
            "zone": self.zone,
            "local_time": zones.local_iso(self.instant_utc, self.zone),
            "apparent_elevation": self.apparent_elevation,
            "azimuth": self.azimuth,
            "camera_bearing": self.camera_bearing,
            "shadow_bearing": self.shadow_bearing,
            "pole_height_m": self.pole_height_m,
            "objects": [[p.to_json() for p in o] for o in self.objects],
        }


def _rational(value: float, denominator: int = 1_000_000) -> tuple[int, int]:
    f = Fraction(value).limit_denominator(denominator)
    return (f.numerator, f.denominator)


def _dms(value: float) -> tuple[tuple[int, int], tuple[int, int], tuple[int, int]]:
    value = abs(value)
    d = int(value)
    m = int((value - d) * 60)
    s = (value - d - m / 60) * 3600
    return ((d, 1), (m, 1), (round(s * 10000), 10000))


def _exif(scene_local: datetime, instant: datetime, lat: float, lon: float, alt: float, bearing: float) -> bytes:
    import piexif

    offset = scene_local.utcoffset()
    assert offset is not None
    minutes = int(offset.total_seconds() // 60)
    sign = "+" if minutes >= 0 else "-"
    offset_text = f"{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"
    utc = instant.astimezone(UTC)
    exif = {
        "0th": {
            piexif.ImageIFD.Make: b"Verification Workbench",
            piexif.ImageIFD.Model: b"Synthetic pole scene",
            piexif.ImageIFD.Software: SCENE_VERSION.encode(),
            piexif.ImageIFD.ImageDescription: b"Synthetic scene: vertical pole and its shadow (truth known)",
            piexif.ImageIFD.DateTime: scene_local.strftime("%Y:%m:%d %H:%M:%S").encode(),
        },
        "Exif": {
            piexif.ExifIFD.DateTimeOriginal: scene_local.strftime("%Y:%m:%d %H:%M:%S").encode(),
            piexif.ExifIFD.DateTimeDigitized: scene_local.strftime("%Y:%m:%d %H:%M:%S").encode(),
            piexif.ExifIFD.OffsetTimeOriginal: offset_text.encode(),
            piexif.ExifIFD.OffsetTime: offset_text.encode(),
            piexif.ExifIFD.SubSecTimeOriginal: f"{scene_local.microsecond // 10000:02d}".encode(),
        },
        "GPS": {
            piexif.GPSIFD.GPSVersionID: (2, 3, 0, 0),
            piexif.GPSIFD.GPSLatitudeRef: b"N" if lat >= 0 else b"S",
            piexif.GPSIFD.GPSLatitude: _dms(lat),
            piexif.GPSIFD.GPSLongitudeRef: b"E" if lon >= 0 else b"W",
            piexif.GPSIFD.GPSLongitude: _dms(lon),
            piexif.GPSIFD.GPSAltitudeRef: 0 if alt >= 0 else 1,
            piexif.GPSIFD.GPSAltitude: _rational(abs(alt), 100),
            piexif.GPSIFD.GPSDateStamp: utc.strftime("%Y:%m:%d").encode(),
            piexif.GPSIFD.GPSTimeStamp: (
                (utc.hour, 1),
                (utc.minute, 1),
                (utc.second * 100 + utc.microsecond // 10000, 100),
            ),
            piexif.GPSIFD.GPSImgDirectionRef: b"T",
            piexif.GPSIFD.GPSImgDirection: _rational(bearing % 360.0, 100),
        },
    }
    data: bytes = piexif.dump(exif)
    return data


def render_pole_scene(
    lat: float,
    lon: float,
    instant: datetime,
    *,
    pole_height_m: float = 2.0,
    zone_name: str | None = None,
    altitude_m: float = 0.0,
    width: int = 1600,
    height: int = 1000,
    quality: int = 92,
    poles: Sequence[float] = (1.0,),
) -> SyntheticScene:
    """Draw a vertical pole and its shadow as the sun at (lat, lon) at `instant` (aware) casts it.

    `poles` gives the relative heights of several poles standing one after another (the first is
    `pole_height_m` tall); their end points are in `objects`, the first also in `base`/`top`/`tip`.
    `zone_name` sets the local time written to DateTimeOriginal/OffsetTimeOriginal (default: the place's first
    zone from tzfpy). Raises BadInput when the sun is lower than 2° (the shadow would not fit in the picture).
    """
    from PIL import Image, ImageDraw, ImageFilter

    if instant.tzinfo is None:
        raise BadInput("The scene's instant needs a UTC offset.")
    if not (width >= 200 and height >= 200):
        raise BadInput("The scene must be at least 200 x 200 px.")
    pos = ephemeris.sun_position(lat, lon, instant, altitude_m=altitude_m)
    elev = float(pos.apparent_elevation)
    az = float(pos.azimuth)
    if elev < 2.0:
        raise BadInput(f"The sun is {elev:.1f}° high at that place and instant: too low for a shadow scene.")
    zone_name = zone_name or zones.zones_at(lat, lon).primary
    bearing = (az + 90.0) % 360.0

    rel = [float(p) for p in poles]
    if not rel or any(not (0.05 <= p <= 1.0) for p in rel):
        raise BadInput("Relative pole heights must be between 0.05 and 1.")
    margin = 0.08 * width
    gap = 0.03 * width
    ground_y = round(0.78 * height) + 0.5
    cot = 1.0 / math.tan(math.radians(elev))
    room = width - 2 * margin - gap * (len(rel) - 1)
    unit_px = min(0.62 * height / max(rel), room / max(cot * sum(rel), 1e-9))
    objects = []
    x = margin + 0.5
    for p in rel:
        length = unit_px * p
        objects.append((Point(x, ground_y), Point(x, ground_y - length), Point(x + length * cot, ground_y)))
        x += length * cot + gap
    base, top, tip = objects[0]

    # Sky and ground with gentle gradients and a little deterministic texture.
    rng = np.random.default_rng(int(abs(lat * 1000) + abs(lon * 1000)) % (2**32))
    img = np.zeros((height, width, 3), dtype=np.float64)
    gy = int(ground_y)
    sky_t = np.linspace(0, 1, gy)[:, None]
    img[:gy] = (np.array([110, 160, 220]) * (1 - sky_t) + np.array([200, 220, 240]) * sky_t)[:, None, :]
    ground_t = np.linspace(0, 1, height - gy)[:, None]
    img[gy:] = (np.array([170, 150, 115]) * (1 - ground_t) + np.array([140, 120, 90]) * ground_t)[:, None, :]
    img[gy:] += rng.normal(0, 6, (height - gy, width, 1))
    picture = Image.fromarray(np.clip(img, 0, 255).astype(np.uint8))

    draw = ImageDraw.Draw(picture, "RGBA")
    for b, t, tp in objects:
        length = b.y - t.y
        pole_w = max(4.0, length / 40.0)
        # Shadow: on the ground, from the base to the tip, a thin band tapering to the tip.
        shadow_h = max(5.0, pole_w * 1.2)
        draw.polygon(
            [
                (b.x, ground_y - shadow_h / 2),
                (tp.x, ground_y - shadow_h / 4),
                (tp.x, ground_y + shadow_h / 4),
                (b.x, ground_y + shadow_h / 2),
            ],
            fill=(45, 40, 35, 200),
        )
        draw.rectangle([b.x - pole_w / 2, t.y, b.x + pole_w / 2, ground_y], fill=(90, 90, 95, 255))
        draw.rectangle([b.x - pole_w / 2, t.y, b.x - pole_w / 6, ground_y], fill=(150, 150, 155, 255))
    picture = picture.filter(ImageFilter.GaussianBlur(0.6))

    local = instant.astimezone(zones.zone(zone_name))
    exif = _exif(local, instant, lat, lon, altitude_m, bearing)
    out = io.BytesIO()
    picture.save(out, format="JPEG", quality=quality, exif=exif)
    return SyntheticScene(
        jpeg=out.getvalue(),
        width=width,
        height=height,
        base=base,
        top=top,
        tip=tip,
        lat=lat,
        lon=lon,
        altitude_m=altitude_m,
        instant_utc=instant.astimezone(UTC),
        zone=zone_name,
        apparent_elevation=elev,
        azimuth=az,
        camera_bearing=bearing,
        pole_height_m=pole_height_m,
        objects=tuple(objects),
    )
