"""Linking a landmark seen in two images: two point annotations, each naming the other item, as one undoable
command. Both halves go through the audited `CreateAnnotation`, so the audit log shows each of them (and the undo).
"""

from __future__ import annotations

from dataclasses import dataclass

from workbench.core.errors import WorkbenchError
from workbench.core.incident import Incident
from workbench.core.store.records import Changes
from workbench.core.undo import CreateAnnotation

CATEGORY = "landmark"


@dataclass
class LinkLandmark:
    """A point on `first_media` and its match on `second_media` (stored pixels), with one label."""

    first: CreateAnnotation
    second: CreateAnnotation
    label: str

    @classmethod
    def between(
        cls,
        first_media: int,
        first_point: tuple[float, float],
        second_media: int,
        second_point: tuple[float, float],
        label: str,
        note: str = "",
    ) -> LinkLandmark:
        def half(media_id: int, point: tuple[float, float], other: int) -> CreateAnnotation:
            geometry = {"x": round(point[0], 2), "y": round(point[1], 2)}
            values = {"category": CATEGORY, "label": label, "note": note, "linked_media_id": other}
            return CreateAnnotation(media_id, "point", geometry, values=values)

        return cls(half(first_media, first_point, second_media), half(second_media, second_point, first_media), label)

    @property
    def text(self) -> str:
        return f"Link landmark “{self.label}”"

    @property
    def annotation_ids(self) -> tuple[int | None, int | None]:
        return self.first.annotation_id, self.second.annotation_id

    def do(self, incident: Incident) -> Changes:
        changes = self.first.do(incident)
        try:
            return changes | self.second.do(incident)
        except WorkbenchError:
            self.first.undo(incident)  # all or nothing: a half-made link would point at nothing
            raise

    def undo(self, incident: Incident) -> Changes:
        changes = self.second.undo(incident)
        return changes | self.first.undo(incident)
