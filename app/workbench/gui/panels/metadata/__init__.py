"""The metadata panel."""

from workbench.gui.panels.metadata.panel import MetadataPanel

__all__ = ["MetadataPanel"]
