"""Coordination signals among the incident's accounts. Each is an indicator, not proof.

- template repetition: the same or nearly the same text posted by different accounts (character 5-gram shingles,
  MinHash with banding to find candidates, then the exact Jaccard similarity);
- synchrony: bursts of posts by several accounts within a few seconds;
- cadence: each account's posts by hour of day (UTC), and accounts that post around the clock;
- interactions: a reply/mention/repost/quote graph with its communities (greedy modularity) and most central
  accounts (networkx).
Real communities also repeat slogans, react to the same news within seconds and reply to each other: these
signals say where to look, never what happened.
"""

from __future__ import annotations

import re
import unicodedata
import zlib
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import numpy as np

from workbench.core.incident import Incident
from workbench.core.posts.queries import parse_utc

DISCLAIMER = (
    "Coordination signals are indicators, not proof: communities repeat slogans, react to the same news within "
    "seconds and reply to each other. Use them to decide where to look."
)
INDICATOR = "an indicator, not proof"

_URL = re.compile(r"https?://\S+")
_MENTION = re.compile(r"@\w+(@[\w.-]+)?")
_NON_WORD = re.compile(r"[^\w\s]+", re.UNICODE)
_SPACE = re.compile(r"\s+")


@dataclass(frozen=True)
class Signal:
    kind: str  # "template", "burst", "cadence", "graph"
    summary: str
    refs: tuple[tuple[str, int], ...]
    strength: float = 0.0  # 0..1, for sorting only
    detail: dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "summary": self.summary,
            "refs": [{"type": t, "id": i} for t, i in self.refs],
            "strength": self.strength,
            "detail": self.detail,
            "caveat": INDICATOR,
        }


@dataclass(frozen=True)
class SignalReport:
    signals: tuple[Signal, ...]
    cadence: dict[int, tuple[int, ...]]  # account id -> 24 counts (UTC hour)
    graph: dict[str, Any]

    def to_json(self) -> dict[str, Any]:
        return {
            "disclaimer": DISCLAIMER,
            "signals": [s.to_json() for s in self.signals],
            "cadence": {str(k): list(v) for k, v in self.cadence.items()},
            "graph": self.graph,
        }


@dataclass(frozen=True)
class _P:
    id: int
    account_id: int | None
    platform: str
    platform_id: str
    text: str
    at: datetime | None
    reply_to: str | None
    quote_of: str | None
    repost_of: str | None
    mentions: tuple[str, ...]


def normalise(text: str) -> str:
    """Lower case, accents folded, links and mentions removed, punctuation dropped, spaces collapsed."""
    t = unicodedata.normalize("NFKD", text)
    t = "".join(c for c in t if not unicodedata.combining(c)).lower()
    t = _URL.sub(" ", t)
    t = _MENTION.sub(" ", t)
    t = _NON_WORD.sub(" ", t)
    return _SPACE.sub(" ", t).strip()


def shingles(text: str, k: int = 5) -> set[int]:
    t = normalise(text)
    if len(t) < k:
        return {zlib.crc32(t.encode())} if t else set()
    return {zlib.crc32(t[i : i + k].encode()) for i in range(len(t) - k + 1)}


def jaccard(a: set[int], b: set[int]) -> float:
    if not a or not b:
        return 0.0
    return len(a & b) / len(a | b)


_PRIME = (1 << 61) - 1
_RNG = np.random.default_rng(20240601)
_PERMS = 32
_A = _RNG.integers(1, 1 << 31, _PERMS, dtype=np.uint64)
_B = _RNG.integers(0, 1 << 31, _PERMS, dtype=np.uint64)


def _minhash(sh: set[int]) -> tuple[int, ...]:
    x = np.fromiter(sh, dtype=np.uint64, count=len(sh))
    h = (x[:, None] * _A[None, :] + _B[None, :]) % np.uint64(_PRIME)
    return tuple(int(v) for v in h.min(axis=0))


