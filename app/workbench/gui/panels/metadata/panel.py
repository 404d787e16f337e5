"""The metadata panel: flags first, then the summary a verifier reads first, Content Credentials, provenance, and
every decoded tag in groups (camera, time, location, software and edits, image, everything else) with a filter.
"""

from __future__ import annotations

import json
from typing import Any

from PySide6.QtCore import QSortFilterProxyModel, Qt
from PySide6.QtGui import QAction, QGuiApplication, QKeySequence, QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMenu,
    QPushButton,
    QScrollArea,
    QSplitter,
    QTreeView,
    QVBoxLayout,
    QWidget,
)

from workbench.core.incident import Incident
from workbench.core.store.records import Changes, MediaItem, MediaSource
from workbench.core.tasks import Progress
from workbench.gui.context import AppContext
from workbench.gui.models.media import human_size
from workbench.gui.panels.common.style import SEVERITY_COLOURS, icon

GROUPS = ("Camera", "Time", "Location", "Software and edits", "Image", "Everything else")

_CAMERA = (
    "make", "model", "lens", "serial", "fnumber", "aperture", "exposure", "iso", "focal", "flash", "metering",
    "whitebalance", "shutter", "brightness", "scenecapture", "gaincontrol", "contrast", "saturation", "sharpness",
    "subjectdistance", "digitalzoom", "sensing", "owner", "cameraowner", "bodyserial", "fov",
)  # fmt: skip
_TIME = ("date", "time", "offset", "subsec", "created", "modified", "timestamp")
_LOCATION = ("gps", "location", "iso6709", "xyz", "loci", "latitude", "longitude", "altitude", "city", "country",
             "sublocation", "province", "state")  # fmt: skip
_SOFTWARE = ("software", "creatortool", "history", "processing", "documentid", "instanceid", "derivedfrom",
             "photoshop", "edit", "generator", "encoder", "handler", "toolname", "application")  # fmt: skip
_IMAGE = ("width", "height", "orientation", "resolution", "colorspace", "bitspersample", "compression", "ycbcr",
          "pixel", "components", "samplesperpixel", "photometric", "gamma", "profile", "quality", "progressive",
          "subsampling", "dimension")  # fmt: skip


def tag_group(family: str, tag: str) -> str:
    """Which group of the metadata table a tag belongs in."""
    fam, name = family.lower(), tag.lower().replace(" ", "").replace("_", "")
    if "gps" in fam or any(k in name for k in _LOCATION):
        return "Location"
    if any(k in name for k in _SOFTWARE) or (fam.startswith("xmp") and "mm" in name):
        return "Software and edits"
    if "exposuretime" in name or any(k in name for k in _CAMERA):
        return "Camera"
    if any(k in name for k in _TIME):
        return "Time"
    if fam in ("icc", "jpeg", "png", "file") or any(k in name for k in _IMAGE):
        return "Image"
    return "Everything else"


def _text(value: Any) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, list | dict):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def load_details(incident: Incident, media_id: int, *, progress: Progress) -> dict[str, Any]:
    """Everything the panel shows about one item (run in a worker)."""
    item = incident.media_item(media_id)
    out: dict[str, Any] = {
        "item": item,
        "metadata": incident.media_metadata(media_id),
        "sources": incident.media_sources(media_id),
        "credentials": None,
    }
    progress.check()
    if item.kind in ("image", "video") and item.size <= 512 * 1024 * 1024:
        try:
            from workbench.core.media.c2pa import read_content_credentials

            out["credentials"] = read_content_credentials(incident.media_bytes(media_id), mime=item.mime)
        except ImportError:
            out["credentials"] = None
        except Exception as exc:  # a reader failure is shown, never fatal to the panel
            out["credentials_error"] = f"{type(exc).__name__}: {exc}"
    return out


class _Filter(QSortFilterProxyModel):
    def __init__(self) -> None:
        super().__init__()
        self.setRecursiveFilteringEnabled(True)
        self.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.setFilterKeyColumn(-1)


