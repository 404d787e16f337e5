"""Findings, verdict and checklist: every change audited, evidence checked, plain records back."""

from __future__ import annotations

import pytest

from workbench.core import findings as fnd
from workbench.core.errors import BadInput, IncidentReadOnly, NotFound
from workbench.core.incident import Incident
from workbench.core.store import audit


def _actions(inc: Incident) -> list[str]:
    return [e.action for e in inc.audit_log()]


def test_add_finding_with_evidence_is_audited_and_read_back(demo: Incident) -> None:
    before = demo.info().audit_count
    changes = fnd.add_finding(
        demo, "  The sign names the square.  ", confidence="high", note="legible", evidence=["media:1", ("media", 2)]
    )
    assert "findings" in changes
    fid = changes.ids["findings"][0]
    f = fnd.finding(demo, fid)
    assert f.statement == "The sign names the square."
    assert f.confidence == "high"
    assert [e.ref for e in f.evidence] == ["media:1", "media:2"]
    assert f.evidence[0].object_type == "media_item"
    info = demo.info()
    assert info.audit_count == before + 1
    last = demo.audit_log(limit=1, newest_first=True)[0]
    assert (last.action, last.object_type, last.object_id) == ("finding.create", "finding", str(fid))
    assert last.details["evidence"][1]["ref"] == "media:2"
    with demo.read() as conn:
        assert audit.verify_chain(conn) == []


def test_evidence_must_exist_and_be_well_formed(demo: Incident) -> None:
    count = demo.info().audit_count
    with pytest.raises(NotFound, match="media:999"):
        fnd.add_finding(demo, "x", evidence=["media:999"])
    with pytest.raises(NotFound, match="post:1"):
        fnd.add_finding(demo, "x", evidence=["post:1"])
    with pytest.raises(BadInput, match="kind:id"):
        fnd.add_finding(demo, "x", evidence=["media3"])
    with pytest.raises(BadInput, match="Unknown evidence kind"):
        fnd.add_finding(demo, "x", evidence=["photo:3"])
    with pytest.raises(BadInput, match="whole numbers"):
        fnd.add_finding(demo, "x", evidence=["media:abc"])
    with pytest.raises(BadInput, match="statement"):
        fnd.add_finding(demo, "   ")
    with pytest.raises(BadInput, match="Confidence"):
        fnd.add_finding(demo, "x", confidence="certain")
    assert fnd.list_findings(demo) == []
    assert demo.info().audit_count == count  # nothing half-done, nothing recorded


def test_update_records_before_and_after_and_skips_no_ops(demo: Incident) -> None:
    fid = fnd.add_finding(demo, "First", evidence=["media:1"]).ids["findings"][0]
    assert fnd.update_finding(demo, fid, statement="First") == fnd.Changes()
    changes = fnd.update_finding(demo, fid, confidence="low", evidence=["media:2"])
    assert "findings" in changes
    entry = demo.audit_log(limit=1, newest_first=True)[0]
    assert entry.action == "finding.update"
    assert entry.details["before"]["confidence"] == "medium"
    assert entry.details["after"]["confidence"] == "low"
    assert [e["ref"] for e in entry.details["before"]["evidence"]] == ["media:1"]
    assert [e.ref for e in fnd.finding(demo, fid).evidence] == ["media:2"]
    assert "findings" in fnd.link_evidence(demo, fid, "media:3", note="the re-post")
    assert fnd.link_evidence(demo, fid, "media:3") == fnd.Changes()  # already cited
    f = fnd.finding(demo, fid)
    assert [(e.ref, e.note) for e in f.evidence] == [("media:2", ""), ("media:3", "the re-post")]
    assert "findings" in fnd.unlink_evidence(demo, fid, "media:2")
    assert [e.ref for e in fnd.finding(demo, fid).evidence] == ["media:3"]
    assert [f.id for f in fnd.findings_citing(demo, "media:3")] == [fid]


def test_delete_and_restore_keep_id_position_and_evidence(demo: Incident) -> None:
    a = fnd.add_finding(demo, "A").ids["findings"][0]
    b = fnd.add_finding(demo, "B", evidence=["media:1"]).ids["findings"][0]
    record = fnd.finding(demo, b)
    fnd.delete_finding(demo, b)
    assert [f.id for f in fnd.list_findings(demo)] == [a]
    deleted = demo.audit_log(limit=1, newest_first=True)[0]
    assert deleted.action == "finding.delete"
    assert deleted.details["statement"] == "B"  # the log keeps what was said
    fnd.restore_finding(demo, record)
    restored = fnd.finding(demo, b)
    assert (restored.statement, restored.position, [e.ref for e in restored.evidence]) == ("B", 2, ["media:1"])
    with pytest.raises(BadInput):
        fnd.restore_finding(demo, record)
    with pytest.raises(NotFound):
        fnd.delete_finding(demo, 999)


