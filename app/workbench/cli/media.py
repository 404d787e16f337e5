"""Commands on one media file without an incident: `workbench exif PATH [--json]`."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from workbench.cli import EXIT_OK, print_json


def register(sub: Any) -> None:
    p = sub.add_parser(
        "exif",
        help="show the metadata of one file (no incident needed)",
        description="Read a photo's or video's metadata without decoding its pixels: a summary (capture time, "
        "camera, GPS, orientation, size), flags worth a verifier's attention, then every decoded tag by group.",
    )
    p.add_argument("path", help="the image or video file")
    p.add_argument("--json", action="store_true", help="print the full result as JSON")
    p.set_defaults(func=cmd_exif)


def cmd_exif(args: argparse.Namespace) -> int:
    from workbench.core.errors import BadInput
    from workbench.core.media.probe import probe_file

    path = Path(args.path)
    if not path.exists():
        raise BadInput(f"{path}: no such file")
    if not path.is_file():
        raise BadInput(f"{path}: not a regular file")
    try:
        probe = probe_file(path)
    except OSError as exc:
        raise BadInput(f"{path}: cannot be read ({exc.strerror or exc})") from exc
    if args.json:
        print_json({"path": str(path), **probe.to_json()})
        return EXIT_OK
    print(render_text(path, probe.to_json()))
    return EXIT_OK


def _fmt(value: Any) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, float):
        return f"{value:.10g}"
    if isinstance(value, list | dict):
        text = json.dumps(value, ensure_ascii=False, default=str)
        return text if len(text) <= 300 else text[:297] + "..."
    return str(value)


def render_text(path: Path, data: dict[str, Any]) -> str:
    """Summary first, then flags and problems, then every tag by group."""
    lines = [f"{path}  ({data['format'] or 'unknown format'}, {data['mime']}, {data['kind']})", ""]
    s = data["summary"]
    rows: list[tuple[str, Any]] = []
    if s["capture_time"]:
        zone = "zone unknown" if s["capture_time_zone"] == "local-unknown-zone" else s["capture_time_zone"]
        rows.append(("Captured", f"{s['capture_time']}  ({zone}; from {s['capture_time_source']})"))
    else:
        rows.append(("Captured", "unknown"))
    camera = " ".join(x for x in (s["make"], s["model"]) if x)
    rows += [("Camera", camera or None), ("Lens", s["lens"]), ("Software", s["software"])]
    gps = s["gps"]
    if gps:
        text = f"{gps['lat']:.6f}, {gps['lon']:.6f}"
        if gps["alt"] is not None:
            text += f", {gps['alt']:.1f} m"
        if gps["direction"] is not None:
            text += f", facing {gps['direction']:.1f}° ({gps['direction_ref'] or '?'})"
        rows.append(("GPS", f"{text}  (from {gps['source']})"))
    else:
        rows.append(("GPS", None))
    if s["width"] and s["height"]:
        rows.append(("Size", f"{s['width']} x {s['height']} (stored)"))
    rows.append(("Orientation", s["orientation"]))
    if data["kind"] == "video":
        rows += [("Duration", s["duration"] and f"{s['duration']} s"), ("Frame rate", s["frame_rate"])]
        rows.append(("Codec", s["codec"]))
    for label, value in rows:
        lines.append(f"  {label:<12} {value if value not in (None, '') else '-'}")
    lines.append("")
    if data["flags"]:
        lines.append("Flags")
        for f in data["flags"]:
            lines.append(f"  [{f['severity']}] {f['code']}: {f['message']}")
        lines.append("")
    if data["problems"]:
        lines.append("Problems")
        lines += [f"  - {p}" for p in data["problems"]]
        lines.append("")
    from workbench.core.media.exif import describe

    for group, tags in data["tags"].items():
        lines.append(f"[{group}]")
        for name, value in tags.items():
            label = describe(name, value) if group.startswith("EXIF:") else None
            lines.append(f"  {name:<32} {_fmt(value)}" + (f"  ({label})" if label else ""))
        lines.append("")
    lines.append(f"read by {data['reader']}")
    return "\n".join(lines)
