"""Make the sample report of the demo incident: `python docs/report-sample/make_sample.py [OUT_DIR]`.

Builds the demo incident, records the analysis an analyst would (annotations, a location hypothesis, a shadow
measurement with the time windows it gives, findings, the checklist and the verdict) through audited operations,
writes `sample-report.pdf` and PNG pages of it (pdftoppm) into OUT_DIR (default: this folder).
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path

from workbench.core import annotations as ann
from workbench.core import findings as fnd
from workbench.core.demo import DEMO_PLACE, build_demo
from workbench.core.incident import Incident
from workbench.core.store.audit import utc_now


def add_analysis(inc: Incident) -> None:
    """What an analyst would have recorded on the demo incident, each change audited."""
    items = {it.filename: it.id for it in inc.media_items()}
    original, second = items["DSCF4021.JPG"], items["DSCF4022.JPG"]
    repost, edit, other = (
        items["photo_2025-03-14_10-02-11.jpg"],
        items["riverton_square_edit.jpg"],
        items["IMG_20240611_121507.jpg"],
    )
    now = utc_now()
    with inc.write() as conn:
        hyp = int(
            conn.exec_driver_sql(
                "INSERT INTO location_hypothesis (label, lat, lon, radius_m, status, confidence, method, inputs_json, "
                "media_id, note, created_utc, modified_utc) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
                (
                    "Hauptplatz, Riverton (central Vienna)",
                    DEMO_PLACE[0],
                    DEMO_PLACE[1],
                    120.0,
                    "confirmed",
                    0.8,
                    "landmark match",
                    json.dumps({"clues": ["HAUPTPLATZ sign", "facade row"]}),
                    original,
                    "The blue HAUPTPLATZ sign and the row of facades match the square; the EXIF position of "
                    "DSCF4021.JPG is 0 m from it.",
                    now,
                    now,
                ),
            ).scalar_one()
        )
        inc.record(conn, "hypothesis.create", "location_hypothesis", hyp, {"label": "Hauptplatz", "lat": DEMO_PLACE[0]})
    ann.create_annotation(
        inc,
        original,
        "rect",
        {"x": 620, "y": 420, "w": 360, "h": 60},
        category="sign/text",
        label="HAUPTPLATZ street sign",
        note="Legible; names the square.",
        confidence=0.9,
        linked_hypothesis_id=hyp,
    )
    ann.create_annotation(
        inc,
        original,
        "polygon",
        {"points": [[0, 744], [1600, 744], [1600, 1200], [0, 1200]]},
        category="weather/sky",
        label="Standing water across the square",
        note="Reflections of the facades.",
    )
    ann.create_annotation(
        inc,
        original,
        "arrow",
        {"points": [[300, 160], [420, 330]]},
        category="landmark",
        label="Facade row",
        note="Same sequence of colours as on DSCF4022.JPG.",
    )
    ann.create_annotation(
        inc,
        edit,
        "rect",
        {"x": 0, "y": 744, "w": 1600, "h": 456},
        category="other",
        label="Same water as item 1",
        note="Pixel-identical scene; metadata claims 13 March.",
    )
    from workbench.core.sun.ephemeris import sun_position
    from workbench.core.sun.shadows import from_elevation
    from workbench.core.sun.solve import solve_when, windows_to_hypotheses

    # The demo's photos are synthetic: the "measured" elevation is the sun's at the EXIF time, rounded, ±1.5°.
    exif_utc = datetime(2025, 3, 14, 7, 42, 10, tzinfo=UTC)
    elevation = round(float(sun_position(DEMO_PLACE[0], DEMO_PLACE[1], exif_utc).apparent_elevation), 1)
    measured = from_elevation(elevation, 1.5, label="Lamp post shadow, DSCF4021.JPG")
    start = datetime(2025, 3, 13, 23, 0, tzinfo=UTC)
    end = datetime(2025, 3, 14, 23, 0, tzinfo=UTC)
    from workbench.core.sun.shadows import combine

    result = solve_when(DEMO_PLACE[0], DEMO_PLACE[1], combine([measured]), start, end)
    with inc.write() as conn:
        mid = int(
            conn.exec_driver_sql(
                "INSERT INTO shadow_measurement (media_id, label, inputs_json, assumptions_json, result_json, method, "
                "tool, created_utc) VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
                (
                    original,
                    measured.label,
                    json.dumps(measured.inputs),
                    json.dumps([a.to_json() for a in measured.assumptions]),
                    json.dumps(measured.to_json()),
                    "elevation",
                    "workbench sun (NREL SPA)",
                    now,
                ),
            ).scalar_one()
        )
        inc.record(conn, "shadow.measure", "shadow_measurement", mid, measured.to_json())
        for w in windows_to_hypotheses(result):
            wid = int(
                conn.exec_driver_sql(
                    "INSERT INTO time_window (label, start_utc, end_utc, kind, method, inputs_json, media_id, "
                    "hypothesis_id, note, created_utc) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
                    (
                        f"Sun at {elevation - 1.5:.1f}°-{elevation + 1.5:.1f}° (shadow)",
                        w["start_utc"],
                        w["end_utc"],
                        "shadow",
                        w["method"],
                        json.dumps(w["inputs"]),
                        original,
                        hyp,
                        "",
                        now,
                    ),
                ).scalar_one()
            )
            inc.record(
                conn, "window.create", "time_window", wid, {"start_utc": w["start_utc"], "end_utc": w["end_utc"]}
            )
    with inc.read() as conn:
        windows = [r[0] for r in conn.exec_driver_sql("SELECT id FROM time_window ORDER BY start_utc")]
    fnd.add_finding(
        inc,
        "DSCF4021.JPG is the earliest and most complete copy: camera original with EXIF time, GPS and direction.",
        confidence="high",
        evidence=[f"media:{original}", f"media:{repost}"],
    )
    fnd.add_finding(
        inc,
        "The picture shows the Hauptplatz in Riverton: the street sign and the facades match the square.",
        confidence="high",
        evidence=[f"media:{original}", "annotation:1", f"hypothesis:{hyp}"],
    )
    fnd.add_finding(
        inc,
        f"The shadows fit {result.local_text('Europe/Vienna')} local time on 14 March 2025; the EXIF time 08:42 "
        "falls in the morning window.",
        confidence="medium",
        evidence=[f"measurement:{mid}", *(f"window:{w}" for w in windows[:1])],
    )
    fnd.add_finding(
        inc,
        "riverton_square_edit.jpg is an edited copy (Photoshop) whose date was changed to 13 March; it is not "
        "independent evidence.",
        confidence="high",
        evidence=[f"media:{edit}", "annotation:4"],
    )
    fnd.add_finding(
        inc,
        "IMG_20240611_121507.jpg is an unrelated dry-weather photo from June 2024.",
        confidence="medium",
        evidence=[f"media:{other}", f"media:{second}"],
    )
    fnd.set_checklist_item(inc, "provenance", "done", "Camera original found; re-post and edit traced to it.")
    fnd.set_checklist_item(inc, "source", "partly done", "Photographer not yet contacted.")
    fnd.set_checklist_item(inc, "date", "done", "EXIF time and shadow windows agree.")
    fnd.set_checklist_item(inc, "place", "done", "Sign and facades match; EXIF GPS agrees.")
    fnd.set_checklist_item(inc, "motivation", "not done")
    fnd.set_verdict(
        inc,
        "likely",
        "The camera original, its place and its time agree with the claim. The photographer has not been "
        "reached, so the source step is incomplete.",
    )


def main(out_dir: Path) -> None:
    from workbench.render import write_report

    out_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        path = build_demo(Path(tmp) / "demo.incident")
        with Incident.open(path, analyst="Demo Analyst") as inc:
            add_analysis(inc)
            pdf = write_report(inc, out_dir / "sample-report.pdf")
    for old in out_dir.glob("page-*.png"):
        old.unlink()
    subprocess.run(["pdftoppm", "-r", "60", "-png", str(pdf), str(out_dir / "page")], check=True)
    print(pdf)


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).resolve().parent)
