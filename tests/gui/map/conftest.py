"""Map panel fixtures: a real MapView (real QtWebEngine page, real scheme handler and interceptor).

tests/gui/conftest.py calls `prepare_webengine()` at import time; it is called here too (idempotent) so these
tests also run on their own.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
from workbench.gui.webengine import prepare_webengine

prepare_webengine()


def js(qtbot: Any, view: Any, script: str, timeout: int = 10000) -> Any:
    """Run JavaScript in the map page and return its value (JSON-decoded when it is a JSON string)."""
    box: dict[str, Any] = {}

    def done(value: Any) -> None:
        box["v"] = value

    view.run_js(script, done)
    qtbot.waitUntil(lambda: "v" in box, timeout=timeout)
    value = box["v"]
    if isinstance(value, str) and value and value[0] in "{[":
        return json.loads(value)
    return value


def js_async(qtbot: Any, view: Any, promise: str, timeout: int = 10000) -> Any:
    """Await a JavaScript promise expression (runJavaScript does not) and return its settled value as text."""
    view.run_js(
        f"window.__done = undefined; Promise.resolve({promise}).then(v => window.__done = String(v), "
        f"e => window.__done = 'error: ' + e);"
    )
    box: dict[str, Any] = {}

    def settled() -> bool:
        view.run_js("window.__done === undefined ? '__pending__' : window.__done", lambda v: box.update(v=v))
        return box.get("v") not in (None, "__pending__")

    qtbot.waitUntil(settled, timeout=timeout)
    return box["v"]


@pytest.fixture(scope="session")
def map_cache(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    folder = tmp_path_factory.mktemp("map-cache")
    old = os.environ.get("WORKBENCH_CACHE_DIR")
    os.environ["WORKBENCH_CACHE_DIR"] = str(folder)
    yield folder
    if old is None:
        os.environ.pop("WORKBENCH_CACHE_DIR", None)
    else:
        os.environ["WORKBENCH_CACHE_DIR"] = old


@pytest.fixture
def make_map(qtbot: Any, map_cache: Path) -> Iterator[Callable[..., Any]]:
    """Build a shown MapView for some layers and wait until the page says it is ready."""
    from PySide6.QtCore import QCoreApplication, QEvent

    from workbench.gui.panels.map.widget import MapView

    made: list[Any] = []

    def make(
        layers: Any = None, sources: tuple[Any, ...] = (), online: bool = False, size=(900, 600), **kw: Any
    ) -> Any:
        from workbench.core.geo.layers import MapLayers

        view = MapView(tile_sources=sources, **kw)
        made.append(view)
        view.resize(*size)
        view.show()
        view._online = online
        with qtbot.waitSignal(view.pageReady, timeout=20000):
            view.set_layers(layers or MapLayers())
        return view

    yield make
    # Delete the views (page before profile) now, not at interpreter exit.
    for view in made:
        view.close()
        view.deleteLater()
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)


@pytest.fixture(scope="session")
def small_gazetteer(map_cache: Path) -> Iterator[Any]:
    """A real gazetteer (GeoNames places >= 15,000 people), built once per session where the app looks for it."""
    from workbench.core.geo import gazetteer

    path = gazetteer.build(gazetteer.default_path(), min_population=15000)
    gz = gazetteer.Gazetteer(path)
    yield gz
    gz.close()
