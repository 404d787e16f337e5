"""Each importer on the project's own fixtures: fields, times and offsets, hostile input, broken records."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest

from workbench.core.errors import BadInput
from workbench.core.posts.importers import detect, parse
from workbench.core.posts.importers._common import fix_mojibake, html_to_text, safe_child
from workbench.core.posts.model import ParsedAccount, ParsedPost, ParsedRecord, RecordError

from . import posts_fixtures as fx


def split(records: list[ParsedRecord]) -> tuple[dict[str, ParsedPost], dict[str, ParsedAccount], list[RecordError]]:
    posts = {r.platform_id: r for r in records if isinstance(r, ParsedPost)}
    accounts = {r.platform_id: r for r in records if isinstance(r, ParsedAccount)}
    errors = [r for r in records if isinstance(r, RecordError)]
    return posts, accounts, errors


def test_telegram_times_entities_attachments_and_refusals(tmp_path: Path) -> None:
    path = fx.write_telegram(tmp_path / "export")
    assert detect(tmp_path / "export") == "telegram"  # the folder means its result.json
    posts, accounts, errors = split(list(parse(path, "telegram")))
    assert set(posts) == {"777/2", "777/3", "777/4", "777/5", "777/6", "777/8"}  # service message 1 is not a post
    assert [e.where for e in errors] == ["messages[6]"]  # the broken date_unixtime, reported with its path
    p2 = posts["777/2"]
    assert p2.created_utc == "2024-03-01T10:05:00+00:00"  # date_unixtime preferred
    assert p2.created_original == "2024-03-01T12:05:00" and p2.created_offset == "+02:00"
    assert p2.text == "Explosion near the bridge #bridge source"
    assert p2.hashtags == ("bridge",) and p2.links == ("https://example.org/a",)
    assert p2.attachments[0].path == (tmp_path / "export" / "photos" / "photo_1.jpg").resolve()
    p3 = posts["777/3"]  # an old export: local time, zone never guessed
    assert p3.created_utc is None and p3.created_offset == "unknown" and p3.created_original == "2024-03-01T12:06:00"
    assert p3.account_id == "12345" and p3.reply_to == "777/2"
    p4 = posts["777/4"]
    assert p4.attachments[0].path is None and "climbs out" in (p4.attachments[0].problem or "")
    assert p4.edited_utc == "2024-03-01T10:09:00+00:00"  # the offset learnt from date/date_unixtime applies to edits
    assert posts["777/5"].text == fx.HOSTILE  # stored verbatim, shown only as text
    assert posts["777/6"].attachments[0].problem == "not included in the export"
    assert set(accounts) == {"channel777", "12345"}


def test_twarc_pages_joined_and_broken_line_reported(tmp_path: Path) -> None:
    path = fx.write_twarc(tmp_path / "tweets.jsonl")
    assert detect(path) == "twitter"
    posts, accounts, errors = split(list(parse(path, "twitter")))
    assert [e.where for e in errors] == ["line 2"]
    assert set(posts) >= {"100", "101", "102", "103", "104"}
    p = posts["100"]
    assert (p.geo_lat, p.geo_lon, p.geo_place) == (50.45, 30.5, "Kyiv, Ukraine")  # GeoJSON [lon, lat] swapped
    assert p.created_utc == "2024-03-01T12:05:00+00:00" and p.created_offset == "Z"
    assert p.hashtags == ("bridge",) and p.mentions == ("bob",) and p.links == ("https://news.example/x",)
    assert (p.likes, p.shares, p.replies) == (7, 2, 1)
    assert p.attachments[0].url == "https://pbs.example/1.jpg"
    assert p.url == "https://twitter.com/alice/status/100"
    assert json.loads(p.raw)["id"] == "100"
    assert posts["101"].reply_to == "100" and posts["101"].conversation_id == "100"
    assert posts["102"].repost_of == "100"
    edited = posts["104"]  # the second version: created when the first was, edited later
    assert edited.created_utc == "2024-03-01T12:10:00+00:00" and edited.edited_utc == "2024-03-01T12:20:00+00:00"
    alice = accounts["1"]
    assert alice.username == "alice" and alice.followers == 10 and alice.links == ("https://alice.example",)
    assert alice.created_utc == "2024-02-25T00:00:00+00:00"


def test_mastodon_html_is_sanitised_and_reblog_imported(tmp_path: Path) -> None:
    path = fx.write_mastodon(tmp_path / "statuses.json")
    assert detect(path) == "mastodon"
    posts, accounts, errors = split(list(parse(path, "mastodon")))
    assert [e.where for e in errors] == ["[2]"]
    p = posts["9001"]
    assert "<" not in p.text.replace(fx.HOSTILE, "")  # no tags left, except the escaped text the author typed
    assert fx.HOSTILE in p.text  # what the author typed, shown as text
    assert "alert(2)" not in p.text  # script content is not text
    assert "<script>alert(2)</script>" in p.raw  # the raw HTML is kept verbatim
    assert p.links == ("https://news.example/y",) and p.hashtags == ("bridge",) and p.mentions == ("max@other.example",)
    assert p.edited_utc == "2024-03-01T12:30:00+00:00" and p.client == "Tusky" and p.language == "uk"
    assert p.attachments[0].url == "https://files.example/1.jpg"
    assert posts["9002"].repost_of == "8000" and posts["8000"].text == "original"
    assert accounts["2"].username == "max@other.example"
    assert accounts["1"].bio == "Reporter site" and "https://anna.example/about" in accounts["1"].links


def test_reddit_tree_and_more_stub(tmp_path: Path) -> None:
    path = fx.write_reddit(tmp_path / "comments.json")
    assert detect(path) == "reddit"
    posts, accounts, errors = split(list(parse(path, "reddit")))
    assert set(posts) == {"t3_abc", "t1_c1", "t1_c2"}
    assert len(errors) == 1 and "'more' stub: 4 comments" in errors[0].message
    op = posts["t3_abc"]
    assert op.created_utc == "2024-03-01T12:05:00.500+00:00" and op.created_original == "1709294700.5"
    assert op.edited_utc == "2024-03-01T12:10:00+00:00"
    assert op.attachments[0].url == "https://i.redd.it/pic.jpg"
    assert posts["t1_c1"].reply_to == "t3_abc" and posts["t1_c1"].conversation_id == "t3_abc"
    assert posts["t1_c1"].mentions == ("op_user",)
    assert posts["t1_c2"].reply_to == "t1_c1" and posts["t1_c2"].account_id is None  # [deleted]
    assert set(accounts) == {"op_user", "commenter"}


def test_ytdlp_date_only_and_video_beside(tmp_path: Path) -> None:
    path = fx.write_ytdlp(tmp_path / "dl")
    assert detect(path) == "ytdlp"
    posts, accounts, _ = split(list(parse(path, "ytdlp")))
    p = posts["dQw4"]
    assert p.platform == "youtube"
    assert p.created_offset == "date-only" and p.created_original == "20240301"
    assert p.created_utc == "2024-03-01T12:00:00+00:00"
    assert p.attachments[0].path == (tmp_path / "dl" / "Bridge strike filmed [dQw4].mp4").resolve()
    assert (p.views, p.likes, p.replies) == (5000, 300, 12)
    assert accounts["UC123"].followers == 1200
    timed = fx.write_ytdlp(tmp_path / "dl2", with_timestamp=True)
    posts2, _, _ = split(list(parse(timed, "ytdlp")))
    assert posts2["dQw4"].created_utc == "2024-03-01T08:00:00+00:00" and posts2["dQw4"].created_offset == "Z"


def test_meta_mojibake_and_refused_uri(tmp_path: Path) -> None:
    path = fx.write_meta(tmp_path)
    assert detect(path) == "meta"
    posts, _, _ = split(list(parse(path, "meta")))
    first, second = sorted(posts.values(), key=lambda p: p.created_utc or "")
    assert first.platform == "instagram"
    assert first.text == "Smørbrød på broen — київ #bro" and first.hashtags == ("bro",)
    assert first.attachments[0].path is not None and first.attachments[0].path.name == "a.jpg"
    assert "climbs out" in (second.attachments[0].problem or "")
    assert fix_mojibake("plain ascii") == "plain ascii" and fix_mojibake("ø") == "ø"


def test_generic_table_with_mapping(tmp_path: Path) -> None:
    from workbench.core.posts.importers.generic import guess_mapping
    from workbench.core.posts.model import ColumnMapping

    path = fx.write_csv(tmp_path / "t" / "table.csv")
    assert detect(path) == "csv"
    mapping = ColumnMapping.from_json(fx.CSV_MAPPING)
    posts, accounts, errors = split(list(parse(path, "csv", mapping)))
    assert set(posts) == {"p1", "p2", "p3"}
    assert [e.where for e in errors] == ["line 5"]
    assert posts["p1"].created_utc == "2024-03-01T12:05:00+00:00" and posts["p1"].created_offset == "+03:00"
    assert posts["p1"].hashtags == ("мост",) and posts["p1"].likes == 4 and posts["p1"].platform == "vk"
    assert posts["p1"].attachments[0].path is not None
    assert posts["p2"].created_utc is None and posts["p2"].created_offset == "unknown" and posts["p2"].likes is None
    assert posts["p3"].created_offset == "Z" and "climbs out" in (posts["p3"].attachments[0].problem or "")
    assert set(accounts) == {"vk_user", "vk_user2"}
    guessed = guess_mapping(["id", "username", "created_at", "text", "like_count"])
    assert guessed.columns == {
        "id": "id",
        "author": "username",
        "created": "created_at",
        "text": "text",
        "likes": "like_count",
    }


def test_zip_and_unknown_files_refused(tmp_path: Path) -> None:
    z = tmp_path / "export.zip"
    with zipfile.ZipFile(z, "w") as zf:
        zf.writestr("result.json", "{}")
    with pytest.raises(BadInput, match="zip archive"):
        detect(z)
    odd = tmp_path / "notes.txt"
    odd.write_text("hello")
    with pytest.raises(BadInput, match="not recognised"):
        detect(odd)


def test_safe_child_refuses_escapes(tmp_path: Path) -> None:
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "ok.jpg").write_bytes(b"x")
    (tmp_path / "secret").write_bytes(b"s")
    (tmp_path / "in" / "link.jpg").symlink_to(tmp_path / "secret")
    assert safe_child(tmp_path / "in", "ok.jpg")[0] == (tmp_path / "in" / "ok.jpg").resolve()
    for bad in ("../secret", "/etc/passwd", "a/../../secret", "C:\\x", "link.jpg"):
        target, problem = safe_child(tmp_path / "in", bad)
        assert target is None and problem, bad


def test_html_to_text_never_keeps_markup() -> None:
    text, links = html_to_text('<p>a<br>b</p><a href="javascript:alert(1)">x</a><a href="https://ok">y</a>')
    assert text == "a\nb\n\nxy" and links == ("https://ok",)


def test_facebook_posts_and_messenger_thread(tmp_path: Path) -> None:
    root = tmp_path / "facebook-user"
    fx.jpeg(root / "photos_and_videos" / "album" / "p.jpg", seed=4)
    posts_dir = root / "posts"
    posts_dir.mkdir(parents=True)
    posts = [
        {
            "timestamp": 1709290000,
            "attachments": [
                {"data": [{"media": {"uri": "photos_and_videos/album/p.jpg", "creation_timestamp": 1709289000}}]}
            ],
            "data": [{"post": fx.mojibake("Brücke zerstört? #fake")}],
            "title": fx.mojibake("Jörg updated his status."),
        }
    ]
    path = posts_dir / "your_posts_1.json"
    path.write_text(json.dumps(posts))
    assert detect(path) == "meta"
    (post,) = [r for r in parse(path, "meta") if isinstance(r, ParsedPost)]
    assert post.platform == "facebook" and post.text == "Brücke zerstört? #fake" and post.hashtags == ("fake",)
    assert post.created_utc == "2024-03-01T10:46:40+00:00"
    assert post.attachments[0].path == (root / "photos_and_videos" / "album" / "p.jpg").resolve()
    inbox = root / "messages" / "inbox" / "anna_1"
    inbox.mkdir(parents=True)
    thread = {
        "participants": [{"name": "Anna"}, {"name": "Me"}],
        "title": "Anna",
        "messages": [
            {"sender_name": fx.mojibake("Anna Łuk"), "timestamp_ms": 1709290000123, "content": "look",
             "photos": [{"uri": "photos_and_videos/album/p.jpg", "creation_timestamp": 1709289000}]},
            {"sender_name": "Me", "timestamp_ms": 1709290005000, "share": {"link": "https://example.org/x"}},
        ],
    }  # fmt: skip
    tpath = inbox / "message_1.json"
    tpath.write_text(json.dumps(thread))
    records = list(parse(tpath, "meta"))
    msgs = [r for r in records if isinstance(r, ParsedPost)]
    names = {r.display_name for r in records if isinstance(r, ParsedAccount)}
    assert names == {"Anna Łuk", "Me"}
    assert msgs[0].created_utc == "2024-03-01T10:46:40.123+00:00" and msgs[0].attachments[0].path is not None
    assert msgs[1].links == ("https://example.org/x",) and msgs[0].conversation_id == msgs[1].conversation_id


def test_vcr_yaml_scalars() -> None:
    from workbench.core.posts.importers.cassette import vcr_yaml_bodies

    text = (
        "http_interactions:\n- request:\n    method: GET\n  response:\n    body:\n"
        '      string: "[{\\"id\\":\\"1\\",\\"content\\":\\"a\\u00e9\n        b\\\n        c\\"}]"\n'
        "- response:\n    body:\n      string: 'it''s\n\n        two lines'\n"
        "- response:\n    body:\n      string: plain\n"
    )
    assert vcr_yaml_bodies(text) == ['[{"id":"1","content":"aé bc"}]', "it's\ntwo lines", "plain"]
