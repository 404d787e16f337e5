"""Small helpers shared by the context modules: times, table checks, keeping an imported file as evidence."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Connection

from workbench.core.errors import BadInput
from workbench.core.incident import Incident
from workbench.core.store.audit import utc_now


def iso(dt: datetime) -> str:
    """UTC ISO 8601 with `+00:00`; refuses naive datetimes (they would be a guess)."""
    if dt.tzinfo is None:
        raise ValueError("naive datetime given where UTC is required")
    u = dt.astimezone(UTC)
    return u.isoformat(timespec="milliseconds" if u.microsecond else "seconds")


def parse_iso_utc(text: str | None) -> datetime | None:
    if not text:
        return None
    t = text.strip()
    if t.endswith(("Z", "z")):
        t = t[:-1] + "+00:00"
    try:
        dt = datetime.fromisoformat(t)
    except ValueError:
        return None
    return dt.astimezone(UTC) if dt.tzinfo else None


def require_utc(text: str, what: str) -> str:
    """An analyst-typed time with its zone (Z or an offset) as UTC ISO; a naive time is refused, never guessed."""
    t = text.strip()
    if t.endswith(("Z", "z")):
        t = t[:-1] + "+00:00"
    try:
        dt = datetime.fromisoformat(t)
    except ValueError as exc:
        raise BadInput(f"{what} {text!r} is not an ISO 8601 time (e.g. 2024-05-03T09:30:00+02:00).") from exc
    if dt.tzinfo is None:
        raise BadInput(f"{what} {text!r} has no time zone: add Z for UTC or an offset such as +02:00.")
    return iso(dt)


def table_exists(conn: Connection, name: str) -> bool:
    row = conn.exec_driver_sql("SELECT 1 FROM sqlite_master WHERE name = ? AND type = 'table'", (name,)).first()
    return row is not None


def keep_source(incident: Incident, path: Path, *, note: str = "") -> tuple[int, str]:
    """Add the imported file itself as a media item (its bytes are kept and hashed); (media id, sha256)."""
    from workbench.core.ingest import add_file

    outcome = add_file(incident, path, note=note)
    if outcome.media_id is None or outcome.sha256 is None:
        raise BadInput(f"{path.name} could not be kept as evidence: {outcome.reason}")
    return outcome.media_id, outcome.sha256


def new_import(
    conn: Connection,
    incident: Incident,
    *,
    kind: str,
    source_name: str,
    source_media_id: int | None,
    params: dict[str, Any] | None = None,
) -> int:
    return int(
        conn.exec_driver_sql(
            "INSERT INTO context_import (kind, source_name, source_media_id, imported_utc, analyst, params_json) "
            "VALUES (?, ?, ?, ?, ?, ?) RETURNING id",
            (kind, source_name, source_media_id, utc_now(), incident.analyst, json.dumps(params or {})),
        ).scalar_one()
    )


def finish_import(conn: Connection, import_id: int, counts: dict[str, int], errors: list[dict[str, Any]]) -> None:
    conn.exec_driver_sql(
        "UPDATE context_import SET counts_json = ?, errors_json = ? WHERE id = ?",
        (json.dumps(counts), json.dumps(errors[:1000], ensure_ascii=False), import_id),
    )
