"""The Incident: one open incident file, its transactions, audited changes, and queries as plain objects.

Writes happen inside `with incident.write() as conn:` (one IMMEDIATE transaction); every change records an audit
entry in that same transaction with `incident.record(conn, ...)`, so a change and its record commit together
or not at all. Readers get plain frozen records (`store.records`), never ORM objects.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from types import TracebackType
from typing import Any

from sqlalchemy import Connection, Engine
from sqlalchemy import exc as sa_exc

from workbench.core.errors import BadInput, IncidentBusy, IncidentDamaged, IncidentReadOnly, NotFound
from workbench.core.provenance import install_id
from workbench.core.store import audit, blobs
from workbench.core.store.audit import AuditEntry, utc_now
from workbench.core.store.engine import READ_OPTION, OpenedFile, create_file, open_file
from workbench.core.store.migrations import CURRENT_VERSION, migrate
from workbench.core.store.records import (
    Changes,
    IncidentInfo,
    MediaItem,
    MediaSource,
    flags_from_json,
    summary_from_json,
)

SUFFIX = ".incident"

_MEDIA_COLUMNS = (
    "m.id, m.sha256, m.kind, m.mime, m.filename, m.size, m.added_utc, m.capture_time, m.summary_json, "
    "m.flags_json, m.reader, m.parent_id, m.derivation_json, m.note, p.phash, p.thumbnail IS NOT NULL"
)


@contextmanager
def database_errors(path: Path) -> Iterator[None]:
    """Turn SQLite's errors into messages a user can act on (the rest of the app sees only WorkbenchError)."""
    try:
        yield
    except sa_exc.IntegrityError as exc:
        raise BadInput(f"{path.name} refused the change: {exc.orig}") from exc
    except sa_exc.OperationalError as exc:
        text = str(exc.orig)
        if "locked" in text or "busy" in text:
            raise IncidentBusy(
                f"{path.name} is busy: another program kept it locked for more than a few seconds. Try again."
            ) from exc
        if "readonly" in text or "read-only" in text:
            raise IncidentReadOnly(f"{path.name} cannot be written here ({text}).") from exc
        raise IncidentDamaged(_damaged(path, text)) from exc
    except sa_exc.DatabaseError as exc:
        raise IncidentDamaged(_damaged(path, str(exc.orig))) from exc
    except sqlite3.DatabaseError as exc:
        raise IncidentDamaged(_damaged(path, str(exc))) from exc


def _damaged(path: Path, detail: str) -> str:
    return (
        f"{path.name} is damaged ({detail}). Nothing was changed. Run `workbench verify` on it and work from a "
        "backup or the colleague's original copy."
    )


def _media_from_row(row: Any) -> MediaItem:
    return MediaItem(
        id=row[0],
        sha256=row[1],
        kind=row[2],
        mime=row[3],
        filename=row[4],
        size=row[5],
        added_utc=row[6],
        capture_time=row[7],
        summary=summary_from_json(row[8]),
        flags=flags_from_json(row[9]),
        reader=row[10],
        parent_id=row[11],
        derivation=json.loads(row[12]) if row[12] else None,
        note=row[13],
        phash=row[14],
        has_thumbnail=bool(row[15]),
    )


