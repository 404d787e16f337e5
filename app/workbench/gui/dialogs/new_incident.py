"""The New incident dialog: where the file goes, its title and the claim being verified."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from workbench.core.incident import SUFFIX


class NewIncidentDialog(QDialog):
    def __init__(self, folder: Path, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("New incident")
        self.setMinimumWidth(520)
        self.title = QLineEdit(placeholderText="e.g. Flooded square in Riverton")
        self.claim = QPlainTextEdit(placeholderText="The claim being verified, in the words it circulates with")
        self.claim.setFixedHeight(80)
        self.path = QLineEdit(str(folder / f"incident{SUFFIX}"))
        browse = QPushButton("Choose…")
        browse.clicked.connect(self._browse)
        path_row = QHBoxLayout()
        path_row.addWidget(self.path, 1)
        path_row.addWidget(browse)
        form = QFormLayout()
        form.addRow("Title", self.title)
        form.addRow("Claim", self.claim)
        form.addRow("File", path_row)
        note = QLabel("One incident is one file: evidence, notes and the audit log travel together.")
        note.setObjectName("Muted")
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Create")
        self.buttons.accepted.connect(self._accept)
        self.buttons.rejected.connect(self.reject)
        self.error = QLabel()
        self.error.setStyleSheet("color: #c53030")
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(note)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)
        self.title.textChanged.connect(self._suggest_name)

    def _suggest_name(self, text: str) -> None:
        current = Path(self.path.text())
        slug = "".join(c if c.isalnum() else "-" for c in text.strip().lower()).strip("-")
        slug = "-".join(part for part in slug.split("-") if part)[:60] or "incident"
        self.path.setText(str(current.with_name(slug + SUFFIX)))

    def _browse(self) -> None:
        name, _ = QFileDialog.getSaveFileName(self, "New incident file", self.path.text(), f"Incident (*{SUFFIX})")
        if name:
            self.path.setText(name if name.endswith(SUFFIX) else name + SUFFIX)

    def _accept(self) -> None:
        if not self.title.text().strip():
            self.error.setText("Give the incident a title.")
            return
        if Path(self.path.text()).exists():
            self.error.setText("That file exists already; choose another name.")
            return
        self.accept()

    def values(self) -> tuple[Path, str, str]:
        return Path(self.path.text()), self.title.text().strip(), self.claim.toPlainText().strip()
