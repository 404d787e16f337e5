"""Where the sun is: the NREL Solar Position Algorithm (SPA) in pure numpy, vectorised over places and times.

Reda & Andreas (2004), NREL/TP-560-34302, stated accuracy ±0.0003° for years -2000..6000. The computation is split
in two, which is what makes the map and the day curves fast:

1. `geocentric(times)`: the sun's apparent geocentric position per UTC instant (declination, right ascension,
   apparent sidereal time, distance), with the full periodic-term series. This is the expensive part and depends
   only on time. For dense time series `geocentric(..., dense=True)` evaluates SPA on nodes every 3 hours and
   interpolates (cubic; the quantities are smooth: error below 1e-6°).
2. `topocentric(geo, lat, lon)`: the local geometry per place (hour angle, SPA's parallax correction, elevation,
   azimuth, refraction). Cheap, broadcast over any shape of places and times.

`sun_position(lat, lon, times)` does both. Angles are degrees; azimuth is clockwise from north (east = 90°);
elevation is topocentric; `apparent_elevation` adds SPA's refraction for the given pressure and temperature.

Time: UTC instants (aware `datetime`, numpy `datetime64` taken as UTC, or Unix seconds). TT-UT (ΔT) comes from the
Espenak & Meeus polynomials unless given.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import numpy as np
import numpy.typing as npt

from workbench.core.errors import BadInput
from workbench.core.sun import _spa_tables as tables

Float = npt.NDArray[np.float64]
TimesLike = datetime | Sequence[datetime] | npt.NDArray[Any] | float | Sequence[float]

VERSION = "spa-numpy-1"
"""Recorded with every result so that a stored measurement says which sun model produced it."""

DEFAULT_PRESSURE_HPA = 1013.25
DEFAULT_TEMPERATURE_C = 12.0
ATMOS_REFRACT = 0.5667
"""Refraction at the horizon assumed by SPA (degrees); below -(0.26667 + this) no refraction is applied."""

_RAD = math.pi / 180.0
_DENSE_NODE_SECONDS = 10800.0
_FINE_NODE_SECONDS = 600.0
_J2000_UNIX = 946728000.0  # JD 2451545.0 = 2000-01-01 12:00 UTC


# ---------------------------------------------------------------------------------------------------- time


def to_unix(times: TimesLike) -> Float:
    """UTC instants as float Unix seconds (an array; a scalar input gives a 0-d array).

    Naive `datetime`s are refused: a time whose zone is unknown must not be taken as UTC silently.
    """
    if isinstance(times, datetime):
        return np.asarray(_dt_to_unix(times), dtype=np.float64)
    if isinstance(times, np.ndarray):
        if np.issubdtype(times.dtype, np.datetime64):
            return times.astype("datetime64[us]").astype(np.int64).astype(np.float64) / 1e6
        if times.dtype == object:
            return np.asarray([_dt_to_unix(t) for t in times.ravel()], dtype=np.float64).reshape(times.shape)
        return np.asarray(times, dtype=np.float64)
    if isinstance(times, int | float):
        return np.asarray(float(times), dtype=np.float64)
    seq = list(times)
    if seq and isinstance(seq[0], datetime):
        return np.asarray([_dt_to_unix(t) for t in seq], dtype=np.float64)  # type: ignore[arg-type]
    return np.asarray(seq, dtype=np.float64)


def _dt_to_unix(value: datetime) -> float:
    if value.tzinfo is None or value.utcoffset() is None:
        raise BadInput(f"The time {value.isoformat()} has no zone: give it in UTC or with its UTC offset.")
    return value.timestamp()


def from_unix(seconds: float) -> datetime:
    """A Unix time as an aware UTC datetime (microsecond precision)."""
    return datetime.fromtimestamp(round(seconds * 1e6) / 1e6, tz=UTC)


def delta_t_seconds(unix: Float) -> Float:
    """ΔT = TT - UT in seconds from the Espenak & Meeus (NASA) polynomials, by year and month."""
    u_arr = np.asarray(unix, dtype=np.float64)
    months = (u_arr * 1e6).astype("datetime64[us]").astype("datetime64[M]").astype(np.int64)
    unique, inverse = np.unique(months, return_inverse=True)
    if unique.size < months.size:  # the polynomials once per calendar month
        return np.asarray(_delta_t_months(unique)[inverse].reshape(u_arr.shape), dtype=np.float64)
    return _delta_t_months(months)


def _delta_t_months(months: npt.NDArray[np.int64]) -> Float:
    """ΔT for months counted from 1970-01."""
    year = months // 12 + 1970
    month = months % 12 + 1
    y = year + (month - 0.5) / 12.0
    out = np.full(y.shape, np.nan)

    def put(mask: npt.NDArray[np.bool_], value: Float) -> None:
        np.copyto(out, value, where=mask)

    u = (y - 1820.0) / 100.0
    put(year < -500, -20 + 32 * u**2)
    t = y / 100.0
    put(
        (year >= -500) & (year < 500),
        10583.6
        - 1014.41 * t
        + 33.78311 * t**2
        - 5.952053 * t**3
        - 0.1798452 * t**4
        + 0.022174192 * t**5
        + 0.0090316521 * t**6,
    )
    t = (y - 1000.0) / 100.0
    put(
        (year >= 500) & (year < 1600),
        1574.2
        - 556.01 * t
        + 71.23472 * t**2
        + 0.319781 * t**3
        - 0.8503463 * t**4
        - 0.005050998 * t**5
        + 0.0083572073 * t**6,
    )
    t = y - 1600.0
    put((year >= 1600) & (year < 1700), 120 - 0.9808 * t - 0.01532 * t**2 + t**3 / 7129)
    t = y - 1700.0
    put(
        (year >= 1700) & (year < 1800),
        8.83 + 0.1603 * t - 0.0059285 * t**2 + 0.00013336 * t**3 - t**4 / 1174000,
    )
    t = y - 1800.0
    put(
        (year >= 1800) & (year < 1860),
        13.72
        - 0.332447 * t
        + 0.0068612 * t**2
        + 0.0041116 * t**3
        - 0.00037436 * t**4
        + 0.0000121272 * t**5
        - 0.0000001699 * t**6
        + 0.000000000875 * t**7,
    )
    t = y - 1860.0
    put(
        (year >= 1860) & (year < 1900),
        7.62 + 0.5737 * t - 0.251754 * t**2 + 0.01680668 * t**3 - 0.0004473624 * t**4 + t**5 / 233174,
    )
    t = y - 1900.0
    put(
        (year >= 1900) & (year < 1920),
        -2.79 + 1.494119 * t - 0.0598939 * t**2 + 0.0061966 * t**3 - 0.000197 * t**4,
    )
    t = y - 1920.0
    put((year >= 1920) & (year < 1941), 21.20 + 0.84493 * t - 0.076100 * t**2 + 0.0020936 * t**3)
    t = y - 1950.0
    put((year >= 1941) & (year < 1961), 29.07 + 0.407 * t - t**2 / 233 + t**3 / 2547)
    t = y - 1975.0
    put((year >= 1961) & (year < 1986), 45.45 + 1.067 * t - t**2 / 260 - t**3 / 718)
    t = y - 2000.0
    put(
        (year >= 1986) & (year < 2005),
        63.86 + 0.3345 * t - 0.060374 * t**2 + 0.0017275 * t**3 + 0.000651814 * t**4 + 0.00002373599 * t**5,
    )
    put((year >= 2005) & (year < 2050), 62.92 + 0.32217 * t + 0.005589 * t**2)
    put((year >= 2050) & (year < 2150), -20 + 32 * u**2 - 0.5628 * (2150 - y))
    put(year >= 2150, -20 + 32 * u**2)
    return out


# ---------------------------------------------------------------------------------------------- geocentric


@dataclass(frozen=True)
class SunGeocentric:
    """The sun's apparent geocentric position at each instant (all arrays of the shape of `unix`)."""

    unix: Float
    declination: Float
    """Apparent geocentric declination δ, degrees."""
    right_ascension: Float
    """Apparent geocentric right ascension α, degrees 0..360."""
    sidereal_time: Float
    """Apparent Greenwich sidereal time ν, degrees 0..360."""
    distance_au: Float
    equation_of_time_min: Float

    @property
    def greenwich_hour_angle(self) -> Float:
        """ν - α, degrees 0..360: the sun's hour angle at longitude 0 (local hour angle = this + longitude)."""
        return np.asarray((self.sidereal_time - self.right_ascension) % 360.0, dtype=np.float64)

    @property
    def parallax(self) -> Float:
        """Equatorial horizontal parallax ξ, degrees."""
        return np.asarray(8.794 / (3600.0 * self.distance_au), dtype=np.float64)


