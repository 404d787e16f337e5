"""Crash safety: SIGKILL at random moments during ingest, import and annotation, 50 times.

After each kill the incident opens for writing (no stale lock, no unusable journal), `verify` passes, and every
change the worker reported as committed before the kill is there.
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

from workbench.core.annotations import list_annotations
from workbench.core.incident import Incident
from workbench.core.posts.queries import find_post
from workbench.core.verify import verify_incident

KILLS = int(os.environ.get("WORKBENCH_KILLS", "50"))


def test_sigkill_fifty_times_loses_nothing_committed(tmp_path: Path) -> None:
    path = tmp_path / "churn.incident"
    Incident.create(path, title="crash safety").close()
    rng = random.Random(2026)
    media: set[str] = set()
    posts: set[int] = set()
    labels: dict[int, str] = {}
    mid_write = 0
    for attempt in range(KILLS):
        proc = subprocess.Popen(
            [sys.executable, str(Path(__file__).with_name("churn.py")), str(path), str(attempt + 1)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        assert proc.stdout is not None
        assert proc.stdout.readline().strip() == "ready", proc.stderr.read() if proc.stderr else ""
        time.sleep(rng.uniform(0.05, 0.6))
        proc.send_signal(signal.SIGKILL)
        out, err = proc.communicate(timeout=30)
        assert "Traceback" not in err, err
        in_flight: int | None = None  # an annotation changed or deleted just before the kill, maybe committed
        for line in out.splitlines():
            kind, _, rest = line.partition(" ")
            if kind == "intent":
                in_flight = int(rest)
                continue
            if kind in ("annotation", "deleted"):
                in_flight = None
            if kind == "media":
                media.add(rest)
            elif kind == "post":
                first, last = map(int, rest.split())
                posts.update(range(first, last + 1))
            elif kind == "annotation":
                ident, _, label = rest.partition(" ")
                labels[int(ident)] = label
            elif kind == "deleted":
                labels.pop(int(rest), None)
        if path.with_name(path.name + "-journal").exists():
            mid_write += 1
        report = verify_incident(path)
        assert report.intact, (attempt, report.problems)
        with Incident.open(path) as inc:
            have = {m.sha256 for m in inc.media_items()}
            assert media <= have, f"kill {attempt}: committed media missing"
            for pid in rng.sample(sorted(posts), min(20, len(posts))):
                assert find_post(inc, "twitter", str(pid)) is not None, f"kill {attempt}: post {pid} missing"
            present = {a.id: a.label for a in list_annotations(inc)}
            if in_flight is not None:  # either outcome is a whole commit: take what the file says
                if in_flight in present:
                    labels[in_flight] = present[in_flight]
                else:
                    labels.pop(in_flight, None)
            for ident, label in labels.items():
                assert present.get(ident) == label, f"kill {attempt}: annotation {ident} is not {label!r}"
    print(
        f"\n{KILLS} kills; {mid_write} landed while a transaction was open; {len(media)} media, "
        f"{len(posts)} posts, {len(labels)} annotations checked after each"
    )
    assert mid_write > 0, "no kill landed inside a write: the test did not test what it says"
