"""The posts panel: every imported post in a sortable, filterable table; for the selected post its text and raw
record, the reconstructed thread, and the author's account card.

Self-contained: give it an `Incident` with `set_incident()`, call `refresh(changes)` after edits. It emits
`selectionChanged(tuple[int, ...])` with the selected post ids and `mediaSelected(tuple[int, ...])` with the media
items those posts carried; `select_posts(ids)` selects from outside (shared selection). Every text from an export
is shown as plain text: nothing from a post is ever rendered as HTML.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QItemSelection,
    QItemSelectionModel,
    QModelIndex,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
    Signal,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFormLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QSplitter,
    QTableView,
    QTabWidget,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from workbench.core.incident import Incident
from workbench.core.posts import queries
from workbench.core.posts.queries import Post
from workbench.core.store.records import Changes

_Index = QModelIndex | QPersistentModelIndex

COLUMNS = ("Time (UTC)", "Precision", "Platform", "Author", "Text", "Likes", "Shares", "Replies", "Media")
POST_ID_ROLE = Qt.ItemDataRole.UserRole + 1
SORT_ROLE = Qt.ItemDataRole.UserRole + 2


def _when(p: Post) -> str:
    if p.created_utc:
        return p.created_utc.replace("T", " ").replace("+00:00", "")
    if p.created_original:
        return f"{p.created_original} (local, zone unknown)"
    return ""


class PostsTableModel(QAbstractTableModel):
    """A thin model over plain `Post` records (tested without widgets)."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._posts: list[Post] = []

    def set_posts(self, posts: list[Post]) -> None:
        self.beginResetModel()
        self._posts = list(posts)
        self.endResetModel()

    def post_at(self, row: int) -> Post:
        return self._posts[row]

    def row_of(self, post_id: int) -> int | None:
        for i, p in enumerate(self._posts):
            if p.id == post_id:
                return i
        return None

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._posts)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return COLUMNS[section]
        return None

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        p = self._posts[index.row()]
        col = index.column()
        if role == POST_ID_ROLE:
            return p.id
        if role in (Qt.ItemDataRole.DisplayRole, SORT_ROLE, Qt.ItemDataRole.ToolTipRole):
            values: tuple[Any, ...] = (
                _when(p) if role != SORT_ROLE else (p.created_utc or (p.created_original or "").replace(" ", "T")),
                p.time_precision,
                p.platform,
                p.author,
                p.text if role == Qt.ItemDataRole.ToolTipRole else p.text.replace("\n", " ")[:300],
                p.likes,
                p.shares,
                p.replies,
                len(p.media_ids) or "",
            )
            value = values[col]
            if role == SORT_ROLE:
                return -1 if value is None or value == "" else value
            return "" if value is None else value
        if role == Qt.ItemDataRole.TextAlignmentRole and col >= 5:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None


class _Filter(QSortFilterProxyModel):
    def lessThan(self, left: _Index, right: _Index) -> bool:
        a, b = left.data(SORT_ROLE), right.data(SORT_ROLE)
        try:
            return bool(a < b)
        except TypeError:
            return str(a) < str(b)


def _plain_label(text: str = "") -> QLabel:
    label = QLabel(text)
    label.setTextFormat(Qt.TextFormat.PlainText)  # never interpret text from an export as rich text
    label.setWordWrap(True)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return label


class AccountCard(QWidget):
    """The author's card: age at the time of the post, audience, cadence, flags."""

    FIELDS = ("Account", "Name", "Created", "Age at first post", "Followers / following", "Posts here",
              "Cadence", "Bio", "Links", "Flags")  # fmt: skip

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        form = QFormLayout(self)
        self.labels: dict[str, QLabel] = {}
        for name in self.FIELDS:
            self.labels[name] = _plain_label()
            form.addRow(name, self.labels[name])

    def show_card(self, card: queries.AccountCard | None) -> None:
        if card is None:
            for label in self.labels.values():
                label.setText("")
            return
        a = card.account
        age = f"{card.age_days_at_first_post:.0f} days" if card.age_days_at_first_post is not None else "unknown"
        cadence = f"{card.posts_per_day:.1f} posts a day" if card.posts_per_day is not None else "—"
        peak = max(range(24), key=lambda h: card.hour_histogram[h]) if any(card.hour_histogram) else None
        if peak is not None:
            cadence += f"; most at {peak:02d}:00 UTC"
        values = {
            "Account": a.label,
            "Name": a.display_name or "",
            "Created": a.created_utc or "unknown",
            "Age at first post": age,
            "Followers / following": f"{_n(a.followers)} / {_n(a.following)}",
            "Posts here": str(card.posts_in_incident),
            "Cadence": cadence,
            "Bio": a.bio or "",
            "Links": "\n".join(a.links),
            "Flags": "\n".join(f"⚑ {f.message}" for f in card.flags) or "none",
        }
        for name, value in values.items():
            self.labels[name].setText(value)


