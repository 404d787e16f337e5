"""The evidence browser panel."""

from workbench.gui.panels.evidence.browser import EvidenceBrowser

__all__ = ["EvidenceBrowser"]