def template_groups(
    posts: list[_P], *, threshold: float = 0.8, min_chars: int = 20, bands: int = 8
) -> list[tuple[list[int], float]]:
    """Groups of post indices whose texts are near-identical (Jaccard of 5-gram shingles >= threshold)."""
    sh: dict[int, set[int]] = {}
    for i, p in enumerate(posts):
        if p.repost_of:
            continue  # a repost repeats by design
        if len(normalise(p.text)) >= min_chars:
            sh[i] = shingles(p.text)
    rows = _PERMS // bands
    buckets: dict[tuple[int, tuple[int, ...]], list[int]] = defaultdict(list)
    exact: dict[str, list[int]] = defaultdict(list)
    for i in sh:
        exact[normalise(posts[i].text)].append(i)
    for i, s in sh.items():
        sig = _minhash(s)
        for b in range(bands):
            buckets[(b, sig[b * rows : (b + 1) * rows])].append(i)
    parent = {i: i for i in sh}

    def find(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    def union(a: int, b: int) -> None:
        ra, rb = find(a), find(b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)

    for same in exact.values():
        for j in same[1:]:
            union(same[0], j)
    checked: set[tuple[int, int]] = set()
    for members in buckets.values():
        if len(members) < 2 or len(members) > 2000:
            continue
        for a_i, a in enumerate(members):
            for b in members[a_i + 1 :]:
                key = (a, b) if a < b else (b, a)
                if key in checked or find(a) == find(b):
                    continue
                checked.add(key)
                if jaccard(sh[a], sh[b]) >= threshold:
                    union(a, b)
    grouped: dict[int, list[int]] = defaultdict(list)
    for i in sh:
        grouped[find(i)].append(i)
    out: list[tuple[list[int], float]] = []
    for members in grouped.values():
        accounts = {posts[i].account_id for i in members}
        if len(members) < 2 or len(accounts) < 2:
            continue
        base = sh[members[0]]
        sim = min(jaccard(base, sh[m]) for m in members[1:])
        out.append((sorted(members, key=lambda i: _time_key(posts[i], i)), sim))
    return out


def _time_key(p: _P, i: int) -> tuple[bool, float, int]:
    return (p.at is None, p.at.timestamp() if p.at else 0.0, i)


def bursts(posts: list[_P], *, seconds: float = 10.0, min_posts: int = 3, min_accounts: int = 3) -> list[list[int]]:
    """Runs of posts where each follows the previous within `seconds`, by at least `min_accounts` accounts."""
    dated = sorted((i for i, p in enumerate(posts) if p.at is not None), key=lambda i: _time_key(posts[i], i))
    out: list[list[int]] = []
    run: list[int] = []
    for i in dated:
        at = posts[i].at
        assert at is not None
        prev = posts[run[-1]].at if run else None
        if run and prev is not None and (at - prev).total_seconds() <= seconds:
            run.append(i)
            continue
        if len(run) >= min_posts and len({posts[j].account_id for j in run}) >= min_accounts:
            out.append(run)
        run = [i]
    if len(run) >= min_posts and len({posts[j].account_id for j in run}) >= min_accounts:
        out.append(run)
    return out


def _load(incident: Incident) -> list[_P]:
    import json

    with incident.read() as conn:
        rows = conn.exec_driver_sql(
            "SELECT id, account_id, platform, platform_id, text, created_utc, reply_to, quote_of, repost_of, "
            "mentions_json FROM post ORDER BY id"
        ).all()
    return [
        _P(r[0], r[1], r[2], r[3], r[4] or "", parse_utc(r[5]), r[6], r[7], r[8], tuple(json.loads(r[9]))) for r in rows
    ]


def interaction_graph(incident: Incident, posts: list[_P]) -> Any:
    """A networkx DiGraph of accounts; edges weighted by replies, mentions, reposts and quotes."""
    import networkx as nx

    with incident.read() as conn:
        accounts = conn.exec_driver_sql("SELECT id, platform, username, display_name FROM account").all()
    label = {int(a[0]): f"{a[1]}:{a[2] or a[3] or a[0]}" for a in accounts}
    by_name = {(str(a[1]), str(a[2]).lower()): int(a[0]) for a in accounts if a[2]}
    author = {(p.platform, p.platform_id): p.account_id for p in posts}
    g = nx.DiGraph()
    for p in posts:
        if p.account_id is None:
            continue
        g.add_node(p.account_id, label=label.get(p.account_id, str(p.account_id)))
        targets: list[tuple[int | None, str]] = [
            (author.get((p.platform, p.reply_to)) if p.reply_to else None, "reply"),
            (author.get((p.platform, p.quote_of)) if p.quote_of else None, "quote"),
            (author.get((p.platform, p.repost_of)) if p.repost_of else None, "repost"),
        ]
        targets += [(by_name.get((p.platform, m.lower().split("@")[0])), "mention") for m in p.mentions]
        for target, kind in targets:
            if target is None or target == p.account_id:
                continue
            g.add_node(target, label=label.get(target, str(target)))
            if g.has_edge(p.account_id, target):
                g[p.account_id][target]["weight"] += 1
                g[p.account_id][target]["kinds"][kind] = g[p.account_id][target]["kinds"].get(kind, 0) + 1
            else:
                g.add_edge(p.account_id, target, weight=1, kinds={kind: 1})
    return g


def graph_summary(g: Any, top: int = 10) -> dict[str, Any]:
    import networkx as nx
    from networkx.algorithms import community

    if g.number_of_edges() == 0:
        return {"nodes": g.number_of_nodes(), "edges": 0, "communities": [], "central": []}
    und = g.to_undirected()
    comms = community.greedy_modularity_communities(und, weight="weight")
    degree = nx.degree_centrality(g)
    if g.number_of_nodes() <= 2000:
        between = nx.betweenness_centrality(und, weight=None)
    else:
        between = nx.betweenness_centrality(und, k=200, seed=1)
    central = sorted(g.nodes, key=lambda n: (-degree[n], -between[n], n))[:top]
    return {
        "nodes": g.number_of_nodes(),
        "edges": g.number_of_edges(),
        "communities": [sorted(int(n) for n in c) for c in comms if len(c) > 1],
        "central": [
            {
                "account_id": int(n),
                "label": g.nodes[n].get("label", str(n)),
                "degree_centrality": round(float(degree[n]), 4),
                "betweenness": round(float(between[n]), 4),
            }
            for n in central
        ],
        "edge_list": [
            {"source": int(a), "target": int(b), "weight": int(d["weight"]), "kinds": d["kinds"]}
            for a, b, d in g.edges(data=True)
        ][:5000],
    }


def coordination_signals(
    incident: Incident,
    *,
    burst_seconds: float = 10.0,
    burst_min_accounts: int = 3,
    template_threshold: float = 0.8,
) -> SignalReport:
    posts = _load(incident)
    signals: list[Signal] = []
    for members, sim in template_groups(posts, threshold=template_threshold):
        accounts = {posts[i].account_id for i in members}
        sample = posts[members[0]].text.replace("\n", " ")[:80]
        signals.append(
            Signal(
                "template",
                f"{len(members)} posts by {len(accounts)} accounts share nearly the same text "
                f"(similarity >= {sim:.2f}): {sample!r} — {INDICATOR}",
                tuple(("post", posts[i].id) for i in members),
                min(1.0, len(accounts) / 10),
                {"similarity": round(sim, 3), "accounts": sorted(a for a in accounts if a is not None)},
            )
        )
    for run in bursts(posts, seconds=burst_seconds, min_accounts=burst_min_accounts):
        accounts = {posts[i].account_id for i in run}
        first, last = posts[run[0]].at, posts[run[-1]].at
        assert first is not None and last is not None
        signals.append(
            Signal(
                "burst",
                f"{len(run)} posts by {len(accounts)} accounts within {(last - first).total_seconds():.0f} s from "
                f"{first:%Y-%m-%d %H:%M:%S} UTC (each within {burst_seconds:g} s of the previous) — {INDICATOR}",
                tuple(("post", posts[i].id) for i in run),
                min(1.0, len(accounts) / 10),
                {"start": first.isoformat(), "end": last.isoformat(), "accounts": len(accounts)},
            )
        )
    cadence: dict[int, Counter[int]] = defaultdict(Counter)
    for p in posts:
        if p.account_id is not None and p.at is not None:
            cadence[p.account_id][p.at.hour] += 1
    hist = {a: tuple(c.get(h, 0) for h in range(24)) for a, c in cadence.items()}
    for a, h in hist.items():
        total = sum(h)
        active = sum(1 for v in h if v)
        if total >= 48 and active >= 22:
            signals.append(
                Signal(
                    "cadence",
                    f"account {a} posts in {active} of 24 hours of the day ({total} posts): no quiet hours, as "
                    f"automated or shared accounts show — {INDICATOR}",
                    (("account", a),),
                    0.5,
                    {"hours": list(h)},
                )
            )
    g = interaction_graph(incident, posts)
    summary = graph_summary(g)
    for comm in summary["communities"]:
        if len(comm) >= 3:
            signals.append(
                Signal(
                    "graph",
                    f"a community of {len(comm)} accounts that reply to, mention or repost each other more than "
                    f"others (greedy modularity) — {INDICATOR}",
                    tuple(("account", a) for a in comm),
                    min(1.0, len(comm) / 20),
                    {"accounts": comm},
                )
            )
    signals.sort(key=lambda s: (-s.strength, s.kind))
    return SignalReport(tuple(signals), hist, summary)
