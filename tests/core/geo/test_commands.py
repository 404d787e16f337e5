from pathlib import Path

import pytest

from workbench.core import analysis
from workbench.core.errors import BadInput
from workbench.core.geo.commands import AddHypothesis, MoveHypothesis, hypothesis_id
from workbench.core.geo.incident_layers import layers_from_incident
from workbench.core.incident import Incident
from workbench.core.undo import History


def test_add_and_move_are_undoable_and_audited(tmp_path: Path) -> None:
    with Incident.create(tmp_path / "c.incident", title="C") as inc:
        history = History(inc)
        add = AddHypothesis(48.28, 37.18)
        assert "hypotheses" in history.push(add).topics
        hid = add.hypothesis_id
        assert hid is not None and layers_from_incident(inc).hypotheses[0].id == f"hyp:{hid}"
        history.push(MoveHypothesis.from_current(inc, hypothesis_id(f"hyp:{hid}"), 48.3, 37.2))
        assert (analysis.hypothesis(inc, hid).lat, analysis.hypothesis(inc, hid).lon) == (48.3, 37.2)
        history.undo()
        assert analysis.hypothesis(inc, hid).lat == 48.28
        history.undo()
        assert analysis.list_hypotheses(inc) == []
        history.redo()
        assert analysis.hypothesis(inc, hid).radius_m == 500.0  # the same id comes back
        with inc.read() as conn:
            actions = [r[0] for r in conn.exec_driver_sql("SELECT action FROM audit_entry ORDER BY seq")]
        assert actions[-4:] == ["hypothesis.update", "hypothesis.update", "hypothesis.delete", "hypothesis.restore"]
    with pytest.raises(BadInput):
        hypothesis_id("media:3")
