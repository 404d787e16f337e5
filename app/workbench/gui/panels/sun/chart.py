"""The sun's elevation through the day (pyqtgraph), with the measured band and the windows that match.

The x axis is hours since the start of the searched span (local midnight of the first date) and is labelled in
the place's local clock time, so a DST day shows its 23 or 25 hours honestly.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt

from workbench.core.sun import zones
from workbench.core.sun.ephemeris import from_unix
from workbench.core.sun.solve import WhenResult

BAND_BRUSH = (255, 170, 0, 60)
WINDOW_BRUSH = (40, 160, 80, 70)


class LocalTimeAxis(pg.AxisItem):
    """Bottom axis: x = hours since `origin` (Unix seconds), labelled as local clock time in `zone`."""

    def __init__(self, **kw: Any) -> None:
        super().__init__(orientation="bottom", **kw)
        self.origin = 0.0
        self.zone = "UTC"

    def tickStrings(self, values: list[float], scale: float, spacing: float) -> list[str]:
        out = []
        for v in values:
            t = from_unix(self.origin + v * 3600.0)
            local = zones.to_local(t, self.zone)
            out.append(local.strftime("%H:%M") if spacing < 24 else local.strftime("%d %b"))
        return out


class SunChart(pg.PlotWidget):
    """Elevation curve + band of the measurement + shaded matching windows."""

    def __init__(self, parent: Any = None) -> None:
        self.time_axis = LocalTimeAxis()
        super().__init__(parent=parent, axisItems={"bottom": self.time_axis})
        self.setBackground("w")
        self.showGrid(x=True, y=True, alpha=0.25)
        self.setLabel("left", "sun elevation (apparent)", units="°")
        self.setLabel("bottom", "local time")
        self.curve = self.plot([], [], pen=pg.mkPen((30, 30, 30), width=2), name="elevation")
        self.horizon = pg.InfiniteLine(pos=0, angle=0, pen=pg.mkPen((120, 120, 120), style=Qt.PenStyle.DashLine))
        self.addItem(self.horizon)
        self.band = pg.LinearRegionItem(orientation="horizontal", brush=BAND_BRUSH, movable=False)
        self.band.setZValue(-20)
        self.addItem(self.band)
        self.band.hide()
        self.windows: list[pg.LinearRegionItem] = []
        self.markers: list[pg.InfiniteLine] = []

    def show_result(self, result: WhenResult, times: np.ndarray, elevation: np.ndarray, zone: str) -> None:
        origin = result.start_utc.timestamp()
        self.time_axis.zone = zone
        self.time_axis.origin = origin
        x = (times - origin) / 3600.0
        self.curve.setData(x, elevation)
        c = result.constraint.elevation
        if c is not None:
            self.band.setRegion((c.low, c.high))
            self.band.show()
        else:
            self.band.hide()
        for item in self.windows:
            self.removeItem(item)
        self.windows = []
        for w in result.windows:
            region = pg.LinearRegionItem(
                values=((w.start_utc.timestamp() - origin) / 3600.0, (w.end_utc.timestamp() - origin) / 3600.0),
                orientation="vertical",
                brush=WINDOW_BRUSH,
                movable=False,
            )
            region.setZValue(-10)
            self.addItem(region)
            self.windows.append(region)
        self.setXRange(float(x[0]), float(x[-1]), padding=0.01)
        low = min(-10.0, float(elevation.min()))
        self.setYRange(max(low, -30.0), max(10.0, float(elevation.max()) + 5.0), padding=0)

    def mark_times(self, marks: list[tuple[str, datetime]]) -> None:
        """Vertical lines at checked times (EXIF, posts, claim)."""
        for m in self.markers:
            self.removeItem(m)
        self.markers = []
        for label, t in marks:
            x = (t.timestamp() - self.time_axis.origin) / 3600.0
            line = pg.InfiniteLine(
                pos=x,
                angle=90,
                pen=pg.mkPen((200, 40, 40), width=2),
                label=label,
                labelOpts={"position": 0.92, "color": (200, 40, 40)},
            )
            self.addItem(line)
            self.markers.append(line)
