"""Evidence bytes inside the incident file: content-addressed by SHA-256 and stored in 1 MiB chunks.

Chunks let a 4 GB video go in and come out without ever being held in memory. A file is hashed while it is
stored; only when a stored blob already has its size (so it could be a duplicate) is it hashed first as well,
to avoid writing a duplicate. If the file changes while it is read, nothing is kept.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import queue
import threading
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

from sqlalchemy import Connection

from workbench.core.errors import EvidenceChanged
from workbench.core.store.audit import utc_now
from workbench.core.tasks import Progress

CHUNK_SIZE = 1 << 20
_READ_SIZE = 1 << 20


def hash_file(path: Path, progress: Progress | None = None) -> tuple[str, int]:
    """(sha256 hex, size) read in chunks; checks for cancellation between chunks of large files."""
    digest = hashlib.sha256()
    size = 0
    with path.open("rb") as fh:
        while block := fh.read(_READ_SIZE):
            digest.update(block)
            size += len(block)
            if progress is not None and size % (64 * _READ_SIZE) == 0:
                progress.check()
    return digest.hexdigest(), size


def find(conn: Connection, sha256: str) -> int | None:
    row = conn.exec_driver_sql("SELECT id FROM blob WHERE sha256 = ?", (sha256,)).first()
    return None if row is None else int(row[0])


class _ChunkReader:
    """Reads and hashes a file's chunks on a second thread while SQLite writes the previous ones.

    Both hashlib and sqlite3 release the GIL, so reading+hashing and writing overlap on two cores.
    """

    def __init__(self, stream: BinaryIO) -> None:
        self._stream = stream
        self._queue: queue.Queue[bytes | BaseException | None] = queue.Queue(maxsize=4)
        self.digest = hashlib.sha256()
        self.size = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="evidence-reader", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        try:
            while not self._stop.is_set():
                block = self._stream.read(CHUNK_SIZE)
                if not block:
                    break
                self.digest.update(block)
                self.size += len(block)
                self._queue.put(block)
        except BaseException as exc:  # delivered to the writer, which re-raises it
            self._queue.put(exc)
            return
        self._queue.put(None)

    def __iter__(self) -> Iterator[bytes]:
        while True:
            item = self._queue.get()
            if item is None:
                return
            if isinstance(item, BaseException):
                raise item
            yield item

    def close(self) -> None:
        self._stop.set()
        while self._thread.is_alive():
            with contextlib.suppress(queue.Empty):  # unblock a reader waiting on a full queue
                self._queue.get_nowait()
            self._thread.join(timeout=0.05)


def _store_stream(conn: Connection, stream: BinaryIO, progress: Progress | None) -> tuple[int, str, int]:
    blob_id = int(
        conn.exec_driver_sql(
            "INSERT INTO blob (sha256, size, chunk_size, chunk_count, stored_utc) VALUES (?, 0, ?, 0, ?) RETURNING id",
            (f"pending-{uuid.uuid4().hex}", CHUNK_SIZE, utc_now()),
        ).scalar_one()
    )
    reader = _ChunkReader(stream)
    try:
        for seq, block in enumerate(reader):
            conn.exec_driver_sql("INSERT INTO blob_chunk (blob_id, seq, data) VALUES (?, ?, ?)", (blob_id, seq, block))
            if progress is not None and seq % 64 == 63:
                progress.check()
    finally:
        reader.close()
    return blob_id, reader.digest.hexdigest(), reader.size


def size_is_new(conn: Connection, size: int) -> bool:
    """True when no stored blob has this size: the file cannot be a duplicate, so it need not be pre-hashed."""
    return conn.exec_driver_sql("SELECT 1 FROM blob WHERE size = ? LIMIT 1", (size,)).first() is None


def store_file(
    conn: Connection,
    path: Path,
    *,
    expected_sha256: str | None,
    expected_size: int,
    expected_mtime_ns: int | None = None,
    progress: Progress | None = None,
) -> tuple[int, str]:
    """Store a file's bytes inside the caller's transaction; returns (blob id, sha256).

    The bytes are hashed as they are stored. Raises EvidenceChanged when they differ from an earlier hash, or
    when the file's size or modification time changed while it was read.
    """
    with path.open("rb") as fh:
        blob_id, sha, size = _store_stream(conn, fh, progress)
        st = os.fstat(fh.fileno())
    changed = size != expected_size or (expected_sha256 is not None and sha != expected_sha256)
    if expected_mtime_ns is not None and (st.st_mtime_ns != expected_mtime_ns or st.st_size != expected_size):
        changed = True
    if changed:
        raise EvidenceChanged(
            f"{path.name} changed while it was being added (its bytes differ between two reads); "
            "nothing was kept. Add it again once it is no longer being written."
        )
    conn.exec_driver_sql(
        "UPDATE blob SET sha256 = ?, size = ?, chunk_count = ? WHERE id = ?",
        (sha, size, (size + CHUNK_SIZE - 1) // CHUNK_SIZE, blob_id),
    )
    return blob_id, sha


def store_bytes(conn: Connection, data: bytes) -> tuple[int, str, bool]:
    """(blob id, sha256, created) for bytes made by the workbench itself (keyframes, demo scenes)."""
    sha = hashlib.sha256(data).hexdigest()
    existing = find(conn, sha)
    if existing is not None:
        return existing, sha, False
    blob_id = int(
        conn.exec_driver_sql(
            "INSERT INTO blob (sha256, size, chunk_size, chunk_count, stored_utc) VALUES (?, ?, ?, ?, ?) RETURNING id",
            (sha, len(data), CHUNK_SIZE, (len(data) + CHUNK_SIZE - 1) // CHUNK_SIZE, utc_now()),
        ).scalar_one()
    )
    for seq, start in enumerate(range(0, len(data), CHUNK_SIZE)):
        conn.exec_driver_sql(
            "INSERT INTO blob_chunk (blob_id, seq, data) VALUES (?, ?, ?)",
            (blob_id, seq, data[start : start + CHUNK_SIZE]),
        )
    return blob_id, sha, True


def iter_chunks(conn: Connection, blob_id: int) -> Iterator[bytes]:
    """The stored bytes in order, one chunk at a time (one query per chunk keeps memory flat)."""
    count = int(conn.exec_driver_sql("SELECT chunk_count FROM blob WHERE id = ?", (blob_id,)).scalar_one())
    for seq in range(count):
        row = conn.exec_driver_sql("SELECT data FROM blob_chunk WHERE blob_id = ? AND seq = ?", (blob_id, seq)).first()
        if row is None:
            return
        yield bytes(row[0])


def read_all(conn: Connection, blob_id: int) -> bytes:
    return b"".join(iter_chunks(conn, blob_id))


def verify(conn: Connection, blob_id: int, progress: Progress | None = None) -> str | None:
    """None when the stored bytes hash to the recorded SHA-256 and size; else what is wrong."""
    sha, size, count = conn.exec_driver_sql("SELECT sha256, size, chunk_count FROM blob WHERE id = ?", (blob_id,)).one()
    present = int(conn.exec_driver_sql("SELECT count(*) FROM blob_chunk WHERE blob_id = ?", (blob_id,)).scalar_one())
    if present != count:
        return f"has {present} of its {count} chunks"
    digest = hashlib.sha256()
    total = 0
    for i, chunk in enumerate(iter_chunks(conn, blob_id)):
        digest.update(chunk)
        total += len(chunk)
        if progress is not None and i % 64 == 63:
            progress.check()
    if total != size:
        return f"holds {total} bytes, {size} recorded"
    if digest.hexdigest() != sha:
        return f"bytes no longer hash to {sha[:16]}…: they were altered"
    return None


def export(conn: Connection, blob_id: int, dest: Path) -> None:
    """Write the original bytes to `dest` (written beside it first, then renamed, so never half a file)."""
    tmp = dest.with_name(f".{dest.name}.part")
    with tmp.open("wb") as fh:
        for chunk in iter_chunks(conn, blob_id):
            fh.write(chunk)
    tmp.replace(dest)
