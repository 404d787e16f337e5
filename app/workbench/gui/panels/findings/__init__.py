"""Findings panel: the verdict on the claim with its rationale, the findings with their evidence, the checklist.

The window adds it through `make_panel(ctx, parent)`. Every change is an undoable, audited core command
(`workbench.core.findings`), pushed on the window's undo stack.
"""

from __future__ import annotations

from typing import Any

TITLE = "Findings and verdict"
AREA = "right"


def make_panel(ctx: Any, parent: Any = None) -> Any:
    from workbench.gui.panels.findings.panel import FindingsPanel

    return FindingsPanel(ctx, parent)


__all__ = ["AREA", "TITLE", "make_panel"]
