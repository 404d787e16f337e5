"""An incident from another installation opens read-only, is verified in the background, and can be copied."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.gui.conftest import wait_idle
from tests.helpers import make_jpeg
from workbench.core.incident import Incident
from workbench.core.ingest import add_evidence
from workbench.core.provenance import origin


def test_received_incident_is_read_only_verified_and_copied(
    qtbot,
    window,
    ctx,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,  # type: ignore[no-untyped-def]
) -> None:
    theirs = tmp_path / "from-colleague.incident"
    mine = os.environ["WORKBENCH_CONFIG_DIR"]
    monkeypatch.setenv("WORKBENCH_CONFIG_DIR", str(tmp_path / "colleague-config"))
    photo = tmp_path / "p.jpg"
    photo.write_bytes(make_jpeg(seed=8))
    with Incident.create(theirs, title="Their case", analyst="Colleague") as inc:
        add_evidence(inc, [photo], pixels=False)
    monkeypatch.setenv("WORKBENCH_CONFIG_DIR", mine)
    before = theirs.read_bytes()

    assert window.open_path(theirs)  # asked for writing, but it is someone else's
    assert ctx.incident.read_only
    wait_idle(qtbot, ctx)
    assert window.last_integrity.intact and window.last_integrity.items_checked == 1
    assert "another installation" in window.received_note and window.act_copy.isEnabled()

    copy = tmp_path / "ours.incident"
    window.work_on_copy(copy)
    wait_idle(qtbot, ctx)
    assert ctx.incident is not None and ctx.incident.path == copy and not ctx.incident.read_only
    assert not origin(copy).received
    assert theirs.read_bytes() == before
