"""`workbench forensics`, `workbench frames`, `workbench credentials`: forensic layers, video frames, C2PA."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from workbench.cli import EXIT_OK, print_json, stderr_progress
from workbench.core.errors import BadInput

_VIEW_NAMES = ("ela", "noise", "jpeg_quality", "thumbnail_vs_image", "clone", "gradient")


def register(sub: Any) -> None:
    p = sub.add_parser(
        "forensics",
        help="compute a forensic view (layer) of an image",
        description="Compute one forensic view of an image file and write it as a PNG layer. Views work on the "
        "stored pixels; --oriented turns the layer by the EXIF orientation. Each view states what it can show "
        "and what it cannot prove.",
    )
    p.add_argument("path", type=Path, help="the image file")
    p.add_argument("--view", required=True, choices=_VIEW_NAMES, help="which view")
    p.add_argument(
        "--param",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="a view parameter, e.g. quality=85 (repeatable; unknown keys are refused)",
    )
    p.add_argument("--oriented", action="store_true", help="turn the layer by the EXIF orientation")
    p.add_argument("-o", "--output", type=Path, help="write the layer to this PNG file")
    p.add_argument("--json", action="store_true", help="print the result (parameters, tool, findings) as JSON")
    p.set_defaults(func=cmd_forensics)

    f = sub.add_parser(
        "frames",
        help="export video frames or keyframes",
        description="Export the frame at a time, or keyframes found by scene change, as PNG files.",
    )
    f.add_argument("path", type=Path, help="the video file")
    mode = f.add_mutually_exclusive_group(required=True)
    mode.add_argument("--at", type=float, metavar="SECONDS", help="the frame on screen at this time")
    mode.add_argument("--keyframes", action="store_true", help="keyframes by scene change")
    mode.add_argument("--info", action="store_true", help="only describe the video stream")
    f.add_argument("-o", "--output", type=Path, help="PNG file (--at) or folder (--keyframes)")
    f.add_argument("--threshold", type=float, default=0.3, help="scene-change threshold 0-1 (default 0.3)")
    f.add_argument("--min-gap", type=float, default=1.0, help="seconds between keyframes at least (default 1)")
    f.add_argument("--sha256", help="the video's sha256, recorded in each frame's derivation")
    f.add_argument("--upright", action="store_true", help="turn frames by the container's rotation, as players do")
    f.add_argument("--json", action="store_true")
    f.set_defaults(func=cmd_frames)

    c = sub.add_parser(
        "credentials",
        help="read and validate Content Credentials (C2PA)",
        description="Read a file's C2PA manifest, offline: signer, claim generator, actions, validation status.",
    )
    c.add_argument("path", type=Path)
    c.add_argument("--json", action="store_true")
    c.set_defaults(func=cmd_credentials)


def _params(items: list[str]) -> dict[str, str]:
    params: dict[str, str] = {}
    for item in items:
        key, sep, value = item.partition("=")
        if not sep or not key.strip():
            raise BadInput(f"--param takes KEY=VALUE, not {item!r}.")
        params[key.strip()] = value.strip()
    return params


def cmd_forensics(args: argparse.Namespace) -> int:
    from PIL import Image

    from workbench.core.media.forensics import open_image, run_view

    params: dict[str, Any] = _params(args.param)
    if args.oriented:
        params["oriented"] = True
    image = open_image(args.path)
    result = run_view(args.view, image, params)
    if args.output:
        Image.fromarray(result.image).save(args.output, "PNG")
    if args.json:
        print_json({**result.to_json(), "output": str(args.output) if args.output else None})
    else:
        print(f"{result.name}: {result.summary}")
        print(f"  can show:      {result.can_show}")
        print(f"  cannot prove:  {result.cannot_prove}")
        print(f"  pixels:        {result.pixels}")
        print(f"  params:        {result.params}")
        for n, region in enumerate(result.data.get("regions", []), 1):
            print(f"  region pair {n}: {region['box_a']} <-> {region['box_b']} ({region['matches']} matches)")
        if args.output:
            print(f"  layer written to {args.output}")
    return EXIT_OK


def cmd_frames(args: argparse.Namespace) -> int:
    from workbench.core.media import video
    from workbench.core.tasks import Progress

    if args.info:
        info = video.video_info(args.path)
        if args.json:
            print_json(info.to_json())
        else:
            print(", ".join(f"{k} {v}" for k, v in info.to_json().items()))
        return EXIT_OK
    if args.output is None:
        raise BadInput("Say where to write the frames with -o.")
    if args.at is not None:
        frame = video.video_frame_at(args.path, args.at, upright=args.upright)
        args.output.write_bytes(frame.png())
        record = {"file": str(args.output), **frame.derivation(args.sha256, requested_s=args.at)}
        if args.json:
            print_json(record)
        else:
            print(f"Frame at {frame.time_s:.3f} s (asked {args.at:.3f} s) written to {args.output}")
        return EXIT_OK
    out: Path = args.output
    out.mkdir(parents=True, exist_ok=True)
    progress = Progress(None if args.json else stderr_progress)
    found = video.keyframes(
        args.path, threshold=args.threshold, min_gap_s=args.min_gap, upright=args.upright, progress=progress
    )
    records = []
    for frame in found:
        target = out / f"{args.path.stem}_{frame.time_s:010.3f}s_f{frame.frame_index:06d}.png"
        target.write_bytes(frame.png())
        records.append({"file": str(target), **frame.derivation(args.sha256)})
    if args.json:
        print_json({"video": str(args.path), "keyframes": records})
    else:
        for record in records:
            print(f"{record['time_s']:9.3f} s  frame {record['frame_index']:6d}  {record['file']}")
        sys.stderr.write(f"{len(records)} keyframes written to {out}\n")
    return EXIT_OK


def cmd_credentials(args: argparse.Namespace) -> int:
    from workbench.core.media.c2pa import read_content_credentials

    if not args.path.is_file():
        raise BadInput(f"{args.path}: no such file.")
    found = read_content_credentials(args.path)
    if args.json:
        print_json(found.to_json())
        return EXIT_OK
    print(found.message)
    if found.present:
        for label, value in (
            ("signer", found.signer),
            ("organisation", found.signer_organisation),
            ("signed at", found.signed_at),
            ("claim generator", found.claim_generator),
            ("validation", found.validation_state),
        ):
            if value:
                print(f"  {label + ':':17}{value}")
        for action in found.actions:
            print(f"  action:          {action.action} {action.software_agent or ''} {action.when or ''}".rstrip())
        for failure in found.validation_failures:
            print(f"  failed check:    {failure}")
    print(f"  read with {found.reader}")
    return EXIT_OK