def _series(table: npt.NDArray[np.float64], jme: Float) -> Float:
    """Σ A cos(B + C·JME) for one row-block of the Earth periodic terms, vectorised over jme."""
    flat = jme.ravel()
    total = table[:, 0] @ np.cos(table[:, 1, None] + table[:, 2, None] * flat[None, :])
    return np.asarray(total.reshape(jme.shape), dtype=np.float64)


def _poly_series(tables_: tuple[npt.NDArray[np.float64], ...], jme: Float) -> Float:
    total = np.zeros(jme.shape)
    for power, table in enumerate(tables_):
        total = total + _series(table, jme) * jme**power
    return np.asarray(total / 1e8, dtype=np.float64)


def _spa_geocentric(unix: Float, delta_t: Float) -> SunGeocentric:
    jd = unix / 86400.0 + 2440587.5
    jde = jd + delta_t / 86400.0
    jc = (jd - 2451545.0) / 36525.0
    jce = (jde - 2451545.0) / 36525.0
    jme = jce / 10.0

    lon_h = np.degrees(_poly_series(tables.EARTH_TERMS["L"], jme)) % 360.0
    lat_h = np.degrees(_poly_series(tables.EARTH_TERMS["B"], jme))
    radius = _poly_series(tables.EARTH_TERMS["R"], jme)
    theta = (lon_h + 180.0) % 360.0
    beta = -lat_h

    x = np.stack(
        [
            297.85036 + 445267.111480 * jce - 0.0019142 * jce**2 + jce**3 / 189474,
            357.52772 + 35999.050340 * jce - 0.0001603 * jce**2 - jce**3 / 300000,
            134.96298 + 477198.867398 * jce + 0.0086972 * jce**2 + jce**3 / 56250,
            93.27191 + 483202.017538 * jce - 0.0036825 * jce**2 + jce**3 / 327270,
            125.04452 - 1934.136261 * jce + 0.0020708 * jce**2 + jce**3 / 450000,
        ]
    ).reshape(5, -1)
    args = np.radians(tables.NUTATION_Y @ x)  # (terms, n)
    flat_jce = jce.ravel()
    abcd = tables.NUTATION_ABCD
    sin_args, cos_args = np.sin(args), np.cos(args)
    delta_psi = (abcd[:, 0] @ sin_args + flat_jce * (abcd[:, 1] @ sin_args)) / 36e6
    delta_eps = (abcd[:, 2] @ cos_args + flat_jce * (abcd[:, 3] @ cos_args)) / 36e6
    delta_psi = delta_psi.reshape(jce.shape)
    delta_eps = delta_eps.reshape(jce.shape)

    u = jme / 10.0
    eps0 = (
        84381.448
        - 4680.93 * u
        - 1.55 * u**2
        + 1999.25 * u**3
        - 51.38 * u**4
        - 249.67 * u**5
        - 39.05 * u**6
        + 7.12 * u**7
        + 27.87 * u**8
        + 5.79 * u**9
        + 2.45 * u**10
    )
    eps = eps0 / 3600.0 + delta_eps
    aberration = -20.4898 / (3600.0 * radius)
    lamb = theta + delta_psi + aberration

    nu0 = (280.46061837 + 360.98564736629 * (jd - 2451545.0) + 0.000387933 * jc**2 - jc**3 / 38710000.0) % 360.0
    nu = (nu0 + delta_psi * np.cos(np.radians(eps))) % 360.0

    lamb_r, eps_r, beta_r = np.radians(lamb), np.radians(eps), np.radians(beta)
    alpha = (
        np.degrees(np.arctan2(np.sin(lamb_r) * np.cos(eps_r) - np.tan(beta_r) * np.sin(eps_r), np.cos(lamb_r))) % 360.0
    )
    delta = np.degrees(np.arcsin(np.sin(beta_r) * np.cos(eps_r) + np.cos(beta_r) * np.sin(eps_r) * np.sin(lamb_r)))

    m = 280.4664567 + 360007.6982779 * jme + 0.03032028 * jme**2 + jme**3 / 49931 - jme**4 / 15300 - jme**5 / 2000000
    eot = ((m - 0.0057183 - alpha + delta_psi * np.cos(eps_r)) % 360.0) * 4.0
    eot = np.where(eot > 20.0, eot - 1440.0, eot)
    return SunGeocentric(
        unix=unix,
        declination=np.asarray(delta, dtype=np.float64),
        right_ascension=np.asarray(alpha, dtype=np.float64),
        sidereal_time=np.asarray(nu, dtype=np.float64),
        distance_au=np.asarray(radius, dtype=np.float64),
        equation_of_time_min=np.asarray(eot, dtype=np.float64),
    )


