"""The timeline panel (pyqtgraph) and the views beside it: consistency checks, provenance, coordination signals."""

from workbench.gui.panels.timeline.analysis import AnalysisTabs, ChecksView, ProvenanceView, SignalsView
from workbench.gui.panels.timeline.panel import TimelinePanel

__all__ = ["AnalysisTabs", "ChecksView", "ProvenanceView", "SignalsView", "TimelinePanel"]