class Incident:
    """An open incident file. Use as a context manager, or call `close()`: closing leaves one file behind."""

    def __init__(self, opened: OpenedFile, analyst: str | None) -> None:
        self._opened = opened
        self.path = opened.path
        self.read_only = opened.read_only
        self._analyst = analyst

    # --- opening and closing -------------------------------------------------------------------------------
    @classmethod
    def create(
        cls,
        path: Path | str,
        *,
        title: str,
        claim: str = "",
        description: str = "",
        analyst: str | None = None,
    ) -> Incident:
        analyst_name = analyst or audit.default_analyst()

        def initialise(engine: Engine) -> None:
            migrate(engine, 0)
            with engine.begin() as conn:
                now = utc_now()
                conn.exec_driver_sql(
                    "INSERT INTO incident (id, title, claim, description, analyst, created_utc, modified_utc, "
                    "audit_head, audit_count) VALUES (1, ?, ?, ?, ?, ?, ?, ?, 0)",
                    (title, claim, description, analyst_name, now, now, audit.GENESIS),
                )
                audit.append(
                    conn,
                    analyst=analyst_name,
                    action="incident.create",
                    object_type="incident",
                    object_id=1,
                    details={
                        "title": title,
                        "claim": claim,
                        "description": description,
                        "format": CURRENT_VERSION,
                        "install": install_id(),  # which installation made it: others open it as received
                    },
                )

        return cls(create_file(Path(path), initialise=initialise), analyst_name)

    @classmethod
    def open(cls, path: Path | str, *, read_only: bool = False, analyst: str | None = None) -> Incident:
        with database_errors(Path(path)):
            opened = open_file(Path(path), read_only=read_only, current_version=CURRENT_VERSION, migrate=migrate)
        incident = cls(opened, analyst)
        try:
            incident.info()  # a damaged schema or incident row shows now, with a clear message, not later
        except BaseException:
            incident.close()
            raise
        return incident

    def close(self) -> None:
        self._opened.dispose()

    def __enter__(self) -> Incident:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    @property
    def engine(self) -> Engine:
        return self._opened.engine

    @property
    def analyst(self) -> str:
        """Who is acting now: the name given when opening, else the incident's analyst, else the OS user."""
        if self._analyst:
            return self._analyst
        with self.read() as conn:
            name = conn.exec_driver_sql("SELECT analyst FROM incident WHERE id = 1").scalar_one()
        self._analyst = str(name) or audit.default_analyst()
        return self._analyst

    # --- transactions --------------------------------------------------------------------------------------
    @contextmanager
    def write(self) -> Iterator[Connection]:
        if self.read_only:
            raise IncidentReadOnly(
                f"{self.path.name} is open read-only; work on a copy (File ▸ Save a working copy) to change it."
            )
        with database_errors(self.path), self.engine.begin() as conn:
            yield conn

    @contextmanager
    def read(self) -> Iterator[Connection]:
        with database_errors(self.path), self.engine.connect().execution_options(**{READ_OPTION: True}) as conn:
            yield conn

    def record(
        self,
        conn: Connection,
        action: str,
        object_type: str,
        object_id: str | int,
        details: dict[str, Any] | None = None,
    ) -> AuditEntry:
        """Audit a change inside the transaction that makes it."""
        return audit.append(
            conn,
            analyst=self.analyst,
            action=action,
            object_type=object_type,
            object_id=object_id,
            details=details,
        )

    # --- the incident itself -------------------------------------------------------------------------------
    def info(self) -> IncidentInfo:
        with self.read() as conn:
            row = conn.exec_driver_sql(
                "SELECT title, claim, description, analyst, created_utc, modified_utc, audit_head, audit_count, "
                "verdict, verdict_rationale, place_lat, place_lon, place_time_zone, claimed_time_utc "
                "FROM incident WHERE id = 1"
            ).one()
            version = conn.exec_driver_sql("PRAGMA user_version").scalar_one()
        return IncidentInfo(
            title=row[0],
            claim=row[1],
            description=row[2],
            analyst=row[3],
            created_utc=row[4],
            modified_utc=row[5],
            audit_head=row[6],
            audit_count=int(row[7]),
            format_version=int(version),
            verdict=row[8],
            verdict_rationale=row[9],
            place_lat=row[10],
            place_lon=row[11],
            place_time_zone=row[12],
            claimed_time_utc=row[13],
        )

    def update(
        self,
        *,
        title: str | None = None,
        claim: str | None = None,
        description: str | None = None,
        analyst: str | None = None,
    ) -> Changes:
        wanted = {"title": title, "claim": claim, "description": description, "analyst": analyst}
        new = {k: v for k, v in wanted.items() if v is not None}
        if not new:
            return Changes()
        with self.write() as conn:
            old = conn.exec_driver_sql(
                f"SELECT {', '.join(new)} FROM incident WHERE id = 1"  # column names from the fixed dict above
            ).one()
            before = dict(zip(new, old, strict=True))
            changed = {k: v for k, v in new.items() if before[k] != v}
            if not changed:
                return Changes()
            assignments = ", ".join(f"{k} = ?" for k in changed)
            conn.exec_driver_sql(f"UPDATE incident SET {assignments} WHERE id = 1", tuple(changed.values()))
            self.record(
                conn,
                "incident.update",
                "incident",
                1,
                {"before": {k: before[k] for k in changed}, "after": changed},
            )
        return Changes.of("incident")

    # --- media ---------------------------------------------------------------------------------------------
    def media_items(self, *, include_derived: bool = True) -> list[MediaItem]:
        sql = f"SELECT {_MEDIA_COLUMNS} FROM media_item m LEFT JOIN media_pixels p ON p.media_id = m.id"
        if not include_derived:
            sql += " WHERE m.parent_id IS NULL"
        sql += " ORDER BY m.id"
        with self.read() as conn:
            return [_media_from_row(r) for r in conn.exec_driver_sql(sql)]

    def media_item(self, media_id: int) -> MediaItem:
        with self.read() as conn:
            row = conn.exec_driver_sql(
                f"SELECT {_MEDIA_COLUMNS} FROM media_item m LEFT JOIN media_pixels p ON p.media_id = m.id "
                "WHERE m.id = ?",
                (media_id,),
            ).first()
        if row is None:
            raise NotFound(f"There is no media item {media_id} in {self.path.name}.")
        return _media_from_row(row)

    def find_media(self, ref: str) -> MediaItem:
        """A media item by id, by SHA-256 (or a unique prefix of at least 6 hex digits), or by file name."""
        ref = ref.strip()
        if ref.isdigit():
            return self.media_item(int(ref))
        with self.read() as conn:
            rows = list(
                conn.exec_driver_sql(
                    "SELECT id FROM media_item WHERE (length(?) >= 6 AND sha256 LIKE ? || '%') OR filename = ?",
                    (ref.lower(), ref.lower(), ref),
                )
            )
        if not rows:
            raise NotFound(f"No media item matches {ref!r} (give an id, a SHA-256 prefix or a file name).")
        if len(rows) > 1:
            raise NotFound(f"{ref!r} matches {len(rows)} media items; give more of the SHA-256 or the id.")
        return self.media_item(int(rows[0][0]))

    def media_metadata(self, media_id: int) -> dict[str, Any]:
        """The full decoded metadata (tags by group, problems) recorded when the item was added."""
        with self.read() as conn:
            row = conn.exec_driver_sql(
                "SELECT metadata_json, problems_json FROM media_item WHERE id = ?", (media_id,)
            ).first()
        if row is None:
            raise NotFound(f"There is no media item {media_id} in {self.path.name}.")
        return {"tags": json.loads(row[0]), "problems": json.loads(row[1])}

    def media_sources(self, media_id: int) -> list[MediaSource]:
        with self.read() as conn:
            rows = conn.exec_driver_sql(
                "SELECT id, media_id, original_name, original_path, url, acquired_utc, acquired_by, "
                "file_modified_utc, note FROM media_source WHERE media_id = ? ORDER BY id",
                (media_id,),
            )
            return [MediaSource(*r) for r in rows]

    def thumbnail(self, media_id: int) -> bytes | None:
        with self.read() as conn:
            row = conn.exec_driver_sql("SELECT thumbnail FROM media_pixels WHERE media_id = ?", (media_id,)).first()
        return None if row is None or row[0] is None else bytes(row[0])

    def media_bytes(self, media_id: int) -> bytes:
        """All of an item's original bytes in memory: for images. Use `export_media` for large videos."""
        with self.read() as conn:
            blob_id = self._blob_id(conn, media_id)
            return blobs.read_all(conn, blob_id)

    def export_media(self, media_id: int, dest: Path) -> None:
        """Write the original, unchanged bytes to `dest`."""
        with self.read() as conn:
            blobs.export(conn, self._blob_id(conn, media_id), dest)

    def _blob_id(self, conn: Connection, media_id: int) -> int:
        row = conn.exec_driver_sql("SELECT blob_id FROM media_item WHERE id = ?", (media_id,)).first()
        if row is None:
            raise NotFound(f"There is no media item {media_id} in {self.path.name}.")
        return int(row[0])

    def set_media_note(self, media_id: int, note: str) -> Changes:
        with self.write() as conn:
            old = conn.exec_driver_sql("SELECT note FROM media_item WHERE id = ?", (media_id,)).first()
            if old is None:
                raise NotFound(f"There is no media item {media_id} in {self.path.name}.")
            if old[0] == note:
                return Changes()
            conn.exec_driver_sql("UPDATE media_item SET note = ? WHERE id = ?", (note, media_id))
            self.record(conn, "media.note", "media_item", media_id, {"before": old[0], "after": note})
        return Changes.of("media", media_id)

    # --- audit ---------------------------------------------------------------------------------------------
    def audit_log(self, *, limit: int | None = None, newest_first: bool = False) -> list[AuditEntry]:
        with self.read() as conn:
            return audit.entries(conn, limit=limit, newest_first=newest_first)

    def counts(self) -> dict[str, int]:
        """How many of each kind of thing the incident holds (tables that exist in this format)."""
        with self.read() as conn:
            tables = {r[0] for r in conn.exec_driver_sql("SELECT name FROM sqlite_master WHERE type = 'table'")}
            out: dict[str, int] = {}
            for name, table in (
                ("media", "media_item"),
                ("sources", "media_source"),
                ("audit_entries", "audit_entry"),
                ("posts", "post"),
                ("accounts", "account"),
                ("annotations", "annotation"),
            ):
                if table in tables:
                    out[name] = int(conn.exec_driver_sql(f"SELECT count(*) FROM {table}").scalar_one())
        return out
