"""The application context: the open incident, background workers, the undo stack, settings and the shared
selection. One is made in `main()` and passed to every panel; nothing here is global.

Panels plug in by taking the context in their constructor and listening to its signals:

- `incident_changed(object)`: an incident was opened (the `Incident`) or closed (`None`): reload everything.
- `changed(object)`: a `Changes` after any edit, undo or background import: redraw only if a topic you show
  is in it (`"media" in changes`).
- `selection_changed(object)`: the selected media ids (tuple); `current_media_changed(object)`: the one item
  shown in the inspector (int or None).
- `annotation_selected(object)`: an annotation id (or None) chosen in the inspector or the annotation list.
- `show_on_map_requested(float, float, str)`: someone asked to see (lat, lon, label) on the map.

Edits go through `ctx.push(command)` (a `workbench.core.undo` command): it is done, put on the undo stack, and
its `Changes` broadcast. Long work goes through `ctx.workers.run(...)`.
"""

from __future__ import annotations

import logging
import tempfile
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, QSettings, Signal
from PySide6.QtGui import QUndoCommand, QUndoStack

from workbench.core.errors import WorkbenchError
from workbench.core.incident import Incident
from workbench.core.store.records import Changes
from workbench.core.undo import Command
from workbench.gui.workers import Workers

log = logging.getLogger(__name__)

ORGANISATION = "Verification Workbench"
APPLICATION = "Workbench"
MAX_RECENT = 10


def default_settings() -> QSettings:
    return QSettings(QSettings.Format.IniFormat, QSettings.Scope.UserScope, ORGANISATION, APPLICATION)


class _UndoCommand(QUndoCommand):
    """A core command on Qt's undo stack. The first redo() is the push itself."""

    def __init__(self, ctx: AppContext, command: Command) -> None:
        super().__init__(command.text)
        self._ctx = ctx
        self.command = command
        self.error: WorkbenchError | None = None

    def redo(self) -> None:
        self._run(self.command.do)

    def undo(self) -> None:
        self._run(self.command.undo)

    def _run(self, step: Any) -> None:
        incident = self._ctx.incident
        if incident is None:
            return
        try:
            changes = step(incident)
        except WorkbenchError as exc:
            self.error = exc
            self.setObsolete(True)
            self._ctx.error_raised.emit(str(exc))
            return
        self._ctx.changed.emit(changes)


class AppContext(QObject):
    """What every panel shares. Create one per window; tests create their own with a temporary settings file."""

    incident_changed = Signal(object)  # Incident | None
    changed = Signal(object)  # Changes
    selection_changed = Signal(object)  # tuple[int, ...]
    current_media_changed = Signal(object)  # int | None
    annotation_selected = Signal(object)  # int | None
    show_on_map_requested = Signal(float, float, str)
    error_raised = Signal(str)  # a message for the user (the window shows it)
    status_message = Signal(str)  # a passing note for the status bar

    def __init__(self, settings: QSettings | None = None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.settings = settings if settings is not None else default_settings()
        self.workers = Workers(self)
        self.undo_stack = QUndoStack(self)
        self.incident: Incident | None = None
        self.selection: tuple[int, ...] = ()
        self.current_media_id: int | None = None
        self.current_annotation_id: int | None = None
        self._scratch: tempfile.TemporaryDirectory[str] | None = None

    # --- the incident ---------------------------------------------------------------------------------------
    def open_incident(self, path: Path | str, *, read_only: bool = False) -> Incident:
        """Open (closing any open incident first). Raises the core's WorkbenchError for the window to show."""
        path = Path(path)
        incident = Incident.open(path, read_only=read_only)
        self._install(incident)
        return incident

    def create_incident(self, path: Path | str, *, title: str, claim: str = "", description: str = "") -> Incident:
        incident = Incident.create(Path(path), title=title, claim=claim, description=description)
        self._install(incident)
        return incident

    def _install(self, incident: Incident) -> None:
        self.close_incident(announce=False)
        self.incident = incident
        self.add_recent(incident.path)
        self.incident_changed.emit(incident)

    def close_incident(self, *, announce: bool = True) -> None:
        if self.incident is None:
            return
        self.workers.cancel_all()
        self.workers.wait()
        self.undo_stack.clear()
        self.selection = ()
        self.current_media_id = None
        self.current_annotation_id = None
        incident, self.incident = self.incident, None
        incident.close()
        if self._scratch is not None:
            self._scratch.cleanup()
            self._scratch = None
        if announce:
            self.incident_changed.emit(None)

    def scratch_dir(self) -> Path:
        """A private temporary folder for this incident (exported videos for decoding); removed on close."""
        if self._scratch is None:
            self._scratch = tempfile.TemporaryDirectory(prefix="workbench-")
        return Path(self._scratch.name)

    # --- edits ----------------------------------------------------------------------------------------------
    def push(self, command: Command) -> bool:
        """Do an undoable core command; False (and the error shown) if the core refused it."""
        if self.incident is None:
            return False
        wrapped = _UndoCommand(self, command)
        self.undo_stack.push(wrapped)
        # A command refused on its first run changed nothing; it is obsolete, so QUndoStack drops it.
        return wrapped.error is None

    def apply(self, changes: Changes) -> None:
        """Broadcast changes made outside the undo stack (imports, derived items)."""
        if changes.topics:
            self.changed.emit(changes)

    # --- selection ------------------------------------------------------------------------------------------
    def select_media(self, ids: tuple[int, ...] | list[int], current: int | None = None) -> None:
        ids = tuple(ids)
        if current is None and ids:
            current = ids[0]
        if ids != self.selection:
            self.selection = ids
            self.selection_changed.emit(ids)
        if current != self.current_media_id:
            self.current_media_id = current
            self.current_annotation_id = None
            self.current_media_changed.emit(current)

    def select_annotation(self, annotation_id: int | None) -> None:
        if annotation_id != self.current_annotation_id:
            self.current_annotation_id = annotation_id
            self.annotation_selected.emit(annotation_id)

    # --- settings -------------------------------------------------------------------------------------------
    def recent_files(self) -> list[Path]:
        value: Any = self.settings.value("recent_files", [])
        names: list[Any] = [value] if isinstance(value, str) else list(value or [])
        return [Path(str(n)) for n in names if n]

    def add_recent(self, path: Path) -> None:
        text = str(Path(path).resolve())
        names = [text] + [str(p) for p in self.recent_files() if str(p) != text]
        self.settings.setValue("recent_files", names[:MAX_RECENT])

    def clear_recent(self) -> None:
        self.settings.setValue("recent_files", [])

    def shutdown(self) -> None:
        """Finish background work and close the incident (quitting)."""
        self.close_incident(announce=False)
        self.workers.wait()
        self.settings.sync()
