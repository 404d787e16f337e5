"""Where: the band of places on Earth where the sun fits, redrawn live while the time slider is dragged.

A flat world (longitude × latitude) with the Natural Earth outline when available, the band as an image, and a
slider over the day (UTC minutes). Each move solves the band on the grid and redraws it; `last_update_ms` holds
the time from the slider to the picture. `bandChanged` carries the `WhereResult`: its `to_geojson()` feeds the map
panel's band layer, and `write(path)` exports GeoJSON or PNG.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QHBoxLayout,
    QLabel,
    QSlider,
    QVBoxLayout,
    QWidget,
)

from workbench.core.errors import WorkbenchError
from workbench.core.sun import solve
from workbench.core.sun.shadows import SunConstraint

BAND_RGBA = (255, 120, 0, 170)


def _outline_xy() -> tuple[np.ndarray, np.ndarray] | None:
    """Country outlines as one NaN-separated polyline, or None when the world data is not installed."""
    try:
        from workbench.core.geo.world import countries

        xs: list[np.ndarray] = []
        ys: list[np.ndarray] = []
        for c in countries():
            for poly in c.polygons:
                for ring in poly:
                    r = np.asarray(ring, dtype=float)
                    xs += [r[:, 0], np.array([np.nan])]
                    ys += [r[:, 1], np.array([np.nan])]
        return np.concatenate(xs), np.concatenate(ys)
    except Exception:  # the outline is decoration: never let it stop the band
        return None


class WhereView(QWidget):
    bandChanged = Signal(object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._constraint: SunConstraint | None = None
        self._day = datetime.now(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
        self.last_update_ms = 0.0
        self.result: solve.WhereResult | None = None

        self.plot = pg.PlotWidget()
        self.plot.setBackground("w")
        self.plot.setAspectLocked(True)
        self.plot.setXRange(-180, 180, padding=0)
        self.plot.setYRange(-90, 90, padding=0)
        self.plot.setLabel("bottom", "longitude", units="°")
        self.plot.setLabel("left", "latitude", units="°")
        self.image = pg.ImageItem(axisOrder="row-major")
        self.plot.addItem(self.image)
        xy = _outline_xy()
        if xy is not None:
            self.outline = self.plot.plot(xy[0], xy[1], pen=pg.mkPen((90, 90, 90), width=1), connect="finite")
        self.place_marker = pg.ScatterPlotItem(size=10, brush=pg.mkBrush(25, 113, 194), pen=pg.mkPen("w"))
        self.plot.addItem(self.place_marker)

        self.slider = QSlider(Qt.Orientation.Horizontal)
        self.slider.setRange(0, 24 * 60 - 1)
        self.slider.setValue(12 * 60)
        self.time_label = QLabel()
        self.time_error = QDoubleSpinBox()
        self.time_error.setRange(0, 86400)
        self.time_error.setSuffix(" s")
        self.time_error.setPrefix("± ")
        self.resolution = QComboBox()
        self.resolution.addItems(["0.5", "0.25", "0.1"])
        self.resolution.setCurrentText("0.25")
        self.local_mode = QCheckBox("Same local clock time everywhere")
        self.summary = QLabel()
        self.summary.setWordWrap(True)

        controls = QHBoxLayout()
        controls.addWidget(self.time_label)
        controls.addWidget(self.slider, 1)
        controls.addWidget(self.time_error)
        controls.addWidget(QLabel("cell °"))
        controls.addWidget(self.resolution)
        controls.addWidget(self.local_mode)
        layout = QVBoxLayout(self)
        layout.addWidget(self.plot, 1)
        layout.addLayout(controls)
        layout.addWidget(self.summary)

        self.slider.valueChanged.connect(self.update_band)
        self.time_error.valueChanged.connect(self.update_band)
        self.resolution.currentIndexChanged.connect(self.update_band)
        self.local_mode.toggled.connect(self.update_band)

    def set_constraint(self, constraint: SunConstraint) -> None:
        self._constraint = constraint
        self.update_band()

    def set_instant(self, instant: datetime) -> None:
        """Centre the slider on an instant (its UTC day becomes the slider's day)."""
        utc = instant.astimezone(UTC)
        self._day = utc.replace(hour=0, minute=0, second=0, microsecond=0)
        self.slider.blockSignals(True)
        self.slider.setValue(utc.hour * 60 + utc.minute)
        self.slider.blockSignals(False)
        self.update_band()

    def set_place(self, lat: float, lon: float) -> None:
        self.place_marker.setData([lon], [lat])

    def instant(self) -> datetime:
        return self._day + timedelta(minutes=self.slider.value())

    def update_band(self) -> None:
        t0 = time.perf_counter()
        when = self.instant()
        if self.local_mode.isChecked():
            self.time_label.setText(f"{when:%Y-%m-%d %H:%M} local")
        else:
            self.time_label.setText(f"{when:%Y-%m-%d %H:%M} UTC")
        if self._constraint is None:
            return
        res = float(self.resolution.currentText())
        try:
            if self.local_mode.isChecked():
                result = solve.solve_where_local(
                    when.replace(tzinfo=None), self._constraint, resolution=res, time_error_s=self.time_error.value()
                )
            else:
                result = solve.solve_where(when, self._constraint, resolution=res, time_error_s=self.time_error.value())
        except WorkbenchError as exc:
            self.summary.setText(f"<b>Cannot solve:</b> {exc}")
            return
        rgba = np.zeros((*result.mask.shape, 4), dtype=np.uint8)
        rgba[result.mask] = BAND_RGBA
        g = result.grid
        self.image.setImage(rgba, autoLevels=False)
        self.image.setRect(g.lon_min, g.lat_min, g.lon_max - g.lon_min, g.lat_max - g.lat_min)
        self.result = result
        bbox = result.bbox
        self.summary.setText(
            f"{result.describe()}: {result.cells} cells of {res:g}°"
            + (f", latitude {bbox[0]:g}..{bbox[2]:g}, longitude {bbox[1]:g}..{bbox[3]:g}" if bbox else " (nowhere)")
        )
        self.bandChanged.emit(result)
        self.last_update_ms = (time.perf_counter() - t0) * 1000.0

    def export(self, path: str | Path) -> Path:
        if self.result is None:
            raise WorkbenchError("Nothing to export yet: give a measurement first.")
        return self.result.write(path)
