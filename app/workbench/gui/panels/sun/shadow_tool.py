"""The shadow tool: draw an object (base → top) and its shadow (base → tip) on the photo, get the sun's elevation.

Click three points per measurement: the object's base, its top, then the shadow's tip. Each point is trusted to
±N px (default 3, adjustable); several measurements in one image are combined by the core (their disagreement
widens the interval). The assumptions (vertical object, flat ground, shadow on the same plane, square-on view)
are listed as check boxes for the analyst to confirm. `measurementsChanged` carries the tuple of
`ShadowMeasurement`s (each has `to_json()` for the incident); the sun panel takes them via `set_measurements`.

This widget is self-contained so the media inspector can embed it (or reuse `measurement_from_points`).
"""

from __future__ import annotations

from PySide6.QtCore import QPointF, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QImage, QMouseEvent, QPen, QPixmap
from PySide6.QtWidgets import (
    QCheckBox,
    QDoubleSpinBox,
    QFormLayout,
    QGraphicsEllipseItem,
    QGraphicsItem,
    QGraphicsLineItem,
    QGraphicsPixmapItem,
    QGraphicsScene,
    QGraphicsView,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from workbench.core.errors import WorkbenchError
from workbench.core.sun import shadows
from workbench.core.sun.shadows import Point, ShadowMeasurement

STEPS = ("object base", "object top", "shadow tip")
OBJECT_PEN = QColor(25, 113, 194)
SHADOW_PEN = QColor(232, 89, 12)


class _ImageView(QGraphicsView):
    clicked = Signal(float, float)

    def __init__(self, scene: QGraphicsScene) -> None:
        super().__init__(scene)
        self.setRenderHints(self.renderHints())
        self.setDragMode(QGraphicsView.DragMode.NoDrag)

    def mousePressEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton:
            p = self.mapToScene(event.position().toPoint())
            self.clicked.emit(p.x(), p.y())
            event.accept()
            return
        super().mousePressEvent(event)

    def wheelEvent(self, event) -> None:  # type: ignore[no-untyped-def]
        factor = 1.25 if event.angleDelta().y() > 0 else 0.8
        self.scale(factor, factor)


def measurement_from_points(
    base: Point,
    top: Point,
    tip: Point,
    *,
    error_px: float,
    confirmed: list[str],
    object_height_m: float | None = None,
    camera_bearing: float | None = None,
    label: str = "",
) -> ShadowMeasurement:
    m = shadows.measure_pixels(
        base, top, tip, error_px=error_px, object_height_m=object_height_m, camera_bearing=camera_bearing, label=label
    )
    return m.confirm(*confirmed) if confirmed else m


class ShadowTool(QWidget):
    """Photo + clicks → shadow measurements with uncertainty."""

    measurementsChanged = Signal(object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._points: list[Point] = []
        self._marks: list[QGraphicsItem] = []
        self._measurements: list[ShadowMeasurement] = []

        self.scene = QGraphicsScene(self)
        self.pixmap_item = QGraphicsPixmapItem()
        self.scene.addItem(self.pixmap_item)
        self.view = _ImageView(self.scene)
        self.view.clicked.connect(self.place_point)

        self.error_px = QDoubleSpinBox()
        self.error_px.setRange(0.0, 100.0)
        self.error_px.setValue(shadows.DEFAULT_ERROR_PX)
        self.error_px.setSuffix(" px")
        self.height_m = QDoubleSpinBox()
        self.height_m.setRange(0.0, 1000.0)
        self.height_m.setSpecialValueText("unknown")
        self.height_m.setSuffix(" m")
        self.bearing = QDoubleSpinBox()
        self.bearing.setRange(-1.0, 360.0)
        self.bearing.setValue(-1.0)
        self.bearing.setSpecialValueText("unknown")
        self.bearing.setSuffix("°")
        self.prompt = QLabel()
        self.listing = QListWidget()
        self.result = QLabel()
        self.result.setWordWrap(True)
        self.undo = QPushButton("Remove last measurement")
        self.undo.clicked.connect(self.remove_last)
        self.assumption_boxes: dict[str, QCheckBox] = {}
        form = QFormLayout()
        form.addRow("End-point precision ±", self.error_px)
        form.addRow("Object height", self.height_m)
        form.addRow("Camera bearing", self.bearing)
        side = QVBoxLayout()
        side.addLayout(form)
        side.addWidget(QLabel("<b>Assumptions (tick when checked on the photo)</b>"))
        for a in (*shadows.PIXEL_ASSUMPTIONS, shadows.IMAGE_BEARING):
            box = QCheckBox(a.text)
            box.setToolTip(a.key)
            self.assumption_boxes[a.key] = box
            side.addWidget(box)
        side.addWidget(self.prompt)
        side.addWidget(self.listing, 1)
        side.addWidget(self.undo)
        side.addWidget(self.result)
        panel = QWidget()
        panel.setLayout(side)
        panel.setMaximumWidth(380)
        layout = QHBoxLayout(self)
        layout.addWidget(self.view, 1)
        layout.addWidget(panel)
        self._update_prompt()

    # ------------------------------------------------------------------------------- image

    def set_image(self, data: bytes | QImage) -> None:
        image = data if isinstance(data, QImage) else QImage.fromData(data)
        self.pixmap_item.setPixmap(QPixmap.fromImage(image))
        self.scene.setSceneRect(self.pixmap_item.boundingRect())
        self.view.fitInView(self.pixmap_item, Qt.AspectRatioMode.KeepAspectRatio)
        self.clear()

    def clear(self) -> None:
        for item in self._marks:
            self.scene.removeItem(item)
        self._marks = []
        self._points = []
        self._measurements = []
        self.listing.clear()
        self._update_prompt()
        self._emit()

    # ------------------------------------------------------------------------------- points

    def place_point(self, x: float, y: float) -> None:
        """A click at image pixel (x, y): the next of base, top, tip."""
        p = Point(x, y)
        self._points.append(p)
        r = max(2.0, self.error_px.value())
        dot = QGraphicsEllipseItem(x - r, y - r, 2 * r, 2 * r)
        colour = OBJECT_PEN if len(self._points) < 3 else SHADOW_PEN
        dot.setPen(QPen(colour, 1.5))
        dot.setBrush(QBrush(QColor(colour.red(), colour.green(), colour.blue(), 60)))
        self.scene.addItem(dot)
        self._marks.append(dot)
        if len(self._points) >= 2:
            a = self._points[0]
            line = QGraphicsLineItem(a.x, a.y, x, y)
            line.setPen(QPen(colour, 2))
            self.scene.addItem(line)
            self._marks.append(line)
        if len(self._points) == 3:
            self._finish()
        self._update_prompt()

    def _finish(self) -> None:
        base, top, tip = self._points
        self._points = []
        try:
            m = measurement_from_points(
                base,
                top,
                tip,
                error_px=self.error_px.value(),
                confirmed=[k for k, box in self.assumption_boxes.items() if box.isChecked()],
                object_height_m=self.height_m.value() or None,
                camera_bearing=self.bearing.value() if self.bearing.value() >= 0 else None,
                label=f"shadow {len(self._measurements) + 1}",
            )
        except WorkbenchError as exc:
            self.result.setText(f"<b>Not measured:</b> {exc}")
            return
        self._measurements.append(m)
        e = m.elevation
        assert e is not None
        self.listing.addItem(f"{m.label}: {e.value:.2f}° ({e.low:.2f}°–{e.high:.2f}°)")
        self._emit()

    def remove_last(self) -> None:
        if self._measurements:
            self._measurements.pop()
            self.listing.takeItem(self.listing.count() - 1)
            self._emit()

    def measurements(self) -> tuple[ShadowMeasurement, ...]:
        return tuple(self._measurements)

    def _update_prompt(self) -> None:
        self.prompt.setText(f"Click the <b>{STEPS[len(self._points)]}</b>.")

    def _emit(self) -> None:
        if self._measurements:
            c = shadows.combine(self._measurements)
            text = f"Combined: {c.describe()}"
            if c.disagreement:
                text += "<br><i>" + "<br>".join(c.disagreement) + "</i>"
            self.result.setText(text)
        else:
            self.result.setText("")
        self.measurementsChanged.emit(self.measurements())

    def map_image_point(self, x: float, y: float) -> QPointF:
        """Viewport position of an image pixel (for tests and overlays)."""
        return QPointF(self.view.mapFromScene(QPointF(x, y)))
