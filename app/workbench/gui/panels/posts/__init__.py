"""The posts panel: table with filter and sort, the reconstructed thread, the account card; import dialogs.

The main window adds it through `make_panel(ctx, parent)` (wired to the context: see `embed.py`).
"""

from __future__ import annotations

from typing import Any

from workbench.gui.panels.posts.dialogs import ColumnMappingDialog, ManualPostDialog
from workbench.gui.panels.posts.panel import PostsPanel, PostsTableModel

TITLE = "Posts"
AREA = "bottom"


def make_panel(ctx: Any, parent: Any = None) -> Any:
    from workbench.gui.panels.posts.embed import PostsDock

    return PostsDock(ctx, parent)


__all__ = ["AREA", "TITLE", "ColumnMappingDialog", "ManualPostDialog", "PostsPanel", "PostsTableModel", "make_panel"]
