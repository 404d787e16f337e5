"""The sun panel: a place, a date (or range), a measurement → the matching times, charted and checked.

Inputs: latitude/longitude (typed, or set by the map / EXIF / a hypothesis via `set_place`), a local date range,
the measurement (elevation angle, shadow/height ratio, or height and shadow in metres, each with its error, and
optionally the sun's azimuth), and the times to check (EXIF, claim). Measurements made with the shadow tool on a
photo arrive through `set_measurements`. The work is pure core (`workbench.core.sun`); this widget only gathers
inputs and shows results. `resultChanged` carries the `WhenResult` (its `to_json()` is what the incident stores).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from PySide6.QtCore import QDate, QDateTime, Qt, QTimeZone, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDateTimeEdit,
    QDoubleSpinBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from workbench.core.errors import WorkbenchError
from workbench.core.sun import consistency, shadows, solve, zones
from workbench.core.sun.shadows import ShadowMeasurement, SunConstraint
from workbench.core.sun.solve import WhenResult
from workbench.gui.panels.sun.chart import SunChart

MODES = ("Elevation angle", "Shadow / height ratio", "Height and shadow (m)")


def _spin(lo: float, hi: float, value: float, decimals: int = 4, step: float = 0.1, suffix: str = "") -> QDoubleSpinBox:
    s = QDoubleSpinBox()
    s.setRange(lo, hi)
    s.setDecimals(decimals)
    s.setSingleStep(step)
    s.setValue(value)
    if suffix:
        s.setSuffix(suffix)
    s.setKeyboardTracking(False)
    return s


class SunPanel(QWidget):
    """When did the sun cast these shadows here? Inputs on the left, chart and verdict on the right."""

    resultChanged = Signal(object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._measurements: tuple[ShadowMeasurement, ...] = ()
        self._result: WhenResult | None = None

        self.lat = _spin(-90, 90, 50.45, 5, 0.01, "°")
        self.lon = _spin(-180, 180, 30.52, 5, 0.01, "°")
        self.zone_label = QLabel()
        self.zone_label.setWordWrap(True)
        self.first = QDateEdit(QDate.currentDate())
        self.last = QDateEdit(QDate.currentDate())
        for d in (self.first, self.last):
            d.setCalendarPopup(True)
            d.setDisplayFormat("yyyy-MM-dd")

        self.mode = QComboBox()
        self.mode.addItems(MODES)
        self.value = _spin(-5, 90, 30.0, 3, 0.1)
        self.error = _spin(0, 45, 0.5, 3, 0.05)
        self.shadow = _spin(0.001, 10000, 1.5, 3, 0.1, " m")
        self.shadow_error = _spin(0, 1000, 0.03, 3, 0.01, " m")
        self.use_azimuth = QCheckBox("Sun azimuth known")
        self.azimuth = _spin(0, 360, 180.0, 2, 1.0, "°")
        self.azimuth_error = _spin(0, 180, 5.0, 2, 0.5, "°")
        self.from_photo = QLabel()
        self.from_photo.setWordWrap(True)
        self.clear_photo = QPushButton("Use typed measurement")
        self.clear_photo.clicked.connect(lambda: self.set_measurements(()))
        self.check_exif = QCheckBox("EXIF time (local wall time)")
        self.exif_time = QDateTimeEdit(QDateTime.currentDateTime())
        self.exif_time.setDisplayFormat("yyyy-MM-dd HH:mm:ss")
        self.solve_button = QPushButton("Find the times")
        self.solve_button.setDefault(True)

        place = QGroupBox("Place and dates")
        pf = QFormLayout(place)
        pf.addRow("Latitude", self.lat)
        pf.addRow("Longitude", self.lon)
        pf.addRow("", self.zone_label)
        pf.addRow("From (local date)", self.first)
        pf.addRow("To", self.last)
        meas = QGroupBox("Measurement")
        mf = QFormLayout(meas)
        mf.addRow("Input", self.mode)
        self.value_label = QLabel()
        self.error_label = QLabel()
        mf.addRow(self.value_label, self.value)
        mf.addRow(self.error_label, self.error)
        self.shadow_row_label = QLabel("Shadow")
        self.shadow_err_label = QLabel("± shadow")
        mf.addRow(self.shadow_row_label, self.shadow)
        mf.addRow(self.shadow_err_label, self.shadow_error)
        mf.addRow(self.use_azimuth)
        mf.addRow("Azimuth", self.azimuth)
        mf.addRow("± azimuth", self.azimuth_error)
        mf.addRow(self.from_photo)
        mf.addRow(self.clear_photo)
        checks = QGroupBox("Check against")
        cf = QFormLayout(checks)
        cf.addRow(self.check_exif)
        cf.addRow(self.exif_time)

        left = QWidget()
        lv = QVBoxLayout(left)
        lv.addWidget(place)
        lv.addWidget(meas)
        lv.addWidget(checks)
        lv.addWidget(self.solve_button)
        lv.addStretch(1)

        self.chart = SunChart()
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.summary.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.summary.setObjectName("sunSummary")
        right = QWidget()
        rv = QVBoxLayout(right)
        rv.addWidget(self.chart, 1)
        rv.addWidget(self.summary)

        split = QSplitter()
        split.addWidget(left)
        split.addWidget(right)
        split.setStretchFactor(1, 1)
        outer = QHBoxLayout(self)
        outer.addWidget(split)

        self.mode.currentIndexChanged.connect(self._mode_changed)
        self.use_azimuth.toggled.connect(self._mode_changed)
        self.solve_button.clicked.connect(self.solve)
        for w in (self.lat, self.lon):
            w.valueChanged.connect(self._update_zone)
        self._mode_changed()
        self._update_zone()

    # ----------------------------------------------------------------------------------- inputs

    def set_place(self, lat: float, lon: float) -> None:
        """From the map, EXIF GPS or a location hypothesis."""
        self.lat.setValue(lat)
        self.lon.setValue(lon)

    def set_dates(self, first: date, last: date | None = None) -> None:
        self.first.setDate(QDate(first.year, first.month, first.day))
        last = last or first
        self.last.setDate(QDate(last.year, last.month, last.day))

    def set_exif_time(self, wall: datetime | None) -> None:
        """A capture time to check (a naive wall time is read in the place's zones)."""
        self.check_exif.setChecked(wall is not None)
        if wall is not None:
            local = wall if wall.tzinfo is None else wall.astimezone(zones.zone(self._zones().primary))
            self.exif_time.setDateTime(
                QDateTime(
                    QDate(local.year, local.month, local.day),
                    QDateTime.fromString(local.strftime("%H:%M:%S"), "HH:mm:ss").time(),
                    QTimeZone.UTC,
                )
            )

    def set_measurements(self, measurements: tuple[ShadowMeasurement, ...] | list[ShadowMeasurement]) -> None:
        """Measurements made on the photo (shadow tool); they replace the typed input until cleared."""
        self._measurements = tuple(measurements)
        has = bool(self._measurements)
        self.from_photo.setVisible(has)
        self.clear_photo.setVisible(has)
        if has:
            c = shadows.combine(self._measurements)
            self.from_photo.setText(f"From the photo ({len(self._measurements)} measurement(s)): {c.describe()}")
        for w in (self.mode, self.value, self.error, self.shadow, self.shadow_error):
            w.setEnabled(not has)

    def _mode_changed(self) -> None:
        i = self.mode.currentIndex()
        self.value_label.setText(("Elevation", "Ratio", "Height")[i])
        self.error_label.setText(("± elevation", "± ratio", "± height")[i])
        self.value.setSuffix(("°", "", " m")[i])
        self.error.setSuffix(("°", "", " m")[i])
        if i == 0:
            self.value.setRange(-5, 90)
        else:
            self.value.setRange(0.001, 10000)
        for w in (self.shadow, self.shadow_error, self.shadow_row_label, self.shadow_err_label):
            w.setVisible(i == 2)
        for w in (self.azimuth, self.azimuth_error):
            w.setEnabled(self.use_azimuth.isChecked())
        self.from_photo.setVisible(bool(self._measurements))
        self.clear_photo.setVisible(bool(self._measurements))

    def _zones(self) -> zones.PlaceZones:
        return zones.zones_at(self.lat.value(), self.lon.value())

    def _update_zone(self) -> None:
        pz = self._zones()
        self.zone_label.setText(
            "Time zone: " + ", ".join(pz.zones) + (" (several: local times are shown for each)" if pz.ambiguous else "")
        )

    def constraint(self) -> SunConstraint:
        ms = list(self._measurements)
        if not ms:
            i = self.mode.currentIndex()
            if i == 0:
                ms.append(shadows.from_elevation(self.value.value(), self.error.value()))
            elif i == 1:
                ms.append(shadows.from_ratio(self.value.value(), self.error.value()))
            else:
                ms.append(
                    shadows.from_lengths(
                        self.value.value(), self.shadow.value(), self.error.value(), self.shadow_error.value()
                    )
                )
        if self.use_azimuth.isChecked():
            ms.append(shadows.from_sun_azimuth(self.azimuth.value(), self.azimuth_error.value()))
        return shadows.combine(ms)

    # ------------------------------------------------------------------------------------ solve

    def result(self) -> WhenResult | None:
        return self._result

    def solve(self) -> WhenResult | None:
        try:
            c = self.constraint()
            first = self.first.date().toPython()
            last = self.last.date().toPython()
            lat, lon = self.lat.value(), self.lon.value()
            result = solve.solve_when_dates(lat, lon, c, first, max(first, last))
            times, pos = solve.day_curve(lat, lon, result.start_utc, result.end_utc, step_s=60.0)
        except WorkbenchError as exc:
            self.summary.setText(f"<b>Cannot solve:</b> {exc}")
            return None
        zone = result.place_zones.primary
        self.chart.show_result(result, times, pos.apparent_elevation, zone)
        lines = [f"<b>{c.describe().capitalize()}</b> at {lat:.5f}, {lon:.5f}"]
        if result.windows:
            for w in result.windows:
                s, e = w.local(zone)
                lines.append(
                    f"{w.start_utc:%Y-%m-%d %H:%M:%S}–{w.end_utc:%H:%M:%S} UTC &nbsp; = &nbsp; "
                    f"{s:%Y-%m-%d %H:%M:%S}–{e:%H:%M:%S} {s:%z} local ({zone})"
                    + (" <i>(continues beyond the dates)</i>" if w.open_start or w.open_end else "")
                )
        else:
            lines.append("No time on these dates fits.")
        marks: list[tuple[str, datetime]] = []
        if self.check_exif.isChecked():
            wall = self.exif_time.dateTime().toPython().replace(tzinfo=None)
            verdict = consistency.check_times(result, exif_time=wall)
            colour = {"consistent": "#2f9e44", "inconsistent": "#c53030"}.get(verdict.status, "#b7791f")
            lines.append(f"<span style='color:{colour}'><b>{verdict.status.upper()}</b></span>: {verdict.text}")
            for check in verdict.checks:
                marks += [("EXIF", t) for t in check.instants_utc]
        self.chart.mark_times(marks)
        lines += [f"<i>{n}</i>" for n in result.notes]
        self.summary.setText("<br>".join(lines))
        self._result = result
        self.resultChanged.emit(result)
        return result

    def state(self) -> dict[str, Any]:
        """The inputs, for saving with the incident's view state."""
        return {
            "lat": self.lat.value(),
            "lon": self.lon.value(),
            "first": self.first.date().toString("yyyy-MM-dd"),
            "last": self.last.date().toString("yyyy-MM-dd"),
            "constraint": self.constraint().to_json(),
        }
