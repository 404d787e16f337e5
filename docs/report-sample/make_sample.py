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
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from workbench.core import annotations as ann
from workbench.core import findings as fnd
from workbench.core.demo import DEMO_PLACE, build_demo
from workbench.core.incident import Incident
from workbench.core.store.audit import utc_now


def _rows(inc: Incident, sql: str) -> list[Any]:
    with inc.read() as conn:
        return list(conn.exec_driver_sql(sql).all())


def _add_hypothesis(inc: Incident, media_id: int) -> int:
    now = utc_now()
    with inc.write() as conn:
        hyp = int(
            conn.exec_driver_sql(
                "INSERT INTO location_hypothesis (label, lat, lon, radius_m, status, confidence, method, inputs_json, "
                "media_id, note, created_utc, modified_utc) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
                (
                    "Hauptplatz, Riverton",
                    DEMO_PLACE[0],
                    DEMO_PLACE[1],
                    120.0,
                    "confirmed",
                    0.8,
                    "landmark match",
                    json.dumps({"clues": ["HAUPTPLATZ sign", "facade row"]}),
                    media_id,
                    "The blue HAUPTPLATZ sign and the row of facades match the square.",
                    now,
                    now,
                ),
            ).scalar_one()
        )
        inc.record(conn, "hypothesis.create", "location_hypothesis", hyp, {"label": "Hauptplatz"})
    return hyp


def _add_shadow_windows(inc: Incident, media_id: int) -> None:
    """A measured elevation and the windows it gives (only when the demo does not bring its own)."""
    from workbench.core.sun.ephemeris import sun_position
    from workbench.core.sun.shadows import combine, from_elevation
    from workbench.core.sun.solve import solve_when, windows_to_hypotheses

    exif_utc = datetime(2025, 3, 14, 7, 42, 10, tzinfo=UTC)
    elevation = round(float(sun_position(DEMO_PLACE[0], DEMO_PLACE[1], exif_utc).apparent_elevation), 1)
    measured = from_elevation(elevation, 1.5, label="Lamp post shadow")
    result = solve_when(
        DEMO_PLACE[0], DEMO_PLACE[1], combine([measured]), exif_utc - timedelta(hours=9), exif_utc + timedelta(hours=12)
    )
    now = utc_now()
    with inc.write() as conn:
        mid = conn.exec_driver_sql(
            "INSERT INTO shadow_measurement (media_id, label, inputs_json, assumptions_json, result_json, method, "
            "tool, created_utc) VALUES (?, ?, ?, '[]', ?, 'elevation', 'workbench sun (NREL SPA)', ?) RETURNING id",
            (media_id, measured.label, json.dumps(measured.inputs), json.dumps(measured.to_json()), now),
        ).scalar_one()
        inc.record(conn, "shadow.measure", "shadow_measurement", mid, measured.to_json())
        for w in windows_to_hypotheses(result):
            wid = conn.exec_driver_sql(
                "INSERT INTO time_window (label, start_utc, end_utc, kind, method, inputs_json, media_id, note, "
                "created_utc) VALUES (?, ?, ?, 'shadow', ?, ?, ?, '', ?) RETURNING id",
                ("Shadows fit", w["start_utc"], w["end_utc"], w["method"], json.dumps(w["inputs"]), media_id, now),
            ).scalar_one()
            inc.record(conn, "window.create", "time_window", wid, {"start_utc": w["start_utc"]})


SAMPLE_POSTS = (
    (
        "https://t.me/riverton_news/4410",
        "riverton_news",
        "2025-03-14T08:55:00+01:00",
        "Main square under water this morning 🌊 Photo: reader. #Riverton",
    ),
    (
        "https://x.com/al_akhbar_now/status/1900512",
        "al_akhbar_now",
        "2025-03-14T12:20:00+03:00",
        "فيضانات في الساحة الرئيسية في ريفرتون صباح اليوم",
    ),
    (
        "https://t.me/novosti_mira/88213",
        "novosti_mira",
        "2025-03-14T11:02:00+02:00",
        "Наводнение на главной площади Ривертона сегодня утром",
    ),
    (
        "https://x.com/shijie_xinwen/status/1900533",
        "shijie_xinwen",
        "2025-03-14T17:40:00+08:00",
        "今天早上里弗顿主广场被洪水淹没",
    ),
    (
        "https://x.com/khabar_abhi/status/1900541",
        "khabar_abhi",
        "2025-03-14T15:10:00+05:30",
        "आज सुबह रिवरटन के चौक पर पानी",
    ),
    (
        "https://x.com/hadashot_kan/status/1900550",
        "hadashot_kan",
        "2025-03-14T12:45:00+02:00",
        "הצפה בכיכר המרכזית בריברטון הבוקר",
    ),
)


