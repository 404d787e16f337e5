"""Accounts the analyst confirmed as aliases share one lane on the timeline and one node in the graph."""

from __future__ import annotations

import json
from pathlib import Path

from workbench.core.context.aliases import decide_alias
from workbench.core.incident import Incident
from workbench.core.posts.queries import accounts
from workbench.core.posts.store import import_export
from workbench.core.timeline.events import post_points
from workbench.core.timeline.signals import _load, interaction_graph


def _page(tmp: Path) -> Path:
    tweets = [
        {"id": "1", "text": "first", "author_id": "10", "created_at": "2024-05-01T12:00:00.000Z"},
        {"id": "2", "text": "second @carol", "author_id": "11", "created_at": "2024-05-01T12:05:00.000Z",
         "in_reply_to_user_id": "12", "referenced_tweets": [{"type": "replied_to", "id": "3"}]},
        {"id": "3", "text": "third", "author_id": "12", "created_at": "2024-05-01T12:06:00.000Z"},
        {"id": "4", "text": "@carol again", "author_id": "10", "created_at": "2024-05-01T12:07:00.000Z",
         "referenced_tweets": [{"type": "replied_to", "id": "3"}]},
    ]  # fmt: skip
    users = [
        {"id": "10", "username": "alice", "name": "Alice"},
        {"id": "11", "username": "alice_backup", "name": "Alice B"},
        {"id": "12", "username": "carol", "name": "Carol"},
    ]
    path = tmp / "t.jsonl"
    path.write_text(json.dumps({"data": tweets, "includes": {"users": users}}) + "\n", encoding="utf-8")
    return path


def test_confirmed_aliases_share_a_lane_and_a_node(tmp_path: Path) -> None:
    with Incident.create(tmp_path / "a.incident", title="t") as inc:
        import_export(inc, _page(tmp_path), fmt="twitter")
        ids = {a.username: a.id for a in accounts(inc)}
        assert len(post_points(inc).lane_names) == 3
        decide_alias(inc, ids["alice"], ids["alice_backup"], "confirmed", note="same bio link")
        lanes = post_points(inc).lane_names
        assert len(lanes) == 2
        assert any("alice" in lane and "alice_backup" in lane for lane in lanes)
        graph = interaction_graph(inc, _load(inc))
        assert set(graph.nodes) == {min(ids["alice"], ids["alice_backup"]), ids["carol"]}
        assert graph[min(ids["alice"], ids["alice_backup"])][ids["carol"]]["weight"] >= 2
