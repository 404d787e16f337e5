"""GUI test set-up: offscreen Qt, QtWebEngine prepared before the QApplication, settings in a temporary file,
and real incident files (the demo, built once per session and copied per test; small generated ones).
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
from workbench.gui.main import guard_none_refcount

guard_none_refcount()  # PySide6 6.12 drops a reference to None per Python model data() -> None (see there)
try:  # the map engineer's module: must run before the QApplication exists
    from workbench.gui.webengine import prepare_webengine
except ImportError:  # pragma: no cover - only before the map panel lands
    pass
else:
    prepare_webengine()

from PySide6.QtCore import QSettings  # noqa: E402

from tests.conftest import make_jpeg  # noqa: E402


@pytest.fixture(scope="session", autouse=True)
def _style(qapp):  # type: ignore[no-untyped-def]
    """The real style sheet, so tests see the widgets people see."""
    from workbench.gui.panels.common.style import style_sheet

    qapp.setStyle("Fusion")
    qapp.setStyleSheet(style_sheet())


@pytest.fixture
def settings(tmp_path: Path) -> QSettings:
    return QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)


@pytest.fixture
def ctx(qtbot, settings: QSettings) -> Iterator:  # type: ignore[no-untyped-def]
    from workbench.gui.context import AppContext

    context = AppContext(settings)
    yield context
    context.shutdown()


@pytest.fixture
def window(qtbot, ctx):  # type: ignore[no-untyped-def]
    from workbench.gui.main_window import MainWindow

    win = MainWindow(ctx)
    qtbot.addWidget(win)
    win.resize(1600, 1000)  # the size the screenshots show; the offscreen screen is smaller
    win.show()
    qtbot.waitExposed(win)
    return win


@pytest.fixture(scope="session")
def demo_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo incident, built once (core.demo.build_demo)."""
    from workbench.core.demo import build_demo

    path = tmp_path_factory.mktemp("demo") / "demo.incident"
    build_demo(path)
    return path


@pytest.fixture
def demo_incident(tmp_path: Path, demo_template: Path) -> Path:
    """A private copy of the demo incident for one test."""
    path = tmp_path / "demo.incident"
    shutil.copyfile(demo_template, path)
    return path


def write_photos(folder: Path, count: int = 3, size: tuple[int, int] = (320, 240)) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for seed in range(count):
        path = folder / f"photo_{seed}.jpg"
        path.write_bytes(make_jpeg(*size, seed=seed + 10))
        paths.append(path)
    return paths


@pytest.fixture
def small_incident(tmp_path: Path) -> Path:
    """An incident with three small generated photos (thumbnails made)."""
    from workbench.core.incident import Incident
    from workbench.core.ingest import add_evidence

    path = tmp_path / "small.incident"
    with Incident.create(path, title="Bridge strike", claim="A bridge was hit on Monday.") as inc:
        add_evidence(inc, write_photos(tmp_path / "photos"), workers=1)
    return path


def wait_idle(qtbot, ctx, timeout: int = 20000) -> None:  # type: ignore[no-untyped-def]
    """Until no background work is left (visible or not) and its results have been delivered."""
    from PySide6.QtCore import QThreadPool  # noqa: F401

    def idle() -> None:
        assert ctx.workers.wait(10)
        assert not ctx.workers.active

    qtbot.waitUntil(idle, timeout=timeout)
    qtbot.wait(30)
