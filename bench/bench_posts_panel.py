"""The posts table with 100,000 posts: reading them, showing them, sorting and filtering (no target in the issue;
figures for the record). Run: QT_QPA_PLATFORM=offscreen .venv/bin/python bench/bench_posts_panel.py
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from bench_posts_import import generate


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--posts", type=int, default=100_000)
    args = parser.parse_args()
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QApplication

    from workbench.core.incident import Incident
    from workbench.core.posts import queries
    from workbench.core.posts.store import import_export
    from workbench.gui.panels.posts import PostsPanel

    app = QApplication.instance() or QApplication([])
    with tempfile.TemporaryDirectory() as tmp:
        export = Path(tmp) / "t.jsonl"
        generate(export, args.posts)
        with Incident.create(Path(tmp) / "b.incident", title="bench") as inc:
            import_export(inc, export)
            panel = PostsPanel()
            panel.resize(1400, 800)
            panel.show()
            t = time.perf_counter()
            posts = queries.posts(inc)
            read = time.perf_counter() - t
            t = time.perf_counter()
            panel._incident = inc
            panel.set_posts(posts)
            panel.grab()
            shown = time.perf_counter() - t
            t = time.perf_counter()
            panel.model.sort(5, Qt.SortOrder.DescendingOrder)
            panel.grab()
            sort = time.perf_counter() - t
            t = time.perf_counter()
            panel.filter_edit.setText("smoke fire")
            panel.grab()
            filtered = time.perf_counter() - t
            t = time.perf_counter()
            panel.table.selectRow(0)
            app.processEvents()
            select = time.perf_counter() - t
            panel.set_incident(None)
            panel.close()
            panel.deleteLater()
            app.processEvents()
    print(f"posts table with {args.posts:,} posts (load average {os.getloadavg()[0]:.1f})")
    for name, value in (
        ("read (queries.posts)", read),
        ("show", shown),
        ("sort by likes", sort),
        ("filter", filtered),
        ("select (card, thread)", select),
    ):
        print(f"  {name:<24}{value * 1000:8.0f} ms")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
