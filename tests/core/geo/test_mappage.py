import re
from pathlib import Path

from workbench.core.geo.layers import BasemapOptions, Hypothesis, MapLayers, MapPoint, TileLayerSpec
from workbench.core.geo.mappage import build_map_page, js_json

REMOTE = re.compile(r"(https?|ftp|wss?):|//[a-z0-9.-]+\.[a-z]{2,}/", re.I)
EVIL = "<img src=x onerror=alert(1)></script><script>alert(2)</script>\u2028&amp;"


def _layers() -> MapLayers:
    return MapLayers(
        points=(MapPoint("p1", 48.3, 37.2, EVIL, direction=90.0, note=EVIL),),
        hypotheses=(Hypothesis("h1", 48.28, 37.18, 1000, "open", 0.5, EVIL),),
        title=EVIL,
    )


def test_no_remote_url_in_page_or_data() -> None:
    page = build_map_page(_layers())
    assert not REMOTE.search(page.html)
    for a in page.assets:
        if a.path.startswith("data/"):
            assert not REMOTE.search(a.read().decode()), a.path
    # Every script and style the page names is one of its own assets.
    named = re.findall(r'(?:src|href)="([^"]+)"', page.html)
    assert named and set(named) <= set(page.asset_paths)


def test_evidence_text_cannot_break_out() -> None:
    page = build_map_page(_layers())
    data = page.asset("data/layers.js")
    assert data is not None
    text = data.read().decode()
    assert "<" not in text and ">" not in text and "\u2028" not in text
    assert "<img" not in page.html and "<script>alert" not in page.html
    assert "&lt;img src=x" in page.html  # the title, escaped
    assert js_json("</script>") == '"\\u003c/script\\u003e"'


def test_csp_allows_only_own_files_and_own_inline_scripts() -> None:
    page = build_map_page(_layers())
    csp = re.search(r'Content-Security-Policy" content="([^"]+)"', page.html)
    assert csp is not None
    policy = csp.group(1)
    assert "default-src 'none'" in policy and "unsafe-inline" not in policy.split("style-src")[0]
    assert policy.count("'sha256-") == len(re.findall(r"<script>", page.html))


def test_tile_layers_are_local_urls() -> None:
    spec = TileLayerSpec("osm-online", "OSM", "© OpenStreetMap contributors", online=True)
    page = build_map_page(MapLayers(), BasemapOptions(tile_layers=(spec,)))
    layers = page.asset("data/layers.js")
    assert layers is not None and b"osm-online" in layers.read() and not REMOTE.search(layers.read().decode())


def test_write_puts_assets_beside_the_page(tmp_path: Path) -> None:
    page = build_map_page(_layers(), BasemapOptions(show_places=False))
    index = page.write(tmp_path / "out")
    assert index.read_text(encoding="utf-8") == page.html
    for path in page.asset_paths:
        assert (tmp_path / "out" / path).is_file()
    assert "data/places.js" not in page.asset_paths
