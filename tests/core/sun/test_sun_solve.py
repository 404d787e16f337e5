"""Solving for time (when) and place (where), checked against the sun model itself at many places."""

from __future__ import annotations

import io
import json
from datetime import UTC, date, datetime, timedelta

import numpy as np
import pytest
from PIL import Image

from workbench.core.errors import BadInput
from workbench.core.sun import ephemeris as eph
from workbench.core.sun import shadows, solve


def _at(
    lat: float, lon: float, t: datetime, err: float = 0.2, azimuth_err: float | None = None
) -> shadows.SunConstraint:
    p = eph.sun_position(lat, lon, t)
    ms = [shadows.from_elevation(float(p.apparent_elevation), err)]
    if azimuth_err is not None:
        ms.append(shadows.from_sun_azimuth(float(p.azimuth), azimuth_err))
    return shadows.combine(ms)


# --------------------------------------------------------------------------------------------- when


@pytest.mark.parametrize("seed", range(6))
def test_when_window_contains_the_instant_and_its_edges_sit_on_the_bounds(seed: int) -> None:
    rng = np.random.default_rng(seed)
    while True:
        lat, lon = float(rng.uniform(-65, 65)), float(rng.uniform(-180, 180))
        t = datetime(2020, 1, 1, tzinfo=UTC) + timedelta(seconds=float(rng.uniform(0, 3 * 365 * 86400)))
        if float(eph.sun_position(lat, lon, t).apparent_elevation) > 3:
            break
    c = _at(lat, lon, t)
    r = solve.solve_when(lat, lon, c, t - timedelta(hours=14), t + timedelta(hours=14))
    assert any(w.contains(t) for w in r.windows)
    assert c.elevation is not None
    for w in r.windows:
        for edge, is_open in ((w.start_utc, w.open_start), (w.end_utc, w.open_end)):
            if not is_open:
                e = float(eph.sun_position(lat, lon, edge).apparent_elevation)
                assert min(abs(e - c.elevation.low), abs(e - c.elevation.high)) < 2e-3


def test_two_windows_a_day_morning_and_afternoon_with_local_times() -> None:
    c = shadows.combine([shadows.from_ratio(1.2, 0.02)])
    r = solve.solve_when_dates(50.45, 30.52, c, date(2024, 4, 10))
    assert len(r.windows) == 2
    data = r.to_json()["windows"]
    assert data[0]["start_local"].endswith("+03:00") and data[0]["zone"] == "Europe/Kyiv"
    assert r.windows[0].end_utc < datetime(2024, 4, 10, 9, 45, tzinfo=UTC) < r.windows[1].start_utc


def test_polar_day_one_window_all_day() -> None:
    c = shadows.combine([shadows.from_elevation(25.0, 15.0)])
    r = solve.solve_when_dates(78.22, 15.65, c, date(2024, 6, 21))
    assert len(r.windows) == 1
    w = r.windows[0]
    assert w.open_start and w.open_end
    assert r.min_elevation > 10.0


def test_polar_night_no_window_and_says_why() -> None:
    c = shadows.combine([shadows.from_elevation(10.0, 1.0)])
    r = solve.solve_when_dates(78.22, 15.65, c, date(2024, 12, 21))
    assert r.windows == ()
    assert r.max_elevation < 0
    assert any("never rose" in n for n in r.notes)


def test_sun_near_the_horizon_refraction_matters() -> None:
    # 0.3° apparent just after sunrise: geometric about -0.1°, found only with refraction.
    c = shadows.combine([shadows.from_elevation(0.3, 0.05)])
    r = solve.solve_when_dates(51.48, 0.0, c, date(2024, 9, 22))
    assert len(r.windows) == 2
    for w in r.windows:
        mid = w.start_utc + (w.end_utc - w.start_utc) / 2
        p = eph.sun_position(51.48, 0.0, mid)
        assert float(p.elevation) < 0.3 - 0.3  # geometric is well below the apparent
        assert abs(float(p.apparent_elevation) - 0.3) < 0.06


