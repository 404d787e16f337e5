"""The project's own export fixtures, one writer per format, each written by the tests into a temporary folder."""

from __future__ import annotations

import csv
import json
from pathlib import Path

from PIL import Image

HOSTILE = '<script>alert("x")</script><img src=x onerror=alert(1)>'


def jpeg(path: Path, seed: int = 0, size: tuple[int, int] = (32, 24)) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    img = Image.new("RGB", size, ((seed * 53) % 256, (seed * 97) % 256, (seed * 31) % 256))
    for x in range(size[0]):
        img.putpixel((x, (x * (seed + 1)) % size[1]), (255, 255, 255))
    img.save(path, "JPEG", quality=90)
    return path


def write_telegram(folder: Path) -> Path:
    """A channel export: two photos (one shared by two messages), a missing file, a hostile path, old/new times."""
    jpeg(folder / "photos" / "photo_1.jpg", seed=1)
    jpeg(folder / "photos" / "photo_2.jpg", seed=2)
    doc = {
        "name": "Witness channel",
        "type": "public_channel",
        "id": 777,
        "messages": [
            {"id": 1, "type": "service", "date": "2024-03-01T09:00:00", "action": "create_channel", "text": ""},
            {
                "id": 2,
                "type": "message",
                "date": "2024-03-01T12:05:00",
                "date_unixtime": "1709287500",
                "from": "Witness",
                "from_id": "channel777",
                "photo": "photos/photo_1.jpg",
                "text": [
                    "Explosion near the bridge ",
                    {"type": "hashtag", "text": "#bridge"},
                    " ",
                    {"type": "text_link", "text": "source", "href": "https://example.org/a"},
                ],
            },
            {
                "id": 3,
                "type": "message",
                "date": "2024-03-01T12:06:00",
                "from": "Witness",
                "from_id": 12345,
                "text": "old export without unixtime",
                "reply_to_message_id": 2,
            },
            {
                "id": 4,
                "type": "message",
                "date": "2024-03-01T12:07:00",
                "date_unixtime": "1709287620",
                "edited": "2024-03-01T12:09:00",
                "from": "Witness",
                "from_id": "channel777",
                "photo": "../../../etc/passwd",
                "text": "climbing path",
            },
            {
                "id": 5,
                "type": "message",
                "date": "2024-03-01T12:08:00",
                "date_unixtime": "1709287680",
                "from": "Witness",
                "from_id": "channel777",
                "photo": "photos/photo_1.jpg",
                "text": HOSTILE,
            },
            {
                "id": 6,
                "type": "message",
                "date": "2024-03-01T12:09:00",
                "date_unixtime": "1709287740",
                "from": "Witness",
                "from_id": "channel777",
                "file": "(File not included. Change data exporting settings to download.)",
                "text": "",
            },
            {
                "id": 7,
                "type": "message",
                "date": "2024-03-01T12:10:00",
                "date_unixtime": "not-a-number",
                "from": "Witness",
                "from_id": "channel777",
                "text": "broken time",
            },
            {
                "id": 8,
                "type": "message",
                "date": "2024-03-01T12:11:00",
                "date_unixtime": "1709287860",
                "from": "Witness",
                "from_id": "channel777",
                "photo": "photos/photo_2.jpg",
                "text": "second photo",
            },
        ],
    }
    path = folder / "result.json"
    path.write_text(json.dumps(doc, ensure_ascii=False, indent=1), encoding="utf-8")
    return path


def _user(uid: str, username: str, created: str, followers: int = 10) -> dict[str, object]:
    return {
        "id": uid,
        "username": username,
        "name": username.title(),
        "created_at": created,
        "description": "bio of " + username,
        "public_metrics": {"followers_count": followers, "following_count": 5, "tweet_count": 100, "listed_count": 0},
        "entities": {"url": {"urls": [{"url": "https://t.co/x", "expanded_url": f"https://{username}.example"}]}},
        "verified": False,
    }


def tweet(tid: str, author: str, created: str, text: str, **extra: object) -> dict[str, object]:
    return {
        "id": tid,
        "author_id": author,
        "created_at": created,
        "text": text,
        "lang": "en",
        "source": "Twitter for Android",
        "conversation_id": extra.pop("conversation_id", tid),
        "edit_history_tweet_ids": extra.pop("edit_history_tweet_ids", [tid]),
        "public_metrics": {"retweet_count": 2, "reply_count": 1, "like_count": 7, "quote_count": 0},
        **extra,
    }


