"""Commands for the incident file and its evidence: new, add, info, verify."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from workbench.cli import EXIT_ERROR, EXIT_FAILED_CHECK, EXIT_OK, print_json, stderr_progress


def register(sub: Any) -> None:
    p = sub.add_parser("new", help="create an incident file", description="Create a new, empty incident file.")
    p.add_argument("file", help="the incident file to create (suggested extension .incident)")
    p.add_argument("--title", required=True, help="a short title for the incident")
    p.add_argument("--claim", default="", help="the claim being verified, in the words it was made")
    p.add_argument("--description", default="")
    p.add_argument("--analyst", default=None, help="your name as it should appear in the audit log and report")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_new)

    p = sub.add_parser(
        "add",
        help="add files and folders as evidence",
        description="Add files and folders (recursively) to an incident. Files are stored unchanged and hashed; "
        "duplicates are recorded as another source of the same item.",
    )
    p.add_argument("file", help="the incident file")
    p.add_argument("paths", nargs="+", help="files or folders to add")
    p.add_argument("--analyst", default=None, help="who acquired the files (default: the incident's analyst)")
    p.add_argument("--url", default=None, help="where the files were obtained, if from one address")
    p.add_argument("--note", default="", help="a note stored with each source")
    p.add_argument("--no-pixels", action="store_true", help="skip thumbnails and perceptual hashes for now")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_add)

    p = sub.add_parser("info", help="show the incident and its items")
    p.add_argument("file")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_info)

    p = sub.add_parser(
        "verify",
        help="check that the incident is intact",
        description="Re-hash every stored file, check the audit chain and SQLite integrity. "
        "Exit 0 when intact, 1 with a list of what is wrong.",
    )
    p.add_argument("file")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_verify)


def cmd_new(args: argparse.Namespace) -> int:
    from workbench.core.incident import Incident

    with Incident.create(
        args.file, title=args.title, claim=args.claim, description=args.description, analyst=args.analyst
    ) as inc:
        info = inc.info()
    if args.json:
        print_json({"path": args.file, "incident": info.to_json()})
    else:
        print(f"Created {args.file}: {info.title}")
    return EXIT_OK


def cmd_add(args: argparse.Namespace) -> int:
    from workbench.core.incident import Incident
    from workbench.core.ingest import add_evidence
    from workbench.core.tasks import Progress

    with Incident.open(args.file, analyst=args.analyst) as inc:
        report = add_evidence(
            inc,
            args.paths,
            progress=Progress(stderr_progress),
            acquired_by=args.analyst,
            url=args.url,
            note=args.note,
            pixels=not args.no_pixels,
        )
    if args.json:
        print_json(report.to_json())
    else:
        for o in report.outcomes:
            if o.status == "refused":
                print(f"refused: {o.reason}")
        print(
            f"{report.added} added, {report.duplicates} duplicates, {report.refused} refused"
            + (", cancelled" if report.cancelled else "")
        )
        for media_id, reason in report.pixels_failed:
            print(f"no thumbnail for item {media_id}: {reason}")
    return EXIT_OK if report.added + report.duplicates > 0 or not report.outcomes else EXIT_ERROR


def cmd_info(args: argparse.Namespace) -> int:
    from workbench.core.context import context_counts
    from workbench.core.incident import Incident

    with Incident.open(args.file, read_only=True) as inc:
        info = inc.info()
        items = inc.media_items()
        counts = inc.counts()
        context = context_counts(inc)
    if args.json:
        print_json(
            {
                "incident": info.to_json(),
                "counts": counts,
                **{k: v for k, v in counts.items() if k in ("posts", "accounts")},
                "context": context,
                "media": [m.to_json() for m in items],
            }
        )
        return EXIT_OK
    out = sys.stdout
    out.write(f"{info.title}\n")
    if info.claim:
        out.write(f"Claim: {info.claim}\n")
    out.write(f"Analyst: {info.analyst}   created {info.created_utc}   modified {info.modified_utc}\n")
    out.write(f"Format {info.format_version}; {info.audit_count} audit entries; head {info.audit_head}\n")
    out.write(", ".join(f"{v} {k}" for k, v in counts.items()) + "\n")
    if any(context.values()):
        out.write("Context: " + ", ".join(f"{v} {k}" for k, v in context.items() if v) + "\n")
    out.write("\n")
    for m in items:
        when = m.summary.capture_time or "no capture time"
        flags = ", ".join(f.code for f in m.flags)
        parent = f" (from item {m.parent_id})" if m.parent_id else ""
        out.write(f"{m.id:>5}  {m.sha256[:12]}  {m.kind:<5}  {m.filename}{parent}  [{when}]  {flags}\n")
    return EXIT_OK


def cmd_verify(args: argparse.Namespace) -> int:
    from workbench.core.tasks import Progress
    from workbench.core.verify import verify_incident

    report = verify_incident(args.file, Progress(stderr_progress if not args.json else None))
    if args.json:
        print_json(report.to_json())
    elif report.intact:
        print(
            f"{args.file} is intact: {report.items_checked} stored files re-hashed ({report.bytes_checked:,} bytes), "
            f"{report.audit_entries} audit entries chained, SQLite integrity ok.\n"
            f"Audit head: {report.audit_head}"
        )
    else:
        print(f"{args.file} is NOT intact; {len(report.problems)} problems:")
        for problem in report.problems:
            print(f"  - {problem}")
    return EXIT_OK if report.intact else EXIT_FAILED_CHECK
