"""Annotations: stored in stored-pixel coordinates, validated, audited, and restorable with their id."""

from __future__ import annotations

import pytest

from workbench.core import annotations as ann
from workbench.core.errors import BadInput, IncidentReadOnly, NotFound
from workbench.core.incident import Incident


def test_create_reads_back_and_audits(incident: Incident) -> None:
    changes = ann.create_annotation(
        incident, 1, "rect", {"x": 10, "y": 5, "w": 20, "h": 8}, category="landmark", label="tower", confidence=0.7
    )
    assert "annotations" in changes and changes.ids["media"] == (1,)
    new_id = changes.ids["annotations"][0]
    got = ann.annotation(incident, new_id)
    assert got.geometry == {"x": 10.0, "y": 5.0, "w": 20.0, "h": 8.0}
    assert (got.category, got.label, got.confidence, got.media_id) == ("landmark", "tower", 0.7, 1)
    assert got.bounds() == (10.0, 5.0, 20.0, 8.0)
    last = incident.audit_log(newest_first=True, limit=1)[0]
    assert (last.action, last.object_id, last.details["label"]) == ("annotation.create", str(new_id), "tower")
    assert ann.annotation_counts(incident) == {1: 1}


@pytest.mark.parametrize(
    ("shape", "geometry", "message"),
    [
        ("rect", {"x": 0, "y": 0, "w": 0, "h": 3}, "positive width"),
        ("ellipse", {"x": 0, "y": 0, "w": 3}, "h is missing"),
        ("polygon", {"points": [[0, 0], [1, 1]]}, "at least 3"),
        ("arrow", {"points": [[0, 0], [1, 1], [2, 2]]}, "exactly 2"),
        ("point", {"x": float("nan"), "y": 1}, "finite"),
        ("star", {"x": 0, "y": 0}, "Unknown annotation shape"),
    ],
)
def test_bad_geometry_is_refused_with_a_reason(incident: Incident, shape: str, geometry: dict, message: str) -> None:
    with pytest.raises(BadInput, match=message):
        ann.create_annotation(incident, 1, shape, geometry)
    assert ann.list_annotations(incident) == []


def test_bad_fields_and_missing_targets(incident: Incident) -> None:
    with pytest.raises(BadInput, match="category"):
        ann.create_annotation(incident, 1, "point", {"x": 1, "y": 1}, category="animal")
    with pytest.raises(BadInput, match="Confidence"):
        ann.create_annotation(incident, 1, "point", {"x": 1, "y": 1}, confidence=1.5)
    with pytest.raises(NotFound, match="media item 99"):
        ann.create_annotation(incident, 99, "point", {"x": 1, "y": 1})
    with pytest.raises(NotFound, match="link"):
        ann.create_annotation(incident, 1, "point", {"x": 1, "y": 1}, linked_media_id=42)
    with pytest.raises(NotFound, match="hypothesis"):
        ann.create_annotation(incident, 1, "point", {"x": 1, "y": 1}, linked_hypothesis_id=3)


def test_update_records_before_and_after_and_skips_no_op(incident: Incident) -> None:
    aid = ann.create_annotation(incident, 1, "line", {"points": [[0, 0], [5, 5]]}).ids["annotations"][0]
    changes = ann.update_annotation(
        incident, aid, label="kerb", linked_media_id=2, geometry={"points": [[1, 1], [6, 6]]}
    )
    assert "annotations" in changes
    got = ann.annotation(incident, aid)
    assert (got.label, got.linked_media_id, got.geometry["points"][0]) == ("kerb", 2, [1.0, 1.0])
    entry = incident.audit_log(newest_first=True, limit=1)[0]
    assert entry.action == "annotation.update"
    assert entry.details["before"] == {
        "label": "",
        "linked_media_id": None,
        "geometry": {"points": [[0.0, 0.0], [5.0, 5.0]]},
    }
    count = len(incident.audit_log())
    assert ann.update_annotation(incident, aid, label="kerb") == type(changes)()
    assert len(incident.audit_log()) == count
    with pytest.raises(BadInput, match="no field"):
        ann.update_annotation(incident, aid, shape="rect")


def test_delete_then_restore_keeps_id_and_fields(incident: Incident) -> None:
    aid = ann.create_annotation(
        incident, 2, "polygon", {"points": [[0, 0], [4, 0], [2, 3]]}, category="shadow", note="long"
    ).ids["annotations"][0]
    record = ann.annotation(incident, aid)
    ann.delete_annotation(incident, aid)
    with pytest.raises(NotFound):
        ann.annotation(incident, aid)
    ann.restore_annotation(incident, record)
    back = ann.annotation(incident, aid)
    assert (back.id, back.geometry, back.category, back.note) == (aid, record.geometry, "shadow", "long")
    actions = [e.action for e in incident.audit_log()][-3:]
    assert actions == ["annotation.create", "annotation.delete", "annotation.restore"]
    with pytest.raises(BadInput, match="already exists"):
        ann.restore_annotation(incident, record)


def test_read_only_incident_refuses_annotation(incident: Incident) -> None:
    path = incident.path
    incident.close()
    with Incident.open(path, read_only=True) as ro, pytest.raises(IncidentReadOnly):
        ann.create_annotation(ro, 1, "point", {"x": 1, "y": 1})
