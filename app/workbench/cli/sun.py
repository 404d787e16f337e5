"""`workbench sun position|when|where`: the sun's position, and solving a shadow measurement for time or place.

Times are ISO 8601 with a UTC offset (`2024-06-21T10:00:00Z`, `...+03:00`); `where --local` takes a wall-clock
time without one. Angles in degrees; azimuth clockwise from north. `--json` prints JSON on stdout.
"""

from __future__ import annotations

import argparse
from datetime import date, datetime
from typing import Any

from workbench.cli import EXIT_OK, print_json
from workbench.core.errors import BadInput


def _parse_time(text: str, *, naive_ok: bool = False) -> datetime:
    try:
        value = datetime.fromisoformat(text.strip().replace("z", "Z").replace("Z", "+00:00"))
    except ValueError as exc:
        raise BadInput(f"Cannot read the time {text!r}: use ISO 8601, e.g. 2024-06-21T10:00:00Z.") from exc
    if value.tzinfo is None and not naive_ok:
        raise BadInput(f"The time {text!r} has no UTC offset: add Z for UTC or +HH:MM.")
    return value


def _parse_dates(text: str) -> tuple[date, date]:
    sep = "/" if "/" in text else (".." if ".." in text else None)
    parts = text.split(sep) if sep else [text]
    try:
        first = date.fromisoformat(parts[0].strip())
        last = date.fromisoformat(parts[1].strip()) if len(parts) > 1 else first
    except ValueError as exc:
        raise BadInput(f"Cannot read the date {text!r}: use YYYY-MM-DD or YYYY-MM-DD/YYYY-MM-DD.") from exc
    return first, last


def _add_measurement(p: argparse.ArgumentParser) -> None:
    g = p.add_argument_group("measurement (one of --ratio, --height with --shadow, --elevation; and/or --azimuth)")
    g.add_argument("--ratio", type=float, help="shadow length / object height")
    g.add_argument("--height", type=float, help="object height (m); give --shadow too")
    g.add_argument("--shadow", type=float, help="shadow length (m)")
    g.add_argument("--height-error", type=float, help="± metres on the height (default 2%% of it)")
    g.add_argument("--shadow-error", type=float, help="± metres on the shadow (default 2%% of it)")
    g.add_argument("--elevation", type=float, help="the sun's apparent elevation (degrees)")
    g.add_argument("--ratio-error", type=float, help="± on the ratio (default 5%% of it)")
    g.add_argument("--elevation-error", type=float, help="± degrees on the elevation (default 0.5)")
    g.add_argument("--azimuth", type=float, help="the sun's azimuth (degrees from north)")
    g.add_argument("--shadow-bearing", type=float, help="the direction the shadow points (the sun is opposite)")
    g.add_argument("--azimuth-error", type=float, help="± degrees on the azimuth (default 5)")
    p.add_argument("--pressure", type=float, default=1013.25, help="air pressure, hPa (refraction)")
    p.add_argument("--temperature", type=float, default=12.0, help="air temperature, °C (refraction)")
    p.add_argument("--json", action="store_true", help="print JSON")


def _constraint(args: argparse.Namespace) -> Any:
    from workbench.core.sun import shadows

    azimuth = args.azimuth
    if args.shadow_bearing is not None:
        if azimuth is not None:
            raise BadInput("Give --azimuth or --shadow-bearing, not both.")
        azimuth = (args.shadow_bearing + 180.0) % 360.0
    if args.elevation_error is not None and args.elevation is None:
        raise BadInput("--elevation-error goes with --elevation.")
    return shadows.constraint(
        elevation=args.elevation,
        elevation_error=args.elevation_error,
        ratio=args.ratio,
        ratio_error=args.ratio_error,
        height_m=args.height,
        shadow_m=args.shadow,
        height_error_m=args.height_error,
        shadow_error_m=args.shadow_error,
        azimuth=azimuth,
        azimuth_error=args.azimuth_error,
    )


def register(sub: Any) -> None:
    p = sub.add_parser(
        "sun",
        help="sun position; when and where a shadow fits",
        description="The sun's position (NREL SPA accuracy), and solving a shadow measurement for time or place.",
    )
    s = p.add_subparsers(dest="sun_command", metavar="SUBCOMMAND", required=True)

    pos = s.add_parser("position", help="the sun's elevation and azimuth at a place and instant")
    pos.add_argument("--lat", type=float, required=True)
    pos.add_argument("--lon", type=float, required=True)
    pos.add_argument("--time", required=True, help="ISO 8601 instant with offset")
    pos.add_argument("--altitude", type=float, default=0.0, help="metres above sea level")
    pos.add_argument("--pressure", type=float, default=1013.25, help="air pressure, hPa")
    pos.add_argument("--temperature", type=float, default=12.0, help="air temperature, °C")
    pos.add_argument("--json", action="store_true")
    pos.set_defaults(func=cmd_position)

    when = s.add_parser("when", help="the times on a date at which the sun fits the measurement")
    when.add_argument("--lat", type=float, required=True)
    when.add_argument("--lon", type=float, required=True)
    when.add_argument("--date", required=True, help="local date YYYY-MM-DD, or a range YYYY-MM-DD/YYYY-MM-DD")
    when.add_argument("--altitude", type=float, default=0.0)
    when.add_argument(
        "--zone", action="append", help="IANA zone(s) used at the place, overriding the look-up (repeatable)"
    )
    when.add_argument("--exif-time", help="check this capture time (with offset, or a wall time at the place)")
    when.add_argument("--claimed", help="check this claimed time")
    when.add_argument("--posted", action="append", default=[], help="check a post time (repeatable)")
    _add_measurement(when)
    when.set_defaults(func=cmd_when)

    where = s.add_parser("where", help="the places where the sun fits the measurement at an instant")
    where.add_argument("--time", required=True, help="ISO 8601 instant (with --local: a wall-clock time)")
    where.add_argument("--time-error", type=float, default=0.0, metavar="SECONDS", help="± seconds on the time")
    where.add_argument("--resolution", type=float, default=None, metavar="DEG", help="cell size (0.1; --local 0.5)")
    where.add_argument("--local", action="store_true", help="the same local clock time everywhere")
    where.add_argument("--out", help="write the band: FILE.geojson or FILE.png")
    _add_measurement(where)
    where.set_defaults(func=cmd_where)


