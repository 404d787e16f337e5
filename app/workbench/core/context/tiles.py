"""An overlay pyramid: XYZ web-mercator tiles cut from a placed image, so a 10,000 × 10,000 picture stays smooth
on the map at every zoom (the map asks for a few 256-pixel tiles, never the whole image).

Tiles are derived data: the reference image records the source SHA-256, the method and this module's version
beside them, and they can be cut again from the stored image at any time. Each tile samples the level of a
halving pyramid closest to its own resolution (bilinear, through an 8 × 8 mesh so the mercator curvature is
followed), and is transparent outside the image's footprint.
"""

from __future__ import annotations

import io
import math
import os
import warnings
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

from PIL import Image, ImageDraw

from workbench.core.context.georef import MERCATOR_MAX, GeoTransform, lonlat_to_mercator, mercator_to_lonlat
from workbench.core.errors import BadInput, MediaUnreadable
from workbench.core.tasks import Progress

TILE = 256
MESH = 8
TOOL = "workbench-overlay-tiles/1"
MAX_TILES = 40_000
MAX_PIXELS = 2 * 89_478_485  # what Pillow refuses to decode by default (2 x Image.MAX_IMAGE_PIXELS)
MAX_ZOOM = 22


@dataclass(frozen=True)
class TilePlan:
    min_zoom: int
    max_zoom: int
    count: int  # tiles that may be made (those wholly outside the image are skipped)


def _tile_range(bounds: tuple[float, float, float, float], z: int) -> tuple[int, int, int, int]:
    south, west, north, east = bounds
    n = 1 << z
    x0, y1 = lonlat_to_mercator(west, south)
    x1, y0 = lonlat_to_mercator(east, north)
    size = 2 * MERCATOR_MAX / n

    def tx(x: float) -> int:
        return max(0, min(n - 1, math.floor((x + MERCATOR_MAX) / size)))

    def ty(y: float) -> int:
        return max(0, min(n - 1, math.floor((MERCATOR_MAX - y) / size)))

    return tx(x0), ty(y0), tx(x1), ty(y1)


def plan(transform: GeoTransform, width: int, height: int, *, max_tiles: int = MAX_TILES) -> TilePlan:
    """Zooms from one where the image fits in about one tile to one where a tile pixel is an image pixel."""
    bounds = transform.bounds(width, height)
    lat_c = (bounds[0] + bounds[2]) / 2
    ground = transform.pixel_size_m(width, height)
    merc_per_pixel = ground / max(math.cos(math.radians(lat_c)), 1e-6)
    zmax = math.ceil(math.log2(2 * MERCATOR_MAX / (TILE * merc_per_pixel)))
    zmax = max(0, min(MAX_ZOOM, zmax))
    zmin = max(0, zmax - max(0, math.ceil(math.log2(max(width, height) / TILE))) - 1)

    def count(z0: int, z1: int) -> int:
        total = 0
        for z in range(z0, z1 + 1):
            x0, y0, x1, y1 = _tile_range(bounds, z)
            total += (x1 - x0 + 1) * (y1 - y0 + 1)
        return total

    while zmax > zmin and count(zmin, zmax) > max_tiles:
        zmax -= 1
    return TilePlan(zmin, zmax, count(zmin, zmax))


