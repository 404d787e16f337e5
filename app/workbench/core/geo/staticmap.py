"""A static map picture for the report, drawn with Pillow from the bundled world outline: no network, no Qt.

Web Mercator, framed on the layers (or the world), with the world outline, bands, hypothesis circles, camera
cones, points and sun lines, a scale bar and the attribution.
"""

from __future__ import annotations

import io
import math
from typing import Any

from PIL import Image, ImageDraw, ImageFont

from workbench.core.geo.layers import MapLayers
from workbench.core.geo.measure import circle, cone, destination
from workbench.core.geo.tiles import TileSource
from workbench.core.geo.world import WORLD_ATTRIBUTION, countries

_MAX_LAT = 85.0511
SEA = (207, 224, 234)
LAND = (244, 241, 234)
BORDER = (138, 143, 153)
KIND_COLOURS = {
    "exif": (215, 48, 31),
    "landmark": (106, 81, 163),
    "geotag": (33, 113, 181),
    "place": (82, 82, 82),
    "observation": (35, 139, 69),
}
STATUS_COLOURS = {
    "open": (31, 120, 180),
    "supported": (51, 160, 44),
    "refuted": (136, 136, 136),
    "confirmed": (0, 109, 44),
}


def _merc(lat: float, lon: float) -> tuple[float, float]:
    lat = max(-_MAX_LAT, min(_MAX_LAT, lat))
    x = (lon + 180.0) / 360.0
    y = (1.0 - math.log(math.tan(math.radians(lat)) + 1.0 / math.cos(math.radians(lat))) / math.pi) / 2.0
    return x, y


def render_static_map(
    layers: MapLayers,
    width: int = 1200,
    height: int = 800,
    bounds: tuple[float, float, float, float] | None = None,
    min_span_km: float = 5.0,
    tiles: TileSource | None = None,
    place_labels: bool = True,
) -> bytes:
    """PNG bytes. `bounds` is (south, west, north, east); by default the layers' extent, padded.

    With `tiles` (an offline source such as an MBTiles file) the raster is drawn instead of the outline, at the
    nearest zoom it holds; `place_labels` names the larger GeoNames places in view (outline only)."""
    scale = 2  # draw at twice the size, then downsample: Pillow's shapes are not antialiased
    w, h = width * scale, height * scale
    b = bounds or layers.bounds()
    if b is None:
        b = (-60.0, -180.0, 80.0, 180.0)
    s, west, n, e = b
    # Pad and enforce a minimum span so one point still shows its surroundings.
    min_deg = min_span_km / 111.0
    cy, cx = (s + n) / 2, (west + e) / 2
    half_lat = max((n - s) / 2 * 1.4, min_deg)
    half_lon = max((e - west) / 2 * 1.4, min_deg / max(0.1, math.cos(math.radians(cy))))
    x0, y1 = _merc(cy - half_lat, cx - half_lon)
    x1, y0 = _merc(cy + half_lat, cx + half_lon)
    span = max((x1 - x0) / w, (y1 - y0) / h)
    mx, my = (x0 + x1) / 2, (y0 + y1) / 2
    x0, y0 = mx - span * w / 2, my - span * h / 2

    def px(lat: float, lon: float) -> tuple[float, float]:
        x, y = _merc(lat, lon)
        return (x - x0) / span, (y - y0) / span

    img = Image.new("RGB", (w, h), SEA)
    draw = ImageDraw.Draw(img, "RGBA")
    view_w, view_s, view_e, view_n = cx - half_lon * 3, cy - half_lat * 3, cx + half_lon * 3, cy + half_lat * 3
    raster = tiles is not None and _draw_tiles(img, tiles, x0, y0, span, w, h)
    attribution = tiles.spec.attribution if raster and tiles is not None else WORLD_ATTRIBUTION
    for c in countries() if not raster else ():
        cw, cs, ce, cn = c.bbox
        if ce < view_w or cw > view_e or cn < view_s or cs > view_n:
            continue
        for poly in c.polygons:
            outer = poly[0]
            pts = [px(lat, lon) for lon, lat in outer]
            if len(pts) >= 3:
                draw.polygon(pts, fill=LAND, outline=BORDER)
            for hole in poly[1:]:
                draw.polygon([px(lat, lon) for lon, lat in hole], fill=SEA, outline=BORDER)
    for band in layers.bands:
        from workbench.core.geo.export import _geometries

        for g in _geometries(band.geojson):
            polys = (
                [g["coordinates"]]
                if g["type"] == "Polygon"
                else g["coordinates"]
                if g["type"] == "MultiPolygon"
                else []
            )
            for poly in polys:
                draw.polygon(
                    [px(lat, lon) for lon, lat, *_ in poly[0]], fill=(253, 141, 60, 64), outline=(230, 85, 13, 255)
                )
    lw = 2 * scale
    for hyp in layers.hypotheses:
        colour = STATUS_COLOURS.get(hyp.status, STATUS_COLOURS["open"])
        if hyp.radius_m > 0:
            ring = [px(lat, lon) for lat, lon in circle(hyp.lat, hyp.lon, hyp.radius_m)]
            draw.polygon(ring, fill=(*colour, 40))
            draw.line(ring, fill=(*colour, 255), width=lw)
        x, y = px(hyp.lat, hyp.lon)
        r = 7 * scale
        draw.ellipse((x - r, y - r, x + r, y + r), fill=colour, outline=(255, 255, 255), width=lw)
    span_m = span * 40075016.686 * math.cos(math.radians(cy))  # metres per drawn pixel
    for p in layers.points:
        if p.direction is not None:
            wedge = cone(p.lat, p.lon, p.direction, p.fov, 45 * scale * span_m, steps=6)
            draw.polygon([px(lat, lon) for lat, lon in wedge], fill=(215, 48, 31, 50), outline=(215, 48, 31, 200))
    for p in layers.points:
        x, y = px(p.lat, p.lon)
        r = 5 * scale
        draw.ellipse((x - r, y - r, x + r, y + r), fill=KIND_COLOURS.get(p.kind, (0, 0, 0)), outline=(255, 255, 255))
    for sl in layers.sun_lines:
        end = destination(sl.lat, sl.lon, sl.azimuth, sl.length_m)
        back = destination(sl.lat, sl.lon, sl.azimuth + 180.0, sl.length_m)
        draw.line([px(sl.lat, sl.lon), px(*end)], fill=(240, 176, 0), width=3 * scale)
        draw.line([px(sl.lat, sl.lon), px(*back)], fill=(68, 68, 68), width=scale * 2)
    img = img.resize((width, height), Image.Resampling.LANCZOS)
    if place_labels and not raster:
        _place_labels(img, lambda lat, lon: tuple(v / scale for v in px(lat, lon)), span_m * scale)
    _furniture(img, span_m * scale, attribution)
    out = io.BytesIO()
    img.save(out, format="PNG")
    return out.getvalue()


