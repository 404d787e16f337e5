"""Undo/redo through core commands: ids survive redo, every step is audited, edits undo exactly."""

from __future__ import annotations

from workbench.core import annotations as ann
from workbench.core.incident import Incident
from workbench.core.undo import CreateAnnotation, DeleteAnnotation, History, UpdateAnnotation, UpdateIncident


def test_create_undo_redo_keeps_the_id(incident: Incident) -> None:
    history = History(incident)
    cmd = CreateAnnotation(1, "rect", {"x": 1, "y": 2, "w": 3, "h": 4}, {"label": "sign"})
    history.push(cmd)
    aid = cmd.annotation_id
    assert aid is not None and history.undo_text == "Add rect"
    assert "annotations" in history.undo()
    assert ann.list_annotations(incident) == []
    assert history.can_redo and not history.can_undo
    history.redo()
    assert [(a.id, a.label) for a in ann.list_annotations(incident)] == [(aid, "sign")]


def test_move_edit_delete_chain_undoes_in_order(incident: Incident) -> None:
    history = History(incident)
    create = CreateAnnotation(2, "point", {"x": 5, "y": 5})
    history.push(create)
    assert create.annotation_id is not None
    aid = create.annotation_id
    history.push(UpdateAnnotation.from_current(incident, aid, {"geometry": {"x": 9, "y": 1}}, "Move annotation"))
    history.push(UpdateAnnotation.from_current(incident, aid, {"label": "pole", "category": "landmark"}))
    history.push(DeleteAnnotation(aid))
    assert ann.list_annotations(incident) == []
    history.undo()
    got = ann.annotation(incident, aid)
    assert (got.geometry, got.label, got.category) == ({"x": 9.0, "y": 1.0}, "pole", "landmark")
    history.undo()
    assert ann.annotation(incident, aid).label == ""
    history.undo()
    assert ann.annotation(incident, aid).geometry == {"x": 5.0, "y": 5.0}
    history.redo()
    history.redo()
    history.redo()
    assert ann.list_annotations(incident) == []
    actions = [e.action for e in incident.audit_log() if e.object_type == "annotation"]
    assert actions.count("annotation.restore") == 1 and actions.count("annotation.delete") == 2
    assert history.undo() and history.redo_text != ""


def test_new_command_clears_redo(incident: Incident) -> None:
    history = History(incident)
    history.push(CreateAnnotation(1, "point", {"x": 1, "y": 1}))
    history.undo()
    history.push(CreateAnnotation(1, "point", {"x": 2, "y": 2}))
    assert not history.can_redo
    assert history.redo() == type(history.redo())()


def test_incident_details_undo(incident: Incident) -> None:
    history = History(incident)
    history.push(UpdateIncident({"claim": ""}, {"claim": "Shows the bridge on 3 May"}))
    assert incident.info().claim == "Shows the bridge on 3 May"
    history.undo()
    assert incident.info().claim == ""
