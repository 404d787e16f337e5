"""Near-duplicate search among 10,000 images' perceptual hashes (target: under 1 s), numpy XOR + popcount.

Run: .venv/bin/python bench/bench_timeline_phash.py
"""

from __future__ import annotations

import time

import numpy as np

from workbench.core.timeline.provenance import groups, near_pairs, nearest

TARGET_S = 1.0


def main() -> int:
    rng = np.random.default_rng(3)
    n = 10_000
    hashes = rng.integers(0, 2**63, n, dtype=np.int64).astype(np.uint64) | (
        rng.integers(0, 2, n, dtype=np.int64).astype(np.uint64) << np.uint64(63)
    )
    # 500 copies with 1-8 bits flipped: resized/recompressed versions of existing pictures
    for k in range(500):
        h = int(hashes[k])
        for bit in rng.choice(64, size=int(rng.integers(1, 9)), replace=False):
            h ^= 1 << int(bit)
        hashes[n - 1 - k] = np.uint64(h)
    t0 = time.perf_counter()
    pairs = near_pairs(hashes, threshold=10)
    found = groups(n, pairs)
    all_pairs = time.perf_counter() - t0
    t0 = time.perf_counter()
    for q in hashes[:100]:
        nearest(hashes, int(q), 10)
    one = (time.perf_counter() - t0) / 100
    planted = sum(1 for i, j, _ in pairs if i < 500 and j == n - 1 - i)
    print(
        f"{n:,} hashes, threshold 10 bits: {len(pairs)} near pairs, {len(found)} groups; {planted}/500 planted copies"
    )
    ok = all_pairs < TARGET_S
    print(
        f"  all pairs (50 M comparisons) {all_pairs * 1000:7.0f} ms   target < {TARGET_S * 1000:.0f} ms   "
        f"{'ok' if ok else 'MISSED'}"
    )
    print(f"  one query against all        {one * 1000:7.2f} ms")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
