"""The annotations panel."""

from workbench.gui.panels.annotations.panel import AnnotationPanel

__all__ = ["AnnotationPanel"]
