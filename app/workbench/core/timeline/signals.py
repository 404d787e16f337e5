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

import functools
import math
import re
import unicodedata
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import numpy as np
import numpy.typing as npt

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
    t = text
    if not t.isascii():
        t = "".join(c for c in unicodedata.normalize("NFKD", t) if not unicodedata.combining(c))
    t = t.lower()
    t = _URL.sub(" ", t)
    t = _MENTION.sub(" ", t)
    t = _NON_WORD.sub(" ", t)
    return _SPACE.sub(" ", t).strip()


_WEIGHTS = np.array([(1_000_003**i) % 2**64 for i in range(4, -1, -1)], dtype=np.uint64)  # a polynomial hash


def shingle_array(normalised: str, k: int = 5) -> npt.NDArray[np.uint64]:
    """The distinct character k-grams of a normalised text, hashed to 64 bits (vectorised rolling hash)."""
    codes = np.frombuffer(normalised.encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)
    if len(codes) < k:
        return np.unique(np.array([int(codes.sum()) if len(codes) else 0], dtype=np.uint64)) if len(codes) else codes
    windows = np.lib.stride_tricks.sliding_window_view(codes, k)
    with np.errstate(over="ignore"):
        hashed = windows @ _WEIGHTS if k == len(_WEIGHTS) else windows.sum(axis=1)
    return np.unique(hashed)


def shingles(text: str, k: int = 5) -> set[int]:
    return {int(v) for v in shingle_array(normalise(text), k)}


def jaccard(a: set[int], b: set[int]) -> float:
    if not a or not b:
        return 0.0
    return len(a & b) / len(a | b)


def _jaccard_arrays(a: npt.NDArray[np.uint64], b: npt.NDArray[np.uint64]) -> float:
    inter = len(np.intersect1d(a, b, assume_unique=True))
    union = len(a) + len(b) - inter
    return inter / union if union else 0.0


_PERMS = 80
_BANDS = 16  # 16 bands of 5 rows: a pair at Jaccard 0.8 becomes a candidate with probability 0.998, at 0.5 with 0.4
_RNG = np.random.default_rng(20240601)
_A = _RNG.integers(1, 2**63, _PERMS, dtype=np.uint64) | np.uint64(1)
_B = _RNG.integers(0, 2**63, _PERMS, dtype=np.uint64)


def signatures(sets: list[npt.NDArray[np.uint64]]) -> npt.NDArray[np.uint64]:
    """MinHash signatures (one row per set), multiply-shift hashing, computed in chunks for all sets at once."""
    out = np.zeros((len(sets), _PERMS), dtype=np.uint64)
    start = 0
    while start < len(sets):
        stop, total = start, 0
        while stop < len(sets) and (total < 200_000 or stop == start):
            total += len(sets[stop])
            stop += 1
        chunk = sets[start:stop]
        flat = np.concatenate(chunk)
        offsets = np.concatenate([[0], np.cumsum([len(s) for s in chunk])[:-1]]).astype(np.intp)
        with np.errstate(over="ignore"):
            hashed = (flat[:, None] * _A[None, :] + _B[None, :]) >> np.uint64(16)
        out[start:stop] = np.minimum.reduceat(hashed, offsets, axis=0)
        start = stop
    return out


