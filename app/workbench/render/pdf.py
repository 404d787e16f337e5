"""The report as a PDF: the core's HTML laid out by QTextDocument and painted page by page onto a QPdfWriter,
with a running header, a footer naming the incident, its content digest and audit head, and "page N of M".

    from workbench.render import write_report
    write_report(incident, Path("case.pdf"), sections=("title", "findings"))

`report_document(report)` returns the laid-out QTextDocument (figures registered as resources) for a preview.
"""

from __future__ import annotations

import math
import os
import sys
import threading
import uuid
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QCoreApplication, QLoggingCategory, QMarginsF, QRectF, QSizeF, Qt, QUrl, QUuid, qVersion
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontDatabase,
    QGuiApplication,
    QImage,
    QPageLayout,
    QPageSize,
    QPainter,
    QPdfWriter,
    QPen,
    QTextDocument,
    QTextOption,
)

from workbench.core.errors import WorkbenchError
from workbench.core.report import Report, build_report
from workbench.core.report.model import CONTENTS_ANCHOR, FIGURE_SCHEME
from workbench.core.tasks import Progress

# The body font first, then fonts for scripts it lacks; Qt falls back per character beyond these too.
FONT_FAMILIES = [
    "Noto Sans",
    "DejaVu Sans",
    "Noto Sans Arabic",
    "Noto Sans Hebrew",
    "Noto Sans Devanagari",
    "Droid Sans Fallback",
    "Noto Sans CJK SC",
    "Noto Color Emoji",
]
DPI = 96.0  # document units: CSS pixels
MM = DPI / 25.4
MARGIN_X = 15 * MM
MARGIN_TOP = 20 * MM
MARGIN_BOTTOM = 20 * MM

_app: QGuiApplication | None = None
_lock = threading.Lock()


def ensure_app() -> QCoreApplication:
    """The running Qt application, or a new offscreen QGuiApplication (command line, tests, workers)."""
    global _app
    with _lock:
        app = QCoreApplication.instance()
        if app is not None:
            return app
        if sys.platform.startswith("linux"):
            # No window is ever shown: the offscreen platform needs no display (Windows and macOS need none).
            os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
        # Qt logs a line per missing OpenType feature of fallback fonts; it is noise for a user.
        QLoggingCategory.setFilterRules("qt.text.font.db=false\nqt.qpa.fonts=false")
        _app = QGuiApplication(["workbench-report"])
        return _app


class _Document(QTextDocument):
    """A document that loads nothing from outside: only figures registered under figure:NAME exist."""

    def loadResource(self, kind: int, url: QUrl) -> Any:
        if url.scheme() == FIGURE_SCHEME:
            return super().loadResource(kind, url)
        return None


# Scripts a report must be able to show, with the Debian packages that cover them (documented for users).
SCRIPTS: dict[str, tuple[QFontDatabase.WritingSystem, str]] = {
    "Latin": (QFontDatabase.WritingSystem.Latin, "fonts-dejavu or fonts-noto-core"),
    "Cyrillic": (QFontDatabase.WritingSystem.Cyrillic, "fonts-dejavu or fonts-noto-core"),
    "Arabic": (QFontDatabase.WritingSystem.Arabic, "fonts-dejavu or fonts-noto-core"),
    "Hebrew": (QFontDatabase.WritingSystem.Hebrew, "fonts-dejavu or fonts-noto-core"),
    "Devanagari": (QFontDatabase.WritingSystem.Devanagari, "fonts-noto-core"),
    "Chinese": (QFontDatabase.WritingSystem.SimplifiedChinese, "fonts-droid-fallback or fonts-noto-cjk"),
    "Japanese": (QFontDatabase.WritingSystem.Japanese, "fonts-droid-fallback or fonts-noto-cjk"),
}


def missing_scripts() -> dict[str, str]:
    """Scripts no installed font covers → the package that would; empty when every script can be shown."""
    ensure_app()
    return {name: pkg for name, (system, pkg) in SCRIPTS.items() if not QFontDatabase.families(system)}


def _body_font() -> QFont:
    font = QFont()
    font.setFamilies(FONT_FAMILIES)
    font.setPointSizeF(9.0)
    return font


