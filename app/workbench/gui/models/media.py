"""Qt item models over the incident's media items: the list, and a proxy that sorts, filters and searches it.

The models hold plain `MediaItem` records and thumbnails as QPixmaps; they never touch the database. Who fills
them (the evidence browser, through workers) is separate, so the models can be tested without widgets.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from PySide6.QtCore import QAbstractListModel, QModelIndex, QPersistentModelIndex, QSortFilterProxyModel, Qt
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
    """One row per media item, in id order."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._items: list[MediaItem] = []
        self._row_of: dict[int, int] = {}
        self._thumbs: dict[int, QPixmap] = {}
        self._annotation_counts: dict[int, int] = {}

    # --- filling ----------------------------------------------------------------------------------------------
    def set_items(self, items: Iterable[MediaItem]) -> None:
        self.beginResetModel()
        self._items = list(items)
        self._row_of = {item.id: row for row, item in enumerate(self._items)}
        self._thumbs = {k: v for k, v in self._thumbs.items() if k in self._row_of}
        self.endResetModel()

    def upsert(self, items: Iterable[MediaItem]) -> None:
        """Replace known items in place and append new ones (keeps the view's scroll and selection)."""
        new: list[MediaItem] = []
        for item in items:
            row = self._row_of.get(item.id)
            if row is None:
                new.append(item)
            else:
                self._items[row] = item
                idx = self.index(row)
                self.dataChanged.emit(idx, idx)
        if new:
            start = len(self._items)
            self.beginInsertRows(QModelIndex(), start, start + len(new) - 1)
            for item in new:
                self._row_of[item.id] = len(self._items)
                self._items.append(item)
            self.endInsertRows()

    def set_thumbnails(self, thumbs: dict[int, QPixmap]) -> None:
        self._thumbs.update(thumbs)
        rows = sorted(self._row_of[i] for i in thumbs if i in self._row_of)
        if rows:
            self.dataChanged.emit(self.index(rows[0]), self.index(rows[-1]), [ThumbnailRole])

    def set_annotation_counts(self, counts: dict[int, int]) -> None:
        self._annotation_counts = dict(counts)
        if self._items:
            self.dataChanged.emit(self.index(0), self.index(len(self._items) - 1), [AnnotationCountRole])

    def clear(self) -> None:
        self.beginResetModel()
        self._items, self._row_of, self._thumbs, self._annotation_counts = [], {}, {}, {}
        self.endResetModel()

    # --- reading ----------------------------------------------------------------------------------------------
    @property
    def items(self) -> list[MediaItem]:
        return list(self._items)

    def item(self, media_id: int) -> MediaItem | None:
        row = self._row_of.get(media_id)
        return None if row is None else self._items[row]

    def row_of(self, media_id: int) -> int | None:
        return self._row_of.get(media_id)

    def has_thumbnail(self, media_id: int) -> bool:
        return media_id in self._thumbs

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
    """Sort by capture time, added or name; filter by kind and by flag; search names, camera, notes, hashes."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._sort_key = "capture"
        self._kind: str | None = None
        self._flag: str | None = None
        self._text = ""
        self.setDynamicSortFilter(True)
        self.sort(0)

    def set_sort_key(self, key: str) -> None:
        if key not in SORT_KEYS:
            raise ValueError(key)
        self._sort_key = key
        self.invalidate()
        self.sort(0, self.sortOrder())

    @property
    def sort_key(self) -> str:
        return self._sort_key

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
        model = self.sourceModel()
        item: MediaItem | None = model.data(model.index(source_row, 0, source_parent), ItemRole)
        if item is None:
            return False
        if self._kind and item.kind != self._kind:
            return False
        if self._flag == "*" and not item.flags:
            return False
        if self._flag and self._flag != "*" and self._flag not in item.flag_codes:
            return False
        if self._text:
            s = item.summary
            haystack = " ".join(
                str(v)
                for v in (item.filename, item.sha256, item.note, s.make, s.model, s.software, item.capture_time)
                if v
            ).lower()
            haystack += " " + " ".join(f.message.lower() + " " + f.code for f in item.flags)
            return all(word in haystack for word in self._text.split())
        return True

    def lessThan(self, left: Index, right: Index) -> bool:
        a: MediaItem = self.sourceModel().data(left, ItemRole)
        b: MediaItem = self.sourceModel().data(right, ItemRole)
        return self._key(a) < self._key(b)

    def _key(self, item: MediaItem) -> tuple[Any, ...]:
        if self._sort_key == "name":
            return (item.filename.lower(), item.id)
        if self._sort_key == "added":
            return (item.added_utc, item.id)
        # Items without a capture time go last, in the order they were added.
        return (item.capture_time is None, _time_key(item.capture_time), item.id)


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
