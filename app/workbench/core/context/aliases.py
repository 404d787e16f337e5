"""Alias candidates: accounts that may be the same actor, across platforms, each with its reasons and a score.

Signals: similar usernames (normalised edit distance), similar display names (token overlap), the same links in
their bios or profiles (same URL, or the same uncommon domain), the same profile picture (perceptual hash, when
the picture is in the incident as a media item whose source URL is the account's profile image URL). A score is
1 - Π(1 - wᵢ·sᵢ) over the signals: several weak agreements add up, one strong one is enough to list the pair.
It is a lead for the analyst, never a finding: the analyst confirms or rejects each pair (an audited decision);
confirmed pairs are merged on the timeline and in the graph through `alias_groups`.
"""

from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass
from itertools import combinations
from typing import Any, Literal

from workbench.core.context.links import resolve, urls_in_text
from workbench.core.errors import BadInput, NotFound
from workbench.core.incident import Incident
from workbench.core.store.audit import utc_now
from workbench.core.store.records import Changes

METHOD = "workbench-aliases/1"
MIN_SCORE = 0.3
MAX_BUCKET = 300  # a trigram shared by more accounts than this says nothing
PHASH_MAX_DISTANCE = 8
# Domains whose presence in a bio says nothing by itself (everyone links to them); the same full URL still counts.
COMMON_DOMAINS = frozenset(
    {
        "twitter.com", "x.com", "facebook.com", "instagram.com", "youtube.com", "youtu.be", "tiktok.com",
        "t.me", "telegram.org", "linkedin.com", "github.com", "google.com", "linktr.ee", "bit.ly", "t.co",
        "reddit.com", "wikipedia.org", "medium.com", "substack.com", "patreon.com", "paypal.me", "vk.com",
        "threads.net", "bsky.app", "mastodon.social", "discord.gg", "wa.me", "apple.com", "spotify.com",
    }
)  # fmt: skip
Decision = Literal["confirmed", "rejected"]


@dataclass(frozen=True)
class AccountCard:
    id: int
    platform: str
    username: str
    display_name: str
    links: frozenset[str]  # normalised URLs
    domains: frozenset[str]
    phash: str | None

    @property
    def label(self) -> str:
        return f"{self.platform}:{self.username or self.display_name or self.id}"


@dataclass(frozen=True)
class AliasCandidate:
    account_a: int
    account_b: int
    label_a: str
    label_b: str
    score: float
    reasons: tuple[str, ...]
    status: str = "candidate"  # candidate | confirmed | rejected

    def to_json(self) -> dict[str, Any]:
        return {
            "account_a": self.account_a,
            "account_b": self.account_b,
            "label_a": self.label_a,
            "label_b": self.label_b,
            "score": round(self.score, 3),
            "reasons": list(self.reasons),
            "status": self.status,
        }


def normalise_name(name: str) -> str:
    """Lower case, accents and separators removed, look-alike digits mapped (0→o, 1→l, 3→e, 4→a, 5→s, 7→t)."""
    text = unicodedata.normalize("NFKD", name or "").encode("ascii", "ignore").decode("ascii").lower()
    text = text.lstrip("@")
    text = re.sub(r"[^a-z0-9]", "", text)
    return text.translate(str.maketrans("013457", "oleast"))


def edit_distance(a: str, b: str) -> int:
    if a == b:
        return 0
    if len(a) < len(b):
        a, b = b, a
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i]
        for j, cb in enumerate(b, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb)))
        previous = current
    return previous[-1]


def name_similarity(a: str, b: str) -> float:
    """1 - normalised edit distance between normalised names (0 when either is shorter than 3 characters)."""
    na, nb = normalise_name(a), normalise_name(b)
    if len(na) < 3 or len(nb) < 3:
        return 0.0
    return 1.0 - edit_distance(na, nb) / max(len(na), len(nb))


def token_overlap(a: str, b: str) -> float:
    ta = {normalise_name(t) for t in re.split(r"\W+", a or "") if len(normalise_name(t)) >= 2}
    tb = {normalise_name(t) for t in re.split(r"\W+", b or "") if len(normalise_name(t)) >= 2}
    if not ta or not tb:
        return 0.0
    return len(ta & tb) / len(ta | tb)


def _hamming(a: str, b: str) -> int | None:
    try:
        return (int(a, 16) ^ int(b, 16)).bit_count() if len(a) == len(b) else None
    except ValueError:
        return None


