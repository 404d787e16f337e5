"""The metadata and annotation panels on the demo incident: flags first, grouped tags, filter, copy, Content
Credentials stated; annotation links; the loupe and histogram draw."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QGuiApplication

from tests.gui.test_inspector import _show
from workbench.core import annotations as ann
from workbench.core.undo import CreateAnnotation
from workbench.gui.panels.metadata.panel import tag_group


def test_tag_groups() -> None:
    assert tag_group("EXIF:IFD0", "Make") == "Camera"
    assert tag_group("EXIF:ExifIFD", "ExposureTime") == "Camera"
    assert tag_group("EXIF:ExifIFD", "DateTimeOriginal") == "Time"
    assert tag_group("EXIF:GPS", "GPSLatitude") == "Location"
    assert tag_group("EXIF:IFD0", "Software") == "Software and edits"
    assert tag_group("XMP", "CreatorTool") == "Software and edits"
    assert tag_group("EXIF:ExifIFD", "PixelXDimension") == "Image"
    assert tag_group("EXIF:IFD0", "Artist") == "Everything else"


def _group_titles(panel) -> list[str]:  # type: ignore[no-untyped-def]
    return [panel.proxy.index(r, 0).data() for r in range(panel.proxy.rowCount())]


def test_metadata_panel_flags_summary_groups_filter_copy(qtbot, window, demo_incident: Path) -> None:  # type: ignore[no-untyped-def]
    window.open_path(demo_incident)
    edited = window.ctx.incident.find_media("riverton_square_edit.jpg").id
    _show(qtbot, window, edited)
    panel = window.metadata
    qtbot.waitUntil(lambda: panel.heading.text() == "riverton_square_edit.jpg", timeout=10000)
    flags = [panel.flags_layout.itemAt(i).widget().text() for i in range(panel.flags_layout.count())]
    assert any("Editing software" in f for f in flags) and all("NOTICE" in f or "WARNING" in f for f in flags)
    summary = {
        panel.summary.itemAt(r, panel.summary.ItemRole.LabelRole).widget().text(): r
        for r in range(panel.summary.rowCount())
    }
    assert any("Software" in k for k in summary) and any("SHA-256" in k for k in summary)
    titles = _group_titles(panel)
    assert titles[0].startswith("Camera") and any(t.startswith("Software and edits") for t in titles)
    assert "Content Credentials" in panel.credentials.text() or "absence" in panel.credentials.text()
    # Filter: only matching tags (and their groups) stay.
    panel.filter.setText("Photoshop")
    titles = _group_titles(panel)
    assert len(titles) == 1 and titles[0].startswith("Software and edits")
    group = panel.proxy.index(0, 0)
    row = panel.proxy.index(0, 1, group)
    assert "Photoshop" in row.data()
    panel.tree.setCurrentIndex(row)
    panel.copy_value()
    assert "Photoshop" in QGuiApplication.clipboard().text()
    panel.filter.clear()
    assert len(_group_titles(panel)) > 2


def test_annotation_links_to_another_item(qtbot, window, small_incident: Path) -> None:  # type: ignore[no-untyped-def]
    window.open_path(small_incident)
    _show(qtbot, window, 1)
    command = CreateAnnotation(1, "point", {"x": 10, "y": 10}, {"label": "church"})
    assert window.ctx.push(command)
    window.ctx.select_annotation(command.annotation_id)
    panel = window.annotations
    box = panel.link_media
    assert [box.itemData(i) for i in range(box.count())] == [None, 2, 3]
    box.setCurrentIndex(box.findData(3))
    box.activated.emit(box.currentIndex())
    assert ann.annotation(window.ctx.incident, command.annotation_id).linked_media_id == 3
    panel.confidence.setValue(70)
    panel._confidence_changed()
    assert ann.annotation(window.ctx.incident, command.annotation_id).confidence == 0.7
    window.act_undo.trigger()
    window.act_undo.trigger()
    record = ann.annotation(window.ctx.incident, command.annotation_id)
    assert (record.linked_media_id, record.confidence) == (None, None)


def test_loupe_and_zoom(qtbot, window, small_incident: Path) -> None:  # type: ignore[no-untyped-def]
    window.open_path(small_incident)
    _show(qtbot, window, 1)
    inspector, canvas = window.inspector, window.inspector.canvas
    fitted = canvas.zoom
    inspector.act_actual.trigger()
    assert abs(canvas.zoom - 1.0) < 1e-6
    inspector.act_zoom_in.trigger()
    assert canvas.zoom > 1.0
    inspector.act_fit.trigger()
    assert abs(canvas.zoom - fitted) < 1e-6
    # The zoomed view's scroll bars go away, the viewport grows and the picture settles where it is shown.
    qtbot.waitUntil(lambda: not canvas.horizontalScrollBar().isVisible() and not canvas.verticalScrollBar().isVisible())
    qtbot.wait(20)
    centre = canvas.from_stored(160, 120).toPoint()
    qtbot.mouseMove(canvas.viewport(), centre)
    qtbot.mouseMove(canvas.viewport(), centre + QPoint(2, 0))
    # Mouse moves are delivered through the event queue: wait for the one just made.
    qtbot.waitUntil(lambda: "x 16" in inspector.pixel.text(), timeout=3000)
    assert "stored pixels" in inspector.pixel.toolTip()
    assert "RGB" in inspector.pixel.text()
    qtbot.mouseMove(canvas.viewport(), centre)
    without = canvas.viewport().grab().toImage()
    inspector.act_loupe.trigger()
    assert canvas.loupe_enabled
    qtbot.mouseMove(canvas.viewport(), centre + QPoint(1, 1))
    qtbot.mouseMove(canvas.viewport(), centre)
    with_loupe = canvas.viewport().grab().toImage()

    def white(image) -> int:  # type: ignore[no-untyped-def]
        return sum(
            1
            for x in range(image.width())
            for y in range(0, image.height(), 2)
            if min(image.pixelColor(x, y).getRgb()[:3]) >= 250
        )

    assert white(with_loupe) - white(without) > 200  # the loupe's white ring (~560 px around) appeared
    assert inspector.histogram.counts is not None and inspector.histogram.counts.shape == (4, 256)
    qtbot.keyClick(canvas, Qt.Key.Key_Escape)
