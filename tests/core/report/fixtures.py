"""Incidents for the report tests: the demo (built once per session, copied per test) and posts in many scripts."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from workbench.core.demo import build_demo
from workbench.core.incident import Incident

SCRIPTS: dict[str, str] = {
    "arabic": "الفيضانات في الساحة الرئيسية صباح اليوم",
    "hebrew": "הצפה בכיכר המרכזית הבוקר",
    "russian": "Наводнение на главной площади сегодня утром",
    "chinese": "今天早上主广场被洪水淹没",
    "japanese": "今朝中央広場が浸水しました",
    "hindi": "आज सुबह चौक पर पानी",
    "emoji": "Flood 🌊🚨 today",
}

HOSTILE = (
    '<b>not bold</b> <img src="file:///etc/passwd"> <a href="javascript:alert(1)">x</a> '
    "<script>alert(1)</script> &amp; \x00\x07 \u202eevil"
)


def add_posts(inc: Incident, posts: list[dict[str, Any]]) -> list[int]:
    """Posts (and their accounts) written straight into the tables, in one audited transaction."""
    ids: list[int] = []
    with inc.write() as conn:
        accounts: dict[str, int] = {}
        for i, p in enumerate(posts):
            user = p.get("username", "user")
            if user not in accounts:
                accounts[user] = int(
                    conn.exec_driver_sql(
                        "INSERT INTO account (platform, platform_id, username, display_name) VALUES (?, ?, ?, ?) "
                        "RETURNING id",
                        (p.get("platform", "telegram"), f"acc-{user}", user, p.get("display_name", user)),
                    ).scalar_one()
                )
            ids.append(
                int(
                    conn.exec_driver_sql(
                        "INSERT INTO post (platform, platform_id, account_id, url, created_utc, created_original, "
                        "created_offset, text, raw_json) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
                        (
                            p.get("platform", "telegram"),
                            p.get("platform_id", f"p{i}-{user}"),
                            accounts[user],
                            p.get("url"),
                            p.get("created_utc"),
                            p.get("created_original"),
                            p.get("created_offset"),
                            p["text"],
                            json.dumps(p, ensure_ascii=False),
                        ),
                    ).scalar_one()
                )
            )
        inc.record(conn, "posts.test_insert", "incident", 1, {"posts": len(posts)})
    return ids


def script_posts() -> list[dict[str, Any]]:
    return [
        {
            "username": f"{name}_user",
            "display_name": f"{name.title()} Reporter",
            "text": text,
            "created_utc": f"2025-03-14T07:{10 + i:02d}:00+00:00",
            "created_original": f"2025-03-14T09:{10 + i:02d}:00+02:00",
            "created_offset": "+02:00",
            "url": f"https://t.me/channel/{100 + i}",
        }
        for i, (name, text) in enumerate(SCRIPTS.items())
    ]


@pytest.fixture(scope="session")
def demo_master(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_demo(tmp_path_factory.mktemp("demo") / "demo.incident", analyst="Test Analyst")


@pytest.fixture
def demo(demo_master: Path, tmp_path: Path) -> Iterator[Incident]:
    path = tmp_path / "case.incident"
    shutil.copy(demo_master, path)
    with Incident.open(path, analyst="Test Analyst") as inc:
        yield inc


def item_id(inc: Incident, filename: str) -> int:
    """The id of the demo item with this file name (the demo may gain items; ids are not fixed)."""
    return next(it.id for it in inc.media_items() if it.filename == filename)
