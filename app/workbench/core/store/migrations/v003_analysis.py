"""Format 3: what the analyst works out: annotations, location hypotheses, time windows, shadow measurements,
findings with their evidence, and the verdict on the claim."""

from __future__ import annotations

from sqlalchemy import Connection

from workbench.core.store.migrations import run_statements

STATEMENTS = [
    """CREATE TABLE location_hypothesis (
        id INTEGER PRIMARY KEY,
        label TEXT NOT NULL DEFAULT '',
        lat REAL NOT NULL CHECK (lat BETWEEN -90 AND 90),
        lon REAL NOT NULL CHECK (lon BETWEEN -180 AND 180),
        radius_m REAL NOT NULL DEFAULT 0 CHECK (radius_m >= 0),
        status TEXT NOT NULL DEFAULT 'candidate' CHECK (status IN ('candidate', 'confirmed', 'rejected')),
        confidence REAL CHECK (confidence BETWEEN 0 AND 1),
        method TEXT NOT NULL DEFAULT 'manual',
        inputs_json TEXT NOT NULL DEFAULT '{}',
        geometry_json TEXT,
        media_id INTEGER REFERENCES media_item(id) ON DELETE SET NULL,
        note TEXT NOT NULL DEFAULT '',
        created_utc TEXT NOT NULL,
        modified_utc TEXT NOT NULL
    )""",
    """CREATE TABLE annotation (
        id INTEGER PRIMARY KEY,
        media_id INTEGER NOT NULL REFERENCES media_item(id) ON DELETE CASCADE,
        shape TEXT NOT NULL CHECK (shape IN ('rect', 'ellipse', 'polygon', 'point', 'line', 'arrow', 'text')),
        geometry_json TEXT NOT NULL,
        category TEXT NOT NULL DEFAULT 'other',
        label TEXT NOT NULL DEFAULT '',
        note TEXT NOT NULL DEFAULT '',
        confidence REAL CHECK (confidence BETWEEN 0 AND 1),
        linked_media_id INTEGER REFERENCES media_item(id) ON DELETE SET NULL,
        linked_hypothesis_id INTEGER REFERENCES location_hypothesis(id) ON DELETE SET NULL,
        created_utc TEXT NOT NULL,
        modified_utc TEXT NOT NULL
    )""",
    "CREATE INDEX annotation_media ON annotation(media_id)",
    """CREATE TABLE time_window (
        id INTEGER PRIMARY KEY,
        label TEXT NOT NULL DEFAULT '',
        start_utc TEXT NOT NULL,
        end_utc TEXT NOT NULL,
        kind TEXT NOT NULL DEFAULT 'manual',
        method TEXT NOT NULL DEFAULT 'manual',
        inputs_json TEXT NOT NULL DEFAULT '{}',
        media_id INTEGER REFERENCES media_item(id) ON DELETE SET NULL,
        hypothesis_id INTEGER REFERENCES location_hypothesis(id) ON DELETE SET NULL,
        note TEXT NOT NULL DEFAULT '',
        created_utc TEXT NOT NULL,
        CHECK (end_utc >= start_utc)
    )""",
    """CREATE TABLE shadow_measurement (
        id INTEGER PRIMARY KEY,
        media_id INTEGER REFERENCES media_item(id) ON DELETE CASCADE,
        label TEXT NOT NULL DEFAULT '',
        inputs_json TEXT NOT NULL,
        assumptions_json TEXT NOT NULL DEFAULT '[]',
        result_json TEXT NOT NULL,
        method TEXT NOT NULL,
        tool TEXT NOT NULL,
        created_utc TEXT NOT NULL
    )""",
    """CREATE TABLE finding (
        id INTEGER PRIMARY KEY,
        position INTEGER NOT NULL DEFAULT 0,
        statement TEXT NOT NULL,
        confidence TEXT NOT NULL DEFAULT 'medium' CHECK (confidence IN ('low', 'medium', 'high')),
        note TEXT NOT NULL DEFAULT '',
        created_utc TEXT NOT NULL,
        modified_utc TEXT NOT NULL
    )""",
    """CREATE TABLE finding_evidence (
        id INTEGER PRIMARY KEY,
        finding_id INTEGER NOT NULL REFERENCES finding(id) ON DELETE CASCADE,
        object_type TEXT NOT NULL,
        object_id INTEGER NOT NULL,
        note TEXT NOT NULL DEFAULT '',
        UNIQUE (finding_id, object_type, object_id)
    )""",
    "ALTER TABLE incident ADD COLUMN verdict TEXT NOT NULL DEFAULT 'unverified'",
    "ALTER TABLE incident ADD COLUMN verdict_rationale TEXT NOT NULL DEFAULT ''",
    "ALTER TABLE incident ADD COLUMN checklist_json TEXT NOT NULL DEFAULT '{}'",
    "ALTER TABLE incident ADD COLUMN place_lat REAL",
    "ALTER TABLE incident ADD COLUMN place_lon REAL",
    "ALTER TABLE incident ADD COLUMN place_time_zone TEXT",
    "ALTER TABLE incident ADD COLUMN claimed_time_utc TEXT",
]


def upgrade(conn: Connection) -> None:
    run_statements(conn, STATEMENTS)
