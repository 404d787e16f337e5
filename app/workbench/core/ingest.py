"""Adding evidence: files and folders go in unchanged, hashed, with their metadata and flags.

Files are committed in short batches with a savepoint each: an interrupted import keeps every file committed
before the interruption and never a half-written item. Pixel products (thumbnail, perceptual hash) need a full
decode, so they are made after the evidence is committed, on all cores, and can be resumed later
(`compute_missing_pixels`).
"""

from __future__ import annotations

import json
import os
import stat
import tempfile
import time
from collections import deque
from collections.abc import Iterable, Iterator, Sequence
from concurrent.futures import Executor, Future, ProcessPoolExecutor, ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal

from sqlalchemy import Connection

from workbench.core.errors import Cancelled, EvidenceChanged, WorkbenchError
from workbench.core.incident import Incident
from workbench.core.media.model import MediaProbe, Summary
from workbench.core.store import blobs
from workbench.core.store.audit import utc_now
from workbench.core.store.records import Changes
from workbench.core.tasks import Progress

Status = Literal["added", "duplicate", "refused"]


@dataclass(frozen=True)
class AddOutcome:
    path: str
    status: Status
    reason: str | None = None
    media_id: int | None = None
    sha256: str | None = None
    kind: str | None = None
    flags: tuple[str, ...] = ()

    def to_json(self) -> dict[str, Any]:
        return {
            "path": self.path,
            "status": self.status,
            "reason": self.reason,
            "media_id": self.media_id,
            "sha256": self.sha256,
            "kind": self.kind,
            "flags": list(self.flags),
        }


@dataclass(frozen=True)
class AddReport:
    outcomes: tuple[AddOutcome, ...]
    changes: Changes = field(default_factory=Changes)
    pixels_made: int = 0
    pixels_failed: tuple[tuple[int, str], ...] = ()
    cancelled: bool = False

    def _count(self, status: Status) -> int:
        return sum(1 for o in self.outcomes if o.status == status)

    @property
    def added(self) -> int:
        return self._count("added")

    @property
    def duplicates(self) -> int:
        return self._count("duplicate")

    @property
    def refused(self) -> int:
        return self._count("refused")

    def to_json(self) -> dict[str, Any]:
        return {
            "added": self.added,
            "duplicates": self.duplicates,
            "refused": self.refused,
            "cancelled": self.cancelled,
            "pixels_made": self.pixels_made,
            "pixels_failed": [{"media_id": m, "reason": r} for m, r in self.pixels_failed],
            "items": [o.to_json() for o in self.outcomes],
        }


def collect_files(paths: Iterable[Path | str]) -> Iterator[tuple[Path, str | None]]:
    """Every file under the given paths (folders recursively, sorted, symlinked folders not followed).

    Yields (path, None) for a file to add or (path, reason) for one that cannot be, so the batch goes on.
    """
    for raw in paths:
        path = Path(raw)
        try:
            st = path.stat()
        except FileNotFoundError:
            yield path, "does not exist"
            continue
        except OSError as exc:
            yield path, f"cannot be read ({exc.strerror or exc})"
            continue
        if stat.S_ISDIR(st.st_mode):
            yield from _walk(path)
        else:
            yield path, _refusal(path, st)


def _walk(folder: Path) -> Iterator[tuple[Path, str | None]]:
    problems: list[tuple[Path, str]] = []

    def onerror(exc: OSError) -> None:
        problems.append((Path(exc.filename or folder), f"folder cannot be read ({exc.strerror or exc})"))

    for root, dirs, files in os.walk(folder, onerror=onerror, followlinks=False):
        dirs.sort()
        for name in sorted(files):
            path = Path(root) / name
            try:
                st = path.stat()
            except OSError as exc:
                yield path, f"cannot be read ({exc.strerror or exc})"
                continue
            yield path, _refusal(path, st)
    yield from problems


def _refusal(path: Path, st: os.stat_result) -> str | None:
    if not stat.S_ISREG(st.st_mode):
        return "is not a regular file (device, socket or pipe)"
    if st.st_size == 0:
        return "is empty (0 bytes): there is nothing to keep"
    if not os.access(path, os.R_OK):
        return "cannot be read (permission denied)"
    return None


