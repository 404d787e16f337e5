"""The tamper-evident audit log: append-only entries, each carrying the hash of the one before.

Editing or deleting an entry breaks the chain at that entry; cutting entries off the end is caught because the
incident row keeps the newest hash and the count. A whole rewritten history with a recomputed chain is caught
only against a head hash noted elsewhere (the report prints it; `verify` prints it), which is why both show it.
"""

from __future__ import annotations

import getpass
import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection

GENESIS = "0" * 64


def utc_now() -> str:
    return datetime.now(UTC).isoformat(timespec="microseconds")


def default_analyst() -> str:
    try:
        return getpass.getuser()
    except Exception:  # no user name in some containers and services
        return "unknown"


def canonical_json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=str)


@dataclass(frozen=True)
class AuditEntry:
    seq: int
    at_utc: str
    analyst: str
    action: str
    object_type: str
    object_id: str
    details: dict[str, Any]
    prev_hash: str
    hash: str

    def to_json(self) -> dict[str, Any]:
        return {
            "seq": self.seq,
            "at_utc": self.at_utc,
            "analyst": self.analyst,
            "action": self.action,
            "object_type": self.object_type,
            "object_id": self.object_id,
            "details": self.details,
            "prev_hash": self.prev_hash,
            "hash": self.hash,
        }


def entry_hash(
    seq: int,
    at_utc: str,
    analyst: str,
    action: str,
    object_type: str,
    object_id: str,
    details_json: str,
    prev_hash: str,
) -> str:
    payload = canonical_json([seq, at_utc, analyst, action, object_type, object_id, details_json, prev_hash])
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def append(
    conn: Connection,
    *,
    analyst: str,
    action: str,
    object_type: str,
    object_id: str | int,
    details: dict[str, Any] | None = None,
) -> AuditEntry:
    """Append one entry inside the caller's transaction (so the change and its record commit together)."""
    head, count = conn.exec_driver_sql("SELECT audit_head, audit_count FROM incident WHERE id = 1").one()
    seq = int(count) + 1
    at = utc_now()
    details_json = canonical_json(details or {})
    digest = entry_hash(seq, at, analyst, action, object_type, str(object_id), details_json, head)
    conn.exec_driver_sql(
        "INSERT INTO audit_entry (seq, at_utc, analyst, action, object_type, object_id, details_json, "
        "prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (seq, at, analyst, action, object_type, str(object_id), details_json, head, digest),
    )
    conn.exec_driver_sql(
        "UPDATE incident SET audit_head = ?, audit_count = ?, modified_utc = ? WHERE id = 1",
        (digest, seq, at),
    )
    return AuditEntry(seq, at, analyst, action, object_type, str(object_id), details or {}, head, digest)


def entries(conn: Connection, *, limit: int | None = None, newest_first: bool = False) -> list[AuditEntry]:
    order = "DESC" if newest_first else "ASC"
    sql = (
        "SELECT seq, at_utc, analyst, action, object_type, object_id, details_json, prev_hash, hash "
        f"FROM audit_entry ORDER BY seq {order}"
    )
    if limit is not None:
        sql += f" LIMIT {int(limit)}"
    return [
        AuditEntry(r[0], r[1], r[2], r[3], r[4], r[5], json.loads(r[6]), r[7], r[8]) for r in conn.exec_driver_sql(sql)
    ]


def verify_chain(conn: Connection) -> list[str]:
    """Every problem found, as precise sentences naming the entry; empty when the chain is intact."""
    problems: list[str] = []
    prev = GENESIS
    expected_seq = 1
    rows = conn.exec_driver_sql(
        "SELECT seq, at_utc, analyst, action, object_type, object_id, details_json, prev_hash, hash "
        "FROM audit_entry ORDER BY seq"
    )
    last_hash = GENESIS
    count = 0
    for seq, at, analyst, action, otype, oid, details_json, prev_hash, digest in rows:
        count += 1
        if seq != expected_seq:
            problems.append(f"audit entry {expected_seq} is missing (next entry is {seq})")
            expected_seq = seq
        if prev_hash != prev:
            problems.append(f"audit entry {seq} ({action}) does not follow entry {seq - 1}: the chain is broken")
        recomputed = entry_hash(seq, at, analyst, action, otype, oid, details_json, prev_hash)
        if recomputed != digest:
            problems.append(f"audit entry {seq} ({action} {otype} {oid}) was altered: its hash does not match")
        prev = digest
        last_hash = digest
        expected_seq = seq + 1
    head, stored_count = conn.exec_driver_sql("SELECT audit_head, audit_count FROM incident WHERE id = 1").one()
    if stored_count != count:
        problems.append(f"the incident records {stored_count} audit entries but {count} are present")
    if head != last_hash:
        problems.append("the newest audit entry is not the one the incident records: entries were cut or replaced")
    return problems
