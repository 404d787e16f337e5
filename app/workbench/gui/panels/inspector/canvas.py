"""The image canvas: zoom, pan, loupe, EXIF orientation, forensic overlay and annotation drawing and editing.

Everything that belongs to the picture (the pixels, a forensic layer, the annotations) is a child of one
`QGraphicsPixmapItem` holding the STORED pixels; EXIF orientation is a transform on that item. So annotations
are drawn and stored in stored-pixel coordinates and stay on their pixels under any zoom or orientation, and
turning orientation off shows the stored pixels as they are.
"""

from __future__ import annotations

import math
from typing import Any

from PySide6.QtCore import QLineF, QPointF, QRect, QRectF, QSize, Qt, Signal
from PySide6.QtGui import (
    QBrush,
    QColor,
    QFont,
    QImage,
    QKeyEvent,
    QMouseEvent,
    QPainter,
    QPainterPath,
    QPen,
    QPixmap,
    QPolygonF,
    QTransform,
    QWheelEvent,
)
from PySide6.QtWidgets import (
    QGraphicsItem,
    QGraphicsObject,
    QGraphicsPixmapItem,
    QGraphicsScene,
    QGraphicsView,
    QStyleOptionGraphicsItem,
    QWidget,
)

from workbench.core.annotations import Annotation, geometry_points
from workbench.gui.panels.common.style import ANNOTATION_COLOURS

TOOLS = ("select", "rect", "ellipse", "polygon", "point", "line", "arrow", "text")
ZOOM_MIN, ZOOM_MAX = 0.02, 64.0


def orientation_transform(orientation: int, width: int, height: int) -> QTransform:
    """The transform from stored pixels to pixels as shown, for EXIF Orientation 1-8 (matches exif_transpose)."""
    w, h = float(width), float(height)
    t = {
        1: QTransform(),
        2: QTransform(-1, 0, 0, 1, w, 0),
        3: QTransform(-1, 0, 0, -1, w, h),
        4: QTransform(1, 0, 0, -1, 0, h),
        5: QTransform(0, 1, 1, 0, 0, 0),
        6: QTransform(0, 1, -1, 0, h, 0),
        7: QTransform(0, -1, -1, 0, h, w),
        8: QTransform(0, -1, 1, 0, 0, w),
    }
    return t.get(orientation, QTransform())


def _arrow_head(line: QLineF, size: float) -> QPolygonF:
    angle = math.atan2(line.dy(), line.dx())
    tip = line.p2()
    left = QPointF(tip.x() - size * math.cos(angle - 0.45), tip.y() - size * math.sin(angle - 0.45))
    right = QPointF(tip.x() - size * math.cos(angle + 0.45), tip.y() - size * math.sin(angle + 0.45))
    return QPolygonF([tip, left, right])


def _to_geometry(shape: str, points: list[QPointF]) -> dict[str, Any]:
    if shape in ("rect", "ellipse"):
        a, b = points[0], points[1]
        x, y = min(a.x(), b.x()), min(a.y(), b.y())
        return {
            "x": round(x, 2),
            "y": round(y, 2),
            "w": round(abs(b.x() - a.x()), 2),
            "h": round(abs(b.y() - a.y()), 2),
        }
    if shape in ("polygon", "line", "arrow"):
        return {"points": [[round(p.x(), 2), round(p.y(), 2)] for p in points]}
    return {"x": round(points[0].x(), 2), "y": round(points[0].y(), 2)}


