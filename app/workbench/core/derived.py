"""Media made by the workbench from other media (video keyframes, exported frames), kept as evidence items.

A derived item is an ordinary media item (so it can be annotated, hashed, searched and reported like a photo)
whose `parent_id` names the item it came from and whose `derivation` says how: source SHA-256, time, frame
index, method, parameters and tool. Its bytes are stored like any evidence, content-addressed.
"""

from __future__ import annotations

import io
import json
import mimetypes
from typing import Any

from workbench.core.errors import BadInput, NotFound
from workbench.core.incident import Incident
from workbench.core.media.model import Summary
from workbench.core.store import blobs
from workbench.core.store.audit import utc_now
from workbench.core.store.records import Changes

REQUIRED = ("method", "tool")


def _summary(data: bytes) -> Summary:
    try:
        from PIL import Image

        with Image.open(io.BytesIO(data)) as image:
            return Summary(width=image.width, height=image.height)
    except Exception:  # the bytes are kept whatever they are; only the summary stays empty
        return Summary()


def add_derived_media(
    incident: Incident,
    parent_id: int,
    data: bytes,
    filename: str,
    derivation: dict[str, Any],
) -> Changes:
    """Store bytes derived from media item `parent_id`; the new id is `changes.ids["media"][0]`.

    If the same bytes are already in the incident, nothing new is stored and that item's id is returned.
    """
    if not data:
        raise BadInput("A derived item needs some bytes; got none.")
    missing = [k for k in REQUIRED if k not in derivation]
    if missing:
        raise BadInput(f"A derivation must say its {' and '.join(missing)}.")
    mime = mimetypes.guess_type(filename)[0] or "application/octet-stream"
    kind = "image" if mime.startswith("image/") else "video" if mime.startswith("video/") else "file"
    summary = _summary(data) if kind == "image" else Summary()
    with incident.write() as conn:
        parent = conn.exec_driver_sql("SELECT sha256, capture_time FROM media_item WHERE id = ?", (parent_id,)).first()
        if parent is None:
            raise NotFound(f"There is no media item {parent_id} to derive from.")
        record = {"source_sha256": parent[0], **derivation}
        blob_id, sha, created = blobs.store_bytes(conn, data)
        if not created:
            existing = conn.exec_driver_sql("SELECT id FROM media_item WHERE blob_id = ?", (blob_id,)).first()
            if existing is not None:
                return Changes.of("media", int(existing[0]))
        now = utc_now()
        media_id = int(
            conn.exec_driver_sql(
                "INSERT INTO media_item (blob_id, sha256, kind, mime, filename, size, added_utc, capture_time, "
                "summary_json, flags_json, metadata_json, problems_json, reader, parent_id, derivation_json) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, NULL, ?, '[]', '{}', '[]', ?, ?, ?) RETURNING id",
                (
                    blob_id,
                    sha,
                    kind,
                    mime,
                    filename,
                    len(data),
                    now,
                    json.dumps(summary.to_json(), ensure_ascii=False),
                    str(derivation["tool"]),
                    parent_id,
                    json.dumps(record, ensure_ascii=False, default=str),
                ),
            ).scalar_one()
        )
        conn.exec_driver_sql(
            "INSERT INTO media_source (media_id, original_name, original_path, url, acquired_utc, acquired_by, "
            "file_modified_utc, note) VALUES (?, ?, NULL, NULL, ?, ?, NULL, ?)",
            (media_id, filename, now, incident.analyst, f"derived from media item {parent_id}"),
        )
        incident.record(
            conn,
            "media.derive",
            "media_item",
            media_id,
            {"parent_id": parent_id, "sha256": sha, "filename": filename, "size": len(data), "derivation": record},
        )
    return Changes.of("media", media_id)