def test_a_short_window_at_noon_is_not_missed() -> None:
    t = datetime(2024, 6, 21, 10, 0, tzinfo=UTC)
    noon = solve.solve_when_dates(50.45, 30.52, shadows.combine([shadows.from_elevation(62.0, 0.0)]), date(2024, 6, 21))
    top = noon.max_elevation
    c = shadows.combine([shadows.from_elevation(top - 0.0005, 0.0004)])
    r = solve.solve_when_dates(50.45, 30.52, c, date(2024, 6, 21))
    assert len(r.windows) >= 1
    assert abs((r.windows[0].start_utc - t).total_seconds()) < 3600


def test_dst_days_are_23_and_25_hours_and_local_offsets_change() -> None:
    spring = solve.local_dates_span(52.52, 13.40, date(2024, 3, 31))
    autumn = solve.local_dates_span(52.52, 13.40, date(2024, 10, 27))
    assert spring[1] - spring[0] == timedelta(hours=23)
    assert autumn[1] - autumn[0] == timedelta(hours=25)
    c = shadows.combine([shadows.from_elevation(20.0, 1.0)])
    r = solve.solve_when_dates(52.52, 13.40, c, date(2024, 3, 30), date(2024, 3, 31))
    offsets = {w.to_json()["start_local"][-6:] for w in r.windows}
    assert offsets == {"+01:00", "+02:00"}
    assert len(r.windows) == 4


def test_date_line_local_days() -> None:
    start, end = solve.local_dates_span(1.87, -157.4, date(2024, 6, 21))  # Kiritimati, UTC+14
    assert start == datetime(2024, 6, 20, 10, tzinfo=UTC)
    assert end - start == timedelta(hours=24)
    c = _at(-17.8, 179.99, datetime(2024, 6, 21, 22, tzinfo=UTC))
    east = solve.solve_when(
        -17.8, 179.99, c, datetime(2024, 6, 21, 12, tzinfo=UTC), datetime(2024, 6, 22, 6, tzinfo=UTC)
    )
    west = solve.solve_when(
        -17.8, -179.99, c, datetime(2024, 6, 21, 12, tzinfo=UTC), datetime(2024, 6, 22, 6, tzinfo=UTC)
    )
    assert any(w.contains(datetime(2024, 6, 21, 22, tzinfo=UTC)) for w in east.windows)
    assert abs((east.windows[0].start_utc - west.windows[0].start_utc).total_seconds()) < 5


def test_when_with_azimuth_narrows_to_one_side_of_noon() -> None:
    t = datetime(2024, 4, 10, 7, 0, tzinfo=UTC)
    both = solve.solve_when_dates(50.45, 30.52, _at(50.45, 30.52, t, 0.5), date(2024, 4, 10))
    one = solve.solve_when_dates(50.45, 30.52, _at(50.45, 30.52, t, 0.5, azimuth_err=3.0), date(2024, 4, 10))
    assert len(both.windows) == 2 and len(one.windows) == 1
    assert one.windows[0].contains(t)


def test_bad_spans_are_refused() -> None:
    c = shadows.combine([shadows.from_elevation(20.0, 1.0)])
    t = datetime(2024, 1, 1, tzinfo=UTC)
    with pytest.raises(BadInput):
        solve.solve_when(0, 0, c, t, t)
    with pytest.raises(BadInput):
        solve.local_dates_span(0, 0, date(2024, 1, 2), date(2024, 1, 1))


# -------------------------------------------------------------------------------------------- where


