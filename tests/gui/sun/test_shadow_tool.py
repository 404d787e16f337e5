"""The shadow tool on a rendered scene whose truth is known: clicks → elevation interval that holds the truth."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

pytest.importorskip("pytestqt")

from PySide6.QtCore import Qt

from workbench.core.sun import scene
from workbench.gui.panels.sun import SunPanel
from workbench.gui.panels.sun.shadow_tool import ShadowTool


def test_clicks_on_the_photo_measure_the_sun(qtbot) -> None:  # type: ignore[no-untyped-def]
    s = scene.render_pole_scene(48.5, 35.0, datetime(2024, 3, 14, 7, 25, tzinfo=UTC), width=800, height=500)
    tool = ShadowTool()
    qtbot.addWidget(tool)
    tool.resize(1200, 700)
    tool.show()
    tool.set_image(s.jpeg)
    tool.error_px.setValue(4.0)
    tool.assumption_boxes["vertical_object"].setChecked(True)
    with qtbot.waitSignal(tool.measurementsChanged, timeout=2000) as blocker:
        for p in (s.base, s.top, s.tip):
            tool.place_point(p.x, p.y)
    (m,) = blocker.args[0]
    assert m.elevation.contains(s.apparent_elevation)
    assert m.inputs["error_px"] == 4.0
    assert {a.key for a in m.unconfirmed} >= {"flat_ground", "same_scale"}
    assert "vertical_object" not in {a.key for a in m.unconfirmed}
    # Real mouse clicks land on the same image pixels (within a pixel of the view's scaling).
    for p in (s.base, s.top, s.tip):
        qtbot.mouseClick(tool.view.viewport(), Qt.MouseButton.LeftButton, pos=tool.map_image_point(p.x, p.y).toPoint())
    assert len(tool.measurements()) == 2
    m2 = tool.measurements()[1]
    assert abs(m2.elevation.value - s.apparent_elevation) < 0.5
    # Into the sun panel: the window holds the true instant.
    panel = SunPanel()
    qtbot.addWidget(panel)
    panel.set_place(s.lat, s.lon)
    panel.set_dates(s.instant_utc.date())
    panel.set_measurements(tool.measurements())
    result = panel.solve()
    assert result is not None and any(w.contains(s.instant_utc) for w in result.windows)
    tool.remove_last()
    assert len(tool.measurements()) == 1
