"""`verify`: intact files pass; altered bytes, altered or cut audit history and damage are named precisely."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from tests.helpers import make_jpeg

from workbench.cli import main as cli_main
from workbench.core.incident import Incident
from workbench.core.ingest import add_evidence
from workbench.core.verify import verify_incident


@pytest.fixture
def filled(tmp_path: Path, incident_path: Path) -> Path:
    files = []
    for i in range(3):
        p = tmp_path / f"img{i}.jpg"
        p.write_bytes(make_jpeg(seed=i))
        files.append(p)
    with Incident.create(incident_path, title="t") as inc:
        add_evidence(inc, files, pixels=False)
        inc.update(claim="a claim")
    return incident_path


def _sql(path: Path, *statements: str) -> None:
    conn = sqlite3.connect(path)
    try:
        for s in statements:
            conn.execute(s)
        conn.commit()
    finally:
        conn.close()


def test_intact_file_passes_with_exit_0(filled: Path, capsys: pytest.CaptureFixture[str]) -> None:
    report = verify_incident(filled)
    assert report.intact and report.items_checked == 3 and report.audit_entries == 5
    assert cli_main(["verify", str(filled)]) == 0
    assert "is intact" in capsys.readouterr().out


def test_altered_evidence_bytes_are_named(filled: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _sql(filled, "UPDATE blob_chunk SET data = zeroblob(length(data)) WHERE blob_id = 2")
    report = verify_incident(filled)
    assert not report.intact
    assert any("media item 2 (img1.jpg)" in p and "altered" in p for p in report.problems), report.problems
    assert cli_main(["verify", str(filled)]) == 1
    assert "img1.jpg" in capsys.readouterr().out


def test_altered_audit_entry_is_named(filled: Path) -> None:
    _sql(
        filled,
        "DROP TRIGGER audit_entry_no_update",
        "UPDATE audit_entry SET analyst = 'someone else' WHERE seq = 3",
    )
    problems = verify_incident(filled).problems
    assert any("audit entry 3" in p and "altered" in p for p in problems), problems


def test_rewritten_entry_with_fresh_hash_breaks_the_chain(filled: Path) -> None:
    from workbench.core.store.audit import entry_hash

    conn = sqlite3.connect(filled)
    row = conn.execute(
        "SELECT seq, at_utc, analyst, action, object_type, object_id, details_json, prev_hash "
        "FROM audit_entry WHERE seq = 2"
    ).fetchone()
    new_hash = entry_hash(row[0], row[1], "forger", *row[3:])
    conn.execute("DROP TRIGGER audit_entry_no_update")
    conn.execute("UPDATE audit_entry SET analyst = 'forger', hash = ? WHERE seq = 2", (new_hash,))
    conn.commit()
    conn.close()
    problems = verify_incident(filled).problems
    assert any("audit entry 3" in p and "does not follow" in p for p in problems), problems


def test_cut_audit_tail_is_detected(filled: Path) -> None:
    _sql(filled, "DROP TRIGGER audit_entry_no_delete", "DELETE FROM audit_entry WHERE seq = 5")
    problems = verify_incident(filled).problems
    assert any("records 5 audit entries but 4" in p for p in problems), problems


def test_audit_log_refuses_updates_and_deletes(filled: Path) -> None:
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        _sql(filled, "DELETE FROM audit_entry WHERE seq = 1")
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        _sql(filled, "UPDATE audit_entry SET analyst = 'x'")


def test_missing_chunk_is_named(filled: Path) -> None:
    _sql(filled, "DELETE FROM blob_chunk WHERE blob_id = 3")
    problems = verify_incident(filled).problems
    assert any("media item 3" in p and "chunks" in p for p in problems), problems


def test_verify_reads_a_file_open_for_writing_elsewhere(filled: Path) -> None:
    with Incident.open(filled):
        assert verify_incident(filled).intact


def test_verify_of_a_non_incident_is_a_one_line_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "x.incident"
    bad.write_bytes(b"not sqlite at all")
    assert cli_main(["verify", str(bad)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("workbench: ") and err.count("\n") == 1
