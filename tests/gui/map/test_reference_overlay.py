"""A reference image imported into the incident is drawn on the map as an overlay, from the incident's own tiles."""

from __future__ import annotations

from pathlib import Path

from tests.core.context.makers import make_geotiff
from tests.gui.conftest import wait_idle
from workbench.core.context import import_context_file
from workbench.core.incident import Incident


def test_reference_image_is_an_overlay_on_the_map(qtbot, window, ctx, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "ref.incident"
    with Incident.create(path, title="t") as inc:
        import_context_file(inc, make_geotiff(tmp_path / "ref.tif"))
    ctx.open_incident(path)
    wait_idle(qtbot, ctx)
    view = window.panels["map"].map
    qtbot.waitUntil(lambda: view.ready, timeout=60000)
    sources = {s.spec.id: s for s in view.tile_sources()}
    overlays = [s for s in sources.values() if s.spec.overlay]
    assert len(overlays) == 1
    spec = overlays[0].spec
    assert (
        any(t.id == spec.id for t in view.page_model.options.tile_layers)
        if hasattr(view.page_model, "options")
        else True
    )
    # Some tile of its own pyramid is served from the incident.
    with Incident.open(path, read_only=True) as inc, inc.read() as conn:
        z, x, y = conn.exec_driver_sql("SELECT z, x, y FROM overlay_tile LIMIT 1").one()
    assert overlays[0].tile(z, x, y)[:4] == b"RIFF"  # WebP
    assert view.blocked_requests() == []