@pytest.mark.parametrize(("elev", "err"), [(35.0, 2.0), (0.3, 0.2), (88.5, 1.0)])
def test_where_grid_agrees_with_the_exact_model_cell_by_cell(elev: float, err: float) -> None:
    t = datetime(2024, 8, 3, 15, 20, tzinfo=UTC)
    c = shadows.combine([shadows.from_elevation(elev, err)])
    g = solve.Grid(0.5)
    r = solve.solve_where(t, c, grid=g, touching=False)
    lat, lon = np.meshgrid(g.lats, g.lons, indexing="ij")
    exact = eph.sun_position(lat, lon, t).apparent_elevation  # refraction near the horizon included
    inside = (exact > elev - err + 1e-3) & (exact < elev + err - 1e-3)
    outside = (exact < elev - err - 1e-3) | (exact > elev + err + 1e-3)
    assert inside.sum() > 50
    assert r.mask[inside].all()
    assert not r.mask[outside].any()


@pytest.mark.parametrize("seed", range(4))
def test_where_band_contains_the_place(seed: int) -> None:
    rng = np.random.default_rng(100 + seed)
    while True:
        lat, lon = float(rng.uniform(-70, 70)), float(rng.uniform(-180, 180))
        t = datetime(2025, 1, 1, tzinfo=UTC) + timedelta(seconds=float(rng.uniform(0, 365 * 86400)))
        if float(eph.sun_position(lat, lon, t).apparent_elevation) > 5:
            break
    c = _at(lat, lon, t, 0.05)
    r = solve.solve_where(t, c, resolution=0.1)
    assert r.contains(lat, lon)
    s, w, n, e = r.bbox  # type: ignore[misc]
    assert s <= lat <= n and w <= lon <= e
    with_az = solve.solve_where(t, _at(lat, lon, t, 0.05, azimuth_err=2.0), resolution=0.1)
    assert with_az.contains(lat, lon) and 0 < with_az.cells < r.cells


def test_time_uncertainty_widens_the_band() -> None:
    t = datetime(2024, 6, 21, 10, tzinfo=UTC)
    c = _at(50.45, 30.52, t, 0.1)
    exact = solve.solve_where(t, c, resolution=0.2)
    wide = solve.solve_where(t, c, resolution=0.2, time_error_s=5400)
    assert wide.cells > 3 * exact.cells
    assert (wide.mask | exact.mask == wide.mask).all()
    # a place that fits 80 minutes later lies inside the widened band
    later = t + timedelta(minutes=80)
    p = eph.sun_position(exact.grid.lats[:, None], exact.grid.lons[None, :], later).apparent_elevation
    fits_later = np.abs(p - c.elevation.value) < 0.05  # type: ignore[union-attr]
    assert fits_later.any() and wide.mask[fits_later].all()
    assert not exact.mask[fits_later].all()


def test_near_the_poles_and_across_the_date_line() -> None:
    t = datetime(2024, 6, 21, 0, 0, tzinfo=UTC)
    c = _at(89.95, 0.05, t, 0.05)
    r = solve.solve_where(t, c, resolution=0.1)
    assert r.contains(89.95, 0.05) and r.contains(89.95, 179.95)
    c2 = _at(-16.0, 179.97, datetime(2024, 6, 21, 23, tzinfo=UTC), 0.05)
    r2 = solve.solve_where(datetime(2024, 6, 21, 23, tzinfo=UTC), c2, resolution=0.1)
    assert r2.contains(-16.0, 179.97)
    # the band continues across the 180th meridian
    row = r2.grid.cell_of(-16.0, 0)[0]
    assert r2.mask[row, -1] or r2.mask[row, 0] or r2.mask[:, 0].any()


