"""The incident file: file type, versions, the one-writer lock, one file after closing, migrations."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import inspect

from workbench.core.errors import (
    IncidentExists,
    IncidentLocked,
    IncidentNeedsUpgrade,
    IncidentReadOnly,
    IncidentTooNew,
    NotAnIncident,
)
from workbench.core.incident import Incident
from workbench.core.store import schema, schema_analysis, schema_context, schema_posts  # noqa: F401  (models)
from workbench.core.store.engine import APPLICATION_ID
from workbench.core.store.migrations import CURRENT_VERSION, STEPS


def test_new_incident_is_one_marked_file(incident_path: Path) -> None:
    with Incident.create(incident_path, title="Bridge video", claim="Shows the bridge on 3 May", analyst="Ana") as inc:
        info = inc.info()
        assert info.title == "Bridge video"
        assert info.claim == "Shows the bridge on 3 May"
        assert info.analyst == "Ana"
        assert info.format_version == CURRENT_VERSION
        log = inc.audit_log()
        assert [e.action for e in log] == ["incident.create"]
        assert log[0].analyst == "Ana"
    conn = sqlite3.connect(incident_path)
    assert conn.execute("PRAGMA application_id").fetchone()[0] == APPLICATION_ID
    assert conn.execute("PRAGMA user_version").fetchone()[0] == CURRENT_VERSION
    conn.close()
    assert sorted(p.name for p in incident_path.parent.iterdir()) == ["case.incident"]


def test_new_refuses_to_overwrite(incident_path: Path) -> None:
    Incident.create(incident_path, title="a").close()
    with pytest.raises(IncidentExists):
        Incident.create(incident_path, title="b")


def test_second_writer_is_refused_but_readers_work(incident_path: Path) -> None:
    with Incident.create(incident_path, title="t") as writer:
        with pytest.raises(IncidentLocked, match="already open"):
            Incident.open(incident_path)
        with Incident.open(incident_path, read_only=True) as reader:
            assert reader.info().title == "t"
            with pytest.raises(IncidentReadOnly):
                reader.update(title="changed")
        writer.update(title="t2")
    with Incident.open(incident_path) as again:  # the lock went with the writer
        assert again.info().title == "t2"


def test_second_writer_in_another_process_is_refused(incident_path: Path) -> None:
    import subprocess
    import sys

    with Incident.create(incident_path, title="t"):
        code = (
            "import sys\nfrom workbench.core.incident import Incident\n"
            "from workbench.core.errors import IncidentLocked\n"
            f"try:\n    Incident.open({str(incident_path)!r})\nexcept IncidentLocked as e:\n    print(e); sys.exit(3)\n"
        )
        result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
        assert result.returncode == 3, result.stderr
        assert "already open for writing" in result.stdout


def test_file_too_new_is_refused_untouched(incident_path: Path) -> None:
    Incident.create(incident_path, title="t").close()
    conn = sqlite3.connect(incident_path)
    conn.execute(f"PRAGMA user_version = {CURRENT_VERSION + 5}")
    conn.commit()
    conn.close()
    before = incident_path.read_bytes()
    with pytest.raises(IncidentTooNew, match="newer version"):
        Incident.open(incident_path)
    with pytest.raises(IncidentTooNew):
        Incident.open(incident_path, read_only=True)
    assert incident_path.read_bytes() == before


def test_not_an_incident(tmp_path: Path) -> None:
    other = tmp_path / "other.sqlite"
    conn = sqlite3.connect(other)
    conn.execute("CREATE TABLE x (a)")
    conn.commit()
    conn.close()
    with pytest.raises(NotAnIncident, match="another application"):
        Incident.open(other)
    text = tmp_path / "notes.incident"
    text.write_text("hello")
    with pytest.raises(NotAnIncident, match="not a SQLite"):
        Incident.open(text)
    truncated = tmp_path / "cut.incident"
    Incident.create(truncated, title="t").close()
    truncated.write_bytes(truncated.read_bytes()[:100])
    with pytest.raises(NotAnIncident):
        Incident.open(truncated)
    with pytest.raises(NotAnIncident, match="does not exist"):
        Incident.open(tmp_path / "missing.incident")


def _make_format_1(path: Path) -> None:
    """A file as format 1 wrote it (only the first ladder step)."""
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA page_size = 65536")
    conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
    conn.commit()
    conn.close()
    from sqlalchemy import create_engine

    engine = create_engine(f"sqlite:///{path}")
    with engine.begin() as c:
        STEPS[1](c)
        c.exec_driver_sql(
            "INSERT INTO incident (id, title, created_utc, modified_utc, audit_head, audit_count) "
            "VALUES (1, 'old', 'x', 'x', ?, 0)",
            ("0" * 64,),
        )
        c.exec_driver_sql("PRAGMA user_version = 1")
    engine.dispose()


def test_older_file_is_upgraded_after_a_backup(incident_path: Path) -> None:
    _make_format_1(incident_path)
    with pytest.raises(IncidentNeedsUpgrade):
        Incident.open(incident_path, read_only=True)
    with Incident.open(incident_path) as inc:
        assert inc.info().format_version == CURRENT_VERSION
        assert inc.info().title == "old"
        assert "posts" in inc.counts()
    backup = incident_path.with_name(f"{incident_path.name}.before-format-{CURRENT_VERSION}.bak")
    assert backup.exists()
    conn = sqlite3.connect(backup)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == 1
    conn.close()


def test_models_match_the_migrated_file(incident_path: Path) -> None:
    """The SQLAlchemy models and the ladder's DDL must describe the same tables and columns."""
    with Incident.create(incident_path, title="t") as inc:
        insp = inspect(inc.engine)
        tables = set(insp.get_table_names())
        model_tables = set(schema.Base.metadata.tables)
        assert tables == model_tables
        for name, table in schema.Base.metadata.tables.items():
            db_cols = {c["name"] for c in insp.get_columns(name)}
            assert db_cols == {c.name for c in table.columns}, name


def test_update_is_audited_and_noop_is_not(incident_path: Path) -> None:
    with Incident.create(incident_path, title="t", analyst="A") as inc:
        changes = inc.update(claim="New claim")
        assert "incident" in changes
        assert not inc.update(claim="New claim").topics
        entry = inc.audit_log()[-1]
        assert entry.action == "incident.update"
        assert entry.details == {"before": {"claim": ""}, "after": {"claim": "New claim"}}


def test_reads_during_a_write_do_not_wait(incident_path: Path) -> None:
    """A read on another connection while this process writes must not block on the write lock."""
    import time

    Incident.create(incident_path, title="t", analyst="A").close()
    # no analyst given when opening: it is read from the file on first use, in the middle of the write
    with Incident.open(incident_path) as inc, inc.write() as conn:
        conn.exec_driver_sql("UPDATE incident SET description = 'x' WHERE id = 1")
        started = time.monotonic()
        assert inc.analyst == "A"
        assert inc.info().title == "t"
        assert time.monotonic() - started < 1.0
