"""The compare view's canvases. Scene coordinates are STORED pixels of the picture (the reference's, in the swipe
view): a downscaled picture is drawn through a scale transform on its item, so a click maps straight back to the
stored pixel under it, whatever the zoom or the display scale.
"""

from __future__ import annotations

from typing import cast

from PySide6.QtCore import QPointF, QRectF, Qt, Signal
from PySide6.QtGui import (
    QBrush,
    QColor,
    QFont,
    QMouseEvent,
    QPainter,
    QPen,
    QPixmap,
    QResizeEvent,
    QTransform,
    QWheelEvent,
)
from PySide6.QtWidgets import (
    QGraphicsEllipseItem,
    QGraphicsItem,
    QGraphicsLineItem,
    QGraphicsPixmapItem,
    QGraphicsScene,
    QGraphicsSimpleTextItem,
    QGraphicsView,
    QStyleOptionGraphicsItem,
    QWidget,
)

from workbench.gui.panels.common.style import ANNOTATION_COLOURS
from workbench.gui.panels.compare.loading import Shown

ZOOM_MIN, ZOOM_MAX = 0.25, 64.0  # relative to the picture fitted in the view
WHEEL_STEP = 1.25
LANDMARK_COLOUR = ANNOTATION_COLOURS["landmark"]
PENDING_COLOUR = "#1c7ed6"


def picture_item(shown: Shown) -> ClippedPixmapItem:
    """The picture as an item whose local coordinates, through its transform, are stored pixels."""
    item = ClippedPixmapItem(QPixmap.fromImage(shown.image))
    item.setTransformationMode(Qt.TransformationMode.SmoothTransformation)
    item.setTransform(QTransform.fromScale(1.0 / shown.sx, 1.0 / shown.sy))
    return item


class ClippedPixmapItem(QGraphicsPixmapItem):
    """A pixmap drawn only inside a clip rectangle (scene coordinates), or whole when none is set."""

    def __init__(self, pixmap: QPixmap, parent: QGraphicsItem | None = None) -> None:
        super().__init__(pixmap, parent)
        self._clip: QRectF | None = None

    def set_clip(self, scene_rect: QRectF | None) -> None:
        self._clip = None if scene_rect is None else QRectF(scene_rect)
        self.update()

    def clip(self) -> QRectF | None:
        """The visible part in scene coordinates (None: all of it)."""
        return None if self._clip is None else QRectF(self._clip)

    def paint(self, painter: QPainter, option: QStyleOptionGraphicsItem, widget: QWidget | None = None) -> None:
        if self._clip is None:
            super().paint(painter, option, cast(QWidget, widget))
            return
        local = self.mapRectFromScene(self._clip)
        if local.isEmpty():
            return
        painter.save()
        painter.setClipRect(local, Qt.ClipOperation.IntersectClip)
        super().paint(painter, option, cast(QWidget, widget))
        painter.restore()


def marker(point: QPointF, label: str, colour: str, *, filled: bool = True) -> QGraphicsEllipseItem:
    """A landmark dot of constant size on screen, with its label beside it."""
    radius = 5.0
    dot = QGraphicsEllipseItem(-radius, -radius, 2 * radius, 2 * radius)
    dot.setPos(point)
    dot.setFlag(QGraphicsItem.GraphicsItemFlag.ItemIgnoresTransformations, True)
    dot.setPen(QPen(QColor("white"), 1.5))
    dot.setBrush(QBrush(QColor(colour)) if filled else QBrush(Qt.BrushStyle.NoBrush))
    dot.setZValue(10)
    if label:
        text = QGraphicsSimpleTextItem(label, dot)
        font = QFont()
        font.setBold(True)
        text.setFont(font)
        text.setBrush(QBrush(QColor(colour)))
        text.setPen(QPen(QColor("white"), 0.6))
        text.setPos(radius + 3, -radius - 4)
    return dot