class AnnotationItem(QGraphicsObject):
    """One annotation over the image, in stored-pixel coordinates (its parent is the stored-pixel item).

    Drag the body to move it, a handle to reshape it; on release `edited(id, geometry)` is emitted by the canvas.
    """

    HANDLE_PX = 7.0

    def __init__(self, record: Annotation, parent: QGraphicsItem) -> None:
        super().__init__(parent)
        self.record = record
        self.points = [QPointF(x, y) for x, y in geometry_points(record.shape, record.geometry)]
        self.setFlag(QGraphicsItem.GraphicsItemFlag.ItemIsSelectable, True)
        self.setAcceptHoverEvents(True)
        self.setZValue(10)
        self._drag: tuple[str, int, QPointF, list[QPointF]] | None = None
        self.setToolTip(self._tooltip())

    def _tooltip(self) -> str:
        r = self.record
        text = f"<b>{r.label or r.shape}</b> · {r.category}"
        if r.confidence is not None:
            text += f" · {round(r.confidence * 100)}%"
        if r.note:
            text += f"<br>{r.note}"
        return text

    @property
    def shape_name(self) -> str:
        return self.record.shape

    def colour(self) -> QColor:
        return QColor(ANNOTATION_COLOURS.get(self.record.category, "#f08c00"))

    def _scale(self) -> float:
        """Screen pixels per stored pixel, so handles and text keep their size under zoom."""
        scene = self.scene()
        if scene is None or not scene.views():
            return 1.0
        t = self.deviceTransform(scene.views()[0].viewportTransform())
        return max(1e-6, math.sqrt(abs(t.determinant())))

    def geometry(self) -> dict[str, Any]:
        return _to_geometry(self.record.shape, self.points)

    def boundingRect(self) -> QRectF:
        pad = (self.HANDLE_PX + 16) / self._scale()
        xs = [p.x() for p in self.points]
        ys = [p.y() for p in self.points]
        rect = QRectF(min(xs), min(ys), max(xs) - min(xs), max(ys) - min(ys))
        if self.record.shape in ("point", "text"):
            extra = 160 / self._scale()
            rect = rect.adjusted(-extra, -extra, extra, extra)
        return rect.adjusted(-pad, -pad, pad, pad)

    def _path(self) -> QPainterPath:
        path = QPainterPath()
        s = self.record.shape
        if s in ("rect", "ellipse"):
            r = QRectF(self.points[0], self.points[1]).normalized()
            path.addRect(r) if s == "rect" else path.addEllipse(r)
        elif s == "polygon":
            path.addPolygon(QPolygonF([*self.points, self.points[0]]))
        elif s in ("line", "arrow"):
            path.moveTo(self.points[0])
            path.lineTo(self.points[1])
        else:
            radius = 9 / self._scale()
            path.addEllipse(self.points[0], radius, radius)
        return path

    def shape(self) -> QPainterPath:
        from PySide6.QtGui import QPainterPathStroker

        stroker = QPainterPathStroker()
        stroker.setWidth(10 / self._scale())
        path = self._path()
        out = stroker.createStroke(path)
        if self.record.shape in ("rect", "ellipse", "polygon", "point"):
            out = out.united(path)
        # Handles overlap the outline: with the default odd-even rule the overlap would be a hole that ignores clicks.
        out.setFillRule(Qt.FillRule.WindingFill)
        if self.record.shape == "text":
            out.addRect(self._text_rect())
        if self.isSelected():
            for h in self._handles():
                out.addRect(h)
        return out

    def _text_rect(self) -> QRectF:
        s = self._scale()
        text = self.record.label or "Text"
        width = (len(text) * 8 + 16) / s
        return QRectF(self.points[0].x(), self.points[0].y() - 24 / s, width, 22 / s)

    def _handles(self) -> list[QRectF]:
        size = self.HANDLE_PX / self._scale()
        return [QRectF(p.x() - size, p.y() - size, 2 * size, 2 * size) for p in self.points]

    def paint(self, painter: QPainter, option: QStyleOptionGraphicsItem, widget: QWidget | None = None) -> None:
        colour = self.colour()
        selected = self.isSelected()
        s = self._scale()
        halo = QPen(QColor(0, 0, 0, 150), 4.5 if selected else 3.5)
        halo.setCosmetic(True)
        pen = QPen(colour, 2.6 if selected else 2.0)
        pen.setCosmetic(True)
        if selected:
            pen.setStyle(Qt.PenStyle.SolidLine)
        path = self._path()
        fill = QColor(colour)
        fill.setAlpha(50 if selected else 28)
        shape = self.record.shape
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        if shape == "text":
            rect = self._text_rect()
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(QColor(20, 24, 31, 200))
            painter.drawRoundedRect(rect, 3 / s, 3 / s)
            font = QFont()
            font.setPixelSize(max(1, round(13 / s)))
            font.setWeight(QFont.Weight.DemiBold)
            painter.setFont(font)
            painter.setPen(QColor("white"))
            painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, self.record.label or "Text")
            painter.setPen(pen)
            painter.drawLine(self.points[0], self.points[0] + QPointF(0, 6 / s))
        else:
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.setPen(halo)
            painter.drawPath(path)
            painter.setPen(pen)
            painter.setBrush(
                QBrush(fill) if shape in ("rect", "ellipse", "polygon", "point") else Qt.BrushStyle.NoBrush
            )
            painter.drawPath(path)
            if shape == "arrow":
                head = _arrow_head(QLineF(self.points[0], self.points[1]), 14 / s)
                painter.setBrush(colour)
                painter.drawPolygon(head)
            if shape == "point":
                painter.setBrush(colour)
                painter.drawEllipse(self.points[0], 2.5 / s, 2.5 / s)
            if self.record.label:
                self._draw_label(painter, s, colour)
        if selected:
            hp = QPen(QColor("white"), 1.2)
            hp.setCosmetic(True)
            painter.setPen(hp)
            painter.setBrush(colour)
            for h in self._handles():
                painter.drawRect(h)

    def _draw_label(self, painter: QPainter, s: float, colour: QColor) -> None:
        xs = [p.x() for p in self.points]
        ys = [p.y() for p in self.points]
        anchor = QPointF(min(xs), min(ys) - 4 / s)
        font = QFont()
        font.setPixelSize(max(1, round(12 / s)))
        font.setWeight(QFont.Weight.DemiBold)
        painter.setFont(font)
        width = (len(self.record.label) * 7 + 10) / s
        rect = QRectF(anchor.x(), anchor.y() - 17 / s, width, 17 / s)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(colour)
        painter.drawRect(rect)
        painter.setPen(QColor("white"))
        painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, self.record.label)

    # --- editing ------------------------------------------------------------------------------------------------
    def mousePressEvent(self, event: Any) -> None:
        if event.button() != Qt.MouseButton.LeftButton:
            event.ignore()
            return
        pos = event.pos()
        mode, index = "move", -1
        if self.isSelected():
            for i, h in enumerate(self._handles()):
                if h.contains(pos):
                    mode, index = "handle", i
                    break
        self._drag = (mode, index, pos, [QPointF(p) for p in self.points])
        super().mousePressEvent(event)
        event.accept()

    def mouseMoveEvent(self, event: Any) -> None:
        if self._drag is None:
            return
        mode, index, start, original = self._drag
        delta = event.pos() - start
        self.prepareGeometryChange()
        if mode == "handle":
            self.points[index] = original[index] + delta
        else:
            self.points = [p + delta for p in original]
        self.update()

    def mouseReleaseEvent(self, event: Any) -> None:
        if self._drag is None:
            return
        _, _, _, original = self._drag
        self._drag = None
        super().mouseReleaseEvent(event)
        if any(a != b for a, b in zip(original, self.points, strict=True)):
            canvas = self.scene().views()[0] if self.scene() and self.scene().views() else None
            if isinstance(canvas, ImageCanvas):
                geometry = self.geometry()
                if self.record.shape in ("rect", "ellipse") and (geometry["w"] < 1 or geometry["h"] < 1):
                    self.points = original  # a box squashed flat is refused; put it back
                    self.update()
                    return
                canvas.annotation_edited.emit(self.record.id, geometry)


