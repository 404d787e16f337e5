"""The sun area: the shadow tool on the photo, "when" (chart and verdict) and "where" (live band), wired together.

`set_media(jpeg, lat=, lon=, taken=, bearing=)` loads a photo with what its metadata says (GPS, capture time,
camera bearing); measurements drawn on it flow to both solvers. Each part stays usable on its own.
"""

from __future__ import annotations

from datetime import datetime

from PySide6.QtWidgets import QTabWidget, QWidget

from workbench.core.sun import shadows
from workbench.core.sun.shadows import ShadowMeasurement
from workbench.core.sun.solve import WhenResult
from workbench.gui.panels.sun.panel import SunPanel
from workbench.gui.panels.sun.shadow_tool import ShadowTool
from workbench.gui.panels.sun.where_view import WhereView


class SunArea(QTabWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.tool = ShadowTool()
        self.when = SunPanel()
        self.where = WhereView()
        self.addTab(self.tool, "Shadows on the photo")
        self.addTab(self.when, "When")
        self.addTab(self.where, "Where")
        self.tool.measurementsChanged.connect(self._measured)
        self.when.resultChanged.connect(self._solved)

    def set_media(
        self,
        jpeg: bytes,
        *,
        lat: float | None = None,
        lon: float | None = None,
        taken: datetime | None = None,
        bearing: float | None = None,
    ) -> None:
        """A photo and its metadata. A naive `taken` is a wall time at the place (EXIF without offset)."""
        self.tool.set_image(jpeg)
        if bearing is not None:
            self.tool.bearing.setValue(bearing % 360.0)
        if lat is not None and lon is not None:
            self.when.set_place(lat, lon)
            self.where.set_place(lat, lon)
        if taken is not None:
            self.when.set_dates(taken.date())
            self.when.set_exif_time(taken)
            if taken.tzinfo is not None:
                self.where.set_instant(taken)

    def _measured(self, measurements: tuple[ShadowMeasurement, ...]) -> None:
        self.when.set_measurements(measurements)
        if measurements:
            self.where.set_constraint(shadows.combine(measurements))

    def _solved(self, result: WhenResult) -> None:
        self.where.set_place(result.lat, result.lon)
