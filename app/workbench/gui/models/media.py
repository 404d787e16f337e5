"""Qt item models over the incident's media items: the list, and a proxy that sorts, filters and searches it.

The models hold plain `MediaItem` records and thumbnails as QPixmaps; they never touch the database. Who fills
them (the evidence browser, through workers) is separate, so the models can be tested without widgets.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable
from typing import Any

from PySide6.QtCore import (
    QAbstractListModel,
    QModelIndex,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
)
from PySide6.QtGui import QPixmap

from workbench.core.store.records import MediaItem

ItemRole = Qt.ItemDataRole.UserRole + 1
IdRole = Qt.ItemDataRole.UserRole + 2
ThumbnailRole = Qt.ItemDataRole.UserRole + 3
AnnotationCountRole = Qt.ItemDataRole.UserRole + 4

SORT_KEYS = {
    "capture": "Capture time",
    "added": "Added",
    "name": "Name",
}

Index = QModelIndex | QPersistentModelIndex


def human_size(size: int) -> str:
    value = float(size)
    for unit in ("B", "KB", "MB", "GB"):
        if value < 1024 or unit == "GB":
            return f"{value:.0f} {unit}" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1024
    return f"{size} B"


def item_tooltip(item: MediaItem) -> str:
    lines = [f"<b>{item.filename}</b>", f"{item.kind} · {item.mime} · {human_size(item.size)}"]
    if item.capture_time:
        lines.append(f"Captured {item.capture_time}")
    if item.parent_id is not None:
        lines.append(f"Derived from item {item.parent_id}")
    for flag in item.flags:
        lines.append(f"⚑ {flag.message}")
    return "<br>".join(lines)


class MediaListModel(QAbstractListModel):
    """One row per media item, kept in the chosen order (sorting happens here, in Python, once per change:
    a proxy that sorts asks for two values per comparison and costs ~0.1 s of GUI time for 2,000 items)."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._items: list[MediaItem] = []
        self._keys: list[tuple[Any, ...]] = []  # per row: the sort key for the current order
        self._haystacks: dict[int, str] = {}  # media id -> the lower-case text searched
        self._row_of: dict[int, int] = {}
        self._thumbs: dict[int, QPixmap] = {}
        self._annotation_counts: dict[int, int] = {}
        self._order = "capture"

    # --- filling ----------------------------------------------------------------------------------------------
    def set_items(self, items: Iterable[MediaItem]) -> None:
        ordered = sorted(items, key=lambda i: sort_key(i, self._order))
        self.beginResetModel()
        self._items = ordered
        self._keys = [sort_key(i, self._order) for i in ordered]
        self._haystacks = {i.id: haystack(i) for i in ordered}
        self._row_of = {item.id: row for row, item in enumerate(self._items)}
        self._thumbs = {k: v for k, v in self._thumbs.items() if k in self._row_of}
        self.endResetModel()

    def upsert(self, items: Iterable[MediaItem]) -> None:
        """Replace known items in place and insert new ones where the order puts them (keeps scroll and selection)."""
        changed = False
        for item in items:
            row = self._row_of.get(item.id)
            self._haystacks[item.id] = haystack(item)
            key = sort_key(item, self._order)
            if row is not None:
                self._items[row] = item
                changed = changed or self._keys[row] != key
                self._keys[row] = key
                idx = self.index(row)
                self.dataChanged.emit(idx, idx)
                continue
            row = bisect.bisect(self._keys, key)
            self.beginInsertRows(QModelIndex(), row, row)
            self._items.insert(row, item)
            self._keys.insert(row, key)
            self._row_of = {it.id: r for r, it in enumerate(self._items)}
            self.endInsertRows()
        if changed:
            self.set_order(self._order, force=True)

    def set_order(self, order: str, *, force: bool = False) -> None:
        """Sort by "capture" (capture time, items without one last), "added" or "name"."""
        if order not in SORT_KEYS:
            raise ValueError(order)
        if order == self._order and not force:
            return
        self.layoutAboutToBeChanged.emit()
        id_at_old_row = [item.id for item in self._items]
        self._order = order
        self._items.sort(key=lambda i: sort_key(i, order))
        self._keys = [sort_key(i, order) for i in self._items]
        self._row_of = {item.id: row for row, item in enumerate(self._items)}
        moved_from, moved_to = [], []
        for index in self.persistentIndexList():
            if 0 <= index.row() < len(id_at_old_row):
                moved_from.append(index)
                moved_to.append(self.index(self._row_of[id_at_old_row[index.row()]]))
        self.changePersistentIndexList(moved_from, moved_to)
        self.layoutChanged.emit()

    @property
    def order(self) -> str:
        return self._order

    def set_thumbnails(self, thumbs: dict[int, QPixmap]) -> None:
        self._thumbs.update(thumbs)
        for row in sorted(self._row_of[i] for i in thumbs if i in self._row_of):
            idx = self.index(row)
            self.dataChanged.emit(idx, idx, [ThumbnailRole])

    def set_annotation_counts(self, counts: dict[int, int]) -> None:
        """Only the rows whose count changed are announced."""
        old, self._annotation_counts = self._annotation_counts, dict(counts)
        for media_id in set(old) | set(counts):
            if old.get(media_id, 0) != counts.get(media_id, 0) and media_id in self._row_of:
                idx = self.index(self._row_of[media_id])
                self.dataChanged.emit(idx, idx, [AnnotationCountRole])

    def clear(self) -> None:
        self.beginResetModel()
        self._items, self._keys, self._row_of, self._haystacks = [], [], {}, {}
        self._thumbs, self._annotation_counts = {}, {}
        self.endResetModel()

    # --- reading ----------------------------------------------------------------------------------------------
    @property
    def items(self) -> list[MediaItem]:
        return list(self._items)

    def item(self, media_id: int) -> MediaItem | None:
        row = self._row_of.get(media_id)
        return None if row is None else self._items[row]

    def item_at(self, row: int) -> MediaItem:
        return self._items[row]

    def row_of(self, media_id: int) -> int | None:
        return self._row_of.get(media_id)

    def has_thumbnail(self, media_id: int) -> bool:
        return media_id in self._thumbs

    def haystack(self, media_id: int) -> str:
        return self._haystacks.get(media_id, "")

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 (Qt's signature)
        return 0 if parent.isValid() else len(self._items)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._items):
            return None
        item = self._items[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return item.filename
        if role == ItemRole:
            return item
        if role == IdRole:
            return item.id
        if role == ThumbnailRole:
            return self._thumbs.get(item.id)
        if role == AnnotationCountRole:
            return self._annotation_counts.get(item.id, 0)
        if role == Qt.ItemDataRole.ToolTipRole:
            return item_tooltip(item)
        return None


class MediaFilterProxy(QSortFilterProxyModel):
    """Filters by kind and flag and searches names, camera, notes, hashes, flags. The order is the source
    model's (`set_sort_key` asks it to re-sort), so the proxy never sorts and never calls back per comparison."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._kind: str | None = None
        self._flag: str | None = None
        self._text = ""
        self.setDynamicSortFilter(False)

    def set_sort_key(self, key: str) -> None:
        model = self.sourceModel()
        if isinstance(model, MediaListModel):
            model.set_order(key)

    @property
    def sort_key(self) -> str:
        model = self.sourceModel()
        return model.order if isinstance(model, MediaListModel) else "capture"

    def _refilter(self, name: str, value: Any) -> None:
        self.beginFilterChange()
        setattr(self, name, value)
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def set_kind(self, kind: str | None) -> None:
        self._refilter("_kind", kind or None)

    def set_flag(self, code: str | None) -> None:
        """Only items carrying this flag code; "*" for any flag at all; None for no filter."""
        self._refilter("_flag", code or None)

    def set_search(self, text: str) -> None:
        self._refilter("_text", text.strip().lower())

    def filterAcceptsRow(self, source_row: int, source_parent: Index) -> bool:
        if not (self._kind or self._flag or self._text):
            return True
        model = self.sourceModel()
        if not isinstance(model, MediaListModel):
            return True
        item = model.item_at(source_row)
        if self._kind and item.kind != self._kind:
            return False
        if self._flag == "*" and not item.flags:
            return False
        if self._flag and self._flag != "*" and self._flag not in item.flag_codes:
            return False
        if self._text:
            text = model.haystack(item.id)
            return all(word in text for word in self._text.split())
        return True


def sort_key(item: MediaItem, order: str) -> tuple[Any, ...]:
    if order == "name":
        return (item.filename.lower(), item.id)
    if order == "added":
        return (item.added_utc, item.id)
    # Items without a capture time go last, in the order they were added.
    return (item.capture_time is None, _time_key(item.capture_time), item.id)


def haystack(item: MediaItem) -> str:
    s = item.summary
    words = [item.filename, item.sha256, item.note, s.make, s.model, s.software, item.capture_time]
    text = " ".join(str(v) for v in words if v)
    text += " " + " ".join(f"{f.message} {f.code}" for f in item.flags)
    return text.lower()


def _time_key(text: str | None) -> str:
    """Capture times as comparable text: UTC when they carry an offset, else as written."""
    if not text:
        return ""
    from datetime import UTC, datetime

    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return text
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC).replace(tzinfo=None)
    return moment.isoformat()
