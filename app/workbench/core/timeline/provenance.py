"""Where an image has appeared: near-duplicates by perceptual hash, the posts that carried each copy, first seen.

A perceptual hash (64 bits, 16 hex digits) survives resizing, recompression and a little cropping; two images whose
hashes differ in at most `threshold` bits (10 by default) are treated as the same picture. That is an indicator:
very simple images (a flat sky, a logo) can collide, and heavy crops or mirroring break the match.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import numpy as np
import numpy.typing as npt

from workbench.core.incident import Incident
from workbench.core.posts.queries import bounds_of

DEFAULT_THRESHOLD = 10


def hashes_to_array(hashes: Sequence[str]) -> npt.NDArray[np.uint64]:
    return np.array([int(h, 16) for h in hashes], dtype=np.uint64)


def near_pairs(
    hashes: npt.NDArray[np.uint64], threshold: int = DEFAULT_THRESHOLD, block: int = 1024
) -> list[tuple[int, int, int]]:
    """Every pair (i, j, distance) with i < j and Hamming distance <= threshold; numpy XOR + popcount in blocks.

    10,000 hashes (50 million pairs) take well under a second.
    """
    n = len(hashes)
    out: list[tuple[int, int, int]] = []
    for s in range(0, n, block):
        rows = hashes[s : s + block]
        cols = hashes[s:]
        dist = np.bitwise_count(rows[:, None] ^ cols[None, :])
        ii, jj = np.nonzero(dist <= threshold)
        keep = jj > ii  # cols start at s: the diagonal block has j-offset == i
        for i, j in zip(ii[keep].tolist(), jj[keep].tolist(), strict=True):
            out.append((s + i, s + j, int(dist[i, j])))
    return out


def nearest(hashes: npt.NDArray[np.uint64], query: int, threshold: int = DEFAULT_THRESHOLD) -> list[tuple[int, int]]:
    """(index, distance) of every hash within `threshold` of one query hash, nearest first."""
    dist = np.bitwise_count(hashes ^ np.uint64(query))
    idx = np.nonzero(dist <= threshold)[0]
    order = np.argsort(dist[idx], kind="stable")
    return [(int(idx[k]), int(dist[idx[k]])) for k in order]


def groups(n: int, pairs: list[tuple[int, int, int]]) -> list[list[int]]:
    """Connected groups (union-find) of indices joined by pairs; singletons left out."""
    parent = list(range(n))

    def find(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for i, j, _ in pairs:
        ri, rj = find(i), find(j)
        if ri != rj:
            parent[max(ri, rj)] = min(ri, rj)
    members: dict[int, list[int]] = {}
    for i in range(n):
        members.setdefault(find(i), []).append(i)
    return [m for m in members.values() if len(m) > 1]


@dataclass(frozen=True)
class Appearance:
    media_id: int
    post_id: int | None  # None: the file is in the incident but no imported post carried it
    at: datetime | None
    distance: int  # Hamming distance to the group's first-seen copy
    first_seen: bool = False


@dataclass(frozen=True)
class ImageGroup:
    """One picture and its copies across posts: the earliest appearance is marked first seen."""

    media_ids: tuple[int, ...]
    appearances: tuple[Appearance, ...]
    first_seen: Appearance | None
    spread_seconds: float | None  # from the first to the last dated appearance

    def to_json(self) -> dict[str, Any]:
        return {
            "media_ids": list(self.media_ids),
            "appearances": [
                {
                    "media_id": a.media_id,
                    "post_id": a.post_id,
                    "at": a.at.isoformat() if a.at else None,
                    "distance": a.distance,
                    "first_seen": a.first_seen,
                }
                for a in self.appearances
            ],
            "spread_seconds": self.spread_seconds,
            "note": "a perceptual-hash match is an indicator that two files show the same picture, not proof",
        }


def image_groups(incident: Incident, *, threshold: int = DEFAULT_THRESHOLD) -> list[ImageGroup]:
    """Groups of near-identical images in the incident, each with the posts that carried them in time order.

    A single image carried by more than one post forms a group too.
    """
    items = [m for m in incident.media_items() if m.phash]
    with incident.read() as conn:
        carried = conn.exec_driver_sql(
            "SELECT pm.media_id, p.id, p.created_utc, p.created_original, p.created_offset FROM post_media pm "
            "JOIN post p ON p.id = pm.post_id WHERE pm.media_id IS NOT NULL"
        ).all()
    posts_of: dict[int, list[tuple[int | None, datetime | None]]] = {}
    for media_id, post_id, created, original, offset in carried:
        b = bounds_of(created, original, offset)
        posts_of.setdefault(int(media_id), []).append((int(post_id), b[1] if b else None))
    hashes = hashes_to_array([m.phash or "0" for m in items])
    pairs = near_pairs(hashes, threshold)
    index_groups = groups(len(items), pairs)
    grouped = {i for g in index_groups for i in g}
    index_groups += [[i] for i in range(len(items)) if i not in grouped and len(posts_of.get(items[i].id, [])) > 1]
    out: list[ImageGroup] = []
    for g in index_groups:
        apps: list[Appearance] = []
        for i in g:
            carriers = posts_of.get(items[i].id) or [(None, None)]
            apps.extend(Appearance(items[i].id, pid, at, 0) for pid, at in carriers)
        dated = sorted((a for a in apps if a.at is not None), key=lambda a: (a.at, a.post_id or 0))
        first = dated[0] if dated else None
        first_hash = int(items[next(i for i in g if items[i].id == first.media_id)].phash or "0", 16) if first else None
        final: list[Appearance] = []
        for a in sorted(apps, key=lambda a: (a.at is None, a.at or datetime.max, a.post_id or 0)):
            h = int(next(items[i].phash or "0" for i in g if items[i].id == a.media_id), 16)
            dist = int(bin(h ^ first_hash).count("1")) if first_hash is not None else 0
            final.append(Appearance(a.media_id, a.post_id, a.at, dist, first is not None and a == first))
        first_final = next((a for a in final if a.first_seen), None)
        spread = (dated[-1].at - dated[0].at).total_seconds() if len(dated) > 1 else None  # type: ignore[operator]
        out.append(ImageGroup(tuple(items[i].id for i in g), tuple(final), first_final, spread))
    out.sort(key=lambda grp: (-len(grp.appearances), grp.media_ids))
    return out