def _n(value: int | None) -> str:
    return "?" if value is None else f"{value:,}"


class PostsPanel(QWidget):
    selectionChanged = Signal(object)  # tuple[int, ...] of post ids
    mediaSelected = Signal(object)  # tuple[int, ...] of media ids carried by the selected posts

    def __init__(self, incident: Incident | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._incident: Incident | None = None
        self.model = PostsTableModel(self)
        self.proxy = _Filter(self)
        self.proxy.setSourceModel(self.model)
        self.proxy.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.proxy.setFilterKeyColumn(-1)
        self.proxy.setSortRole(SORT_ROLE)

        self.filter_edit = QLineEdit(placeholderText="Filter posts (text, author, platform…)")
        self.filter_edit.setClearButtonEnabled(True)
        self.filter_edit.textChanged.connect(self.proxy.setFilterFixedString)
        self.count_label = _plain_label()

        self.table = QTableView()
        self.table.setModel(self.proxy)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(0, Qt.SortOrder.AscendingOrder)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setWordWrap(False)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setSectionResizeMode(4, QHeaderView.ResizeMode.Stretch)
        self.table.selectionModel().selectionChanged.connect(self._on_selection)

        self.text_view = QPlainTextEdit(readOnly=True)
        self.raw_view = QPlainTextEdit(readOnly=True)
        self.thread_view = QTreeWidget()
        self.thread_view.setHeaderLabels(["Thread", "Author", "Time (UTC)"])
        self.thread_view.itemActivated.connect(self._on_thread_item)
        self.card = AccountCard()
        self.tabs = QTabWidget()
        self.tabs.addTab(self.text_view, "Post")
        self.tabs.addTab(self.thread_view, "Thread")
        self.tabs.addTab(self.card, "Account")
        self.tabs.addTab(self.raw_view, "Raw record")

        top = QWidget()
        top_layout = QVBoxLayout(top)
        top_layout.setContentsMargins(0, 0, 0, 0)
        top_layout.addWidget(self.filter_edit)
        top_layout.addWidget(self.table)
        top_layout.addWidget(self.count_label)
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(top)
        splitter.addWidget(self.tabs)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(splitter)
        self.proxy.rowsInserted.connect(self._update_count)
        self.proxy.modelReset.connect(self._update_count)
        self.proxy.layoutChanged.connect(self._update_count)
        self.filter_edit.textChanged.connect(self._update_count)
        if incident is not None:
            self.set_incident(incident)

    # --- data ---------------------------------------------------------------------------------------------
    def set_incident(self, incident: Incident | None) -> None:
        self._incident = incident
        self.reload()

    def refresh(self, changes: Changes) -> None:
        if "posts" in changes or "media" in changes:
            self.reload()

    def reload(self) -> None:
        posts = queries.posts(self._incident) if self._incident is not None else []
        self.model.set_posts(posts)
        self._show(None)

    def _update_count(self, *_: Any) -> None:
        self.count_label.setText(f"{self.proxy.rowCount()} of {self.model.rowCount()} posts")

    # --- selection ----------------------------------------------------------------------------------------
    def selected_post_ids(self) -> tuple[int, ...]:
        rows = self.table.selectionModel().selectedRows()
        return tuple(int(self.proxy.mapToSource(i).data(POST_ID_ROLE)) for i in rows)

    def select_posts(self, post_ids: tuple[int, ...] | list[int]) -> None:
        """Select these posts (from another panel); emits nothing back, to avoid echo loops."""
        selection = QItemSelection()
        for pid in post_ids:
            row = self.model.row_of(int(pid))
            if row is None:
                continue
            proxy_index = self.proxy.mapFromSource(self.model.index(row, 0))
            if proxy_index.isValid():
                selection.select(proxy_index, proxy_index)
        sm = self.table.selectionModel()
        self.blockSignals(True)
        try:
            sm.select(
                selection,
                QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows,
            )
            if not selection.isEmpty():
                self.table.scrollTo(selection.indexes()[0])
        finally:
            self.blockSignals(False)

    def _on_selection(self, *_: Any) -> None:
        ids = self.selected_post_ids()
        current = None
        if ids:
            row = self.model.row_of(ids[0])
            current = self.model.post_at(row) if row is not None else None
        self._show(current)
        self.selectionChanged.emit(ids)
        media: list[int] = []
        for pid in ids:
            row = self.model.row_of(pid)
            if row is not None:
                media.extend(self.model.post_at(row).media_ids)
        self.mediaSelected.emit(tuple(dict.fromkeys(media)))

    def _on_thread_item(self, item: QTreeWidgetItem, _column: int) -> None:
        pid = item.data(0, Qt.ItemDataRole.UserRole)
        if pid is not None:
            self.select_posts((int(pid),))
            self._on_selection()

    # --- details ------------------------------------------------------------------------------------------
    def _show(self, post: Post | None) -> None:
        self.thread_view.clear()
        if post is None or self._incident is None:
            self.text_view.setPlainText("")
            self.raw_view.setPlainText("")
            self.card.show_card(None)
            return
        lines = [
            f"{post.platform} · {post.author} · {_when(post)} ({post.time_precision})",
            f"Original time as written: {post.created_original or '—'}  offset: {post.created_offset or '—'}",
        ]
        if post.edited_utc:
            lines.append(f"Edited: {post.edited_utc}")
        if post.url:
            lines.append(post.url)
        for label, value in (("Reply to", post.reply_to), ("Quote of", post.quote_of), ("Repost of", post.repost_of)):
            if value:
                lines.append(f"{label}: {value}")
        if post.geo_lat is not None and post.geo_lon is not None:
            lines.append(f"Geotag: {post.geo_lat:.5f}, {post.geo_lon:.5f} {post.geo_place or ''}")
        elif post.geo_place:
            lines.append(f"Place: {post.geo_place}")
        if post.client:
            lines.append(f"Client: {post.client}")
        lines.append("")
        lines.append(post.text)
        if post.hashtags or post.mentions or post.links:
            lines.append("")
            lines.extend(
                f"{name}: {', '.join(values)}"
                for name, values in (("Hashtags", post.hashtags), ("Mentions", post.mentions), ("Links", post.links))
                if values
            )
        self.text_view.setPlainText("\n".join(lines))
        self.raw_view.setPlainText(queries.post_raw(self._incident, post.id))
        self._show_thread(post)
        self.card.show_card(
            queries.account_card(self._incident, post.account_id) if post.account_id is not None else None
        )

    def _show_thread(self, post: Post) -> None:
        assert self._incident is not None
        parents: dict[int, QTreeWidgetItem] = {}
        selected_item = None
        for node in queries.thread(self._incident, post.id):
            text = node.post.text.replace("\n", " ")[:120]
            prefix = {"root": "", "reply": "↳ ", "quote": "❝ ", "repost": "⟳ "}[node.relation]
            item = QTreeWidgetItem([prefix + text, node.post.author, _when(node.post)])
            item.setData(0, Qt.ItemDataRole.UserRole, node.post.id)
            item.setToolTip(0, node.post.text)
            parent = parents.get(node.depth - 1)
            if parent is None:
                self.thread_view.addTopLevelItem(item)
            else:
                parent.addChild(item)
            parents[node.depth] = item
            if node.post.id == post.id:
                selected_item = item
        self.thread_view.expandAll()
        if selected_item is not None:
            self.thread_view.setCurrentItem(selected_item)