class ZoomView(QGraphicsView):
    """A view that zooms with the wheel (under the mouse) and pans by dragging. Its state is (zoom relative to the
    fitted picture, centre as a fraction of the content), so two views of pictures of different sizes can follow
    each other; `state_changed` is emitted on the user's zooms and pans only."""

    state_changed = Signal(float, float, float)  # zoom, centre x, centre y (fractions of the content)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setScene(QGraphicsScene(self))
        self.setRenderHints(QPainter.RenderHint.Antialiasing | QPainter.RenderHint.SmoothPixmapTransform)
        self.setDragMode(QGraphicsView.DragMode.ScrollHandDrag)
        self.setTransformationAnchor(QGraphicsView.ViewportAnchor.AnchorUnderMouse)
        self.setResizeAnchor(QGraphicsView.ViewportAnchor.AnchorViewCenter)
        # Hidden scroll bars still pan (drag); they must not resize the viewport while two views follow each other.
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setBackgroundBrush(QBrush(QColor("#1f2933")))
        self.setMinimumSize(120, 90)
        self._content = QRectF()
        self._zoom = 1.0
        self._centre = (0.5, 0.5)
        self._applying = False
        self.horizontalScrollBar().valueChanged.connect(self._scrolled)
        self.verticalScrollBar().valueChanged.connect(self._scrolled)

    # --- state ------------------------------------------------------------------------------------------------
    def content_rect(self) -> QRectF:
        return QRectF(self._content)

    def set_content_rect(self, rect: QRectF) -> None:
        self._content = QRectF(rect)
        margin = max(rect.width(), rect.height()) * 2 if not rect.isEmpty() else 0.0
        self._applying = True  # the scroll bars move with the new scene rect: that is no pan of the user's
        try:
            # Room around the picture, so a zoomed picture can be panned to any of its edges.
            self.scene().setSceneRect(rect.adjusted(-margin, -margin, margin, margin))
        finally:
            self._applying = False
        self.set_state(self._zoom, *self._centre)

    def fit_scale(self) -> float:
        if self._content.isEmpty():
            return 1.0
        vp = self.viewport().rect()
        return max(1e-6, min(vp.width() / self._content.width(), vp.height() / self._content.height()))

    def state(self) -> tuple[float, float, float]:
        return (self._zoom, *self._centre)

    def set_state(self, zoom: float, cx: float, cy: float) -> None:
        """Show the content at `zoom` times the fitted scale, centred on (cx, cy) fractions of it; emits nothing."""
        self._zoom = min(ZOOM_MAX, max(ZOOM_MIN, zoom))
        self._centre = (cx, cy)
        if self._content.isEmpty():
            return
        self._applying = True
        try:
            s = self.fit_scale() * self._zoom
            self.setTransform(QTransform.fromScale(s, s))
            c = self._content
            self.centerOn(QPointF(c.left() + cx * c.width(), c.top() + cy * c.height()))
        finally:
            self._applying = False

    def reset_view(self) -> None:
        self.set_state(1.0, 0.5, 0.5)

    def _read_centre(self) -> tuple[float, float]:
        c = self._content
        if c.isEmpty():
            return 0.5, 0.5
        p = self.mapToScene(self.viewport().rect().center())
        return (p.x() - c.left()) / c.width(), (p.y() - c.top()) / c.height()

    def _scrolled(self) -> None:
        if self._applying or self._content.isEmpty():
            return
        self._centre = self._read_centre()
        self.state_changed.emit(self._zoom, *self._centre)

    # --- events -----------------------------------------------------------------------------------------------
    def wheelEvent(self, event: QWheelEvent) -> None:
        steps = event.angleDelta().y() / 120.0
        if not steps or self._content.isEmpty():
            event.ignore()
            return
        new = min(ZOOM_MAX, max(ZOOM_MIN, self._zoom * WHEEL_STEP**steps))
        factor = new / self._zoom
        self._zoom = new
        self._applying = True
        try:
            self.scale(factor, factor)  # anchored under the mouse
        finally:
            self._applying = False
        self._centre = self._read_centre()
        self.state_changed.emit(self._zoom, *self._centre)
        event.accept()

    def resizeEvent(self, event: QResizeEvent) -> None:
        self._applying = True  # Qt moves the scroll bars for the new size: no pan of the user's either
        try:
            super().resizeEvent(event)
        finally:
            self._applying = False
        self.set_state(self._zoom, *self._centre)

    def mouseDoubleClickEvent(self, event: QMouseEvent) -> None:
        self.reset_view()
        self.state_changed.emit(self._zoom, *self._centre)
        event.accept()


