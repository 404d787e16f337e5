"""Sun benchmarks: each figure beside its target, and ShadowFinder (PyPI) on the same input in the same run.

    .venv/bin/python bench/bench_sun.py [--quick]

ShadowFinder is optional (`pip install shadowfinder`); when it cannot be imported or run, the reason is printed
and only our figures are shown. Times are the best of several runs after a warm-up (first-run times are shown
too); memory is the peak of Python/numpy allocations (tracemalloc) during the call.
"""

from __future__ import annotations

import argparse
import gc
import sys
import time
import tracemalloc
import warnings
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import numpy as np

from workbench.core.sun import ephemeris, shadows, solve, zones

INSTANT = datetime(2024, 6, 21, 10, 0, tzinfo=UTC)
WALL = datetime(2024, 6, 21, 13, 0)
HEIGHT, SHADOW = 2.0, 1.5  # metres: the same input for both tools
ROWS: list[tuple[str, str, str, str, str]] = []


def timed(fn: Callable[[], Any], repeat: int = 5) -> tuple[float, float, Any]:
    """(first run s, best of the next runs s, result)."""
    t = time.perf_counter()
    out = fn()
    first = time.perf_counter() - t
    best = first
    for _ in range(repeat - 1):
        t = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - t)
    return first, best, out


def peak_mb(fn: Callable[[], Any]) -> float:
    gc.collect()
    tracemalloc.start()
    fn()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak / 1e6


def row(what: str, ours: str, target: str, peer: str, ratio: str) -> None:
    ROWS.append((what, ours, target, peer, ratio))
    print(f"  {what:<44} ours {ours:<22} target {target:<12} ShadowFinder {peer:<14} ratio {ratio}", flush=True)


def ratio_text(r: float) -> str:
    """ShadowFinder's time / ours."""
    if r >= 1:
        return f"ours {r:.0f}x faster" if r >= 10 else f"ours {r:.1f}x faster"
    return f"ours {1 / r:.1f}x slower"


