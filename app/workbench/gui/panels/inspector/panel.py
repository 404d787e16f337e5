"""The media inspector: the picture (or video frame) with zoom, loupe, orientation, forensic layers and annotation
tools; a histogram and the pixel under the cursor; for videos, a frame scrubber, frame export and keyframes.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import numpy as np
from PySide6.QtCore import QPointF, QSize, Qt, QTimer
from PySide6.QtGui import (
    QAction,
    QActionGroup,
    QColor,
    QKeySequence,
    QPainter,
    QPainterPath,
    QPen,
    QPixmap,
    QPolygonF,
)
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QFileDialog,
    QFormLayout,
    QFrame,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSizePolicy,
    QSlider,
    QSpinBox,
    QStackedWidget,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from workbench.core import annotations as ann
from workbench.core.incident import Incident
from workbench.core.store.records import Changes
from workbench.core.undo import CreateAnnotation, DeleteAnnotation, UpdateAnnotation
from workbench.gui.context import AppContext
from workbench.gui.panels.common.style import icon
from workbench.gui.panels.inspector.canvas import TOOLS, ImageCanvas
from workbench.gui.panels.inspector.loading import (
    Frame,
    Layer,
    Picture,
    add_frame,
    export_frame_png,
    extract_keyframes,
    load_frame,
    load_picture,
    run_layer,
)

TOOL_TITLES = {
    "select": ("Select, move and resize (V)", "V"),
    "rect": ("Rectangle (R)", "R"),
    "ellipse": ("Ellipse (E)", "E"),
    "polygon": ("Polygon: click the corners, double-click or Enter to finish (P)", "P"),
    "point": ("Point (O)", "O"),
    "line": ("Line (L)", "L"),
    "arrow": ("Arrow (A)", "A"),
    "text": ("Text label (T)", "T"),
}
ORIENTATION_TEXT = {
    1: "normal",
    2: "mirrored",
    3: "rotated 180°",
    4: "flipped",
    5: "mirrored, rotated 90° CCW",
    6: "rotated 90° CW",
    7: "mirrored, rotated 90° CW",
    8: "rotated 90° CCW",
}


def forensic_views() -> dict[str, Any]:
    """The forensic layers the core offers (empty if the forensics module is not installed)."""
    try:
        from workbench.core.media.forensics import VIEWS
    except ImportError:
        return {}
    return dict(VIEWS)


class Histogram(QWidget):
    """R, G, B and luma histograms of the picture as shown."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.counts: Any = None
        self.setMinimumHeight(90)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)

    def set_counts(self, counts: Any) -> None:
        self.counts = counts
        self.update()

    def sizeHint(self) -> QSize:
        return QSize(220, 96)

    def paintEvent(self, event: Any) -> None:
        # Drawn once into a pixmap per picture and size; repaints (hover, resize of others) only blit it.
        key = (id(self.counts), self.width(), self.height())
        if getattr(self, "_cache_key", None) != key:
            self._cache = QPixmap(self.size())
            self._cache.fill(Qt.GlobalColor.transparent)
            painter = QPainter(self._cache)
            try:
                self._paint(painter)
            finally:
                painter.end()
            self._cache_key = key
        p = QPainter(self)
        p.drawPixmap(0, 0, self._cache)
        p.end()

    def _paint(self, p: QPainter) -> None:
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        r = self.rect().adjusted(1, 1, -1, -1)
        p.fillRect(r, QColor("#1f2329"))
        if self.counts is None:
            p.setPen(QColor("#9aa5b1"))
            p.drawText(r, Qt.AlignmentFlag.AlignCenter, "no picture")
            return
        counts = np.asarray(self.counts, dtype=np.float64)
        top = float(np.percentile(counts[:3, 1:255], 99.5)) or 1.0
        xs = r.left() + r.width() * np.arange(256) / 255
        ys = r.bottom() - np.minimum(1.0, counts / top) * (r.height() - 4)
        colours = [QColor(230, 70, 70, 150), QColor(70, 200, 90, 150), QColor(80, 130, 240, 150), QColor(235, 235, 235)]
        for c in (0, 1, 2, 3):
            points = [QPointF(r.left(), r.bottom())]
            points += [QPointF(x, y) for x, y in zip(xs.tolist(), ys[c].tolist(), strict=True)]
            points.append(QPointF(r.right(), r.bottom()))
            path = QPainterPath()
            path.addPolygon(QPolygonF(points))
            if c < 3:
                fill = QColor(colours[c])
                fill.setAlpha(60)
                p.fillPath(path, fill)
            p.setPen(QPen(colours[c], 1.2 if c < 3 else 1.0))
            p.drawPath(path)