def geocentric(times: TimesLike, *, delta_t: float | Float | None = None, dense: bool | None = None) -> SunGeocentric:
    """The sun's apparent geocentric position at SPA accuracy for each instant.

    `dense` (default: automatic, for series of more than 500 instants with at least 10 instants per 3 hours)
    evaluates SPA on nodes every 3 hours and interpolates (cubic, then linear); the error is below 1e-6°.
    """
    unix = to_unix(times)
    if unix.size == 0:
        empty = np.zeros(unix.shape)
        return SunGeocentric(unix, empty, empty, empty, empty, empty)
    if dense is None:
        span = float(unix.max() - unix.min())
        dense = unix.size > 500 and span / _DENSE_NODE_SECONDS + 4 < unix.size / 10 and delta_t is None
    if not dense:
        if delta_t is None:
            dt = delta_t_seconds(unix)
        else:
            dt = np.broadcast_to(np.asarray(delta_t, dtype=np.float64), unix.shape).astype(np.float64)
        return _chunked_geocentric(unix, dt)
    return _dense_geocentric(unix, delta_t)


def _chunked_geocentric(unix: Float, delta_t: Float, chunk: int = 4096) -> SunGeocentric:
    """SPA in blocks of instants, so that the (terms x instants) temporaries stay in cache."""
    if unix.size <= chunk:
        return _spa_geocentric(unix, delta_t)
    flat_u, flat_d = unix.ravel(), delta_t.ravel()
    parts = [_spa_geocentric(flat_u[i : i + chunk], flat_d[i : i + chunk]) for i in range(0, flat_u.size, chunk)]

    def join(name: str) -> Float:
        return np.concatenate([getattr(p, name) for p in parts]).reshape(unix.shape)

    return SunGeocentric(
        unix=unix,
        declination=join("declination"),
        right_ascension=join("right_ascension"),
        sidereal_time=join("sidereal_time"),
        distance_au=join("distance_au"),
        equation_of_time_min=join("equation_of_time_min"),
    )


