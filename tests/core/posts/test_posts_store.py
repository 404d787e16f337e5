"""Imports into a real incident file: evidence first, one audited transaction, idempotent, provenance of files."""

from __future__ import annotations

import json
import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import pytest

from workbench.core.errors import BadInput, Cancelled
from workbench.core.incident import Incident
from workbench.core.posts import queries
from workbench.core.posts.model import ColumnMapping
from workbench.core.posts.store import (
    add_timeline_event,
    import_export,
    import_manual_post,
    saved_mappings,
)
from workbench.core.tasks import Progress

from . import posts_fixtures as fx


@pytest.fixture
def inc(incident_path: Path) -> Incident:
    incident = Incident.create(incident_path, title="Bridge", analyst="Ana")
    yield incident  # type: ignore[misc]
    incident.close()


def test_telegram_import_keeps_export_and_attachments_as_evidence(inc: Incident, tmp_path: Path) -> None:
    path = fx.write_telegram(tmp_path / "export")
    report = import_export(inc, tmp_path / "export")
    assert (report.format, report.posts, report.accounts) == ("telegram", 6, 2)
    assert report.media == 3  # result.json + two photos (photo_1 carried twice is one item)
    assert [e.where for e in report.errors] == ["messages[6]"]
    assert any("climbs out" in p.message for p in report.attachment_problems)
    items = {m.filename: m for m in inc.media_items()}
    assert set(items) == {"result.json", "photo_1.jpg", "photo_2.jpg"}
    assert report.source_media_id == items["result.json"].id
    assert report.source_sha256 == items["result.json"].sha256
    carriers = queries.posts_carrying(inc, items["photo_1.jpg"].id)
    assert [p.platform_id for p in carriers] == ["777/2", "777/5"]  # which posts carried the file
    hostile = queries.find_post(inc, "telegram", "777/5")
    assert hostile is not None and hostile.text == fx.HOSTILE
    assert json.loads(queries.post_raw(inc, hostile.id))["text"] == fx.HOSTILE
    log = [e for e in inc.audit_log() if e.action == "posts.import"]
    assert len(log) == 1
    assert log[0].details["posts"] == 6 and log[0].details["format"] == "telegram"
    assert log[0].details["source_sha256"] == report.source_sha256
    with inc.read() as conn:
        row = conn.exec_driver_sql("SELECT source_media_id, counts_json FROM post_import").one()
    assert row[0] == report.source_media_id and json.loads(row[1])["posts"] == 6
    del path


def test_reimport_adds_nothing(inc: Incident, tmp_path: Path) -> None:
    path = fx.write_twarc(tmp_path / "tweets.jsonl")
    first = import_export(inc, path)
    assert first.posts == 5 and first.accounts == 3 and first.media == 1
    audit_before = inc.info().audit_count
    counts_before = inc.counts()
    again = import_export(inc, path)
    assert (again.posts, again.accounts, again.media) == (0, 0, 0)
    assert again.duplicate_posts == 5 and again.import_id is None
    assert inc.info().audit_count == audit_before
    assert inc.counts() == counts_before
    with inc.read() as conn:
        assert conn.exec_driver_sql("SELECT count(*) FROM post_import").scalar_one() == 1
        assert conn.exec_driver_sql("SELECT count(*) FROM media_source").scalar_one() == 1


def test_one_transaction_rolls_back_when_cancelled(inc: Incident, tmp_path: Path) -> None:
    path = fx.write_twarc(tmp_path / "tweets.jsonl")
    calls = {"n": 0}

    def cancel_inside(done: int, total: int, message: str) -> None:
        calls["n"] += 1
        if message.startswith("importing"):
            progress.token.cancel()

    progress = Progress(cancel_inside)
    with pytest.raises(Cancelled):
        import_export(inc, path, progress=progress)
    assert inc.counts()["posts"] == 0 and inc.counts()["accounts"] == 0
    with inc.read() as conn:
        assert conn.exec_driver_sql("SELECT count(*) FROM post_import").scalar_one() == 0
    assert import_export(inc, path).posts == 5  # the evidence file was kept; the posts go in now


def test_accounts_join_posts_and_threads(inc: Incident, tmp_path: Path) -> None:
    import_export(inc, fx.write_twarc(tmp_path / "t.jsonl"))
    import_export(inc, fx.write_reddit(tmp_path / "r.json"))
    reply = queries.find_post(inc, "twitter", "101")
    assert reply is not None and reply.username == "bob"
    nodes = queries.thread(inc, reply.id)
    assert [(n.post.platform_id, n.depth, n.relation) for n in nodes][:2] == [("100", 0, "root"), ("101", 1, "reply")]
    assert ("102", 1, "repost") in [(n.post.platform_id, n.depth, n.relation) for n in nodes]
    deep = queries.find_post(inc, "reddit", "t1_c2")
    assert deep is not None
    assert [n.post.platform_id for n in queries.thread(inc, deep.id)] == ["t3_abc", "t1_c1", "t1_c2"]
    alice = next(a for a in queries.accounts(inc) if a.username == "alice")
    card = queries.account_card(inc, alice.id, incident_time=datetime(2024, 3, 1, 12, tzinfo=UTC))
    assert card.posts_in_incident == 3
    assert card.age_days_at_first_post == pytest.approx(5 + 12.0833 / 24, abs=1e-3)
    assert [f.code for f in card.flags] == ["created-just-before"]
    assert "indicator, not proof" in card.flags[0].message
    assert card.hour_histogram[12] == 3


