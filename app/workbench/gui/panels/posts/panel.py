"""The posts panel: every imported post in a sortable, filterable table; for the selected post its text and raw
record, the reconstructed thread, and the author's account card.

Self-contained: give it an `Incident` with `set_incident()`, call `refresh(changes)` after edits. It emits
`selectionChanged(tuple[int, ...])` with the selected post ids and `mediaSelected(tuple[int, ...])` with the media
items those posts carried; `select_posts(ids)` selects from outside (shared selection). Every text from an export
is shown as plain text: nothing from a post is ever rendered as HTML.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import shiboken6
from PySide6.QtCore import (
    QAbstractTableModel,
    QItemSelection,
    QItemSelectionModel,
    QModelIndex,
    QPersistentModelIndex,
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


def _when(p: Post) -> str:
    if p.created_offset == "date-only" and p.created_original:
        d = p.created_original
        return f"{d[:4]}-{d[4:6]}-{d[6:8]} (date only)"
    if p.created_utc:
        return p.created_utc.replace("T", " ").replace("+00:00", "")
    if p.created_original:
        return f"{p.created_original} (local, zone unknown)"
    return ""


_SORT_VALUE: tuple[Callable[[Post], Any], ...] = (
    lambda p: p.created_utc or (p.created_original or "").replace(" ", "T") or None,
    lambda p: p.time_precision,
    lambda p: p.platform,
    lambda p: p.author.lower(),
    lambda p: p.text.lower(),
    lambda p: p.likes,
    lambda p: p.shares,
    lambda p: p.replies,
    lambda p: len(p.media_ids),
)


class PostsTableModel(QAbstractTableModel):
    """A thin model over plain `Post` records that sorts and filters itself: for 100,000 posts one `sorted` with a
    key beats a million comparisons called back from a proxy model. Tested without widgets."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._all: list[Post] = []
        self._rows: list[int] = []  # indices into _all, in display order
        self._row_of: dict[int, int] = {}  # post id -> display row
        self._haystack: list[str] | None = None
        self._filter = ""
        self._sort: tuple[int, Qt.SortOrder] = (0, Qt.SortOrder.AscendingOrder)

    def set_posts(self, posts: list[Post]) -> None:
        self.beginResetModel()
        self._all = list(posts)
        self._haystack = None
        self._rows = self._visible()
        self._apply_sort()
        self.endResetModel()

    def _visible(self) -> list[int]:
        if not self._filter:
            return list(range(len(self._all)))
        if self._haystack is None:
            self._haystack = [
                f"{p.platform} {p.username or ''} {p.display_name or ''} {p.text} {' '.join(p.hashtags)}".lower()
                for p in self._all
            ]
        needle = self._filter.lower()
        return [i for i, h in enumerate(self._haystack) if needle in h]

    def _apply_sort(self) -> None:
        column, order = self._sort
        get = _SORT_VALUE[column]
        values = {i: get(self._all[i]) for i in self._rows}
        present = sorted((i for i in self._rows if values[i] is not None), key=values.__getitem__)
        if order == Qt.SortOrder.DescendingOrder:
            present.reverse()
        self._rows = present + [i for i in self._rows if values[i] is None]  # missing values always last
        self._row_of = {self._all[i].id: r for r, i in enumerate(self._rows)}

    def set_filter(self, text: str) -> None:
        self.beginResetModel()
        self._filter = text.strip()
        self._rows = self._visible()
        self._apply_sort()
        self.endResetModel()

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        self.layoutAboutToBeChanged.emit()
        self._sort = (column, order)
        self._apply_sort()
        self.layoutChanged.emit()

    def total(self) -> int:
        return len(self._all)

    def post_at(self, row: int) -> Post:
        return self._all[self._rows[row]]

    def row_of(self, post_id: int) -> int | None:
        """The display row of a post, or None when it is filtered out or absent."""
        return self._row_of.get(post_id)

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return COLUMNS[section]
        return None

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        p = self.post_at(index.row())
        col = index.column()
        if role == POST_ID_ROLE:
            return p.id
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            values: tuple[Any, ...] = (
                _when(p),
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
            return "" if value is None else value
        if role == Qt.ItemDataRole.TextAlignmentRole and col >= 5:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None


def _plain_label(text: str = "") -> QLabel:
    label = QLabel(text)
    label.setTextFormat(Qt.TextFormat.PlainText)  # never interpret text from an export as rich text
    label.setWordWrap(True)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return label


class AccountCard(QWidget):
    """The author's card: age at the time of the post, audience, cadence, flags."""

    FIELDS = ("Account", "Name", "Created", "Age at this post", "Age at first post", "Followers / following",
              "Posts here", "Cadence", "Hours (UTC)", "Bio", "Links", "Flags")  # fmt: skip

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        form = QFormLayout(self)
        self.labels: dict[str, QLabel] = {}
        for name in self.FIELDS:
            self.labels[name] = _plain_label()
            form.addRow(name, self.labels[name])

    def show_card(self, card: queries.AccountCard | None, post: Post | None = None) -> None:
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
        at_post = "unknown"
        if post is not None and post.created is not None and a.created is not None:
            days = (post.created - a.created).total_seconds() / 86400
            at_post = f"{days:.1f} days" if days < 60 else f"{days / 365.25:.1f} years ({days:.0f} days)"
        values = {
            "Account": a.label,
            "Age at this post": at_post,
            "Hours (UTC)": _sparkline(card.hour_histogram),
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


def _sparkline(counts: tuple[int, ...]) -> str:
    """24 hourly counts as bars, 00 h to 23 h."""
    top = max(counts) if counts else 0
    if not top:
        return "no dated posts"
    bars = "▁▂▃▄▅▆▇█"
    return "".join(" " if c == 0 else bars[min(7, int(c / top * 7.999))] for c in counts) + "  (00–23 h)"


def _n(value: int | None) -> str:
    return "?" if value is None else f"{value:,}"


class PostsPanel(QWidget):
    selectionChanged = Signal(object)  # tuple[int, ...] of post ids
    mediaSelected = Signal(object)  # tuple[int, ...] of media ids carried by the selected posts

    def __init__(self, incident: Incident | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._incident: Incident | None = None
        self.background: Callable[[Callable[[], list[Post]], Callable[[list[Post]], None]], None] | None = None
        self._generation = 0
        self.model = PostsTableModel(self)

        self.filter_edit = QLineEdit(placeholderText="Filter posts (text, author, platform…)")
        self.filter_edit.setClearButtonEnabled(True)
        self.filter_edit.textChanged.connect(self.model.set_filter)
        self.count_label = _plain_label()

        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(0, Qt.SortOrder.AscendingOrder)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setWordWrap(False)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setSectionResizeMode(4, QHeaderView.ResizeMode.Stretch)
        for column, width in ((0, 175), (1, 150), (2, 80), (3, 130), (5, 60), (6, 60), (7, 60), (8, 50)):
            self.table.setColumnWidth(column, width)
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
        self.model.modelReset.connect(self._update_count)
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
        """Read the posts: now, or through `self.background(read, deliver)` when set (the dock runs it in a worker;
        only the latest read is shown)."""
        incident = self._incident
        if incident is None:
            self.set_posts([])
            return
        if self.background is None:
            self.set_posts(queries.posts(incident))
            return
        self._generation += 1
        generation = self._generation

        def deliver(posts: list[Post]) -> None:
            if not shiboken6.isValid(self.table):
                return  # the panel was closed while the posts were read
            if generation == self._generation and incident is self._incident:
                self.set_posts(posts)

        self.background(lambda: queries.posts(incident), deliver)

    def set_posts(self, posts: list[Post]) -> None:
        self.model.set_posts(posts)
        self._show(None)

    def _update_count(self, *_: Any) -> None:
        self.count_label.setText(f"{self.model.rowCount()} of {self.model.total()} posts")

    # --- selection ----------------------------------------------------------------------------------------
    def selected_post_ids(self) -> tuple[int, ...]:
        rows = sorted(i.row() for i in self.table.selectionModel().selectedRows())
        return tuple(self.model.post_at(r).id for r in rows)

    def select_posts(self, post_ids: tuple[int, ...] | list[int]) -> None:
        """Select these posts (from another panel); emits nothing back, to avoid echo loops."""
        selection = QItemSelection()
        for pid in post_ids:
            row = self.model.row_of(int(pid))
            if row is not None:
                index = self.model.index(row, 0)
                selection.select(index, index)
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
        rows = sorted(i.row() for i in self.table.selectionModel().selectedRows())
        posts = [self.model.post_at(r) for r in rows]
        ids = tuple(p.id for p in posts)
        self._show(posts[0] if posts else None)
        self.selectionChanged.emit(ids)
        media: list[int] = []
        for p in posts:
            media.extend(p.media_ids)
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
            queries.account_card(self._incident, post.account_id) if post.account_id is not None else None, post
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