def add_posts(inc: Incident) -> None:
    """Posts recorded by hand (the posts area's own operation), in several scripts."""
    try:
        from workbench.core.posts.store import import_manual_post
    except ImportError:  # the posts area is optional in a build
        return
    for url, author, when, text in SAMPLE_POSTS:
        import_manual_post(inc, url=url, author=author, time=when, text=text)


def add_analysis(inc: Incident) -> None:
    """What an analyst would have recorded on the demo incident, each change audited. Builds on what the demo
    already holds (its shadow measurement, windows and hypothesis) and adds what is missing."""
    items = {it.filename: it.id for it in inc.media_items()}
    original, second = items["DSCF4021.JPG"], items["DSCF4022.JPG"]
    repost, edit, other = (
        items["photo_2025-03-14_10-02-11.jpg"],
        items["riverton_square_edit.jpg"],
        items["IMG_20240611_121507.jpg"],
    )
    shadow_item = items.get("DSCF4030.JPG", original)
    hyps = _rows(inc, "SELECT id FROM location_hypothesis ORDER BY id")
    hyp = int(hyps[0][0]) if hyps else _add_hypothesis(inc, original)
    try:
        from workbench.core.analysis import update_hypothesis

        update_hypothesis(inc, hyp, status="confirmed", confidence=0.85)
    except ImportError:
        pass
    if not _rows(inc, "SELECT id FROM shadow_measurement"):
        _add_shadow_windows(inc, shadow_item)
    measurement = int(_rows(inc, "SELECT id FROM shadow_measurement ORDER BY id")[0][0])
    windows = _rows(inc, "SELECT id, start_utc, end_utc FROM time_window ORDER BY start_utc")
    zone = ZoneInfo("Europe/Vienna")
    spans = " or ".join(
        f"{datetime.fromisoformat(s).astimezone(zone):%H:%M}-{datetime.fromisoformat(e).astimezone(zone):%H:%M}"
        for _, s, e in windows
    )

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
    sign = ann.list_annotations(inc, original)[0].id
    ann.create_annotation(
        inc,
        edit,
        "rect",
        {"x": 0, "y": 744, "w": 1600, "h": 456},
        category="other",
        label="Same water as DSCF4021.JPG",
        note="Pixel-identical scene; metadata claims 13 March.",
    )
    edit_mark = ann.list_annotations(inc, edit)[0].id
    fnd.add_finding(
        inc,
        "DSCF4021.JPG is the earliest and most complete copy: a camera original with EXIF time, GPS and direction; "
        "the re-post is a smaller copy of it without metadata.",
        confidence="high",
        evidence=[f"media:{original}", f"media:{repost}"],
    )
    fnd.add_finding(
        inc,
        "The picture shows the Hauptplatz in Riverton: the street sign and the facades match the square.",
        confidence="high",
        evidence=[f"media:{original}", f"annotation:{sign}", f"hypothesis:{hyp}"],
    )
    fnd.add_finding(
        inc,
        f"The shadows fit {spans} local time on 14 March 2025; the EXIF times of the camera originals "
        "(08:42-08:44) are in the morning window or within minutes of it.",
        confidence="medium",
        evidence=[f"measurement:{measurement}", *(f"window:{w[0]}" for w in windows[:2])],
    )
    fnd.add_finding(
        inc,
        "riverton_square_edit.jpg is an edited copy (Photoshop) whose date was changed to 13 March; it is not "
        "independent evidence.",
        confidence="high",
        evidence=[f"media:{edit}", f"annotation:{edit_mark}"],
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
            add_posts(inc)
            add_analysis(inc)
            pdf = write_report(inc, out_dir / "sample-report.pdf")
    for old in out_dir.glob("page-*.png"):
        old.unlink()
    subprocess.run(["pdftoppm", "-r", "60", "-png", str(pdf), str(out_dir / "page")], check=True)
    print(pdf)


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).resolve().parent)