def _draw_tiles(img: Image.Image, tiles: TileSource, x0: float, y0: float, span: float, w: int, h: int) -> bool:
    """Paint the source's tiles under the view; False (nothing drawn) when it holds none there."""
    zoom = max(0, min(tiles.spec.max_native_zoom, round(math.log2(1.0 / (span * 256)))))
    n = 2**zoom
    tile_px = 1.0 / (n * span)  # drawn size of one tile
    drawn = 0
    for ty in range(max(0, int(y0 * n)), min(n - 1, int((y0 + span * h) * n)) + 1):
        for tx in range(int(x0 * n), int((x0 + span * w) * n) + 1):
            data = tiles.tile(zoom, tx % n, ty)
            if data is None:
                continue
            try:
                tile = Image.open(io.BytesIO(data)).convert("RGB")
            except OSError:
                continue
            size = max(1, round(tile_px))
            left = round((tx / n - x0) / span)
            top = round((ty / n - y0) / span)
            img.paste(tile.resize((size, size), Image.Resampling.BILINEAR), (left, top))
            drawn += 1
    return drawn > 0


def _place_labels(img: Image.Image, to_px: Any, metres_per_px: float) -> None:
    from workbench.core.geo.mappage import populated_places

    km_across = metres_per_px * img.width / 1000
    min_pop = 5e6 if km_across > 8000 else 1e6 if km_across > 3000 else 3e5 if km_across > 800 else 1e5
    draw = ImageDraw.Draw(img)
    font = ImageFont.load_default(13)
    taken: list[tuple[float, float, float, float]] = []
    for name, lat, lon, pop in populated_places():
        if pop < min_pop or len(taken) >= 40:
            break
        x, y = to_px(lat, lon)
        if not (0 <= x < img.width - 20 and 0 <= y < img.height - 20):
            continue
        tw = draw.textlength(name, font=font)
        box = (x - 3, y - 8, x + tw + 8, y + 8)
        if any(not (box[2] < b[0] or box[0] > b[2] or box[3] < b[1] or box[1] > b[3]) for b in taken):
            continue
        taken.append(box)
        draw.ellipse((x - 3, y - 3, x + 3, y + 3), fill=(255, 255, 255), outline=(40, 40, 40))
        draw.text((x + 6, y - 8), name, fill=(40, 40, 40), font=font, stroke_width=2, stroke_fill=(255, 255, 255))


def _furniture(img: Image.Image, metres_per_px: float, attribution: str) -> None:
    draw = ImageDraw.Draw(img)
    font = ImageFont.load_default(12)
    target = metres_per_px * img.width / 5
    nice = 10 ** math.floor(math.log10(max(target, 1e-3)))
    for step in (5, 2, 1):
        if nice * step <= target:
            nice *= step
            break
    bar = nice / metres_per_px
    x, y = 12, img.height - 18
    draw.rectangle((x - 4, y - 16, x + bar + 70, y + 8), fill=(255, 255, 255))
    draw.line([(x, y), (x + bar, y)], fill=(0, 0, 0), width=3)
    label = f"{nice / 1000:g} km" if nice >= 1000 else f"{nice:g} m"
    draw.text((x + bar + 6, y - 8), label, fill=(0, 0, 0), font=font)
    text = attribution
    tw = draw.textlength(text, font=font)
    draw.rectangle((img.width - tw - 10, img.height - 16, img.width, img.height), fill=(255, 255, 255))
    draw.text((img.width - tw - 5, img.height - 14), text, fill=(60, 60, 60), font=font)
