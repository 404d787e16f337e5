"""The live band: dragging the time slider redraws the places where the sun fits, fast enough to follow."""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime

import pytest

pytest.importorskip("pytestqt")

from PySide6.QtWidgets import QApplication

from workbench.core.sun import ephemeris, shadows
from workbench.gui.panels.sun.where_view import WhereView


def test_slider_to_picture_under_250_ms_and_band_holds_the_place(qtbot, tmp_path) -> None:  # type: ignore[no-untyped-def]
    t = datetime(2024, 6, 21, 10, 0, tzinfo=UTC)
    e = float(ephemeris.sun_position(50.45, 30.52, t).apparent_elevation)
    view = WhereView()
    qtbot.addWidget(view)
    view.resize(1000, 600)
    view.show()
    view.resolution.setCurrentText("0.1")
    view.set_place(50.45, 30.52)
    view.set_instant(t)
    view.set_constraint(shadows.combine([shadows.from_elevation(e, 0.2)]))
    assert view.result is not None and view.result.contains(50.45, 30.52)
    first = view.image.image.copy()
    latencies = []
    for minutes in range(10 * 60 + 5, 11 * 60, 5):  # drag through an hour
        start = time.perf_counter()
        view.slider.setValue(minutes)
        QApplication.processEvents()
        latencies.append((time.perf_counter() - start) * 1000)
    assert max(latencies) < 250, latencies
    assert view.last_update_ms < 250
    assert (view.image.image != first).any()  # the band moved west with the sun
    assert view.instant() == datetime(2024, 6, 21, 10, 55, tzinfo=UTC)
    assert not view.result.contains(50.45, 30.52)
    gj = json.loads(view.export(tmp_path / "band.geojson").read_text())
    assert gj["features"][0]["properties"]["cells"] == view.result.cells


def test_local_mode_and_time_error(qtbot) -> None:  # type: ignore[no-untyped-def]
    view = WhereView()
    qtbot.addWidget(view)
    view.resolution.setCurrentText("0.5")
    view.set_instant(datetime(2024, 6, 21, 13, 0, tzinfo=UTC))
    view.set_constraint(shadows.combine([shadows.from_elevation(60.0, 1.0)]))
    narrow = view.result.cells  # type: ignore[union-attr]
    view.time_error.setValue(1800)
    assert view.result.cells > narrow  # type: ignore[union-attr]
    with qtbot.waitSignal(view.bandChanged, timeout=3000) as blocker:
        view.local_mode.setChecked(True)
    assert blocker.args[0].mode == "local" and "local" in view.time_label.text()
