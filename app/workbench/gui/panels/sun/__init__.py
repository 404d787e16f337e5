"""Sun panel: elevation through the day, measured band, matching windows; the shadow tool; the live band."""

from workbench.gui.panels.sun.area import SunArea
from workbench.gui.panels.sun.panel import SunPanel
from workbench.gui.panels.sun.shadow_tool import ShadowTool
from workbench.gui.panels.sun.where_view import WhereView

__all__ = ["ShadowTool", "SunArea", "SunPanel", "WhereView"]
