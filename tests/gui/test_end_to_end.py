"""One whole verification, driven through the real window offscreen as a person would.

New incident (through the New dialog), add the demo's media and an export of posts, open a photo and draw a
rectangle round the street sign, measure the lamp pole's shadow and solve for the time, place a hypothesis with a
click on the map, record a finding and a verdict, export the report. Then `workbench verify` passes and the
report's text holds the verdict, the hashes and the measured window.
"""

from __future__ import annotations

import subprocess
import sys
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from PySide6.QtCore import QPoint, Qt, QTimer
from PySide6.QtWidgets import QApplication

from tests.core.posts.posts_fixtures import write_twarc
from tests.gui.conftest import wait_idle
from workbench.core import annotations as ann
from workbench.core import findings as fnd
from workbench.core.analysis import list_hypotheses, list_time_windows
from workbench.core.demo import DEMO_PLACE, POLE_FILE, pole_scene, write_demo_files


def _drag(qtbot, canvas, a: tuple[float, float], b: tuple[float, float]) -> None:  # type: ignore[no-untyped-def]
    start, end = canvas.from_stored(*a).toPoint(), canvas.from_stored(*b).toPoint()
    vp = canvas.viewport()
    qtbot.mousePress(vp, Qt.MouseButton.LeftButton, pos=start)
    qtbot.mouseMove(vp, QPoint((start.x() + end.x()) // 2, (start.y() + end.y()) // 2))
    qtbot.mouseMove(vp, end)
    qtbot.mouseRelease(vp, Qt.MouseButton.LeftButton, pos=end)


def _show(qtbot, window, media_id: int) -> None:  # type: ignore[no-untyped-def]
    qtbot.waitUntil(lambda: window.evidence.model.row_of(media_id) is not None, timeout=15000)
    window.evidence.select_id(media_id)
    qtbot.waitUntil(
        lambda: window.inspector.picture is not None and window.inspector.picture.media_id == media_id, timeout=15000
    )


def test_one_whole_verification(qtbot, window, ctx, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    case = tmp_path / "riverton.incident"

    def fill_new_dialog() -> None:
        dialog = QApplication.activeModalWidget()
        assert dialog is not None, "the New incident dialog did not open"
        dialog.title.setText("Flooded square in Riverton")
        dialog.claim.setPlainText("A photo shows the main square of Riverton flooded on 14 March 2025.")
        dialog.path.setText(str(case))
        dialog._accept()

    QTimer.singleShot(200, fill_new_dialog)
    window.new_incident()
    assert ctx.incident is not None and ctx.incident.path == case

    # Evidence: the demo's photos and video, and a twarc2 export of posts.
    files = write_demo_files(tmp_path / "evidence")
    window.add_evidence_paths(files)
    wait_idle(qtbot, ctx, timeout=60000)
    window.panels["posts"].import_path(write_twarc(tmp_path / "tweets.jsonl"))
    wait_idle(qtbot, ctx, timeout=60000)
    inc = ctx.incident
    items = {m.filename: m for m in inc.media_items()}
    assert {"DSCF4021.JPG", POLE_FILE, "square_walk.mp4"} <= set(items)
    assert inc.counts()["posts"] > 0

    # Open the photo and mark the street sign.
    photo = items["DSCF4021.JPG"]
    _show(qtbot, window, photo.id)
    window.inspector.set_tool("rect")
    _drag(qtbot, window.inspector.canvas, (620, 420), (980, 480))
    (sign,) = ann.list_annotations(inc, photo.id)
    window.annotations.label.setText("Street sign: HAUPTPLATZ")
    window.annotations.label.editingFinished.emit()
    assert ann.annotation(inc, sign.id).label == "Street sign: HAUPTPLATZ"

    # Measure the lamp pole's shadow on its photo and solve for the time of day.
    pole = items[POLE_FILE]
    ctx.select_media([pole.id])
    sun = window.panels["sun"]
    qtbot.waitUntil(lambda: sun.media_id == pole.id, timeout=20000)
    scene = pole_scene()
    for point in (scene.base, scene.top, scene.tip):
        sun.area.tool.place_point(point.x, point.y)
    sun.area.when.solve()
    qtbot.waitUntil(lambda: sun._result is not None and bool(sun._result.windows), timeout=20000)
    sun.save()
    wait_idle(qtbot, ctx)
    windows = list_time_windows(inc)
    assert windows

    # Place a hypothesis with a click on the map (the page's click reaches Python through the bridge).
    map_view = window.panels["map"].map
    qtbot.waitUntil(lambda: map_view.ready, timeout=60000)
    map_view.hypothesisAdded.emit(DEMO_PLACE[0], DEMO_PLACE[1])
    qtbot.waitUntil(lambda: len(list_hypotheses(inc)) == 1, timeout=10000)
    assert map_view.blocked_requests() == []  # nothing tried to leave the machine

    # A finding citing the photo and the sign, and the verdict.
    panel = window.panels["findings"]
    ctx.select_media([photo.id])
    ctx.select_annotation(sign.id)
    panel.statement.setText("The sign and facades match the Hauptplatz; the shadow fits 08:40 local.")
    panel.confidence.setCurrentText("high")
    panel.add_button.click()
    panel.verdict.setCurrentIndex(panel.verdict.findData("likely"))
    panel.rationale.setPlainText("Place and time of day fit; the date rests on EXIF alone.")
    panel.set_verdict_button.click()
    (finding,) = fnd.list_findings(inc)
    assert {e.ref for e in finding.evidence} >= {f"media:{photo.id}", f"annotation:{sign.id}"}

    # Export the report, then verify the incident from the command line.
    report = tmp_path / "report.pdf"
    window.export_report(report)
    wait_idle(qtbot, ctx, timeout=120000)
    assert report.exists()
    ctx.close_incident(announce=False)
    verified = subprocess.run(
        [sys.executable, "-m", "workbench", "verify", str(case)], capture_output=True, text=True, timeout=120
    )
    assert verified.returncode == 0, verified.stdout + verified.stderr

    from pypdf import PdfReader

    text = " ".join(page.extract_text() or "" for page in PdfReader(report).pages)
    flat = " ".join(text.split())
    assert "Likely" in flat
    assert photo.sha256 in flat.replace(" ", "") or photo.sha256[:16] in flat
    first = min(windows, key=lambda w: w.start_utc)
    local = datetime.fromisoformat(first.start_utc).astimezone(ZoneInfo("Europe/Vienna"))
    assert local.strftime("%H:%M") in flat, f"the measured window {local:%H:%M} is not in the report"