def write_twarc(path: Path) -> Path:
    """Two pages and a broken line: a media tweet with geo, a reply, a retweet of an included tweet, an edit."""
    page1 = {
        "data": [
            tweet(
                "100",
                "1",
                "2024-03-01T12:05:00.000Z",
                "Bridge hit #bridge @bob https://t.co/a",
                attachments={"media_keys": ["3_1"]},
                entities={
                    "hashtags": [{"tag": "bridge"}],
                    "mentions": [{"username": "bob", "id": "2"}],
                    "urls": [{"url": "https://t.co/a", "expanded_url": "https://news.example/x"}],
                },
                geo={"coordinates": {"type": "Point", "coordinates": [30.5, 50.45]}, "place_id": "pl1"},
            ),
            tweet(
                "101",
                "2",
                "2024-03-01T12:06:00.000Z",
                "@alice where?",
                conversation_id="100",
                referenced_tweets=[{"type": "replied_to", "id": "100"}],
            ),
        ],
        "includes": {
            "users": [_user("1", "alice", "2024-02-25T00:00:00.000Z"), _user("2", "bob", "2015-01-01T00:00:00.000Z")],
            "media": [{"media_key": "3_1", "type": "photo", "url": "https://pbs.example/1.jpg"}],
            "places": [{"id": "pl1", "full_name": "Kyiv, Ukraine"}],
            "tweets": [tweet("100", "1", "2024-03-01T12:05:00.000Z", "Bridge hit #bridge @bob https://t.co/a")],
        },
        "__twarc": {"url": "https://api.twitter.com/2/tweets/search/recent", "version": "2.14.0"},
    }
    page2 = {
        "data": [
            tweet(
                "102",
                "3",
                "2024-03-01T12:07:00.000Z",
                "RT @alice: Bridge hit",
                referenced_tweets=[{"type": "retweeted", "id": "100"}],
            ),
            tweet(
                "104",
                "1",
                "2024-03-01T12:20:00.000Z",
                "Bridge hit (edited)",
                edit_history_tweet_ids=["103", "104"],
            ),
        ],
        "includes": {
            "users": [_user("3", "carol", "2020-01-01T00:00:00.000Z")],
            "tweets": [
                tweet("103", "1", "2024-03-01T12:10:00.000Z", "Bridge hit", edit_history_tweet_ids=["103", "104"])
            ],
        },
        "__twarc": {"url": "https://api.twitter.com/2/tweets/search/recent", "version": "2.14.0"},
    }
    with path.open("w", encoding="utf-8") as fh:
        fh.write(json.dumps(page1) + "\n")
        fh.write('{"data": [ this is not json\n')
        fh.write(json.dumps(page2) + "\n")
    return path


def write_mastodon(path: Path) -> Path:
    statuses = [
        {
            "id": "9001",
            "created_at": "2024-03-01T12:05:00.000Z",
            "in_reply_to_id": None,
            "language": "uk",
            "url": "https://social.example/@anna/9001",
            "uri": "https://social.example/users/anna/statuses/9001",
            "replies_count": 1,
            "reblogs_count": 3,
            "favourites_count": 5,
            "edited_at": "2024-03-01T12:30:00.000Z",
            "spoiler_text": "",
            "content": '<p>Bridge <a href="https://social.example/tags/bridge" class="mention hashtag">#<span>bridge'
            '</span></a> <span class="h-card"><a href="https://other.example/@max" class="u-url mention">@<span>'
            'max</span></a></span> <a href="https://news.example/y">news</a></p><p>'
            + HOSTILE.replace("<", "&lt;").replace(">", "&gt;")
            + "</p><script>alert(2)</script>",
            "reblog": None,
            "application": {"name": "Tusky"},
            "account": {
                "id": "1",
                "username": "anna",
                "acct": "anna",
                "display_name": "Anna",
                "created_at": "2023-01-01T00:00:00.000Z",
                "note": '<p>Reporter <a href="https://anna.example">site</a></p>',
                "followers_count": 100,
                "following_count": 50,
                "statuses_count": 10,
                "fields": [{"name": "web", "value": '<a href="https://anna.example/about">about</a>'}],
            },
            "media_attachments": [
                {"id": "m1", "type": "image", "url": "https://files.example/1.jpg", "description": "the bridge"}
            ],
            "mentions": [
                {"id": "2", "username": "max", "acct": "max@other.example", "url": "https://other.example/@max"}
            ],
            "tags": [{"name": "bridge", "url": "https://social.example/tags/bridge"}],
        },
        {
            "id": "9002",
            "created_at": "2024-03-01T12:06:00.000Z",
            "content": "",
            "reblogs_count": 0,
            "favourites_count": 0,
            "account": {"id": "2", "username": "max", "acct": "max@other.example", "display_name": "Max"},
            "reblog": {
                "id": "8000",
                "created_at": "2024-03-01T11:00:00.000Z",
                "content": "<p>original</p>",
                "account": {"id": "3", "username": "orig", "acct": "orig@third.example"},
                "media_attachments": [],
                "mentions": [],
                "tags": [],
            },
            "media_attachments": [],
            "mentions": [],
            "tags": [],
        },
        {"no_id": True},
    ]
    path.write_text(json.dumps(statuses), encoding="utf-8")
    return path


