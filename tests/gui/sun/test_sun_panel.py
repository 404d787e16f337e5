"""The sun panel: typed or photo measurement → windows on the chart and a verdict."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

pytest.importorskip("pytestqt")

from workbench.core.sun import ephemeris, shadows
from workbench.gui.panels.sun import SunPanel


def test_typed_elevation_gives_two_windows_on_the_chart(qtbot) -> None:  # type: ignore[no-untyped-def]
    panel = SunPanel()
    qtbot.addWidget(panel)
    panel.set_place(50.45, 30.52)
    panel.set_dates(date(2024, 4, 10))
    panel.mode.setCurrentIndex(0)
    panel.value.setValue(30.0)
    panel.error.setValue(0.5)
    with qtbot.waitSignal(panel.resultChanged, timeout=5000) as blocker:
        panel.solve_button.click()
    result = blocker.args[0]
    assert len(result.windows) == 2
    assert len(panel.chart.windows) == 2
    lo, hi = panel.chart.band.getRegion()
    assert (lo, hi) == pytest.approx((29.5, 30.5))
    x, y = panel.chart.curve.getData()
    assert len(x) > 1400 and y.max() > 30.0
    assert "Europe/Kyiv" in panel.summary.text() and "UTC" in panel.summary.text()


def test_photo_measurement_and_exif_verdict(qtbot) -> None:  # type: ignore[no-untyped-def]
    t = datetime(2024, 4, 10, 7, 0, tzinfo=UTC)
    e = float(ephemeris.sun_position(50.45, 30.52, t).apparent_elevation)
    m = shadows.from_elevation(e, 0.3, label="pole")
    panel = SunPanel()
    qtbot.addWidget(panel)
    panel.set_place(50.45, 30.52)
    panel.set_dates(date(2024, 4, 10))
    panel.set_measurements([m])
    assert not panel.value.isEnabled() and "From the photo" in panel.from_photo.text()
    panel.set_exif_time(datetime(2024, 4, 10, 14, 5))
    result = panel.solve()
    assert result is not None and any(w.contains(t) for w in result.windows)
    assert "INCONSISTENT" in panel.summary.text() and "EXIF says 14:05" in panel.summary.text()
    assert len(panel.chart.markers) == 1
    panel.set_exif_time(datetime(2024, 4, 10, 10, 0))
    panel.solve()
    assert "CONSISTENT" in panel.summary.text() and "INCONSISTENT" not in panel.summary.text()
    assert panel.state()["constraint"]["measurements"][0]["label"] == "pole"
