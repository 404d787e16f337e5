"""The posts panel: table with filter and sort, the reconstructed thread, the account card."""

from workbench.gui.panels.posts.panel import PostsPanel, PostsTableModel

__all__ = ["PostsPanel", "PostsTableModel"]
