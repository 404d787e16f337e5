"""Undoable map edits (`workbench.core.undo.Command`): add a hypothesis where the analyst clicked, move one they
dragged. Both go through the audited operations of `workbench.core.analysis`, so undo and redo are audited too.
"""

from __future__ import annotations

from dataclasses import dataclass

from workbench.core import analysis
from workbench.core.errors import BadInput, WorkbenchError
from workbench.core.incident import Incident
from workbench.core.store.records import Changes

DEFAULT_RADIUS_M = 500.0


def hypothesis_id(marker_id: str) -> int:
    """The store's id from a map marker id ("hyp:12" → 12)."""
    prefix, _, number = marker_id.partition(":")
    if prefix != "hyp" or not number.isdigit():
        raise BadInput(f"{marker_id!r} is not a location hypothesis on the map.")
    return int(number)


@dataclass
class AddHypothesis:
    """A candidate location at a clicked point; redo puts back the same id."""

    lat: float
    lon: float
    radius_m: float = DEFAULT_RADIUS_M
    label: str = ""
    hypothesis_id: int | None = None
    _record: analysis.LocationHypothesis | None = None

    @property
    def text(self) -> str:
        return "Add location hypothesis"

    def do(self, incident: Incident) -> Changes:
        if self._record is not None:
            return analysis.restore_hypothesis(incident, self._record)
        changes = analysis.add_hypothesis(
            incident, self.lat, self.lon, label=self.label, radius_m=self.radius_m, method="map click"
        )
        self.hypothesis_id = changes.ids["hypotheses"][0]
        return changes

    def undo(self, incident: Incident) -> Changes:
        if self.hypothesis_id is None:
            raise WorkbenchError("This hypothesis was never added, so there is nothing to undo.")
        changes, self._record = analysis.delete_hypothesis(incident, self.hypothesis_id)
        return changes


@dataclass
class MoveHypothesis:
    """A hypothesis dragged on the map: before and after positions."""

    hypothesis_id: int
    before: tuple[float, float]
    after: tuple[float, float]

    @classmethod
    def from_current(cls, incident: Incident, hypothesis_id: int, lat: float, lon: float) -> MoveHypothesis:
        current = analysis.hypothesis(incident, hypothesis_id)
        return cls(hypothesis_id, (current.lat, current.lon), (lat, lon))

    @property
    def text(self) -> str:
        return "Move location hypothesis"

    def do(self, incident: Incident) -> Changes:
        return analysis.update_hypothesis(incident, self.hypothesis_id, lat=self.after[0], lon=self.after[1])

    def undo(self, incident: Incident) -> Changes:
        return analysis.update_hypothesis(incident, self.hypothesis_id, lat=self.before[0], lon=self.before[1])