def _cubic(nodes_start: float, step: float, values: Float, flat: Float) -> Float:
    """Four-point (cubic) Lagrange interpolation on equally spaced nodes; values has one node of margin."""
    pos = (flat - nodes_start) / step
    i = np.clip(np.floor(pos).astype(np.int64), 1, values.size - 3)
    u = pos - i
    um1, up1, um2 = u - 1.0, u + 1.0, u - 2.0
    return np.asarray(
        values[i - 1] * (-u * um1 * um2 / 6.0)
        + values[i] * (up1 * um1 * um2 / 2.0)
        + values[i + 1] * (-up1 * u * um2 / 2.0)
        + values[i + 2] * (up1 * u * um1 / 6.0),
        dtype=np.float64,
    )


def _dense_geocentric(unix: Float, delta_t: float | Float | None) -> SunGeocentric:
    """SPA on nodes every 3 hours, cubic interpolation between them.

    The interpolated quantities (declination, right ascension, distance, nutation in sidereal time, equation
    of time) change on scales of days to years: the error is below 1e-6°.
    """
    step = _DENSE_NODE_SECONDS
    start = (math.floor(float(unix.min()) / step) - 1) * step
    stop = (math.ceil(float(unix.max()) / step) + 2) * step
    nodes = np.arange(start, stop + 0.5 * step, step)
    node_dt = delta_t_seconds(nodes) if delta_t is None else np.full(nodes.shape, float(np.mean(delta_t)))
    g = _chunked_geocentric(nodes, node_dt)
    # Cubic onto fine nodes every 10 minutes, then linear (np.interp) to the instants: both errors < 1e-7°.
    fine = np.arange(start + step, stop - step + 1.0, _FINE_NODE_SECONDS)
    flat = unix.ravel()

    def interp(values: Float, wrap: bool = False) -> Float:
        if wrap:
            values = np.degrees(np.unwrap(np.radians(values)))
        out = np.interp(flat, fine, _cubic(start, step, values, fine))
        if wrap:
            out = out % 360.0
        return np.asarray(out.reshape(unix.shape), dtype=np.float64)

    # Sidereal time turns 361° a day: interpolate only its departure from the mean sidereal time (nutation).
    days_nodes = (nodes - _J2000_UNIX) / 86400.0
    days = (flat - _J2000_UNIX) / 86400.0
    mean_nodes = (280.46061837 + 360.98564736629 * days_nodes) % 360.0
    residual = ((g.sidereal_time - mean_nodes + 180.0) % 360.0) - 180.0
    nutation = np.interp(flat, fine, _cubic(start, step, residual, fine))
    sidereal = ((280.46061837 + 360.98564736629 * days) % 360.0 + nutation) % 360.0
    return SunGeocentric(
        unix=unix,
        declination=interp(g.declination),
        right_ascension=interp(g.right_ascension, wrap=True),
        sidereal_time=np.asarray(sidereal.reshape(unix.shape), dtype=np.float64),
        distance_au=interp(g.distance_au),
        equation_of_time_min=interp(g.equation_of_time_min),
    )


