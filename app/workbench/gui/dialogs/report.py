"""Export report…: choose the sections, look at a preview laid out by the same engine as the PDF, then export.

The report is built in a worker (pure core); laying it out for the preview happens on the GUI thread, because Qt's
text documents belong to it; the PDF itself is written in a worker.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from workbench.core.report import SECTION_TITLES, SECTIONS


class ReportDialog(QDialog):
    def __init__(self, ctx: Any, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setWindowTitle("Export report")
        self.resize(1100, 800)
        self.boxes: dict[str, QCheckBox] = {}
        side = QVBoxLayout()
        side.addWidget(QLabel("<b>Sections</b>"))
        for key in SECTIONS:
            box = QCheckBox(SECTION_TITLES[key])
            box.setChecked(True)
            box.toggled.connect(self.preview)
            self.boxes[key] = box
            side.addWidget(box)
        side.addStretch(1)
        self.status = QLabel("")
        self.status.setWordWrap(True)
        side.addWidget(self.status)
        self.export_button = QPushButton("Export PDF…")
        self.export_button.setDefault(True)
        self.export_button.clicked.connect(lambda: self.export())
        close = QPushButton("Close")
        close.clicked.connect(self.reject)
        side.addWidget(self.export_button)
        side.addWidget(close)
        self.browser = QTextBrowser()
        self.browser.setOpenLinks(False)  # nothing in a report is followed or fetched from the preview
        layout = QHBoxLayout(self)
        layout.addLayout(side)
        layout.addWidget(self.browser, 1)
        self._generation = 0
        self._document: Any = None  # kept: the browser does not own a document set on it
        self.preview()

    def sections(self) -> list[str]:
        return [key for key, box in self.boxes.items() if box.isChecked()]

    def preview(self) -> None:
        incident = self.ctx.incident
        if incident is None:
            return
        sections = self.sections()
        self._generation += 1
        generation = self._generation
        self.status.setText("Building the preview…")

        def build(progress: Any) -> Any:
            from workbench.core.report import build_report

            return build_report(incident, sections, progress=progress)

        def show(report: Any) -> None:
            if generation != self._generation:
                return
            from workbench.render import report_document

            self._document = report_document(report)
            self.browser.setDocument(self._document)
            self.status.setText(f"{len(sections)} sections; content digest {report.content_digest[:16]}…")

        self.ctx.workers.run(
            build, description="Building the report preview", visible=False, on_result=show,
            on_error=lambda exc: self.status.setText(str(exc)),
        )  # fmt: skip

    def export(self, dest: Path | str | None = None) -> Any:
        incident = self.ctx.incident
        if incident is None:
            return None
        if dest is None:
            suggested = str(incident.path.with_suffix(".pdf"))
            dest, _ = QFileDialog.getSaveFileName(self, "Export report", suggested, "PDF (*.pdf)")
            if not dest:
                return None
        target, sections = Path(dest), self.sections()
        from workbench.render import write_report

        self.status.setText(f"Writing {target.name}…")
        return self.ctx.workers.run(
            lambda progress: write_report(incident, target, sections=sections, progress=progress),
            description="Writing the report",
            on_result=lambda path: self.status.setText(f"Report written to {path}"),
            on_error=lambda exc: self.status.setText(f"The report could not be written: {exc}"),
        )
