"""The timeline panel (pyqtgraph) and the views beside it: consistency checks, provenance, coordination signals.

The main window adds both through `make_panel(ctx, parent)` (wired to the context: see `posts/embed.py`).
"""

from __future__ import annotations

from typing import Any

from workbench.gui.panels.timeline.analysis import AnalysisTabs, ChecksView, ProvenanceView, SignalsView
from workbench.gui.panels.timeline.panel import TimelinePanel

TITLE = "Timeline"
AREA = "bottom"


def make_panel(ctx: Any, parent: Any = None) -> Any:
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QSplitter

    from workbench.gui.panels.posts.embed import wire

    splitter = QSplitter(Qt.Orientation.Horizontal, parent)
    splitter.timeline = TimelinePanel()  # type: ignore[attr-defined]
    splitter.analysis = AnalysisTabs()  # type: ignore[attr-defined]
    splitter.addWidget(splitter.timeline)  # type: ignore[attr-defined]
    splitter.addWidget(splitter.analysis)  # type: ignore[attr-defined]
    splitter.setStretchFactor(0, 3)
    splitter.setStretchFactor(1, 1)

    def background(compute: Any, deliver: Any) -> None:
        ctx.workers.run(lambda progress: compute(), description="Checking the timeline", visible=False,
                        on_result=deliver)  # fmt: skip

    splitter.analysis.set_background(background)  # type: ignore[attr-defined]
    splitter.timeline.background = background  # type: ignore[attr-defined]
    wire(ctx, splitter.timeline, splitter.analysis)  # type: ignore[attr-defined]
    return splitter


__all__ = [
    "AREA",
    "TITLE",
    "AnalysisTabs",
    "ChecksView",
    "ProvenanceView",
    "SignalsView",
    "TimelinePanel",
    "make_panel",
]
