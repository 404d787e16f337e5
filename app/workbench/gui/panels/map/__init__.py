"""The map panel: a Leaflet page (built by `workbench.core.geo.mappage`) in a QtWebEngine view.

`MapView` (`widget.py`) is the view with its bridge signals; `MapDock` (`embed.py`) wires it to the window's
context; the window adds it through `make_panel(ctx, parent)`. Call `workbench.gui.webengine.prepare_webengine()`
before the QApplication exists.
"""

from __future__ import annotations

from typing import Any

TITLE = "Map"
AREA = "right"


def make_panel(ctx: Any, parent: Any = None) -> Any:
    from workbench.gui.panels.map.embed import MapDock

    return MapDock(ctx, parent)


__all__ = ["AREA", "TITLE", "make_panel"]