def test_local_time_mode_groups_by_offset() -> None:
    wall = datetime(2024, 6, 21, 13, 0)
    kyiv_instant = datetime(2024, 6, 21, 10, 0, tzinfo=UTC)  # 13:00 at UTC+3
    c = _at(50.45, 30.52, kyiv_instant, 0.2)
    r = solve.solve_where_local(wall, c, resolution=0.5)
    assert r.mode == "local" and r.contains(50.45, 30.52)
    assert len(r.groups) > 20
    offsets = {g.to_json()["utc_offset"] for g in r.groups}
    assert {"+03:00", "+02:00", "-04:00"} <= offsets
    kyiv = next(g for g in r.groups if g.offset_minutes == 180)
    assert kyiv.instant_utc == kyiv_instant and "Europe/Kyiv" in kyiv.zones
    # Oslo's clocks show 13:00 an hour later in UTC (UTC+2): its sun is far from Kyiv's, not in the band
    oslo = float(eph.sun_position(59.91, 10.75, datetime(2024, 6, 21, 11, tzinfo=UTC)).apparent_elevation)
    assert abs(oslo - c.elevation.value) > 3  # type: ignore[union-attr]
    assert not r.contains(59.91, 10.75)


def test_local_time_mode_reports_a_dst_gap() -> None:
    r = solve.solve_where_local(
        datetime(2024, 3, 31, 2, 30), shadows.combine([shadows.from_elevation(0.0, 5.0)]), resolution=1.0
    )
    assert any("never happened" in n and "Europe/Berlin" in n for n in r.notes)


def test_exports_geojson_and_png(tmp_path) -> None:  # type: ignore[no-untyped-def]
    t = datetime(2024, 6, 21, 10, tzinfo=UTC)
    r = solve.solve_where(t, _at(50.45, 30.52, t, 0.3), resolution=0.25)
    gj = json.loads(r.write(tmp_path / "band.geojson").read_text())
    polys = gj["features"][0]["geometry"]["coordinates"]
    assert gj["features"][0]["properties"]["cells"] == r.cells
    # Rasterise the rectangles back: exactly the band's cells, each once.
    back = np.zeros(r.mask.shape, dtype=np.int32)
    for p in polys:
        (w, s), (e, n) = p[0][0], p[0][2]
        back[round((s + 90) / 0.25) : round((n + 90) / 0.25), round((w + 180) / 0.25) : round((e + 180) / 0.25)] += 1
    assert back.max() == 1 and ((back == 1) == r.mask).all()
    assert len(polys) < r.cells / 3  # runs merged across rows
    assert any(p[0][0][0] <= 30.52 <= p[0][1][0] and p[0][0][1] <= 50.45 <= p[0][2][1] for p in polys)
    raw = Image.open(r.write(tmp_path / "band.png"))
    assert raw.size == (1440, 720) and raw.mode == "P"  # palette + alpha: one byte a cell
    png = raw.convert("RGBA")
    x = int((30.52 + 180) / 0.25)
    y = int((90 - 50.45) / 0.25)
    assert png.getpixel((x, y))[3] > 0
    assert png.getpixel((0, 0))[3] == 0
    merc = Image.open(io.BytesIO(r.to_png("mercator")))
    assert merc.size == (1440, 720)
    from workbench.core.sun.records import band_record

    hyp = band_record(r)  # what the incident stores
    geometry, summary = json.loads(hyp["geometry_json"]), json.loads(hyp["inputs_json"])
    assert geometry["type"] == "MultiPolygon" and summary["bbox"]["north"] >= 50.45
    with pytest.raises(BadInput):
        r.write(tmp_path / "band.txt")


def test_local_mode_equals_solving_each_offset_on_the_whole_grid() -> None:
    from workbench.core.sun import zones

    wall = datetime(2024, 10, 27, 9, 30)  # the morning after Europe's clocks went back
    c = shadows.combine([shadows.from_ratio(1.5, 0.05), shadows.from_sun_azimuth(140.0, 20.0)])
    r = solve.solve_where_local(wall, c, resolution=1.0, time_error_s=600)
    zg = zones.zone_grid(1.0)
    ref = np.zeros(r.mask.shape, dtype=bool)
    for g in r.groups:
        ids = [zg.names.index(z) for z in g.zones]
        full = solve.solve_where(g.instant_utc, c, resolution=1.0, time_error_s=600)
        ref |= full.mask & np.isin(zg.index, ids)
    assert r.cells > 0
    assert (ref == r.mask).all()
    assert sum(g.cells for g in r.groups) == zg.index.size


