"""The timeline panel: every dated thing on one clock (pyqtgraph)."""

from workbench.gui.panels.timeline.panel import TimelinePanel

__all__ = ["TimelinePanel"]
