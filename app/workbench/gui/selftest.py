"""`workbench --self-test`: prove a build works on this machine, without a network and without a display.

Builds the demo incident in a temporary folder, opens it in the real window, waits for the offline map page to
report ready (and checks that it asked for nothing outside the app), writes the PDF report, verifies the incident,
and exits 0; any failure prints what failed and exits 1. Runs offscreen when no display is set.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path


def _wait(app: object, condition: Callable[[], bool], seconds: float) -> bool:
    from PySide6.QtCore import QCoreApplication, QEventLoop

    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        QCoreApplication.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 50)
        if condition():
            return True
        time.sleep(0.01)
    return False


def run_self_test() -> int:
    if not os.environ.get("DISPLAY") and not os.environ.get("WAYLAND_DISPLAY"):
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from workbench.gui.main import guard_none_refcount, prepare

    guard_none_refcount()
    prepare()
    from PySide6.QtCore import QSettings
    from PySide6.QtWidgets import QApplication

    from workbench import __version__
    from workbench.core.demo import build_demo
    from workbench.core.verify import verify_incident
    from workbench.gui.context import AppContext
    from workbench.gui.main_window import MainWindow

    started = time.perf_counter()
    steps: list[str] = []

    def step(text: str) -> None:
        steps.append(f"{time.perf_counter() - started:6.2f} s  {text}")
        print(steps[-1], flush=True)

    app = QApplication.instance() or QApplication([sys.argv[0]])
    with tempfile.TemporaryDirectory(prefix="workbench-selftest-") as tmp:
        folder = Path(tmp)
        os.environ.setdefault("WORKBENCH_CONFIG_DIR", str(folder / "config"))
        os.environ.setdefault("WORKBENCH_CACHE_DIR", str(folder / "cache"))
        step(f"workbench {__version__}: building the demo incident")
        demo = build_demo(folder / "demo.incident")
        ctx = AppContext(QSettings(str(folder / "settings.ini"), QSettings.Format.IniFormat))
        window = MainWindow(ctx)
        window.resize(1400, 900)
        window.show()
        ctx.open_incident(demo)
        items = len(ctx.incident.media_items()) if ctx.incident else 0
        step(f"window open with the demo incident ({items} items)")
        failures: list[str] = []
        map_dock = window.panels.get("map")
        if map_dock is None:
            failures.append("the map panel is missing")
        else:
            view = map_dock.map
            if not _wait(app, lambda: bool(getattr(view, "ready", False)), 60):
                failures.append("the offline map page did not report ready within 60 s")
            else:
                blocked = view.blocked_requests()
                step(f"map page ready offline ({len(blocked)} outside requests blocked)")
                if blocked:
                    failures.append(f"the map page asked for outside addresses: {blocked[:3]}")
        _wait(app, lambda: not ctx.workers.active, 60)
        report_path = folder / "report.pdf"
        try:
            from workbench.render import write_report

            assert ctx.incident is not None
            write_report(ctx.incident, report_path)
            size = report_path.stat().st_size
            step(f"report written ({size / 1e6:.1f} MB)")
            if size < 10_000:
                failures.append("the report is suspiciously small")
        except Exception as exc:  # the self-test reports every failure in words
            failures.append(f"the report could not be written: {type(exc).__name__}: {exc}")
        ctx.close_incident(announce=False)
        window.close()
        report = verify_incident(demo)
        step("incident verified" if report.intact else "incident NOT intact")
        if not report.intact:
            failures.extend(report.problems)
        ctx.shutdown()
    if failures:
        print("SELF-TEST FAILED:\n  - " + "\n  - ".join(failures), flush=True)
        return 1
    print(f"self-test passed in {time.perf_counter() - started:.1f} s", flush=True)
    return 0
