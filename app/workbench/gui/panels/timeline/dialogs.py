"""Adding an analyst event to the timeline: a time with its zone, a label, an uncertainty."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from workbench.core.posts.importers._common import parse_iso
from workbench.core.timeline.edits import AddTimelineEvent


class AddEventDialog(QDialog):
    def __init__(self, around: datetime | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Add an event to the timeline")
        self.label = QLineEdit(placeholderText="e.g. first reports of an explosion (local TV)")
        self.time = QLineEdit((around or datetime.now(UTC)).astimezone(UTC).replace(microsecond=0).isoformat())
        self.time.setToolTip("ISO 8601 with its zone or offset, e.g. 2024-03-01T14:05:00+02:00")
        self.uncertainty = QDoubleSpinBox(minimum=0, maximum=7 * 24 * 60, value=0, suffix=" min")
        self.source = QLineEdit(placeholderText="where this time comes from")
        self.note = QLineEdit()
        self.problem = QLabel()
        self.problem.setTextFormat(Qt.TextFormat.PlainText)
        form = QFormLayout()
        form.addRow("What", self.label)
        form.addRow("When", self.time)
        form.addRow("± uncertainty", self.uncertainty)
        form.addRow("Source", self.source)
        form.addRow("Note", self.note)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        self.ok_button = buttons.button(QDialogButtonBox.StandardButton.Ok)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.problem)
        layout.addWidget(buttons)
        self.label.textChanged.connect(self._validate)
        self.time.textChanged.connect(self._validate)
        self._validate()

    def when(self) -> datetime | None:
        try:
            value = parse_iso(self.time.text())
        except ValueError:
            return None
        return value if value.tzinfo is not None else None

    def _validate(self, *_: Any) -> None:
        problem = ""
        if self.when() is None:
            problem = "Give the time in ISO 8601 with its zone, e.g. 2024-03-01T14:05:00+02:00."
        elif not self.label.text().strip():
            problem = "Say what happened."
        self.problem.setText(problem)
        self.ok_button.setEnabled(not problem)

    def command(self) -> AddTimelineEvent:
        when = self.when()
        assert when is not None
        return AddTimelineEvent(
            at_utc=when.astimezone(UTC),
            label=self.label.text().strip(),
            uncertainty_s=timedelta(minutes=self.uncertainty.value()).total_seconds() or None,
            note=self.note.text().strip(),
            source=self.source.text().strip(),
        )