# --------------------------------------------------------------------------------------------- topocentric


@dataclass(frozen=True)
class SunPosition:
    """The sun seen from places at instants (arrays broadcast from the inputs)."""

    elevation: Float
    """Topocentric geometric elevation (no refraction), degrees."""
    apparent_elevation: Float
    """Elevation including atmospheric refraction (SPA's formula, given pressure and temperature), degrees."""
    azimuth: Float
    """Degrees clockwise from true north, 0..360."""

    @property
    def zenith(self) -> Float:
        return np.asarray(90.0 - self.apparent_elevation, dtype=np.float64)

    def to_json(self) -> dict[str, Any]:
        def value(a: Float) -> Any:
            return float(a) if a.ndim == 0 else a.tolist()

        return {
            "elevation": value(self.elevation),
            "apparent_elevation": value(self.apparent_elevation),
            "azimuth": value(self.azimuth),
            "model": VERSION,
        }


def refraction(
    elevation: Float | float,
    pressure_hpa: float | Float = DEFAULT_PRESSURE_HPA,
    temperature_c: float | Float = DEFAULT_TEMPERATURE_C,
) -> Float:
    """SPA's atmospheric refraction (degrees) to add to a geometric elevation (degrees)."""
    e = np.asarray(elevation, dtype=np.float64)
    switch = e >= -(0.26667 + ATMOS_REFRACT)
    with np.errstate(divide="ignore", invalid="ignore"):
        value = (
            (np.asarray(pressure_hpa) / 1010.0)
            * (283.0 / (273.0 + np.asarray(temperature_c)))
            * 1.02
            / (60.0 * np.tan(np.radians(e + 10.3 / (e + 5.11))))
        )
    return np.asarray(np.where(switch, value, 0.0), dtype=np.float64)


def geometric_from_apparent(
    apparent: Float | float,
    pressure_hpa: float | Float = DEFAULT_PRESSURE_HPA,
    temperature_c: float | Float = DEFAULT_TEMPERATURE_C,
) -> Float:
    """Invert `refraction`: the geometric elevation whose apparent elevation is `apparent` (degrees).

    Below the horizon the mapping is not one-to-one near SPA's cut-off; the value returned there is the
    geometric elevation on the refracted branch where one exists.
    """
    a = np.asarray(apparent, dtype=np.float64)
    e = a - refraction(a, pressure_hpa, temperature_c)
    for _ in range(40):
        e_next = a - refraction(e, pressure_hpa, temperature_c)
        if np.all(np.abs(e_next - e) < 1e-12):
            e = e_next
            break
        e = e_next
    return np.asarray(e, dtype=np.float64)