def write_reddit(path: Path) -> Path:
    doc = [
        {
            "kind": "Listing",
            "data": {
                "children": [
                    {
                        "kind": "t3",
                        "data": {
                            "id": "abc",
                            "name": "t3_abc",
                            "author": "op_user",
                            "title": "Bridge video",
                            "selftext": "Is this real?",
                            "created_utc": 1709294700.5,
                            "score": 42,
                            "num_comments": 2,
                            "permalink": "/r/test/comments/abc/bridge/",
                            "url": "https://i.redd.it/pic.jpg",
                            "is_self": False,
                            "subreddit": "test",
                            "edited": 1709295000.0,
                        },
                    }
                ]
            },
        },
        {
            "kind": "Listing",
            "data": {
                "children": [
                    {
                        "kind": "t1",
                        "data": {
                            "id": "c1",
                            "name": "t1_c1",
                            "author": "commenter",
                            "body": "Geolocated: it is the old bridge u/op_user",
                            "created_utc": 1709294800.0,
                            "parent_id": "t3_abc",
                            "link_id": "t3_abc",
                            "score": 3,
                            "edited": False,
                            "replies": {
                                "kind": "Listing",
                                "data": {
                                    "children": [
                                        {
                                            "kind": "t1",
                                            "data": {
                                                "id": "c2",
                                                "name": "t1_c2",
                                                "author": "[deleted]",
                                                "body": "[deleted]",
                                                "created_utc": 1709294900.0,
                                                "parent_id": "t1_c1",
                                                "link_id": "t3_abc",
                                                "replies": "",
                                            },
                                        },
                                        {"kind": "more", "data": {"count": 4, "children": ["c3", "c4"]}},
                                    ]
                                },
                            },
                        },
                    }
                ]
            },
        },
    ]
    path.write_text(json.dumps(doc), encoding="utf-8")
    return path


def write_ytdlp(folder: Path, *, with_timestamp: bool = False) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    info: dict[str, object] = {
        "id": "dQw4",
        "title": "Bridge strike filmed",
        "description": "Filmed this morning https://example.org/more",
        "upload_date": "20240301",
        "uploader": "Local News",
        "uploader_id": "@localnews",
        "channel_id": "UC123",
        "channel": "Local News",
        "channel_follower_count": 1200,
        "view_count": 5000,
        "like_count": 300,
        "comment_count": 12,
        "webpage_url": "https://www.youtube.com/watch?v=dQw4",
        "extractor": "youtube",
        "extractor_key": "Youtube",
        "ext": "mp4",
        "tags": ["bridge", "news"],
        "_filename": "/home/someone/Downloads/Bridge strike filmed [dQw4].mp4",
    }
    if with_timestamp:
        info["timestamp"] = 1709280000
    stem = "Bridge strike filmed [dQw4]"
    (folder / f"{stem}.mp4").write_bytes(b"\x00\x00\x00\x18ftypmp42" + bytes(range(256)) * 4)
    path = folder / f"{stem}.info.json"
    path.write_text(json.dumps(info), encoding="utf-8")
    return path


def mojibake(text: str) -> str:
    return text.encode("utf-8").decode("latin-1")


def write_meta(folder: Path) -> Path:
    """Instagram posts with double-encoded UTF-8 and media URIs relative to the export root."""
    root = folder / "instagram-user-2024"
    jpeg(root / "media" / "posts" / "202403" / "a.jpg", seed=5)
    content = root / "your_instagram_activity" / "content"
    content.mkdir(parents=True)
    posts = [
        {
            "media": [
                {
                    "uri": "media/posts/202403/a.jpg",
                    "creation_timestamp": 1709290000,
                    "title": mojibake("Smørbrød på broen — київ #bro"),
                }
            ],
            "title": mojibake("Smørbrød på broen — київ #bro"),
            "creation_timestamp": 1709290000,
        },
        {
            "media": [{"uri": "../../../../secret.jpg", "creation_timestamp": 1709290100, "title": "x"}],
            "creation_timestamp": 1709290100,
        },
    ]
    path = content / "posts_1.json"
    path.write_text(json.dumps(posts), encoding="utf-8")  # json.dumps escapes as \u00c3 like Meta does
    return path


def write_csv(path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    jpeg(path.parent / "shots" / "s1.jpg", seed=9)
    with path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["Post ID", "Handle", "When", "Body", "Files", "Likes"])
        w.writerow(["p1", "vk_user", "2024-03-01T15:05:00+03:00", "Мост #мост", "shots/s1.jpg", "4"])
        w.writerow(["p2", "vk_user2", "2024-03-01 15:06:00", "no zone here", "", "x"])
        w.writerow(["p3", "vk_user", "1709294800", "epoch time", "../outside.jpg", ""])
        w.writerow(["p4", "vk_user", "yesterday", "bad time", "", ""])
    return path


CSV_MAPPING = {
    "platform": "vk",
    "columns": {
        "id": "Post ID",
        "author": "Handle",
        "created": "When",
        "text": "Body",
        "media": "Files",
        "likes": "Likes",
    },
}
