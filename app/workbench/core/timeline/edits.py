"""Analyst events on the timeline as undoable commands (the `workbench.core.undo.Command` protocol).

Adding puts an audited row in `timeline_event`; undo deletes it (audited too) and redo restores the same id, so the
audit log tells the whole story.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from workbench.core.errors import NotFound
from workbench.core.incident import Incident
from workbench.core.posts.store import add_timeline_event
from workbench.core.store.records import Changes

_COLUMNS = ("id", "at_utc", "end_utc", "uncertainty_s", "kind", "label", "note", "source", "created_utc")


def timeline_event(incident: Incident, event_id: int) -> dict[str, Any]:
    with incident.read() as conn:
        row = conn.exec_driver_sql(
            f"SELECT {', '.join(_COLUMNS)} FROM timeline_event WHERE id = ?", (event_id,)
        ).first()
    if row is None:
        raise NotFound(f"There is no timeline event {event_id} in {incident.path.name}.")
    return dict(zip(_COLUMNS, row, strict=True))


def delete_timeline_event(incident: Incident, event_id: int) -> Changes:
    record = timeline_event(incident, event_id)
    with incident.write() as conn:
        conn.exec_driver_sql("DELETE FROM timeline_event WHERE id = ?", (event_id,))
        incident.record(conn, "timeline.event_delete", "timeline_event", event_id, {"before": record})
    return Changes.of("timeline", event_id)


def restore_timeline_event(incident: Incident, record: dict[str, Any]) -> Changes:
    with incident.write() as conn:
        conn.exec_driver_sql(
            f"INSERT INTO timeline_event ({', '.join(_COLUMNS)}) VALUES ({', '.join('?' * len(_COLUMNS))})",
            tuple(record[c] for c in _COLUMNS),
        )
        incident.record(conn, "timeline.event_restore", "timeline_event", int(record["id"]), {"after": record})
    return Changes.of("timeline", int(record["id"]))


@dataclass
class AddTimelineEvent:
    """Put an event on the timeline (a reported explosion, a broadcast), with its uncertainty."""

    at_utc: datetime
    label: str
    uncertainty_s: float | None = None
    end_utc: datetime | None = None
    note: str = ""
    source: str = ""
    event_id: int | None = None
    _record: dict[str, Any] | None = None

    @property
    def text(self) -> str:
        return f"Add timeline event {self.label!r}"

    def do(self, incident: Incident) -> Changes:
        if self._record is not None:
            return restore_timeline_event(incident, self._record)
        self.event_id, changes = add_timeline_event(
            incident,
            at_utc=self.at_utc,
            label=self.label,
            end_utc=self.end_utc,
            uncertainty_s=self.uncertainty_s,
            note=self.note,
            source=self.source,
        )
        return changes

    def undo(self, incident: Incident) -> Changes:
        if self.event_id is None:
            raise NotFound("This event was never added, so there is nothing to undo.")
        self._record = timeline_event(incident, self.event_id)
        return delete_timeline_event(incident, self.event_id)
