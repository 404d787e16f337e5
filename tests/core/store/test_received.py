"""Received incidents: another installation made it, so it opens read-only until we work on a copy."""

from __future__ import annotations

from pathlib import Path

import pytest
from tests.helpers import make_jpeg

from workbench.core.errors import IncidentExists
from workbench.core.incident import Incident
from workbench.core.ingest import add_evidence
from workbench.core.provenance import install_id, make_working_copy, origin
from workbench.core.verify import verify_incident


def test_own_incident_is_not_received(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("WORKBENCH_CONFIG_DIR", str(tmp_path / "me"))
    path = tmp_path / "mine.incident"
    Incident.create(path, title="t", analyst="Ana").close()
    o = origin(path)
    assert o.created_by_install == install_id() and not o.received and o.created_by == "Ana"


def test_colleagues_incident_is_received_and_a_working_copy_is_ours(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("WORKBENCH_CONFIG_DIR", str(tmp_path / "colleague"))
    theirs = tmp_path / "theirs.incident"
    photo = tmp_path / "p.jpg"
    photo.write_bytes(make_jpeg(seed=4))
    with Incident.create(theirs, title="Their case", analyst="Colleague") as inc:
        add_evidence(inc, [photo], pixels=False)
    their_head = verify_incident(theirs).audit_head
    before = theirs.read_bytes()

    monkeypatch.setenv("WORKBENCH_CONFIG_DIR", str(tmp_path / "me"))
    assert origin(theirs).received
    copy = make_working_copy(theirs, tmp_path / "ours.incident", analyst="Me")
    assert theirs.read_bytes() == before  # the received file is only read
    o = origin(copy)
    assert not o.received and o.copied_from == their_head
    report = verify_incident(copy)
    assert report.intact and report.items_checked == 1
    with Incident.open(copy) as inc:
        last = inc.audit_log()[-1]
        assert last.action == "incident.working_copy" and last.analyst == "Me"
        assert last.details["source_audit_head"] == their_head
    with pytest.raises(IncidentExists):
        make_working_copy(theirs, copy)
