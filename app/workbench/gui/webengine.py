"""QtWebEngine set-up that must happen before the QApplication exists.

`prepare_webengine()` is called by the app's main and by tests/gui/conftest.py at import time: it turns the
Chromium sandbox off when running as root (QtWebEngine refuses to start otherwise; logged), registers the
`workbench:` URL scheme that serves the map page, its assets and tiles, and imports QtWebEngineWidgets (which
must be loaded before the application object is created).
"""

from __future__ import annotations

import logging
import os

log = logging.getLogger(__name__)

SCHEME = b"workbench"
MAP_HOST = "map"
MAP_ORIGIN = "workbench://map"

_prepared = False


def prepare_webengine() -> None:
    """Idempotent; raises RuntimeError if called for the first time after the QApplication was created."""
    global _prepared
    if _prepared:
        return
    from PySide6.QtCore import QCoreApplication, Qt

    if QCoreApplication.instance() is not None:
        raise RuntimeError("prepare_webengine() must be called before the QApplication is created.")
    if hasattr(os, "geteuid") and os.geteuid() == 0 and not os.environ.get("QTWEBENGINE_DISABLE_SANDBOX"):
        os.environ["QTWEBENGINE_DISABLE_SANDBOX"] = "1"
        log.warning("Running as root: QtWebEngine's Chromium sandbox is turned off (QTWEBENGINE_DISABLE_SANDBOX=1).")
    from PySide6.QtWebEngineCore import QWebEngineUrlScheme

    if QWebEngineUrlScheme.schemeByName(SCHEME).name().isEmpty():
        scheme = QWebEngineUrlScheme(SCHEME)
        scheme.setSyntax(QWebEngineUrlScheme.Syntax.Host)
        # A secure context. Deliberately neither LocalScheme nor LocalAccessAllowed: a LocalScheme page may load its
        # own scheme's files only with LocalAccessAllowed, which would also let it read file:// URLs; without both
        # the page reads nothing but what the handler serves (and the profile's interceptor blocks the rest).
        scheme.setFlags(QWebEngineUrlScheme.Flag.SecureScheme)
        QWebEngineUrlScheme.registerScheme(scheme)
    from PySide6 import QtWebEngineWidgets  # noqa: F401  (must be imported before the QApplication)

    QCoreApplication.setAttribute(Qt.ApplicationAttribute.AA_ShareOpenGLContexts)
    _prepared = True
