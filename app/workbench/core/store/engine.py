"""Opening and creating incident files: file type, schema version, pragmas and the one-writer lock.

An incident is one SQLite file in rollback-journal mode (not WAL), so that once it is closed nothing lies
beside it: no `-wal` or `-shm` file an analyst could forget to copy. One process writes at a time; that is
enforced with an open-file-description lock on a byte range SQLite never uses, so a second writer gets a clear
"already open" error while read-only viewers still work.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.pool import NullPool

from workbench.core.errors import (
    IncidentExists,
    IncidentLocked,
    IncidentNeedsUpgrade,
    IncidentTooNew,
    NotAnIncident,
    WorkbenchError,
)

APPLICATION_ID = 0x5742494E  # "WBIN": marks the SQLite file as a workbench incident
PAGE_SIZE = 65536  # large pages: media bytes are most of the file, and big pages make blob I/O fast
BUSY_TIMEOUT_MS = 5000
READ_OPTION = "workbench_read"  # execution option marking a connection that only reads

# A byte far past SQLite's own lock bytes (0x40000000 .. 0x40000200) and past any page it reads or writes as a
# lock: POSIX locks beyond the end of a file are allowed and never touch its contents.
_WRITER_LOCK_OFFSET = 0x40000000 + 0x10000


class _WriterLock:
    """Held for as long as a process has the incident open for writing."""

    def __init__(self, path: Path) -> None:
        self._fd: int | None = None
        self._sidecar: Path | None = None
        if sys.platform.startswith("linux"):
            import fcntl

            fd = os.open(path, os.O_RDWR)
            try:
                # OFD locks belong to this open file description, not to the process: closing another
                # descriptor of the same file (SQLite does) does not drop them, and a second open in the same
                # process conflicts like a second process would.
                lock = _flock_struct(fcntl.F_WRLCK, _WRITER_LOCK_OFFSET, 1)
                fcntl.fcntl(fd, fcntl.F_OFD_SETLK, lock)
            except OSError:
                os.close(fd)
                raise IncidentLocked(
                    f"{path.name} is already open for writing in another workbench window or process. "
                    "Close it there, or open it read-only."
                ) from None
            self._fd = fd
        else:  # pragma: no cover - exercised on Windows/macOS builds
            self._sidecar = path.with_name(path.name + ".lock")
            try:
                fd = os.open(self._sidecar, os.O_CREAT | os.O_EXCL | os.O_RDWR)
            except FileExistsError:
                raise IncidentLocked(
                    f"{path.name} is already open for writing (lock file {self._sidecar.name}). If no workbench "
                    "has it open, delete that lock file and try again."
                ) from None
            os.write(fd, str(os.getpid()).encode())
            self._fd = fd

    def release(self) -> None:
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None
        if self._sidecar is not None:
            self._sidecar.unlink(missing_ok=True)
            self._sidecar = None


def _flock_struct(kind: int, start: int, length: int) -> bytes:
    import struct

    # struct flock { short l_type; short l_whence; off_t l_start; off_t l_len; pid_t l_pid; } on Linux x86-64/arm64
    return struct.pack("hhqqi4x", kind, os.SEEK_SET, start, length, 0)


@dataclass
class OpenedFile:
    engine: Engine
    path: Path
    read_only: bool
    lock: _WriterLock | None

    def dispose(self) -> None:
        self.engine.dispose()
        if self.lock is not None:
            self.lock.release()
            self.lock = None


def _make_engine(path: Path, read_only: bool) -> Engine:
    if read_only:
        url = f"sqlite+pysqlite:///file:{path.resolve()}?mode=ro&uri=true"
    else:
        url = f"sqlite+pysqlite:///{path.resolve()}"
    # Connections may be used from worker threads (one at a time): the GUI reads off its main thread.
    engine = create_engine(url, poolclass=NullPool if read_only else None, connect_args={"check_same_thread": False})

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: sqlite3.Connection, _record: Any) -> None:
        # Let SQLAlchemy, not the driver, decide when transactions begin (the pysqlite recipe).
        dbapi_connection.isolation_level = None
        cur = dbapi_connection.cursor()
        cur.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        cur.execute("PRAGMA foreign_keys = ON")
        # 64 MB of page cache: a batch of evidence is written without spilling (each spill syncs the journal).
        cur.execute("PRAGMA cache_size = -65536")
        if not read_only:
            cur.execute("PRAGMA journal_mode = DELETE")
            cur.execute("PRAGMA synchronous = FULL")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        # Writes take the write lock at once (IMMEDIATE), so two writers never deadlock half-way through; reads
        # begin deferred, so they never wait for a write in progress on another connection of this process.
        reading = read_only or conn.get_execution_options().get(READ_OPTION, False)
        conn.exec_driver_sql("BEGIN" if reading else "BEGIN IMMEDIATE")

    return engine


def read_header(path: Path) -> tuple[int, int]:
    """(application_id, user_version) read with plain sqlite3, or NotAnIncident."""
    if not path.exists():
        raise NotAnIncident(f"{path} does not exist.")
    if path.is_dir():
        raise NotAnIncident(f"{path} is a folder, not an incident file.")
    try:
        with path.open("rb") as fh:
            magic = fh.read(16)
    except OSError as exc:
        raise NotAnIncident(f"{path} cannot be read: {exc.strerror or exc}.") from None
    if magic != b"SQLite format 3\x00":
        raise NotAnIncident(f"{path.name} is not an incident file (it is not a SQLite database).")
    _recover_after_crash(path)
    try:
        conn = sqlite3.connect(f"file:{path.resolve()}?mode=ro", uri=True, timeout=BUSY_TIMEOUT_MS / 1000)
        try:
            app_id = conn.execute("PRAGMA application_id").fetchone()[0]
            version = conn.execute("PRAGMA user_version").fetchone()[0]
        finally:
            conn.close()
    except sqlite3.DatabaseError as exc:
        raise NotAnIncident(f"{path.name} is damaged or not an incident file ({exc}).") from None
    return int(app_id), int(version)


def _recover_after_crash(path: Path) -> None:
    """Let SQLite roll back a transaction a killed process left half-done (a "hot" journal beside the file).

    A read-only connection cannot do that rollback and would refuse the file, so when a journal is present a
    read-write connection reads the schema once: SQLite itself decides whether the journal is hot (no process
    holds the file) and, if so, restores the last committed state. Nothing else is written.
    """
    journal = path.with_name(path.name + "-journal")
    if not journal.exists() or journal.stat().st_size == 0 or not os.access(path, os.W_OK):
        return
    try:
        conn = sqlite3.connect(path, timeout=BUSY_TIMEOUT_MS / 1000)
        try:
            conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        finally:
            conn.close()
    except sqlite3.DatabaseError:
        return  # reported by the caller's own read, with its message


Migrate = Callable[[Engine, int], None]


def open_file(path: Path, *, read_only: bool, current_version: int, migrate: Migrate) -> OpenedFile:
    """Open an existing incident file, upgrading its schema (after a backup) when opened for writing."""
    path = Path(path)
    app_id, version = read_header(path)
    if app_id != APPLICATION_ID:
        raise NotAnIncident(f"{path.name} is a SQLite database of another application, not an incident file.")
    if version > current_version:
        raise IncidentTooNew(
            f"{path.name} was written by a newer version of the workbench (file format {version}, this version "
            f"reads up to {current_version}). Update the workbench to open it; the file was not touched."
        )
    if read_only:
        if version < current_version:
            raise IncidentNeedsUpgrade(
                f"{path.name} uses an older file format ({version}; current {current_version}). Open it for "
                "writing once to upgrade it (a backup copy is kept), or open it with an older workbench."
            )
        return OpenedFile(_make_engine(path, True), path, True, None)
    if not os.access(path, os.W_OK):
        raise WorkbenchError(f"{path.name} is not writable here; open it read-only or copy it first.")
    lock = _WriterLock(path)
    try:
        engine = _make_engine(path, False)
        if version < current_version:
            backup = path.with_name(f"{path.name}.before-format-{current_version}.bak")
            shutil.copy2(path, backup)
            migrate(engine, version)
        return OpenedFile(engine, path, False, lock)
    except BaseException:
        lock.release()
        raise


def create_file(path: Path, *, initialise: Callable[[Engine], None]) -> OpenedFile:
    """Create a new incident file; it exists only once fully initialised (written beside, then renamed)."""
    path = Path(path)
    if path.exists():
        raise IncidentExists(f"{path} already exists; choose another name or open it.")
    if not path.parent.exists():
        raise WorkbenchError(f"The folder {path.parent} does not exist.")
    tmp = path.with_name(f".{path.name}.creating")
    tmp.unlink(missing_ok=True)
    conn = sqlite3.connect(tmp)
    try:
        conn.execute(f"PRAGMA page_size = {PAGE_SIZE}")
        conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
        conn.execute("PRAGMA journal_mode = DELETE")
        conn.commit()
    finally:
        conn.close()
    engine = _make_engine(tmp, False)
    try:
        initialise(engine)
    finally:
        engine.dispose()
    os.replace(tmp, path)
    lock = _WriterLock(path)
    return OpenedFile(_make_engine(path, False), path, False, lock)