class InspectorPanel(QWidget):
    """The centre of the window. Construct with the context; follows the current media item."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("Inspector")
        self.ctx = ctx
        self.picture: Picture | None = None
        self.layer: Layer | None = None
        self._load_task: Any = None
        self._layer_task: Any = None
        self._frame_task: Any = None
        self._views = forensic_views()
        self.default_category = "other"

        self.canvas = ImageCanvas()
        self.toolbar = QToolBar()
        self.toolbar.setIconSize(QSize(18, 18))
        self._build_toolbar()

        self.nothing_selected = (
            "<h3>Nothing to inspect</h3><p>Choose a photo or a video in the evidence browser.</p>"
            "<p>Zoom with the wheel, drag to pan; draw annotations with the tools above (R, E, P, O, L, A, T).</p>"
        )
        self.welcome = (
            "<h2>Verify one incident, offline</h2>"
            "<p>Keep every photo, video and post about one incident in one file, with its metadata, your "
            "annotations and an audit log of every change.</p>"
            "<p style='margin-top:14px'><a href='new'>Create a new incident…</a> &nbsp;·&nbsp; "
            "<a href='open'>Open an incident…</a> &nbsp;·&nbsp; <a href='demo'>Explore the demo incident</a></p>"
        )
        self.empty = QLabel(self.welcome)
        self.empty.setObjectName("EmptyState")
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty.setWordWrap(True)

        self.stack = QStackedWidget()
        self.stack.addWidget(self.empty)
        self.stack.addWidget(self.canvas)

        self.side = self._build_side()
        self.video_bar = self._build_video_bar()
        self.info = QLabel()
        self.info.setObjectName("Muted")
        self.pixel = QLabel()
        self.pixel.setObjectName("Muted")
        self.pixel.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        # Text that changes on every mouse move must never resize the canvas (the picture would jump).
        self.pixel.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)
        self.info.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)
        self.info.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        info_bar = QHBoxLayout()
        info_bar.setContentsMargins(8, 2, 8, 3)
        info_bar.addWidget(self.pixel, 1)
        info_bar.addWidget(self.info, 1)

        centre = QVBoxLayout()
        centre.setContentsMargins(0, 0, 0, 0)
        centre.setSpacing(0)
        centre.addWidget(self.stack, 1)
        centre.addWidget(self.video_bar)
        centre.addLayout(info_bar)
        body = QHBoxLayout()
        body.setContentsMargins(0, 0, 0, 0)
        body.setSpacing(0)
        body.addLayout(centre, 1)
        body.addWidget(self.side)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.toolbar)
        layout.addLayout(body, 1)

        self.canvas.hovered.connect(self._on_hover)
        self.canvas.zoom_changed.connect(lambda _: self._update_info())
        self.canvas.annotation_drawn.connect(self._on_drawn)
        self.canvas.annotation_edited.connect(self._on_edited)
        self.canvas.annotation_clicked.connect(self.ctx.select_annotation)
        self.canvas.tool_finished.connect(lambda: None)
        ctx.current_media_changed.connect(self.show_media)
        ctx.incident_changed.connect(lambda _: self.show_media(None))
        ctx.changed.connect(self._on_changes)
        ctx.annotation_selected.connect(self.canvas.select_annotation)
        self._layer_timer = QTimer(self, singleShot=True, interval=350)
        self._layer_timer.timeout.connect(self.run_layer)
        self._scrub_timer = QTimer(self, singleShot=True, interval=60)
        self._scrub_timer.timeout.connect(self._load_frame)
        self._set_enabled(False)

    # --- building -------------------------------------------------------------------------------------------------
    def _action(
        self,
        name: str,
        text: str,
        slot: Any,
        shortcut: str | QKeySequence | QKeySequence.StandardKey | None = None,
        checkable: bool = False,
    ) -> QAction:
        action = QAction(icon(name), text, self)
        action.setCheckable(checkable)
        if shortcut:
            action.setShortcut(QKeySequence(shortcut))
            action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        action.triggered.connect(slot)
        self.addAction(action)
        return action

    def _build_toolbar(self) -> None:
        tb = self.toolbar
        self.act_zoom_in = self._action("zoom-in", "Zoom in", lambda: self.canvas.zoom_by(1.25), "+")
        self.act_zoom_out = self._action("zoom-out", "Zoom out", lambda: self.canvas.zoom_by(0.8), "-")
        self.act_fit = self._action("fit", "Fit to window (F)", self.canvas.fit, "F")
        self.act_actual = self._action("one-to-one", "Actual pixels, 1:1 (1)", self.canvas.actual_size, "1")
        self.act_loupe = self._action("loupe", "Magnifier loupe (M)", self.canvas.set_loupe, "M", checkable=True)
        self.act_orient = self._action(
            "rotate", "Apply EXIF orientation (off: show the stored pixels)", self._toggle_orientation, None, True
        )
        self.act_orient.setChecked(True)
        for a in (self.act_zoom_in, self.act_zoom_out, self.act_fit, self.act_actual):
            tb.addAction(a)
        tb.addSeparator()
        tb.addAction(self.act_loupe)
        tb.addAction(self.act_orient)
        tb.addSeparator()
        self.tool_group = QActionGroup(self)
        self.tool_actions: dict[str, QAction] = {}
        for tool in TOOLS:
            title, key = TOOL_TITLES[tool]
            action = self._action(tool, title, lambda _=False, t=tool: self.set_tool(t), key, checkable=True)
            self.tool_group.addAction(action)
            self.tool_actions[tool] = action
            tb.addAction(action)
        self.tool_actions["select"].setChecked(True)
        self.category_box = QComboBox()
        self.category_box.setToolTip("Category given to new annotations")
        self.category_box.setMaximumWidth(130)
        for cat in ann.CATEGORIES:
            self.category_box.addItem(ann.CATEGORY_TITLES[cat], cat)
        self.category_box.setCurrentIndex(ann.CATEGORIES.index("other"))
        self.category_box.currentIndexChanged.connect(
            lambda _: setattr(self, "default_category", self.category_box.currentData())
        )
        tb.addWidget(self.category_box)
        self.act_delete = self._action(
            "delete", "Delete the selected annotation (Del)", self.delete_selected, QKeySequence.StandardKey.Delete
        )
        tb.addAction(self.act_delete)

    def _build_side(self) -> QWidget:
        side = QFrame()
        side.setObjectName("InspectorSide")
        side.setFixedWidth(232)
        col = QVBoxLayout(side)
        col.setContentsMargins(8, 8, 8, 8)
        col.setSpacing(8)

        layers = QGroupBox("Forensic layer")
        lay = QVBoxLayout(layers)
        self.layer_box = QComboBox()
        self.layer_box.addItem("Photo (no layer)", None)
        for name, view in self._views.items():
            self.layer_box.addItem(view.title, name)
        self.layer_box.currentIndexChanged.connect(self._on_layer_chosen)
        lay.addWidget(self.layer_box)
        self.params_form = QFormLayout()
        self.params_form.setContentsMargins(0, 0, 0, 0)
        self.params_holder = QWidget()
        self.params_holder.setLayout(self.params_form)
        lay.addWidget(self.params_holder)
        row = QHBoxLayout()
        row.addWidget(QLabel("Opacity"))
        self.opacity = QSlider(Qt.Orientation.Horizontal)
        self.opacity.setRange(0, 100)
        self.opacity.setValue(100)
        self.opacity.valueChanged.connect(lambda v: self.canvas.set_overlay_opacity(v / 100))
        row.addWidget(self.opacity, 1)
        lay.addLayout(row)
        self.layer_note = QLabel()
        self.layer_note.setObjectName("LayerNote")
        self.layer_note.setWordWrap(True)
        self.layer_note.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.layer_note.setVisible(False)
        lay.addWidget(self.layer_note)
        if not self._views:
            self.layer_box.setEnabled(False)
            self.layer_box.setToolTip("The forensic views are not installed in this build.")
        col.addWidget(layers)

        hist = QGroupBox("Histogram")
        hl = QVBoxLayout(hist)
        self.histogram = Histogram()
        hl.addWidget(self.histogram)
        col.addWidget(hist)
        col.addStretch(1)
        return side

    def _build_video_bar(self) -> QWidget:
        bar = QFrame()
        bar.setObjectName("VideoBar")
        column = QVBoxLayout(bar)
        column.setContentsMargins(8, 6, 8, 4)
        column.setSpacing(4)
        row = QHBoxLayout()
        self.scrubber = QSlider(Qt.Orientation.Horizontal)
        self.scrubber.setRange(0, 1000)
        self.scrubber.valueChanged.connect(lambda _: self._scrub_timer.start())
        self.time_label = QLabel("0:00.000")
        self.time_label.setMinimumWidth(150)
        self.btn_export_frame = QPushButton(icon("frame"), "Export frame…")
        self.btn_export_frame.clicked.connect(self.export_frame)
        self.btn_add_frame = QPushButton(icon("add"), "Add frame to evidence")
        self.btn_add_frame.setToolTip("Keep this frame as a media item linked to the video and its time")
        self.btn_add_frame.clicked.connect(self.add_frame)
        self.btn_keyframes = QPushButton(icon("keyframes"), "Extract keyframes")
        self.btn_keyframes.setToolTip("Find the frames where the scene changes and add each as a linked media item")
        self.btn_keyframes.clicked.connect(self.extract_keyframes)
        row.addWidget(self.time_label)
        row.addStretch(1)
        row.addWidget(self.btn_export_frame)
        row.addWidget(self.btn_add_frame)
        row.addWidget(self.btn_keyframes)
        column.addWidget(self.scrubber)
        column.addLayout(row)
        bar.setVisible(False)
        return bar

    # --- showing an item ------------------------------------------------------------------------------------------
    def _set_enabled(self, on: bool) -> None:
        for action in self.toolbar.actions():
            action.setEnabled(on)
        self.category_box.setEnabled(on)
        self.layer_box.setEnabled(on and bool(self._views))

    def show_media(self, media_id: int | None) -> None:
        if self._load_task is not None:
            self._load_task.cancel()
        if self._layer_task is not None:
            self._layer_task.cancel()
        self.layer = None
        incident = self.ctx.incident
        if media_id is None or incident is None:
            self.picture = None
            self.canvas.clear()
            self.histogram.set_counts(None)
            self.video_bar.setVisible(False)
            self.empty.setText(self.welcome if incident is None else self.nothing_selected)
            self.stack.setCurrentWidget(self.empty)
            self._set_enabled(False)
            self._update_info()
            return
        item = incident.media_item(media_id)
        if item.kind not in ("image", "video"):
            self.picture = None
            self.canvas.clear()
            self.empty.setText(
                f"<h3>{item.filename}</h3><p>This file is kept as evidence but is not a picture or a video.</p>"
            )
            self.stack.setCurrentWidget(self.empty)
            self._set_enabled(False)
            return
        self._load_task = self.ctx.workers.run(
            load_picture,
            incident,
            media_id,
            self.ctx.scratch_dir(),
            description=f"Opening {item.filename}",
            on_result=self._on_loaded,
            on_error=self._on_load_error,
        )

    def _on_load_error(self, error: BaseException) -> None:
        self.picture = None
        self.canvas.clear()
        self.empty.setText(f"<h3>Cannot show this item</h3><p>{error}</p>")
        self.stack.setCurrentWidget(self.empty)

    def _on_loaded(self, picture: Picture) -> None:
        if picture.media_id != self.ctx.current_media_id:
            return
        self.picture = picture
        self.stack.setCurrentWidget(self.canvas)
        self.canvas.annotations_editable = picture.kind == "image" and not self._read_only()
        self.canvas.set_image(picture.image, picture.orientation)
        self.histogram.set_counts(picture.histogram)
        self._set_enabled(True)
        is_video = picture.kind == "video"
        for tool, action in self.tool_actions.items():
            action.setEnabled(tool == "select" or not is_video)
        self.layer_box.setEnabled(bool(self._views) and not is_video)
        self.act_orient.setEnabled(picture.orientation != 1)
        self.video_bar.setVisible(is_video)
        if is_video:
            self.scrubber.blockSignals(True)
            # One step per frame when the frame rate is known: arrow keys walk the video frame by frame.
            frames = self._frame_total(picture)
            self.scrubber.setRange(0, max(1, frames - 1) if frames else 1000)
            self.scrubber.setSingleStep(1)
            self.scrubber.setPageStep(max(1, round(picture.frame_rate or 10)))
            self.scrubber.setValue(0)
            self.scrubber.blockSignals(False)
            self._show_time(picture.time_s or 0.0, picture.frame_index or 0)
            self.canvas.set_annotations([])
        else:
            self.reload_annotations()
        if self.layer_box.currentData() is not None and not is_video:
            self.run_layer()
        self._update_info()

    def _read_only(self) -> bool:
        return bool(self.ctx.incident is not None and self.ctx.incident.read_only)

    def reload_annotations(self) -> None:
        if self.ctx.incident is None or self.picture is None or self.picture.kind != "image":
            return
        self.canvas.set_annotations(ann.list_annotations(self.ctx.incident, self.picture.media_id))
        if self.ctx.current_annotation_id is not None:
            self.canvas.select_annotation(self.ctx.current_annotation_id)

    def _on_changes(self, changes: Changes) -> None:
        if "annotations" in changes and self.picture is not None:
            touched = changes.ids.get("media", ())
            if not touched or self.picture.media_id in touched:
                self.reload_annotations()

    def _update_info(self) -> None:
        p = self.picture
        if p is None:
            self.info.setText("")
            return
        parts = [f"{p.image.width()}×{p.image.height()}", f"{self.canvas.zoom * 100:.0f}%"]
        if p.kind == "image":
            orient = ORIENTATION_TEXT.get(p.orientation, str(p.orientation))
            shown = "" if self.canvas.apply_orientation or p.orientation == 1 else ", showing stored pixels"
            parts.append(f"orientation {orient}{shown}")
        elif p.video_rotation:
            parts.append(f"rotation {p.video_rotation}° not applied")
        self.info.setText(" · ".join(parts))
        self.info.setToolTip("Picture size in stored pixels, zoom, and the EXIF orientation")

    def _on_hover(self, x: float, y: float) -> None:
        if math.isnan(x) or self.picture is None:
            self.pixel.setText("")
            return
        ix, iy = int(x), int(y)
        colour = self.canvas.image.pixelColor(ix, iy)
        self.pixel.setText(f"x {ix}, y {iy} · RGB {colour.red()}, {colour.green()}, {colour.blue()}")
        self.pixel.setToolTip("Position in the stored pixels (before EXIF orientation) and the colour there")

    def _toggle_orientation(self, on: bool) -> None:
        self.canvas.set_apply_orientation(on)
        self._update_info()

    # --- annotations ----------------------------------------------------------------------------------------------
    def set_tool(self, tool: str) -> None:
        self.canvas.set_tool(tool)
        self.tool_actions[tool].setChecked(True)

    def _on_drawn(self, shape: str, geometry: dict[str, Any]) -> None:
        if self.picture is None:
            return
        values: dict[str, Any] = {"category": self.default_category}
        if shape == "text":
            values["label"] = "Text"
        command = CreateAnnotation(self.picture.media_id, shape, geometry, values)
        if self.ctx.push(command) and command.annotation_id is not None:
            self.ctx.select_annotation(command.annotation_id)

    def _on_edited(self, annotation_id: int, geometry: dict[str, Any]) -> None:
        if self.ctx.incident is None:
            return
        command = UpdateAnnotation.from_current(
            self.ctx.incident, annotation_id, {"geometry": geometry}, "Move annotation"
        )
        if not self.ctx.push(command):
            self.reload_annotations()

    def delete_selected(self) -> None:
        if self.ctx.current_annotation_id is not None:
            self.ctx.push(DeleteAnnotation(self.ctx.current_annotation_id))
            self.ctx.select_annotation(None)

    # --- forensic layers ------------------------------------------------------------------------------------------
    def _on_layer_chosen(self, _: int) -> None:
        name = self.layer_box.currentData()
        while self.params_form.rowCount():
            self.params_form.removeRow(0)
        self._param_widgets: dict[str, Any] = {}
        if name is None:
            self.layer = None
            self.canvas.set_overlay(None)
            self.layer_note.setVisible(False)
            return
        view = self._views[name]
        for key, default in view.defaults.items():
            if key == "oriented":  # the canvas turns layers with the picture; views run on stored pixels
                continue
            widget = self._param_widget(key, default)
            if widget is not None:
                self._param_widgets[key] = widget
                self.params_form.addRow(key.replace("_", " ").capitalize(), widget)
        self._set_note(f"<b>Can show:</b> {view.can_show}<br><b>Cannot prove:</b> {view.cannot_prove}")
        self.layer_note.setVisible(True)
        self.run_layer()

    def _set_note(self, html: str) -> None:
        # A word-wrapped label in a fixed-width column does not grow by itself when its text gets longer.
        self.layer_note.setText(html)
        width = self.side.width() - 36 if self.side.width() > 100 else 196
        self.layer_note.setMinimumHeight(self.layer_note.heightForWidth(width))

    def _param_widget(self, key: str, default: Any) -> QWidget | None:
        if isinstance(default, bool):
            box = QCheckBox()
            box.setChecked(default)
            box.toggled.connect(lambda _: self._layer_timer.start())
            return box
        if isinstance(default, int):
            spin = QSpinBox()
            spin.setRange(1, 100) if key == "quality" else spin.setRange(0, 100000)
            spin.setValue(default)
            spin.valueChanged.connect(lambda _: self._layer_timer.start())
            return spin
        if isinstance(default, float):
            dspin = QDoubleSpinBox()
            dspin.setRange(0.0, 10000.0)
            dspin.setDecimals(2)
            dspin.setSingleStep(0.5 if default >= 2 else 0.05)
            dspin.setValue(default)
            dspin.valueChanged.connect(lambda _: self._layer_timer.start())
            return dspin
        return None

    def layer_params(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for key, widget in getattr(self, "_param_widgets", {}).items():
            out[key] = widget.isChecked() if isinstance(widget, QCheckBox) else widget.value()
        return out

    def choose_layer(self, name: str | None) -> None:
        index = self.layer_box.findData(name)
        if index < 0:
            raise KeyError(name)
        self.layer_box.setCurrentIndex(index)

    def run_layer(self) -> None:
        name = self.layer_box.currentData()
        if name is None or self.picture is None or self.picture.kind != "image" or self.ctx.incident is None:
            return
        if self._layer_task is not None:
            self._layer_task.cancel()
        title = self._views[name].title
        self._set_note(self.layer_note.text().split("<hr>")[0] + f"<hr>Running {title}…")
        self._layer_task = self.ctx.workers.run(
            run_layer,
            self.ctx.incident,
            self.picture.media_id,
            name,
            self.layer_params(),
            description=f"{title}",
            on_result=self._on_layer,
            on_error=lambda e: self._set_note(f"<b>{title} failed:</b> {e}"),
        )

    def _on_layer(self, layer: Layer) -> None:
        if (
            self.picture is None
            or layer.media_id != self.picture.media_id
            or layer.name != self.layer_box.currentData()
        ):
            return
        self.layer = layer
        self.canvas.set_overlay(layer.image, self.opacity.value() / 100)
        rec = layer.record
        params = ", ".join(f"{k}={v}" for k, v in rec.get("params", {}).items())
        self._set_note(
            f"<b>{rec.get('summary') or ''}</b><br><b>Can show:</b> {rec.get('can_show')}<br>"
            f"<b>Cannot prove:</b> {rec.get('cannot_prove')}<hr><small>Parameters: {params}<br>Tool: {rec.get('tool')}"
            f"<br>Pixels: {rec.get('pixels')}</small>"
        )

    # --- video ----------------------------------------------------------------------------------------------------
    @staticmethod
    def _frame_total(p: Picture) -> int:
        if p.frame_count:
            return int(p.frame_count)
        if p.duration_s and p.frame_rate:
            return round(p.duration_s * p.frame_rate)
        return 0

    def _time_for_slider(self) -> float:
        p = self.picture
        if p is None:
            return 0.0
        if self._frame_total(p) and p.frame_rate:
            return self.scrubber.value() / p.frame_rate
        return (p.duration_s or 0.0) * self.scrubber.value() / 1000.0

    def _show_time(self, t: float, index: int) -> None:
        minutes, seconds = divmod(t, 60)
        self.time_label.setText(f"{int(minutes)}:{seconds:06.3f} · frame {index}")

    def seek(self, seconds: float) -> None:
        p = self.picture
        if p is None or not p.duration_s:
            return
        if self._frame_total(p) and p.frame_rate:
            self.scrubber.setValue(round(seconds * p.frame_rate))
        else:
            self.scrubber.setValue(round(1000 * seconds / p.duration_s))

    def _load_frame(self) -> None:
        p = self.picture
        if p is None or p.video_path is None:
            return
        if self._frame_task is not None:
            self._frame_task.cancel()
        self._frame_task = self.ctx.workers.run(
            load_frame,
            p.video_path,
            self._time_for_slider(),
            description="Decoding frame",
            on_result=self._on_frame,
            visible=False,
        )

    def _on_frame(self, frame: Frame) -> None:
        if self.picture is None or self.picture.kind != "video":
            return
        self.canvas.set_image(frame.image, 1, keep_view=True)
        self.histogram.set_counts(frame.histogram)
        self._show_time(frame.time_s, frame.frame_index)
        self._current_frame_time = frame.time_s

    def _frame_time(self) -> float:
        return float(getattr(self, "_current_frame_time", self._time_for_slider()))

    def export_frame(self, dest: str | Path | None = None) -> None:
        p = self.picture
        if p is None or p.video_path is None:
            return
        if not dest:
            dest, _ = QFileDialog.getSaveFileName(
                self, "Export frame", f"frame_{self._frame_time():.2f}s.png", "PNG image (*.png)"
            )
            if not dest:
                return
        self.ctx.workers.run(
            export_frame_png,
            p.video_path,
            self._frame_time(),
            Path(dest),
            description="Exporting the frame",
            on_result=lambda path: self.ctx.status_message.emit(f"Frame saved to {path}"),
            on_error=lambda e: self.ctx.error_raised.emit(str(e)),
        )

    def add_frame(self) -> None:
        self._video_write(add_frame, "Adding the frame to the evidence", self._frame_time())

    def extract_keyframes(self) -> Any:
        return self._video_write(extract_keyframes, "Extracting keyframes")

    def _video_write(self, fn: Any, description: str, *extra: Any) -> Any:
        p, incident = self.picture, self.ctx.incident
        if p is None or p.video_path is None or incident is None:
            return None

        def done(changes: Changes) -> None:
            self.ctx.apply(changes)
            n = len(changes.ids.get("media", ()))
            self.ctx.status_message.emit(f"{description}: {n} item{'s' if n != 1 else ''} added, linked to the video")

        return self.ctx.workers.run(
            fn,
            incident,
            p.media_id,
            p.video_path,
            *extra,
            description=description,
            writes=True,
            on_result=done,
            on_error=lambda e: self.ctx.error_raised.emit(str(e)),
        )

    def current_incident(self) -> Incident | None:
        return self.ctx.incident

    def stored_point_to_view(self, x: float, y: float) -> QPointF:
        return self.canvas.from_stored(x, y)
