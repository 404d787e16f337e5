"""Undo as command objects: each knows how to do and undo one change to an incident, and reports what changed.

The window wraps them in a `QUndoStack` (one `QUndoCommand` per command); the command line and the tests use
`History`, the same idea without Qt. Commands hold plain values (ids, before/after dicts), never connections, so
a history outlives any transaction. Every do and undo goes through the audited core operations, so the audit log
shows the whole session, including what was undone.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Protocol

from workbench.core import annotations as ann
from workbench.core.errors import WorkbenchError
from workbench.core.incident import Incident
from workbench.core.store.records import Changes


class Command(Protocol):
    """One undoable change. `text` names it in the Edit menu ("Undo Add rectangle")."""

    @property
    def text(self) -> str: ...

    def do(self, incident: Incident) -> Changes: ...

    def undo(self, incident: Incident) -> Changes: ...


@dataclass
class CreateAnnotation:
    """Add an annotation; redo puts back the same id, so later commands that name it still work."""

    media_id: int
    shape: str
    geometry: dict[str, Any]
    values: dict[str, Any] = field(default_factory=dict)
    annotation_id: int | None = None
    _record: ann.Annotation | None = None

    @property
    def text(self) -> str:
        return f"Add {self.shape}"

    def do(self, incident: Incident) -> Changes:
        if self._record is not None:
            return ann.restore_annotation(incident, self._record)
        changes = ann.create_annotation(incident, self.media_id, self.shape, self.geometry, **self.values)
        self.annotation_id = changes.ids["annotations"][0]
        return changes

    def undo(self, incident: Incident) -> Changes:
        if self.annotation_id is None:
            raise WorkbenchError("This annotation was never added, so there is nothing to undo.")
        self._record = ann.annotation(incident, self.annotation_id)
        return ann.delete_annotation(incident, self.annotation_id)


@dataclass
class UpdateAnnotation:
    """Change fields of an annotation (move, resize, relabel ...): `before` and `after` hold only those fields."""

    annotation_id: int
    before: dict[str, Any]
    after: dict[str, Any]
    label: str = "Edit annotation"

    @classmethod
    def from_current(
        cls, incident: Incident, annotation_id: int, after: dict[str, Any], label: str = "Edit annotation"
    ) -> UpdateAnnotation:
        current = ann.annotation(incident, annotation_id).editable()
        unknown = set(after) - set(current)
        if unknown:
            raise WorkbenchError(f"Annotations have no field(s) {', '.join(sorted(unknown))}.")
        return cls(annotation_id, {k: current[k] for k in after}, dict(after), label)

    @property
    def text(self) -> str:
        return self.label

    def do(self, incident: Incident) -> Changes:
        return ann.update_annotation(incident, self.annotation_id, **self.after)

    def undo(self, incident: Incident) -> Changes:
        return ann.update_annotation(incident, self.annotation_id, **self.before)


@dataclass
class DeleteAnnotation:
    annotation_id: int
    _record: ann.Annotation | None = None

    @property
    def text(self) -> str:
        return "Delete annotation"

    def do(self, incident: Incident) -> Changes:
        self._record = ann.annotation(incident, self.annotation_id)
        return ann.delete_annotation(incident, self.annotation_id)

    def undo(self, incident: Incident) -> Changes:
        if self._record is None:
            raise WorkbenchError("This annotation was never deleted, so there is nothing to undo.")
        return ann.restore_annotation(incident, self._record)


@dataclass
class UpdateIncident:
    """Change the incident's title, claim or description."""

    before: dict[str, str]
    after: dict[str, str]

    @property
    def text(self) -> str:
        return "Edit incident details"

    def do(self, incident: Incident) -> Changes:
        return incident.update(**self.after)

    def undo(self, incident: Incident) -> Changes:
        return incident.update(**self.before)


class History:
    """A linear undo history without Qt: `push` does a command; `undo`/`redo` walk back and forth."""

    def __init__(self, incident: Incident) -> None:
        self._incident = incident
        self._done: list[Command] = []
        self._undone: list[Command] = []

    def push(self, command: Command) -> Changes:
        changes = command.do(self._incident)
        self._done.append(command)
        self._undone.clear()
        return changes

    def undo(self) -> Changes:
        if not self._done:
            return Changes()
        command = self._done.pop()
        changes = command.undo(self._incident)
        self._undone.append(command)
        return changes

    def redo(self) -> Changes:
        if not self._undone:
            return Changes()
        command = self._undone.pop()
        changes = command.do(self._incident)
        self._done.append(command)
        return changes

    @property
    def can_undo(self) -> bool:
        return bool(self._done)

    @property
    def can_redo(self) -> bool:
        return bool(self._undone)

    @property
    def undo_text(self) -> str:
        return self._done[-1].text if self._done else ""

    @property
    def redo_text(self) -> str:
        return self._undone[-1].text if self._undone else ""
