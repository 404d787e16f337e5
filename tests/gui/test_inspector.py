"""The inspector on real pictures: drawing, editing, moving, undoing and redoing annotations; orientation;
forensic layers; video frames and keyframes as derived items."""

from __future__ import annotations

import io
from pathlib import Path

import piexif
import pytest
from PIL import Image
from PySide6.QtCore import QPoint, Qt

from tests.gui.conftest import wait_idle
from workbench.core import annotations as ann
from workbench.core.incident import Incident
from workbench.core.ingest import add_evidence
from workbench.core.undo import CreateAnnotation


def _show(qtbot, window, media_id: int) -> None:  # type: ignore[no-untyped-def]
    qtbot.waitUntil(lambda: window.evidence.model.row_of(media_id) is not None, timeout=10000)
    window.evidence.select_id(media_id)
    qtbot.waitUntil(
        lambda: window.inspector.picture is not None and window.inspector.picture.media_id == media_id, timeout=10000
    )


def _drag(qtbot, canvas, a: tuple[float, float], b: tuple[float, float]) -> None:  # type: ignore[no-untyped-def]
    start = canvas.from_stored(*a).toPoint()
    end = canvas.from_stored(*b).toPoint()
    vp = canvas.viewport()
    qtbot.mousePress(vp, Qt.MouseButton.LeftButton, pos=start)
    mid = QPoint((start.x() + end.x()) // 2, (start.y() + end.y()) // 2)
    qtbot.mouseMove(vp, mid)
    qtbot.mouseMove(vp, end)
    qtbot.mouseRelease(vp, Qt.MouseButton.LeftButton, pos=end)


def test_draw_edit_undo_redo_an_annotation(qtbot, window, small_incident: Path) -> None:  # type: ignore[no-untyped-def]
    window.open_path(small_incident)
    _show(qtbot, window, 1)
    inspector, canvas, incident = window.inspector, window.inspector.canvas, window.ctx.incident
    inspector.set_tool("rect")
    _drag(qtbot, canvas, (40, 30), (140, 90))
    [record] = ann.list_annotations(incident, 1)
    x, y, w, h = (record.geometry[k] for k in ("x", "y", "w", "h"))
    # Drawn with the mouse on a zoomed view: within a pixel or two of where the pointer went, in stored pixels.
    assert abs(x - 40) < 2 and abs(y - 30) < 2 and abs(w - 100) < 3 and abs(h - 60) < 3
    assert window.ctx.current_annotation_id == record.id
    # The annotation panel shows it and edits it.
    panel = window.annotations
    assert panel.model.rowCount() == 1 and panel.editor.isVisible()
    panel.label.setText("water line")
    panel.label.editingFinished.emit()
    panel.category.setCurrentIndex(panel.category.findData("landmark"))
    panel.category.activated.emit(panel.category.currentIndex())
    assert ann.annotation(incident, record.id).label == "water line"
    assert ann.annotation(incident, record.id).category == "landmark"
    # Move it with the select tool: drag its body.
    inspector.set_tool("select")
    canvas.select_annotation(record.id)
    _drag(qtbot, canvas, (40, 60), (60, 80))
    moved = ann.annotation(incident, record.id).geometry
    assert abs(moved["x"] - 60) < 2 and abs(moved["y"] - 50) < 2 and abs(moved["w"] - w) < 0.01
    # Undo the move, the category and the label, then the creation; redo all of it.
    stack = window.ctx.undo_stack
    assert stack.undoText() == "Move annotation"
    for _ in range(3):
        window.act_undo.trigger()
    assert ann.annotation(incident, record.id).geometry == record.geometry
    assert ann.annotation(incident, record.id).label == ""
    window.act_undo.trigger()
    assert ann.list_annotations(incident, 1) == []
    assert canvas.annotation_item(record.id) is None and panel.model.rowCount() == 0
    for _ in range(4):
        window.act_redo.trigger()
    again = ann.annotation(incident, record.id)
    assert (again.label, again.category, again.geometry) == ("water line", "landmark", moved)
    assert canvas.annotation_item(record.id) is not None
    actions = [e.action for e in incident.audit_log() if e.object_type == "annotation"]
    assert actions[0] == "annotation.create" and "annotation.delete" in actions and "annotation.restore" in actions
    # Delete with the key, then undo.
    canvas.setFocus()
    canvas.select_annotation(record.id)
    window.ctx.select_annotation(record.id)
    inspector.act_delete.trigger()
    assert ann.list_annotations(incident, 1) == []
    window.act_undo.trigger()
    assert len(ann.list_annotations(incident, 1)) == 1


@pytest.mark.parametrize("shape", ["ellipse", "line", "arrow"])
def test_two_point_shapes(qtbot, window, small_incident: Path, shape: str) -> None:  # type: ignore[no-untyped-def]
    window.open_path(small_incident)
    _show(qtbot, window, 2)
    window.inspector.set_tool(shape)
    _drag(qtbot, window.inspector.canvas, (20, 20), (120, 100))
    [record] = ann.list_annotations(window.ctx.incident, 2)
    assert record.shape == shape


def test_polygon_point_and_text(qtbot, window, small_incident: Path) -> None:  # type: ignore[no-untyped-def]
    window.open_path(small_incident)
    _show(qtbot, window, 3)
    canvas, vp = window.inspector.canvas, window.inspector.canvas.viewport()
    window.inspector.set_tool("polygon")
    for x, y in ((30, 30), (150, 40), (120, 150)):
        qtbot.mouseClick(vp, Qt.MouseButton.LeftButton, pos=canvas.from_stored(x, y).toPoint())
    qtbot.mouseDClick(vp, Qt.MouseButton.LeftButton, pos=canvas.from_stored(60, 170).toPoint())
    window.inspector.set_tool("point")
    qtbot.mouseClick(vp, Qt.MouseButton.LeftButton, pos=canvas.from_stored(200, 100).toPoint())
    window.inspector.set_tool("text")
    qtbot.mouseClick(vp, Qt.MouseButton.LeftButton, pos=canvas.from_stored(100, 200).toPoint())
    shapes = {a.shape: a for a in ann.list_annotations(window.ctx.incident, 3)}
    assert set(shapes) == {"polygon", "point", "text"}
    assert len(shapes["polygon"].geometry["points"]) == 4
    assert abs(shapes["point"].geometry["x"] - 200) < 2
    assert shapes["text"].label == "Text"
    assert window.annotations.label.selectedText() == "Text"  # selected, ready to be typed over


def _rotated_jpeg() -> bytes:
    """A 240 x 120 stored JPEG whose EXIF says: turn 90° clockwise to view (Orientation 6)."""
    img = Image.new("RGB", (240, 120), (30, 90, 160))
    img.paste((250, 250, 40), (0, 0, 40, 40))  # a yellow square in the stored top-left corner
    buf = io.BytesIO()
    img.save(buf, "JPEG", quality=95, exif=piexif.dump({"0th": {piexif.ImageIFD.Orientation: 6}}))
    return buf.getvalue()


def test_annotations_stay_on_stored_pixels_under_orientation(qtbot, window, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    photo = tmp_path / "rotated.jpg"
    photo.write_bytes(_rotated_jpeg())
    path = tmp_path / "rot.incident"
    with Incident.create(path, title="Rotated") as inc:
        add_evidence(inc, [photo], workers=1)
    window.open_path(path)
    _show(qtbot, window, 1)
    canvas = window.inspector.canvas
    assert window.inspector.picture.orientation == 6
    shown = canvas.base.sceneBoundingRect()
    assert (round(shown.width()), round(shown.height())) == (120, 240)  # turned upright
    # Stored top-left is shown at the top-right after a clockwise turn.
    top_left = canvas.from_stored(0, 0)
    assert top_left.x() > canvas.from_stored(0, 119).x()
    window.inspector.set_tool("rect")
    _drag(qtbot, canvas, (5, 5), (35, 35))  # over the yellow square, wherever it is shown
    [record] = ann.list_annotations(window.ctx.incident, 1)
    assert abs(record.geometry["x"] - 5) < 2 and abs(record.geometry["y"] - 5) < 2
    item = canvas.annotation_item(record.id)
    before = item.sceneBoundingRect()
    window.inspector.act_orient.trigger()  # show the stored pixels
    assert not canvas.apply_orientation
    assert item.points == canvas.annotation_item(record.id).points  # same stored coordinates
    assert item.sceneBoundingRect() != before  # drawn elsewhere on screen, still on the same pixels
    colour = canvas.image.pixelColor(20, 20)
    assert colour.red() > 200 and colour.blue() < 120  # the stored pixels under it are the yellow square


def test_switch_forensic_layers(qtbot, window, demo_incident: Path) -> None:  # type: ignore[no-untyped-def]
    inspector = window.inspector
    if len(inspector._views) < 2:
        pytest.skip("the forensic views are not installed")
    window.open_path(demo_incident)
    _show(qtbot, window, window.ctx.incident.find_media("riverton_square_edit.jpg").id)
    canvas = inspector.canvas
    inspector.choose_layer("ela")
    qtbot.waitUntil(lambda: inspector.layer is not None and inspector.layer.name == "ela", timeout=20000)
    assert canvas.overlay.isVisible() and canvas.base.isVisible()
    assert inspector.layer.record["params"]["quality"] == 90
    assert "Cannot prove" in inspector.layer_note.text()
    inspector._param_widgets["quality"].setValue(75)
    qtbot.waitUntil(lambda: inspector.layer.record["params"]["quality"] == 75, timeout=20000)
    inspector.choose_layer("jpeg_quality")
    qtbot.waitUntil(lambda: inspector.layer is not None and inspector.layer.name == "jpeg_quality", timeout=20000)
    assert canvas.standalone.isVisible() != canvas.overlay.isVisible()
    inspector.choose_layer("noise")
    qtbot.waitUntil(lambda: inspector.layer is not None and inspector.layer.name == "noise", timeout=20000)
    assert canvas.overlay.isVisible()
    inspector.choose_layer(None)
    assert not canvas.overlay.isVisible() and not canvas.standalone.isVisible()
    wait_idle(qtbot, window.ctx)


def _small_video(path: Path) -> None:
    from workbench.core.demo import video_bytes

    path.write_bytes(video_bytes(seconds=3.0, fps=10, size=(160, 120)))


def test_video_scrub_add_frame_and_extract_keyframes(qtbot, window, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    clip = tmp_path / "clip.mp4"
    _small_video(clip)
    path = tmp_path / "video.incident"
    with Incident.create(path, title="Video") as inc:
        add_evidence(inc, [clip], workers=1)
    window.open_path(path)
    _show(qtbot, window, 1)
    inspector = window.inspector
    assert inspector.picture.kind == "video" and inspector.video_bar.isVisible()
    assert not inspector.tool_actions["rect"].isEnabled()  # annotate a frame, not the video
    inspector.seek(1.5)
    qtbot.waitUntil(lambda: inspector.time_label.text().endswith("frame 15"), timeout=10000)
    qtbot.keyClick(inspector.scrubber, Qt.Key.Key_Right)  # one frame on
    qtbot.waitUntil(lambda: inspector.time_label.text().endswith("frame 16"), timeout=10000)
    assert inspector.time_label.text().startswith("0:01.600")
    inspector.add_frame()
    qtbot.waitUntil(lambda: window.evidence.model.rowCount() == 2, timeout=20000)
    task = inspector.extract_keyframes()
    with qtbot.waitSignal(task.finished, timeout=30000):
        pass
    wait_idle(qtbot, window.ctx)
    incident = window.ctx.incident
    derived = [m for m in incident.media_items() if m.parent_id == 1]
    methods = {m.derivation["method"] for m in derived}
    assert "keyframe by scene change" in methods and "frame at time" in methods
    keys = [m for m in derived if m.derivation["method"] == "keyframe by scene change"]
    assert len(keys) == 3  # three scenes in the generated clip
    assert all(m.kind == "image" and m.derivation["source_sha256"] == incident.media_item(1).sha256 for m in derived)
    assert all(m.phash and m.has_thumbnail for m in derived)  # hashed and searchable like any photo
    qtbot.waitUntil(lambda: window.evidence.model.rowCount() == 1 + len(derived), timeout=10000)
    # A keyframe is an ordinary picture: it can be annotated.
    _show(qtbot, window, keys[0].id)
    assert window.inspector.tool_actions["rect"].isEnabled()


def test_resize_by_a_handle_and_list_mode(qtbot, window, small_incident: Path) -> None:  # type: ignore[no-untyped-def]
    window.open_path(small_incident)
    _show(qtbot, window, 1)
    canvas, incident = window.inspector.canvas, window.ctx.incident
    command = CreateAnnotation(1, "rect", {"x": 50, "y": 40, "w": 100, "h": 60})
    assert window.ctx.push(command)
    window.inspector.set_tool("select")
    window.ctx.select_annotation(command.annotation_id)
    item = canvas.annotation_item(command.annotation_id)
    assert item is not None and item.isSelected()
    _drag(qtbot, canvas, (150, 100), (190, 130))  # the bottom-right handle
    g = ann.annotation(incident, command.annotation_id).geometry
    assert abs(g["x"] - 50) < 1 and abs(g["y"] - 40) < 1  # the other corner stays
    assert abs(g["w"] - 140) < 3 and abs(g["h"] - 90) < 3
    assert window.ctx.undo_stack.undoText() == "Move annotation"
    # The browser's list mode shows the same items in rows.
    browser = window.evidence
    browser.grid_button.click()
    assert browser.view.viewMode() == browser.view.ViewMode.ListMode and not browser.delegate.grid
    browser.grid_button.click()
    assert browser.view.viewMode() == browser.view.ViewMode.IconMode


def test_export_a_video_frame(qtbot, window, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    clip = tmp_path / "clip.mp4"
    _small_video(clip)
    path = tmp_path / "video.incident"
    with Incident.create(path, title="Video") as inc:
        add_evidence(inc, [clip], workers=1)
    window.open_path(path)
    _show(qtbot, window, 1)
    dest = tmp_path / "frame.png"
    window.inspector.export_frame(dest)
    qtbot.waitUntil(lambda: dest.exists() and dest.stat().st_size > 0, timeout=10000)
    with Image.open(dest) as frame:
        assert frame.size == (160, 120)
    assert window.ctx.incident.counts()["media"] == 1  # exporting does not add anything to the incident