def report_document(report: Report, width: float | None = None, pages: dict[str, int] | None = None) -> QTextDocument:
    """The report laid out as a QTextDocument, figures registered; `width` (document px) defaults to the A4 text
    column; `pages` (section → page) fills in the contents. Show it in a QTextBrowser for a preview
    (`browser.setDocument(doc)`)."""
    ensure_app()
    doc = _Document()
    doc.setUseDesignMetrics(True)
    doc.setDefaultFont(_body_font())
    option = QTextOption()
    option.setWrapMode(QTextOption.WrapMode.WrapAtWordBoundaryOrAnywhere)
    doc.setDefaultTextOption(option)
    doc.setDocumentMargin(0)
    for fig in report.figures().values():
        image = QImage.fromData(fig.data)
        if image.isNull():
            continue
        doc.addResource(QTextDocument.ResourceType.ImageResource, QUrl(f"{FIGURE_SCHEME}:{fig.name}"), image)
    doc.setHtml(report.html(pages))
    page = QPageSize(QPageSize.PageSizeId.A4).sizePoints()
    doc.setTextWidth(width if width is not None else page.width() / 72 * DPI - 2 * MARGIN_X)
    return doc


def write_pdf(report: Report, path: Path | str, progress: Progress | None = None, *, archival: bool = False) -> int:
    """Paint the report into a PDF at `path` (written to a temporary name, then renamed); returns the page count.

    `archival` writes PDF/A-1b (Qt's implementation: fonts embedded, an sRGB output intent, no transparency)."""
    ensure_app()
    progress = progress or Progress()
    path = Path(path)
    size_pt = QPageSize(QPageSize.PageSizeId.A4).sizePoints()
    page_w, page_h = size_pt.width() / 72 * DPI, size_pt.height() / 72 * DPI
    body_h = math.floor((page_h - MARGIN_TOP - MARGIN_BOTTOM) * 64) / 64  # Qt lays out in 1/64 px
    doc = report_document(report)
    doc.setPageSize(QSizeF(page_w - 2 * MARGIN_X, body_h))
    pages = doc.pageCount()
    section_pages = _section_pages(doc, report, body_h)
    contents_cells = _contents_cells(doc)
    tmp = path.with_name(f".{path.name}.writing")
    writer = QPdfWriter(str(tmp))
    writer.setResolution(300)
    writer.setTitle(f"Verification report: {report.incident_title}")
    writer.setCreator(report.software)
    writer.setAuthor(report.analyst)
    # The PDF's document ID is derived from the content digest: the same incident content gives the same ID.
    writer.setDocumentId(QUuid(str(uuid.UUID(report.content_digest[:32]))))
    if archival:
        writer.setPdfVersion(QPdfWriter.PdfVersion.PdfVersion_A1b)
    writer.setPageLayout(
        QPageLayout(QPageSize(QPageSize.PageSizeId.A4), QPageLayout.Orientation.Portrait, QMarginsF(0, 0, 0, 0))
    )
    painter = QPainter()
    if not painter.begin(writer):
        tmp.unlink(missing_ok=True)
        raise WorkbenchError(f"Cannot write {path}: the PDF could not be opened for writing (is the folder writable?).")
    try:
        scale = writer.resolution() / DPI
        small = QFont()
        small.setFamilies(FONT_FAMILIES)
        small.setPixelSize(9)
        for n in range(pages):
            progress(n, pages, f"PDF page {n + 1} of {pages}")
            if n:
                writer.newPage()
            painter.save()
            painter.scale(scale, scale)
            painter.save()
            painter.translate(MARGIN_X, MARGIN_TOP - n * body_h)
            # Lines never straddle a page; the clip stops half a pixel short so that the first line of the next
            # page, which touches this page's lower edge, is not also drawn (invisibly clipped) here.
            doc.drawContents(painter, QRectF(0, n * body_h, page_w - 2 * MARGIN_X, body_h - 0.5))
            _contents_pages(painter, doc, contents_cells, section_pages, n, body_h)
            painter.restore()
            _furniture(painter, report, n, pages, page_w, page_h, small)
            painter.restore()
        progress(pages, pages, "PDF written")
    except BaseException:
        painter.end()
        tmp.unlink(missing_ok=True)  # cancelled or failed: no half-written PDF is left behind
        raise
    painter.end()
    if not tmp.exists():
        raise WorkbenchError(f"Cannot write {path}: Qt produced no file.")
    os.replace(tmp, path)
    return pages


