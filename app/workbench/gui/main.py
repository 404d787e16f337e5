"""`workbench [FILE | --demo]`: start the window, optionally opening an incident or the bundled demo."""

from __future__ import annotations

import argparse
import logging
import os
import sys
from pathlib import Path

log = logging.getLogger(__name__)


_NONE_GUARDED = False


def guard_none_refcount() -> None:
    """Work around a PySide6 6.12 bug on Python 3.11: every time Qt calls a Python item model's `data()` and it
    returns None (the normal answer for a role it does not provide), one reference to None is dropped. After a few
    thousand calls None's count reaches zero and Python aborts ("none_dealloc: deallocating None"). Measured:
    1,000 `index.data(role)` calls → refcount of None −1,000. On Python 3.12+ None is immortal and this is a no-op.
    Giving None a huge count (2**40) keeps it alive for as long as anyone could scroll."""
    global _NONE_GUARDED
    if _NONE_GUARDED or sys.version_info >= (3, 12):
        return
    import ctypes

    # True and False too: a test run that passed then aborted at exit with "bool_dealloc: deallocating True or
    # False" (the same kind of dropped reference, source not pinned down).
    for singleton in (None, True, False):
        ctypes.c_ssize_t.from_address(id(singleton)).value += 1 << 40
    _NONE_GUARDED = True


def prepare() -> None:
    """What must happen before the QApplication exists (QtWebEngine's scheme, sandbox as root, PySide6 guard)."""
    guard_none_refcount()
    try:
        from workbench.gui.webengine import prepare_webengine
    except ImportError:
        if hasattr(os, "geteuid") and os.geteuid() == 0 and not os.environ.get("QTWEBENGINE_DISABLE_SANDBOX"):
            os.environ["QTWEBENGINE_DISABLE_SANDBOX"] = "1"
            log.warning("Running as root: QtWebEngine's Chromium sandbox is turned off.")
        return
    prepare_webengine()


def demo_path() -> Path:
    """Where the demo incident is built the first time it is asked for (WORKBENCH_DEMO overrides)."""
    override = os.environ.get("WORKBENCH_DEMO")
    if override:
        return Path(override)
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    folder = Path(base) / "workbench"
    folder.mkdir(parents=True, exist_ok=True)
    return folder / "demo.incident"


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="workbench", description="Open the Verification Workbench window.")
    parser.add_argument("file", nargs="?", help="an incident file to open")
    parser.add_argument("--demo", action="store_true", help="open the bundled demo incident (built on first use)")
    parser.add_argument("--read-only", action="store_true", help="open the file without changing it")
    parser.add_argument(
        "--self-test", action="store_true", help="open the demo offscreen, render the map, write a report; exit 0/1"
    )
    args, _ = parser.parse_known_args(argv)  # Qt's own options (-platform ...) pass through
    return args


def main(argv: list[str] | None = None) -> int:
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    args = parse_args(list(sys.argv[1:] if argv is None else argv))
    if args.self_test:
        from workbench.gui.selftest import run_self_test

        return run_self_test()
    prepare()
    from PySide6.QtWidgets import QApplication

    from workbench import __version__
    from workbench.gui.context import APPLICATION, ORGANISATION, AppContext
    from workbench.gui.main_window import MainWindow
    from workbench.gui.panels.common.style import icon, style_sheet

    app = QApplication.instance() or QApplication([sys.argv[0]])
    assert isinstance(app, QApplication)
    app.setOrganizationName(ORGANISATION)
    app.setApplicationName(APPLICATION)
    app.setApplicationVersion(__version__)
    app.setApplicationDisplayName("Verification Workbench")
    app.setStyle("Fusion")
    app.setStyleSheet(style_sheet())
    app.setWindowIcon(icon("workbench"))
    ctx = AppContext()
    window = MainWindow(ctx)
    window.show()
    if args.demo:
        window.open_demo()
    elif args.file:
        window.open_path(args.file, read_only=args.read_only)
    return int(app.exec())


if __name__ == "__main__":
    raise SystemExit(main())