def cmd_position(args: argparse.Namespace) -> int:
    from workbench.core.sun import ephemeris, zones

    t = _parse_time(args.time)
    pos = ephemeris.sun_position(
        args.lat,
        args.lon,
        t,
        altitude_m=args.altitude,
        pressure_hpa=args.pressure,
        temperature_c=args.temperature,
    )
    pz = zones.zones_at(args.lat, args.lon)
    out = {
        "lat": args.lat,
        "lon": args.lon,
        "time_utc": ephemeris.from_unix(float(ephemeris.to_unix(t))).isoformat(),
        "local": [{"zone": z, "time": zones.local_iso(t, z)} for z in pz.zones],
        **pos.to_json(),
    }
    if args.json:
        print_json(out)
    else:
        print(
            f"Sun at {args.lat:.5f}, {args.lon:.5f} on {out['time_utc']} "
            f"({', '.join(x['time'] + ' ' + x['zone'] for x in out['local'])}):\n"
            f"  elevation {out['elevation']:.4f}° (apparent, with refraction: {out['apparent_elevation']:.4f}°)\n"
            f"  azimuth   {out['azimuth']:.4f}° from north"
        )
    return EXIT_OK


def cmd_when(args: argparse.Namespace) -> int:
    from workbench.core.sun import consistency, solve

    c = _constraint(args)
    first, last = _parse_dates(args.date)
    result = solve.solve_when_dates(
        args.lat,
        args.lon,
        c,
        first,
        last,
        altitude_m=args.altitude,
        pressure_hpa=args.pressure,
        temperature_c=args.temperature,
        zone_names=args.zone,
    )
    out = result.to_json()
    verdict = None
    if args.exif_time or args.claimed or args.posted:
        verdict = consistency.check_times(
            result,
            exif_time=_parse_time(args.exif_time, naive_ok=True) if args.exif_time else None,
            claimed=_parse_time(args.claimed, naive_ok=True) if args.claimed else None,
            post_times=[_parse_time(x) for x in args.posted],
        )
        out["verdict"] = verdict.to_json()
    if args.json:
        print_json(out)
        return EXIT_OK
    zone = result.place_zones.primary
    print(f"{c.describe().capitalize()} at {args.lat:.5f}, {args.lon:.5f} ({', '.join(result.place_zones.zones)}):")
    if not result.windows:
        print("  no time in the searched dates.")
    for w in result.windows:
        s, e = w.local(zone)
        print(
            f"  {w.start_utc:%Y-%m-%d %H:%M:%S}-{w.end_utc:%H:%M:%S} UTC   "
            f"{s:%Y-%m-%d %H:%M:%S}-{e:%H:%M:%S} {s:%z} local"
            + (" (open: continues beyond the dates)" if w.open_start or w.open_end else "")
        )
    for note in result.notes:
        print(f"  note: {note}")
    if verdict is not None:
        print(f"Verdict: {verdict.status}. {verdict.text}")
    return EXIT_OK


def cmd_where(args: argparse.Namespace) -> int:
    from workbench.core.sun import solve

    c = _constraint(args)
    if args.local:
        wall = _parse_time(args.time, naive_ok=True).replace(tzinfo=None)
        result = solve.solve_where_local(
            wall,
            c,
            time_error_s=args.time_error,
            resolution=args.resolution or 0.5,
            pressure_hpa=args.pressure,
            temperature_c=args.temperature,
        )
    else:
        result = solve.solve_where(
            _parse_time(args.time),
            c,
            time_error_s=args.time_error,
            resolution=args.resolution or 0.1,
            pressure_hpa=args.pressure,
            temperature_c=args.temperature,
        )
    out = result.to_json()
    if args.out:
        out["written"] = str(result.write(args.out))
    if args.json:
        print_json(out)
        return EXIT_OK
    print(result.describe() + ":")
    bbox = result.bbox
    print(f"  {result.cells} cells of {result.grid.resolution:g}°" + ("" if bbox else " (nowhere)"))
    if bbox:
        print(f"  within latitude {bbox[0]:g}..{bbox[2]:g}, longitude {bbox[1]:g}..{bbox[3]:g}")
    for note in result.notes:
        print(f"  note: {note}")
    if args.out:
        print(f"  written to {out['written']}")
    return EXIT_OK
