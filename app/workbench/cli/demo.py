"""`workbench demo FILE`: write the synthetic demo incident."""

from __future__ import annotations

import argparse
from typing import Any

from workbench.cli import EXIT_OK, print_json, stderr_progress


def register(sub: Any) -> None:
    p = sub.add_parser(
        "demo",
        help="write the demo incident",
        description="Write a small synthetic incident (generated photos, a video, a claim) to explore the workbench.",
    )
    p.add_argument("file", help="where to write it (must not exist)")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_demo)


def cmd_demo(args: argparse.Namespace) -> int:
    from workbench.core.demo import build_demo
    from workbench.core.incident import Incident
    from workbench.core.tasks import Progress

    path = build_demo(args.file, progress=Progress(None if args.json else stderr_progress))
    with Incident.open(path, read_only=True) as inc:
        counts = inc.counts()
    if args.json:
        print_json({"path": str(path), "counts": counts})
    else:
        print(f"Wrote the demo incident to {path}: " + ", ".join(f"{v} {k}" for k, v in counts.items()))
    return EXIT_OK
