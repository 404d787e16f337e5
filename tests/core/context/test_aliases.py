"""Alias candidates across platforms with reasons and a score; confirm/reject is audited; groups merge."""

from __future__ import annotations

import pytest
from tests.core.context.conftest import actions, add_account

from workbench.core.context.aliases import (
    alias_candidates,
    alias_groups,
    decide_alias,
    merged_account,
    name_similarity,
    normalise_name,
)
from workbench.core.errors import BadInput, NotFound
from workbench.core.incident import Incident


def test_normalise_and_similarity() -> None:
    assert normalise_name("@Kestrel_Truth") == normalise_name("kestrel.truth") == "kestreltruth"
    assert normalise_name("K3str3l") == "kestrel"  # look-alike digits
    assert name_similarity("kestrel_truth", "kestreltruth1") > 0.9
    assert name_similarity("kestrel_truth", "bananas") < 0.3
    assert name_similarity("ab", "ab") == 0.0  # too short to say anything


def _with_picture(inc: Incident, url: str, phash: str) -> None:
    with inc.write() as conn:
        blob = conn.exec_driver_sql(
            "INSERT INTO blob (sha256, size, chunk_size, chunk_count, stored_utc) "
            "VALUES (?, 1, 1, 0, 'x') RETURNING id",
            (url,),
        ).scalar_one()
        mid = conn.exec_driver_sql(
            "INSERT INTO media_item (blob_id, sha256, kind, mime, filename, size, added_utc, summary_json, flags_json, "
            "metadata_json, problems_json, reader) VALUES (?, ?, 'image', 'image/jpeg', 'a.jpg', 1, 'x', '{}', '[]', "
            "'{}', '[]', 't') RETURNING id",
            (blob, url),
        ).scalar_one()
        conn.exec_driver_sql(
            "INSERT INTO media_source (media_id, original_name, url, acquired_utc) VALUES (?, 'a.jpg', ?, 'x')",
            (mid, url),
        )
        conn.exec_driver_sql(
            "INSERT INTO media_pixels (media_id, phash, tool, params_json, made_utc) VALUES (?, ?, 't', '{}', 'x')",
            (mid, phash),
        )


def test_candidates_with_reasons_and_decisions(inc: Incident) -> None:
    a = add_account(inc, "x", "kestrel_truth", "Kestrel Truth", bio="https://kestrel-truth.news/?utm_source=x",
                    picture="https://pbs.example/a.jpg")  # fmt: skip
    b = add_account(inc, "telegram", "kestreltruth", "Kestrel Truth News", links=["https://kestrel-truth.news/"],
                    picture="https://cdn.example/b.jpg")  # fmt: skip
    c = add_account(inc, "mastodon", "k3strel_truth", "", bio="mirror of https://linktr.ee/someone")
    d = add_account(inc, "reddit", "gardening_fan", "Rose grower", bio="https://linktr.ee/other")
    e = add_account(inc, "x", "kestrel_truth2", "Kestrel Truth")  # same platform as a: not listed by default
    _with_picture(inc, "https://pbs.example/a.jpg", "ffee00ff00ff00ff")
    _with_picture(inc, "https://cdn.example/b.jpg", "ffee00ff00ff00fe")
    found = {(x.account_a, x.account_b): x for x in alias_candidates(inc)}
    ab = found[(a, b)]
    assert ab.score > 0.9
    reasons = " | ".join(ab.reasons)
    assert "usernames match" in reasons and "same link" in reasons and "profile pictures alike" in reasons
    assert (a, c) in found and found[(a, c)].score < ab.score
    assert all(d not in pair for pair in found)  # nothing in common but a link-in-bio service
    assert (a, e) not in found
    assert (a, e) in {(x.account_a, x.account_b) for x in alias_candidates(inc, same_platform=True)}
    # decisions
    assert "aliases" in decide_alias(inc, b, a, "confirmed", note="same admin named in both bios")
    assert not decide_alias(inc, a, b, "confirmed").topics  # no-op: no second audit entry
    decide_alias(inc, a, c, "confirmed")
    decide_alias(inc, b, c, "rejected")
    assert alias_groups(inc) == [frozenset({a, b, c})]  # transitive through a
    assert merged_account(inc) == {a: a, b: a, c: a}
    statuses = {(x.account_a, x.account_b): x.status for x in alias_candidates(inc)}
    assert statuses[(a, b)] == "confirmed" and statuses[(b, c)] == "rejected"
    decide_alias(inc, a, c, None)
    assert alias_groups(inc) == [frozenset({a, b})]
    log = [e for e in inc.audit_log() if e.action == "context.alias_decide"]
    assert len(log) == 4
    assert log[0].details["after"] == "confirmed" and log[0].details["reasons"]
    assert actions(inc)[-1] == "context.alias_decide"


def test_bad_decisions_are_refused(inc: Incident) -> None:
    a = add_account(inc, "x", "someone")
    with pytest.raises(BadInput):
        decide_alias(inc, a, a, "confirmed")
    with pytest.raises(NotFound):
        decide_alias(inc, a, 999, "confirmed")
    with pytest.raises(BadInput):
        decide_alias(inc, a, 999, "maybe")  # type: ignore[arg-type]
