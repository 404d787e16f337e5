"""Sun panel: elevation through the day, measured band, matching windows; the shadow tool; the live band.

The window adds it through `make_panel(ctx, parent)` (`embed.SunDock`).
"""

from __future__ import annotations

from typing import Any

from workbench.gui.panels.sun.area import SunArea
from workbench.gui.panels.sun.panel import SunPanel
from workbench.gui.panels.sun.shadow_tool import ShadowTool
from workbench.gui.panels.sun.where_view import WhereView

TITLE = "Sun and shadows"
AREA = "bottom"


def make_panel(ctx: Any, parent: Any = None) -> Any:
    from workbench.gui.panels.sun.embed import SunDock

    return SunDock(ctx, parent)


__all__ = ["AREA", "TITLE", "ShadowTool", "SunArea", "SunPanel", "WhereView", "make_panel"]
