"""Commands for context: web archives and captures, reference images, domains, aliases, observations.

`workbench context import FILE PATH...` imports WARC/WACZ, GeoTIFF, CSV of observations, WHOIS/dig text,
certificate JSON and PDF/HTML captures (sniffed); the other sub-commands list, search, place, attach and decide.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from workbench.cli import EXIT_ERROR, EXIT_OK, print_json, stderr_progress

_KINDS = ("auto", "archive", "reference", "observations", "domain-record", "capture")


def register(sub: Any) -> None:
    p = sub.add_parser(
        "context",
        help="web archives, reference images, domains, aliases and observations",
        description="Context beside the posts: WARC/WACZ web archives and page captures, GeoTIFF or hand-placed "
        "reference images, domains with WHOIS/DNS/certificate records, alias candidates, and observations.",
    )
    s = p.add_subparsers(dest="context_command", metavar="SUBCOMMAND", required=True)

    c = s.add_parser(
        "import",
        help="import context files (WARC/WACZ, GeoTIFF, observations CSV, WHOIS/dig text, crt.sh JSON, PDF/HTML)",
        description="Each file is kept as evidence, then read. Importing the same file again adds nothing.",
    )
    c.add_argument("file", help="the incident file")
    c.add_argument("paths", nargs="+", type=Path)
    c.add_argument("--kind", default="auto", choices=_KINDS, help="what the files are (default: detect)")
    c.add_argument("--zone", default=None, help="for a CSV with naive times: the zone they are in (UTC, +02:00, ...)")
    c.add_argument("--domain", default=None, help="for a WHOIS/DNS/certificate record: the domain it is about")
    c.add_argument("--url", default=None, help="for a PDF/HTML/screenshot capture: the page's address")
    c.add_argument("--captured-at", default=None, help="for a capture: when it was captured, with its zone")
    c.add_argument("--acquired", default=None, help="for a reference image: its acquisition date or time")
    c.add_argument("--analyst", default=None)
    c.add_argument("--json", action="store_true")
    c.set_defaults(func=cmd_import)

    c = s.add_parser("documents", help="list web pages and captures")
    c.add_argument("file")
    c.add_argument("--json", action="store_true")
    c.set_defaults(func=cmd_documents)

    c = s.add_parser("show", help="the text of one document (plain text; nothing in it runs)")
    c.add_argument("file")
    c.add_argument("document", type=int)
    c.add_argument("--json", action="store_true")
    c.set_defaults(func=cmd_show)

    c = s.add_parser("search", help="full-text search of the documents")
    c.add_argument("file")
    c.add_argument("query")
    c.add_argument("--limit", type=int, default=50)
    c.add_argument("--json", action="store_true")
    c.set_defaults(func=cmd_search)

    c = s.add_parser(
        "place",
        help="place an image on the map with control points (col,row,lat,lon; at least three)",
        description="Place a media item (id, SHA-256 prefix or name) or an image file by control points, or a "
        "GeoTIFF by its own tags when no --point is given. Prints the fit's residuals in metres.",
    )
    c.add_argument("file")
    c.add_argument("image", help="a media item reference, or a path to an image file")
    c.add_argument("--point", action="append", default=[], help="col,row,lat,lon (repeat, three or more)")
    c.add_argument("--acquired", default=None)
    c.add_argument("--opacity", type=float, default=0.7)
    c.add_argument("--label", default="")
    c.add_argument("--json", action="store_true")
    c.set_defaults(func=cmd_place)

    c = s.add_parser("references", help="list reference images (placement, residuals, date, tiles)")
    c.add_argument("file")
    c.add_argument("--json", action="store_true")
    c.set_defaults(func=cmd_references)

    c = s.add_parser("domains", help="domains mentioned by posts, accounts and pages, with their records' dates")
    c.add_argument("file")
    c.add_argument("--index", action="store_true", help="first resolve every link not yet indexed")
    c.add_argument("--json", action="store_true")
    c.set_defaults(func=cmd_domains)

    c = s.add_parser("attach", help="attach WHOIS/DNS/certificate text to a domain (a file, or - for stdin)")
    c.add_argument("file")
    c.add_argument("record", help="a file with the record, or - to paste it on standard input")
    c.add_argument("--domain", default=None, help="the domain (default: the one the record names)")
    c.add_argument("--kind", default=None, choices=("whois", "dns", "certificates"))
    c.add_argument("--json", action="store_true")
    c.set_defaults(func=cmd_attach)

    c = s.add_parser("aliases", help="alias candidates across platforms, with reasons and a score")
    c.add_argument("file")
    c.add_argument("--min-score", type=float, default=0.3)
    c.add_argument("--same-platform", action="store_true", help="also pairs on one platform")
    c.add_argument("--json", action="store_true")
    c.set_defaults(func=cmd_aliases)

    c = s.add_parser("alias", help="confirm or reject that two accounts are one actor (or clear the decision)")
    c.add_argument("file")
    c.add_argument("account_a", type=int)
    c.add_argument("account_b", type=int)
    c.add_argument("decision", choices=("confirm", "reject", "clear"))
    c.add_argument("--note", default="")
    c.add_argument("--analyst", default=None)
    c.set_defaults(func=cmd_alias)

    c = s.add_parser("observations", help="observations near a place and time (default: the incident's claim)")
    c.add_argument("file")
    c.add_argument("--lat", type=float, default=None)
    c.add_argument("--lon", type=float, default=None)
    c.add_argument("--at", default=None, help="a time with its zone (default: the claimed time)")
    c.add_argument("--radius-km", type=float, default=25.0)
    c.add_argument("--window-h", type=float, default=6.0)
    c.add_argument("--variable", default=None)
    c.add_argument("--json", action="store_true")
    c.set_defaults(func=cmd_observations)

    c = s.add_parser("events", help="context on the timeline (acquisitions, captures, registrations ...)")
    c.add_argument("file")
    c.add_argument("--json", action="store_true")
    c.set_defaults(func=cmd_events)

    c = s.add_parser("counts", help="context objects by kind")
    c.add_argument("file")
    c.add_argument("--json", action="store_true")
    c.set_defaults(func=cmd_counts)


def cmd_import(args: argparse.Namespace) -> int:
    from workbench.core.context import import_context_file
    from workbench.core.errors import WorkbenchError
    from workbench.core.incident import Incident
    from workbench.core.tasks import Progress

    results: list[dict[str, Any]] = []
    failed = 0
    with Incident.open(args.file, analyst=args.analyst) as inc:
        for path in args.paths:
            try:
                result = import_context_file(
                    inc,
                    path,
                    kind=None if args.kind == "auto" else args.kind,
                    zone=args.zone,
                    domain=args.domain,
                    url=args.url,
                    captured_at=args.captured_at,
                    acquired=args.acquired,
                    progress=Progress(stderr_progress),
                )
                results.append(result.to_json())
            except (WorkbenchError, OSError) as exc:
                failed += 1
                results.append({"path": str(path), "refused": str(exc)})
    if args.json:
        print_json({"imported": len(results) - failed, "refused": failed, "files": results})
    else:
        for r in results:
            if "refused" in r:
                print(f"refused: {r['path']}: {r['refused']}")
            else:
                print(f"{r['path']}: {_summary(r)}")
    return EXIT_OK if failed < len(results) else EXIT_ERROR


def _summary(r: dict[str, Any]) -> str:
    kind = r["kind"]
    if kind == "archive":
        extra = f"; {len(r['problems'])} problem(s)" if r["problems"] else ""
        return f"{r['pages']} page(s) added, {r['duplicates']} already there{extra}"
    if kind == "reference":
        s, w, n, e = r["bounds"]
        return f"reference image {r['id']} placed ({s:.5f},{w:.5f})-({n:.5f},{e:.5f}), {r['tiles'].get('count')} tiles"
    if kind == "observations":
        if r["already_imported"]:
            return "already imported"
        return f"{r['added']} observation(s), {r['error_count']} row(s) refused"
    if kind == "domain-record":
        return f"record {r['domain_record_id']} attached to domain {r['domain_id']}"
    return f"document {r.get('document_id')}"


def cmd_documents(args: argparse.Namespace) -> int:
    from workbench.core.context.documents import documents
    from workbench.core.incident import Incident

    with Incident.open(args.file, read_only=True) as inc:
        docs = documents(inc)
    if args.json:
        print_json([d.to_json() for d in docs])
        return EXIT_OK
    for d in docs:
        flags = f"  [{'; '.join(d.flags)}]" if d.flags else ""
        print(f"{d.id:>5}  {d.capture_utc or '(no time)':<32} {d.kind:<10} {_safe(d.title)[:60]}  {d.url or ''}{flags}")
    return EXIT_OK


def _safe(text: str) -> str:
    """Control characters (terminal escapes in a hostile page) shown as visible escapes, never sent raw."""
    return "".join(ch if ch in "\n\t" or ch.isprintable() else f"\\x{ord(ch):02x}" for ch in text)


def cmd_show(args: argparse.Namespace) -> int:
    from workbench.core.context.documents import document
    from workbench.core.incident import Incident

    with Incident.open(args.file, read_only=True) as inc:
        doc = document(inc, args.document)
    if args.json:
        print_json(doc.to_json(with_text=True))
        return EXIT_OK
    print(f"{_safe(doc.title)}\n{doc.url or ''}\ncaptured {doc.capture_utc} ({doc.capture_source})")
    print(f"payload sha256 {doc.payload_sha256}")
    for flag in doc.flags:
        print(f"note: {flag}")
    print()
    print(_safe(doc.text))
    return EXIT_OK


def cmd_search(args: argparse.Namespace) -> int:
    from workbench.core.context.documents import search
    from workbench.core.incident import Incident

    with Incident.open(args.file, read_only=True) as inc:
        hits = search(inc, args.query, limit=args.limit)
    if args.json:
        print_json([h.to_json() for h in hits])
        return EXIT_OK
    for h in hits:
        print(f"{h.document_id:>5}  {h.capture_utc or ''}  {_safe(h.title)}\n       {_safe(h.snippet)}")
    if not hits:
        print("no document matches")
    return EXIT_OK


def _parse_point(text: str) -> tuple[float, float, float, float]:
    from workbench.core.errors import BadInput

    parts = text.replace(";", ",").split(",")
    try:
        col, row, lat, lon = (float(p) for p in parts)
    except ValueError:
        raise BadInput(f"A control point is col,row,lat,lon; got {text!r}.") from None
    return col, row, lat, lon


def cmd_place(args: argparse.Namespace) -> int:
    from workbench.core.context.reference import import_reference_image, place_media, reference_image
    from workbench.core.incident import Incident
    from workbench.core.tasks import Progress

    points = [_parse_point(p) for p in args.point] or None
    with Incident.open(args.file) as inc:
        path = Path(args.image)
        progress = Progress(stderr_progress)
        if path.is_file():
            changes = import_reference_image(
                inc, path, control_points=points, label=args.label, acquired=args.acquired, opacity=args.opacity,
                progress=progress,
            )  # fmt: skip
        else:
            item = inc.find_media(args.image)
            changes = place_media(
                inc, item.id, control_points=points, label=args.label or item.filename, acquired=args.acquired,
                opacity=args.opacity, progress=progress,
            )  # fmt: skip
        ref = reference_image(inc, changes.ids["reference_images"][0])
    if args.json:
        print_json(ref.to_json())
        return EXIT_OK
    print(f"reference image {ref.id}: {ref.label} ({ref.method}), {ref.pixel_size_m:.2f} m per pixel")
    for i, r in enumerate(ref.residuals_m, 1):
        print(f"  point {i}: residual {r:.1f} m")
    if ref.rms_m is not None:
        print(f"  RMS {ref.rms_m:.1f} m")
    print(f"  {ref.tiles.get('count')} tiles, zoom {ref.tiles.get('min_zoom')}-{ref.tiles.get('max_zoom')}")
    return EXIT_OK


def cmd_references(args: argparse.Namespace) -> int:
    from workbench.core.context.reference import reference_images
    from workbench.core.incident import Incident

    with Incident.open(args.file, read_only=True) as inc:
        refs = reference_images(inc)
    if args.json:
        print_json([r.to_json() for r in refs])
        return EXIT_OK
    for r in refs:
        s, w, n, e = r.bounds
        rms = f", RMS {r.rms_m:.1f} m" if r.rms_m is not None else ""
        print(
            f"{r.id:>4}  {r.label:<30} {r.method:<15} acquired {r.acquired or '?'}  "
            f"({s:.5f},{w:.5f})-({n:.5f},{e:.5f}){rms}, opacity {r.opacity}"
        )
    return EXIT_OK


def cmd_domains(args: argparse.Namespace) -> int:
    from workbench.core.context.domains import domain_timings, domains, index_domains
    from workbench.core.incident import Incident

    with Incident.open(args.file, read_only=not args.index) as inc:
        if args.index:
            index_domains(inc)
        found = domains(inc)
        timings = domain_timings(inc)
    if args.json:
        print_json([d.to_json() for d in found])
        return EXIT_OK
    for t in timings:
        print(t.text)
    for d in found:
        dates = []
        if d.registered_utc:
            dates.append(f"registered {d.registered_utc}")
        if d.first_certificate_utc:
            dates.append(f"first certificate {d.first_certificate_utc}")
        print(f"{d.id:>4}  {d.unicode_name:<40} {d.posts} posts, {d.accounts} accounts, {d.documents} pages  "
              + "; ".join(dates))  # fmt: skip
    return EXIT_OK


def cmd_attach(args: argparse.Namespace) -> int:
    from workbench.core.context.domains import attach_record, import_record_file
    from workbench.core.incident import Incident

    with Incident.open(args.file) as inc:
        if args.record == "-":
            changes = attach_record(inc, sys.stdin.read(), domain=args.domain, kind=args.kind, note="pasted")
        else:
            changes = import_record_file(inc, Path(args.record), domain=args.domain, kind=args.kind)
    record_id = changes.ids["domain_records"][0]
    if args.json:
        print_json({"domain_record_id": record_id, "domain_id": changes.ids["domains"][0]})
    else:
        print(f"record {record_id} attached to domain {changes.ids['domains'][0]}")
    return EXIT_OK


def cmd_aliases(args: argparse.Namespace) -> int:
    from workbench.core.context.aliases import alias_candidates
    from workbench.core.incident import Incident

    with Incident.open(args.file, read_only=True) as inc:
        found = alias_candidates(inc, min_score=args.min_score, same_platform=args.same_platform)
    if args.json:
        print_json([c.to_json() for c in found])
        return EXIT_OK
    for c in found:
        print(f"{c.score:.2f}  {c.label_a} ({c.account_a}) ~ {c.label_b} ({c.account_b})  [{c.status}]")
        for reason in c.reasons:
            print(f"      - {reason}")
    if not found:
        print("no alias candidates")
    return EXIT_OK


def cmd_alias(args: argparse.Namespace) -> int:
    from workbench.core.context.aliases import decide_alias
    from workbench.core.incident import Incident

    decision = {"confirm": "confirmed", "reject": "rejected", "clear": None}[args.decision]
    with Incident.open(args.file, analyst=args.analyst) as inc:
        changes = decide_alias(inc, args.account_a, args.account_b, decision, note=args.note)  # type: ignore[arg-type]
    print(
        f"{args.account_a} ~ {args.account_b}: {decision or 'undecided'}" + ("" if changes.topics else " (no change)")
    )
    return EXIT_OK


def cmd_observations(args: argparse.Namespace) -> int:
    from datetime import timedelta

    from workbench.core.context._common import require_utc
    from workbench.core.context.observations import observations_near, spells
    from workbench.core.incident import Incident

    at = None
    if args.at:
        from datetime import datetime

        at = datetime.fromisoformat(require_utc(args.at, "The time"))
    with Incident.open(args.file, read_only=True) as inc:
        near = observations_near(
            inc, lat=args.lat, lon=args.lon, at=at, radius_km=args.radius_km,
            window=timedelta(hours=args.window_h), variable=args.variable,
        )  # fmt: skip
    found = spells(near)
    if args.json:
        print_json({"observations": [o.to_json() for o in near], "spells": [s.to_json() for s in found]})
        return EXIT_OK
    for s in found:
        print(s.text)
    if not near:
        print("no observation near that place and time")
    return EXIT_OK


def cmd_events(args: argparse.Namespace) -> int:
    from workbench.core.context import context_events
    from workbench.core.incident import Incident

    with Incident.open(args.file, read_only=True) as inc:
        events = context_events(inc)
    if args.json:
        print_json([e.to_json() for e in events])
        return EXIT_OK
    for e in events:
        span = "" if e.start == e.end else f"  ({e.start.isoformat()} … {e.end.isoformat()})"
        print(f"{e.at.isoformat()}  {e.lane:<13} {_safe(e.label)}{span}")
    return EXIT_OK


def cmd_counts(args: argparse.Namespace) -> int:
    from workbench.core.context import context_counts
    from workbench.core.incident import Incident

    with Incident.open(args.file, read_only=True) as inc:
        counts = context_counts(inc)
    if args.json:
        print_json(counts)
    else:
        print(", ".join(f"{v} {k.replace('_', ' ')}" for k, v in counts.items()))
    return EXIT_OK
