"""Import 100,000 posts generated in the twarc2 format: time and peak memory, beside the targets (30 s, 500 MB).

Run: .venv/bin/python bench/bench_posts_import.py [--posts N]
The import runs in a child process so that its peak memory (ru_maxrss) is measured alone.
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

TARGET_S = 30.0
TARGET_MB = 500.0

WORDS = "bridge explosion video city smoke army river night morning road people fire siren police news".split()  # noqa: SIM905


def generate(path: Path, n_posts: int, per_page: int = 100, n_users: int = 5000) -> None:
    rng = random.Random(1)
    start = datetime(2024, 3, 1, tzinfo=UTC)
    users = [
        {
            "id": str(10_000 + u),
            "username": f"user{u}",
            "name": f"User {u}",
            "created_at": (start - timedelta(days=rng.randint(1, 4000))).isoformat().replace("+00:00", "Z"),
            "description": "bio " + " ".join(rng.choices(WORDS, k=6)),
            "public_metrics": {
                "followers_count": rng.randint(0, 10**5),
                "following_count": rng.randint(0, 5000),
                "tweet_count": rng.randint(0, 10**5),
                "listed_count": 0,
            },
            "verified": False,
        }
        for u in range(n_users)
    ]
    with path.open("w", encoding="utf-8") as fh:
        tid = 1_700_000_000_000_000_000
        for page_start in range(0, n_posts, per_page):
            data = []
            authors = {}
            for _ in range(min(per_page, n_posts - page_start)):
                tid += rng.randint(1, 10**6)
                u = users[rng.randrange(n_users)]
                authors[u["id"]] = u
                when = start + timedelta(seconds=rng.randint(0, 7 * 86400))
                text = " ".join(rng.choices(WORDS, k=rng.randint(5, 30))) + f" #tag{rng.randint(0, 50)}"
                data.append(
                    {
                        "id": str(tid),
                        "author_id": u["id"],
                        "created_at": when.isoformat().replace("+00:00", ".000Z"),
                        "text": text,
                        "lang": "en",
                        "source": "Twitter for Android",
                        "conversation_id": str(tid),
                        "edit_history_tweet_ids": [str(tid)],
                        "entities": {"hashtags": [{"start": 0, "end": 5, "tag": text.rsplit("#", 1)[1]}]},
                        "public_metrics": {
                            "retweet_count": rng.randint(0, 100),
                            "reply_count": rng.randint(0, 10),
                            "like_count": rng.randint(0, 1000),
                            "quote_count": 0,
                        },
                    }
                )
            page = {
                "data": data,
                "includes": {"users": list(authors.values())},
                "__twarc": {"url": "https://api.twitter.com/2/tweets/search/all", "version": "2.14.0"},
            }
            fh.write(json.dumps(page) + "\n")


def child(export: str, case: str) -> None:
    from workbench.core.incident import Incident
    from workbench.core.posts.store import import_export

    with Incident.create(case, title="bench") as inc:
        t0 = time.perf_counter()
        report = import_export(inc, Path(export))
        elapsed = time.perf_counter() - t0
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"seconds": elapsed, "peak_mb": peak_mb, "posts": report.posts, "accounts": report.accounts}))


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--posts", type=int, default=100_000)
    parser.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(*args.child)
        return 0
    with tempfile.TemporaryDirectory() as tmp:
        export = Path(tmp) / "tweets.jsonl"
        t0 = time.perf_counter()
        generate(export, args.posts)
        size_mb = export.stat().st_size / 1e6
        print(f"generated {args.posts:,} posts in twarc2 pages: {size_mb:.0f} MB in {time.perf_counter() - t0:.1f} s")
        out = subprocess.run(
            [sys.executable, __file__, "--child", str(export), str(Path(tmp) / "b.incident")],
            check=True,
            capture_output=True,
            text=True,
        )
        result = json.loads(out.stdout.strip().splitlines()[-1])
    ok_t = result["seconds"] < TARGET_S
    ok_m = result["peak_mb"] < TARGET_MB
    print(f"import {result['posts']:,} posts, {result['accounts']:,} accounts")
    print(f"  time        {result['seconds']:7.1f} s    target < {TARGET_S:.0f} s     {'ok' if ok_t else 'MISSED'}")
    print(f"  peak memory {result['peak_mb']:7.0f} MB   target < {TARGET_MB:.0f} MB   {'ok' if ok_m else 'MISSED'}")
    return 0 if ok_t and ok_m else 1


if __name__ == "__main__":
    raise SystemExit(main())