def score_pair(a: AccountCard, b: AccountCard) -> tuple[float, list[str]]:
    reasons: list[str] = []
    parts: list[float] = []
    us = name_similarity(a.username, b.username)
    if us >= 0.75:
        same = normalise_name(a.username) == normalise_name(b.username)
        reasons.append(
            f"usernames {'match' if same else 'are similar'}: @{a.username} / @{b.username} ({us:.0%} alike)"
        )
        parts.append(0.6 * us)
    dn = max(token_overlap(a.display_name, b.display_name), name_similarity(a.display_name, b.display_name))
    if dn >= 0.6:
        reasons.append(f"display names alike: {a.display_name!r} / {b.display_name!r} ({dn:.0%})")
        parts.append(0.35 * dn)
    cross = max(name_similarity(a.username, b.display_name), name_similarity(a.display_name, b.username))
    if cross >= 0.85 and us < 0.75:
        reasons.append(f"one's username is the other's display name ({cross:.0%} alike)")
        parts.append(0.3 * cross)
    shared_links = sorted(a.links & b.links)
    if shared_links:
        reasons.append("same link in both profiles: " + ", ".join(shared_links[:3]))
        parts.append(0.7)
    shared_domains = sorted((a.domains & b.domains) - COMMON_DOMAINS - {resolve_domain(u) for u in shared_links})
    if shared_domains:
        reasons.append("links to the same site: " + ", ".join(shared_domains[:3]))
        parts.append(0.35)
    if a.phash and b.phash:
        d = _hamming(a.phash, b.phash)
        if d is not None and d <= PHASH_MAX_DISTANCE:
            reasons.append(f"profile pictures alike (perceptual hash distance {d})")
            parts.append(0.8 * (1 - d / (PHASH_MAX_DISTANCE + 4)))
    score = 1.0
    for p in parts:
        score *= 1 - min(max(p, 0.0), 0.99)
    return 1 - score, reasons


def resolve_domain(url: str) -> str:
    try:
        return resolve(url).domain
    except BadInput:
        return ""


def _cards(incident: Incident) -> list[AccountCard]:
    with incident.read() as conn:
        rows = conn.exec_driver_sql(
            "SELECT id, platform, username, display_name, bio, links_json, profile_image_url FROM account"
        ).all()
        phashes: dict[str, str] = {
            str(r[0]): str(r[1])
            for r in conn.exec_driver_sql(
                "SELECT s.url, p.phash FROM media_source s JOIN media_pixels p ON p.media_id = s.media_id "
                "WHERE s.url IS NOT NULL AND p.phash IS NOT NULL"
            )
        }
    cards = []
    for aid, platform, username, display, bio, links_json, picture in rows:
        raw: list[str] = []
        try:
            items = json.loads(links_json or "[]")
        except json.JSONDecodeError:
            items = []
        for item in items if isinstance(items, list) else []:
            url = item.get("url") or item.get("expanded_url") if isinstance(item, dict) else item
            if isinstance(url, str):
                raw.append(url)
        raw.extend(urls_in_text(bio or ""))
        links: set[str] = set()
        domains: set[str] = set()
        for u in raw:
            try:
                r = resolve(u)
            except BadInput:
                continue
            links.add(r.url)
            domains.add(r.domain)
        cards.append(
            AccountCard(
                int(aid),
                str(platform),
                str(username or ""),
                str(display or ""),
                frozenset(links),
                frozenset(domains),
                phashes.get(str(picture)) if picture else None,
            )
        )
    return cards


def _trigrams(text: str) -> set[str]:
    n = normalise_name(text)
    return {n[i : i + 3] for i in range(len(n) - 2)}


def _candidate_pairs(cards: list[AccountCard]) -> set[tuple[int, int]]:
    buckets: dict[str, list[int]] = {}
    for i, c in enumerate(cards):
        keys = {f"u:{t}" for t in _trigrams(c.username) | _trigrams(c.display_name)}
        keys |= {f"l:{u}" for u in c.links} | {f"d:{d}" for d in c.domains - COMMON_DOMAINS}
        for k in keys:
            buckets.setdefault(k, []).append(i)
    pairs: set[tuple[int, int]] = set()
    for members in buckets.values():
        if 1 < len(members) <= MAX_BUCKET:
            pairs.update(combinations(members, 2))
    with_phash = [i for i, c in enumerate(cards) if c.phash]
    if len(with_phash) <= 2000:
        pairs.update(combinations(with_phash, 2))
    return pairs


