"""The annotations panel: the clues marked on the current picture, and an editor for the selected one
(category, label, note, confidence, links to another item or to a location hypothesis). Every edit is an undoable,
audited command.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSlider,
    QStackedLayout,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from workbench.core import annotations as ann
from workbench.core.store.records import Changes
from workbench.core.undo import DeleteAnnotation, UpdateAnnotation
from workbench.gui.context import AppContext
from workbench.gui.panels.common.style import ANNOTATION_COLOURS, icon

IdRole = Qt.ItemDataRole.UserRole + 1


class AnnotationPanel(QWidget):
    """Follows the current media item and the selected annotation."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("AnnotationPanel")
        self.ctx = ctx
        self.media_id: int | None = None
        self.records: dict[int, ann.Annotation] = {}
        self._filling = False
        self._links_for: tuple[int, int | None] | None = None

        self.model = QStandardItemModel(0, 4, self)
        self.model.setHorizontalHeaderLabels(["", "Label", "Category", "Conf."])
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.verticalHeader().setVisible(False)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.table.setColumnWidth(0, 30)
        self.table.setColumnWidth(2, 110)
        self.table.setColumnWidth(3, 50)
        self.table.setShowGrid(False)
        self.table.setAlternatingRowColors(True)
        self.table.selectionModel().selectionChanged.connect(self._on_table_selection)

        self.category = QComboBox()
        for cat in ann.CATEGORIES:
            self.category.addItem(ann.CATEGORY_TITLES[cat], cat)
        self.label = QLineEdit(placeholderText="What it is: “church tower”, “plate AB-123”…")
        self.note = QPlainTextEdit(placeholderText="Why it matters, what it matches, what is uncertain")
        self.note.setFixedHeight(70)
        self.confidence = QSlider(Qt.Orientation.Horizontal)
        self.confidence.setRange(0, 100)
        self.confidence_text = QLabel("not set")
        self.confidence_text.setMinimumWidth(50)
        self.clear_confidence = QPushButton("Clear")
        self.clear_confidence.setFlat(True)
        self.link_media = QComboBox()
        self.link_hypothesis = QComboBox()
        self.delete_button = QPushButton(icon("delete"), "Delete")
        self.geometry_text = QLabel()
        self.geometry_text.setObjectName("Muted")
        self.geometry_text.setWordWrap(True)

        conf_row = QHBoxLayout()
        conf_row.addWidget(self.confidence, 1)
        conf_row.addWidget(self.confidence_text)
        conf_row.addWidget(self.clear_confidence)
        form = QFormLayout()
        form.setContentsMargins(0, 6, 0, 0)
        form.addRow("Category", self.category)
        form.addRow("Label", self.label)
        form.addRow("Note", self.note)
        form.addRow("Confidence", conf_row)
        form.addRow("Same as item", self.link_media)
        form.addRow("Location", self.link_hypothesis)
        buttons = QHBoxLayout()
        buttons.addWidget(self.geometry_text, 1)
        buttons.addWidget(self.delete_button)
        form.addRow(buttons)
        self.editor = QWidget()
        self.editor.setLayout(form)
        self.editor.setEnabled(False)
        self.editor.setVisible(False)

        self.empty = QLabel(
            "<h3>No annotations</h3><p>Pick a tool in the inspector's toolbar (rectangle R, ellipse E, polygon P, "
            "point O, line L, arrow A, text T) and draw on the picture to mark a clue.</p>"
        )
        self.empty.setObjectName("EmptyState")
        self.empty.setWordWrap(True)
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        holder = QWidget()
        self.stack = QStackedLayout(holder)
        self.stack.addWidget(self.empty)
        self.stack.addWidget(self.table)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addWidget(holder, 1)
        layout.addWidget(self.editor)

        self.category.activated.connect(
            lambda _: self._edit({"category": self.category.currentData()}, "Change category")
        )
        self.label.editingFinished.connect(lambda: self._edit({"label": self.label.text()}, "Rename annotation"))
        self.note.textChanged.connect(self._note_changed)
        self.confidence.valueChanged.connect(lambda v: self.confidence_text.setText(f"{v}%"))
        self.confidence.sliderReleased.connect(self._confidence_changed)
        self.confidence.actionTriggered.connect(lambda _: self._confidence_changed_later())
        self.clear_confidence.clicked.connect(lambda: self._edit({"confidence": None}, "Clear confidence"))
        self.link_media.activated.connect(
            lambda _: self._edit({"linked_media_id": self.link_media.currentData()}, "Link annotation")
        )
        self.link_hypothesis.activated.connect(
            lambda _: self._edit({"linked_hypothesis_id": self.link_hypothesis.currentData()}, "Link annotation")
        )
        self.delete_button.clicked.connect(self.delete_current)

        from PySide6.QtCore import QTimer

        self._note_timer = QTimer(self, singleShot=True, interval=600)
        self._note_timer.timeout.connect(lambda: self._edit({"note": self.note.toPlainText()}, "Edit note"))
        self._conf_timer = QTimer(self, singleShot=True, interval=300)
        self._conf_timer.timeout.connect(self._confidence_changed)

        ctx.current_media_changed.connect(self.show_media)
        ctx.incident_changed.connect(lambda _: self.show_media(None))
        ctx.changed.connect(self._on_changes)
        ctx.annotation_selected.connect(self._follow_selection)

    # --- content ----------------------------------------------------------------------------------------------------
    def show_media(self, media_id: int | None) -> None:
        self.media_id = media_id
        self._links_for = None
        self.reload()

    def _on_changes(self, changes: Changes) -> None:
        if "media" in changes:
            self._links_for = None
        if "annotations" in changes or "media" in changes:
            self.reload()

    def reload(self) -> None:
        incident = self.ctx.incident
        self._filling = True
        try:
            self.model.removeRows(0, self.model.rowCount())
            self.records = {}
            if incident is None or self.media_id is None:
                self.stack.setCurrentIndex(0)
                self.editor.setEnabled(False)
                self.editor.setVisible(False)
                return
            for record in ann.list_annotations(incident, self.media_id):
                self.records[record.id] = record
                swatch = QStandardItem()
                swatch.setIcon(icon(record.shape))
                swatch.setBackground(QColor(ANNOTATION_COLOURS.get(record.category, "#f08c00")).lighter(170))
                swatch.setData(record.id, IdRole)
                swatch.setToolTip(record.shape)
                conf = "" if record.confidence is None else f"{round(record.confidence * 100)}%"
                category = ann.CATEGORY_TITLES.get(record.category, record.category)
                label = QStandardItem(record.label or f"({record.shape})")
                self.model.appendRow([swatch, label, QStandardItem(category), QStandardItem(conf)])
            self.stack.setCurrentIndex(1 if self.records else 0)
        finally:
            self._filling = False
        self._follow_selection(self.ctx.current_annotation_id)

    def _fill_links(self) -> None:
        """The link boxes are filled when an annotation is first edited, not on every selection (2,000 items)."""
        incident = self.ctx.incident
        key = (id(incident), self.media_id)
        if self._links_for == key:
            return
        self._links_for = key
        self.link_media.clear()
        self.link_media.addItem("— none —", None)
        self.link_hypothesis.clear()
        self.link_hypothesis.addItem("— none —", None)
        if incident is None:
            return
        for media_id, filename in ann.media_choices(incident):
            if media_id != self.media_id:
                self.link_media.addItem(f"#{media_id} {filename}", media_id)
        for hid, text in ann.hypothesis_labels(incident):
            self.link_hypothesis.addItem(text, hid)

    def _follow_selection(self, annotation_id: int | None) -> None:
        self._filling = True
        try:
            record = self.records.get(annotation_id) if annotation_id is not None else None
            if record is None:
                self.table.clearSelection()
                self.editor.setEnabled(False)
                self.editor.setVisible(False)
                self.label.clear()
                self.note.clear()
                self.geometry_text.clear()
                return
            self._fill_links()
            for row in range(self.model.rowCount()):
                if self.model.item(row, 0).data(IdRole) == annotation_id:
                    self.table.selectRow(row)
            self.editor.setEnabled(not (self.ctx.incident and self.ctx.incident.read_only))
            self.editor.setVisible(True)
            self.category.setCurrentIndex(max(0, self.category.findData(record.category)))
            if not self.label.hasFocus():
                self.label.setText(record.label)
            if not self.note.hasFocus():
                self.note.setPlainText(record.note)
            self.confidence.setValue(round((record.confidence or 0) * 100))
            self.confidence_text.setText(
                "not set" if record.confidence is None else f"{round(record.confidence * 100)}%"
            )
            self.link_media.setCurrentIndex(max(0, self.link_media.findData(record.linked_media_id)))
            self.link_hypothesis.setCurrentIndex(max(0, self.link_hypothesis.findData(record.linked_hypothesis_id)))
            if record.shape == "text" and record.label == "Text":
                # A text label just placed: type its words straight away.
                self.label.setFocus()
                self.label.selectAll()
            x, y, w, h = record.bounds()
            self.geometry_text.setText(
                f"{record.shape} at x {x:.0f}, y {y:.0f}"
                + (f", {w:.0f} × {h:.0f} px" if w or h else "")
                + " (stored pixels)"
            )
        finally:
            self._filling = False

    def _on_table_selection(self, *_: Any) -> None:
        if self._filling:
            return
        rows = self.table.selectionModel().selectedRows()
        self.ctx.select_annotation(self.model.item(rows[0].row(), 0).data(IdRole) if rows else None)

    # --- edits ------------------------------------------------------------------------------------------------------
    def _edit(self, values: dict[str, Any], text: str) -> None:
        if self._filling or self.ctx.incident is None or self.ctx.current_annotation_id is None:
            return
        record = self.records.get(self.ctx.current_annotation_id)
        if record is None:
            return
        current = record.editable()
        changed = {k: v for k, v in values.items() if current.get(k) != v}
        if not changed:
            return
        self.ctx.push(UpdateAnnotation(record.id, {k: current[k] for k in changed}, changed, text))

    def _note_changed(self) -> None:
        if not self._filling:
            self._note_timer.start()

    def _confidence_changed_later(self) -> None:
        if not self._filling and not self.confidence.isSliderDown():
            self._conf_timer.start()

    def _confidence_changed(self) -> None:
        self._edit({"confidence": round(self.confidence.value() / 100, 2)}, "Change confidence")

    def delete_current(self) -> None:
        if self.ctx.current_annotation_id is not None:
            self.ctx.push(DeleteAnnotation(self.ctx.current_annotation_id))
            self.ctx.select_annotation(None)
