"""The evidence browser: every media item as a thumbnail grid or a list, sorted, filtered and searched.

Selection here is the application's selection (`ctx.select_media`); every other panel follows it. Items load in
a worker and thumbnails arrive progressively in small batches, so an incident with thousands of items opens at
once and stays responsive while the pictures fill in.
"""

from __future__ import annotations

import io
from typing import Any

from PySide6.QtCore import QItemSelectionModel, QModelIndex, QPersistentModelIndex, QRect, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QFont, QFontMetrics, QImage, QPainter, QPalette, QPixmap
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListView,
    QStackedLayout,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from workbench.core.incident import Incident
from workbench.core.store.records import Changes, MediaItem
from workbench.core.tasks import Progress
from workbench.gui.context import AppContext
from workbench.gui.models.media import (
    SORT_KEYS,
    AnnotationCountRole,
    IdRole,
    ItemRole,
    MediaFilterProxy,
    MediaListModel,
    ThumbnailRole,
)
from workbench.gui.panels.common.style import SEVERITY_COLOURS, icon

THUMB_BATCH = 48
THUMB_SIDE = 256
DISPLAY_THUMB = QSize(136, 104)  # the thumbnail box of a grid cell (GRID less margins)


# --- work done off the GUI thread -----------------------------------------------------------------------------


def load_media(incident: Incident, *, progress: Progress) -> tuple[list[MediaItem], dict[int, int]]:
    from workbench.core.annotations import annotation_counts

    progress(0, 0, "Reading the evidence list")
    items = incident.media_items()
    try:
        counts = annotation_counts(incident)
    except Exception:  # an older file without the annotation table: no counts, not an error
        counts = {}
    return items, counts


def load_thumbnails(incident: Incident, items: list[tuple[int, str]], *, progress: Progress) -> dict[int, QImage]:
    """Stored thumbnails, or (until they are made) one decoded from the image itself. QImage is safe off-thread."""
    out: dict[int, QImage] = {}
    for media_id, kind in items:
        progress.check()
        data = incident.thumbnail(media_id)
        image = QImage()
        if data is not None:
            image.loadFromData(data)
        elif kind == "image":
            image = _decode_thumbnail(incident.media_bytes(media_id))
        if not image.isNull():
            # Kept at the size the grid shows (a 256 px pixmap per item is ~0.2 MB: 2,000 items would be 400 MB),
            # scaled once here instead of in every paint.
            out[media_id] = image.scaled(
                DISPLAY_THUMB, Qt.AspectRatioMode.KeepAspectRatio, Qt.TransformationMode.SmoothTransformation
            )
    return out


def _decode_thumbnail(data: bytes) -> QImage:
    try:
        from PIL import Image, ImageOps

        with Image.open(io.BytesIO(data)) as im:
            im.draft("RGB", (THUMB_SIDE, THUMB_SIDE))
            small = ImageOps.exif_transpose(im.convert("RGB"))
            small.thumbnail((THUMB_SIDE, THUMB_SIDE))
            raw = small.tobytes()
            return QImage(raw, small.width, small.height, small.width * 3, QImage.Format.Format_RGB888).copy()
    except Exception:
        return QImage()


# --- drawing ------------------------------------------------------------------------------------------------------


def _short_flag(code: str) -> str:
    return code.replace("_", " ").replace("-", " ")


