"""Compare panel: a reference image of the incident beside or over a photo (side by side, swipe), and landmarks
linked between the two as point annotations.

The window adds it through `make_panel(ctx, parent)`.
"""

from __future__ import annotations

from typing import Any

from workbench.gui.panels.compare.panel import CompareView

TITLE = "Compare"
AREA = "right"


def make_panel(ctx: Any, parent: Any = None) -> CompareView:
    return CompareView(ctx, parent)


__all__ = ["AREA", "TITLE", "CompareView", "make_panel"]
