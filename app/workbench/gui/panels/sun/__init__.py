"""Sun panel: elevation through the day, measured band, matching windows; the shadow tool."""

from workbench.gui.panels.sun.panel import SunPanel

__all__ = ["SunPanel"]