def _probe(path: Path) -> MediaProbe:
    """The metadata reader never refuses evidence: if it fails, the file is kept with the failure recorded."""
    from workbench.core.media.probe import probe_file

    try:
        return probe_file(path)
    except OSError:
        raise
    except Exception as exc:  # a reader bug must not lose evidence; the problem is shown on the item
        return MediaProbe(
            kind="file",
            mime="application/octet-stream",
            format=None,
            summary=Summary(),
            problems=(f"the metadata reader failed: {type(exc).__name__}: {exc}",),
        )


_INSERT_SOURCE = (
    "INSERT INTO media_source (media_id, original_name, original_path, url, acquired_utc, acquired_by, "
    "file_modified_utc, note) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
)
_BATCH_BYTES = 64 * 1024 * 1024  # one commit (one fsync) per this many bytes or ...
_BATCH_SECONDS = 1.0  # ... this much time, whichever comes first


def _add_in(
    conn: Connection,
    incident: Incident,
    path: Path,
    *,
    progress: Progress | None,
    acquired_by: str | None,
    url: str | None,
    note: str,
) -> AddOutcome:
    """Add one file inside the caller's transaction (the caller wraps it in a savepoint)."""
    st = path.stat()
    modified = datetime.fromtimestamp(st.st_mtime, UTC).isoformat(timespec="seconds")
    source = (path.name, str(path.resolve()), url, utc_now(), acquired_by or incident.analyst, modified, note)
    pre_hash: str | None = None
    if not blobs.size_is_new(conn, st.st_size):
        pre_hash, _ = blobs.hash_file(path, progress)
        existing = conn.exec_driver_sql("SELECT id, kind FROM media_item WHERE sha256 = ?", (pre_hash,)).first()
        if existing is not None:
            conn.exec_driver_sql(_INSERT_SOURCE, (existing[0], *source))
            incident.record(
                conn, "media.source_add", "media_item", existing[0], {"sha256": pre_hash, "original_name": path.name}
            )
            return AddOutcome(
                str(path),
                "duplicate",
                "same bytes as an item already in the incident",
                existing[0],
                pre_hash,
                existing[1],
            )
    probe = _probe(path)
    blob_id, sha = blobs.store_file(
        conn,
        path,
        expected_sha256=pre_hash,
        expected_size=st.st_size,
        expected_mtime_ns=st.st_mtime_ns,
        progress=progress,
    )
    media_id = int(
        conn.exec_driver_sql(
            "INSERT INTO media_item (blob_id, sha256, kind, mime, filename, size, added_utc, capture_time, "
            "summary_json, flags_json, metadata_json, problems_json, reader) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
            (
                blob_id,
                sha,
                probe.kind,
                probe.mime,
                path.name,
                st.st_size,
                utc_now(),
                probe.summary.capture_time,
                json.dumps(probe.summary.to_json(), ensure_ascii=False),
                json.dumps([f.to_json() for f in probe.flags], ensure_ascii=False),
                json.dumps(probe.tags, ensure_ascii=False, default=str),
                json.dumps(list(probe.problems), ensure_ascii=False),
                probe.reader,
            ),
        ).scalar_one()
    )
    conn.exec_driver_sql(_INSERT_SOURCE, (media_id, *source))
    incident.record(
        conn,
        "media.add",
        "media_item",
        media_id,
        {
            "sha256": sha,
            "filename": path.name,
            "size": st.st_size,
            "kind": probe.kind,
            "mime": probe.mime,
            "reader": probe.reader,
        },
    )
    return AddOutcome(str(path), "added", None, media_id, sha, probe.kind, tuple(f.code for f in probe.flags))


def add_file(
    incident: Incident,
    path: Path,
    *,
    progress: Progress | None = None,
    acquired_by: str | None = None,
    url: str | None = None,
    note: str = "",
) -> AddOutcome:
    """Add one file in its own transaction. Raises WorkbenchError/OSError for a refusal (the caller records it)."""
    with incident.write() as conn:
        return _add_in(conn, incident, path, progress=progress, acquired_by=acquired_by, url=url, note=note)