def test_every_fixture_format_imports(inc: Incident, tmp_path: Path) -> None:
    import_export(inc, fx.write_mastodon(tmp_path / "m.json"))
    import_export(inc, fx.write_ytdlp(tmp_path / "dl"))
    meta = import_export(inc, fx.write_meta(tmp_path / "meta"))
    table = import_export(inc, fx.write_csv(tmp_path / "t" / "t.csv"), mapping=ColumnMapping.from_json(fx.CSV_MAPPING))
    assert meta.posts == 2 and meta.media == 2
    assert table.posts == 3 and [e.where for e in table.errors] == ["line 5"]
    assert saved_mappings(inc)[0].columns["text"] == "Body"
    video = queries.find_post(inc, "youtube", "dQw4")
    assert video is not None and video.time_precision == "day" and len(video.media_ids) == 1
    bounds = video.time_bounds()
    assert bounds is not None and (bounds[1] - bounds[0]).total_seconds() == (24 + 14 + 12) * 3600
    zoneless = queries.find_post(inc, "vk", "p2")
    assert zoneless is not None and zoneless.time_precision == "zone unknown (±14 h)"


def test_manual_post_needs_a_zone(inc: Incident, tmp_path: Path) -> None:
    shot = fx.jpeg(tmp_path / "screenshot.jpg", seed=3)
    with pytest.raises(BadInput, match="zone"):
        import_manual_post(inc, url="https://x.com/a/status/1", author="@a", time="2024-03-01T12:00:00", text="t")
    report = import_manual_post(
        inc,
        url="https://x.com/a/status/1",
        author="@a",
        time="2024-03-01T14:00:00+02:00",
        text="seen on the site #x",
        files=[shot],
    )
    assert (report.posts, report.accounts, report.media) == (1, 1, 1)
    p = queries.find_post(inc, "twitter", "https://x.com/a/status/1")
    assert p is not None and p.created_utc == "2024-03-01T12:00:00+00:00" and p.created_offset == "+02:00"
    assert p.username == "a" and len(p.media_ids) == 1 and p.hashtags == ("x",)
    again = import_manual_post(
        inc, url="https://x.com/a/status/1", author="@a", time="2024-03-01T14:00:00+02:00", text="x", files=[shot]
    )
    assert (again.posts, again.media) == (0, 0)


def test_zip_refused_and_yaml_explained(inc: Incident, tmp_path: Path) -> None:
    import zipfile

    z = tmp_path / "e.zip"
    with zipfile.ZipFile(z, "w") as zf:
        zf.writestr("result.json", "{}")
    with pytest.raises(BadInput, match="zip"):
        import_export(inc, z)
    y = tmp_path / "c.yml"
    y.write_text("settings:\n  colour: blue\n")
    with pytest.raises(BadInput, match="YAML"):
        import_export(inc, y)
    assert inc.counts()["media"] == 0


def test_timeline_event_is_audited(inc: Incident) -> None:
    eid, changes = add_timeline_event(
        inc, at_utc=datetime(2024, 3, 1, 11, 58, tzinfo=UTC), label="first reports of explosion", uncertainty_s=120
    )
    assert "timeline" in changes
    assert inc.audit_log()[-1].action == "timeline.event_add"
    with pytest.raises(BadInput):
        add_timeline_event(inc, at_utc=datetime(2024, 3, 1), label="naive")
    del eid


def test_stored_file_is_plain_sqlite_with_posts(inc: Incident, tmp_path: Path) -> None:
    import_export(inc, fx.write_reddit(tmp_path / "r.json"))
    inc.close()
    conn = sqlite3.connect(inc.path)
    assert conn.execute("SELECT count(*) FROM post").fetchone()[0] == 3
    conn.close()


def test_thread_survives_reply_cycles(inc: Incident, tmp_path: Path) -> None:
    table = tmp_path / "cycle.csv"
    rows = ["id,author,created,text,reply_to,quote_of"]
    rows += [
        "a,u1,2024-03-01T10:00:00Z,first,b,b",
        "b,u2,2024-03-01T10:01:00Z,second,a,a",
        "c,u3,2024-03-01T10:02:00Z,x,b,a",
    ]
    table.write_text("\n".join(rows) + "\n")
    import_export(inc, table, fmt="csv")
    c = queries.find_post(inc, "generic", "c")
    assert c is not None
    nodes = queries.thread(inc, c.id)
    assert sorted(n.post.platform_id for n in nodes) == ["a", "b", "c"]  # each once, no endless loop


def test_author_without_a_profile_gets_a_bare_account(inc: Incident, tmp_path: Path) -> None:
    path = tmp_path / "bare.jsonl"
    page = {"data": [fx.tweet("500", "77", "2024-03-01T12:00:00.000Z", "no author in includes")], "__twarc": {}}
    path.write_text(json.dumps(page) + "\n")
    report = import_export(inc, path)
    assert (report.posts, report.accounts) == (1, 1)
    post = queries.find_post(inc, "twitter", "500")
    assert post is not None and post.account_id is not None
    account = queries.account(inc, post.account_id)
    assert account.platform_id == "77" and account.username is None
    full = tmp_path / "full.jsonl"
    later = {
        "data": [fx.tweet("501", "77", "2024-03-01T12:01:00.000Z", "now with a profile")],
        "includes": {"users": [{"id": "77", "username": "late", "name": "Late", "created_at": "2020-01-01T00:00:00Z"}]},
        "__twarc": {},
    }
    full.write_text(json.dumps(later) + "\n")
    assert import_export(inc, full).accounts == 0
    assert queries.account(inc, post.account_id).username == "late"  # filled in, never overwritten