class MediaDelegate(QStyledItemDelegate):
    """Draws a thumbnail with the item's flags as coloured pills, in grid or list layout."""

    GRID = QSize(152, 164)
    ROW_HEIGHT = 60

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.grid = True

    def sizeHint(self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex) -> QSize:
        if self.grid:
            return self.GRID
        return QSize(option.rect.width() or 300, self.ROW_HEIGHT)

    def paint(
        self, painter: QPainter, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> None:
        item: MediaItem | None = index.data(ItemRole)
        if item is None:
            return
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        rect = option.rect.adjusted(3, 3, -3, -3)
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        palette = option.palette
        if selected:
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(palette.color(QPalette.ColorRole.Highlight).lighter(170))
            painter.drawRoundedRect(rect, 6, 6)
            painter.setPen(palette.color(QPalette.ColorRole.Highlight))
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawRoundedRect(rect, 6, 6)
        elif option.state & QStyle.StateFlag.State_MouseOver:
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(QColor(0, 0, 0, 14))
            painter.drawRoundedRect(rect, 6, 6)
        thumb: QPixmap | None = index.data(ThumbnailRole)
        if self.grid:
            box = QRect(rect.left() + 5, rect.top() + 5, rect.width() - 10, 104)
            text_top = box.bottom() + 6
        else:
            box = QRect(rect.left() + 4, rect.top() + 3, 72, rect.height() - 6)
            text_top = rect.top() + 8
        self._draw_thumbnail(painter, box, thumb, item)
        self._draw_badges(painter, box, item, int(index.data(AnnotationCountRole) or 0))
        text_colour = palette.color(QPalette.ColorRole.Text)
        muted = QColor(text_colour)
        muted.setAlpha(150)
        name_font = QFont(option.font)
        name_font.setWeight(QFont.Weight.DemiBold)
        painter.setFont(name_font)
        painter.setPen(text_colour)
        if self.grid:
            fm = QFontMetrics(name_font)
            painter.drawText(
                QRect(rect.left() + 6, text_top, rect.width() - 12, fm.height()),
                Qt.AlignmentFlag.AlignLeft,
                fm.elidedText(item.filename, Qt.TextElideMode.ElideMiddle, rect.width() - 12),
            )
            painter.setFont(option.font)
            painter.setPen(muted)
            sub = _subtitle(item)
            fm2 = QFontMetrics(option.font)
            painter.drawText(
                QRect(rect.left() + 6, text_top + fm.height() + 1, rect.width() - 12, fm2.height()),
                Qt.AlignmentFlag.AlignLeft,
                fm2.elidedText(sub, Qt.TextElideMode.ElideRight, rect.width() - 12),
            )
        else:
            left = box.right() + 10
            width = rect.right() - left - 4
            fm = QFontMetrics(name_font)
            painter.drawText(
                QRect(left, text_top, width, fm.height()),
                Qt.AlignmentFlag.AlignLeft,
                fm.elidedText(item.filename, Qt.TextElideMode.ElideMiddle, width),
            )
            painter.setFont(option.font)
            painter.setPen(muted)
            fm2 = QFontMetrics(option.font)
            painter.drawText(
                QRect(left, text_top + fm.height() + 2, width, fm2.height()),
                Qt.AlignmentFlag.AlignLeft,
                fm2.elidedText(_subtitle(item, long=True), Qt.TextElideMode.ElideRight, width),
            )
            self._draw_flags(painter, QRect(left, text_top + fm.height() + fm2.height() + 5, width, 16), item)
        if self.grid:
            self._draw_flags(painter, QRect(box.left() + 4, box.bottom() - 20, box.width() - 8, 16), item)
        painter.restore()

    def _draw_thumbnail(self, painter: QPainter, box: QRect, thumb: QPixmap | None, item: MediaItem) -> None:
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(QColor("#e4e7eb"))
        painter.drawRoundedRect(box, 4, 4)
        if thumb is not None and not thumb.isNull():
            size = thumb.size()
            if size.width() > box.width() or size.height() > box.height():
                size = size.scaled(box.size(), Qt.AspectRatioMode.KeepAspectRatio)
            x = box.left() + (box.width() - size.width()) // 2
            y = box.top() + (box.height() - size.height()) // 2
            painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
            painter.drawPixmap(QRect(x, y, size.width(), size.height()), thumb)
        else:
            name = {"video": "video", "image": "image"}.get(item.kind, "file")
            icon(name).paint(
                painter,
                box.adjusted(
                    box.width() // 2 - 16, box.height() // 2 - 16, -(box.width() // 2 - 16), -(box.height() // 2 - 16)
                ),
            )

    def _draw_badges(self, painter: QPainter, box: QRect, item: MediaItem, annotations: int) -> None:
        font = QFont(painter.font())
        font.setPointSizeF(max(7.0, font.pointSizeF() - 1.5))
        font.setWeight(QFont.Weight.DemiBold)
        painter.setFont(font)
        fm = QFontMetrics(font)
        x = box.left() + 4
        labels: list[tuple[str, QColor]] = []
        if item.kind == "video":
            labels.append(("▶ video", QColor(20, 24, 31, 200)))
        if item.parent_id is not None:
            labels.append((f"⤷ from #{item.parent_id}", QColor(60, 72, 160, 220)))
        for text, colour in labels:
            w = fm.horizontalAdvance(text) + 10
            r = QRect(x, box.top() + 4, w, fm.height() + 2)
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(colour)
            painter.drawRoundedRect(r, 3, 3)
            painter.setPen(QColor("white"))
            painter.drawText(r, Qt.AlignmentFlag.AlignCenter, text)
            x += w + 3
        if annotations:
            text = f"✎ {annotations}"
            w = fm.horizontalAdvance(text) + 10
            r = QRect(box.right() - 4 - w, box.top() + 4, w, fm.height() + 2)
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(QColor(236, 112, 20, 230))
            painter.drawRoundedRect(r, 3, 3)
            painter.setPen(QColor("white"))
            painter.drawText(r, Qt.AlignmentFlag.AlignCenter, text)

    def _draw_flags(self, painter: QPainter, area: QRect, item: MediaItem) -> None:
        if not item.flags:
            return
        font = QFont(painter.font())
        font.setPointSizeF(max(7.0, QFont().pointSizeF() - 2))
        font.setWeight(QFont.Weight.DemiBold)
        painter.setFont(font)
        fm = QFontMetrics(font)
        x = area.left()
        for n, flag in enumerate(item.flags):
            text = _short_flag(flag.code)
            w = fm.horizontalAdvance(text) + 10
            remaining = len(item.flags) - n
            if x + w > area.right() and remaining:
                text = f"+{remaining}"
                w = fm.horizontalAdvance(text) + 10
            r = QRect(x, area.top(), w, min(area.height(), fm.height() + 2))
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(QColor(SEVERITY_COLOURS.get(flag.severity, "#6b7280")))
            painter.drawRoundedRect(r, 3, 3)
            painter.setPen(QColor("white"))
            painter.drawText(r, Qt.AlignmentFlag.AlignCenter, text)
            x += w + 3
            if text.startswith("+"):
                break


def _subtitle(item: MediaItem, long: bool = False) -> str:
    from workbench.gui.models.media import human_size

    when = (item.capture_time or "").replace("T", " ")[:16] or "no capture time"
    parts = [when]
    s = item.summary
    if long:
        if s.width and s.height:
            parts.append(f"{s.width}×{s.height}")
        camera = " ".join(v for v in (s.make, s.model) if v)
        if camera:
            parts.append(camera)
        parts.append(human_size(item.size))
    return " · ".join(parts)


# --- the panel ------------------------------------------------------------------------------------------------------


class EvidenceBrowser(QWidget):
    """Evidence browser panel. Construct with the context; it follows `incident_changed` and `changed`."""

    files_dropped = Signal(list)  # list[str]: paths dropped on the browser (the window adds them)

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("EvidenceBrowser")
        self.ctx = ctx
        self.model = MediaListModel(self)
        self.proxy = MediaFilterProxy(self)
        self.proxy.setSourceModel(self.model)
        self._thumb_queue: list[tuple[int, str]] = []
        self._thumb_task: Any = None
        self._load_task: Any = None
        self._syncing = False

        self.search = QLineEdit(placeholderText="Search name, camera, hash, flag…")
        self.search.setClearButtonEnabled(True)
        self.search.addAction(icon("search"), QLineEdit.ActionPosition.LeadingPosition)
        self.sort_box = QComboBox()
        self.sort_box.setToolTip("Sort by capture time (items without one last), by when they were added, or by name")
        for key, title in SORT_KEYS.items():
            self.sort_box.addItem(f"↓ {title}", key)
        self.kind_box = QComboBox()
        for title, kind in (("All types", None), ("Photos", "image"), ("Videos", "video"), ("Other files", "file")):
            self.kind_box.addItem(title, kind)
        self.flag_box = QComboBox()
        for box in (self.sort_box, self.kind_box, self.flag_box):
            box.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
            box.setMinimumContentsLength(5)
        self.grid_button = QToolButton()
        self.grid_button.setCheckable(True)
        self.grid_button.setChecked(True)
        self.grid_button.setToolTip("Thumbnails or list")
        self.grid_button.setIcon(icon("grid"))
        self.count_label = QLabel()
        self.count_label.setObjectName("Muted")

        self.view = QListView()
        self.view.setObjectName("EvidenceList")
        self.view.setModel(self.proxy)
        self.delegate = MediaDelegate(self.view)
        self.view.setItemDelegate(self.delegate)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.view.setUniformItemSizes(True)
        self.view.setMouseTracking(True)
        self.view.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.view.setDragDropMode(QAbstractItemView.DragDropMode.NoDragDrop)
        self._set_grid(True)

        self.empty = QLabel()
        self.empty.setObjectName("EmptyState")
        self.empty.setWordWrap(True)
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)

        top = QHBoxLayout()
        top.setContentsMargins(0, 0, 0, 0)
        top.setSpacing(4)
        top.addWidget(self.search, 1)
        top.addWidget(self.grid_button)
        filters = QHBoxLayout()
        filters.setContentsMargins(0, 0, 0, 0)
        filters.setSpacing(4)
        filters.addWidget(self.sort_box, 4)
        filters.addWidget(self.kind_box, 3)
        filters.addWidget(self.flag_box, 3)
        self.stack = QStackedLayout()
        self.stack.addWidget(self.view)
        self.stack.addWidget(self.empty)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 4)
        layout.setSpacing(5)
        layout.addLayout(top)
        layout.addLayout(filters)
        layout.addLayout(self.stack, 1)
        layout.addWidget(self.count_label)

        self.search.textChanged.connect(self._on_search)
        self.sort_box.currentIndexChanged.connect(lambda _: self.proxy.set_sort_key(self.sort_box.currentData()))
        self.kind_box.currentIndexChanged.connect(lambda _: self._filter_changed())
        self.flag_box.currentIndexChanged.connect(lambda _: self._filter_changed())
        self.grid_button.toggled.connect(self._set_grid)
        self.view.selectionModel().selectionChanged.connect(self._on_view_selection)
        self.view.verticalScrollBar().valueChanged.connect(lambda _: self._schedule_thumbnails())
        self.proxy.rowsInserted.connect(lambda *_: self._update_state())
        self.proxy.modelReset.connect(self._update_state)
        self.proxy.layoutChanged.connect(self._update_state)

        self._search_timer = QTimer(self, singleShot=True, interval=150)
        self._search_timer.timeout.connect(lambda: self._apply_search())
        self._thumb_timer = QTimer(self, singleShot=True, interval=30)
        self._thumb_timer.timeout.connect(self._next_thumbnails)

        ctx.incident_changed.connect(self._on_incident)
        ctx.changed.connect(self._on_changes)
        ctx.selection_changed.connect(self._follow_selection)
        self._rebuild_flag_filter()
        self._update_state()
        if ctx.incident is not None:
            self._on_incident(ctx.incident)

    # --- loading ------------------------------------------------------------------------------------------------
    def _on_incident(self, incident: Incident | None) -> None:
        self.model.clear()
        self._thumb_queue.clear()
        self._rebuild_flag_filter()
        if incident is None:
            self._update_state()
            return
        self._loading = True
        self._update_state()
        self._load_task = self.ctx.workers.run(
            load_media, incident, description="Opening the evidence", on_result=self._on_loaded
        )

    def _on_loaded(self, result: tuple[list[MediaItem], dict[int, int]]) -> None:
        items, counts = result
        self._loading = False
        self.model.set_items(items)
        self.model.set_annotation_counts(counts)
        self._rebuild_flag_filter()
        self._queue_thumbnails(items)
        self._update_state()

    def _on_changes(self, changes: Changes) -> None:
        incident = self.ctx.incident
        if incident is None:
            return
        if "media" in changes or "pixels" in changes:
            self.ctx.workers.run(
                load_media, incident, description="Refreshing the evidence", on_result=self._on_refreshed, visible=False
            )
        elif "annotations" in changes:
            from workbench.core.annotations import annotation_counts

            self.model.set_annotation_counts(annotation_counts(incident))

    def _on_refreshed(self, result: tuple[list[MediaItem], dict[int, int]]) -> None:
        items, counts = result
        known = {i.id: i for i in self.model.items}
        self.model.upsert(items)
        self.model.set_annotation_counts(counts)
        self._rebuild_flag_filter()
        fresh = [i for i in items if i.id not in known or (i.has_thumbnail and not known[i.id].has_thumbnail)]
        self._queue_thumbnails(fresh, front=True)
        self._update_state()

    # --- thumbnails, progressively ------------------------------------------------------------------------------
    def _queue_thumbnails(self, items: list[MediaItem], front: bool = False) -> None:
        wanted = [(i.id, i.kind) for i in items if i.kind in ("image", "video")]
        self._thumb_queue = wanted + self._thumb_queue if front else self._thumb_queue + wanted
        self._schedule_thumbnails()

    def _schedule_thumbnails(self) -> None:
        if self._thumb_queue and self._thumb_task is None:
            self._thumb_timer.start()

    def _next_thumbnails(self) -> None:
        incident = self.ctx.incident
        if incident is None or not self._thumb_queue or self._thumb_task is not None:
            return
        visible = self._visible_ids()
        # What is on screen first, then the rest in order.
        self._thumb_queue.sort(key=lambda pair: pair[0] not in visible)
        batch, self._thumb_queue = self._thumb_queue[:THUMB_BATCH], self._thumb_queue[THUMB_BATCH:]
        self._thumb_task = self.ctx.workers.run(
            load_thumbnails,
            incident,
            batch,
            description="Loading thumbnails",
            on_result=self._on_thumbnails,
            visible=False,
        )
        self._thumb_task.finished.connect(self._thumb_batch_done)

    def _thumb_batch_done(self) -> None:
        self._thumb_task = None
        self._schedule_thumbnails()

    def _on_thumbnails(self, images: dict[int, QImage]) -> None:
        self.model.set_thumbnails({k: QPixmap.fromImage(v) for k, v in images.items()})

    def _visible_ids(self) -> set[int]:
        out: set[int] = set()
        viewport = self.view.viewport().rect()
        top = self.view.indexAt(viewport.topLeft())
        row = top.row() if top.isValid() else 0
        while row < self.proxy.rowCount():
            index = self.proxy.index(row, 0)
            if not self.view.visualRect(index).intersects(viewport):
                if out:
                    break
            else:
                out.add(int(index.data(IdRole)))
            row += 1
            if len(out) > 200:
                break
        return out

    @property
    def thumbnails_pending(self) -> bool:
        return bool(self._thumb_queue) or self._thumb_task is not None

    # --- filters ------------------------------------------------------------------------------------------------
    def _rebuild_flag_filter(self) -> None:
        current = self.flag_box.currentData()
        codes: dict[str, int] = {}
        for item in self.model.items:
            for flag in item.flags:
                codes[flag.code] = codes.get(flag.code, 0) + 1
        self.flag_box.blockSignals(True)
        self.flag_box.clear()
        self.flag_box.addItem("Any flags", None)
        self.flag_box.addItem("Flagged only", "*")
        for code, n in sorted(codes.items()):
            self.flag_box.addItem(f"{_short_flag(code)} ({n})", code)
        pos = self.flag_box.findData(current)
        self.flag_box.setCurrentIndex(max(0, pos))
        self.flag_box.blockSignals(False)

    def _filter_changed(self) -> None:
        self.proxy.set_kind(self.kind_box.currentData())
        self.proxy.set_flag(self.flag_box.currentData())
        self._update_state()

    def _on_search(self, _: str) -> None:
        self._search_timer.start()

    def _apply_search(self) -> None:
        self.proxy.set_search(self.search.text())
        self._update_state()

    def _set_grid(self, grid: bool) -> None:
        self.delegate.grid = grid
        if grid:
            self.view.setViewMode(QListView.ViewMode.IconMode)
            self.view.setFlow(QListView.Flow.LeftToRight)
            self.view.setWrapping(True)
            self.view.setResizeMode(QListView.ResizeMode.Adjust)
            self.view.setGridSize(MediaDelegate.GRID)
            self.view.setMovement(QListView.Movement.Static)
            self.view.setSpacing(0)
        else:
            self.view.setViewMode(QListView.ViewMode.ListMode)
            self.view.setFlow(QListView.Flow.TopToBottom)
            self.view.setWrapping(False)
            self.view.setGridSize(QSize())
        self.grid_button.setIcon(icon("grid" if grid else "list"))
        self.view.doItemsLayout()

    def _update_state(self) -> None:
        total = self.model.rowCount()
        shown = self.proxy.rowCount()
        if self.ctx.incident is None:
            self.empty.setText(
                "<h3>No incident open</h3><p>Create one with <b>File ▸ New incident…</b> (Ctrl+N), open one with "
                "<b>File ▸ Open…</b> (Ctrl+O), or explore the demo with <b>Help ▸ Open the demo incident</b>.</p>"
            )
        elif getattr(self, "_loading", False):
            self.empty.setText("<p>Opening the evidence…</p>")
        elif total == 0:
            self.empty.setText(
                "<h3>No evidence yet</h3><p>Drop photos, videos or whole folders here, or use "
                "<b>File ▸ Add evidence…</b> (Ctrl+Shift+A).</p><p>Files go in unchanged: they are hashed and their "
                "metadata is read; nothing is uploaded anywhere.</p>"
            )
        else:
            self.empty.setText("<h3>Nothing matches</h3><p>Clear the search or the filters to see every item.</p>")
        self.stack.setCurrentIndex(0 if shown else 1)
        if self.ctx.incident is None:
            self.count_label.setText("")
        elif shown == total:
            self.count_label.setText(f"{total} item{'s' if total != 1 else ''}")
        else:
            self.count_label.setText(f"{shown} of {total} items shown")

    # --- selection ------------------------------------------------------------------------------------------------
    def _on_view_selection(self, *_: Any) -> None:
        if self._syncing:
            return
        rows = self.view.selectionModel().selectedIndexes()
        ids = [int(i.data(IdRole)) for i in sorted(rows, key=lambda i: i.row())]
        current = self.view.currentIndex()
        current_id = int(current.data(IdRole)) if current.isValid() and current in rows else None
        self.ctx.select_media(ids, current_id)

    def _follow_selection(self, ids: tuple[int, ...]) -> None:
        selection_model = self.view.selectionModel()
        have = {int(i.data(IdRole)) for i in selection_model.selectedIndexes()}
        if have == set(ids):
            return
        self._syncing = True
        try:
            selection_model.clearSelection()
            for media_id in ids:
                row = self.model.row_of(media_id)
                if row is None:
                    continue
                index = self.proxy.mapFromSource(self.model.index(row))
                if index.isValid():
                    selection_model.select(index, QItemSelectionModel.SelectionFlag.Select)
                    self.view.scrollTo(index)
        finally:
            self._syncing = False

    def select_id(self, media_id: int) -> None:
        """Select one item as if clicked (tests, the window's "go to item")."""
        row = self.model.row_of(media_id)
        if row is None:
            return
        index = self.proxy.mapFromSource(self.model.index(row))
        self.view.setCurrentIndex(index)
        self.view.selectionModel().select(index, QItemSelectionModel.SelectionFlag.ClearAndSelect)