def test_direction_only_requires_the_sun_up() -> None:
    c = shadows.combine([shadows.from_sun_azimuth(200.0, 10.0)])
    r = solve.solve_where(datetime(2024, 6, 21, 12, tzinfo=UTC), c, resolution=1.0)
    lat, lon = np.meshgrid(r.grid.lats, r.grid.lons, indexing="ij")
    e = eph.sun_position(lat, lon, datetime(2024, 6, 21, 12, tzinfo=UTC)).apparent_elevation
    assert r.cells > 0 and (e[r.mask] > -2.0).all()
    assert any("above the horizon" in n for n in r.notes)
    w = solve.solve_when_dates(50.45, 30.52, c, date(2024, 6, 21))
    assert len(w.windows) == 1 and w.windows[0].start_utc.hour in (9, 10, 11)


@pytest.mark.parametrize(("seed", "dt"), [(11, 0), (12, 900), (13, 2400)])
def test_where_with_azimuth_and_time_error_matches_brute_force(seed: int, dt: int) -> None:
    rng = np.random.default_rng(seed)
    while True:
        t = datetime(2024, 3, 1, tzinfo=UTC).timestamp() + rng.uniform(0, 200 * 86400)
        lat0, lon0 = rng.uniform(-50, 50), rng.uniform(-180, 180)
        p0 = eph.sun_position(lat0, lon0, t + rng.uniform(-dt, dt))
        if 10 < float(p0.apparent_elevation) < 80:
            break
    el, az = float(p0.apparent_elevation), float(p0.azimuth)
    c = shadows.combine([shadows.from_elevation(el, 1.0), shadows.from_sun_azimuth(az, 8.0)])
    r = solve.solve_where(eph.from_unix(t), c, resolution=2.0, time_error_s=dt, touching=False)
    lat, lon = np.meshgrid(r.grid.lats, r.grid.lons, indexing="ij")
    inside = np.zeros(lat.shape, dtype=bool)
    near = np.zeros(lat.shape, dtype=bool)
    for tt in np.arange(t - dt, t + dt + 1, 15.0):
        p = eph.sun_position(lat, lon, tt)
        d = np.abs((p.azimuth - az + 180) % 360 - 180)
        inside |= (np.abs(p.apparent_elevation - el) < 0.97) & (d < 7.8)
        near |= (np.abs(p.apparent_elevation - el) < 1.1) & (d < 8.6)
    assert inside.sum() > 0
    assert not (inside & ~r.mask).any()  # nothing that fits is lost
    assert not (r.mask & ~near).any()  # nothing is marked that does not come close to fitting


def test_zone_override_shows_local_times_in_the_clock_used_in_practice() -> None:
    c = shadows.combine([shadows.from_elevation(15.0, 0.5)])
    kyiv = solve.solve_when_dates(48.0, 37.8, c, date(2024, 1, 15))  # Donetsk: looks up as Europe/Kyiv
    moscow = solve.solve_when_dates(48.0, 37.8, c, date(2024, 1, 15), zone_names=["Europe/Moscow"])
    assert kyiv.place_zones.primary == "Europe/Kyiv" and moscow.place_zones.zones == ("Europe/Moscow",)
    assert moscow.windows[0].to_json()["start_local"].endswith("+03:00")
    assert kyiv.windows[0].to_json()["start_local"].endswith("+02:00")
    assert moscow.windows[0].start_utc == kyiv.windows[0].start_utc  # the same instants, another clock
    with pytest.raises(BadInput):
        solve.solve_when_dates(48.0, 37.8, c, date(2024, 1, 15), zone_names=["Mars/Olympus"])
