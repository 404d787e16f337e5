"""The compare view: a reference (satellite or aerial) image of the incident beside or over a photo, for matching
landmarks. Side by side (two views that zoom and pan together, or apart) or swipe (one view, a divider between
the reference and the photo). "Link a point" marks a landmark on both: two point annotations (category landmark,
one label), each linked to the other item, made as one undoable, audited command.

Pictures are decoded in workers at most 4096 px on the long side; the views work in stored pixels (no EXIF
orientation), so annotation geometry is what the rest of the workbench expects.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QPointF, Qt
from PySide6.QtGui import QKeySequence, QResizeEvent, QShortcut
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QSizePolicy,
    QSlider,
    QSplitter,
    QStackedLayout,
    QStackedWidget,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from workbench.core.incident import Incident
from workbench.core.store.records import Changes
from workbench.gui.context import AppContext
from workbench.gui.panels.compare.commands import LinkLandmark
from workbench.gui.panels.compare.loading import (
    Choices,
    Landmark,
    MediaChoice,
    ReferenceChoice,
    Shown,
    load_shown,
    read_choices,
    read_landmarks,
)
from workbench.gui.panels.compare.views import PictureView, SwipeView

MODES = ("side", "swipe")
LEFT, RIGHT = "left", "right"


class CompareView(QWidget):
    """Follows the open incident; the photo picker follows the current media item when it is an image."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("CompareView")
        self.ctx = ctx
        self.choices = Choices((), ())
        self.shown: dict[str, Shown | None] = {LEFT: None, RIGHT: None}
        self.pending: dict[str, QPointF | None] = {LEFT: None, RIGHT: None}
        self.landmarks: tuple[Landmark, ...] = ()
        self._generation = 0  # bumped when the incident changes: late results of the old one are dropped
        self._wanted: dict[str, int | None] = {LEFT: None, RIGHT: None}  # media ids being shown or loaded
        self._filling = False
        self._syncing = False

        # --- pickers and controls -----------------------------------------------------------------------------
        self.reference_picker = QComboBox()
        self.reference_picker.setToolTip("A reference image of the incident (its label and acquisition date)")
        self.reference_picker.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.reference_picker.setMinimumContentsLength(16)
        self.photo_picker = QComboBox()
        self.photo_picker.setToolTip("Any image of the incident; follows the item shown in the inspector")
        self.photo_picker.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.photo_picker.setMinimumContentsLength(16)

        self.side_button = _text_button("Side by side")
        self.swipe_button = _text_button("Swipe")
        self.mode_group = QButtonGroup(self)
        for n, b in enumerate((self.side_button, self.swipe_button)):
            b.setCheckable(True)
            self.mode_group.addButton(b, n)
        self.side_button.setChecked(True)
        self.link_views = QCheckBox("Link views")
        self.link_views.setChecked(True)
        self.link_views.setToolTip("Zoom and pan both pictures together (by their relative position)")

        self.divider = QSlider(Qt.Orientation.Horizontal)
        self.divider.setRange(0, 100)
        self.divider.setValue(50)
        self.divider.setToolTip("Where the divider stands: left of it the reference, right of it the photo")
        self.divider_text = QLabel("50%")
        self.opacity = QSlider(Qt.Orientation.Horizontal)
        self.opacity.setRange(0, 100)
        self.opacity.setValue(100)
        self.opacity.setToolTip("The reference's opacity over the photo, left of the divider")
        self.opacity_text = QLabel("100%")
        for label in (self.divider_text, self.opacity_text):
            label.setMinimumWidth(36)

        self.link_label = QLineEdit(placeholderText="Landmark label: “church tower”, “water tower”…")
        self.link_button = _text_button("Link a point")
        self.link_button.setCheckable(True)
        self.link_button.setToolTip(
            "Click the landmark on the reference, then the same landmark on the photo: a point annotation is added "
            "to each, linked to the other (Esc cancels)"
        )
        self.prompt = QLabel()
        self.prompt.setObjectName("Muted")
        self.prompt.setWordWrap(True)
        self.pixels_note = QLabel("Coordinates in stored pixels (EXIF orientation not applied)")
        self.pixels_note.setObjectName("Muted")

        # --- the views ----------------------------------------------------------------------------------------
        self.left_view = PictureView()
        self.right_view = PictureView()
        self.left_caption = QLabel()
        self.right_caption = QLabel()
        for caption in (self.left_caption, self.right_caption):
            caption.setObjectName("Muted")
            caption.setWordWrap(True)
            caption.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.setChildrenCollapsible(False)
        for view, caption in ((self.left_view, self.left_caption), (self.right_view, self.right_caption)):
            box = QWidget()
            col = QVBoxLayout(box)
            col.setContentsMargins(0, 0, 0, 0)
            col.setSpacing(2)
            col.addWidget(caption)
            col.addWidget(view, 1)
            self.splitter.addWidget(box)
        self.swipe_view = SwipeView()
        self.views = QStackedWidget()
        self.views.addWidget(self.splitter)
        self.views.addWidget(self.swipe_view)

        # --- layout -------------------------------------------------------------------------------------------
        form = QFormLayout()
        form.setContentsMargins(0, 0, 0, 0)
        form.addRow("Reference", self.reference_picker)
        form.addRow("Photo", self.photo_picker)
        modes = QHBoxLayout()
        modes.addWidget(self.side_button)
        modes.addWidget(self.swipe_button)
        modes.addSpacing(8)
        modes.addWidget(self.link_views)
        modes.addStretch(1)
        form.addRow("View", modes)
        self.swipe_controls = QWidget()
        swipe_form = QFormLayout(self.swipe_controls)
        swipe_form.setContentsMargins(0, 0, 0, 0)
        row = QHBoxLayout()
        row.addWidget(self.divider, 1)
        row.addWidget(self.divider_text)
        swipe_form.addRow("Divider", row)
        row = QHBoxLayout()
        row.addWidget(self.opacity, 1)
        row.addWidget(self.opacity_text)
        swipe_form.addRow("Reference opacity", row)
        self.swipe_controls.setVisible(False)
        link_row = QHBoxLayout()
        link_row.addWidget(self.link_label, 1)
        link_row.addWidget(self.link_button)

        content = QWidget()
        col = QVBoxLayout(content)
        col.setContentsMargins(6, 6, 6, 6)
        col.addLayout(form)
        col.addWidget(self.swipe_controls)
        col.addWidget(self.views, 1)
        col.addLayout(link_row)
        col.addWidget(self.prompt)
        col.addWidget(self.pixels_note)

        self.empty = QLabel()
        self.empty.setObjectName("EmptyState")
        self.empty.setWordWrap(True)
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.stack = QStackedLayout(self)
        self.stack.addWidget(self.empty)
        self.stack.addWidget(content)
        self.setMinimumSize(280, 360)

        # --- wiring -------------------------------------------------------------------------------------------
        self.reference_picker.currentIndexChanged.connect(lambda _: self._picked(LEFT))
        self.photo_picker.currentIndexChanged.connect(lambda _: self._picked(RIGHT))
        self.mode_group.idClicked.connect(lambda n: self.set_mode(MODES[n]))
        self.link_views.toggled.connect(self._link_views_toggled)
        self.left_view.state_changed.connect(lambda *s: self._follow(self.right_view, s))
        self.right_view.state_changed.connect(lambda *s: self._follow(self.left_view, s))
        self.divider.valueChanged.connect(self._divider_moved)
        self.opacity.valueChanged.connect(self._opacity_moved)
        self.link_button.toggled.connect(self.set_linking)
        self.left_view.point_picked.connect(lambda p: self._point_picked(LEFT, p))
        self.right_view.point_picked.connect(lambda p: self._point_picked(RIGHT, p))
        self.link_label.returnPressed.connect(self._try_link)
        escape = QShortcut(QKeySequence(Qt.Key.Key_Escape), self)
        escape.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        escape.activated.connect(self.cancel_linking)

        ctx.incident_changed.connect(self._incident_changed)
        ctx.changed.connect(self._on_changes)
        ctx.current_media_changed.connect(self._current_media_changed)
        self._incident_changed(ctx.incident)

    # --- the incident and its choices ---------------------------------------------------------------------------
    def _incident_changed(self, incident: Incident | None) -> None:
        self._generation += 1
        self.link_button.setChecked(False)
        self.choices = Choices((), ())
        self._wanted = {LEFT: None, RIGHT: None}
        self._set_shown(LEFT, None)
        self._set_shown(RIGHT, None)
        self._fill_pickers()
        if incident is None:
            self._show_empty(
                "<h3>Nothing to compare</h3><p>Open an incident to compare its reference images with its photos.</p>"
            )
            return
        self._show_empty("<p>Reading the incident’s images…</p>")
        self._reload_choices()

    def _reload_choices(self) -> None:
        incident = self.ctx.incident
        if incident is None:
            return
        generation = self._generation
        self.ctx.workers.run(
            read_choices,
            incident,
            description="Reading reference images",
            on_result=lambda c: self._choices_read(generation, c),
            on_error=lambda e: self._failed(generation, None, e),
            visible=False,
        )

    def _choices_read(self, generation: int, choices: Choices) -> None:
        if generation != self._generation:
            return
        self.choices = choices
        self._fill_pickers()
        incident = self.ctx.incident
        name = incident.path.name if incident is not None else "incident.wbi"
        if not choices.references:
            self._show_empty(
                "<h3>No reference image yet</h3>"
                "<p>Import a reference image (a GeoTIFF satellite or aerial image) to compare it with the photos, "
                f"side by side or with a swipe:</p><p><code>workbench context import {_escape(name)} "
                "file.tif</code></p>"
            )
        elif all(i.is_reference for i in choices.images) and len(choices.references) < 2:
            self._show_empty(
                "<h3>No photo to compare</h3><p>Add a photo of the incident (File ▸ Add evidence…) to "
                "compare it with the reference image.</p>"
            )
        else:
            self.stack.setCurrentIndex(1)
        self._picked(LEFT)
        self._picked(RIGHT)

    def _fill_pickers(self) -> None:
        """Fill both pickers, keeping what was chosen when it is still there."""
        keep_ref = self.reference_picker.currentData()
        keep_photo = self.photo_picker.currentData()
        self._filling = True
        try:
            self.reference_picker.clear()
            for ref in self.choices.references:
                self.reference_picker.addItem(ref.title, ref.id)
                self.reference_picker.setItemData(
                    self.reference_picker.count() - 1, _reference_tip(ref), Qt.ItemDataRole.ToolTipRole
                )
            self.photo_picker.clear()
            for item in self.choices.images:
                self.photo_picker.addItem(item.title, item.id)
            _select(self.reference_picker, keep_ref)
            if not _select(self.photo_picker, keep_photo):
                _select(self.photo_picker, self._default_photo())
        finally:
            self._filling = False

    def _default_photo(self) -> int | None:
        images = self.choices.images
        current = self.ctx.current_media_id
        if current is not None and any(i.id == current for i in images):
            return current
        photos = [i for i in images if not i.is_reference] or list(images)
        return photos[0].id if photos else None

    def _show_empty(self, html: str) -> None:
        self.empty.setText(html)
        self.stack.setCurrentIndex(0)

    def _on_changes(self, changes: Changes) -> None:
        if self.ctx.incident is None:
            return
        if {"media", "reference_images"} & changes.topics:
            self._reload_choices()
        if "annotations" in changes.topics:
            self._reload_landmarks()

    def _current_media_changed(self, media_id: int | None) -> None:
        if media_id is not None and self.photo_picker.findData(media_id) >= 0:
            _select(self.photo_picker, media_id)

    # --- pictures -------------------------------------------------------------------------------------------
    def selected_reference(self) -> ReferenceChoice | None:
        ref_id = self.reference_picker.currentData()
        return next((r for r in self.choices.references if r.id == ref_id), None)

    def selected_photo(self) -> MediaChoice | None:
        media_id = self.photo_picker.currentData()
        return next((m for m in self.choices.images if m.id == media_id), None)

    def _media_for(self, side: str) -> int | None:
        if side == LEFT:
            ref = self.selected_reference()
            return None if ref is None else ref.media_id
        photo = self.selected_photo()
        return None if photo is None else photo.id

    def _picked(self, side: str) -> None:
        if self._filling:
            return
        media_id = self._media_for(side)
        if media_id == self._wanted[side]:
            return
        self._wanted[side] = media_id
        self.pending[side] = None
        self._set_shown(side, None)
        incident = self.ctx.incident
        if media_id is None or incident is None:
            return
        self._caption(side).setText("Decoding…")
        generation = self._generation
        self.ctx.workers.run(
            load_shown,
            incident,
            media_id,
            description="Decoding a picture to compare",
            on_result=lambda shown: self._loaded(generation, side, shown),
            on_error=lambda e: self._failed(generation, side, e),
            visible=False,
        )

    def _loaded(self, generation: int, side: str, shown: Shown) -> None:
        if generation != self._generation or shown.media_id != self._wanted[side]:
            return
        self._set_shown(side, shown)

    def _failed(self, generation: int, side: str | None, error: BaseException) -> None:
        if generation != self._generation:
            return
        if side is None:
            self._show_empty(f"<p>The incident’s images could not be read: {_escape(str(error))}</p>")
            return
        self._caption(side).setText(f"Cannot show this picture: {error}")

    def _set_shown(self, side: str, shown: Shown | None) -> None:
        self.shown[side] = shown
        view = self.left_view if side == LEFT else self.right_view
        view.set_picture(shown)
        self.swipe_view.set_pictures(self.shown[LEFT], self.shown[RIGHT])
        self.swipe_view.set_fraction(self.divider.value() / 100)
        self._caption(side).setText(self._caption_text(side))
        if self.link_views.isChecked() and self.shown[LEFT] and self.shown[RIGHT]:
            self.right_view.set_state(*self.left_view.state())
        self._update_prompt()
        self._reload_landmarks()

    def _caption(self, side: str) -> QLabel:
        return self.left_caption if side == LEFT else self.right_caption

    def _caption_text(self, side: str) -> str:
        shown = self.shown[side]
        if shown is None:
            return ""
        if side == LEFT:
            ref = self.selected_reference()
            name = ref.title if ref is not None else f"item {shown.media_id}"
        else:
            photo = self.selected_photo()
            name = photo.title if photo is not None else f"item {shown.media_id}"
        size = f"{shown.stored_width} × {shown.stored_height} px"
        if shown.image.width() != shown.stored_width:
            size += f", shown at {100 * shown.sx:.0f}%"
        return f"{name} · {size}"

    # --- landmarks already linked -------------------------------------------------------------------------------
    def _reload_landmarks(self) -> None:
        incident = self.ctx.incident
        left, right = self.shown[LEFT], self.shown[RIGHT]
        if incident is None or left is None or right is None:
            self.landmarks = ()
            self._draw_landmarks()
            return
        generation, pair = self._generation, (left.media_id, right.media_id)
        self.ctx.workers.run(
            read_landmarks,
            incident,
            *pair,
            description="Reading linked landmarks",
            on_result=lambda marks: self._landmarks_read(generation, pair, marks),
            visible=False,
        )

    def _landmarks_read(self, generation: int, pair: tuple[int, int], marks: tuple[Landmark, ...]) -> None:
        left, right = self.shown[LEFT], self.shown[RIGHT]
        if generation != self._generation or left is None or right is None:
            return
        if (left.media_id, right.media_id) != pair:
            return
        self.landmarks = marks
        self._draw_landmarks()

    def _draw_landmarks(self) -> None:
        left, right = self.shown[LEFT], self.shown[RIGHT]
        for side, view in ((LEFT, self.left_view), (RIGHT, self.right_view)):
            shown = left if side == LEFT else right
            mine = [(m.x, m.y, m.label) for m in self.landmarks if shown is not None and m.media_id == shown.media_id]
            view.set_landmarks(mine)
            view.set_pending(self.pending[side])

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        # In a narrow dock the two pictures stand one above the other; "side by side" when there is room.
        narrow = self.width() < 0.9 * self.height()
        self.splitter.setOrientation(Qt.Orientation.Vertical if narrow else Qt.Orientation.Horizontal)

    # --- modes ------------------------------------------------------------------------------------------------
    @property
    def mode(self) -> str:
        return MODES[max(0, self.mode_group.checkedId())]

    def set_mode(self, mode: str) -> None:
        if mode not in MODES:
            raise ValueError(f"unknown compare mode {mode!r}")
        if mode == "swipe" and self.link_button.isChecked():
            self.link_button.setChecked(False)  # points are picked side by side
        self.mode_group.button(MODES.index(mode)).setChecked(True)
        self.views.setCurrentIndex(MODES.index(mode))
        self.swipe_controls.setVisible(mode == "swipe")
        self.link_views.setVisible(mode == "side")

    def _link_views_toggled(self, on: bool) -> None:
        if on and self.shown[LEFT] and self.shown[RIGHT]:
            self.right_view.set_state(*self.left_view.state())

    def _follow(self, other: PictureView, state: tuple[float, float, float]) -> None:
        if self._syncing or not self.link_views.isChecked():
            return
        self._syncing = True
        try:
            other.set_state(*state)
        finally:
            self._syncing = False

    def _divider_moved(self, value: int) -> None:
        self.divider_text.setText(f"{value}%")
        self.swipe_view.set_fraction(value / 100)

    def _opacity_moved(self, value: int) -> None:
        self.opacity_text.setText(f"{value}%")
        self.swipe_view.set_opacity(value / 100)

    # --- linking a point --------------------------------------------------------------------------------------
    @property
    def linking(self) -> bool:
        return self.link_button.isChecked()

    def set_linking(self, on: bool) -> None:
        if on and (self.ctx.incident is None or self.ctx.incident.read_only):
            self.link_button.setChecked(False)
            self.prompt.setText("This incident is open read-only: points cannot be linked.")
            return
        if self.link_button.isChecked() != on:
            self.link_button.setChecked(on)  # comes back here through toggled
            return
        if on and self.mode != "side":
            self.set_mode("side")
        self.left_view.set_picking(on)
        self.right_view.set_picking(on)
        if not on:
            self._clear_pending()
        self._update_prompt()

    def cancel_linking(self) -> None:
        if self.linking:
            self.link_button.setChecked(False)

    def _clear_pending(self) -> None:
        self.pending = {LEFT: None, RIGHT: None}
        self.left_view.set_pending(None)
        self.right_view.set_pending(None)

    def _point_picked(self, side: str, point: QPointF) -> None:
        if not self.linking:
            return
        self.pending[side] = QPointF(point)
        (self.left_view if side == LEFT else self.right_view).set_pending(point)
        self._try_link()

    def _update_prompt(self) -> None:
        if not self.linking:
            self.prompt.setText("")
            return
        left, right = self.pending[LEFT], self.pending[RIGHT]
        if self.shown[LEFT] is None or self.shown[RIGHT] is None:
            text = "Choose a reference and a photo first."
        elif left is None and right is None:
            text = "Click the landmark on the reference (left)."
        elif right is None:
            text = f"Reference point {_xy(left)}. Now click the same landmark on the photo (right)."
        elif left is None:
            text = f"Photo point {_xy(right)}. Now click the same landmark on the reference (left)."
        else:
            text = "Type a label for this landmark and press Enter to link the two points."
        self.prompt.setText(text + " Esc cancels.")

    def _try_link(self) -> None:
        left, right = self.shown[LEFT], self.shown[RIGHT]
        a, b = self.pending[LEFT], self.pending[RIGHT]
        if not self.linking or left is None or right is None or a is None or b is None:
            self._update_prompt()
            return
        label = self.link_label.text().strip()
        if not label:
            self._update_prompt()
            self.link_label.setFocus()
            return
        if left.media_id == right.media_id:
            self.prompt.setText("The reference and the photo are the same item: choose another photo to link to.")
            return
        command = LinkLandmark.between(left.media_id, (a.x(), a.y()), right.media_id, (b.x(), b.y()), label)
        if self.ctx.push(command):
            self._clear_pending()
            self.link_label.clear()
            self.prompt.setText(
                f"Linked “{label}”: {_xy(a)} on the reference, {_xy(b)} on the photo. Type the next label and "
                "click the next landmark, or press Esc."
            )


def _text_button(text: str) -> QToolButton:
    button = QToolButton()
    button.setText(text)
    button.setCheckable(True)
    return button


def _select(combo: QComboBox, data: Any) -> bool:
    index = combo.findData(data) if data is not None else -1
    if index >= 0:
        combo.setCurrentIndex(index)
        return True
    return False


def _reference_tip(ref: ReferenceChoice) -> str:
    return f"Reference image {ref.id} (media item {ref.media_id}); " + (
        f"acquired {ref.acquired}" if ref.acquired else "acquisition date unknown"
    )


def _xy(point: QPointF | None) -> str:
    return "" if point is None else f"({point.x():.0f}, {point.y():.0f})"


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
