"""Killing the process in the middle of an import: the file opens, verifies, and holds every committed item."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
from pathlib import Path

from tests.helpers import make_jpeg

from workbench.core.incident import Incident
from workbench.core.verify import verify_incident


def test_sigkill_during_import_loses_nothing_committed(tmp_path: Path) -> None:
    folder = tmp_path / "evidence"
    folder.mkdir()
    for i in range(200):
        (folder / f"{i:03d}.jpg").write_bytes(make_jpeg(400, 300, seed=i) + os.urandom(1_000_000))
    rng = random.Random(7)
    seen_partial = False
    for attempt in range(4):
        path = tmp_path / f"case{attempt}.incident"
        Incident.create(path, title="crash").close()
        proc = subprocess.Popen(
            [sys.executable, "-m", "workbench", "add", str(path), str(folder), "--no-pixels"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        # Kill when the import reports a random file between 80 and 190 of 200: past the first committed batch
        # (~64 MB), before the end. Progress lines, not timings, so a faster or slower machine changes nothing.
        kill_at = rng.randint(80, 190)
        assert proc.stderr is not None
        for line in proc.stderr:
            if line.startswith(f"[{kill_at}/"):
                break
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
        report = verify_incident(path)
        assert report.intact, report.problems
        with Incident.open(path) as inc:  # opens for writing: no stale lock, no hot journal left unusable
            items = inc.media_items()
            added = [e for e in inc.audit_log() if e.action == "media.add"]
            assert len(items) == len(added)
            for item in items:  # every item is whole: its bytes are exactly the original file's
                assert inc.media_bytes(item.id) == (folder / item.filename).read_bytes()
        if 0 < len(items) < 200:
            seen_partial = True
    assert seen_partial, "no kill landed in the middle of an import; adjust the timings"