def topocentric(
    geo: SunGeocentric,
    lat: float | Float,
    lon: float | Float,
    *,
    altitude_m: float | Float = 0.0,
    pressure_hpa: float | Float = DEFAULT_PRESSURE_HPA,
    temperature_c: float | Float = DEFAULT_TEMPERATURE_C,
) -> SunPosition:
    """The local geometry of SPA (hour angle, parallax, elevation, azimuth, refraction), broadcast over the
    shapes of `lat`, `lon` and the instants in `geo`."""
    phi = np.radians(np.asarray(lat, dtype=np.float64))
    h_deg = geo.greenwich_hour_angle + np.asarray(lon, dtype=np.float64)
    h = np.radians(h_deg)
    delta = np.radians(geo.declination)
    xi = np.radians(geo.parallax)
    alt = np.asarray(altitude_m, dtype=np.float64)

    u = np.arctan(0.99664719 * np.tan(phi))
    x = np.cos(u) + alt / 6378140.0 * np.cos(phi)
    y = 0.99664719 * np.sin(u) + alt / 6378140.0 * np.sin(phi)
    sin_xi = np.sin(xi)
    denom = np.cos(delta) - x * sin_xi * np.cos(h)
    d_alpha = np.arctan2(-x * sin_xi * np.sin(h), denom)
    delta_p = np.arctan2((np.sin(delta) - y * sin_xi) * np.cos(d_alpha), denom)
    h_p = h - d_alpha

    sin_phi, cos_phi = np.sin(phi), np.cos(phi)
    e0 = np.degrees(np.arcsin(np.clip(sin_phi * np.sin(delta_p) + cos_phi * np.cos(delta_p) * np.cos(h_p), -1.0, 1.0)))
    gamma = np.degrees(np.arctan2(np.sin(h_p), np.cos(h_p) * sin_phi - np.tan(delta_p) * cos_phi))
    azimuth = (gamma + 180.0) % 360.0
    apparent = e0 + refraction(e0, pressure_hpa, temperature_c)
    return SunPosition(
        elevation=np.asarray(e0, dtype=np.float64),
        apparent_elevation=np.asarray(apparent, dtype=np.float64),
        azimuth=np.asarray(azimuth, dtype=np.float64),
    )


def sun_position(
    lat: float | Float,
    lon: float | Float,
    times: TimesLike,
    *,
    altitude_m: float | Float = 0.0,
    pressure_hpa: float | Float = DEFAULT_PRESSURE_HPA,
    temperature_c: float | Float = DEFAULT_TEMPERATURE_C,
    delta_t: float | Float | None = None,
) -> SunPosition:
    """Elevation (geometric and apparent) and azimuth of the sun, broadcast over places and instants.

    >>> p = sun_position(39.742476, -105.1786, datetime(2003, 10, 17, 19, 30, 30, tzinfo=UTC))
    """
    _check_place(lat, lon)
    geo = geocentric(times, delta_t=delta_t)
    return topocentric(geo, lat, lon, altitude_m=altitude_m, pressure_hpa=pressure_hpa, temperature_c=temperature_c)


def _check_place(lat: float | Float, lon: float | Float) -> None:
    la = np.asarray(lat, dtype=np.float64)
    lo = np.asarray(lon, dtype=np.float64)
    if not np.all(np.isfinite(la)) or np.any(np.abs(la) > 90.0):
        raise BadInput("Latitude must be between -90 and 90 degrees.")
    if not np.all(np.isfinite(lo)) or np.any(np.abs(lo) > 540.0):
        raise BadInput("Longitude must be between -180 and 180 degrees.")


def topocentric_from_geocentric_elevation(elevation_geo: Float, parallax: Float | float) -> Float:
    """Elevation seen from the surface given the elevation seen from the Earth's centre (spherical Earth):
    e_t = atan((sin e_g - sin ξ) / cos e_g). Error against SPA's ellipsoid below 2e-5°."""
    eg = np.radians(elevation_geo)
    s = np.sin(np.radians(parallax))
    return np.asarray(np.degrees(np.arctan2(np.sin(eg) - s, np.cos(eg))), dtype=np.float64)


def geocentric_from_topocentric_elevation(elevation_topo: Float, parallax: Float | float) -> Float:
    """Inverse of `topocentric_from_geocentric_elevation`: e_g = e_t + asin(sin ξ cos e_t)."""
    et = np.radians(elevation_topo)
    s = np.sin(np.radians(parallax))
    return np.asarray(np.degrees(et + np.arcsin(s * np.cos(et))), dtype=np.float64)