def decisions(incident: Incident) -> dict[tuple[int, int], str]:
    with incident.read() as conn:
        return {
            (int(r[0]), int(r[1])): str(r[2])
            for r in conn.exec_driver_sql("SELECT account_a, account_b, status FROM alias_link")
        }


def alias_candidates(
    incident: Incident, *, min_score: float = MIN_SCORE, same_platform: bool = False
) -> list[AliasCandidate]:
    """Pairs of accounts that may be one actor, best first, with the analyst's decision where there is one."""
    cards = _cards(incident)
    decided = decisions(incident)
    out: list[AliasCandidate] = []
    for i, j in _candidate_pairs(cards):
        a, b = sorted((cards[i], cards[j]), key=lambda c: c.id)
        if a.platform == b.platform and not same_platform:
            continue
        score, reasons = score_pair(a, b)
        status = decided.get((a.id, b.id), "candidate")
        if score >= min_score or status != "candidate":
            out.append(AliasCandidate(a.id, b.id, a.label, b.label, score, tuple(reasons), status))
    return sorted(out, key=lambda c: (-c.score, c.account_a, c.account_b))


def decide_alias(
    incident: Incident, account_a: int, account_b: int, decision: Decision | None, *, note: str = ""
) -> Changes:
    """Confirm or reject that two accounts are one actor (None withdraws the decision). Audited; the score and
    reasons seen at the time are kept with it."""
    if account_a == account_b:
        raise BadInput("An account is not an alias of itself.")
    if decision not in ("confirmed", "rejected", None):
        raise BadInput(f"A decision is confirmed or rejected, not {decision!r}.")
    a_id, b_id = sorted((account_a, account_b))
    cards = {c.id: c for c in _cards(incident)}
    if a_id not in cards or b_id not in cards:
        missing = a_id if a_id not in cards else b_id
        raise NotFound(f"There is no account {missing} in {incident.path.name}.")
    score, reasons = score_pair(cards[a_id], cards[b_id])
    with incident.write() as conn:
        before = conn.exec_driver_sql(
            "SELECT status FROM alias_link WHERE account_a = ? AND account_b = ?", (a_id, b_id)
        ).first()
        old = None if before is None else str(before[0])
        if old == decision:
            return Changes()
        if decision is None:
            conn.exec_driver_sql("DELETE FROM alias_link WHERE account_a = ? AND account_b = ?", (a_id, b_id))
        else:
            conn.exec_driver_sql(
                "INSERT INTO alias_link (account_a, account_b, status, score, reasons_json, note, decided_utc, "
                "decided_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (account_a, account_b) DO UPDATE SET "
                "status = excluded.status, score = excluded.score, reasons_json = excluded.reasons_json, "
                "note = excluded.note, decided_utc = excluded.decided_utc, decided_by = excluded.decided_by",
                (
                    a_id,
                    b_id,
                    decision,
                    score,
                    json.dumps(reasons, ensure_ascii=False),
                    note,
                    utc_now(),
                    incident.analyst,
                ),
            )
        incident.record(
            conn,
            "context.alias_decide",
            "account",
            f"{a_id},{b_id}",
            {"before": old, "after": decision, "score": round(score, 3), "reasons": reasons, "method": METHOD,
             "note": note},
        )  # fmt: skip
    return Changes.of("aliases", a_id, b_id)


def alias_groups(incident: Incident) -> list[frozenset[int]]:
    """Accounts joined by confirmed alias links (transitively), each group of two or more, smallest id first."""
    parent: dict[int, int] = {}

    def find(x: int) -> int:
        while parent.setdefault(x, x) != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for (a, b), status in decisions(incident).items():
        if status == "confirmed":
            ra, rb = find(a), find(b)
            if ra != rb:
                parent[max(ra, rb)] = min(ra, rb)
    groups: dict[int, set[int]] = {}
    for x in list(parent):
        groups.setdefault(find(x), set()).add(x)
    return sorted((frozenset(g) for g in groups.values() if len(g) > 1), key=min)


def merged_account(incident: Incident) -> dict[int, int]:
    """account id -> the id that stands for its alias group (the smallest); accounts in no group are absent."""
    return {member: min(group) for group in alias_groups(incident) for member in group}
