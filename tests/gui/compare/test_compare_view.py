"""The compare panel on a real incident: a photo larger than the display limit and a GeoTIFF reference."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from PySide6.QtCore import QPointF, Qt

from tests.core.context.makers import make_geotiff
from tests.gui.conftest import wait_idle

PHOTO_SIZE = (4800, 1200)  # wider than 4096: shown downscaled, clicks still land on stored pixels
PHOTO_RGB = (220, 30, 30)


def _photo(path: Path) -> Path:
    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGB", PHOTO_SIZE, PHOTO_RGB).save(buf, "JPEG", quality=95)
    path.write_bytes(buf.getvalue())
    return path


@pytest.fixture
def compare_incident(tmp_path: Path) -> tuple[Path, int, int]:
    """(incident path, photo media id, reference media id)."""
    from workbench.core.context import import_context_file
    from workbench.core.context.reference import reference_images
    from workbench.core.incident import Incident
    from workbench.core.ingest import add_evidence

    path = tmp_path / "compare.incident"
    with Incident.create(path, title="Water tower", claim="The tower fell on Monday.") as inc:
        report = add_evidence(inc, [_photo(tmp_path / "street.jpg")], workers=1)
        photo_id = report.outcomes[0].media_id
        import_context_file(inc, make_geotiff(tmp_path / "satellite.tif", size=(64, 48)), acquired="2024-04-28")
        (ref,) = reference_images(inc)
    assert photo_id is not None
    return path, photo_id, ref.media_id


def _make(qtbot, ctx, path: Path):  # type: ignore[no-untyped-def]
    from workbench.gui.panels.compare import AREA, TITLE, CompareView, make_panel

    assert (TITLE, AREA) == ("Compare", "right")
    ctx.open_incident(path)
    panel = make_panel(ctx, None)
    assert isinstance(panel, CompareView)
    qtbot.addWidget(panel)
    panel.resize(1000, 700)
    panel.show()
    qtbot.waitExposed(panel)
    return panel


def _centre_colour(view) -> tuple[int, int, int]:  # type: ignore[no-untyped-def]
    image = view.viewport().grab().toImage()
    c = image.pixelColor(image.width() // 2, image.height() // 2)
    return c.red(), c.green(), c.blue()


def _near(a: tuple[int, int, int], b: tuple[int, int, int], tol: int = 24) -> bool:
    return all(abs(x - y) <= tol for x, y in zip(a, b, strict=True))


def test_compare_swipe_and_link_a_point(qtbot, ctx, compare_incident) -> None:  # type: ignore[no-untyped-def]
    from workbench.core.annotations import list_annotations

    path, photo_id, ref_media_id = compare_incident
    panel = _make(qtbot, ctx, path)
    ctx.select_media([photo_id])
    wait_idle(qtbot, ctx)
    qtbot.waitUntil(lambda: panel.left_view.has_picture and panel.right_view.has_picture, timeout=10000)

    # The pickers: the reference by its label and acquisition date; the photo follows the current item.
    assert panel.stack.currentIndex() == 1
    assert panel.reference_picker.count() == 1
    assert "satellite" in panel.reference_picker.itemText(0)
    assert "2024-04-28" in panel.reference_picker.itemText(0)
    assert panel.photo_picker.currentData() == photo_id
    assert panel.shown["left"].media_id == ref_media_id
    photo = panel.shown["right"]
    assert (photo.stored_width, photo.stored_height) == PHOTO_SIZE
    assert max(photo.image.width(), photo.image.height()) == 4096  # downscaled for display only
    assert "stored pixels" in panel.pixels_note.text()

    # Swipe: the divider moves the reference's clip, and what the centre of the view shows.
    panel.set_mode("swipe")
    assert panel.swipe_controls.isVisible() and panel.views.currentWidget() is panel.swipe_view
    swipe = panel.swipe_view
    qtbot.wait(50)
    panel.divider.setValue(100)
    qtbot.wait(50)
    assert swipe.reference.clip().width() == pytest.approx(64)
    reference_colour = _centre_colour(swipe)
    assert not _near(reference_colour, PHOTO_RGB)  # the reference's gradient (blue 128) covers the photo
    panel.divider.setValue(20)
    qtbot.wait(50)
    assert swipe.reference.clip().width() == pytest.approx(0.2 * 64)
    assert swipe.divider.line().x1() == pytest.approx(0.2 * 64)
    assert _near(_centre_colour(swipe), PHOTO_RGB)  # right of the divider: the photo
    panel.divider.setValue(100)
    panel.opacity.setValue(0)
    qtbot.wait(50)
    assert _near(_centre_colour(swipe), PHOTO_RGB)  # a transparent reference shows the photo beneath

    # Link a point: a click on the reference, then on the photo, at known stored pixels.
    panel.link_label.setText("water tower")
    panel.link_button.click()
    assert panel.linking and panel.mode == "side"
    qtbot.wait(50)
    ref_point, photo_point = QPointF(40.5, 12.5), QPointF(3000.0, 700.0)
    for view, point in ((panel.left_view, ref_point), (panel.right_view, photo_point)):
        pos = view.mapFromScene(point)
        qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=pos)
    on_ref = list_annotations(ctx.incident, ref_media_id)
    on_photo = list_annotations(ctx.incident, photo_id)
    assert len(on_ref) == 1 and len(on_photo) == 1
    a, b = on_ref[0], on_photo[0]
    assert (a.shape, a.category, a.label) == ("point", "landmark", "water tower")
    assert (b.shape, b.category, b.label) == ("point", "landmark", "water tower")
    assert a.linked_media_id == photo_id and b.linked_media_id == ref_media_id
    # Stored pixels: a view pixel is ~0.1 stored px on the zoomed-in reference, ~5 on the downscaled wide photo.
    assert a.geometry["x"] == pytest.approx(ref_point.x(), abs=0.5)
    assert a.geometry["y"] == pytest.approx(ref_point.y(), abs=0.5)
    assert b.geometry["x"] == pytest.approx(photo_point.x(), abs=8)
    assert b.geometry["y"] == pytest.approx(photo_point.y(), abs=8)
    actions = [e.action for e in ctx.incident.audit_log()]
    assert actions.count("annotation.create") == 2
    wait_idle(qtbot, ctx)
    qtbot.waitUntil(lambda: len(panel.landmarks) == 2)  # drawn on both views

    # One undo removes both halves of the link (and the audit log keeps both the creation and the undo).
    ctx.undo_stack.undo()
    assert list_annotations(ctx.incident, ref_media_id) == []
    assert list_annotations(ctx.incident, photo_id) == []
    assert [e.action for e in ctx.incident.audit_log()].count("annotation.delete") == 2
    wait_idle(qtbot, ctx)
    qtbot.waitUntil(lambda: panel.landmarks == ())
    ctx.undo_stack.redo()
    assert len(list_annotations(ctx.incident, ref_media_id)) == 1


def test_linked_views_follow_each_other(qtbot, ctx, compare_incident) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtCore import QPoint
    from PySide6.QtGui import QWheelEvent
    from PySide6.QtWidgets import QApplication

    path, _, _ = compare_incident
    panel = _make(qtbot, ctx, path)
    wait_idle(qtbot, ctx)
    qtbot.waitUntil(lambda: panel.left_view.has_picture and panel.right_view.has_picture, timeout=10000)

    def wheel(view) -> None:  # type: ignore[no-untyped-def]
        centre = QPointF(view.viewport().rect().center())
        event = QWheelEvent(
            centre,
            QPointF(view.viewport().mapToGlobal(centre.toPoint())),
            QPoint(0, 0),
            QPoint(0, 240),
            Qt.MouseButton.NoButton,
            Qt.KeyboardModifier.NoModifier,
            Qt.ScrollPhase.NoScrollPhase,
            False,
        )
        QApplication.sendEvent(view.viewport(), event)

    def assert_centred() -> None:
        for view in (panel.left_view, panel.right_view):
            centre = view.mapFromScene(view.content_rect().center())
            middle = view.viewport().rect().center()
            assert abs(centre.x() - middle.x()) <= 2 and abs(centre.y() - middle.y()) <= 2
            assert view.transform().m11() == pytest.approx(view.fit_scale())

    assert_centred()  # fitted and centred before any zoom
    panel.resize(600, 900)  # narrow: one above the other, each view resized
    qtbot.wait(50)
    assert panel.splitter.orientation() == Qt.Orientation.Vertical
    assert_centred()  # still fitted and centred

    wheel(panel.left_view)
    zoom = panel.left_view.state()[0]
    assert zoom == pytest.approx(1.25**2)
    assert panel.right_view.state()[0] == pytest.approx(zoom)
    left_scale = panel.left_view.transform().m11()
    assert left_scale > panel.left_view.fit_scale() * 1.5  # really zoomed, not only the number

    # A pan (what a drag does: the scroll bars move) moves the other view to the same relative place.
    before = panel.right_view.state()[1]
    panel.left_view.horizontalScrollBar().setValue(panel.left_view.horizontalScrollBar().value() + 120)
    assert panel.left_view.state()[1] > 0.5
    assert panel.right_view.state()[1] == pytest.approx(panel.left_view.state()[1], abs=0.01)
    assert panel.right_view.state()[1] > before
    centre = panel.right_view.mapToScene(panel.right_view.viewport().rect().center())
    assert centre.x() / panel.right_view.content_rect().width() == pytest.approx(panel.left_view.state()[1], abs=0.01)

    panel.link_views.setChecked(False)
    wheel(panel.right_view)
    assert panel.right_view.state()[0] == pytest.approx(zoom * 1.25**2)
    assert panel.left_view.state()[0] == pytest.approx(zoom)  # apart now


def test_empty_states_in_words(qtbot, ctx, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from workbench.core.incident import Incident
    from workbench.gui.panels.compare import make_panel

    panel = make_panel(ctx, None)
    qtbot.addWidget(panel)
    assert panel.stack.currentIndex() == 0
    assert "Open an incident" in panel.empty.text()

    path = tmp_path / "empty.incident"
    Incident.create(path, title="Nothing yet").close()
    ctx.open_incident(path)
    wait_idle(qtbot, ctx)
    qtbot.waitUntil(lambda: "Import a reference image" in panel.empty.text())
    assert "workbench context import empty.incident file.tif" in panel.empty.text()
    assert panel.stack.currentIndex() == 0

    # A reference alone: nothing to compare it with yet.
    from workbench.core.context import import_context_file

    ctx.apply(import_context_file(ctx.incident, make_geotiff(tmp_path / "sat.tif")).changes)
    wait_idle(qtbot, ctx)
    qtbot.waitUntil(lambda: "No photo to compare" in panel.empty.text())
    assert panel.stack.currentIndex() == 0

    # A photo added: the pictures show.
    from workbench.core.ingest import add_evidence

    ctx.apply(add_evidence(ctx.incident, [_photo(tmp_path / "street.jpg")], workers=1).changes)
    wait_idle(qtbot, ctx)
    qtbot.waitUntil(lambda: panel.stack.currentIndex() == 1)
    qtbot.waitUntil(lambda: panel.left_view.has_picture and panel.right_view.has_picture, timeout=10000)


def test_large_pictures_are_shown_downscaled(tmp_path: Path) -> None:
    from PIL import Image

    from workbench.core.incident import Incident
    from workbench.core.ingest import add_evidence
    from workbench.core.tasks import Progress
    from workbench.gui.panels.compare.loading import load_shown

    src = tmp_path / "tall.png"
    Image.new("RGB", (300, 5000), (10, 20, 30)).save(src)
    with Incident.create(tmp_path / "t.incident", title="Tall") as inc:
        media_id = add_evidence(inc, [src], workers=1).outcomes[0].media_id
        assert media_id is not None
        shown = load_shown(inc, media_id, progress=Progress())
    assert (shown.stored_width, shown.stored_height) == (300, 5000)
    assert shown.image.height() == 4096
    assert shown.sy == pytest.approx(4096 / 5000)
    assert shown.sx == pytest.approx(shown.image.width() / 300)
