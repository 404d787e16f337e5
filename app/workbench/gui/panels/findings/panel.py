"""The findings panel's widget (see the package docstring)."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from workbench.core import findings as fnd
from workbench.core.store.records import Changes

TOPICS = ("findings", "incident")


class FindingsPanel(QWidget):
    def __init__(self, ctx: Any, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 8, 8, 8)

        verdict_box = QGroupBox("Verdict on the claim")
        form = QFormLayout(verdict_box)
        self.verdict = QComboBox()
        for key in fnd.VERDICTS:
            self.verdict.addItem(fnd.VERDICT_TITLES[key], key)
        self.meaning = QLabel()
        self.meaning.setWordWrap(True)
        self.meaning.setObjectName("hint")
        self.rationale = QPlainTextEdit()
        self.rationale.setPlaceholderText("Why: which findings carry the verdict, and what could change it")
        self.rationale.setFixedHeight(80)
        self.set_verdict_button = QPushButton("Record verdict")
        form.addRow("Verdict", self.verdict)
        form.addRow("", self.meaning)
        form.addRow("Rationale", self.rationale)
        form.addRow("", self.set_verdict_button)
        layout.addWidget(verdict_box)

        findings_box = QGroupBox("Findings")
        fl = QVBoxLayout(findings_box)
        self.list = QListWidget()
        self.list.setWordWrap(True)
        self.list.setAlternatingRowColors(True)
        fl.addWidget(self.list, 1)
        self.statement = QLineEdit()
        self.statement.setPlaceholderText("A statement the evidence supports, e.g. “The sign reads HAUPTPLATZ”")
        row = QHBoxLayout()
        self.confidence = QComboBox()
        self.confidence.addItems(list(fnd.CONFIDENCES))
        self.confidence.setCurrentText("medium")
        self.cite = QCheckBox("cite the selected evidence")
        self.cite.setChecked(True)
        self.add_button = QPushButton("Add finding")
        self.delete_button = QPushButton("Delete")
        row.addWidget(QLabel("Confidence"))
        row.addWidget(self.confidence)
        row.addWidget(self.cite, 1)
        row.addWidget(self.add_button)
        row.addWidget(self.delete_button)
        fl.addWidget(self.statement)
        fl.addLayout(row)
        layout.addWidget(findings_box, 1)

        check_box = QGroupBox("Checklist of the usual steps")
        cl = QFormLayout(check_box)
        self.steps: dict[str, QComboBox] = {}
        for key, title, question in fnd.CHECKLIST_STEPS:
            combo = QComboBox()
            combo.addItems(list(fnd.CHECK_STATUSES))
            combo.setToolTip(question)
            combo.activated.connect(lambda _i, k=key: self._set_step(k))
            self.steps[key] = combo
            cl.addRow(title, combo)
        layout.addWidget(check_box)

        self.verdict.currentIndexChanged.connect(self._show_meaning)
        self.set_verdict_button.clicked.connect(self.record_verdict)
        self.add_button.clicked.connect(self.add_finding)
        self.statement.returnPressed.connect(self.add_finding)
        self.delete_button.clicked.connect(self.delete_finding)
        self.selected_annotation: int | None = None
        ctx.annotation_selected.connect(self._annotation_selected)
        ctx.incident_changed.connect(lambda _inc: self.refresh())
        ctx.changed.connect(self._changed)
        self.refresh()

    # --- reading -------------------------------------------------------------------------------------------
    def _changed(self, changes: Changes) -> None:
        if any(t in changes for t in TOPICS):
            self.refresh()

    def refresh(self) -> None:
        inc = self.ctx.incident
        enabled = inc is not None
        writable = enabled and not inc.read_only
        for w in (self.set_verdict_button, self.add_button, self.delete_button, *self.steps.values()):
            w.setEnabled(writable)
        self.list.clear()
        if inc is None:
            self.meaning.setText("Open an incident to record findings and a verdict.")
            return
        verdict = fnd.get_verdict(inc)
        self.verdict.blockSignals(True)
        self.verdict.setCurrentIndex(max(0, self.verdict.findData(verdict.verdict)))
        self.verdict.blockSignals(False)
        self._show_meaning()
        if not self.rationale.hasFocus():
            self.rationale.setPlainText(verdict.rationale)
        for f in fnd.list_findings(inc):
            refs = ", ".join(e.ref for e in f.evidence) or "no evidence linked yet"
            item = QListWidgetItem(f"{f.position + 1}. {f.statement}\n    {f.confidence} confidence · {refs}")
            item.setData(Qt.ItemDataRole.UserRole, f.id)
            self.list.addItem(item)
        for step in fnd.checklist(inc):
            combo = self.steps[step.key]
            combo.setCurrentText(step.status)
            combo.setToolTip(f"{step.question}\n{step.note}".strip())

    def _annotation_selected(self, annotation_id: int | None) -> None:
        self.selected_annotation = annotation_id

    def _show_meaning(self) -> None:
        key = self.verdict.currentData()
        self.meaning.setText(fnd.VERDICT_MEANINGS.get(key, ""))

    # --- changing (undoable commands) ----------------------------------------------------------------------
    def record_verdict(self) -> None:
        inc = self.ctx.incident
        if inc is None:
            return
        command = fnd.SetVerdict.from_current(inc, self.verdict.currentData(), self.rationale.toPlainText().strip())
        self.ctx.push(command)

    def add_finding(self) -> None:
        inc = self.ctx.incident
        text = self.statement.text().strip()
        if inc is None or not text:
            return
        evidence: tuple[str, ...] = ()
        if self.cite.isChecked():
            evidence = tuple(f"media:{m}" for m in self.ctx.selection)
            if self.selected_annotation is not None:
                evidence += (f"annotation:{self.selected_annotation}",)
        if self.ctx.push(fnd.AddFinding(text, confidence=self.confidence.currentText(), evidence=evidence)):
            self.statement.clear()

    def delete_finding(self) -> None:
        inc = self.ctx.incident
        item = self.list.currentItem()
        if inc is None or item is None:
            return
        self.ctx.push(fnd.DeleteFinding(int(item.data(Qt.ItemDataRole.UserRole))))

    def _set_step(self, key: str) -> None:
        inc = self.ctx.incident
        if inc is None:
            return
        self.ctx.push(fnd.SetChecklistItem.from_current(inc, key, self.steps[key].currentText(), ""))
