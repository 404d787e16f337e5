"""Dialogs of the posts panel: the column mapping for a generic CSV/JSON table, and a manual post.

Both only gather values; the import itself is `workbench.core.posts.store` (run it in a worker).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QPlainTextEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from workbench.core.posts.importers import generic
from workbench.core.posts.importers._common import parse_iso
from workbench.core.posts.model import ColumnMapping

NONE = "—"
FIELD_LABELS = {
    "id": "Post id",
    "author_id": "Author id",
    "author": "Author (username)",
    "author_name": "Author display name",
    "created": "Time",
    "text": "Text",
    "url": "URL",
    "language": "Language",
    "client": "Client / source",
    "reply_to": "Reply to (post id)",
    "quote_of": "Quote of (post id)",
    "repost_of": "Repost of (post id)",
    "conversation_id": "Thread / conversation",
    "likes": "Likes",
    "shares": "Shares",
    "replies": "Replies",
    "views": "Views",
    "lat": "Latitude",
    "lon": "Longitude",
    "place": "Place",
    "media": "Media (paths or URLs)",
    "hashtags": "Hashtags",
    "platform": "Platform (column)",
}


class ColumnMappingDialog(QDialog):
    """Which column holds which post field; starts from a guess or a saved mapping, shows the first rows."""

    def __init__(self, path: Path, saved: list[ColumnMapping] | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"Columns of {path.name}")
        self.path = path
        self.columns = generic.columns_of(path)
        self.saved = list(saved or [])
        self.preview = QTableWidget()
        self._fill_preview()
        self.saved_box = QComboBox()
        self.saved_box.addItem("Guess from column names", None)
        for i, m in enumerate(self.saved):
            self.saved_box.addItem(f"Saved mapping {i + 1} ({m.platform}: {', '.join(sorted(m.columns))[:60]})", i)
        self.saved_box.currentIndexChanged.connect(self._apply_saved)
        self.platform = QLineEdit("generic")
        self.time_format = QLineEdit(placeholderText="ISO 8601 or epoch seconds; else a strptime format")
        self.assume_offset = QLineEdit(placeholderText="e.g. +00:00 when the table's times are UTC")
        self.assume_offset.setToolTip("Times without a zone stay 'zone unknown' unless you say which zone they use.")
        self.boxes: dict[str, QComboBox] = {}
        form = QFormLayout()
        form.addRow("Start from", self.saved_box)
        form.addRow("Platform", self.platform)
        for name, label in FIELD_LABELS.items():
            box = QComboBox()
            box.addItem(NONE)
            box.addItems(self.columns)
            self.boxes[name] = box
            form.addRow(label, box)
        form.addRow("Time format", self.time_format)
        form.addRow("Zone of zone-less times", self.assume_offset)
        self.problem = QLabel()
        self.problem.setTextFormat(Qt.TextFormat.PlainText)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        self.ok_button = buttons.button(QDialogButtonBox.StandardButton.Ok)
        top = QHBoxLayout()
        left = QWidget()
        left.setLayout(form)
        top.addWidget(left)
        top.addWidget(self.preview, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.problem)
        layout.addWidget(buttons)
        for box in self.boxes.values():
            box.currentIndexChanged.connect(self._validate)
        self.set_mapping(generic.guess_mapping(self.columns))

    def _fill_preview(self, rows: int = 8) -> None:
        records: list[dict[str, Any]] = []
        for _, row in generic._rows(self.path):
            if isinstance(row, dict):
                records.append(row)
            if len(records) >= rows:
                break
        self.preview.setColumnCount(len(self.columns))
        self.preview.setHorizontalHeaderLabels(self.columns)
        self.preview.setRowCount(len(records))
        for r, rec in enumerate(records):
            for c, col in enumerate(self.columns):
                item = QTableWidgetItem(str(rec.get(col, "")))  # plain text
                item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEditable)
                self.preview.setItem(r, c, item)

    def _apply_saved(self, *_: Any) -> None:
        index = self.saved_box.currentData()
        if index is None:
            self.set_mapping(generic.guess_mapping(self.columns))
        else:
            self.set_mapping(self.saved[int(index)])

    def set_mapping(self, mapping: ColumnMapping) -> None:
        self.platform.setText(mapping.platform)
        self.time_format.setText(mapping.time_format or "")
        self.assume_offset.setText(mapping.assume_offset or "")
        for name, box in self.boxes.items():
            col = mapping.columns.get(name)
            box.setCurrentIndex(box.findText(col) if col and box.findText(col) >= 0 else 0)
        self._validate()

    def mapping(self) -> ColumnMapping:
        return ColumnMapping(
            platform=self.platform.text().strip() or "generic",
            columns={n: b.currentText() for n, b in self.boxes.items() if b.currentText() != NONE},
            time_format=self.time_format.text().strip() or None,
            assume_offset=self.assume_offset.text().strip() or None,
        )

    def _validate(self, *_: Any) -> None:
        m = self.mapping()
        problem = ""
        if "text" not in m.columns and "id" not in m.columns:
            problem = "Choose at least the text or the id column."
        elif "created" not in m.columns:
            problem = "No time column: the posts will not be on the timeline."
        self.problem.setText(problem)
        self.ok_button.setEnabled("text" in m.columns or "id" in m.columns)


class ManualPostDialog(QDialog):
    """A post seen on a page: URL, author, time with its zone, text, and screenshots or saved files."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Add a post by hand")
        self.url = QLineEdit(placeholderText="https://…")
        self.author = QLineEdit(placeholderText="@username")
        self.time = QLineEdit(placeholderText="2024-03-01T14:05:00+02:00 (with the zone the page showed)")
        self.text = QPlainTextEdit()
        self.files = QListWidget()
        add = QPushButton("Add screenshot or file…")
        add.clicked.connect(self._choose_files)
        self.problem = QLabel()
        self.problem.setTextFormat(Qt.TextFormat.PlainText)
        form = QFormLayout()
        form.addRow("URL", self.url)
        form.addRow("Author", self.author)
        form.addRow("Time", self.time)
        form.addRow("Text", self.text)
        form.addRow("Files", self.files)
        form.addRow("", add)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        self.ok_button = buttons.button(QDialogButtonBox.StandardButton.Ok)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.problem)
        layout.addWidget(buttons)
        for edit in (self.url, self.author, self.time):
            edit.textChanged.connect(self._validate)
        self._validate()

    def add_files(self, paths: list[Path]) -> None:
        for p in paths:
            self.files.addItem(str(p))

    def _choose_files(self) -> None:
        names, _ = QFileDialog.getOpenFileNames(self, "Screenshots or saved files")
        self.add_files([Path(n) for n in names])

    def _validate(self, *_: Any) -> None:
        problem = ""
        text = self.time.text().strip()
        try:
            when = parse_iso(text) if text else None
        except ValueError:
            when, problem = None, "The time is not ISO 8601 (e.g. 2024-03-01T14:05:00+02:00)."
        if when is not None and when.tzinfo is None:
            problem = "Give the time with its zone or offset, as the page showed it: it is never guessed."
        if not text:
            problem = "Give the post's time."
        if not self.url.text().strip() and not self.author.text().strip():
            problem = problem or "Give at least the URL or the author."
        self.problem.setText(problem)
        self.ok_button.setEnabled(not problem)

    def values(self) -> dict[str, Any]:
        """Keyword arguments for `store.import_manual_post`."""
        return {
            "url": self.url.text().strip(),
            "author": self.author.text().strip(),
            "time": self.time.text().strip(),
            "text": self.text.toPlainText(),
            "files": [Path(self.files.item(i).text()) for i in range(self.files.count())],
        }
