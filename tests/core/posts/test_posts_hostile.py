"""Hostile and malformed input: importers report records, they never crash, and nothing escapes the export folder."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from workbench.core.posts.importers import FORMATS, parse
from workbench.core.posts.model import ColumnMapping, ParsedAccount, ParsedPost, RecordError

from . import posts_fixtures as fx

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children, max_size=5),
    max_leaves=25,
)
# keys the importers look for, so that random documents reach deep code paths
keys = st.sampled_from(
    ["data", "includes", "users", "id", "text", "messages", "date", "date_unixtime", "photo", "file", "from_id",
     "kind", "Listing", "t1", "t3", "children", "replies", "created_utc", "account", "content", "reblog",
     "media_attachments", "upload_date", "timestamp", "sender_name", "timestamp_ms", "uri", "media", "attachments",
     "edit_history_tweet_ids", "referenced_tweets", "geo", "coordinates", "author_id", "created_at"]
)  # fmt: skip
shaped = st.recursive(
    st.none() | st.integers() | st.text(max_size=12) | keys,
    lambda children: st.lists(children, max_size=4) | st.dictionaries(keys, children, max_size=6),
    max_leaves=30,
)


def _check_all(path: Path) -> None:
    for fmt in FORMATS:
        mapping = ColumnMapping(columns={"id": "id", "text": "text", "created": "date", "media": "file"})
        for rec in parse(path, fmt, mapping if fmt == "csv" else None):
            assert isinstance(rec, ParsedPost | ParsedAccount | RecordError)
            if isinstance(rec, ParsedPost):
                for att in rec.attachments:
                    if att.path is not None:
                        assert att.path.resolve().is_relative_to(path.parent.resolve())


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(doc=st.one_of(json_values, shaped))
def test_random_json_never_crashes_an_importer(doc: object) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        for name in ("result.json", "x.jsonl", "v.info.json", "t.json"):
            path = Path(tmp) / name
            text = json.dumps(doc)
            path.write_text(text if name != "x.jsonl" else text + "\n" + text, encoding="utf-8")
            _check_all(path)


@settings(max_examples=40, deadline=None)
@given(cut=st.integers(min_value=1, max_value=5000), junk=st.binary(max_size=40))
def test_truncated_and_corrupted_exports(cut: int, junk: bytes) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        sources = [
            fx.write_telegram(folder / "tg"),
            fx.write_twarc(folder / "t.jsonl"),
            fx.write_mastodon(folder / "m.json"),
            fx.write_reddit(folder / "r.json"),
        ]
        for src in sources:
            data = src.read_bytes()
            src.write_bytes(data[: cut % len(data)] + junk)
            _check_all(src)


def test_attachment_paths_cannot_escape(tmp_path: Path) -> None:
    secret = tmp_path / "secret.jpg"
    fx.jpeg(secret)
    export = tmp_path / "export"
    export.mkdir()
    (export / "inside.jpg").symlink_to(secret)
    doc = {
        "id": 1,
        "messages": [
            {"id": i, "type": "message", "date_unixtime": "1709287500", "from_id": "u1", "photo": p, "text": "x"}
            for i, p in enumerate(["../secret.jpg", str(secret), "inside.jpg", "..\\secret.jpg", "a/../../secret.jpg"])
        ],
    }
    path = export / "result.json"
    path.write_text(json.dumps(doc))
    posts = [r for r in parse(path, "telegram") if isinstance(r, ParsedPost)]
    assert len(posts) == 5
    assert all(p.attachments[0].path is None and p.attachments[0].problem for p in posts)


@settings(max_examples=60, deadline=None)
@given(body=st.text(max_size=200))
def test_random_yaml_cassettes_never_crash(body: str) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "c.yml"
        path.write_text("http_interactions:\n- response:\n    body:\n      string: " + body + "\n", encoding="utf-8")
        for rec in parse(path, "cassette"):
            assert isinstance(rec, ParsedPost | ParsedAccount | RecordError)