def test_reorder_needs_every_id_once(demo: Incident) -> None:
    ids = [fnd.add_finding(demo, s).ids["findings"][0] for s in ("one", "two", "three")]
    fnd.reorder_findings(demo, [ids[2], ids[0], ids[1]])
    assert [f.statement for f in fnd.list_findings(demo)] == ["three", "one", "two"]
    assert demo.audit_log(limit=1, newest_first=True)[0].action == "finding.reorder"
    assert fnd.reorder_findings(demo, [ids[2], ids[0], ids[1]]) == fnd.Changes()
    with pytest.raises(BadInput):
        fnd.reorder_findings(demo, [ids[0], ids[1]])
    with pytest.raises(BadInput):
        fnd.reorder_findings(demo, [ids[0], ids[0], ids[1]])
    # a new finding goes to the end
    fnd.add_finding(demo, "four")
    assert fnd.list_findings(demo)[-1].statement == "four"


def test_verdict_scale_and_rationale(demo: Incident) -> None:
    assert fnd.get_verdict(demo).verdict == "unverified"
    assert fnd.get_verdict(demo).title == "Unverified / inconclusive"
    changes = fnd.set_verdict(demo, "Misleading", "Genuine photo, wrong day.")
    assert "incident" in changes
    v = fnd.get_verdict(demo)
    assert (v.verdict, v.rationale) == ("misleading", "Genuine photo, wrong day.")
    info = demo.info()
    assert (info.verdict, info.verdict_rationale) == ("misleading", "Genuine photo, wrong day.")
    entry = demo.audit_log(limit=1, newest_first=True)[0]
    assert entry.action == "incident.verdict"
    assert entry.details["before"]["verdict"] == "unverified"
    assert fnd.set_verdict(demo, "misleading") == fnd.Changes()  # rationale kept, nothing changed
    fnd.set_verdict(demo, "inconclusive")
    assert fnd.get_verdict(demo).verdict == "unverified"
    assert fnd.get_verdict(demo).rationale == "Genuine photo, wrong day."
    with pytest.raises(BadInput, match="verified, likely"):
        fnd.set_verdict(demo, "probably")


def test_checklist_shows_every_step_and_what_was_done(demo: Incident) -> None:
    steps = fnd.checklist(demo)
    assert [c.key for c in steps] == ["provenance", "source", "date", "place", "motivation"]
    assert {c.status for c in steps} == {"not done"}
    fnd.set_checklist_item(demo, "date", "done", "EXIF and shadows agree")
    fnd.set_checklist_item(demo, "source", "not possible", "account deleted")
    by_key = {c.key: c for c in fnd.checklist(demo)}
    assert (by_key["date"].status, by_key["date"].note) == ("done", "EXIF and shadows agree")
    assert by_key["source"].status == "not possible"
    assert fnd.set_checklist_item(demo, "date", "done") == fnd.Changes()  # note kept when not given
    assert demo.audit_log(limit=1, newest_first=True)[0].details["step"] == "source"
    with pytest.raises(BadInput):
        fnd.set_checklist_item(demo, "weather", "done")
    with pytest.raises(BadInput):
        fnd.set_checklist_item(demo, "date", "finished")


def test_findings_json_has_everything(demo: Incident) -> None:
    fnd.add_finding(demo, "S", confidence="low", evidence=["media:1"])
    fnd.set_verdict(demo, "false", "Fabricated.")
    data = fnd.findings_json(demo)
    assert data["verdict"]["verdict"] == "false"
    assert data["findings"][0]["evidence"][0]["ref"] == "media:1"
    assert len(data["checklist"]) == 5
    assert data["audit_head"] == demo.info().audit_head


def test_read_only_incident_refuses_changes(demo: Incident) -> None:
    path = demo.path
    demo.close()
    with Incident.open(path, read_only=True) as ro:
        with pytest.raises(IncidentReadOnly):
            fnd.add_finding(ro, "x")
        with pytest.raises(IncidentReadOnly):
            fnd.set_verdict(ro, "false", "x")
        assert fnd.list_findings(ro) == []


def test_commands_undo_and_redo_through_the_history(demo: Incident) -> None:
    from workbench.core.undo import History

    history = History(demo)
    add = fnd.AddFinding("The sign names the square.", "high", evidence=("media:1",))
    history.push(add)
    assert add.finding_id is not None
    fid = add.finding_id
    history.push(fnd.UpdateFinding.from_current(demo, fid, confidence="low", evidence=["media:2"]))
    history.push(fnd.SetVerdict.from_current(demo, "false", "Old photo."))
    history.push(fnd.SetChecklistItem.from_current(demo, "date", "done", "EXIF"))
    second = fnd.AddFinding("Second")
    history.push(second)
    assert second.finding_id is not None
    history.push(fnd.ReorderFindings((fid, second.finding_id), (second.finding_id, fid)))
    history.push(fnd.DeleteFinding(fid))
    assert [f.statement for f in fnd.list_findings(demo)] == ["Second"]
    for _ in range(7):
        history.undo()
    assert fnd.list_findings(demo) == []
    assert fnd.get_verdict(demo).verdict == "unverified"
    assert {c.key: c.status for c in fnd.checklist(demo)}["date"] == "not done"
    for _ in range(3):
        history.redo()  # add, update, verdict
    f = fnd.finding(demo, fid)  # the same id as before
    assert (f.confidence, [e.ref for e in f.evidence]) == ("low", ["media:2"])
    assert fnd.get_verdict(demo).rationale == "Old photo."
    with demo.read() as conn:
        assert audit.verify_chain(conn) == []
    assert "finding.restore" in _actions(demo)
