"""Evidence bytes inside the incident file: content-addressed by SHA-256 and stored in 1 MiB chunks.

Chunks let a 4 GB video go in and come out without ever being held in memory. A file is hashed once before
storing (to find duplicates without writing) and again while storing; if the two differ the file changed under
us and nothing is kept.
"""

from __future__ import annotations

import hashlib
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


def _store_stream(conn: Connection, stream: BinaryIO, progress: Progress | None) -> tuple[int, str, int]:
    blob_id = int(
        conn.exec_driver_sql(
            "INSERT INTO blob (sha256, size, chunk_size, chunk_count, stored_utc) VALUES (?, 0, ?, 0, ?) RETURNING id",
            (f"pending-{id(stream)}-{utc_now()}", CHUNK_SIZE, utc_now()),
        ).scalar_one()
    )
    digest = hashlib.sha256()
    seq = 0
    size = 0
    while block := stream.read(CHUNK_SIZE):
        digest.update(block)
        conn.exec_driver_sql("INSERT INTO blob_chunk (blob_id, seq, data) VALUES (?, ?, ?)", (blob_id, seq, block))
        seq += 1
        size += len(block)
        if progress is not None and seq % 64 == 0:
            progress.check()
    return blob_id, digest.hexdigest(), size


def store_file(
    conn: Connection,
    path: Path,
    *,
    expected_sha256: str,
    expected_size: int,
    progress: Progress | None = None,
) -> int:
    """Store a file's bytes inside the caller's transaction; returns the blob id.

    Raises EvidenceChanged when the bytes read now differ from those hashed before.
    """
    with path.open("rb") as fh:
        blob_id, sha, size = _store_stream(conn, fh, progress)
    if sha != expected_sha256 or size != expected_size:
        raise EvidenceChanged(
            f"{path.name} changed while it was being added (its SHA-256 differs between two reads); "
            "nothing was kept. Add it again once it is no longer being written."
        )
    conn.exec_driver_sql(
        "UPDATE blob SET sha256 = ?, size = ?, chunk_count = ? WHERE id = ?",
        (sha, size, (size + CHUNK_SIZE - 1) // CHUNK_SIZE, blob_id),
    )
    return blob_id


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
