"""Serving the map page offline: one URL scheme handler for everything, one interceptor that blocks the rest.

The handler answers `workbench://map/<generation>/<path>` from the current `MapPage` (page, Leaflet, data) and
`.../tiles/<layer>/<z>/<x>/<y>` from tile sources. It names files only by exact look-up, so the page can read
nothing the app did not give it. The interceptor blocks every request not on that scheme and records it.
"""

from __future__ import annotations

import contextlib
import logging
import re
import threading
from concurrent.futures import ThreadPoolExecutor

from PySide6.QtCore import QBuffer, QByteArray, QFile, QIODevice, QObject, Qt, Signal
from PySide6.QtWebEngineCore import (
    QWebEngineUrlRequestInfo,
    QWebEngineUrlRequestInterceptor,
    QWebEngineUrlRequestJob,
    QWebEngineUrlSchemeHandler,
)
from shiboken6 import isValid

from workbench.core.geo.mappage import MapPage
from workbench.core.geo.tiles import TileSource, sniff_mime
from workbench.gui.webengine import MAP_HOST, SCHEME

log = logging.getLogger(__name__)

_TILE = re.compile(r"^tiles/([a-z0-9_-]+)/(\d{1,2})/(\d{1,8})/(\d{1,8})$")
_GENERATION = re.compile(r"^g(\d+)/(.*)$")
ALLOWED_SCHEMES = frozenset({SCHEME.decode(), "qrc", "data", "blob", "about"})


def _qwebchannel_js() -> bytes:
    f = QFile(":/qtwebchannel/qwebchannel.js")
    if not f.open(QIODevice.OpenModeFlag.ReadOnly):
        return b""
    try:
        return bytes(f.readAll().data())
    finally:
        f.close()


class OfflineGuard(QWebEngineUrlRequestInterceptor):
    """Blocks every request that is not for the app's own scheme and records it (tests assert on `blocked`)."""

    def __init__(self, parent: QObject | None = None, allowed_schemes: frozenset[str] = ALLOWED_SCHEMES) -> None:
        super().__init__(parent)
        self.allowed_schemes = allowed_schemes
        self._lock = threading.Lock()
        self.seen: list[str] = []
        self.blocked: list[str] = []

    def interceptRequest(self, info: QWebEngineUrlRequestInfo) -> None:
        url = info.requestUrl()
        text = url.toString()
        scheme = url.scheme()
        allowed = scheme in self.allowed_schemes and (scheme != SCHEME.decode() or url.host() == MAP_HOST)
        with self._lock:
            self.seen.append(text)
            if not allowed:
                self.blocked.append(text)
        if not allowed:
            info.block(True)
            log.info("Blocked a request from the map page: %s", text[:200])


class _TileReply(QObject):
    """Carries a tile fetched on a worker thread back to the GUI thread, where the job is answered."""

    ready = Signal(object, object)


class MapSchemeHandler(QWebEngineUrlSchemeHandler):
    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.page: MapPage | None = None
        self.generation = 0
        self.tiles: dict[str, TileSource] = {}
        self.requests: list[str] = []
        self._qwebchannel = _qwebchannel_js()
        self._pool = ThreadPoolExecutor(max_workers=2, thread_name_prefix="map-tiles")
        self._reply = _TileReply(self)
        self._reply.ready.connect(self._answer_tile, Qt.ConnectionType.QueuedConnection)

    def shutdown(self) -> None:
        self._pool.shutdown(wait=False, cancel_futures=True)

    def _send(self, job: QWebEngineUrlRequestJob, mime: str, data: bytes) -> None:
        buf = QBuffer(parent=job)
        buf.setData(QByteArray(data))
        buf.open(QIODevice.OpenModeFlag.ReadOnly)
        job.reply(mime.encode(), buf)

    def requestStarted(self, job: QWebEngineUrlRequestJob) -> None:
        url = job.requestUrl()
        self.requests.append(url.toString())
        if url.host() != MAP_HOST or bytes(job.requestMethod().data()) != b"GET":
            job.fail(QWebEngineUrlRequestJob.Error.RequestDenied)
            return
        path = url.path().lstrip("/")
        m = _GENERATION.match(path)
        if m is None or self.page is None:
            job.fail(QWebEngineUrlRequestJob.Error.UrlNotFound)
            return
        rest = m.group(2)
        if rest in ("", "index.html"):
            self._send(job, "text/html", self.page.html.encode("utf-8"))
            return
        if rest == "qwebchannel.js" and self._qwebchannel:
            self._send(job, "text/javascript", self._qwebchannel)
            return
        tile = _TILE.match(rest)
        if tile is not None:
            self._tile(job, tile.group(1), int(tile.group(2)), int(tile.group(3)), int(tile.group(4)))
            return
        asset = self.page.asset(rest)
        if asset is None:
            job.fail(QWebEngineUrlRequestJob.Error.UrlNotFound)
            return
        try:
            self._send(job, asset.mime, asset.read())
        except OSError:
            job.fail(QWebEngineUrlRequestJob.Error.UrlNotFound)

    def _tile(self, job: QWebEngineUrlRequestJob, layer: str, z: int, x: int, y: int) -> None:
        source = self.tiles.get(layer)
        if source is None:
            job.fail(QWebEngineUrlRequestJob.Error.UrlNotFound)
            return
        if not source.spec.online:
            self._answer_tile(job, source.tile(z, x, y))
            return

        def work() -> None:
            try:
                data = source.tile(z, x, y)
            except Exception:  # a tile that fails must not take the map down
                log.exception("Tile %s/%s/%s/%s failed", layer, z, x, y)
                data = None
            with contextlib.suppress(RuntimeError):  # the map was closed while the tile was on its way
                self._reply.ready.emit(job, data)

        self._pool.submit(work)

    def _answer_tile(self, job: QWebEngineUrlRequestJob, data: bytes | None) -> None:
        if not isValid(job):
            return
        if data is None:
            job.fail(QWebEngineUrlRequestJob.Error.UrlNotFound)
        else:
            self._send(job, sniff_mime(data), data)
