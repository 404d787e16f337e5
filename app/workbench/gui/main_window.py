"""The main window: docks, menus, actions and the status bar. No logic of its own: it calls the context, the core
through workers, and the panels.

Other panels plug in with `window.add_panel(name, title, widget, area)` (a dock whose place is remembered), or by
exposing `make_panel(ctx, parent) -> QWidget`, `TITLE` and `AREA` ("left", "right", "bottom") in their package
`workbench.gui.panels.<name>`: the window adds those found for `OPTIONAL_PANELS` at start-up.
"""

from __future__ import annotations

import importlib
import logging
from pathlib import Path
from typing import Any

from PySide6.QtCore import QByteArray, QSize, Qt, QTimer
from PySide6.QtGui import QAction, QCloseEvent, QDragEnterEvent, QDropEvent, QKeySequence
from PySide6.QtWidgets import (
    QDockWidget,
    QFileDialog,
    QFrame,
    QHBoxLayout,
    QLabel,
    QMainWindow,
    QMenu,
    QMessageBox,
    QProgressBar,
    QScrollArea,
    QTabWidget,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from workbench import __version__
from workbench.core.errors import IncidentLocked, WorkbenchError
from workbench.core.incident import SUFFIX, Incident
from workbench.core.ingest import AddReport, add_evidence, compute_missing_pixels
from workbench.core.store.records import Changes
from workbench.core.tasks import Progress
from workbench.gui.context import AppContext
from workbench.gui.panels.annotations import AnnotationPanel
from workbench.gui.panels.common.style import icon
from workbench.gui.panels.evidence import EvidenceBrowser
from workbench.gui.panels.inspector import InspectorPanel
from workbench.gui.panels.metadata import MetadataPanel

log = logging.getLogger(__name__)

# Bottom tabs appear in this order: the timeline first.
OPTIONAL_PANELS = ("map", "timeline", "posts", "sun", "findings", "compare")
AREAS = {
    "left": Qt.DockWidgetArea.LeftDockWidgetArea,
    "right": Qt.DockWidgetArea.RightDockWidgetArea,
    "bottom": Qt.DockWidgetArea.BottomDockWidgetArea,
    "top": Qt.DockWidgetArea.TopDockWidgetArea,
}
LAYOUT_VERSION = 1


def add_and_make_pixels(incident: Incident, paths: list[str], *, progress: Progress) -> AddReport:
    """Add the files (evidence committed first), then make their thumbnails; a thumbnail failure loses nothing."""
    report = add_evidence(incident, paths, progress=progress, pixels=False)
    added = [o.media_id for o in report.outcomes if o.status == "added" and o.media_id is not None]
    if added and not report.cancelled:
        try:
            compute_missing_pixels(incident, media_ids=added, progress=progress)
            report = AddReport(report.outcomes, report.changes | Changes.of("pixels", *added), len(added))
        except WorkbenchError:
            raise
        except Exception as exc:  # thumbnails are remade later; the evidence is already safe
            log.warning("thumbnails could not be made now: %s", exc)
    return report


class IncidentHeader(QWidget):
    """The incident's title and the claim under verification, always in view."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("IncidentHeader")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.ctx = ctx
        self.title = QLabel()
        self.title.setObjectName("IncidentTitle")
        self.claim = QLabel()
        self.claim.setObjectName("IncidentClaim")
        self.claim.setWordWrap(True)
        self.claim.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.badges = QLabel()
        self.badges.setObjectName("Badge")
        self.mode = QLabel()
        self.mode.setObjectName("Badge")
        text = QVBoxLayout()
        text.setSpacing(2)
        text.addWidget(self.title)
        text.addWidget(self.claim)
        row = QHBoxLayout(self)
        row.setContentsMargins(12, 8, 12, 8)
        row.addLayout(text, 1)
        row.addWidget(self.mode, 0, Qt.AlignmentFlag.AlignTop)
        row.addWidget(self.badges, 0, Qt.AlignmentFlag.AlignTop)
        ctx.incident_changed.connect(lambda _: self.refresh())
        ctx.changed.connect(lambda ch: self.refresh() if {"incident", "media", "annotations"} & ch.topics else None)
        self.refresh()

    def refresh(self) -> None:
        incident = self.ctx.incident
        if incident is None:
            self.title.setText("Verification Workbench")
            self.claim.setText("Open an incident to start, or explore the demo (Help ▸ Open the demo incident).")
            self.badges.setVisible(False)
            self.mode.setVisible(False)
            return
        info = incident.info()
        self.title.setText(info.title)
        self.claim.setText(f"<b>Claim:</b> {info.claim}" if info.claim else "<i>No claim recorded yet.</i>")
        counts = incident.counts()
        self.badges.setText(
            f"{counts.get('media', 0)} items · {counts.get('annotations', 0)} annotations · "
            f"{info.audit_count} audit entries"
        )
        self.badges.setVisible(True)
        self.mode.setText("READ-ONLY")
        self.mode.setVisible(incident.read_only)


class TaskStatus(QWidget):
    """The status bar's view of background work: what runs, how far, and a cancel button."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.label = QLabel()
        self.bar = QProgressBar()
        self.bar.setFixedWidth(160)
        self.cancel = QToolButton()
        self.cancel.setIcon(icon("cancel"))
        self.cancel.setToolTip("Cancel the background work")
        self.cancel.setAutoRaise(True)
        self.cancel.clicked.connect(ctx.workers.cancel_all)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 4, 0)
        row.addWidget(self.label)
        row.addWidget(self.bar)
        row.addWidget(self.cancel)
        ctx.workers.tasks_changed.connect(self.refresh)
        self.refresh()

    def refresh(self) -> None:
        tasks = self.ctx.workers.active
        self.setVisible(bool(tasks))
        if not tasks:
            return
        task = tasks[-1]
        more = f" (+{len(tasks) - 1} more)" if len(tasks) > 1 else ""
        self.label.setText(f"{task.message}{more}")
        if task.total > 0:
            self.bar.setRange(0, task.total)
            self.bar.setValue(min(task.done, task.total))
        else:
            self.bar.setRange(0, 0)


