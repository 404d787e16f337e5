"""The sun panel in the window: follows the current photo, and saves measurements and windows to the incident.

The photo's bytes and metadata are read in a worker (never on the GUI thread); saving runs on the writer thread
through the audited core operations, and the window is told what changed.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from workbench.core.incident import Incident
from workbench.core.store.records import Changes
from workbench.core.sun.shadows import ShadowMeasurement
from workbench.core.sun.solve import WhenResult
from workbench.core.tasks import Progress
from workbench.gui.panels.sun.area import SunArea


def _load(incident: Incident, media_id: int, *, progress: Progress) -> dict[str, Any] | None:
    """What the sun tools need of an item: JPEG bytes to draw on, place, capture time, camera bearing."""
    import io

    from PIL import Image

    item = incident.media_item(media_id)
    if item.kind != "image":
        return None
    data = incident.media_bytes(media_id)
    if item.mime != "image/jpeg":
        with Image.open(io.BytesIO(data)) as img:
            buf = io.BytesIO()
            img.convert("RGB").save(buf, "JPEG", quality=92)
            data = buf.getvalue()
    s = item.summary
    taken = None
    if s.capture_time:
        try:
            taken = datetime.fromisoformat(s.capture_time)
        except ValueError:
            taken = None
    return {
        "id": media_id,
        "name": item.filename,
        "jpeg": data,
        "lat": s.gps.lat if s.gps else None,
        "lon": s.gps.lon if s.gps else None,
        "bearing": s.gps.direction if s.gps else None,
        "taken": taken,
    }


def _save(
    incident: Incident,
    media_id: int | None,
    measurements: tuple[ShadowMeasurement, ...],
    result: WhenResult | None,
    *,
    progress: Progress,
) -> Changes:
    import json

    from workbench.core.analysis import add_measurement, add_time_window
    from workbench.core.sun.records import measurement_record, window_records

    changes = Changes()
    for m in measurements:
        changes = changes | add_measurement(incident, measurement_record(m), media_id=media_id)
    if result is not None:
        for record in window_records(result):
            changes = changes | add_time_window(
                incident,
                record["start_utc"],
                record["end_utc"],
                label=record["label"],
                kind=record["kind"],
                method=record["method"],
                inputs=json.loads(record["inputs_json"]),
                media_id=media_id,
                note=record["note"],
            )
    return changes


def _save_band(incident: Incident, record: dict[str, Any], media_id: int | None, *, progress: Progress) -> Changes:
    import json

    from workbench.core.analysis import add_hypothesis

    return add_hypothesis(
        incident,
        record["lat"],
        record["lon"],
        label=record["label"],
        radius_m=record["radius_m"],
        status=record["status"],
        method=record["method"],
        inputs=json.loads(record["inputs_json"]),
        geometry=json.loads(record["geometry_json"]),
        media_id=media_id,
        note=record["note"],
    )


class SunDock(QWidget):
    """The sun area plus a line naming the photo and a button that saves the results to the incident."""

    def __init__(self, ctx: Any, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.area = SunArea(self)
        self.media_id: int | None = None
        self._measurements: tuple[ShadowMeasurement, ...] = ()
        self._result: WhenResult | None = None
        self.caption = QLabel("Choose a photo in the evidence browser to measure its shadows.")
        self.caption.setWordWrap(True)
        self.save_button = QPushButton("Save to incident")
        self.save_button.setToolTip("Store the measurements (with their assumptions) and the matching time windows")
        self.save_button.setEnabled(False)
        self.save_button.clicked.connect(self.save)
        self.band_button = QPushButton("Save band as hypothesis")
        self.band_button.setToolTip("Keep the band of places where the sun fits as a location hypothesis (GeoJSON)")
        self.band_button.setEnabled(False)
        self.band_button.clicked.connect(self.save_band)
        top = QHBoxLayout()
        top.addWidget(self.caption, 1)
        top.addWidget(self.band_button)
        top.addWidget(self.save_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addLayout(top)
        layout.addWidget(self.area, 1)
        self.area.tool.measurementsChanged.connect(self._measured)
        self.area.when.resultChanged.connect(self._solved)
        self.area.where.bandChanged.connect(self._band)
        self._band_result: Any = None
        ctx.current_media_changed.connect(self.show_media)

    def show_media(self, media_id: int | None) -> None:
        incident = self.ctx.incident
        if media_id is None or incident is None or media_id == self.media_id:
            return
        self.ctx.workers.run(
            _load, incident, media_id, description="Loading the photo for the sun tools", visible=False,
            on_result=self._loaded, on_error=lambda exc: self.ctx.error_raised.emit(str(exc)),
        )  # fmt: skip

    def _loaded(self, loaded: dict[str, Any] | None) -> None:
        if loaded is None:
            self.caption.setText("Shadows can be measured on photos; the current item is not one.")
            return
        self.media_id = loaded["id"]
        self._measurements, self._result = (), None
        self.area.set_media(
            loaded["jpeg"], lat=loaded["lat"], lon=loaded["lon"], taken=loaded["taken"], bearing=loaded["bearing"]
        )
        where = "its EXIF position" if loaded["lat"] is not None else "no position in its metadata: type one"
        self.caption.setText(f"{loaded['name']}: {where}. Click base, top, then shadow tip.")
        self._update_button()

    def _measured(self, measurements: tuple[ShadowMeasurement, ...]) -> None:
        self._measurements = tuple(measurements)
        self._update_button()

    def _solved(self, result: WhenResult) -> None:
        self._result = result
        self._update_button()

    def _band(self, result: Any) -> None:
        """The live band follows the slider on the map (not saved until the analyst says so)."""
        self._band_result = result
        window = self.window()
        map_dock = getattr(window, "panels", {}).get("map")
        if map_dock is not None:
            map_dock.show_band(result)
        self._update_button()

    def save_band(self) -> None:
        incident = self.ctx.incident
        if incident is None or self._band_result is None:
            return
        from workbench.core.sun.records import band_record

        record = band_record(self._band_result)
        self.ctx.workers.run(
            _save_band, incident, record, self.media_id, description="Saving the band", writes=True,
            on_result=self.ctx.apply, on_error=lambda exc: self.ctx.error_raised.emit(str(exc)),
        )  # fmt: skip

    def _update_button(self) -> None:
        ok = self.ctx.incident is not None and not self.ctx.incident.read_only
        self.save_button.setEnabled(ok and bool(self._measurements or (self._result and self._result.windows)))
        band = getattr(self, "_band_result", None)
        self.band_button.setEnabled(ok and band is not None and band.bbox is not None)

    def save(self) -> None:
        incident = self.ctx.incident
        if incident is None:
            return
        self.ctx.workers.run(
            _save, incident, self.media_id, self._measurements, self._result, description="Saving sun results",
            writes=True, on_result=self._saved, on_error=lambda exc: self.ctx.error_raised.emit(str(exc)),
        )  # fmt: skip

    def _saved(self, changes: Changes) -> None:
        self.ctx.apply(changes)
        n = len(changes.ids.get("measurements", ())) + len(changes.ids.get("windows", ()))
        self.ctx.status_message.emit(f"Saved {n} sun results to the incident (see the audit log).")