def _contents_cells(doc: QTextDocument) -> dict[str, QRectF]:
    """Section key → the rectangle (document coordinates) of its page-number cell in the contents."""
    layout = doc.documentLayout()
    cells: dict[str, QRectF] = {}
    block = doc.begin()
    while block.isValid():
        it = block.begin()
        while not it.atEnd():
            for name in it.fragment().charFormat().anchorNames():
                if name.startswith(CONTENTS_ANCHOR):
                    cells[name[len(CONTENTS_ANCHOR) :]] = layout.blockBoundingRect(block)
            it += 1
        block = block.next()
    return cells


def _contents_pages(
    painter: QPainter,
    doc: QTextDocument,
    cells: dict[str, QRectF],
    pages: dict[str, int],
    page: int,
    page_height: float,
) -> None:
    """Draw the page numbers into the contents (known only once the document is laid out)."""
    painter.save()
    font = QFont(doc.defaultFont())
    font.setPixelSize(round(font.pointSizeF() * DPI / 72))  # the painter works in document pixels
    painter.setFont(font)
    painter.setPen(QColor(29, 35, 43))
    for key, rect in cells.items():
        if key in pages and int(rect.top() // page_height) == page:
            painter.drawText(rect, int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter), str(pages[key]))
    painter.restore()


def _section_pages(doc: QTextDocument, report: Report, page_height: float) -> dict[str, int]:
    """Section key → the page its heading lands on (top-level headings are the numbered sections, in order)."""
    layout = doc.documentLayout()
    tops: list[float] = []
    block = doc.begin()
    while block.isValid():
        if block.blockFormat().headingLevel() == 1:
            tops.append(layout.blockBoundingRect(block).top())
        block = block.next()
    # Qt rounds positions to 1/64 px: a heading at the very top of a page can sit a hair above its boundary.
    return {
        s.key: int((top + 0.5) // page_height) + 1
        for (_, s), top in zip(report.numbered_sections(), tops, strict=False)
    }


def _furniture(
    painter: QPainter, report: Report, n: int, pages: int, page_w: float, page_h: float, font: QFont
) -> None:
    painter.setFont(font)
    grey = QColor(87, 96, 106)
    rule = QPen(QColor(200, 206, 214))
    rule.setWidthF(0.6)
    flags = Qt.AlignmentFlag.AlignVCenter | Qt.TextFlag.TextSingleLine
    if n:
        painter.setPen(grey)
        top = QRectF(MARGIN_X, 8 * MM, page_w - 2 * MARGIN_X, 6 * MM)
        painter.drawText(top, flags | Qt.AlignmentFlag.AlignLeft, _elide(report.header, 110))
        painter.drawText(top, flags | Qt.AlignmentFlag.AlignRight, report.generated_utc[:10])
        painter.setPen(rule)
        painter.drawLine(top.bottomLeft(), top.bottomRight())
    y = page_h - MARGIN_BOTTOM + 6 * MM
    painter.setPen(rule)
    painter.drawLine(int(MARGIN_X), int(y), int(page_w - MARGIN_X), int(y))
    painter.setPen(grey)
    bottom = QRectF(MARGIN_X, y + 1.5 * MM, page_w - 2 * MARGIN_X, 6 * MM)
    painter.drawText(bottom, flags | Qt.AlignmentFlag.AlignLeft, _elide(report.footer, 120))
    painter.drawText(bottom, flags | Qt.AlignmentFlag.AlignRight, f"page {n + 1} of {pages}")


def _elide(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def software_lines() -> dict[str, str]:
    """What the renderer adds to the report's software table: Qt's version and the scripts fonts cover."""
    missing = missing_scripts()
    fonts = "every script in the list is covered" if not missing else "missing for " + ", ".join(missing)
    return {
        "Qt (PDF rendering)": qVersion(),
        "Fonts": f"{', '.join(f for f in FONT_FAMILIES if QFontDatabase.hasFamily(f))}; {fonts}",
    }


def write_report(
    incident: Any,
    path: Path | str,
    sections: Iterable[str] | str | None = None,
    progress: Progress | None = None,
    **build_options: Any,
) -> Path:
    """Build the report of an open incident and write it as a PDF; returns the path. (GUI: Export report…)"""
    progress = progress or Progress()
    report = build_report(incident, sections, progress=progress, software=software_lines(), **build_options)
    write_pdf(report, path, progress)
    return Path(path)
