"""Commands for findings, the verdict, the checklist and the PDF report: the whole write-up is scriptable.

workbench finding add case.incident --statement "EXIF time fits the shadows" --confidence high --evidence media:1
workbench verdict case.incident likely --rationale "..."
workbench checklist case.incident date done --note "EXIF time and shadows agree"
workbench report case.incident -o case.pdf --sections title,findings,evidence
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from workbench.cli import EXIT_OK, print_json, stderr_progress

_CONFIDENCES = ("low", "medium", "high")
_VERDICTS = ("verified", "likely", "unverified", "inconclusive", "misleading", "false")
_STATUSES = ("not done", "done", "partly done", "not possible", "not applicable")
_STEPS = ("provenance", "source", "date", "place", "motivation")
_SECTIONS = "title,findings,evidence,geolocation,chronolocation,timeline,posts,methodology,appendix"


def register(sub: Any) -> None:
    p = sub.add_parser(
        "report",
        help="write the verification report as a PDF",
        description="Write the report of an incident as a PDF (rendered with Qt, headless). Sections: "
        f"{_SECTIONS} (default: all).",
    )
    p.add_argument("file", help="the incident file")
    p.add_argument("-o", "--output", required=True, help="the PDF to write")
    p.add_argument("--sections", default=None, help=f"comma-separated, in any order: {_SECTIONS}")
    p.add_argument("--html", default=None, help="also write the report as one self-contained HTML file")
    p.add_argument("--pdfa", action="store_true", help="write PDF/A-1b (archival; fonts embedded, no transparency)")
    p.add_argument("--json", action="store_true", help="also print the findings, verdict and checklist as JSON")
    p.set_defaults(func=cmd_report)

    p = sub.add_parser("findings", help="list the findings, the verdict and the checklist")
    p.add_argument("file")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_findings)

    p = sub.add_parser("finding", help="add, change, remove or reorder findings")
    fs = p.add_subparsers(dest="finding_command", metavar="ACTION", required=True)
    add = fs.add_parser("add", help="add a finding with its evidence")
    add.add_argument("file")
    add.add_argument("--statement", required=True, help="one sentence saying what was found")
    add.add_argument("--confidence", default="medium", choices=_CONFIDENCES)
    add.add_argument("--note", default="")
    add.add_argument("--evidence", nargs="*", default=[], metavar="KIND:ID", help="e.g. media:3 post:12 annotation:4")
    add.add_argument("--analyst", default=None)
    add.add_argument("--json", action="store_true")
    add.set_defaults(func=cmd_finding_add)

    upd = fs.add_parser("update", help="change a finding (given fields only; --evidence replaces the list)")
    upd.add_argument("file")
    upd.add_argument("id", type=int)
    upd.add_argument("--statement", default=None)
    upd.add_argument("--confidence", default=None, choices=_CONFIDENCES)
    upd.add_argument("--note", default=None)
    upd.add_argument("--evidence", nargs="*", default=None, metavar="KIND:ID")
    upd.add_argument("--analyst", default=None)
    upd.set_defaults(func=cmd_finding_update)

    rm = fs.add_parser("delete", help="remove a finding (the audit log keeps it)")
    rm.add_argument("file")
    rm.add_argument("id", type=int)
    rm.add_argument("--analyst", default=None)
    rm.set_defaults(func=cmd_finding_delete)

    order = fs.add_parser("reorder", help="put the findings in this order (every id once)")
    order.add_argument("file")
    order.add_argument("ids", type=int, nargs="+")
    order.add_argument("--analyst", default=None)
    order.set_defaults(func=cmd_finding_reorder)

    p = sub.add_parser("verdict", help="set the verdict on the claim, with its rationale")
    p.add_argument("file")
    p.add_argument("verdict", choices=_VERDICTS)
    p.add_argument("--rationale", default=None, help="why (kept unchanged when not given)")
    p.add_argument("--analyst", default=None)
    p.set_defaults(func=cmd_verdict)

    p = sub.add_parser("checklist", help="record how far one of the usual verification steps went")
    p.add_argument("file")
    p.add_argument("step", choices=_STEPS)
    p.add_argument("status", choices=_STATUSES)
    p.add_argument("--note", default=None, help="what was done, or why it could not be")
    p.add_argument("--analyst", default=None)
    p.set_defaults(func=cmd_checklist)


def cmd_report(args: argparse.Namespace) -> int:
    from workbench.core.errors import WorkbenchError
    from workbench.core.incident import Incident
    from workbench.core.report import build_report, parse_sections
    from workbench.core.tasks import Progress

    sections = parse_sections(args.sections)
    try:
        from workbench.render import missing_scripts, software_lines, write_pdf
    except ImportError as exc:
        raise WorkbenchError(f"The PDF report needs PySide6 (Qt), which cannot be loaded here: {exc}") from exc
    progress = Progress(stderr_progress)
    out = Path(args.output)
    with Incident.open(args.file, read_only=True) as inc:
        report = build_report(inc, sections, progress=progress, software=software_lines())
    for script, package in missing_scripts().items():
        sys.stderr.write(f"workbench: no installed font shows {script} text; install {package}.\n")
    pages = write_pdf(report, out, progress, archival=args.pdfa)
    if args.html:
        Path(args.html).write_text(report.standalone_html(), encoding="utf-8")
    sys.stderr.write(
        f"Wrote {out} ({pages} page{'s' if pages != 1 else ''}). "
        f"Content digest {report.content_digest}; audit head {report.audit_head}.\n"
    )
    if args.json:
        print_json(report.findings | {"content_digest": report.content_digest, "report": str(out), "pages": pages})
    return EXIT_OK


def cmd_findings(args: argparse.Namespace) -> int:
    from workbench.core.findings import findings_json
    from workbench.core.incident import Incident

    with Incident.open(args.file, read_only=True) as inc:
        data = findings_json(inc)
    if args.json:
        print_json(data)
        return EXIT_OK
    v = data["verdict"]
    print(f"Verdict: {v['title']}" + (f" — {v['rationale']}" if v["rationale"] else ""))
    for i, f in enumerate(data["findings"], start=1):
        refs = ", ".join(e["ref"] for e in f["evidence"]) or "no evidence cited"
        print(f"F{i} [id {f['id']}, {f['confidence']}] {f['statement']}  ({refs})")
    if not data["findings"]:
        print("No findings recorded.")
    for c in data["checklist"]:
        print(f"  {c['title']:<11} {c['status']:<15} {c['note']}")
    return EXIT_OK


def cmd_finding_add(args: argparse.Namespace) -> int:
    from workbench.core.findings import add_finding, finding
    from workbench.core.incident import Incident

    with Incident.open(args.file, analyst=args.analyst) as inc:
        changes = add_finding(
            inc, args.statement, confidence=args.confidence, note=args.note, evidence=list(args.evidence)
        )
        new_id = changes.ids["findings"][0]
        if args.json:
            print_json(finding(inc, new_id).to_json())
        else:
            print(f"Finding {new_id} added.")
    return EXIT_OK


def cmd_finding_update(args: argparse.Namespace) -> int:
    from workbench.core.findings import update_finding
    from workbench.core.incident import Incident

    with Incident.open(args.file, analyst=args.analyst) as inc:
        changes = update_finding(
            inc,
            args.id,
            statement=args.statement,
            confidence=args.confidence,
            note=args.note,
            evidence=args.evidence,
        )
    print(f"Finding {args.id} updated." if changes.topics else f"Finding {args.id} unchanged.")
    return EXIT_OK


def cmd_finding_delete(args: argparse.Namespace) -> int:
    from workbench.core.findings import delete_finding
    from workbench.core.incident import Incident

    with Incident.open(args.file, analyst=args.analyst) as inc:
        delete_finding(inc, args.id)
    print(f"Finding {args.id} removed (the audit log keeps what it said).")
    return EXIT_OK


def cmd_finding_reorder(args: argparse.Namespace) -> int:
    from workbench.core.findings import reorder_findings
    from workbench.core.incident import Incident

    with Incident.open(args.file, analyst=args.analyst) as inc:
        reorder_findings(inc, args.ids)
    print("Findings reordered.")
    return EXIT_OK


def cmd_verdict(args: argparse.Namespace) -> int:
    from workbench.core.findings import get_verdict, set_verdict
    from workbench.core.incident import Incident

    with Incident.open(args.file, analyst=args.analyst) as inc:
        set_verdict(inc, args.verdict, args.rationale)
        print(f"Verdict: {get_verdict(inc).title}.")
    return EXIT_OK


def cmd_checklist(args: argparse.Namespace) -> int:
    from workbench.core.findings import set_checklist_item
    from workbench.core.incident import Incident

    with Incident.open(args.file, analyst=args.analyst) as inc:
        set_checklist_item(inc, args.step, args.status, args.note)
    print(f"{args.step}: {args.status}.")
    return EXIT_OK
