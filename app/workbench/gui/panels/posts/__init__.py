"""The posts panel: table with filter and sort, the reconstructed thread, the account card; import dialogs."""

from workbench.gui.panels.posts.dialogs import ColumnMappingDialog, ManualPostDialog
from workbench.gui.panels.posts.panel import PostsPanel, PostsTableModel

__all__ = ["ColumnMappingDialog", "ManualPostDialog", "PostsPanel", "PostsTableModel"]
