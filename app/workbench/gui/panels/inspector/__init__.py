"""The media inspector panel."""

from workbench.gui.panels.inspector.panel import InspectorPanel

__all__ = ["InspectorPanel"]
