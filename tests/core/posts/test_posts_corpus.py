"""Every sample in ../shared/corpus/exports imports, with fields checked against values read by hand from the files.

Skipped (with the reason) when the corpus is not beside the project.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from tests.helpers import corpus_path

from workbench.core.incident import Incident
from workbench.core.posts import queries
from workbench.core.posts.importers import detect
from workbench.core.posts.store import import_export

pytestmark = pytest.mark.corpus

EXPECTED = {
    # file: (format, new posts, new accounts, record errors) when imported alone into a fresh incident
    "instagram_dyi/test_export.json": ("meta", 2, 2, 0),
    "mastodon_api/get_status_default.yml": ("cassette", 1, 1, 0),
    "mastodon_api/get_status_default.yml.body1.json": ("mastodon", 1, 1, 0),
    "mastodon_api/get_account_statuses_default.yml": ("cassette", 20, 1, 0),
    "mastodon_api/get_account_statuses_default.yml.body1.json": ("mastodon", 20, 1, 0),
    "reddit_api/TestSubmission.test_comments.json": ("cassette", 3, 2, 0),
    "reddit_api/TestSubmission.test_comments.json.body1.json": ("reddit", 3, 2, 0),
    "telegram_desktop/result.json": ("telegram", 18, 1, 0),
    "telegram_desktop/test_batch_export.json": ("telegram", 2, 2, 0),
    "telegram_desktop/test_single_export.json": ("telegram", 2, 2, 0),
    "twitter_v2_twarc2/cotweet.jsonl": ("twitter", 1, 1, 0),
    "twitter_v2_twarc2/edited.jsonl": ("twitter", 2, 1, 0),
    "twitter_v2_twarc2/edited_after.jsonl": ("twitter", 2, 1, 0),
    "twitter_v2_twarc2/edited_before.jsonl": ("twitter", 2, 1, 0),
    "twitter_v2_twarc2/lists.jsonl": ("twitter", 0, 0, 2),
    "twitter_v2_twarc2/many_urls.jsonl": ("twitter", 2, 1, 0),
    "twitter_v2_twarc2/media_tweet.jsonl": ("twitter", 1, 1, 0),
    "twitter_v2_twarc2/mentions_tweet.jsonl": ("twitter", 2, 2, 0),
    "twitter_v2_twarc2/quoted_edit.jsonl": ("twitter", 3, 2, 0),
    "twitter_v2_twarc2/two_tweets.jsonl": ("twitter", 2, 2, 0),
    "twitter_v2_twarc2/users.jsonl": ("twitter", 52, 91, 0),
    "twitter_v2_twarc2/verified_type.jsonl": ("twitter", 1, 1, 0),
}


def test_every_export_sample_is_covered() -> None:
    root = corpus_path("exports")
    files = {str(p.relative_to(root)) for p in root.rglob("*") if p.is_file()}
    assert files == set(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_sample_imports_and_reimport_adds_nothing(name: str, tmp_path: Path) -> None:
    path = corpus_path("exports", *name.split("/"))
    fmt, n_posts, n_accounts, n_errors = EXPECTED[name]
    assert detect(path) == fmt
    with Incident.create(tmp_path / "c.incident", title="corpus") as inc:
        report = import_export(inc, path)
        assert (report.posts, report.accounts, len(report.errors)) == (n_posts, n_accounts, n_errors)
        assert report.media == 1  # the export itself, kept as evidence
        again = import_export(inc, path)
        assert (again.posts, again.accounts, again.media) == (0, 0, 0)


@pytest.mark.parametrize("name", ["get_status_default", "get_account_statuses_default"])
def test_yaml_cassette_bodies_match_the_unwrapped_json(name: str) -> None:
    import json

    from workbench.core.posts.importers.cassette import vcr_yaml_bodies

    text = corpus_path("exports", "mastodon_api", f"{name}.yml").read_text(encoding="utf-8")
    unwrapped = json.loads(corpus_path("exports", "mastodon_api", f"{name}.yml.body1.json").read_text("utf-8"))
    assert [json.loads(b) for b in vcr_yaml_bodies(text)] == [unwrapped]


def _import(tmp_path: Path, *names: str) -> Incident:
    tmp_path.mkdir(parents=True, exist_ok=True)
    inc = Incident.create(tmp_path / "c.incident", title="corpus")
    for name in names:
        import_export(inc, corpus_path("exports", *name.split("/")))
    return inc


def test_telegram_desktop_fields(tmp_path: Path) -> None:
    with _import(tmp_path, "telegram_desktop/result.json") as inc:
        p2 = queries.find_post(inc, "telegram", "1292077344/2")
        assert p2 is not None and p2.text == "test text post"
        assert (
            p2.created_utc is None and p2.created_original == "2020-11-12T12:54:07" and p2.created_offset == "unknown"
        )
        assert p2.display_name == "test"
        p5 = queries.find_post(inc, "telegram", "1292077344/5")
        assert p5 is not None and p5.text == "italic\n\nbold\n\nunderline\n\nstrikethrough\n\nmonospace"
        assert p5.edited_utc is None  # "edited" is local time with no zone: not converted
        p14 = queries.find_post(inc, "telegram", "1292077344/14")
        assert p14 is not None and p14.links == ("http://example.com/", "http://example.com")
        p21 = queries.find_post(inc, "telegram", "1292077344/21")
        assert p21 is not None and p21.text == "тестирование utf-8."
        p3 = queries.find_post(inc, "telegram", "1292077344/3")
        assert p3 is not None
        att = queries.attachments(inc, p3.id)
        assert att[0].original_name == "photos/photo_1@12-11-2020_12-57-31.jpg" and att[0].media_id is None
    with _import(tmp_path / "b", "telegram_desktop/test_single_export.json") as inc:
        posts = queries.posts(inc)
        assert [p.created_utc for p in posts] == ["2018-12-05T10:39:10+00:00", "2018-12-05T10:49:24+00:00"]
        assert posts[1].text == "Link:https://telegram.org/" and posts[1].links == ("https://telegram.org/",)
        assert [p.display_name for p in posts] == ["Author 1", "Author 2"]


def test_instagram_dyi_fields(tmp_path: Path) -> None:
    with _import(tmp_path, "instagram_dyi/test_export.json") as inc:
        posts = queries.posts(inc)
        assert [(p.display_name, p.text, p.created_utc) for p in posts] == [
            ("Jane Doe", "Hello John!", "2019-12-24T11:23:00+00:00"),
            ("John Doe", "Hello Jane!", "2020-01-17T20:49:00+00:00"),
        ]
        assert {p.platform for p in posts} == {"instagram"}


def test_mastodon_fields(tmp_path: Path) -> None:
    with _import(
        tmp_path,
        "mastodon_api/get_status_default.yml.body1.json",
        "mastodon_api/get_account_statuses_default.yml.body1.json",
    ) as inc:
        p = queries.find_post(inc, "mastodon", "114620457512351116")
        assert p is not None
        assert p.created_utc == "2025-06-03T16:49:43.431+00:00" and p.created_offset == "Z"
        assert p.text.startswith("Super grateful to have received an R Consortium grant")
        assert "<" not in p.text and "#rstats" in p.text
        assert p.client == "Tusky" and p.language == "en"
        assert (p.replies, p.shares, p.likes) == (1, 5, 12)
        assert p.hashtags == ("rstats",) and p.mentions == ("maelle@mastodon.social",)
        assert p.links[0].startswith("https://r-consortium.org/posts/r-consortium-awards-first-round-of-2025")
        assert p.url == "https://fosstodon.org/@schochastics/114620457512351116"
        reply = queries.find_post(inc, "mastodon", "113758502912504745")
        assert reply is not None and reply.reply_to == "113758013821835772"
        acc = queries.account(inc, p.account_id or 0)
        assert (acc.username, acc.display_name, acc.followers, acc.following) == (
            "schochastics",
            "David Schoch",
            1037,
            138,
        )
        assert acc.created_utc == "2022-11-07T00:00:00+00:00" and "https://github.com/schochastics" in acc.links
        assert inc.counts()["posts"] == 20  # the single status is also in the account's timeline


def test_reddit_fields(tmp_path: Path) -> None:
    with _import(tmp_path, "reddit_api/TestSubmission.test_comments.json.body1.json") as inc:
        op = queries.find_post(inc, "reddit", "t3_2gmzqe")
        assert op is not None and op.username == "bboe"
        assert op.created_utc == "2014-09-17T06:34:31+00:00" and (op.likes, op.replies) == (11, 2)
        assert op.text.startswith("[PRAW] HTTPS enabled PRAW testing needed\n\nPRAW client developers,")
        c1 = queries.find_post(inc, "reddit", "t1_cklfmye")
        assert c1 is not None and c1.username == "paneer_burrito" and c1.reply_to == "t3_2gmzqe"
        assert c1.created_utc == "2014-09-18T01:51:52+00:00"
        c2 = queries.find_post(inc, "reddit", "t1_cklhv0f")
        assert c2 is not None and c2.reply_to == "t1_cklfmye" and c2.conversation_id == "t3_2gmzqe"
        assert [n.post.platform_id for n in queries.thread(inc, c2.id)] == ["t3_2gmzqe", "t1_cklfmye", "t1_cklhv0f"]


def test_twitter_fields(tmp_path: Path) -> None:
    with _import(
        tmp_path,
        "twitter_v2_twarc2/cotweet.jsonl",
        "twitter_v2_twarc2/edited.jsonl",
        "twitter_v2_twarc2/media_tweet.jsonl",
        "twitter_v2_twarc2/mentions_tweet.jsonl",
        "twitter_v2_twarc2/quoted_edit.jsonl",
        "twitter_v2_twarc2/two_tweets.jsonl",
        "twitter_v2_twarc2/verified_type.jsonl",
        "twitter_v2_twarc2/users.jsonl",
    ) as inc:
        co = queries.find_post(inc, "twitter", "1577318900085186562")
        assert co is not None and co.username == "staringispolite" and co.text == "who need they cotwussy tested"
        assert co.created_utc == "2022-10-04T15:25:05+00:00" and co.client == "Twitter for iPhone"
        assert (co.likes, co.shares, co.replies) == (4, 1, 0)
        acc = queries.account(inc, co.account_id or 0)
        assert (acc.followers, acc.following, acc.posts_count) == (6851, 1079, 76329)
        assert acc.created_utc == "2009-01-04T01:05:02+00:00" and acc.links == ("https://jon.how/ard",)
        ed = queries.find_post(inc, "twitter", "1576994789110992896")
        assert ed is not None and ed.text == "hey :) https://t.co/rnwEIoNuqd" and ed.language == "qst"
        assert ed.created_utc == "2022-10-03T17:57:01+00:00" and ed.edited_utc == "2022-10-03T17:57:11+00:00"
        video = queries.find_post(inc, "twitter", "1558553189766631429")
        assert video is not None
        att = queries.attachments(inc, video.id)
        assert att[0].original_url == (
            "https://video.twimg.com/ext_tw_video/1558552952549277696/pu/vid/1280x720/WiZrNZKT2lMzK5zA.mp4?tag=12"
        )
        rt = queries.find_post(inc, "twitter", "1589681856941002753")
        assert rt is not None and rt.repost_of == "1589671906718134272" and rt.mentions == ("S3NT1N3L17",)
        q = queries.find_post(inc, "twitter", "1576995594388000768")
        assert q is not None and q.quote_of == "1576994746135764992" and q.reply_to == "1576994789110992896"
        assert q.client == "Twitter for Android" and q.username == "dappdavid99"
        two = queries.find_post(inc, "twitter", "1394735776701816833")
        assert two is not None and two.hashtags == ("POIUYTREWQ",) and two.language == "und"
        assert two.repost_of == "1391677057810288641"
        vt = queries.find_post(inc, "twitter", "1603823063690199040")
        assert vt is not None and vt.views == 139075
        dev = queries.account(inc, vt.account_id or 0)
        assert dev.username == "TwitterDev" and dev.verified == "business" and dev.followers == 556601
        do_dirty = next(a for a in queries.accounts(inc) if a.username == "DoDirty78")
        assert do_dirty.followers == 580 and do_dirty.bio == "Love is the highest form of understanding"
