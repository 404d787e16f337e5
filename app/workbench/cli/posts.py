"""Commands for posts and the timeline: import exports, list posts, the timeline with its checks, signals."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from workbench.cli import EXIT_ERROR, EXIT_OK, print_json, stderr_progress

_FORMATS = ("auto", "telegram", "twitter", "mastodon", "reddit", "ytdlp", "meta", "csv")


def register(sub: Any) -> None:
    p = sub.add_parser(
        "import",
        help="import social-media exports (posts, accounts, attachments)",
        description="Import exports the analyst already has: Telegram Desktop result.json (or its folder), "
        "twarc2 JSONL, Mastodon/Reddit API JSON, yt-dlp .info.json, Facebook/Instagram DYI JSON, or a CSV/JSON "
        "table. The export and its attachments are kept as evidence; importing again adds nothing.",
    )
    p.add_argument("file", help="the incident file")
    p.add_argument("paths", nargs="+", help="export files (or a Telegram export folder)")
    p.add_argument("--format", default="auto", choices=_FORMATS, help="the export format (default: detect)")
    p.add_argument("--mapping", default=None, help="for --format csv: a JSON file {'columns': {field: column}}")
    p.add_argument("--analyst", default=None)
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_import)

    p = sub.add_parser("posts", help="list the incident's posts")
    p.add_argument("file")
    p.add_argument("--search", default=None, help="only posts whose text or author contains this")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_posts)

    p = sub.add_parser("timeline", help="every dated thing on one clock, with consistency checks")
    p.add_argument("file")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_timeline)

    p = sub.add_parser(
        "signals",
        help="coordination indicators (template texts, bursts, cadence, interaction graph)",
        description="Indicators of coordination among the incident's accounts. Each is an indicator, not proof.",
    )
    p.add_argument("file")
    p.add_argument("--burst-seconds", type=float, default=10.0)
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_signals)


def cmd_import(args: argparse.Namespace) -> int:
    from workbench.core.errors import WorkbenchError
    from workbench.core.incident import Incident
    from workbench.core.posts.model import ColumnMapping
    from workbench.core.posts.store import import_export
    from workbench.core.tasks import Progress

    mapping = None
    if args.mapping:
        mapping = ColumnMapping.from_json(json.loads(Path(args.mapping).read_text(encoding="utf-8")))
    totals = {"posts": 0, "accounts": 0, "media": 0, "duplicates": 0}
    errors: list[dict[str, Any]] = []
    imports: list[dict[str, Any]] = []
    failed = 0
    progress = Progress(None if args.json else stderr_progress)
    contexts: list[dict[str, Any]] = []
    with Incident.open(args.file, analyst=args.analyst) as inc:
        for raw in args.paths:
            try:
                kind = _context_kind(Path(raw)) if args.format == "auto" else None
                if kind is not None:
                    from workbench.core.context import import_context_file

                    contexts.append(import_context_file(inc, Path(raw), kind=kind, progress=progress).to_json())
                    continue
                report = import_export(inc, Path(raw), fmt=args.format, mapping=mapping, progress=progress)
            except WorkbenchError as exc:
                failed += 1
                errors.append({"path": str(raw), "where": str(raw), "message": str(exc)})
                continue
            except OSError as exc:
                failed += 1
                errors.append({"path": str(raw), "where": str(raw), "message": f"cannot be read ({exc})"})
                continue
            for key in totals:
                totals[key] += getattr(report, key)
            errors.extend({"path": str(raw), **e.to_json()} for e in report.errors)
            imports.append(report.to_json())
    if args.json:
        print_json({**totals, "errors": errors, "imports": imports, "context": contexts})
    else:
        for e in errors:
            print(f"error: {e['path']}: {e['where']}: {e['message']}")
        for imp in imports:
            for prob in imp["attachment_problems"][:20]:
                print(f"note: {Path(imp['source']).name}: {prob['where']}: {prob['message']}")
        for c in contexts:
            print(f"context: {Path(c['path']).name}: {c['kind']}")
        print(
            f"{totals['posts']} posts, {totals['accounts']} accounts, {totals['media']} media files added; "
            f"{totals['duplicates']} already present; {len(errors)} errors"
        )
    return EXIT_ERROR if failed == len(args.paths) else EXIT_OK


def _context_kind(path: Path) -> str | None:
    """Web archives, reference images and captures go to the context importers; a CSV or JSON that both could
    read (observations, certificate records) is a posts export when the posts sniffers are confident."""
    from workbench.core.context import sniff
    from workbench.core.errors import BadInput
    from workbench.core.posts.importers import detect

    if path.is_dir():
        return None
    kind = sniff(path)
    if kind == "observations":
        # Both read CSV with a place: measurements have a value column, posts have text and an author.
        with path.open(encoding="utf-8", errors="replace") as fh:
            header = fh.readline().lstrip("\ufeff").lower().replace(";", ",").replace("\t", ",")
        cols = {c.strip().strip('"') for c in header.split(",")}
        posts_like = cols & {"text", "content", "message", "body", "author", "username", "user", "post", "tweet"}
        return None if posts_like and "value" not in cols else kind
    if kind == "domain-record":
        try:
            detect(path)
        except BadInput:
            return kind
        return None
    return kind


def cmd_posts(args: argparse.Namespace) -> int:
    from workbench.core.incident import Incident
    from workbench.core.posts import queries

    with Incident.open(args.file, read_only=True) as inc:
        items = queries.posts(inc, search=args.search)
    if args.json:
        print_json({"posts": [p.to_json() for p in items]})
        return EXIT_OK
    for p in items:
        when = p.created_utc or (f"{p.created_original} (zone unknown)" if p.created_original else "no time")
        text = p.text.replace("\n", " ")[:80]
        sys.stdout.write(f"{p.id:>6}  {when:<32} {p.platform:<9} {p.author[:20]:<20} {text}\n")
    return EXIT_OK


def cmd_timeline(args: argparse.Namespace) -> int:
    from workbench.core.incident import Incident
    from workbench.core.timeline import checks, events

    with Incident.open(args.file, read_only=True) as inc:
        evs = events.build_events(inc)
        found = checks.run_checks(inc, evs)
    if args.json:
        print_json({"events": [e.to_json() for e in evs], "checks": [c.to_json() for c in found]})
        return EXIT_OK
    for e in evs:
        unc = f" ±{e.uncertainty_text}" if e.uncertainty_text else ""
        sys.stdout.write(f"{e.at.isoformat():<32}{unc:<12} {e.kind:<10} {e.lane[:24]:<24} {e.label[:70]}\n")
    if found:
        sys.stdout.write("\nChecks:\n")
        for c in found:
            sys.stdout.write(f"  [{c.severity}] {c.message}\n")
    return EXIT_OK


def cmd_signals(args: argparse.Namespace) -> int:
    from workbench.core.incident import Incident
    from workbench.core.timeline import signals

    with Incident.open(args.file, read_only=True) as inc:
        report = signals.coordination_signals(inc, burst_seconds=args.burst_seconds)
    if args.json:
        print_json(report.to_json())
        return EXIT_OK
    sys.stdout.write(signals.DISCLAIMER + "\n\n")
    for s in report.signals:
        sys.stdout.write(f"- [{s.kind}] {s.summary}\n")
    return EXIT_OK
