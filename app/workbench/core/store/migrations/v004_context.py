"""Format 4: context beside the posts: web captures (documents, full-text index), reference images placed on the
map with their overlay tiles, domains with the posts and accounts that mention them and their WHOIS/DNS/certificate
records, the analyst's decisions on alias candidates, and observations (weather stations, sensors)."""

from __future__ import annotations

import sqlite3

from sqlalchemy import Connection

from workbench.core.store import schema_context  # noqa: F401  (registers this format's models wherever it runs)
from workbench.core.store.migrations import run_statements

STATEMENTS = [
    """CREATE TABLE context_import (
        id INTEGER PRIMARY KEY,
        kind TEXT NOT NULL,
        source_name TEXT NOT NULL,
        source_media_id INTEGER REFERENCES media_item(id),
        imported_utc TEXT NOT NULL,
        analyst TEXT NOT NULL DEFAULT '',
        params_json TEXT NOT NULL DEFAULT '{}',
        counts_json TEXT NOT NULL DEFAULT '{}',
        errors_json TEXT NOT NULL DEFAULT '[]'
    )""",
    """CREATE TABLE context_document (
        id INTEGER PRIMARY KEY,
        kind TEXT NOT NULL CHECK (kind IN ('web-page', 'pdf', 'html', 'screenshot', 'text')),
        import_id INTEGER REFERENCES context_import(id),
        source_media_id INTEGER REFERENCES media_item(id),
        archive_member TEXT NOT NULL DEFAULT '',
        record_offset INTEGER,
        record_id TEXT,
        url TEXT,
        capture_utc TEXT,
        capture_source TEXT NOT NULL DEFAULT 'analyst',
        mime TEXT NOT NULL DEFAULT '',
        payload_sha256 TEXT,
        payload_size INTEGER,
        title TEXT NOT NULL DEFAULT '',
        text TEXT NOT NULL DEFAULT '',
        links_json TEXT NOT NULL DEFAULT '[]',
        flags_json TEXT NOT NULL DEFAULT '[]',
        note TEXT NOT NULL DEFAULT '',
        created_utc TEXT NOT NULL
    )""",
    "CREATE INDEX context_document_capture ON context_document(capture_utc)",
    "CREATE INDEX context_document_url ON context_document(url)",
    "CREATE UNIQUE INDEX context_document_record ON context_document(source_media_id, archive_member, record_offset)",
    """CREATE TABLE reference_image (
        id INTEGER PRIMARY KEY,
        media_id INTEGER NOT NULL REFERENCES media_item(id),
        label TEXT NOT NULL DEFAULT '',
        method TEXT NOT NULL CHECK (method IN ('geotiff', 'control-points')),
        crs TEXT NOT NULL,
        transform_json TEXT NOT NULL,
        width INTEGER NOT NULL,
        height INTEGER NOT NULL,
        south REAL NOT NULL,
        west REAL NOT NULL,
        north REAL NOT NULL,
        east REAL NOT NULL,
        control_points_json TEXT NOT NULL DEFAULT '[]',
        residuals_json TEXT NOT NULL DEFAULT '[]',
        rms_m REAL,
        acquired_utc TEXT,
        acquired_source TEXT NOT NULL DEFAULT '',
        opacity REAL NOT NULL DEFAULT 0.7 CHECK (opacity BETWEEN 0 AND 1),
        tiles_json TEXT NOT NULL DEFAULT '{}',
        note TEXT NOT NULL DEFAULT '',
        created_utc TEXT NOT NULL,
        modified_utc TEXT NOT NULL
    )""",
    "CREATE INDEX reference_image_acquired ON reference_image(acquired_utc)",
    """CREATE TABLE overlay_tile (
        reference_id INTEGER NOT NULL REFERENCES reference_image(id) ON DELETE CASCADE,
        z INTEGER NOT NULL,
        x INTEGER NOT NULL,
        y INTEGER NOT NULL,
        data BLOB NOT NULL,
        PRIMARY KEY (reference_id, z, x, y)
    )""",
    """CREATE TABLE domain (
        id INTEGER PRIMARY KEY,
        name TEXT NOT NULL UNIQUE,
        unicode_name TEXT NOT NULL,
        suffix TEXT NOT NULL,
        note TEXT NOT NULL DEFAULT '',
        created_utc TEXT NOT NULL
    )""",
    """CREATE TABLE domain_mention (
        id INTEGER PRIMARY KEY,
        domain_id INTEGER NOT NULL REFERENCES domain(id) ON DELETE CASCADE,
        object_type TEXT NOT NULL CHECK (object_type IN ('post', 'account', 'context_document')),
        object_id INTEGER NOT NULL,
        field TEXT NOT NULL,
        url TEXT NOT NULL,
        host TEXT NOT NULL,
        UNIQUE (domain_id, object_type, object_id, field, url)
    )""",
    "CREATE INDEX domain_mention_object ON domain_mention(object_type, object_id)",
    """CREATE TABLE domain_record (
        id INTEGER PRIMARY KEY,
        domain_id INTEGER NOT NULL REFERENCES domain(id) ON DELETE CASCADE,
        kind TEXT NOT NULL CHECK (kind IN ('whois', 'dns', 'certificates')),
        source_media_id INTEGER REFERENCES media_item(id),
        raw_text TEXT NOT NULL,
        parsed_json TEXT NOT NULL DEFAULT '{}',
        registered_utc TEXT,
        expires_utc TEXT,
        first_certificate_utc TEXT,
        registrar TEXT,
        parser TEXT NOT NULL,
        note TEXT NOT NULL DEFAULT '',
        created_utc TEXT NOT NULL
    )""",
    "CREATE INDEX domain_record_domain ON domain_record(domain_id)",
    """CREATE TABLE alias_link (
        id INTEGER PRIMARY KEY,
        account_a INTEGER NOT NULL REFERENCES account(id) ON DELETE CASCADE,
        account_b INTEGER NOT NULL REFERENCES account(id) ON DELETE CASCADE,
        status TEXT NOT NULL CHECK (status IN ('confirmed', 'rejected')),
        score REAL NOT NULL,
        reasons_json TEXT NOT NULL DEFAULT '[]',
        note TEXT NOT NULL DEFAULT '',
        decided_utc TEXT NOT NULL,
        decided_by TEXT NOT NULL DEFAULT '',
        CHECK (account_a < account_b),
        UNIQUE (account_a, account_b)
    )""",
    """CREATE TABLE observation (
        id INTEGER PRIMARY KEY,
        import_id INTEGER REFERENCES context_import(id),
        row_number INTEGER,
        station TEXT NOT NULL DEFAULT '',
        lat REAL NOT NULL CHECK (lat BETWEEN -90 AND 90),
        lon REAL NOT NULL CHECK (lon BETWEEN -180 AND 180),
        time_utc TEXT NOT NULL,
        end_utc TEXT,
        time_original TEXT NOT NULL DEFAULT '',
        variable TEXT NOT NULL,
        value REAL,
        value_text TEXT NOT NULL DEFAULT '',
        unit TEXT NOT NULL DEFAULT ''
    )""",
    "CREATE INDEX observation_time ON observation(time_utc)",
    "CREATE INDEX observation_place ON observation(lat, lon)",
]

# The full-text index of documents, kept by the workbench beside `context_document` (external content, no triggers:
# a build of SQLite without FTS5 can still read and write everything else). Skipped where FTS5 is missing; search
# then falls back to LIKE.
FTS_STATEMENT = (
    "CREATE VIRTUAL TABLE context_document_fts USING fts5(title, text, url, content='context_document', "
    "content_rowid='id', tokenize='unicode61 remove_diacritics 2')"
)


def fts5_available() -> bool:
    try:
        con = sqlite3.connect(":memory:")
        try:
            con.execute("CREATE VIRTUAL TABLE probe USING fts5(x)")
        finally:
            con.close()
    except sqlite3.OperationalError:
        return False
    return True


def upgrade(conn: Connection) -> None:
    run_statements(conn, STATEMENTS)
    if fts5_available():
        conn.exec_driver_sql(FTS_STATEMENT)
