"""The findings panel: a verdict with its rationale, findings citing the selected evidence, the checklist; undoable."""

from __future__ import annotations

from pathlib import Path

from tests.gui.conftest import wait_idle

from workbench.core import findings as fnd


def test_verdict_findings_and_checklist_are_recorded_and_undoable(qtbot, window, ctx, demo_incident: Path) -> None:  # type: ignore[no-untyped-def]
    ctx.open_incident(demo_incident)
    wait_idle(qtbot, ctx)
    panel = window.panels["findings"]
    photo = next(m for m in ctx.incident.media_items() if m.filename == "DSCF4021.JPG")
    ctx.select_media([photo.id])
    panel.statement.setText("The blue sign reads HAUPTPLATZ <b>not markup</b>")
    panel.confidence.setCurrentText("high")
    panel.add_button.click()
    (f,) = fnd.list_findings(ctx.incident)
    assert f.statement.endswith("<b>not markup</b>") and f.confidence == "high"
    assert [e.ref for e in f.evidence] == [f"media:{photo.id}"]
    assert panel.list.count() == 1 and "HAUPTPLATZ" in panel.list.item(0).text()

    panel.verdict.setCurrentIndex(panel.verdict.findData("misleading"))
    panel.rationale.setPlainText("The photo is from 13 March, edited; the claim says 14 March.")
    panel.set_verdict_button.click()
    assert fnd.get_verdict(ctx.incident).verdict == "misleading"

    combo = panel.steps["date"]
    combo.setCurrentText("done")
    combo.activated.emit(combo.currentIndex())
    assert next(s for s in fnd.checklist(ctx.incident) if s.key == "date").status == "done"

    ctx.undo_stack.undo()  # the checklist step
    ctx.undo_stack.undo()  # the verdict
    assert fnd.get_verdict(ctx.incident).verdict == "unverified"
    assert panel.verdict.currentData() == "unverified"
    ctx.undo_stack.redo()
    assert fnd.get_verdict(ctx.incident).verdict == "misleading"
    actions = [e.action for e in ctx.incident.audit_log()]
    assert "finding.add" in actions or any(a.startswith("finding") for a in actions)
