"""The sun model against NREL SPA (pvlib's spa, the oracle; never imported by the app)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import numpy as np
import pytest

from workbench.core.errors import BadInput
from workbench.core.sun import ephemeris as eph

spa = pytest.importorskip("pvlib.spa")


def _angle_diff(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    return np.abs((a - b + 180.0) % 360.0 - 180.0)


def test_nrel_published_example_within_1e_4_degree() -> None:
    t = datetime(2003, 10, 17, 12, 30, 30, tzinfo=timezone(timedelta(hours=-7)))
    p = eph.sun_position(
        39.742476, -105.1786, t, altitude_m=1830.14, pressure_hpa=820.0, temperature_c=11.0, delta_t=67.0
    )
    assert abs(float(p.zenith) - 50.11162) < 1e-4
    assert abs(float(p.azimuth) - 194.34024) < 1e-4


def test_100k_random_samples_1900_2100_within_0_001_degree_of_spa() -> None:
    rng = np.random.default_rng(20261203)
    n = 100_000
    t0 = datetime(1900, 1, 1, tzinfo=UTC).timestamp()
    t1 = datetime(2100, 12, 31, 23, 59, 59, tzinfo=UTC).timestamp()
    unix = rng.uniform(t0, t1, n)
    lat = rng.uniform(-90.0, 90.0, n)
    lon = rng.uniform(-180.0, 180.0, n)
    alt = rng.uniform(0.0, 4000.0, n)
    pressure = rng.uniform(600.0, 1050.0, n)
    temp = rng.uniform(-30.0, 45.0, n)
    dt = eph.delta_t_seconds(unix)
    ours = eph.sun_position(lat, lon, unix, altitude_m=alt, pressure_hpa=pressure, temperature_c=temp)
    _, _, e, e0, az, _ = spa.solar_position_numpy(unix, lat, lon, alt, pressure, temp, dt, 0.5667, 1)
    up = e > 5.0
    assert up.sum() > 40_000
    err_apparent = np.abs(ours.apparent_elevation - e)[up].max()
    err_geometric = np.abs(ours.elevation - e0)[up].max()
    err_azimuth = _angle_diff(ours.azimuth, az)[up].max()
    print(f"max |Δ| apparent {err_apparent:.2e}°, geometric {err_geometric:.2e}°, azimuth {err_azimuth:.2e}°")
    assert err_apparent < 1e-3
    assert err_geometric < 1e-3
    assert err_azimuth < 1e-3


def test_delta_t_matches_the_espenak_meeus_polynomials() -> None:
    years = np.arange(1900, 2101, 7)
    months = (years % 12) + 1
    unix = np.array([datetime(int(y), int(m), 15, tzinfo=UTC).timestamp() for y, m in zip(years, months, strict=True)])
    np.testing.assert_allclose(eph.delta_t_seconds(unix), spa.calculate_deltat(years, months), atol=1e-9)


def test_dense_series_matches_exact_spa() -> None:
    unix = datetime(2031, 12, 21, tzinfo=UTC).timestamp() + np.arange(0.0, 2 * 86400.0, 7.0)
    dense = eph.topocentric(eph.geocentric(unix, dense=True), -33.9, 151.2)
    exact = eph.topocentric(eph.geocentric(unix, dense=False), -33.9, 151.2)
    assert np.abs(dense.apparent_elevation - exact.apparent_elevation).max() < 1e-5
    assert _angle_diff(dense.azimuth, exact.azimuth).max() < 1e-5


def test_broadcast_places_against_times() -> None:
    unix = datetime(2024, 6, 21, tzinfo=UTC).timestamp() + np.arange(0, 86400, 3600.0)
    lats = np.array([-60.0, 0.0, 60.0])
    p = eph.sun_position(lats[:, None], 10.0, unix[None, :])
    assert p.elevation.shape == (3, 24)
    row = eph.sun_position(60.0, 10.0, unix)
    np.testing.assert_allclose(p.elevation[2], row.elevation, atol=1e-12)


def test_poles_and_date_line() -> None:
    t = datetime(2024, 6, 21, 12, tzinfo=UTC)
    north = eph.sun_position(90.0, 0.0, t)
    # At the pole in June the sun stands at the declination (~23.44°) all day, whatever the longitude.
    assert abs(float(north.elevation) - 23.44) < 0.02
    assert abs(float(eph.sun_position(90.0, 120.0, t).elevation) - float(north.elevation)) < 1e-3
    south = eph.sun_position(-90.0, 0.0, t)
    assert float(south.elevation) < -23.0
    east = eph.sun_position(10.0, 180.0, t)
    west = eph.sun_position(10.0, -180.0, t)
    assert abs(float(east.elevation) - float(west.elevation)) < 1e-9
    assert float(_angle_diff(east.azimuth, west.azimuth)) < 1e-9


def test_refraction_inverts_and_naive_times_are_refused() -> None:
    geometric = np.linspace(-0.5, 89.0, 500)
    apparent = geometric + eph.refraction(geometric)
    np.testing.assert_allclose(eph.geometric_from_apparent(apparent), geometric, atol=1e-9)
    assert float(eph.refraction(5.0)) == pytest.approx(0.16, abs=0.01)
    with pytest.raises(BadInput):
        eph.to_unix(datetime(2024, 1, 1, 12))
    with pytest.raises(BadInput):
        eph.sun_position(91.0, 0.0, datetime(2024, 1, 1, tzinfo=UTC))


def test_parallax_elevation_helpers_round_trip() -> None:
    e = np.linspace(-10.0, 90.0, 101)
    xi = 8.794 / 3600.0
    back = eph.geocentric_from_topocentric_elevation(eph.topocentric_from_geocentric_elevation(e, xi), xi)
    np.testing.assert_allclose(back, e, atol=1e-9)
    assert float(eph.topocentric_from_geocentric_elevation(np.asarray(0.0), xi)) == pytest.approx(-xi, abs=1e-9)
