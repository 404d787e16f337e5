"""Format 1: the incident, evidence bytes in chunks, media items and their sources, pixel products, audit log."""

from __future__ import annotations

from sqlalchemy import Connection

from workbench.core.store.migrations import run_statements

STATEMENTS = [
    """CREATE TABLE incident (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        title TEXT NOT NULL,
        claim TEXT NOT NULL DEFAULT '',
        description TEXT NOT NULL DEFAULT '',
        analyst TEXT NOT NULL DEFAULT '',
        created_utc TEXT NOT NULL,
        modified_utc TEXT NOT NULL,
        audit_head TEXT NOT NULL,
        audit_count INTEGER NOT NULL
    )""",
    """CREATE TABLE blob (
        id INTEGER PRIMARY KEY,
        sha256 TEXT NOT NULL UNIQUE,
        size INTEGER NOT NULL,
        chunk_size INTEGER NOT NULL,
        chunk_count INTEGER NOT NULL,
        stored_utc TEXT NOT NULL
    )""",
    "CREATE INDEX blob_size ON blob(size)",
    """CREATE TABLE blob_chunk (
        id INTEGER PRIMARY KEY,
        blob_id INTEGER NOT NULL REFERENCES blob(id) ON DELETE CASCADE,
        seq INTEGER NOT NULL,
        data BLOB NOT NULL,
        UNIQUE (blob_id, seq)
    )""",
    """CREATE TABLE media_item (
        id INTEGER PRIMARY KEY,
        blob_id INTEGER NOT NULL UNIQUE REFERENCES blob(id),
        sha256 TEXT NOT NULL UNIQUE,
        kind TEXT NOT NULL CHECK (kind IN ('image', 'video', 'file')),
        mime TEXT NOT NULL,
        filename TEXT NOT NULL,
        size INTEGER NOT NULL,
        added_utc TEXT NOT NULL,
        capture_time TEXT,
        summary_json TEXT NOT NULL,
        flags_json TEXT NOT NULL,
        metadata_json TEXT NOT NULL,
        problems_json TEXT NOT NULL,
        reader TEXT NOT NULL,
        parent_id INTEGER REFERENCES media_item(id),
        derivation_json TEXT,
        note TEXT NOT NULL DEFAULT ''
    )""",
    "CREATE INDEX media_item_capture ON media_item(capture_time)",
    "CREATE INDEX media_item_parent ON media_item(parent_id)",
    """CREATE TABLE media_source (
        id INTEGER PRIMARY KEY,
        media_id INTEGER NOT NULL REFERENCES media_item(id) ON DELETE CASCADE,
        original_name TEXT NOT NULL,
        original_path TEXT,
        url TEXT,
        acquired_utc TEXT NOT NULL,
        acquired_by TEXT NOT NULL DEFAULT '',
        file_modified_utc TEXT,
        note TEXT NOT NULL DEFAULT ''
    )""",
    "CREATE INDEX media_source_media ON media_source(media_id)",
    """CREATE TABLE media_pixels (
        media_id INTEGER PRIMARY KEY REFERENCES media_item(id) ON DELETE CASCADE,
        thumbnail BLOB,
        thumb_width INTEGER,
        thumb_height INTEGER,
        phash TEXT,
        tool TEXT NOT NULL,
        params_json TEXT NOT NULL,
        made_utc TEXT NOT NULL,
        error TEXT
    )""",
    """CREATE TABLE audit_entry (
        seq INTEGER PRIMARY KEY,
        at_utc TEXT NOT NULL,
        analyst TEXT NOT NULL,
        action TEXT NOT NULL,
        object_type TEXT NOT NULL,
        object_id TEXT NOT NULL,
        details_json TEXT NOT NULL,
        prev_hash TEXT NOT NULL,
        hash TEXT NOT NULL
    )""",
    """CREATE TRIGGER audit_entry_no_update BEFORE UPDATE ON audit_entry
       BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END""",
    """CREATE TRIGGER audit_entry_no_delete BEFORE DELETE ON audit_entry
       BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END""",
]


def upgrade(conn: Connection) -> None:
    run_statements(conn, STATEMENTS)