def open_for_tiles(data: bytes | io.BytesIO | Any) -> Image.Image:
    """Decode an image for tiling. Up to Pillow's hard limit (2 × 89.5 megapixels, so a 10,000² image passes);
    beyond it the image is refused with a message, as a decompression bomb would be."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", Image.DecompressionBombWarning)
        try:
            image: Image.Image = Image.open(data if not isinstance(data, bytes) else io.BytesIO(data))
            image.load()
        except Image.DecompressionBombError as exc:
            raise BadInput(
                f"The image is too large for a map overlay (over {MAX_PIXELS // 1_000_000} megapixels); "
                "downscale it first."
            ) from exc
        except (OSError, ValueError, SyntaxError) as exc:
            raise MediaUnreadable(f"The image cannot be decoded for the map overlay: {exc}") from exc
    if image.mode not in ("RGB", "RGBA"):
        image = image.convert("RGBA" if "A" in image.getbands() or "transparency" in image.info else "RGB")
    return image


def cut_tiles(
    image: Image.Image,
    transform: GeoTransform,
    *,
    tile_plan: TilePlan | None = None,
    quality: int = 82,
    progress: Progress | None = None,
    workers: int | None = None,
) -> Iterator[tuple[int, int, int, bytes]]:
    """(z, x, y, WebP bytes) for every tile touching the image, highest zoom first.

    Zooms go from the full-resolution level down, each pyramid level made from the one before and that one then
    dropped, so at most two levels are in memory (the caller should not keep its own reference to `image`).
    Tiles are cut on a few threads (Pillow's resampling and WebP encoding release the GIL)."""
    width, height = image.size
    tp = tile_plan or plan(transform, width, height)
    bounds = transform.bounds(width, height)
    level_image: Image.Image | None = image
    del image
    level_index = 0
    corners_ll = transform.corners(width, height)
    corners_merc = [lonlat_to_mercator(lon, lat) for lat, lon in corners_ll]
    ground = transform.pixel_size_m(width, height)
    lat_c = (bounds[0] + bounds[2]) / 2
    merc_per_pixel = ground / max(math.cos(math.radians(lat_c)), 1e-6)
    count = workers or max(1, min(os.cpu_count() or 1, 4))
    done = 0

    def encode(args: tuple[Image.Image, int, float, float, float]) -> bytes | None:
        src, scale, left, top, tile_px = args
        tile = _one_tile(src, scale, transform, left, top, tile_px, corners_merc)
        if tile is None:
            return None
        buf = io.BytesIO()
        tile.save(buf, "WEBP", quality=quality, method=2)
        return buf.getvalue()

    with ThreadPoolExecutor(max_workers=count) as pool:
        for z in range(tp.max_zoom, tp.min_zoom - 1, -1):
            n = 1 << z
            size = 2 * MERCATOR_MAX / n
            tile_px = size / TILE  # mercator metres per tile pixel
            wanted = max(0, math.floor(math.log2(max(tile_px / merc_per_pixel, 1.0))))
            assert level_image is not None
            while level_index < wanted and max(level_image.size) > TILE:
                level_image = level_image.reduce(2)  # the previous level is dropped here
                level_index += 1
            src, scale = level_image, 1 << level_index
            x0, y0, x1, y1 = _tile_range(bounds, z)
            coords = [(tx, ty) for ty in range(y0, y1 + 1) for tx in range(x0, x1 + 1)]
            for start in range(0, len(coords), 64 * count):
                batch = coords[start : start + 64 * count]
                if progress is not None:
                    progress(done, tp.count, f"cutting map tiles (zoom {z})")
                jobs = [(src, scale, -MERCATOR_MAX + tx * size, MERCATOR_MAX - ty * size, tile_px) for tx, ty in batch]
                for (tx, ty), data in zip(batch, pool.map(encode, jobs), strict=True):
                    done += 1
                    if data is not None:
                        yield z, tx, ty, data


def _one_tile(
    src: Image.Image,
    scale: int,
    transform: GeoTransform,
    left: float,
    top: float,
    tile_px: float,
    corners_merc: list[tuple[float, float]],
) -> Image.Image | None:
    # footprint of the image in this tile's pixels: skip tiles it does not touch
    poly = [((x - left) / tile_px, (top - y) / tile_px) for x, y in corners_merc]
    xs = [p[0] for p in poly]
    ys = [p[1] for p in poly]
    if max(xs) < 0 or min(xs) > TILE or max(ys) < 0 or min(ys) > TILE:
        return None
    mask = Image.new("L", (TILE, TILE), 0)
    ImageDraw.Draw(mask).polygon(poly, fill=255)
    if mask.getbbox() is None:
        return None

    def src_xy(px: float, py: float) -> tuple[float, float]:
        x, y = left + px * tile_px, top - py * tile_px
        if transform.crs == "EPSG:3857":
            col, row = transform.crs_to_pixel(x, y)
        else:
            lon, lat = mercator_to_lonlat(x, y)
            col, row = transform.crs_to_pixel(lon, lat)
        return col / scale, row / scale

    step = TILE // MESH
    mesh = []
    for j in range(MESH):
        for i in range(MESH):
            bx0, by0, bx1, by1 = i * step, j * step, (i + 1) * step, (j + 1) * step
            quad = (*src_xy(bx0, by0), *src_xy(bx0, by1), *src_xy(bx1, by1), *src_xy(bx1, by0))
            mesh.append(((bx0, by0, bx1, by1), quad))
    rgb = src
    out = rgb.transform((TILE, TILE), Image.Transform.MESH, mesh, resample=Image.Resampling.BILINEAR)
    out = out.convert("RGBA")
    if rgb.mode == "RGBA":
        from PIL import ImageChops

        mask = ImageChops.multiply(mask, out.getchannel("A"))
    out.putalpha(mask)
    return out