class PictureView(ZoomView):
    """One picture, its linked landmarks, and (in link mode) a click that picks a stored pixel."""

    point_picked = Signal(QPointF)  # stored pixels

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.shown: Shown | None = None
        self.item: QGraphicsPixmapItem | None = None
        self._markers: list[QGraphicsItem] = []
        self._pending: QGraphicsItem | None = None
        self._picking = False

    @property
    def has_picture(self) -> bool:
        return self.shown is not None

    def set_picture(self, shown: Shown | None) -> None:
        self.scene().clear()  # the markers go with it
        self._markers, self._pending, self.item, self.shown = [], None, None, shown
        if shown is None:
            self.set_content_rect(QRectF())
            return
        self.item = picture_item(shown)
        self.scene().addItem(self.item)
        self._zoom, self._centre = 1.0, (0.5, 0.5)
        self.set_content_rect(QRectF(0, 0, shown.stored_width, shown.stored_height))

    def set_landmarks(self, points: list[tuple[float, float, str]]) -> None:
        for m in self._markers:
            self.scene().removeItem(m)
        self._markers = []
        if self.shown is None:
            return
        for x, y, label in points:
            m = marker(QPointF(x, y), label, LANDMARK_COLOUR)
            self.scene().addItem(m)
            self._markers.append(m)

    def set_pending(self, point: QPointF | None) -> None:
        if self._pending is not None:
            self.scene().removeItem(self._pending)
            self._pending = None
        if point is not None and self.shown is not None:
            self._pending = marker(point, "?", PENDING_COLOUR)
            self.scene().addItem(self._pending)

    def set_picking(self, on: bool) -> None:
        self._picking = on
        self.setDragMode(QGraphicsView.DragMode.NoDrag if on else QGraphicsView.DragMode.ScrollHandDrag)
        self.viewport().setCursor(Qt.CursorShape.CrossCursor if on else Qt.CursorShape.OpenHandCursor)

    def mousePressEvent(self, event: QMouseEvent) -> None:
        if self._picking and self.shown is not None and event.button() == Qt.MouseButton.LeftButton:
            p = self.mapToScene(event.position().toPoint())
            if self.content_rect().contains(p):
                self.point_picked.emit(p)
            event.accept()
            return
        super().mousePressEvent(event)


class SwipeView(ZoomView):
    """The reference over the photo in one view: left of the divider the reference (at its opacity, over the
    photo), right of it the photo. The photo is scaled to the reference's width, centres together; scene units
    are the reference's stored pixels."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.reference: ClippedPixmapItem | None = None
        self.photo: ClippedPixmapItem | None = None
        self.divider = QGraphicsLineItem()
        pen = QPen(QColor("#ffd43b"), 2)
        pen.setCosmetic(True)
        self.divider.setPen(pen)
        self.divider.setZValue(5)
        self._fraction = 0.5
        self._opacity = 1.0

    def set_pictures(self, reference: Shown | None, photo: Shown | None) -> None:
        scene = self.scene()
        if self.divider.scene() is not None:
            scene.removeItem(self.divider)
        scene.clear()
        scene.addItem(self.divider)
        self.reference = self.photo = None
        rect = QRectF()
        if reference is not None:
            width = float(reference.stored_width)
            rect = QRectF(0, 0, width, reference.stored_height)
            if photo is not None:
                self.photo = picture_item(photo)
                k = width / photo.stored_width  # photo stored pixels → reference stored pixels
                self.photo.setTransform(QTransform.fromScale(k / photo.sx, k / photo.sy))
                top = (reference.stored_height - photo.stored_height * k) / 2  # centres one above the other
                self.photo.setPos(0, top)
                self.photo.setZValue(0)
                scene.addItem(self.photo)
                rect = rect.united(QRectF(0, top, width, photo.stored_height * k))
            self.reference = picture_item(reference)
            self.reference.setZValue(1)
            scene.addItem(self.reference)
        self.divider.setVisible(reference is not None and photo is not None)
        self._zoom, self._centre = 1.0, (0.5, 0.5)
        self.set_content_rect(rect)
        self._update_clip()
        self.set_opacity(self._opacity)

    def divider_x(self) -> float:
        """Where the divider stands, in the reference's stored pixels."""
        c = self.content_rect()
        return c.left() + self._fraction * c.width()

    def set_fraction(self, fraction: float) -> None:
        self._fraction = min(1.0, max(0.0, fraction))
        self._update_clip()

    def set_opacity(self, opacity: float) -> None:
        self._opacity = min(1.0, max(0.0, opacity))
        if self.reference is not None:
            self.reference.setOpacity(self._opacity)

    def _update_clip(self) -> None:
        c = self.content_rect()
        if self.reference is None or c.isEmpty():
            return
        x = self.divider_x()
        if self.photo is None:  # nothing to swipe to: the reference alone
            self.reference.set_clip(None)
            return
        # The photo stays whole underneath: left of the divider it shows through the reference's opacity.
        self.reference.set_clip(QRectF(c.left(), c.top(), x - c.left(), c.height()))
        self.divider.setLine(x, c.top(), x, c.bottom())
