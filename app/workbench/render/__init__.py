"""Rendering with Qt (QtGui only, no widgets): the report as a PDF, or as a QTextDocument for a preview.

Qt is used because it shapes Arabic, Hebrew and Indic text and falls back per character across the installed
fonts. Everything here works headless: without a running application a QGuiApplication is created on the
"offscreen" platform.
"""

from __future__ import annotations

from workbench.render.pdf import (
    FONT_FAMILIES,
    ensure_app,
    missing_scripts,
    report_document,
    software_lines,
    write_pdf,
    write_report,
)

__all__ = [
    "FONT_FAMILIES",
    "ensure_app",
    "missing_scripts",
    "report_document",
    "software_lines",
    "write_pdf",
    "write_report",
]
