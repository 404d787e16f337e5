"""Timeline of 100,000 posts: first picture (target under 1 s) and pan/zoom redraw (target under 50 ms), offscreen.

Run: QT_QPA_PLATFORM=offscreen .venv/bin/python bench/bench_timeline_panel.py [--posts N]
The incident is built first (twarc2 import, not timed here: see bench_posts_import.py).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from bench_posts_import import generate

FIRST_TARGET_S = 1.0
REDRAW_TARGET_MS = 50.0


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--posts", type=int, default=100_000)
    args = parser.parse_args()
    from PySide6.QtWidgets import QApplication

    from workbench.core.incident import Incident
    from workbench.core.posts.store import import_export
    from workbench.gui.panels.timeline import TimelinePanel

    app = QApplication.instance() or QApplication([])
    with tempfile.TemporaryDirectory() as tmp:
        export = Path(tmp) / "t.jsonl"
        generate(export, args.posts)
        with Incident.create(Path(tmp) / "b.incident", title="bench") as inc:
            import_export(inc, export)
            t0 = time.perf_counter()
            panel = TimelinePanel()
            panel.resize(1400, 800)
            panel.show()
            panel.set_incident(inc)
            panel.plot.grab()  # renders everything once
            app.processEvents()
            first = time.perf_counter() - t0
            from workbench.core.timeline.events import build_events, post_points

            t = time.perf_counter()
            post_points(inc)
            build_events(inc, include_posts=False)
            data_s = time.perf_counter() - t
            vb = panel.plot.getViewBox()
            (x0, x1), (y0, y1) = vb.viewRange()
            timings = []
            for k in range(20):
                span = (x1 - x0) / (1 + k % 5)
                start = x0 + (x1 - x0 - span) * (k / 20)
                t = time.perf_counter()
                vb.setRange(xRange=(start, start + span), yRange=(y0 + k, y1 - k), padding=0)
                panel.plot.grab()
                timings.append((time.perf_counter() - t) * 1000)
            panel.set_incident(None)
            panel.close()
            panel.deleteLater()
            app.processEvents()
    redraw = statistics.median(timings)
    worst = max(timings)
    ok1, ok2 = first < FIRST_TARGET_S, redraw < REDRAW_TARGET_MS
    print(f"timeline of {args.posts:,} posts (load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores)")
    verdict = "ok" if ok1 else "MISSED"
    print(f"  first picture      {first * 1000:7.0f} ms   target < {FIRST_TARGET_S * 1000:.0f} ms  {verdict}")
    print(f"  pan/zoom redraw    {redraw:7.1f} ms   target < {REDRAW_TARGET_MS:.0f} ms   {'ok' if ok2 else 'MISSED'}"
          f"   (median of 20; worst {worst:.1f} ms)")  # fmt: skip
    print(f"    of which reading the incident (post_points + events) {data_s * 1000:.0f} ms")
    return 0 if ok1 and ok2 else 1


if __name__ == "__main__":
    raise SystemExit(main())