def add_evidence(
    incident: Incident,
    paths: Sequence[Path | str],
    *,
    progress: Progress | None = None,
    acquired_by: str | None = None,
    url: str | None = None,
    note: str = "",
    pixels: bool = True,
    workers: int | None = None,
) -> AddReport:
    """Add files and folders; refusals are reported and the rest of the batch continues.

    Files are committed in batches (about a second or 64 MB each) with a savepoint per file, so a refused file
    leaves no trace and an interruption loses at most the file being added, never part of one.
    """
    progress = progress or Progress()
    acquired_by = acquired_by or incident.analyst
    candidates = list(collect_files(paths))
    total = len(candidates)
    outcomes: list[AddOutcome] = []
    cancelled = False
    index = 0
    while index < total and not cancelled:
        with incident.write() as conn:
            started = time.monotonic()
            batch_bytes = 0
            while index < total:
                path, refusal = candidates[index]
                try:
                    progress(index, total, f"adding {path.name}")
                except Cancelled:
                    cancelled = True
                    break
                index += 1
                if refusal is not None:
                    outcomes.append(AddOutcome(str(path), "refused", f"{path.name} {refusal}"))
                    continue
                savepoint = conn.begin_nested()
                try:
                    outcome = _add_in(
                        conn, incident, path, progress=progress, acquired_by=acquired_by, url=url, note=note
                    )
                except Cancelled:
                    savepoint.rollback()
                    cancelled = True
                    break
                except (WorkbenchError, OSError) as exc:
                    savepoint.rollback()
                    outcomes.append(AddOutcome(str(path), "refused", _refusal_message(path, exc)))
                    continue
                except BaseException:
                    savepoint.rollback()  # keep the files already done in this batch, then let the bug show
                    raise
                savepoint.commit()
                outcomes.append(outcome)
                if outcome.status == "added":
                    batch_bytes += path.stat().st_size if path.exists() else 0
                if batch_bytes >= _BATCH_BYTES or time.monotonic() - started >= _BATCH_SECONDS:
                    break
    if not cancelled:
        progress(total, total, "evidence committed")
    added_ids = tuple(o.media_id for o in outcomes if o.status == "added" and o.media_id is not None)
    changes = Changes.of("media", *added_ids) if added_ids else Changes()
    made, failed = 0, list[tuple[int, str]]()
    if pixels and added_ids and not cancelled:
        try:
            made, failed = compute_missing_pixels(incident, media_ids=added_ids, progress=progress, workers=workers)
            changes = changes | Changes.of("pixels", *added_ids)
        except Cancelled:
            cancelled = True
    return AddReport(tuple(outcomes), changes, made, tuple(failed), cancelled)


def _refusal_message(path: Path, exc: BaseException) -> str:
    if isinstance(exc, EvidenceChanged):
        return str(exc)
    if isinstance(exc, OSError):
        return f"{path.name} cannot be read ({exc.strerror or exc})"
    return f"{path.name}: {exc}"


def _pixel_job(incident_path: str, media_id: int) -> Any:
    """Runs in a worker: decodes the STORED bytes (never a file on disk that may have changed since).

    Reads them through its own read-only connection, so nothing large crosses between processes.
    Returns PixelProducts, or the error message as a string.
    """
    import sqlite3

    from workbench.core.media.pixels import pixel_products

    try:
        conn = sqlite3.connect(f"file:{incident_path}?mode=ro", uri=True, timeout=30)
        try:
            blob_id, size = conn.execute("SELECT blob_id, size FROM media_item WHERE id = ?", (media_id,)).fetchone()
            rows = conn.execute("SELECT data FROM blob_chunk WHERE blob_id = ? ORDER BY seq", (blob_id,))
            if size <= _IN_MEMORY_LIMIT:
                return pixel_products(b"".join(bytes(r[0]) for r in rows))
            with tempfile.NamedTemporaryFile(prefix="workbench-pixels-", delete=False) as tmp:
                for (chunk,) in rows:
                    tmp.write(chunk)
            try:
                return pixel_products(Path(tmp.name))
            finally:
                os.unlink(tmp.name)
        finally:
            conn.close()
    except Exception as exc:  # reported per item, never fatal to the batch
        return f"{type(exc).__name__}: {exc}"