class ImageCanvas(QGraphicsView):
    """Shows one picture. Signals carry stored-pixel coordinates."""

    hovered = Signal(float, float)  # stored-pixel x, y under the cursor (NaN when outside)
    zoom_changed = Signal(float)
    annotation_drawn = Signal(str, dict)  # shape, geometry
    annotation_edited = Signal(int, dict)  # annotation id, new geometry
    annotation_clicked = Signal(object)  # annotation id or None
    tool_finished = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("ImageCanvas")
        self._scene = QGraphicsScene(self)
        # Annotation outlines and handles keep a constant size on screen, so their bounds change with the zoom:
        # a spatial index would go stale. A picture has a handful of annotations, so no index is needed.
        self._scene.setItemIndexMethod(QGraphicsScene.ItemIndexMethod.NoIndex)
        self.setScene(self._scene)
        self.setRenderHints(QPainter.RenderHint.Antialiasing | QPainter.RenderHint.SmoothPixmapTransform)
        self.setTransformationAnchor(QGraphicsView.ViewportAnchor.AnchorUnderMouse)
        self.setResizeAnchor(QGraphicsView.ViewportAnchor.AnchorViewCenter)
        self.setViewportUpdateMode(QGraphicsView.ViewportUpdateMode.SmartViewportUpdate)
        self.setDragMode(QGraphicsView.DragMode.ScrollHandDrag)
        self.setMouseTracking(True)
        self.setBackgroundBrush(QColor("#2a2f36"))
        self.base = QGraphicsPixmapItem()
        self.base.setTransformationMode(Qt.TransformationMode.SmoothTransformation)
        self.base.setShapeMode(QGraphicsPixmapItem.ShapeMode.BoundingRectShape)
        self._scene.addItem(self.base)
        self.overlay = QGraphicsPixmapItem(self.base)
        self.overlay.setZValue(5)
        self.overlay.setVisible(False)
        self.standalone = QGraphicsPixmapItem()  # a layer that is not a picture of the same pixels (tables)
        self.standalone.setVisible(False)
        self._scene.addItem(self.standalone)
        self.image = QImage()
        self.orientation = 1
        self.apply_orientation = True
        self.tool = "select"
        self.annotations_editable = True
        self._items: dict[int, AnnotationItem] = {}
        self._draft_points: list[QPointF] = []
        self._draft_item: Any = None
        self._fitted = True
        self.loupe_enabled = False
        self._loupe_pos: QPointF | None = None
        self._pan_from: QPointF | None = None
        self._scene.selectionChanged.connect(self._on_scene_selection)

    # --- content ------------------------------------------------------------------------------------------------
    def set_image(self, image: QImage, orientation: int = 1, *, keep_view: bool = False) -> None:
        self.image = image
        self.orientation = orientation if 1 <= orientation <= 8 else 1
        self.base.setPixmap(QPixmap.fromImage(image))
        self.overlay.setVisible(False)
        self.standalone.setVisible(False)
        self.base.setVisible(True)
        self._apply_transform()
        if not keep_view:
            self.fit()

    def clear(self) -> None:
        self.set_annotations([])
        self.image = QImage()
        self.base.setPixmap(QPixmap())
        self.overlay.setVisible(False)
        self.standalone.setVisible(False)
        self._scene.setSceneRect(QRectF())

    def set_apply_orientation(self, on: bool) -> None:
        self.apply_orientation = on
        self._apply_transform()
        self.fit()

    def _apply_transform(self) -> None:
        t = orientation_transform(
            self.orientation if self.apply_orientation else 1, self.image.width(), self.image.height()
        )
        self.base.setTransform(t)
        rect = self.base.mapRectToScene(self.base.boundingRect())
        if self.standalone.isVisible():
            rect = self.standalone.sceneBoundingRect()
        self._scene.setSceneRect(rect)

    def set_overlay(self, image: QImage | None, opacity: float = 1.0) -> None:
        """A forensic layer over the picture (same size as the stored pixels), or a standalone picture."""
        if image is None or image.isNull():
            self.overlay.setVisible(False)
            self.standalone.setVisible(False)
            self.base.setVisible(True)
            self._apply_transform()
            return
        if image.size() == self.image.size():
            self.standalone.setVisible(False)
            self.base.setVisible(True)
            self.overlay.setPixmap(QPixmap.fromImage(image))
            self.overlay.setOpacity(opacity)
            self.overlay.setVisible(True)
            self._apply_transform()
        else:
            self.overlay.setVisible(False)
            self.base.setVisible(False)
            self.standalone.setPixmap(QPixmap.fromImage(image))
            self.standalone.setVisible(True)
            self._apply_transform()
            self.fit()

    def set_overlay_opacity(self, opacity: float) -> None:
        self.overlay.setOpacity(opacity)

    def set_annotations(self, records: list[Annotation]) -> None:
        selected = {i for i, item in self._items.items() if item.isSelected()}
        for item in self._items.values():
            self._scene.removeItem(item)
        self._items = {}
        for record in records:
            item = AnnotationItem(record, self.base)
            item.setFlag(QGraphicsItem.GraphicsItemFlag.ItemIsSelectable, self.annotations_editable)
            self._items[record.id] = item
            if record.id in selected:
                item.setSelected(True)

    def annotation_item(self, annotation_id: int) -> AnnotationItem | None:
        return self._items.get(annotation_id)

    def select_annotation(self, annotation_id: int | None) -> None:
        self._scene.blockSignals(True)
        for aid, item in self._items.items():
            item.setSelected(aid == annotation_id)
        self._scene.blockSignals(False)
        chosen = self._items.get(annotation_id) if annotation_id is not None else None
        if chosen is not None:
            item = chosen
            self.ensureVisible(item.mapRectToScene(item.boundingRect()), 40, 40)

    def _on_scene_selection(self) -> None:
        chosen = [aid for aid, item in self._items.items() if item.isSelected()]
        self.annotation_clicked.emit(chosen[0] if chosen else None)

    # --- coordinates --------------------------------------------------------------------------------------------
    def to_stored(self, view_pos: QPointF | Any) -> QPointF:
        return self.base.mapFromScene(
            self.mapToScene(view_pos.toPoint() if isinstance(view_pos, QPointF) else view_pos)
        )

    def from_stored(self, x: float, y: float) -> QPointF:
        """View (widget) coordinates of a stored pixel position (tests drive the mouse with these)."""
        return QPointF(self.mapFromScene(self.base.mapToScene(QPointF(x, y))))

    # --- zoom and pan -------------------------------------------------------------------------------------------
    @property
    def zoom(self) -> float:
        return math.sqrt(abs(self.transform().determinant()))

    def set_zoom(self, factor: float) -> None:
        factor = max(ZOOM_MIN, min(ZOOM_MAX, factor))
        current = self.zoom or 1.0
        self.scale(factor / current, factor / current)
        self._fitted = False
        self._pixelated()
        self.zoom_changed.emit(self.zoom)

    def zoom_by(self, step: float) -> None:
        self.set_zoom(self.zoom * step)

    def fit(self) -> None:
        item = self.standalone if self.standalone.isVisible() else self.base
        rect = item.sceneBoundingRect()
        if rect.isEmpty():
            return
        self.resetTransform()
        self.fitInView(rect, Qt.AspectRatioMode.KeepAspectRatio)
        self.scale(0.98, 0.98)  # a small margin, so the frame never needs scroll bars when it fits
        if self.zoom > 4:
            self.resetTransform()
            self.scale(4, 4)
        self._fitted = True
        self._pixelated()
        self.zoom_changed.emit(self.zoom)

    def actual_size(self) -> None:
        self.set_zoom(1.0)

    def _pixelated(self) -> None:
        # Past 2x, show pixels as squares: a fact-checker counts them.
        mode = (
            Qt.TransformationMode.FastTransformation if self.zoom >= 2 else Qt.TransformationMode.SmoothTransformation
        )
        self.base.setTransformationMode(mode)
        self.overlay.setTransformationMode(mode)

    def wheelEvent(self, event: QWheelEvent) -> None:
        steps = event.angleDelta().y() / 120.0
        if steps:
            self.zoom_by(1.2**steps)
        event.accept()

    def resizeEvent(self, event: Any) -> None:
        super().resizeEvent(event)
        if self._fitted:
            self.fit()

    # --- tools --------------------------------------------------------------------------------------------------
    def set_tool(self, tool: str) -> None:
        if tool not in TOOLS:
            raise ValueError(tool)
        self._cancel_draft()
        self.tool = tool
        drawing = tool != "select"
        self.setDragMode(QGraphicsView.DragMode.NoDrag if drawing else QGraphicsView.DragMode.ScrollHandDrag)
        self.viewport().setCursor(Qt.CursorShape.CrossCursor if drawing else Qt.CursorShape.ArrowCursor)

    def _cancel_draft(self) -> None:
        if self._draft_item is not None:
            self._scene.removeItem(self._draft_item)
        self._draft_item = None
        self._draft_points = []

    def _inside(self, p: QPointF) -> QPointF:
        w, h = self.image.width(), self.image.height()
        return QPointF(min(max(p.x(), 0.0), float(w)), min(max(p.y(), 0.0), float(h)))

    def _draw_draft(self) -> None:
        from PySide6.QtWidgets import QGraphicsPathItem

        if self._draft_item is None:
            self._draft_item = QGraphicsPathItem(self.base)
            pen = QPen(QColor("#ffd43b"), 2, Qt.PenStyle.DashLine)
            pen.setCosmetic(True)
            self._draft_item.setPen(pen)
            self._draft_item.setZValue(20)
        path = QPainterPath()
        pts = self._draft_points
        if self.tool in ("rect", "ellipse") and len(pts) == 2:
            r = QRectF(pts[0], pts[1]).normalized()
            path.addRect(r) if self.tool == "rect" else path.addEllipse(r)
        elif pts:
            path.moveTo(pts[0])
            for p in pts[1:]:
                path.lineTo(p)
        self._draft_item.setPath(path)

    def mousePressEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.MiddleButton:
            self._pan_from = event.position()
            event.accept()
            return
        if self.tool == "select" or not self.annotations_editable or self.image.isNull():
            if self.tool == "select" and self.itemAt(event.position().toPoint()) in (self.base, self.overlay, None):
                self._scene.clearSelection()
            super().mousePressEvent(event)
            return
        if event.button() != Qt.MouseButton.LeftButton:
            self._cancel_draft()
            return
        p = self._inside(self.to_stored(event.position()))
        if self.tool in ("point", "text"):
            self.annotation_drawn.emit(self.tool, _to_geometry(self.tool, [p]))
            self.tool_finished.emit()
            return
        if self.tool == "polygon":
            if not self._draft_points:
                self._draft_points = [p, QPointF(p)]
            else:
                self._draft_points[-1] = p
                self._draft_points.append(QPointF(p))
            self._draw_draft()
            return
        self._draft_points = [p, QPointF(p)]
        self._draw_draft()

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        pan_from = self._pan_from
        if pan_from is not None:
            delta = event.position() - pan_from
            self._pan_from = event.position()
            self.horizontalScrollBar().setValue(self.horizontalScrollBar().value() - int(delta.x()))
            self.verticalScrollBar().setValue(self.verticalScrollBar().value() - int(delta.y()))
            return
        stored = self.to_stored(event.position())
        inside = 0 <= stored.x() < self.image.width() and 0 <= stored.y() < self.image.height()
        self.hovered.emit(stored.x() if inside else math.nan, stored.y() if inside else math.nan)
        if self.loupe_enabled:
            self._loupe_pos = event.position()
            self.viewport().update()
        if self._draft_points and self.tool != "select":
            self._draft_points[-1] = self._inside(stored)
            self._draw_draft()
            return
        super().mouseMoveEvent(event)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.MiddleButton:
            self._pan_from = None
            return
        if self.tool in ("rect", "ellipse", "line", "arrow") and len(self._draft_points) == 2:
            a, b = self._draft_points
            self._cancel_draft()
            if QLineF(a, b).length() * self.zoom < 4:  # a click, not a drag: nothing to keep
                return
            if self.tool in ("rect", "ellipse") and (abs(a.x() - b.x()) < 1 or abs(a.y() - b.y()) < 1):
                return
            self.annotation_drawn.emit(self.tool, _to_geometry(self.tool, [a, b]))
            self.tool_finished.emit()
            return
        super().mouseReleaseEvent(event)

    def mouseDoubleClickEvent(self, event: QMouseEvent) -> None:
        if self.tool == "polygon":
            if self._draft_points:
                self._draft_points[-1] = self._inside(self.to_stored(event.position()))
            self.finish_polygon(keep_last=True)
            return
        super().mouseDoubleClickEvent(event)

    def finish_polygon(self, keep_last: bool = False) -> None:
        """Close the polygon being drawn. The last point follows the pointer: kept only for a double click."""
        pts = self._draft_points if keep_last or len(self._draft_points) < 2 else self._draft_points[:-1]
        # A double click adds the same point twice: drop repeats.
        unique: list[QPointF] = []
        for p in pts:
            if not unique or QLineF(unique[-1], p).length() > 0.5:
                unique.append(p)
        self._cancel_draft()
        if len(unique) >= 3:
            self.annotation_drawn.emit("polygon", _to_geometry("polygon", unique))
            self.tool_finished.emit()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self.tool == "polygon":
            self.finish_polygon()
            return
        if event.key() == Qt.Key.Key_Escape and self._draft_points:
            self._cancel_draft()
            return
        super().keyPressEvent(event)

    def leaveEvent(self, event: Any) -> None:
        self._loupe_pos = None
        self.hovered.emit(math.nan, math.nan)
        self.viewport().update()
        super().leaveEvent(event)

    # --- loupe --------------------------------------------------------------------------------------------------
    def set_loupe(self, on: bool) -> None:
        self.loupe_enabled = on
        if not on:
            self._loupe_pos = None
        self.viewport().update()

    def drawForeground(self, painter: QPainter, rect: Any) -> None:
        super().drawForeground(painter, rect)
        if not self.loupe_enabled or self._loupe_pos is None or self.image.isNull():
            return
        size = 180
        magnification = 4.0
        centre = self._loupe_pos
        source_view = QRectF(
            centre.x() - size / (2 * magnification),
            centre.y() - size / (2 * magnification),
            size / magnification,
            size / magnification,
        )
        source_scene = self.mapToScene(source_view.toRect()).boundingRect()
        lens = QPixmap(QSize(size, size))
        lens.fill(QColor("#2a2f36"))
        lp = QPainter(lens)
        self._scene.render(lp, QRectF(0, 0, size, size), source_scene, Qt.AspectRatioMode.IgnoreAspectRatio)
        lp.end()
        painter.save()
        painter.resetTransform()
        target = QRect(int(centre.x() + 24), int(centre.y() + 24), size, size)
        vp = self.viewport().rect()
        if target.right() > vp.right():
            target.moveRight(int(centre.x() - 24))
        if target.bottom() > vp.bottom():
            target.moveBottom(int(centre.y() - 24))
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        clip = QPainterPath()
        clip.addEllipse(QRectF(target))
        painter.setClipPath(clip)
        painter.drawPixmap(target, lens)
        painter.setClipping(False)
        painter.setPen(QPen(QColor("white"), 2))
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawEllipse(QRectF(target))
        c = QRectF(target).center()
        painter.setPen(QPen(QColor(255, 255, 255, 180), 1))
        painter.drawLine(QPointF(c.x() - 8, c.y()), QPointF(c.x() + 8, c.y()))
        painter.drawLine(QPointF(c.x(), c.y() - 8), QPointF(c.x(), c.y() + 8))
        painter.restore()
