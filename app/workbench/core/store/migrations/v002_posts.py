"""Format 2: posts, accounts, attachments, import batches, and analyst-added timeline events."""

from __future__ import annotations

from sqlalchemy import Connection

from workbench.core.store.migrations import run_statements

STATEMENTS = [
    """CREATE TABLE post_import (
        id INTEGER PRIMARY KEY,
        format TEXT NOT NULL,
        source_name TEXT NOT NULL,
        source_media_id INTEGER REFERENCES media_item(id),
        imported_utc TEXT NOT NULL,
        analyst TEXT NOT NULL DEFAULT '',
        counts_json TEXT NOT NULL DEFAULT '{}',
        errors_json TEXT NOT NULL DEFAULT '[]',
        mapping_json TEXT
    )""",
    """CREATE TABLE account (
        id INTEGER PRIMARY KEY,
        platform TEXT NOT NULL,
        platform_id TEXT,
        username TEXT,
        display_name TEXT,
        bio TEXT,
        language TEXT,
        time_zone TEXT,
        created_utc TEXT,
        followers INTEGER,
        following INTEGER,
        posts_count INTEGER,
        verified TEXT,
        links_json TEXT NOT NULL DEFAULT '[]',
        profile_image_url TEXT,
        raw_json TEXT,
        first_import_id INTEGER REFERENCES post_import(id),
        UNIQUE (platform, platform_id)
    )""",
    "CREATE INDEX account_username ON account(platform, username)",
    """CREATE TABLE post (
        id INTEGER PRIMARY KEY,
        platform TEXT NOT NULL,
        platform_id TEXT NOT NULL,
        account_id INTEGER REFERENCES account(id),
        url TEXT,
        created_utc TEXT,
        created_original TEXT,
        created_offset TEXT,
        edited_utc TEXT,
        language TEXT,
        client TEXT,
        text TEXT NOT NULL DEFAULT '',
        hashtags_json TEXT NOT NULL DEFAULT '[]',
        mentions_json TEXT NOT NULL DEFAULT '[]',
        links_json TEXT NOT NULL DEFAULT '[]',
        likes INTEGER,
        shares INTEGER,
        replies INTEGER,
        views INTEGER,
        conversation_id TEXT,
        reply_to TEXT,
        quote_of TEXT,
        repost_of TEXT,
        geo_lat REAL,
        geo_lon REAL,
        geo_place TEXT,
        import_id INTEGER REFERENCES post_import(id),
        raw_json TEXT NOT NULL,
        UNIQUE (platform, platform_id)
    )""",
    "CREATE INDEX post_created ON post(created_utc)",
    "CREATE INDEX post_account ON post(account_id)",
    "CREATE INDEX post_conversation ON post(platform, conversation_id)",
    """CREATE TABLE post_media (
        id INTEGER PRIMARY KEY,
        post_id INTEGER NOT NULL REFERENCES post(id) ON DELETE CASCADE,
        media_id INTEGER REFERENCES media_item(id),
        position INTEGER NOT NULL DEFAULT 0,
        original_url TEXT,
        original_name TEXT,
        UNIQUE (post_id, position)
    )""",
    "CREATE INDEX post_media_media ON post_media(media_id)",
    """CREATE TABLE timeline_event (
        id INTEGER PRIMARY KEY,
        at_utc TEXT NOT NULL,
        end_utc TEXT,
        uncertainty_s REAL,
        kind TEXT NOT NULL DEFAULT 'analyst',
        label TEXT NOT NULL,
        note TEXT NOT NULL DEFAULT '',
        source TEXT NOT NULL DEFAULT '',
        created_utc TEXT NOT NULL
    )""",
]


def upgrade(conn: Connection) -> None:
    run_statements(conn, STATEMENTS)
