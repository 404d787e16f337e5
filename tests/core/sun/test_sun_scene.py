"""Scenes made by our own code where the truth is known: render, read back, measure, solve, check."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime

import pytest
from PIL import Image

from workbench.core.errors import BadInput
from workbench.core.sun import consistency, scene, shadows, solve

CASES = [
    (48.5, 35.0, datetime(2024, 3, 14, 7, 25, tzinfo=UTC)),  # morning, Ukraine
    (-33.87, 151.21, datetime(2023, 12, 2, 23, 40, tzinfo=UTC)),  # Sydney, local morning the next day
    (64.15, -21.94, datetime(2025, 6, 20, 22, 30, tzinfo=UTC)),  # Reykjavik near midnight sun, low sun
    (31.53, 35.12, datetime(2024, 10, 26, 8, 0, tzinfo=UTC)),  # Kiryat Arba: two zones
]


def _exif_time(jpeg: bytes) -> datetime:
    exif = Image.open(io.BytesIO(jpeg)).getexif().get_ifd(0x8769)
    return datetime.strptime(exif[36867] + exif[36881], "%Y:%m:%d %H:%M:%S%z")


@pytest.mark.parametrize(("lat", "lon", "instant"), CASES)
def test_measure_the_rendered_pole_and_solve_back_to_the_instant_and_place(
    lat: float, lon: float, instant: datetime
) -> None:
    s = scene.render_pole_scene(lat, lon, instant)
    img = Image.open(io.BytesIO(s.jpeg))
    assert img.size == (s.width, s.height)
    # EXIF written as a camera would: local time with its offset, GPS, bearing.
    assert _exif_time(s.jpeg) == instant
    gps = img.getexif().get_ifd(0x8825)
    got_lat = float(gps[2][0]) + float(gps[2][1]) / 60 + float(gps[2][2]) / 3600
    assert got_lat * (1 if gps[1] == "N" else -1) == pytest.approx(lat, abs=1e-6)
    assert float(gps[17]) == pytest.approx(s.camera_bearing, abs=0.01)
    # The pole really is drawn where the truth says: dark pixels at the pole's middle, sky far above the tip.
    px = img.convert("L")
    assert px.getpixel((round(s.base.x), round((s.base.y + s.top.y) / 2))) < 120
    # Measure as an analyst would, with ±3 px, and use the camera bearing from EXIF for the azimuth.
    m = shadows.measure_pixels(s.base, s.top, s.tip, error_px=3.0, camera_bearing=float(gps[17])).confirm()
    assert m.elevation is not None and m.elevation.contains(s.apparent_elevation)
    c = shadows.combine([m])
    local_day = instant.astimezone(scene.zones.zone(s.zone)).date()
    when = solve.solve_when_dates(lat, lon, c, local_day)
    assert any(w.contains(instant) for w in when.windows)
    where = solve.solve_where(instant, c, resolution=0.1)
    assert where.contains(lat, lon)
    verdict = consistency.check_times(when, exif_time=_exif_time(s.jpeg))
    assert verdict.status == consistency.CONSISTENT


def test_scene_refuses_a_sun_too_low_and_a_naive_instant() -> None:
    with pytest.raises(BadInput):
        scene.render_pole_scene(50.0, 30.0, datetime(2024, 1, 1, 0, 0, tzinfo=UTC))
    with pytest.raises(BadInput):
        scene.render_pole_scene(50.0, 30.0, datetime(2024, 1, 1, 12, 0))


def test_scene_json_names_the_truth() -> None:
    s = scene.render_pole_scene(48.5, 35.0, CASES[0][2], width=400, height=300)
    data = s.to_json()
    assert data["local_time"] == "2024-03-14T09:25:00+02:00"
    assert data["shadow_bearing"] == pytest.approx((data["azimuth"] + 180) % 360)
    assert s.tip.x > s.base.x and s.top.y < s.base.y


def test_several_poles_in_one_image_combine_and_still_hold_the_truth() -> None:
    t = datetime(2024, 8, 3, 15, 10, tzinfo=UTC)
    s = scene.render_pole_scene(41.9, 12.5, t, poles=(1.0, 0.55, 0.3))
    assert len(s.objects) == 3 and s.objects[0] == (s.base, s.top, s.tip)
    # each pole drawn where the truth says: pole middles are dark, the ground between shadows is not
    px = Image.open(io.BytesIO(s.jpeg)).convert("L")
    for b, top, tip in s.objects:
        assert px.getpixel((round(b.x), round((b.y + top.y) / 2))) < 120
        assert tip.x < s.width
    ms = [shadows.measure_pixels(*o, error_px=2.0, label=f"pole {k}") for k, o in enumerate(s.objects)]
    c = shadows.combine(ms)
    assert c.elevation is not None and c.elevation.contains(s.apparent_elevation)
    # the short poles are less precise, the combination is no wider than the best of them
    widths = [m.elevation.width for m in ms]  # type: ignore[union-attr]
    assert widths[0] < widths[2] and c.elevation.width <= min(widths) + 1e-9
    when = solve.solve_when_dates(s.lat, s.lon, c, date(2024, 8, 3))
    assert any(w.contains(t) for w in when.windows)
