"""The map panel inside the window's context: the incident's layers, selection both ways, place search."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QCoreApplication, QEvent

from tests.gui.map.conftest import js
from workbench.gui.panels.map import AREA, TITLE, make_panel


def test_dock_shows_the_incident_and_follows_selection(
    qtbot: Any, ctx: Any, demo_incident: Path, map_cache: Path
) -> None:
    dock = make_panel(ctx)
    assert (TITLE, AREA) == ("Map", "right")
    dock.resize(900, 650)
    dock.show()
    view = dock.map
    with qtbot.waitSignal(view.pageReady, timeout=20000):
        ctx.open_incident(demo_incident, read_only=True)
    stats = js(qtbot, view, "WB.stats()")
    assert stats["points"] >= 4  # the demo's GPS photos and its claimed place
    kinds = {p.kind for p in view.layers.points}
    assert {"exif", "place"} <= kinds
    with qtbot.waitSignal(ctx.current_media_changed, timeout=10000) as sig:
        js(qtbot, view, "WB.markers['media:2'].fire('click'); 1")
    assert sig.args == [2]
    ctx.select_media([1])
    qtbot.waitUntil(lambda: js(qtbot, view, "WB.selected") == "media:1", timeout=10000)
    ctx.show_on_map_requested.emit(48.2, 16.37, "here <b>")
    qtbot.waitUntil(lambda: js(qtbot, view, "WB.layers.found.getLayers().length") == 1, timeout=10000)
    assert not dock.online.isChecked() and "nothing leaves" in view.online_label.toolTip()
    assert view.blocked_requests() == []
    ctx.close_incident()
    dock.close()
    dock.deleteLater()
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)


def test_clicks_and_drags_are_undoable(qtbot: Any, ctx: Any, tmp_path: Path, map_cache: Path) -> None:
    from workbench.core import analysis
    from workbench.core.incident import Incident

    path = tmp_path / "c.incident"
    Incident.create(path, title="C").close()
    dock = make_panel(ctx)
    dock.resize(800, 600)
    dock.show()
    view = dock.map
    with qtbot.waitSignal(view.pageReady, timeout=20000):
        ctx.open_incident(path)
    view.hypothesisAdded.emit(48.28, 37.18)  # what a click in "Add hypothesis" mode sends
    hyps = analysis.list_hypotheses(ctx.incident)
    assert len(hyps) == 1 and hyps[0].method == "map click"
    marker = f"hyp:{hyps[0].id}"
    qtbot.waitUntil(lambda: js(qtbot, view, f"!!WB.markers['{marker}']"), timeout=10000)
    js(qtbot, view, f"var m = WB.markers['{marker}']; m.setLatLng([48.3, 37.25]); m.fire('dragend'); 1")
    qtbot.waitUntil(lambda: analysis.hypothesis(ctx.incident, hyps[0].id).lat == 48.3, timeout=10000)
    ctx.undo_stack.undo()
    assert analysis.hypothesis(ctx.incident, hyps[0].id).lat == 48.28
    qtbot.waitUntil(lambda: js(qtbot, view, f"WB.markers['{marker}'].getLatLng().lat") == 48.28, timeout=10000)
    ctx.undo_stack.undo()
    assert analysis.list_hypotheses(ctx.incident) == []
    qtbot.waitUntil(lambda: js(qtbot, view, "WB.stats()")["hypotheses"] == 0, timeout=10000)
    ctx.close_incident()
    dock.close()
    dock.deleteLater()
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)


def test_dock_imports_villages_exports_and_describes(
    qtbot: Any, ctx: Any, demo_incident: Path, small_gazetteer: Any, tmp_path: Path
) -> None:
    from tests.core.geo.test_gazetteer import _write_geonames

    dock = make_panel(ctx)
    dock.resize(800, 600)
    dock.show()
    with qtbot.waitSignal(dock.map.pageReady, timeout=20000):
        ctx.open_incident(demo_incident, read_only=True)
    txt = tmp_path / "UA.txt"
    _write_geonames(txt)
    with qtbot.waitSignal(dock.import_geonames(txt).succeeded, timeout=20000) as sig:
        pass
    assert sig.args == [1]
    assert dock.gazetteer.search("Новогродівка Мала")[0]["name"] == "Novohrodivka Mala"
    lines = dock.map.describe(48.2011, 37.3511)
    assert any("Novohrodivka Mala" in line for line in lines) and any("Ukraine" in line for line in lines)
    with qtbot.waitSignal(dock.export(tmp_path / "export").succeeded, timeout=20000):
        pass
    assert {p.name for p in (tmp_path / "export").iterdir()} >= {"index.html", "map.kml", "map.geojson", "map.png"}
    ctx.close_incident()
    dock.close()
    dock.deleteLater()
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)


def test_a_geotag_selects_its_post(qtbot: Any, ctx: Any, tmp_path: Path, map_cache: Path) -> None:
    import json

    from workbench.core.incident import Incident
    from workbench.core.posts.store import import_export
    from workbench.gui.panels.posts.embed import post_selection

    page = {
        "data": [
            {
                "id": "1001",
                "text": "Smoke over the bridge",
                "author_id": "9",
                "created_at": "2024-03-01T10:00:00.000Z",
                "geo": {"coordinates": {"type": "Point", "coordinates": [37.18, 48.28]}},
            }
        ],
        "includes": {"users": [{"id": "9", "username": "witness", "name": "W"}]},
    }
    export = tmp_path / "tweets.jsonl"
    export.write_text(json.dumps(page) + "\n", encoding="utf-8")
    path = tmp_path / "p.incident"
    with Incident.create(path, title="P") as inc:
        import_export(inc, export)
    dock = make_panel(ctx)
    dock.resize(800, 600)
    dock.show()
    with qtbot.waitSignal(dock.map.pageReady, timeout=20000):
        ctx.open_incident(path, read_only=True)
    (tag,) = [p for p in dock.map.layers.points if p.kind == "geotag"]
    with qtbot.waitSignal(post_selection(ctx).changed, timeout=10000) as sig:
        js(qtbot, dock.map, f"WB.markers['{tag.id}'].fire('click'); 1")
    assert sig.args[0] == (int(tag.post_id or 0),)
    ctx.close_incident()
    dock.close()
    dock.deleteLater()
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)


def test_the_sun_band_follows_without_reloading(qtbot: Any, ctx: Any, map_cache: Path) -> None:
    from datetime import UTC, datetime

    from workbench.core.sun import shadows, solve

    band = solve.solve_where(
        datetime(2024, 6, 21, 10, 0, tzinfo=UTC),
        shadows.constraint(elevation=40.0, elevation_error=1.0),
        resolution=0.5,
    )
    dock = make_panel(ctx)
    dock.resize(800, 600)
    dock.show()
    qtbot.waitUntil(lambda: dock.map.ready, timeout=20000)
    generation = dock.map.handler.generation
    pages = sum(u.endswith("index.html") for u in dock.map.handler.requests)
    dock.show_band(band)
    qtbot.waitUntil(lambda: js(qtbot, dock.map, "WB.layers.bands.getLayers().length") == 1, timeout=10000)
    assert dock.map.layers.bands[0].label.startswith("Shadow band")
    dock.show_band(None)
    qtbot.waitUntil(lambda: js(qtbot, dock.map, "WB.layers.bands.getLayers().length") == 0, timeout=10000)
    assert dock.map.handler.generation == generation  # no page reload
    assert sum(u.endswith("index.html") for u in dock.map.handler.requests) == pages
    dock.close()
    dock.deleteLater()
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
