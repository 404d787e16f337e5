"""The map view: the Leaflet page in a QtWebEngine view, one QWebChannel bridge, no network of its own.

Signals carry what the analyst did; the main window turns them into audited, undoable operations and then calls
`set_layers` / `set_hypotheses` with the new state. Python talks to the page only through `runJavaScript` with
JSON (`WB.setHypotheses`, `WB.select`, `WB.setMode`).
"""

from __future__ import annotations

import atexit
import json
import logging
import threading
import weakref
from collections.abc import Callable, Iterable
from dataclasses import replace
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, QSize, QUrl, Signal, Slot
from PySide6.QtWebChannel import QWebChannel
from PySide6.QtWebEngineCore import QWebEnginePage, QWebEngineProfile, QWebEngineSettings
from PySide6.QtWebEngineWidgets import QWebEngineView
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)
from shiboken6 import delete, isValid

from workbench.core.errors import WorkbenchError
from workbench.core.geo.layers import Band, BasemapOptions, Hypothesis, MapLayers
from workbench.core.geo.mappage import MapPage, build_map_page, js_json, layers_json
from workbench.core.geo.measure import measure as geodesic_measure
from workbench.core.geo.tiles import TileSource, open_tiles, standard_tile_sources
from workbench.gui.panels.map.serving import MapSchemeHandler, OfflineGuard
from workbench.gui.webengine import MAP_ORIGIN, SCHEME

log = logging.getLogger(__name__)

MODES = ("pan", "measure", "hypothesis", "inspect")

_LIVE_PAGES: weakref.WeakSet[QWebEnginePage] = weakref.WeakSet()


def _delete_pages_at_exit() -> None:
    """Pages still alive when Python exits are deleted first, so no profile is ever released before its page
    (QtWebEngine warns and can crash otherwise); runs before PySide's own clean-up (atexit is last-in first-out)."""
    for page in list(_LIVE_PAGES):
        if isValid(page):
            delete(page)


atexit.register(_delete_pages_at_exit)

PlaceSearch = Callable[[str], list[dict[str, Any]]]
PlaceAt = Callable[[float, float], list[str]]
"""(lat, lon) → lines about the nearest place and country (the gazetteer's reverse look-up)."""
"""Text → candidates as JSON dicts (`Place.to_json()` or `OnlineGeocoder.search`): name, country, lat, lon ..."""


class MapBridge(QObject):
    """The one object the page sees (as `bridge`): JavaScript calls its slots (ready, addHypothesis,
    moveHypothesis, selectMarker, reportMode, measure); slot names differ from signal names on purpose."""

    pageReady = Signal()
    hypothesisAdded = Signal(float, float)
    hypothesisMoved = Signal(str, float, float)
    markerSelected = Signal(str)
    measured = Signal(object)
    modeChanged = Signal(str)

    @Slot()
    def ready(self) -> None:
        self.pageReady.emit()

    @Slot(float, float)
    def addHypothesis(self, lat: float, lon: float) -> None:
        if -90 <= lat <= 90:
            self.hypothesisAdded.emit(lat, ((lon + 180.0) % 360.0) - 180.0)

    @Slot(str, float, float)
    def moveHypothesis(self, hid: str, lat: float, lon: float) -> None:
        if -90 <= lat <= 90:
            self.hypothesisMoved.emit(hid, lat, ((lon + 180.0) % 360.0) - 180.0)

    @Slot(str)
    def selectMarker(self, mid: str) -> None:
        self.markerSelected.emit(mid)

    @Slot(str)
    def reportMode(self, mode: str) -> None:
        self.modeChanged.emit(mode)

    viewChanged = Signal(float, float, int)
    inspected = Signal(float, float)

    @Slot(float, float)
    def whatsHere(self, lat: float, lon: float) -> None:
        if -90 <= lat <= 90:
            self.inspected.emit(lat, ((lon + 180.0) % 360.0) - 180.0)

    @Slot(float, float, int)
    def reportView(self, lat: float, lon: float, zoom: int) -> None:
        self.viewChanged.emit(lat, lon, zoom)

    @Slot(float, float, float, float, result=str)
    def measure(self, lat1: float, lon1: float, lat2: float, lon2: float) -> str:
        wrap = lambda v: ((v + 180.0) % 360.0) - 180.0  # noqa: E731
        try:
            m = geodesic_measure(lat1, wrap(lon1), lat2, wrap(lon2))
        except WorkbenchError:
            return "{}"
        self.measured.emit(m)
        return json.dumps(m.to_json())