_MIX = np.random.default_rng(7).integers(1, 2**63, _PERMS // _BANDS, dtype=np.uint64) | np.uint64(1)


@functools.lru_cache(maxsize=64)
def _triu(size: int) -> tuple[npt.NDArray[np.intp], npt.NDArray[np.intp]]:
    ii, jj = np.triu_indices(size, 1)
    return ii, jj


def _candidate_pairs(sig: npt.NDArray[np.uint64], min_estimate: float, max_bucket: int) -> list[tuple[int, int]]:
    """Pairs of rows sharing a band of their signatures (LSH), kept when the signature estimate of their Jaccard
    similarity is at least `min_estimate`. Vectorised: buckets come from sorting band keys, not Python dicts."""
    n = len(sig)
    if n < 2:
        return []
    rows = _PERMS // _BANDS
    firsts: list[npt.NDArray[np.intp]] = []
    seconds: list[npt.NDArray[np.intp]] = []
    mix = _MIX
    for band in range(_BANDS):
        block = sig[:, band * rows : (band + 1) * rows]
        with np.errstate(over="ignore"):
            keys = (block * mix[: block.shape[1]]).sum(axis=1)
        order = np.argsort(keys, kind="stable")
        ks = keys[order]
        starts = np.flatnonzero(np.concatenate([[True], ks[1:] != ks[:-1]]))
        lengths = np.diff(np.concatenate([starts, [n]]))
        two = starts[lengths == 2]
        firsts.append(order[two])
        seconds.append(order[two + 1])
        for st, ln in zip(starts[(lengths > 2) & (lengths <= max_bucket)].tolist(),
                          lengths[(lengths > 2) & (lengths <= max_bucket)].tolist(), strict=True):  # fmt: skip
            ii, jj = _triu(ln)
            firsts.append(order[st + ii])
            seconds.append(order[st + jj])
    a = np.concatenate(firsts)
    b = np.concatenate(seconds)
    lo, hi = np.minimum(a, b), np.maximum(a, b)
    codes = np.unique(lo.astype(np.int64) * n + hi.astype(np.int64))
    lo, hi = codes // n, codes % n
    keep: list[tuple[int, int]] = []
    for s0 in range(0, len(codes), 500_000):
        la, hb = lo[s0 : s0 + 500_000], hi[s0 : s0 + 500_000]
        estimate = (sig[la] == sig[hb]).mean(axis=1)
        ok = estimate >= min_estimate
        keep.extend(zip(la[ok].tolist(), hb[ok].tolist(), strict=True))
    return keep


def template_groups(
    posts: list[_P], *, threshold: float = 0.8, min_chars: int = 20, max_bucket: int = 50
) -> list[tuple[list[int], float]]:
    """Groups of post indices whose texts are near-identical (Jaccard of 5-gram shingles >= threshold).

    Exact copies (after normalising) are grouped directly; near copies are found with MinHash and banding, the
    signature estimate screens candidates, and the exact Jaccard decides.
    """
    members: list[int] = []
    texts: list[str] = []
    for i, p in enumerate(posts):
        if p.repost_of:
            continue  # a repost repeats by design
        norm = normalise(p.text)
        if len(norm) >= min_chars:
            members.append(i)
            texts.append(norm)
    n = len(members)
    parent = list(range(n))

    def find(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    def union(a: int, b: int) -> None:
        ra, rb = find(a), find(b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)

    exact: dict[str, int] = {}
    unique: list[int] = []  # local indices of the first post with each distinct text
    for local, norm in enumerate(texts):
        first = exact.setdefault(norm, local)
        if first != local:
            union(first, local)
        else:
            unique.append(local)
    sets = {u: shingle_array(texts[u]) for u in unique}
    sig = signatures([sets[u] for u in unique]) if unique else np.zeros((0, _PERMS), dtype=np.uint64)
    for a, b in _candidate_pairs(sig, threshold - 0.15, max_bucket):
        ua, ub = unique[a], unique[b]
        if find(ua) != find(ub) and _jaccard_arrays(sets[ua], sets[ub]) >= threshold:
            union(ua, ub)
    grouped: dict[int, list[int]] = defaultdict(list)
    for local in range(n):
        grouped[find(local)].append(local)
    out: list[tuple[list[int], float]] = []
    for group in grouped.values():
        accounts = {posts[members[g]].account_id for g in group}
        if len(group) < 2 or len(accounts) < 2:
            continue
        distinct = list(dict.fromkeys(exact[texts[g]] for g in group))
        sim = min((_jaccard_arrays(sets[distinct[0]], sets[d]) for d in distinct[1:]), default=1.0)
        out.append((sorted((members[g] for g in group), key=lambda i: _time_key(posts[i], i)), sim))
    return out


def _time_key(p: _P, i: int) -> tuple[bool, float, int]:
    return (p.at is None, p.at.timestamp() if p.at else 0.0, i)


def poisson_tail(mean: float, at_least: int) -> float:
    """P(N >= at_least) for N ~ Poisson(mean)."""
    if at_least <= 0:
        return 1.0
    term = math.exp(-mean)
    below = term
    for k in range(1, at_least):
        term *= mean / k
        below += term
    return max(0.0, 1.0 - below)


@dataclass(frozen=True)
class Burst:
    members: list[int]
    chance: float  # windows this dense expected by chance over the whole span, at the overall posting rate


def bursts(
    posts: list[_P],
    *,
    seconds: float = 10.0,
    min_posts: int = 3,
    min_accounts: int = 3,
    alpha: float = 0.01,
) -> list[Burst]:
    """Runs of posts, each within `seconds` of the previous, by at least `min_accounts` accounts, that are unlikely at
    the incident's overall posting rate: a run of m posts lasting d seconds is kept when the number of windows that
    dense expected by chance over the whole span (Poisson) is at most `alpha`. Busy hours alone are not a signal.
    """
    dated = sorted((i for i, p in enumerate(posts) if p.at is not None), key=lambda i: _time_key(posts[i], i))
    if len(dated) < min_posts:
        return []
    t0, t1 = posts[dated[0]].at, posts[dated[-1]].at
    assert t0 is not None and t1 is not None
    span = max((t1 - t0).total_seconds(), seconds)
    rate = len(dated) / span
    runs: list[list[int]] = []
    run: list[int] = []
    for i in dated:
        at = posts[i].at
        assert at is not None
        prev = posts[run[-1]].at if run else None
        if run and prev is not None and (at - prev).total_seconds() <= seconds:
            run.append(i)
            continue
        runs.append(run)
        run = [i]
    runs.append(run)
    out: list[Burst] = []
    for r in runs:
        if len(r) < min_posts or len({posts[j].account_id for j in r}) < min_accounts:
            continue
        first, last = posts[r[0]].at, posts[r[-1]].at
        assert first is not None and last is not None
        window = max((last - first).total_seconds(), seconds)
        chance = poisson_tail(rate * window, len(r)) * (span / window)
        if chance <= alpha:
            out.append(Burst(r, chance))
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
    from workbench.core.timeline.events import confirmed_aliases

    # Confirmed aliases are one node (the group's smallest id), labelled with every name it goes by.
    merged = confirmed_aliases(incident)
    names: dict[int, list[str]] = {}
    for a in accounts:
        names.setdefault(merged.get(int(a[0]), int(a[0])), []).append(f"{a[1]}:{a[2] or a[3] or a[0]}")
    label = {node: " = ".join(n) for node, n in names.items()}
    by_name = {(str(a[1]), str(a[2]).lower()): merged.get(int(a[0]), int(a[0])) for a in accounts if a[2]}
    author = {
        (p.platform, p.platform_id): merged.get(p.account_id, p.account_id) if p.account_id is not None else None
        for p in posts
    }
    g = nx.DiGraph()
    for p in posts:
        if p.account_id is None:
            continue
        source = merged.get(p.account_id, p.account_id)
        g.add_node(source, label=label.get(source, str(source)))
        targets: list[tuple[int | None, str]] = [
            (author.get((p.platform, p.reply_to)) if p.reply_to else None, "reply"),
            (author.get((p.platform, p.quote_of)) if p.quote_of else None, "quote"),
            (author.get((p.platform, p.repost_of)) if p.repost_of else None, "repost"),
        ]
        targets += [(by_name.get((p.platform, m.lower().split("@")[0])), "mention") for m in p.mentions]
        for target, kind in targets:
            if target is None or target == source:
                continue
            g.add_node(target, label=label.get(target, str(target)))
            if g.has_edge(source, target):
                g[source][target]["weight"] += 1
                g[source][target]["kinds"][kind] = g[source][target]["kinds"].get(kind, 0) + 1
            else:
                g.add_edge(source, target, weight=1, kinds={kind: 1})
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
    for burst in bursts(posts, seconds=burst_seconds, min_accounts=burst_min_accounts):
        run = burst.members
        accounts = {posts[i].account_id for i in run}
        first, last = posts[run[0]].at, posts[run[-1]].at
        assert first is not None and last is not None
        signals.append(
            Signal(
                "burst",
                f"{len(run)} posts by {len(accounts)} accounts within {(last - first).total_seconds():.0f} s from "
                f"{first:%Y-%m-%d %H:%M:%S} UTC (each within {burst_seconds:g} s of the previous; at the overall "
                f"posting rate about {burst.chance:.1g} such runs would be expected by chance) — {INDICATOR}",
                tuple(("post", posts[i].id) for i in run),
                min(1.0, len(accounts) / 10),
                {
                    "start": first.isoformat(),
                    "end": last.isoformat(),
                    "accounts": len(accounts),
                    "expected_by_chance": burst.chance,
                },
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