def load_shadowfinder() -> tuple[Any, str]:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            from shadowfinder import ShadowFinder  # type: ignore[import-not-found]
        return ShadowFinder, ""
    except Exception as exc:  # an optional peer tool: report whatever stops it
        return (
            None,
            f"ShadowFinder not available ({type(exc).__name__}: {exc}); install it with pip install shadowfinder",
        )


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true", help="fewer repeats, skip the accuracy sample")
    args = parser.parse_args()
    repeat = 2 if args.quick else 5
    sf_cls, why = load_shadowfinder()
    if why:
        print(why)
    c = shadows.constraint(height_m=HEIGHT, shadow_m=SHADOW)
    print(f"Input: object {HEIGHT} m, shadow {SHADOW} m, {INSTANT.isoformat()} (UTC), local mode {WALL} wall time")
    print(f"Constraint: {c.describe()}\n")

    # 1. World grid 0.1° at one instant.
    def world(time_error_s: float = 0.0) -> solve.WhereResult:
        r = solve.solve_where(INSTANT, c, resolution=0.1, time_error_s=time_error_s)
        _ = (r.cells, r.bbox)  # counted in the time: the command reports both
        return r

    first, best, res = timed(world, repeat)
    mem = peak_mb(lambda: solve.solve_where(INSTANT, c, resolution=0.1))
    peer, ratio = "n/a", "n/a"
    if sf_cls is not None:
        try:
            sf = sf_cls(HEIGHT, SHADOW, INSTANT.replace(tzinfo=None), time_format="utc")
            lats = np.arange(-90, 90, 0.1) + 0.05
            lons = np.arange(-180, 180, 0.1) + 0.05
            sf.lons, sf.lats = np.meshgrid(lons, lats)
            sf.timezones = np.array([None])  # utc mode does not use zones; skip its per-cell look-up
            t = time.perf_counter()
            sf.find_shadows()
            sf_t = time.perf_counter() - t
            peer, ratio = f"{sf_t * 1000:.0f} ms", ratio_text(sf_t / best)
        except Exception as exc:
            peer = f"failed: {type(exc).__name__}"
    row(
        f"0.1° world grid, {res.grid.shape[0] * res.grid.shape[1] / 1e6:.2f} M cells",
        f"{best * 1000:.1f} ms ({first * 1000:.0f} first)",
        "< 100 ms",
        peer,
        ratio,
    )
    row("  peak memory of that call", f"{mem:.0f} MB", "< 200 MB", "", "")
    res_dt = solve.solve_where(INSTANT, c, resolution=0.1, time_error_s=900)
    _first2, b2, _ = timed(lambda: world(900.0), repeat)
    row("  same, ±15 min time uncertainty", f"{b2 * 1000:.1f} ms", "", "(no such mode)", "")
    print(f"    band: {res.cells} cells (±15 min: {res_dt.cells})")

    # 2. Local-time mode at 0.5° on ShadowFinder's grid (lat -60..85).
    grid = solve.Grid(0.5, -60.0, 85.0, -180.0, 180.0)
    t = time.perf_counter()
    zones.zone_grid(grid.resolution, grid.lat_min, grid.lat_max, grid.lon_min, grid.lon_max)
    zone_build = time.perf_counter() - t
    first, best, res_l = timed(lambda: solve.solve_where_local(WALL, c, grid=grid), repeat)
    peer, ratio = "n/a", "n/a"
    if sf_cls is not None:
        try:
            sf = sf_cls(HEIGHT, SHADOW, WALL, time_format="local")
            t = time.perf_counter()
            sf.generate_timezone_grid()
            sf_zone = time.perf_counter() - t
            t = time.perf_counter()
            sf.find_shadows()
            sf_t = time.perf_counter() - t
            peer = f"{sf_t * 1000:.0f} ms"
            ratio = ratio_text(sf_t / best)
            print(
                f"    zone grid build (one-off, cached): ours {zone_build * 1000:.0f} ms, ShadowFinder {sf_zone:.1f} s"
            )
        except Exception as exc:
            peer = f"failed: {type(exc).__name__}"
    else:
        print(f"    zone grid build (one-off, cached): ours {zone_build * 1000:.0f} ms")
    row(
        f"local-time mode 0.5°, {len(res_l.groups)} UTC-offset groups",
        f"{best * 1000:.1f} ms ({first * 1000:.0f} first)",
        "< 100 ms",
        peer,
        ratio,
    )
    t = time.perf_counter()
    zones.zone_grid(0.1)
    zone_build = time.perf_counter() - t
    first, best, res_l = timed(lambda: solve.solve_where_local(WALL, c, resolution=0.1), max(2, repeat // 2))
    row(
        "local-time mode 0.1° (whole world)",
        f"{best * 1000:.0f} ms ({first * 1000:.0f} first)",
        "",
        "(not run: hours)",
        "",
    )
    print(f"    zone grid build at 0.1° (one-off, cached): {zone_build:.1f} s")

    # 3. A day at 1 s steps at one place.
    day = datetime(2024, 6, 21, tzinfo=UTC).timestamp() + np.arange(86400.0)
    first, best, pos = timed(lambda: ephemeris.sun_position(50.45, 30.52, day), repeat)
    exact = ephemeris.topocentric(ephemeris.geocentric(day, dense=False), 50.45, 30.52)
    err = float(np.abs(pos.apparent_elevation - exact.apparent_elevation).max())
    peer, ratio = "n/a", "n/a"
    if sf_cls is not None:
        try:
            import pandas as pd
            from suncalc import get_position  # type: ignore[import-not-found]

            idx = pd.to_datetime(day, unit="s", utc=True)
            t = time.perf_counter()
            get_position(idx, 30.52, 50.45)
            sf_t = time.perf_counter() - t
            peer, ratio = f"{sf_t * 1000:.0f} ms", ratio_text(sf_t / best)
        except Exception as exc:
            peer = f"failed: {type(exc).__name__}"
    row(
        "a day at 1 s steps, one place (86,400)",
        f"{best * 1000:.1f} ms ({first * 1000:.0f} first)",
        "< 50 ms",
        peer + " (suncalc)",
        ratio,
    )
    print(f"    vs exact SPA at every second: max |Δ elevation| {err:.1e}°")

    # 4. Slider → overlay picture: solve + Web-Mercator PNG (the GUI adds drawing the image).
    def overlay(res_deg: float) -> bytes:
        return solve.solve_where(INSTANT, c, resolution=res_deg).to_png("mercator")

    for res_deg in (0.25, 0.1):
        first, best, png = timed(lambda r=res_deg: overlay(r), repeat)  # type: ignore[misc]
        row(
            f"slider → overlay PNG at {res_deg}° (core part)",
            f"{best * 1000:.1f} ms ({len(png) // 1024} KB)",
            "< 250 ms",
            "(no such mode)",
            "",
        )

    # 5. Accuracy against SPA (pvlib) and suncalc, 20,000 samples 1900-2100 (the test uses 100,000).
    if not args.quick:
        try:
            import pvlib.spa as spa  # type: ignore[import-untyped]

            rng = np.random.default_rng(1)
            n = 20_000
            unix = rng.uniform(
                datetime(1900, 1, 1, tzinfo=UTC).timestamp(), datetime(2100, 12, 31, tzinfo=UTC).timestamp(), n
            )
            lat, lon = rng.uniform(-90, 90, n), rng.uniform(-180, 180, n)
            dt = ephemeris.delta_t_seconds(unix)
            ours = ephemeris.sun_position(lat, lon, unix)
            _, _, e, _, az, _ = spa.solar_position_numpy(unix, lat, lon, 0.0, 1013.25, 12.0, dt, 0.5667, 1)
            up = e > 5
            d_az = np.abs((ours.azimuth - az + 180) % 360 - 180)[up].max()
            print(
                f"\n  accuracy vs SPA (pvlib), {int(up.sum())} samples above 5°: "
                f"elevation {np.abs(ours.apparent_elevation - e)[up].max():.1e}°, azimuth {d_az:.1e}°"
            )
            if sf_cls is not None:
                import pandas as pd
                from suncalc import get_position

                sc = get_position(pd.to_datetime(unix, unit="s", utc=True), lon, lat)
                sc_el = np.degrees(np.asarray(sc["altitude"]))
                sc_az = (np.degrees(np.asarray(sc["azimuth"])) + 180) % 360
                _, _, _, e0, _, _ = spa.solar_position_numpy(unix, lat, lon, 0.0, 1013.25, 12.0, dt, 0.5667, 1)
                mid = up & (e < 85)
                print(
                    f"  suncalc (ShadowFinder's model) vs SPA, same samples: elevation "
                    f"{np.abs(sc_el - e0)[up].max():.2f}° geometric, {np.abs(sc_el - e)[up].max():.2f}° "
                    f"apparent (no refraction); azimuth {np.abs((sc_az - az + 180) % 360 - 180)[mid].max():.2f}° "
                    "(sun 5°-85°)"
                )
        except ImportError as exc:
            print(f"\n  accuracy: pvlib not installed ({exc})")

    print("\nSummary:")
    for what, ours, target, peer, ratio in ROWS:
        print(f"  {what:<44} {ours:<24} target {target:<10} {peer}  {ratio}".rstrip())
    return 0


if __name__ == "__main__":
    sys.exit(main())
