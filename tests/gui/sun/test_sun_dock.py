"""The sun panel inside the window: it follows the current photo, and its results are saved to the incident."""

from __future__ import annotations

from pathlib import Path

from tests.gui.conftest import wait_idle

from workbench.core.analysis import list_measurements, list_time_windows
from workbench.core.demo import POLE_FILE, POLE_INSTANT, pole_scene
from workbench.core.incident import Incident


def test_measure_on_the_demo_pole_solve_and_save(qtbot, window, ctx, demo_incident: Path) -> None:  # type: ignore[no-untyped-def]
    ctx.open_incident(demo_incident)
    wait_idle(qtbot, ctx)
    dock = window.panels["sun"]
    pole = next(m for m in ctx.incident.media_items() if m.filename == POLE_FILE)
    ctx.select_media([pole.id])
    qtbot.waitUntil(lambda: dock.media_id == pole.id, timeout=20000)
    assert POLE_FILE in dock.caption.text() and "EXIF position" in dock.caption.text()
    scene = pole_scene()
    for point in (scene.base, scene.top, scene.tip):  # what an analyst clicks: base, top, shadow tip
        dock.area.tool.place_point(point.x, point.y)
    dock.area.when.solve()  # the analyst presses Solve
    qtbot.waitUntil(lambda: dock._result is not None and bool(dock._result.windows), timeout=20000)
    assert any(w.start_utc <= POLE_INSTANT <= w.end_utc for w in dock._result.windows)
    before = (len(list_measurements(ctx.incident)), len(list_time_windows(ctx.incident)))
    assert dock.save_button.isEnabled()
    dock.save()
    wait_idle(qtbot, ctx)
    after = (len(list_measurements(ctx.incident)), len(list_time_windows(ctx.incident)))
    assert after[0] == before[0] + 1 and after[1] > before[1]
    ctx.close_incident()
    with Incident.open(demo_incident, read_only=True) as inc:
        actions = [e.action for e in inc.audit_log()]
        assert actions.count("measurement.add") == 2  # the demo's own and ours


def test_the_where_band_shows_on_the_map_and_becomes_a_hypothesis(qtbot, window, ctx, demo_incident: Path) -> None:  # type: ignore[no-untyped-def]
    from workbench.core.analysis import list_hypotheses

    ctx.open_incident(demo_incident)
    wait_idle(qtbot, ctx)
    dock = window.panels["sun"]
    pole = next(m for m in ctx.incident.media_items() if m.filename == POLE_FILE)
    ctx.select_media([pole.id])
    qtbot.waitUntil(lambda: dock.media_id == pole.id, timeout=20000)
    scene = pole_scene()
    for point in (scene.base, scene.top, scene.tip):
        dock.area.tool.place_point(point.x, point.y)
    qtbot.waitUntil(lambda: dock._band_result is not None and dock._band_result.bbox is not None, timeout=20000)
    assert dock._band_result.contains(scene.lat, scene.lon)
    map_dock = window.panels["map"]
    assert any(b.id == "band:live" for b in map_dock.layers().bands)
    before = len(list_hypotheses(ctx.incident))
    assert dock.band_button.isEnabled()
    dock.band_button.click()
    wait_idle(qtbot, ctx)
    hyps = list_hypotheses(ctx.incident)
    assert len(hyps) == before + 1 and hyps[-1].geometry is not None and hyps[-1].method.startswith("sun-where")