_IN_MEMORY_LIMIT = 64 * 1024 * 1024  # larger items (videos) are decoded from a temporary file


def _executor(n_items: int, workers: int | None) -> tuple[Executor, int]:
    count = workers or min(os.cpu_count() or 1, 4)
    if n_items < 4 or count <= 1:
        return ThreadPoolExecutor(max_workers=1), 1
    import multiprocessing

    # spawn, not fork: the parent may hold SQLite connections and (in the GUI) Qt threads.
    return ProcessPoolExecutor(max_workers=count, mp_context=multiprocessing.get_context("spawn")), count


def compute_missing_pixels(
    incident: Incident,
    *,
    media_ids: Sequence[int] | None = None,
    progress: Progress | None = None,
    workers: int | None = None,
) -> tuple[int, list[tuple[int, str]]]:
    """Make thumbnails and perceptual hashes for images and videos that have none yet, on all cores."""
    progress = progress or Progress()
    with incident.read() as conn:
        rows = list(
            conn.exec_driver_sql(
                "SELECT m.id FROM media_item m LEFT JOIN media_pixels p ON p.media_id = m.id "
                "WHERE p.media_id IS NULL AND m.kind IN ('image', 'video') ORDER BY m.id"
            )
        )
    wanted = [int(r[0]) for r in rows]
    if media_ids is not None:
        allowed = set(media_ids)
        wanted = [m for m in wanted if m in allowed]
    if not wanted:
        return 0, []
    made = 0
    failed: list[tuple[int, str]] = []
    pending: list[tuple[int, Any]] = []

    def flush() -> None:
        if not pending:
            return
        with incident.write() as conn:
            for media_id, result in pending:
                if isinstance(result, str):
                    conn.exec_driver_sql(
                        "INSERT OR REPLACE INTO media_pixels (media_id, thumbnail, thumb_width, thumb_height, phash, "
                        "tool, params_json, made_utc, error) VALUES (?, NULL, NULL, NULL, NULL, ?, '{}', ?, ?)",
                        (media_id, "workbench", utc_now(), result),
                    )
                else:
                    conn.exec_driver_sql(
                        "INSERT OR REPLACE INTO media_pixels (media_id, thumbnail, thumb_width, thumb_height, phash, "
                        "tool, params_json, made_utc, error) VALUES (?, ?, ?, ?, ?, ?, ?, ?, NULL)",
                        (
                            media_id,
                            result.thumbnail_jpeg,
                            result.thumbnail_width,
                            result.thumbnail_height,
                            result.phash,
                            result.tool,
                            json.dumps(result.params),
                            utc_now(),
                        ),
                    )
            incident.record(
                conn,
                "media.pixels",
                "media_item",
                ",".join(str(m) for m, _ in pending),
                {"count": len(pending), "failed": [m for m, r in pending if isinstance(r, str)]},
            )
        pending.clear()

    path = str(incident.path.resolve())
    executor, count = _executor(len(wanted), workers)
    in_flight: deque[tuple[int, Future[Any]]] = deque()
    queue_ = iter(wanted)
    done = 0
    with executor as pool:
        try:
            while True:
                # Keep a few jobs per worker queued, no more: memory stays flat whatever the count.
                while len(in_flight) < 2 * count:
                    media_id = next(queue_, None)
                    if media_id is None:
                        break
                    in_flight.append((media_id, pool.submit(_pixel_job, path, media_id)))
                if not in_flight:
                    break
                media_id, future = in_flight.popleft()
                progress(done, len(wanted), "making thumbnails")
                result = future.result()
                done += 1
                if isinstance(result, str):
                    failed.append((media_id, result))
                else:
                    made += 1
                pending.append((media_id, result))
                if len(pending) >= 64:
                    flush()
        except Cancelled:
            for _, f in in_flight:
                f.cancel()
            flush()
            raise
        flush()
    progress(len(wanted), len(wanted), "thumbnails made")
    return made, failed