class MainWindow(QMainWindow):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setObjectName("MainWindow")
        self.setWindowIcon(icon("workbench"))
        self.setAcceptDrops(True)
        self.setDockNestingEnabled(True)
        self.setTabPosition(Qt.DockWidgetArea.AllDockWidgetAreas, QTabWidget.TabPosition.North)
        self.setDocumentMode(False)
        screen = self.screen().availableGeometry() if self.screen() is not None else None
        if screen is not None and screen.width() > 0:
            self.resize(min(1680, int(screen.width() * 0.94)), min(1050, int(screen.height() * 0.94)))
        else:
            self.resize(1500, 920)
        self.last_error: str | None = None
        self.last_report: AddReport | None = None
        self.docks: dict[str, QDockWidget] = {}
        self.panels: dict[str, QWidget] = {}  # the optional panels' own widgets, by name

        self.header = IncidentHeader(ctx)
        self.inspector = InspectorPanel(ctx)
        central = QWidget()
        central_layout = QVBoxLayout(central)
        central_layout.setContentsMargins(0, 0, 0, 0)
        central_layout.setSpacing(0)
        central_layout.addWidget(self.header)
        central_layout.addWidget(self.inspector, 1)
        self.setCentralWidget(central)

        self.evidence = EvidenceBrowser(ctx)
        self.metadata = MetadataPanel(ctx)
        self.annotations = AnnotationPanel(ctx)
        self.add_panel("evidence", "Evidence", self.evidence, "left")
        self.add_panel("metadata", "Metadata", self.metadata, "right")
        self.add_panel("annotations", "Annotations", self.annotations, "right")
        self._add_optional_panels()

        self.tasks = TaskStatus(ctx)
        self.status_text = QLabel()
        self.statusBar().addPermanentWidget(self.tasks)
        self.statusBar().addWidget(self.status_text, 1)
        self._build_actions()
        self._build_menus()

        ctx.incident_changed.connect(self._on_incident)
        ctx.error_raised.connect(self.show_error)
        ctx.status_message.connect(lambda text: self.statusBar().showMessage(text, 6000))
        ctx.annotation_selected.connect(self._raise_annotations)
        ctx.show_on_map_requested.connect(lambda *_: self.docks["map"].raise_() if "map" in self.docks else None)
        self.inspector.empty.linkActivated.connect(self._welcome_link)
        self._default_state = self.saveState(LAYOUT_VERSION)
        self._restore_layout()
        self._on_incident(ctx.incident)

    # --- docks ----------------------------------------------------------------------------------------------------
    def add_panel(self, name: str, title: str, widget: QWidget, area: str = "right") -> QDockWidget:
        dock = QDockWidget(title, self)
        dock.setObjectName(f"dock-{name}")
        dock.setWidget(widget)
        dock.setFeatures(
            QDockWidget.DockWidgetFeature.DockWidgetMovable
            | QDockWidget.DockWidgetFeature.DockWidgetFloatable
            | QDockWidget.DockWidgetFeature.DockWidgetClosable
        )
        self.addDockWidget(AREAS.get(area, Qt.DockWidgetArea.RightDockWidgetArea), dock)
        self.docks[name] = dock
        if name in ("metadata", "annotations"):
            dock.setMinimumWidth(300)
        if hasattr(self, "view_menu"):
            self.view_menu.insertAction(self._reset_action, dock.toggleViewAction())
        return dock

    def _add_optional_panels(self) -> None:
        for name in OPTIONAL_PANELS:
            try:
                module = importlib.import_module(f"workbench.gui.panels.{name}")
            except ImportError:
                continue
            make = getattr(module, "make_panel", None)
            if make is None:
                continue
            try:
                widget = make(self.ctx, self)
            except Exception:  # one broken panel must not keep the window from opening
                log.exception("the %s panel could not be created", name)
                continue
            # In a scroll area: a panel's own minimum size must never force the window past the screen.
            holder = QScrollArea()
            holder.setObjectName(f"panel-{name}")
            holder.setWidget(widget)
            holder.setWidgetResizable(True)
            holder.setFrameShape(QFrame.Shape.NoFrame)
            self.add_panel(name, getattr(module, "TITLE", name.title()), holder, getattr(module, "AREA", "bottom"))
            self.panels[name] = widget

    def _restore_layout(self) -> None:
        geometry = self.ctx.settings.value("window/geometry")
        state = self.ctx.settings.value("window/state")
        if isinstance(geometry, QByteArray | bytes):
            self.restoreGeometry(QByteArray(geometry))
        if isinstance(state, QByteArray | bytes):
            self.restoreState(QByteArray(state), LAYOUT_VERSION)
        else:
            self._needs_default_layout = True

    def showEvent(self, event: Any) -> None:
        super().showEvent(event)
        # Tabified before the first show, Qt can leave an orphan tab bar on screen: lay out once shown.
        if getattr(self, "_needs_default_layout", False):
            self._needs_default_layout = False
            self._default_layout()

    def _default_layout(self) -> None:
        """Evidence left and inspector centre at full height; the right column and the bottom strip hold their
        panels as tabs (each gets the whole space it needs, one click away)."""
        self.setCorner(Qt.Corner.BottomLeftCorner, Qt.DockWidgetArea.LeftDockWidgetArea)
        self.setCorner(Qt.Corner.BottomRightCorner, Qt.DockWidgetArea.RightDockWidgetArea)
        by_area: dict[Qt.DockWidgetArea, list[QDockWidget]] = {}
        for dock in self.docks.values():
            by_area.setdefault(self.dockWidgetArea(dock), []).append(dock)
        for docks in by_area.values():
            for other in docks[1:]:
                self.tabifyDockWidget(docks[0], other)
            docks[0].raise_()
        QTimer.singleShot(0, lambda: self._size_docks(by_area))

    def _size_docks(self, by_area: dict[Qt.DockWidgetArea, list[QDockWidget]]) -> None:
        """Once the window has its size: a third of the width to the sides, a quarter of the height below."""
        sizes = {
            Qt.DockWidgetArea.LeftDockWidgetArea: (Qt.Orientation.Horizontal, max(300, self.width() // 5)),
            Qt.DockWidgetArea.RightDockWidgetArea: (Qt.Orientation.Horizontal, max(340, self.width() // 4)),
            Qt.DockWidgetArea.BottomDockWidgetArea: (Qt.Orientation.Vertical, max(220, self.height() // 4)),
        }
        for area, docks in by_area.items():
            if area in sizes and docks:
                orientation, size = sizes[area]
                self.resizeDocks([docks[0]], [size], orientation)
        self.resizeDocks([self.docks["evidence"]], [350], Qt.Orientation.Horizontal)
        self.resizeDocks([self.docks["metadata"]], [380], Qt.Orientation.Horizontal)

    def _welcome_link(self, link: str) -> None:
        {"new": self.new_incident, "open": self.open_dialog, "demo": self.open_demo}.get(link, lambda: None)()

    def _raise_annotations(self, annotation_id: int | None) -> None:
        dock = self.docks.get("annotations")
        if annotation_id is not None and dock is not None and dock.isVisible():
            dock.raise_()

    def reset_layout(self) -> None:
        self.restoreState(self._default_state, LAYOUT_VERSION)
        for dock in self.docks.values():
            dock.setVisible(True)
            dock.setFloating(False)
        self._default_layout()

    def save_layout(self) -> None:
        self.ctx.settings.setValue("window/geometry", self.saveGeometry())
        self.ctx.settings.setValue("window/state", self.saveState(LAYOUT_VERSION))

    # --- actions and menus ------------------------------------------------------------------------------------------
    def _act(self, text: str, slot: Any, shortcut: Any = None, icon_name: str | None = None, tip: str = "") -> QAction:
        action = QAction(text, self)
        if icon_name:
            action.setIcon(icon(icon_name))
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
        if tip:
            action.setStatusTip(tip)
            action.setToolTip(tip)
        action.triggered.connect(slot)
        return action

    def _build_actions(self) -> None:
        self.act_new = self._act("&New incident…", self.new_incident, QKeySequence.StandardKey.New, "new")
        self.act_open = self._act("&Open…", lambda: self.open_dialog(), QKeySequence.StandardKey.Open, "open")
        self.act_open_ro = self._act("Open &read-only…", lambda: self.open_dialog(read_only=True))
        self.act_add = self._act(
            "&Add evidence…", self.add_evidence_dialog, "Ctrl+Shift+A", "add", "Add photos, videos or other files"
        )
        self.act_add_folder = self._act("Add a &folder…", self.add_folder_dialog, "Ctrl+Shift+F")
        self.act_export = self._act("&Export report…", lambda: self.export_report(), "Ctrl+E", "export")
        self.act_copy = self._act(
            "&Work on a copy…",
            lambda: self.work_on_copy(),
            tip="Copy this read-only incident to a new file you can change; the copy's log names its source",
        )
        self.act_copy.setEnabled(False)
        self.act_close = self._act("&Close incident", self.ctx.close_incident, QKeySequence.StandardKey.Close, "close")
        self.act_quit = self._act("&Quit", self.close, QKeySequence.StandardKey.Quit, "quit")
        self.act_undo = self.ctx.undo_stack.createUndoAction(self, "&Undo")
        self.act_undo.setShortcut(QKeySequence.StandardKey.Undo)
        self.act_undo.setIcon(icon("undo"))
        self.act_redo = self.ctx.undo_stack.createRedoAction(self, "&Redo")
        self.act_redo.setShortcuts([QKeySequence(QKeySequence.StandardKey.Redo), QKeySequence("Ctrl+Y")])
        self.act_redo.setIcon(icon("redo"))
        self.act_demo = self._act("Open the &demo incident", self.open_demo)
        self.act_about = self._act("&About", self.about)
        self._reset_action = self._act("&Reset layout", self.reset_layout)
        self.incident_actions = [self.act_add, self.act_add_folder, self.act_export, self.act_close]

    def _build_menus(self) -> None:
        bar = self.menuBar()
        file_menu = bar.addMenu("&File")
        file_menu.addActions([self.act_new, self.act_open, self.act_open_ro])
        self.recent_menu = QMenu("Open &Recent", self)
        self.recent_menu.aboutToShow.connect(self._fill_recent)
        file_menu.addMenu(self.recent_menu)
        file_menu.addSeparator()
        file_menu.addActions([self.act_add, self.act_add_folder])
        file_menu.addSeparator()
        file_menu.addAction(self.act_copy)
        file_menu.addAction(self.act_export)
        file_menu.addSeparator()
        file_menu.addActions([self.act_close, self.act_quit])
        edit_menu = bar.addMenu("&Edit")
        edit_menu.addActions([self.act_undo, self.act_redo])
        edit_menu.addSeparator()
        edit_menu.addAction(self.inspector.act_delete)
        self.view_menu = bar.addMenu("&View")
        for dock in self.docks.values():
            self.view_menu.addAction(dock.toggleViewAction())
        self.view_menu.addSeparator()
        self.view_menu.addAction(self._reset_action)
        self.view_menu.addSeparator()
        ins = self.inspector
        for a in (ins.act_zoom_in, ins.act_zoom_out, ins.act_fit, ins.act_actual, ins.act_loupe, ins.act_orient):
            self.view_menu.addAction(a)
        tools = bar.addMenu("&Annotate")
        tools.addActions(list(self.inspector.tool_actions.values()))
        help_menu = bar.addMenu("&Help")
        help_menu.addActions([self.act_demo, self.act_about])

        toolbar = self.addToolBar("Main")
        toolbar.setObjectName("toolbar-main")
        toolbar.setIconSize(QSize(18, 18))
        toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        toolbar.setMovable(False)
        for a in (self.act_new, self.act_open, self.act_add):
            toolbar.addAction(a)
        toolbar.addSeparator()
        toolbar.addAction(self.act_undo)
        toolbar.addAction(self.act_redo)
        toolbar.addSeparator()
        toolbar.addAction(self.act_export)

    def _fill_recent(self) -> None:
        self.recent_menu.clear()
        recent = self.ctx.recent_files()
        if not recent:
            none = self.recent_menu.addAction("No recent incidents")
            none.setEnabled(False)
            return
        for n, path in enumerate(recent, start=1):
            action = self.recent_menu.addAction(f"&{n % 10}  {path.name}   —   {path.parent}")
            action.setEnabled(path.exists())
            action.triggered.connect(lambda _=False, p=path: self.open_path(p))
        self.recent_menu.addSeparator()
        self.recent_menu.addAction("Clear the list", self.ctx.clear_recent)

    # --- incident -------------------------------------------------------------------------------------------------
    def _on_incident(self, incident: Incident | None) -> None:
        for action in self.incident_actions:
            action.setEnabled(incident is not None)
        writable = incident is not None and not incident.read_only
        self.act_add.setEnabled(writable)
        self.act_add_folder.setEnabled(writable)
        if incident is None:
            self.setWindowTitle("Verification Workbench")
            self.status_text.setText("No incident open")
        else:
            title = incident.info().title
            ro = " [read-only]" if incident.read_only else ""
            self.setWindowTitle(f"{title}{ro} — {incident.path.name} — Verification Workbench")
            self.status_text.setText(str(incident.path))

    def open_path(self, path: Path | str, *, read_only: bool = False) -> bool:
        path = Path(path)
        received = None
        try:
            from workbench.core.provenance import origin

            found = origin(path)
            if found.received:  # made by another installation: look, verify, and work on a copy to change it
                received, read_only = found, True
        except (WorkbenchError, OSError):
            pass  # opening says what is wrong with the file
        try:
            self.ctx.open_incident(path, read_only=read_only)
        except IncidentLocked as exc:
            self.show_error(str(exc), title=f"Cannot open {path.name}", offer_read_only=path)
            return False
        except WorkbenchError as exc:
            self.show_error(str(exc), title=f"Cannot open {path.name}")
            return False
        except OSError as exc:
            self.show_error(f"{path} cannot be read: {exc.strerror or exc}", title=f"Cannot open {path.name}")
            return False
        self.statusBar().showMessage(f"Opened {path.name}", 4000)
        self.act_copy.setEnabled(bool(self.ctx.incident and self.ctx.incident.read_only))
        if received is not None:
            self._check_received(path, received)
        return True

    def _check_received(self, path: Path, received: Any) -> None:
        """A received incident: say so, and verify it in the background before anyone relies on it."""
        from workbench.core.verify import verify_incident

        who = received.created_by or "another analyst"
        self.received_note = (
            f"{path.name} was made on another installation by {who}: it is open read-only. "
            "Use File ▸ Work on a copy… to change it."
        )
        self.statusBar().showMessage(self.received_note + " Checking its integrity…")

        def shown(report: Any) -> None:
            self.last_integrity = report
            if report.intact:
                text = (
                    f"{self.received_note} Integrity checked: {report.items_checked} files re-hashed, "
                    f"{report.audit_entries} audit entries chained (head {report.audit_head[:16]}…)."
                )
                self.statusBar().showMessage(text)
            else:
                self.show_error(
                    f"{path.name} is NOT intact:\n" + "\n".join(f"• {p}" for p in report.problems[:20]),
                    title="Integrity check failed",
                )

        self.ctx.workers.run(
            lambda progress: verify_incident(path, progress),
            description=f"Checking the integrity of {path.name}",
            on_result=shown,
            on_error=lambda e: self.show_error(str(e), title="Integrity check failed"),
        )

    def work_on_copy(self, dest: Path | str | None = None) -> Any:
        """Copy the open (read-only) incident to a new file whose log records its source, and open the copy."""
        incident = self.ctx.incident
        if incident is None:
            return None
        source = incident.path
        if dest is None:
            suggested = str(source.with_name(f"{source.stem} (working copy){SUFFIX}"))
            dest, _ = QFileDialog.getSaveFileName(self, "Work on a copy", suggested, f"Incident (*{SUFFIX})")
            if not dest:
                return None
        target = Path(dest)
        from workbench.core.provenance import make_working_copy

        return self.ctx.workers.run(
            lambda progress: make_working_copy(source, target),
            description=f"Copying {source.name}",
            writes=True,
            on_result=lambda copy: self.open_path(copy),
            on_error=lambda e: self.show_error(str(e), title="The working copy could not be made"),
        )

    def open_dialog(self, read_only: bool = False) -> None:
        start = str(self.ctx.recent_files()[0].parent) if self.ctx.recent_files() else str(Path.home())
        name, _ = QFileDialog.getOpenFileName(self, "Open incident", start, f"Incident (*{SUFFIX});;All files (*)")
        if name:
            self.open_path(name, read_only=read_only)

    def new_incident(self) -> None:
        from workbench.gui.dialogs.new_incident import NewIncidentDialog

        folder = self.ctx.recent_files()[0].parent if self.ctx.recent_files() else Path.home()
        dialog = NewIncidentDialog(folder, self)
        if dialog.exec():
            path, title, claim = dialog.values()
            try:
                self.ctx.create_incident(path, title=title, claim=claim)
            except WorkbenchError as exc:
                self.show_error(str(exc), title="Cannot create the incident")

    def open_demo(self) -> None:
        from workbench.gui.main import demo_path

        path = demo_path()
        if path.exists():
            self.open_path(path)
            return
        from workbench.core.demo import build_demo

        self.ctx.workers.run(
            lambda progress: build_demo(path, progress=progress),
            description="Building the demo incident",
            writes=True,
            on_result=self._open_built_demo,
            on_error=lambda e: self.show_error(str(e), title="Cannot build the demo"),
        )

    def _open_built_demo(self, path: Path) -> None:
        self.open_path(path)

    # --- evidence ---------------------------------------------------------------------------------------------------
    def add_evidence_dialog(self) -> None:
        names, _ = QFileDialog.getOpenFileNames(self, "Add evidence", str(Path.home()), "All files (*)")
        if names:
            self.add_evidence_paths(names)

    def add_folder_dialog(self) -> None:
        name = QFileDialog.getExistingDirectory(self, "Add a folder of evidence", str(Path.home()))
        if name:
            self.add_evidence_paths([name])

    def add_evidence_paths(self, paths: list[str] | list[Path]) -> Any:
        incident = self.ctx.incident
        if incident is None:
            self.show_error("Open or create an incident first; evidence is kept inside an incident file.")
            return None
        if incident.read_only:
            self.show_error("This incident is open read-only; evidence cannot be added to it.")
            return None
        names = [str(p) for p in paths]
        return self.ctx.workers.run(
            add_and_make_pixels,
            incident,
            names,
            description=f"Adding {len(names)} file{'s' if len(names) != 1 else ''}",
            writes=True,
            on_result=self._on_added,
            on_error=lambda e: self.show_error(str(e), title="Adding evidence failed"),
        )

    def _on_added(self, report: AddReport) -> None:
        self.last_report = report
        self.ctx.apply(report.changes)
        text = f"Added {report.added}, already present {report.duplicates}, refused {report.refused}"
        if report.cancelled:
            text += " (cancelled: the files before the cancel are kept)"
        self.statusBar().showMessage(text, 10000)
        added = [o.media_id for o in report.outcomes if o.status == "added" and o.media_id is not None]
        if added and self.ctx.current_media_id is None:
            self.ctx.select_media([added[0]])
        if report.refused:
            reasons = "\n".join(f"• {o.reason}" for o in report.outcomes if o.status == "refused")
            self.show_error(f"{report.refused} file(s) were not added:\n{reasons}", title="Some files were refused")

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if event.mimeData().hasUrls() and any(u.isLocalFile() for u in event.mimeData().urls()):
            event.acceptProposedAction()
        else:
            event.ignore()

    def dropEvent(self, event: QDropEvent) -> None:
        paths = [u.toLocalFile() for u in event.mimeData().urls() if u.isLocalFile()]
        if not paths:
            return
        event.acceptProposedAction()
        if self.ctx.incident is None and len(paths) == 1 and paths[0].endswith(SUFFIX):
            self.open_path(paths[0])
        else:
            self.add_evidence_paths(paths)

    # --- report -----------------------------------------------------------------------------------------------------
    def export_report(self, dest: Path | str | None = None) -> Any:
        """Write the PDF report of the open incident in a worker; returns the Task (None if nothing was started)."""
        try:
            write = importlib.import_module("workbench.render").write_report
        except (ImportError, AttributeError):
            self.show_error("The PDF report writer is not part of this build.", title="Export report")
            return None
        incident = self.ctx.incident
        if incident is None:
            return None
        if dest is None:  # from the menu: choose the sections and look at the preview first
            from workbench.gui.dialogs.report import ReportDialog

            self.report_dialog = ReportDialog(self.ctx, self)
            self.report_dialog.show()
            return None
        target = Path(dest)
        return self.ctx.workers.run(
            lambda progress: write(incident, target, progress=progress),
            description="Writing the report",
            on_result=lambda path: self.statusBar().showMessage(f"Report written to {path}", 10000),
            on_error=lambda e: self.show_error(str(e), title="The report could not be written"),
        )

    # --- messages ---------------------------------------------------------------------------------------------------
    def show_error(
        self, message: str, title: str = "Verification Workbench", offer_read_only: Path | None = None
    ) -> None:
        """Shown without blocking: the message box is window-modal and returns at once."""
        self.last_error = message
        box = QMessageBox(QMessageBox.Icon.Warning, title, message, QMessageBox.StandardButton.Ok, self)
        box.setObjectName("ErrorBox")
        box.setWindowModality(Qt.WindowModality.WindowModal)
        if offer_read_only is not None:
            button = box.addButton("Open read-only", QMessageBox.ButtonRole.AcceptRole)
            button.clicked.connect(
                lambda: QTimer.singleShot(0, lambda: self.open_path(offer_read_only, read_only=True))
            )
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.open()
        self.error_box = box

    def about(self) -> None:
        QMessageBox.about(
            self,
            "About the Verification Workbench",
            f"<h3>Verification Workbench {__version__}</h3><p>An offline workbench for verifying one social-media "
            "incident: evidence, metadata, forensic views, annotations, maps, shadows, posts and a report.</p>"
            "<p>Nothing leaves this computer unless you turn on an online service.</p>",
        )

    def closeEvent(self, event: QCloseEvent) -> None:
        self.save_layout()
        self.ctx.shutdown()
        super().closeEvent(event)
