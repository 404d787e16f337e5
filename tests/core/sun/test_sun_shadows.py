"""Measurements to elevation intervals: error propagation, combination, assumptions."""

from __future__ import annotations

import math

import numpy as np
import pytest

from workbench.core.errors import BadInput
from workbench.core.sun import shadows
from workbench.core.sun.shadows import Point


def _pole(elev_deg: float, height_px: float = 300.0) -> tuple[Point, Point, Point]:
    base = Point(100.0, 500.0)
    return base, Point(100.0, 500.0 - height_px), Point(100.0 + height_px / math.tan(math.radians(elev_deg)), 500.0)


@pytest.mark.parametrize("elev", [8.0, 25.0, 45.0, 70.0])
def test_pixel_interval_contains_every_placement_within_the_error(elev: float) -> None:
    base, top, tip = _pole(elev)
    m = shadows.measure_pixels(base, top, tip, error_px=3.0)
    assert m.elevation is not None
    assert m.elevation.value == pytest.approx(elev, abs=1e-9)
    rng = np.random.default_rng(7)
    for _ in range(2000):
        r = 3.0 * np.sqrt(rng.uniform(0, 1, 3))
        a = rng.uniform(0, 2 * math.pi, 3)
        pts = [(p.x + r[k] * math.cos(a[k]), p.y + r[k] * math.sin(a[k])) for k, p in enumerate((base, top, tip))]
        h = math.dist(pts[0], pts[1])
        s = math.dist(pts[0], pts[2])
        e = math.degrees(math.atan2(h, s))
        assert m.elevation.low - 1e-9 <= e <= m.elevation.high + 1e-9
    # and the interval is not absurdly wide: ±3 px on 300 px is about ±1°
    assert m.elevation.width < 3.0


def test_larger_pixel_error_gives_a_wider_interval() -> None:
    base, top, tip = _pole(30.0)
    widths = [shadows.measure_pixels(base, top, tip, error_px=e).elevation.width for e in (0.0, 1.0, 3.0, 8.0)]  # type: ignore[union-attr]
    assert widths[0] == pytest.approx(0.0, abs=1e-9)
    assert widths == sorted(widths) and widths[-1] > 2 * widths[1]


def test_ratio_and_lengths_and_angle_inputs() -> None:
    m = shadows.from_ratio(1.0, 0.1)
    assert m.elevation is not None
    assert m.elevation.value == pytest.approx(45.0)
    assert m.elevation.low == pytest.approx(math.degrees(math.atan(1 / 1.1)))
    assert m.elevation.high == pytest.approx(math.degrees(math.atan(1 / 0.9)))
    default = shadows.from_ratio(2.0)
    assert "assumed" in default.notes[0]
    lengths = shadows.from_lengths(2.0, 2.0, 0.0, 0.0)
    assert lengths.elevation is not None and lengths.elevation.width == pytest.approx(0.0)
    angle = shadows.from_elevation(30.0, 0.5)
    assert angle.elevation == shadows.Interval(29.5, 30.5, 30.0)
    bearing = shadows.from_shadow_bearing(300.0, 4.0)
    assert bearing.azimuth is not None and bearing.azimuth.value == pytest.approx(120.0)
    with pytest.raises(BadInput):
        shadows.from_ratio(-1.0)
    with pytest.raises(BadInput):
        shadows.measure_pixels((0, 0), (0, 4), (10, 0), error_px=3.0)
    with pytest.raises(BadInput):
        shadows.constraint(ratio=1.0, elevation=30.0)


def test_agreeing_measurements_narrow_to_the_overlap_but_keep_every_central_value() -> None:
    a = shadows.from_elevation(40.0, 1.0, label="pole")
    b = shadows.from_elevation(40.6, 1.0, label="sign")
    c = shadows.combine([a, b])
    assert c.elevation is not None
    assert c.elevation.low == pytest.approx(39.6) and c.elevation.high == pytest.approx(41.0)
    assert c.elevation.contains(40.0) and c.elevation.contains(40.6)
    assert not c.disagreement or "widened" in c.disagreement[0]


def test_disagreeing_measurements_widen_the_interval_and_say_so() -> None:
    a = shadows.from_elevation(40.0, 1.0, label="pole")
    b = shadows.from_elevation(44.0, 1.0, label="tree")
    c = shadows.combine([a, b])
    assert c.elevation is not None
    assert (c.elevation.low, c.elevation.high) == (39.0, 45.0)
    assert c.disagreement and "disagree" in c.disagreement[0] and "tree" in c.disagreement[0]
    # An average (42 ± 0.7) would have hidden it: the combined interval is wider than either.
    assert c.elevation.width > a.elevation.width  # type: ignore[union-attr]


def test_azimuths_combine_across_north() -> None:
    c = shadows.combine([shadows.from_sun_azimuth(359.0, 2.0), shadows.from_sun_azimuth(1.0, 2.0)])
    assert c.azimuth is not None
    assert c.azimuth.high - c.azimuth.low == pytest.approx(2.0)


def test_assumptions_are_listed_until_confirmed() -> None:
    base, top, tip = _pole(30.0)
    m = shadows.measure_pixels(base, top, tip)
    keys = {a.key for a in m.unconfirmed}
    assert {"vertical_object", "flat_ground", "same_plane", "same_scale"} <= keys
    m2 = m.confirm("vertical_object", "flat_ground")
    assert {a.key for a in m2.unconfirmed} == keys - {"vertical_object", "flat_ground"}
    assert not m.confirm().unconfirmed
    data = shadows.combine([m2]).to_json()
    assert data["measurements"][0]["inputs"]["error_px"] == 3.0
    assert any(a["key"] == "same_scale" and not a["confirmed"] for a in data["assumptions"])