class MapView(QWidget):
    """The map panel's widget. Offline unless `set_online(True)`; even then the page itself never goes online:
    online tiles are fetched by Python (`OnlineTileSource`) and served like local ones."""

    hypothesisAdded = Signal(float, float)
    hypothesisMoved = Signal(str, float, float)
    markerSelected = Signal(str)
    measured = Signal(object)
    modeChanged = Signal(str)
    pageReady = Signal()
    loadFinished = Signal(bool)
    mediaSelected = Signal(str)
    postSelected = Signal(str)
    placeChosen = Signal(object)
    _online_results = Signal(object)

    def __init__(
        self,
        parent: QWidget | None = None,
        tile_sources: Iterable[TileSource] | None = None,
        place_search: PlaceSearch | None = None,
        online_search: PlaceSearch | None = None,
        place_at: PlaceAt | None = None,
    ) -> None:
        super().__init__(parent)
        self._online = False
        self.place_search = place_search
        self.online_search = online_search
        self.place_at = place_at
        self._found: list[dict[str, Any]] = []
        self._pending: list[tuple[str, Callable[[Any], None] | None]] = []
        self.view_state: tuple[float, float, int] | None = None
        self.layers = MapLayers()
        self.options = BasemapOptions()
        self.page_model: MapPage | None = None
        self.ready = False

        self.view = QWebEngineView(self)
        self.profile = QWebEngineProfile(self)  # no storage name: off the record, nothing written to disk
        self.guard = OfflineGuard(self.profile)
        self.handler = MapSchemeHandler(self.profile)
        self.profile.setUrlRequestInterceptor(self.guard)
        self.profile.installUrlSchemeHandler(SCHEME, self.handler)
        self.profile.setHttpCacheType(QWebEngineProfile.HttpCacheType.MemoryHttpCache)
        self.page = QWebEnginePage(self.profile, self.view)
        # The page must go before its profile: parent the profile to the page so it is deleted after it.
        self.profile.setParent(self.page)
        _LIVE_PAGES.add(self.page)
        s = self.page.settings()
        s.setAttribute(QWebEngineSettings.WebAttribute.LocalContentCanAccessFileUrls, False)
        s.setAttribute(QWebEngineSettings.WebAttribute.LocalContentCanAccessRemoteUrls, False)
        s.setAttribute(QWebEngineSettings.WebAttribute.JavascriptCanOpenWindows, False)
        s.setAttribute(QWebEngineSettings.WebAttribute.PluginsEnabled, False)
        s.setAttribute(QWebEngineSettings.WebAttribute.DnsPrefetchEnabled, False)
        self.bridge = MapBridge(self)
        self.channel = QWebChannel(self.page)
        self.channel.registerObject("bridge", self.bridge)
        self.page.setWebChannel(self.channel)
        self.view.setPage(self.page)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.setSpacing(2)
        lay.addWidget(self._build_search_bar())
        lay.addWidget(self.results)
        lay.addWidget(self.view, 1)

        self.bridge.hypothesisAdded.connect(self.hypothesisAdded)
        self.bridge.hypothesisMoved.connect(self.hypothesisMoved)
        self.bridge.markerSelected.connect(self.markerSelected)
        self.bridge.markerSelected.connect(self._marker_media)
        self.bridge.measured.connect(self.measured)
        self.bridge.modeChanged.connect(self.modeChanged)
        self.bridge.pageReady.connect(self._on_ready)
        self.bridge.viewChanged.connect(self._remember_view)
        self.bridge.inspected.connect(self.whats_here)
        self.page.loadFinished.connect(self.loadFinished)
        self.destroyed.connect(self.handler.shutdown)
        if tile_sources is None:
            tile_sources = standard_tile_sources(self.is_online)
        for src in tile_sources:
            self.add_tile_source(src)

    def sizeHint(self) -> QSize:
        return QSize(520, 420)

    # --- place search --------------------------------------------------------------------------------------
    def _build_search_bar(self) -> QWidget:
        bar = QWidget(self)
        row = QHBoxLayout(bar)
        row.setContentsMargins(4, 2, 4, 0)
        self.search_box = QLineEdit(bar)
        self.search_box.setPlaceholderText("Find a place (offline gazetteer)")
        self.search_box.setClearButtonEnabled(True)
        self.search_box.returnPressed.connect(self.search_offline)
        self.search_box.textChanged.connect(lambda text: None if text.strip() else self.results.hide())
        self.online_button = QPushButton("Search online", bar)
        self.online_button.setToolTip(
            "Sends the text to the configured Nominatim server: it reveals what you are looking for. "
            "Only in online mode."
        )
        self.online_button.clicked.connect(self.search_online)
        self.online_label = QLabel("offline", bar)
        row.addWidget(self.search_box, 1)
        row.addWidget(self.online_button)
        row.addWidget(self.online_label)
        self.bar_layout = row  # the dock adds its online switch here
        self.results = QListWidget(self)
        self.results.setMaximumHeight(140)
        self.results.hide()
        self.results.itemActivated.connect(self._result_chosen)
        self.results.itemClicked.connect(self._result_chosen)
        self._online_results.connect(self._show_results)
        self._update_online_ui()
        return bar

    def _update_online_ui(self) -> None:
        self.online_button.setVisible(self.online_search is not None)
        self.online_button.setEnabled(self._online and self.online_search is not None)
        self.online_label.setText("ONLINE" if self._online else "offline")
        self.online_label.setToolTip(
            "Online: viewed tiles and searches are sent to OpenStreetMap servers."
            if self._online
            else "Offline: nothing leaves this computer."
        )
        self.online_label.setStyleSheet("color: #b00; font-weight: bold;" if self._online else "color: #555;")
        self.search_box.setVisible(self.place_search is not None or self.online_search is not None)

    def search_offline(self) -> list[dict[str, Any]]:
        """Search the offline gazetteer for the box's text and list the ranked candidates."""
        text = self.search_box.text().strip()
        if not text or self.place_search is None:
            return []
        try:
            found = self.place_search(text)
        except WorkbenchError as exc:
            found = [{"name": str(exc), "error": True}]
        self._show_results(found)
        return found

    def search_online(self) -> None:
        """Nominatim, off the GUI thread; only in online mode (the geocoder refuses otherwise, too)."""
        text = self.search_box.text().strip()
        search = self.online_search
        if not text or search is None or not self._online:
            return
        self.online_button.setEnabled(False)

        def work() -> None:
            try:
                found = search(text)
            except WorkbenchError as exc:
                found = [{"name": str(exc), "error": True}]
            self._online_results.emit(found)

        threading.Thread(target=work, name="nominatim", daemon=True).start()

    def _show_results(self, found: list[dict[str, Any]]) -> None:
        self._update_online_ui()
        self._found = list(found)
        self.results.clear()
        for f in found:
            if f.get("error"):
                text = str(f["name"])
            else:
                extra = f", {f['country']}" if f.get("country") else ""
                pop = f"  pop {int(f['population']):,}" if f.get("population") else ""
                text = f"{f['name']}{extra}  ({float(f['lat']):.4f}, {float(f['lon']):.4f}){pop}"
            item = QListWidgetItem(text)  # plain text: a QListWidget never renders HTML
            self.results.addItem(item)
        if not found:
            self.results.addItem(QListWidgetItem("No place found offline."))
        self.results.show()

    def _result_chosen(self, item: QListWidgetItem) -> None:
        row = self.results.row(item)
        if 0 <= row < len(self._found) and not self._found[row].get("error"):
            self.show_place(self._found[row])

    def show_place(self, place: dict[str, Any]) -> None:
        """Centre the map on a found place and mark it (a view only: nothing is added to the incident)."""
        label = str(place.get("name", ""))
        self.run_js(f"WB.showPlace({js_json(float(place['lat']))}, {js_json(float(place['lon']))}, {js_json(label)});")
        self.placeChosen.emit(place)

    # --- state -----------------------------------------------------------------------------------------------
    def is_online(self) -> bool:
        return self._online

    def set_online(self, online: bool) -> None:
        """Online mode: online tile layers may fetch (through Python). Reloads the page to offer or hide them."""
        if online != self._online:
            self._online = online
            self._update_online_ui()
            self.set_layers(self.layers, self.options, keep_view=True)

    def add_tile_source(self, source: TileSource) -> None:
        self.handler.tiles[source.spec.id] = source

    def open_tiles(self, path: Path) -> TileSource:
        """Offer a user's MBTiles file or z/x/y folder as a base layer (reloads the page). Raises BadInput."""
        source = open_tiles(path)
        self.add_tile_source(source)
        self.set_layers(self.layers, self.options, keep_view=True)
        return source

    def tile_sources(self) -> list[TileSource]:
        return list(self.handler.tiles.values())

    def _effective_options(self, options: BasemapOptions) -> BasemapOptions:
        specs = [t.spec for t in self.handler.tiles.values() if self._online or not t.spec.online]
        return BasemapOptions(
            tile_layers=(*options.tile_layers, *specs),
            show_places=options.show_places,
            center=options.center,
            zoom=options.zoom,
            extra=options.extra,
        )

    def _remember_view(self, lat: float, lon: float, zoom: int) -> None:
        self.view_state = (lat, lon, zoom)

    def set_layers(self, layers: MapLayers, options: BasemapOptions | None = None, keep_view: bool = False) -> None:
        """Rebuild the page for these layers (the basemap is always there). Without `keep_view` the map frames
        the layers (or `options.center`); with it, it stays where the analyst was."""
        self.layers = layers
        self.options = options or self.options
        self.ready = False
        self._pending.clear()
        effective = self._effective_options(self.options)
        if keep_view and self.view_state is not None:
            lat, lon, zoom = self.view_state
            effective = replace(effective, center=(lat, lon), zoom=zoom)
        self.page_model = build_map_page(layers, effective, interactive=True)
        self.handler.page = self.page_model
        self.handler.generation += 1
        self.view.setUrl(QUrl(f"{MAP_ORIGIN}/g{self.handler.generation}/index.html"))

    def _on_ready(self) -> None:
        self.ready = True
        pending, self._pending = self._pending, []
        for script, callback in pending:
            self.run_js(script, callback)
        self.pageReady.emit()

    # --- Python → page ---------------------------------------------------------------------------------------
    def run_js(self, script: str, callback: Callable[[Any], None] | None = None) -> None:
        """Run script in the page; before the page is ready it waits (in order) until it is."""
        if not self.ready:
            self._pending.append((script, callback))
            return
        if callback is None:
            self.page.runJavaScript(script)
        else:
            self.page.runJavaScript(script, 0, callback)

    def set_hypotheses(self, hypotheses: Iterable[Hypothesis]) -> None:
        """Redraw only the hypotheses (after an add, move or undo), without reloading the page."""
        self.layers = MapLayers(
            points=self.layers.points,
            hypotheses=tuple(hypotheses),
            bands=self.layers.bands,
            sun_lines=self.layers.sun_lines,
            title=self.layers.title,
        )
        data = layers_json(self.layers)["hypotheses"]
        self.run_js(f"WB.setHypotheses({js_json(data)});")

    def set_bands(self, bands: Iterable[Band]) -> None:
        """Redraw only the bands (e.g. the sun analysis's band as its slider moves), without reloading."""
        self.layers = replace(self.layers, bands=tuple(bands))
        data = layers_json(self.layers)["bands"]
        self.run_js(f"WB.setBands({js_json(data)});")

    def select(self, marker_id: str, pan: bool = True) -> None:
        """Highlight a point or hypothesis (selection coming from another panel)."""
        self.run_js(f"WB.select({js_json(marker_id)}, {js_json(pan)});")

    def select_media(self, media_id: str | int) -> bool:
        """Select the point of a media item chosen in another panel; False when it has no position."""
        for p in self.layers.points:
            if p.media_id is not None and p.media_id == str(media_id):
                self.select(p.id)
                return True
        return False

    def _marker_media(self, marker_id: str) -> None:
        for p in self.layers.points:
            if p.id == marker_id:
                if p.post_id is not None:
                    self.postSelected.emit(p.post_id)
                if p.media_id is not None:
                    self.mediaSelected.emit(p.media_id)
                return

    def describe(self, lat: float, lon: float) -> list[str]:
        """What the "What's here?" mode shows: coordinates, nearest place and country, time zone(s) and their
        ambiguities (several zones, a zone border within ~5 km, clocks that differ in practice)."""
        from workbench.core.geo.timezones import zones_at

        lines = [f"{lat:.5f}, {lon:.5f}"]
        if self.place_at is not None:
            try:
                lines.extend(self.place_at(lat, lon))
            except WorkbenchError as exc:
                lines.append(str(exc))
        try:
            zone = zones_at(lat, lon)
        except WorkbenchError as exc:
            return [*lines, str(exc)]
        zones = ", ".join(zone.zones) or "none"
        lines.append(f"Time zone: {zone.zone}" if len(zone.zones) == 1 else f"Time zones here: {zones}")
        lines.extend(zone.notes)
        return lines

    def whats_here(self, lat: float, lon: float) -> list[str]:
        lines = self.describe(lat, lon)
        self.run_js(f"WB.showInfo({js_json(lat)}, {js_json(lon)}, {js_json(lines)});")
        return lines

    def set_mode(self, mode: str) -> None:
        if mode not in MODES:
            raise ValueError(f"Unknown map mode {mode!r}")
        self.run_js(f"WB.setMode({js_json(mode)});")

    def blocked_requests(self) -> list[str]:
        return list(self.guard.blocked)