class MetadataPanel(QWidget):
    """Follows the current media item. Emits `ctx.show_on_map_requested` for GPS positions."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("MetadataPanel")
        self.ctx = ctx
        self.media_id: int | None = None
        self._task: Any = None
        self.gps: tuple[float, float] | None = None

        self.heading = QLabel()
        self.heading.setObjectName("IncidentTitle")
        self.heading.setWordWrap(True)
        self.heading.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.flags_box = QFrame()
        self.flags_box.setObjectName("FlagBox")
        self.flags_layout = QVBoxLayout(self.flags_box)
        self.flags_layout.setContentsMargins(8, 6, 8, 6)
        self.flags_layout.setSpacing(4)
        self.summary = QFormLayout()
        self.summary.setLabelAlignment(Qt.AlignmentFlag.AlignRight)
        self.summary.setHorizontalSpacing(10)
        self.summary.setVerticalSpacing(4)
        self.map_button = QPushButton(icon("map"), "Show on map")
        self.map_button.clicked.connect(self._show_on_map)
        self.credentials = QLabel()
        self.credentials.setWordWrap(True)
        self.credentials.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.provenance = QLabel()
        self.provenance.setWordWrap(True)
        self.provenance.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        top = QWidget()
        top_layout = QVBoxLayout(top)
        top_layout.setContentsMargins(8, 8, 8, 8)
        top_layout.setSpacing(8)
        top_layout.addWidget(self.heading)
        top_layout.addWidget(self.flags_box)
        summary_holder = QWidget()
        summary_holder.setLayout(self.summary)
        top_layout.addWidget(self._section("Summary"))
        top_layout.addWidget(summary_holder)
        top_layout.addWidget(self._section("Content Credentials (C2PA)"))
        top_layout.addWidget(self.credentials)
        top_layout.addWidget(self._section("Where it came from"))
        top_layout.addWidget(self.provenance)
        top_layout.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidget(top)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)

        self.filter = QLineEdit(placeholderText="Filter tags and values…")
        self.filter.setClearButtonEnabled(True)
        self.filter.addAction(icon("search"), QLineEdit.ActionPosition.LeadingPosition)
        self.model = QStandardItemModel(0, 3, self)
        self.model.setHorizontalHeaderLabels(["Tag", "Value", "Family"])
        self.proxy = _Filter()
        self.proxy.setSourceModel(self.model)
        self.tree = QTreeView()
        self.tree.setModel(self.proxy)
        self.tree.setAlternatingRowColors(True)
        self.tree.setUniformRowHeights(True)
        self.tree.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.tree.header().setSectionResizeMode(0, QHeaderView.ResizeMode.Interactive)
        self.tree.header().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.tree.header().setStretchLastSection(False)
        self.tree.setColumnWidth(0, 170)
        self.tree.setColumnWidth(2, 90)
        self.tree.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.tree.customContextMenuRequested.connect(self._context_menu)
        self.copy_action = QAction(icon("copy"), "Copy value", self)
        self.copy_action.setShortcut(QKeySequence.StandardKey.Copy)
        self.copy_action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.copy_action.triggered.connect(self.copy_value)
        self.tree.addAction(self.copy_action)
        self.filter.textChanged.connect(self._on_filter)

        tags = QWidget()
        tl = QVBoxLayout(tags)
        tl.setContentsMargins(8, 4, 8, 8)
        tl.setSpacing(4)
        tl.addWidget(self._section("All metadata"))
        tl.addWidget(self.filter)
        tl.addWidget(self.tree, 1)

        self.splitter = QSplitter(Qt.Orientation.Vertical)
        self.splitter.addWidget(scroll)
        self.splitter.addWidget(tags)
        self.splitter.setStretchFactor(0, 1)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setSizes([380, 320])

        self.empty = QLabel(
            "<h3>No item selected</h3><p>Choose an item in the evidence browser to read its metadata.</p>"
        )
        self.empty.setObjectName("EmptyState")
        self.empty.setWordWrap(True)
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.splitter)
        layout.addWidget(self.empty)
        self._show_empty(True)

        ctx.current_media_changed.connect(self.show_media)
        ctx.incident_changed.connect(lambda _: self.show_media(None))
        ctx.changed.connect(self._on_changes)

    def _section(self, title: str) -> QLabel:
        label = QLabel(title.upper())
        label.setObjectName("Muted")
        label.setStyleSheet("font-weight: 700; letter-spacing: 1px; padding-top: 4px;")
        return label

    def _show_empty(self, empty: bool) -> None:
        self.empty.setVisible(empty)
        self.splitter.setVisible(not empty)

    # --- loading ----------------------------------------------------------------------------------------------------
    def show_media(self, media_id: int | None) -> None:
        self.media_id = media_id
        if self._task is not None:
            self._task.cancel()
        if media_id is None or self.ctx.incident is None:
            self._show_empty(True)
            return
        self._task = self.ctx.workers.run(
            load_details,
            self.ctx.incident,
            media_id,
            description="Reading metadata",
            on_result=self._fill,
            visible=False,
        )

    def _on_changes(self, changes: Changes) -> None:
        if (
            self.media_id is not None
            and "media" in changes
            and self.media_id in changes.ids.get("media", (self.media_id,))
        ):
            self.show_media(self.media_id)

    def _fill(self, details: dict[str, Any]) -> None:
        item: MediaItem = details["item"]
        if item.id != self.media_id:
            return
        self._show_empty(False)
        self.heading.setText(item.filename)
        self._fill_flags(item)
        self._fill_summary(item)
        self._fill_credentials(details.get("credentials"), details.get("credentials_error"))
        self._fill_provenance(item, details["sources"])
        self._fill_tags(details["metadata"])

    def _fill_flags(self, item: MediaItem) -> None:
        while self.flags_layout.count():
            taken = self.flags_layout.takeAt(0)
            w = taken.widget() if taken is not None else None
            if w is not None:
                w.deleteLater()
        for flag in item.flags:
            colour = SEVERITY_COLOURS.get(flag.severity, "#6b7280")
            label = QLabel(
                f"<span style='color:{colour}; font-weight:700'>● {flag.severity.upper()}</span>&nbsp; {flag.message}"
            )
            label.setWordWrap(True)
            label.setToolTip(flag.code)
            self.flags_layout.addWidget(label)
        if not item.flags:
            label = QLabel(
                "<span style='color:#2f855a; font-weight:700'>●</span> No flags: nothing unusual was found in the "
                "metadata (which does not make the item authentic)."
            )
            label.setWordWrap(True)
            self.flags_layout.addWidget(label)

    def _fill_summary(self, item: MediaItem) -> None:
        while self.summary.rowCount():
            self.summary.removeRow(0)
        s = item.summary
        self.gps = None

        def row(title: str, value: Any) -> None:
            label = QLabel(str(value))
            label.setWordWrap(True)
            label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            self.summary.addRow(f"<span style='color:#52606d'>{title}</span>", label)

        if s.capture_time:
            zone = {
                "offset": "with its UTC offset",
                "utc": "UTC",
                "local-unknown-zone": "local time, zone unknown",
            }.get(s.capture_time_zone or "", s.capture_time_zone or "")
            row(
                "Captured", f"{s.capture_time.replace('T', ' ')}  ({zone}; {s.capture_time_source or 'source unknown'})"
            )
        else:
            row("Captured", "no capture time in the metadata")
        camera = " ".join(v for v in (s.make, s.model) if v)
        row("Camera", camera or "not recorded")
        if s.lens:
            row("Lens", s.lens)
        if s.software:
            row("Software", s.software)
        if s.gps is not None:
            self.gps = (s.gps.lat, s.gps.lon)
            holder = QWidget()
            h = QHBoxLayout(holder)
            h.setContentsMargins(0, 0, 0, 0)
            text = f"{s.gps.lat:.6f}, {s.gps.lon:.6f}"
            if s.gps.alt is not None:
                text += f"  alt {s.gps.alt:.0f} m"
            if s.gps.direction is not None:
                north = {"T": " true", "M": " magnetic"}.get(s.gps.direction_ref or "", "")
                text += f"  facing {s.gps.direction:.0f}°{north}"
            label = QLabel(text + f"  ({s.gps.source})")
            label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            label.setWordWrap(True)
            h.addWidget(label, 1)
            self.map_button = QPushButton(icon("map"), "Show on map")
            self.map_button.clicked.connect(self._show_on_map)
            h.addWidget(self.map_button)
            self.summary.addRow("<span style='color:#52606d'>Location</span>", holder)
        else:
            row("Location", "no position in the metadata")
        if s.width and s.height:
            row(
                "Pixels",
                f"{s.width} × {s.height} (stored)" + (f", orientation {s.orientation}" if s.orientation else ""),
            )
        if item.kind == "video":
            parts = []
            if s.duration:
                parts.append(f"{s.duration:.2f} s")
            if s.frame_rate:
                parts.append(f"{s.frame_rate:.2f} fps")
            if s.codec:
                parts.append(s.codec)
            row("Video", ", ".join(parts) or "no stream details")
        row("File", f"{item.mime} · {human_size(item.size)}")
        row("SHA-256", f"{item.sha256[:32]}\n{item.sha256[32:]}")

    def _fill_credentials(self, creds: Any, error: str | None) -> None:
        if error:
            self.credentials.setText(f"The Content Credentials reader failed: {error}")
            return
        if creds is None:
            self.credentials.setText("Not checked (the Content Credentials reader is not available).")
            return
        if not creds.present:
            self.credentials.setText(creds.message)
            return
        lines = [f"<b>{creds.validation_state or 'unknown state'}</b> — {creds.message}"]
        if creds.signer or creds.signer_organisation:
            lines.append(
                f"Signer: {creds.signer or ''}"
                + (f" ({creds.signer_organisation})" if creds.signer_organisation else "")
            )
        if creds.signed_at:
            lines.append(f"Signed: {creds.signed_at}")
        if creds.claim_generator:
            lines.append(f"Claim generator: {creds.claim_generator}")
        for action in creds.actions:
            extra = ", ".join(v for v in (action.software_agent, action.when, action.description) if v)
            lines.append(f"• {action.action}" + (f" ({extra})" if extra else ""))
        for failure in creds.validation_failures:
            lines.append(f"<span style='color:#c53030'>✗ {failure}</span>")
        self.credentials.setText("<br>".join(lines))

    def _fill_provenance(self, item: MediaItem, sources: list[MediaSource]) -> None:
        lines = []
        if item.parent_id is not None and item.derivation:
            d = item.derivation
            when = d.get("time_s", d.get("time"))
            lines.append(
                f"Derived from item #{item.parent_id} by <b>{d.get('method', '?')}</b>"
                + (f" at {when} s (frame {d.get('frame_index')})" if when is not None else "")
                + f"<br><small>{d.get('tool', '')}</small>"
            )
        for src in sources:
            where = src.url or src.original_path or src.original_name
            lines.append(f"{src.original_name} — added {src.acquired_utc.replace('T', ' ')[:19]} by {src.acquired_by}"
                         f"<br><small>{where}</small>")  # fmt: skip
        lines.append(f"<small>Metadata read by {item.reader}</small>")
        self.provenance.setText("<br>".join(lines))

    def _fill_tags(self, metadata: dict[str, Any]) -> None:
        self.model.removeRows(0, self.model.rowCount())
        groups: dict[str, QStandardItem] = {}
        for title in GROUPS:
            node = QStandardItem(title)
            font = node.font()
            font.setBold(True)
            node.setFont(font)
            node.setEditable(False)
            groups[title] = node
        tags: dict[str, dict[str, Any]] = metadata.get("tags") or {}
        for family, values in tags.items():
            if not isinstance(values, dict):
                continue
            for tag, value in values.items():
                cells = [QStandardItem(str(tag)), QStandardItem(_text(value)), QStandardItem(family)]
                for c in cells:
                    c.setEditable(False)
                cells[1].setToolTip(_text(value)[:2000])
                groups[tag_group(family, str(tag))].appendRow(cells)
        problems = metadata.get("problems") or []
        for title in GROUPS:
            node = groups[title]
            if node.rowCount():
                node.setText(f"{title}  ({node.rowCount()})")
                self.model.appendRow([node, QStandardItem(""), QStandardItem("")])
        if problems:
            node = QStandardItem(f"Could not be read  ({len(problems)})")
            for p in problems:
                node.appendRow([QStandardItem("problem"), QStandardItem(str(p)), QStandardItem("")])
            self.model.appendRow([node, QStandardItem(""), QStandardItem("")])
        if not self.model.rowCount():
            self.model.appendRow([QStandardItem("No metadata in this file"), QStandardItem(""), QStandardItem("")])
        self.tree.expandAll()

    # --- actions ----------------------------------------------------------------------------------------------------
    def _on_filter(self, text: str) -> None:
        self.proxy.setFilterFixedString(text)
        self.tree.expandAll()

    def copy_value(self) -> None:
        index = self.tree.currentIndex()
        if not index.isValid():
            return
        value = index.siblingAtColumn(1).data() or index.siblingAtColumn(0).data()
        QGuiApplication.clipboard().setText(str(value or ""))
        self.ctx.status_message.emit("Value copied")

    def _context_menu(self, pos: Any) -> None:
        menu = QMenu(self)
        menu.addAction(self.copy_action)
        menu.exec(self.tree.viewport().mapToGlobal(pos))

    def _show_on_map(self) -> None:
        if self.gps is not None:
            self.ctx.show_on_map_requested.emit(self.gps[0], self.gps[1], self.heading.text())
