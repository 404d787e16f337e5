"""The main window on real incident files: opening (demo, recent, errors), adding evidence by the action and by
drag and drop, the shared selection, and the remembered layout."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import QApplication, QFileDialog, QMessageBox

from tests.gui.conftest import wait_idle, write_photos
from workbench.core.incident import Incident


def _loaded(window, count: int | None = None) -> None:  # type: ignore[no-untyped-def]
    """The browser shows every item of the open incident (or `count` items)."""
    expected = count if count is not None else window.ctx.incident.counts()["media"]
    assert window.evidence.model.rowCount() == expected


def test_open_demo_shows_title_claim_items_and_flags(qtbot, window, demo_incident: Path) -> None:  # type: ignore[no-untyped-def]
    assert window.open_path(demo_incident)
    qtbot.waitUntil(lambda: _loaded(window), timeout=10000)
    assert "Flooded square in Riverton" in window.windowTitle()
    assert window.header.title.text() == "Flooded square in Riverton"
    assert "main square of Riverton" in window.header.claim.text()
    # Every picture gets its thumbnail, progressively, without the test doing anything.
    qtbot.waitUntil(lambda: not window.evidence.thumbnails_pending, timeout=15000)
    items = window.evidence.model.items
    assert all(window.evidence.model.has_thumbnail(i.id) for i in items if i.kind == "image")
    edited = next(i for i in items if i.filename == "riverton_square_edit.jpg")
    assert "editing_software" in edited.flag_codes
    # The flag filter lists the codes present, and filters to them.
    box = window.evidence.flag_box
    box.setCurrentIndex(box.findData("editing_software"))
    assert window.evidence.proxy.rowCount() == 1
    assert window.ctx.recent_files()[0] == demo_incident.resolve()


def test_selection_is_shared_by_every_panel(qtbot, window, demo_incident: Path) -> None:  # type: ignore[no-untyped-def]
    window.open_path(demo_incident)
    qtbot.waitUntil(lambda: _loaded(window), timeout=10000)
    first = window.ctx.incident.find_media("DSCF4021.JPG").id
    with qtbot.waitSignal(window.ctx.current_media_changed):
        window.evidence.select_id(first)
    assert window.ctx.selection == (first,)
    qtbot.waitUntil(
        lambda: window.inspector.picture is not None and window.inspector.picture.media_id == first, timeout=10000
    )
    qtbot.waitUntil(lambda: window.metadata.heading.text() == "DSCF4021.JPG", timeout=10000)
    assert window.metadata.gps is not None
    with qtbot.waitSignal(window.ctx.show_on_map_requested) as blocker:
        window.metadata.map_button.click()
    assert abs(blocker.args[0] - 48.2082) < 0.01
    # Selecting from elsewhere moves the browser's selection too.
    window.ctx.select_media([window.ctx.incident.find_media("DSCF4022.JPG").id])
    selected = window.evidence.view.selectionModel().selectedIndexes()
    assert [i.data(Qt.ItemDataRole.DisplayRole) for i in selected] == ["DSCF4022.JPG"]


def test_add_evidence_through_the_action(qtbot, window, small_incident: Path, tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    window.open_path(small_incident)
    qtbot.waitUntil(lambda: _loaded(window, 3), timeout=10000)
    new = write_photos(tmp_path / "more", count=5)[3:]
    monkeypatch.setattr(QFileDialog, "getOpenFileNames", lambda *a, **k: ([str(p) for p in new], ""))
    window.act_add.trigger()
    qtbot.waitUntil(lambda: _loaded(window, 5), timeout=20000)
    assert window.last_report is not None and window.last_report.added == 2
    actions = [e.action for e in window.ctx.incident.audit_log()]
    assert actions.count("media.add") == 5


def test_add_evidence_by_drag_and_drop_of_a_folder(qtbot, window, small_incident: Path, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    window.open_path(small_incident)
    qtbot.waitUntil(lambda: _loaded(window, 3), timeout=10000)
    folder = tmp_path / "dropped"
    write_photos(folder, count=6)  # photo_0..2 are the incident's own bytes: duplicates
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(folder))])
    enter = QDragEnterEvent(
        QPointF(window.rect().center()),
        Qt.DropAction.CopyAction,
        mime,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    QApplication.sendEvent(window, enter)
    assert enter.isAccepted()
    drop = QDropEvent(
        QPointF(window.rect().center()),
        Qt.DropAction.CopyAction,
        mime,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    QApplication.sendEvent(window, drop)
    qtbot.waitUntil(lambda: _loaded(window, 6), timeout=20000)
    report = window.last_report
    assert report is not None and (report.added, report.duplicates) == (3, 3)


def test_locked_incident_shows_the_error_and_offers_read_only(qtbot, window, small_incident: Path) -> None:  # type: ignore[no-untyped-def]
    with Incident.open(small_incident):  # another workbench has it open for writing
        assert not window.open_path(small_incident)
        assert "already open" in (window.last_error or "")
        box = window.error_box
        assert isinstance(box, QMessageBox) and box.isVisible()
        read_only = next(b for b in box.buttons() if b.text() == "Open read-only")
        read_only.click()
        qtbot.waitUntil(lambda: window.ctx.incident is not None, timeout=5000)
        assert window.ctx.incident.read_only
        assert "[read-only]" in window.windowTitle()
        assert not window.act_add.isEnabled()


def test_too_new_and_not_an_incident_are_refused_with_a_message(
    qtbot, window, small_incident: Path, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    with sqlite3.connect(small_incident) as conn:
        conn.execute("PRAGMA user_version = 999")
    assert not window.open_path(small_incident)
    assert "newer" in (window.last_error or "").lower()
    assert window.ctx.incident is None
    junk = tmp_path / "notes.incident"
    junk.write_text("not a database")
    assert not window.open_path(junk)
    assert "not an incident" in (window.last_error or "").lower()
    assert window.windowTitle() == "Verification Workbench"


def test_open_demo_builds_it_on_first_use(qtbot, window, tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("WORKBENCH_DEMO", str(tmp_path / "first" / "demo.incident"))
    (tmp_path / "first").mkdir()
    window.act_demo.trigger()
    qtbot.waitUntil(lambda: window.ctx.incident is not None, timeout=30000)
    qtbot.waitUntil(lambda: _loaded(window), timeout=10000)


def test_layout_is_remembered(qtbot, ctx, settings) -> None:  # type: ignore[no-untyped-def]
    from workbench.gui.context import AppContext
    from workbench.gui.main_window import MainWindow

    first = MainWindow(ctx)
    qtbot.addWidget(first)
    first.show()
    qtbot.waitExposed(first)
    first.docks["annotations"].hide()
    first.save_layout()
    second_ctx = AppContext(settings)
    second = MainWindow(second_ctx)
    qtbot.addWidget(second)
    second.show()
    qtbot.waitExposed(second)
    assert not second.docks["annotations"].isVisible()
    assert second.docks["metadata"].isVisible()
    second.reset_layout()
    assert second.docks["annotations"].isVisible()
    second_ctx.shutdown()


def test_empty_states_tell_the_user_what_to_do(qtbot, window, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    assert "No incident open" in window.evidence.empty.text()
    assert "href='demo'" in window.inspector.empty.text()
    window.ctx.create_incident(tmp_path / "new.incident", title="Empty case")
    wait_idle(qtbot, window.ctx)
    assert "Drop photos" in window.evidence.empty.text()
    assert window.evidence.stack.currentWidget() is window.evidence.empty
    assert "Choose a photo" in window.inspector.empty.text()


def test_export_report_writes_a_pdf(qtbot, window, small_incident: Path, tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    pytest.importorskip("workbench.render")
    window.open_path(small_incident)
    qtbot.waitUntil(lambda: _loaded(window, 3), timeout=10000)
    dest = tmp_path / "report.pdf"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(dest), ""))
    window.act_export.trigger()  # opens the report dialog (sections and preview); its Export PDF… writes the file
    window.report_dialog.export_button.click()
    qtbot.waitUntil(lambda: dest.exists() and not window.ctx.workers.active, timeout=60000)
    assert dest.read_bytes().startswith(b"%PDF")
    assert window.last_error is None


def test_background_work_shows_in_the_status_bar_and_cancels(qtbot, window) -> None:  # type: ignore[no-untyped-def]
    import time

    from workbench.core.tasks import Progress

    def slow(*, progress: Progress) -> None:
        for i in range(400):
            progress(i, 400, f"counting {i}")
            time.sleep(0.005)

    assert not window.tasks.isVisible()
    task = window.ctx.workers.run(slow, description="Counting")
    qtbot.waitUntil(lambda: window.tasks.isVisible() and "counting" in window.tasks.label.text(), timeout=5000)
    assert window.tasks.bar.maximum() == 400
    with qtbot.waitSignal(task.finished, timeout=5000):
        window.tasks.cancel.click()
    qtbot.waitUntil(lambda: not window.tasks.isVisible(), timeout=5000)


def test_recent_files_menu_reopens(qtbot, window, small_incident: Path) -> None:  # type: ignore[no-untyped-def]
    window.open_path(small_incident)
    window.ctx.close_incident()
    assert window.ctx.incident is None and window.windowTitle() == "Verification Workbench"
    window._fill_recent()
    action = next(a for a in window.recent_menu.actions() if small_incident.name in a.text())
    action.trigger()
    assert window.ctx.incident is not None and window.ctx.incident.path == small_incident


def test_new_incident_dialog_creates_and_opens(qtbot, window, tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from workbench.gui.dialogs.new_incident import NewIncidentDialog

    dialog = NewIncidentDialog(tmp_path)
    qtbot.addWidget(dialog)
    dialog.title.setText("Bridge strike, 3 May")
    assert dialog.path.text().endswith("bridge-strike-3-may.incident")
    dialog.claim.setPlainText("The bridge was hit on 3 May.")
    dialog.title.clear()
    dialog._accept()
    assert "title" in dialog.error.text() and dialog.result() == 0

    def fake_exec(self) -> int:  # type: ignore[no-untyped-def]
        self.title.setText("Bridge strike")
        self.claim.setPlainText("The bridge was hit on 3 May.")
        return 1

    monkeypatch.setattr(NewIncidentDialog, "exec", fake_exec)
    window.ctx.clear_recent()
    monkeypatch.setenv("HOME", str(tmp_path))  # the dialog proposes a file in the home folder
    window.act_new.trigger()
    assert window.ctx.incident is not None
    assert window.ctx.incident.info().claim == "The bridge was hit on 3 May."
    assert "Bridge strike" in window.windowTitle()


def test_refused_files_are_reported(qtbot, window, small_incident: Path, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    window.open_path(small_incident)
    empty = tmp_path / "empty.jpg"
    empty.write_bytes(b"")
    task = window.add_evidence_paths([empty, tmp_path / "missing.jpg"])
    with qtbot.waitSignal(task.finished, timeout=20000):
        pass
    assert window.last_report is not None and window.last_report.refused == 2
    assert "were not added" in (window.last_error or "") and "empty" in (window.last_error or "")
