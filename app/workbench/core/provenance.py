"""Whose incident is this? Received files open read-only until the analyst chooses to work on a copy.

Every workbench installation has a random id (kept in the user's config folder). Creating an incident records it
in the first audit entry. An incident made by another installation is "received": the window opens it read-only,
verifies it, and offers "Work on a copy"; the copy records where it came from (the original's audit head), so
the chain of custody runs from the colleague's file to ours.
"""

from __future__ import annotations

import sqlite3
import uuid
from dataclasses import dataclass
from pathlib import Path

from workbench.core.errors import IncidentExists, WorkbenchError
from workbench.core.paths import config_dir
from workbench.core.store.audit import utc_now


def install_id() -> str:
    """This installation's id, made on first use (not secret, not personal: a random UUID)."""
    path = config_dir() / "install-id"
    try:
        text = path.read_text(encoding="ascii").strip()
        if text:
            return text
    except OSError:
        pass
    new = str(uuid.uuid4())
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(".install-id.tmp")
        tmp.write_text(new, encoding="ascii")
        tmp.replace(path)
    except OSError:
        return new  # a read-only home: every incident then counts as received, which is the safe side
    return new


@dataclass(frozen=True)
class Origin:
    created_by_install: str | None
    created_by: str
    created_utc: str
    received: bool  # made by another installation (or its origin is unknown)
    copied_from: str | None  # audit head of the incident this one is a working copy of


def origin(path: Path | str) -> Origin:
    """Read the incident's origin from its first audit entry (read-only, without taking any lock)."""
    import json

    conn = sqlite3.connect(f"file:{Path(path).resolve()}?mode=ro", uri=True, timeout=5)
    try:
        row = conn.execute("SELECT analyst, at_utc, details_json FROM audit_entry WHERE seq = 1").fetchone()
        copied = conn.execute(
            "SELECT details_json FROM audit_entry WHERE action = 'incident.working_copy' ORDER BY seq DESC LIMIT 1"
        ).fetchone()
    except sqlite3.DatabaseError as exc:
        raise WorkbenchError(f"{Path(path).name}: its history cannot be read ({exc}).") from None
    finally:
        conn.close()
    if row is None:
        return Origin(None, "", "", True, None)
    details = json.loads(row[2])
    made_by = details.get("install")
    copy_of = json.loads(copied[0]).get("source_audit_head") if copied else None
    latest_install = json.loads(copied[0]).get("install") if copied else made_by
    return Origin(made_by, row[0], row[1], latest_install != install_id(), copy_of)


def make_working_copy(source: Path | str, dest: Path | str, *, analyst: str | None = None) -> Path:
    """Copy a (received) incident to `dest` with SQLite's backup API and record the copy in its audit log.

    The source is only read. The copy's log keeps the whole history and adds one entry naming the source's
    audit head and file name, so anyone can check that the copy starts exactly where the original ended.
    """
    from workbench.core.incident import Incident
    from workbench.core.verify import verify_incident

    source, dest = Path(source), Path(dest)
    if dest.exists():
        raise IncidentExists(f"{dest} already exists; choose another name for the working copy.")
    report = verify_incident(source)
    tmp = dest.with_name(f".{dest.name}.copying")
    tmp.unlink(missing_ok=True)
    src = sqlite3.connect(f"file:{source.resolve()}?mode=ro", uri=True, timeout=5)
    out = sqlite3.connect(tmp)
    try:
        src.backup(out)
        out.execute("PRAGMA journal_mode = DELETE")
    finally:
        out.close()
        src.close()
    tmp.replace(dest)
    with Incident.open(dest, analyst=analyst) as inc, inc.write() as conn:
        inc.record(
            conn,
            "incident.working_copy",
            "incident",
            1,
            {
                "source_file": source.name,
                "source_audit_head": report.audit_head,
                "source_intact": report.intact,
                "source_problems": list(report.problems)[:20],
                "install": install_id(),
                "copied_utc": utc_now(),
            },
        )
    return dest
