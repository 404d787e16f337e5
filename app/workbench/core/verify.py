"""`verify`: is this incident intact? Re-hashes every stored file, checks the audit chain and SQLite itself.

Works on a read-only connection, so it can check a file another workbench has open, and a file received from
someone else without changing a byte of it.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine
from sqlalchemy import exc as sa_exc
from sqlalchemy.pool import NullPool

from workbench.core.errors import IncidentTooNew, NotAnIncident
from workbench.core.store import audit, blobs
from workbench.core.store.engine import APPLICATION_ID, read_header
from workbench.core.store.migrations import CURRENT_VERSION
from workbench.core.tasks import Progress


@dataclass(frozen=True)
class VerifyReport:
    path: str
    problems: tuple[str, ...]
    items_checked: int
    bytes_checked: int
    audit_entries: int
    audit_head: str
    format_version: int
    checks: tuple[str, ...] = field(default=())

    @property
    def intact(self) -> bool:
        return not self.problems

    def to_json(self) -> dict[str, Any]:
        return {
            "path": self.path,
            "intact": self.intact,
            "problems": list(self.problems),
            "items_checked": self.items_checked,
            "bytes_checked": self.bytes_checked,
            "audit_entries": self.audit_entries,
            "audit_head": self.audit_head,
            "format_version": self.format_version,
            "checks": list(self.checks),
        }


def verify_incident(path: Path | str, progress: Progress | None = None) -> VerifyReport:
    path = Path(path)
    app_id, version = read_header(path)
    if app_id != APPLICATION_ID:
        raise NotAnIncident(f"{path.name} is a SQLite database of another application, not an incident file.")
    if version > CURRENT_VERSION:
        raise IncidentTooNew(
            f"{path.name} was written by a newer workbench (format {version}); this one checks up to {CURRENT_VERSION}."
        )
    progress = progress or Progress()
    engine = create_engine(f"sqlite+pysqlite:///file:{path.resolve()}?mode=ro&uri=true", poolclass=NullPool)
    problems: list[str] = []
    checks: list[str] = []
    rows: list[Any] = []
    total_bytes = 0
    count, head = 0, ""
    try:
        with engine.connect() as conn:
            conn.exec_driver_sql("PRAGMA busy_timeout = 5000")
            integrity = [r[0] for r in conn.exec_driver_sql("PRAGMA integrity_check")]
            if integrity != ["ok"]:
                problems.extend(f"SQLite integrity: {line}" for line in integrity[:20])
            checks.append("SQLite integrity_check")
            fk = list(conn.exec_driver_sql("PRAGMA foreign_key_check"))
            for table, rowid, parent, _ in fk[:20]:
                problems.append(f"{table} row {rowid} points to a missing {parent} row")
            checks.append("foreign keys")
            rows = list(
                conn.exec_driver_sql(
                    "SELECT m.id, m.filename, m.sha256, m.size, b.id, b.sha256, b.size FROM media_item m "
                    "LEFT JOIN blob b ON b.id = m.blob_id ORDER BY m.id"
                )
            )
            for i, (media_id, name, sha, size, blob_id, blob_sha, blob_size) in enumerate(rows):
                progress(i, len(rows), f"re-hashing {name}")
                label = f"media item {media_id} ({name})"
                if blob_id is None:
                    problems.append(f"{label}: its stored bytes are missing")
                    continue
                if blob_sha != sha or blob_size != size:
                    problems.append(f"{label}: recorded as {sha[:16]}…, but its bytes are recorded as {blob_sha[:16]}…")
                issue = blobs.verify(conn, blob_id, progress)
                if issue is not None:
                    problems.append(f"{label}: {issue}")
                total_bytes += int(blob_size or 0)
            progress(len(rows), len(rows), "stored files re-hashed")
            checks.append("SHA-256 of every stored file")
            orphans = conn.exec_driver_sql(
                "SELECT count(*) FROM media_item m WHERE m.parent_id IS NULL AND NOT EXISTS "
                "(SELECT 1 FROM media_source s WHERE s.media_id = m.id)"
            ).scalar_one()
            if orphans:
                problems.append(f"{orphans} media items have no recorded source")
            problems.extend(audit.verify_chain(conn))
            checks.append("audit hash chain")
            head, count = conn.exec_driver_sql("SELECT audit_head, audit_count FROM incident WHERE id = 1").one()
    except (sa_exc.DatabaseError, sqlite3.DatabaseError) as exc:
        detail = str(getattr(exc, "orig", exc))
        problems.append(
            f"SQLite cannot read the file: {detail} (checks done before this: {', '.join(checks) or 'none'})"
        )
    finally:
        engine.dispose()
    return VerifyReport(
        str(path), tuple(problems), len(rows), total_bytes, int(count), str(head), version, tuple(checks)
    )
