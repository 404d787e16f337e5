"""Fixtures for the context tests: a fresh incident, and accounts/posts written straight into it."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from workbench.core.incident import Incident


@pytest.fixture
def inc(tmp_path: Path) -> Iterator[Incident]:
    with Incident.create(tmp_path / "case.incident", title="Kestrel bridge", analyst="Ana") as incident:
        yield incident


def add_account(
    inc: Incident,
    platform: str,
    username: str,
    display: str = "",
    *,
    bio: str = "",
    links: list[str] | None = None,
    picture: str | None = None,
) -> int:
    with inc.write() as conn:
        return int(
            conn.exec_driver_sql(
                "INSERT INTO account (platform, platform_id, username, display_name, bio, links_json, "
                "profile_image_url) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id",
                (platform, f"{platform}-{username}", username, display, bio, json.dumps(links or []), picture),
            ).scalar_one()
        )


def add_post(inc: Incident, account_id: int, text: str, *, links: list[str] | None = None, created: str = "") -> int:
    with inc.write() as conn:
        return int(
            conn.exec_driver_sql(
                "INSERT INTO post (platform, platform_id, account_id, created_utc, text, links_json, raw_json) "
                "VALUES ('x', ?, ?, ?, ?, ?, '{}') RETURNING id",
                (f"p{text[:8]}{account_id}", account_id, created or None, text, json.dumps(links or [])),
            ).scalar_one()
        )


def set_claim(path: Path, lat: float, lon: float, when: str) -> None:
    con = sqlite3.connect(path)
    con.execute("UPDATE incident SET place_lat = ?, place_lon = ?, claimed_time_utc = ? WHERE id = 1", (lat, lon, when))
    con.commit()
    con.close()


def actions(inc: Incident) -> list[str]:
    return [e.action for e in inc.audit_log()]
