"""Pictures for the report, drawn with Pillow: evidence with its annotations, the sun chart, the timeline.

Evidence pictures are decoded from the stored bytes, reduced (JPEG draft mode, then Lanczos) to at most
`MAX_SIDE` pixels, turned the way EXIF Orientation says, and the annotations (stored-pixel coordinates) are
mapped through the same turn and drawn with numbered markers that the report's legend explains.
Charts are drawn at twice their size and reduced, because Pillow does not antialias lines.
"""

from __future__ import annotations

import io
import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta, tzinfo
from functools import lru_cache
from typing import Any

from PIL import Image, ImageDraw, ImageFont, UnidentifiedImageError

from workbench.core.errors import MediaUnreadable
from workbench.core.media.forensics import exif_orientation, open_image, orient_point

MAX_SIDE = 1200
MIN_SIDE = 640
JPEG_QUALITY = 85
# Qt's PDF writer re-encodes every picture (JPEG, quality 94): about 0.4 bytes per pixel for a camera photo.
# 36 million pixels of pictures keep a report near 15 MB however many items it shows.
PICTURE_BUDGET_PX = 36_000_000

FontT = ImageFont.FreeTypeFont | ImageFont.ImageFont

CATEGORY_COLOURS: dict[str, tuple[int, int, int]] = {
    "landmark": (106, 61, 154),
    "sign/text": (31, 120, 180),
    "vehicle/plate": (255, 127, 0),
    "person": (227, 26, 28),
    "vegetation/terrain": (51, 160, 44),
    "weather/sky": (0, 150, 170),
    "shadow": (60, 60, 60),
    "other": (230, 171, 2),
}

_TRANSPOSE = {
    2: Image.Transpose.FLIP_LEFT_RIGHT,
    3: Image.Transpose.ROTATE_180,
    4: Image.Transpose.FLIP_TOP_BOTTOM,
    5: Image.Transpose.TRANSPOSE,
    6: Image.Transpose.ROTATE_270,
    7: Image.Transpose.TRANSVERSE,
    8: Image.Transpose.ROTATE_90,
}


@lru_cache(maxsize=32)
def font(size: int, bold: bool = False) -> FontT:
    """DejaVu Sans (installed with the app's fonts); Pillow's own scalable font when it is missing."""
    try:
        return ImageFont.truetype("DejaVuSans-Bold.ttf" if bold else "DejaVuSans.ttf", size)
    except OSError:
        return ImageFont.load_default(size)


def picture_side(count: int, max_side: int = MAX_SIDE, min_side: int = MIN_SIDE) -> int:
    """The long side for `count` evidence pictures (4:3) so that together they stay within the pixel budget."""
    if count <= 0:
        return max_side
    side = int(math.sqrt(PICTURE_BUDGET_PX / count / 0.75))
    return max(min_side, min(max_side, side))


@dataclass(frozen=True)
class Picture:
    data: bytes
    mime: str
    width: int
    height: int


@dataclass(frozen=True)
class Mark:
    """One annotation to draw: shape and geometry in stored pixels, its number in the legend, its category."""

    number: int
    shape: str
    geometry: dict[str, Any]
    category: str = "other"
    label: str = ""


def _encode_jpeg(img: Image.Image, quality: int = JPEG_QUALITY) -> Picture:
    out = io.BytesIO()
    (img if img.mode == "RGB" else img.convert("RGB")).save(out, "JPEG", quality=quality, optimize=True)
    return Picture(out.getvalue(), "image/jpeg", img.width, img.height)


def _encode_png(img: Image.Image) -> Picture:
    out = io.BytesIO()
    img.save(out, "PNG", optimize=False)
    return Picture(out.getvalue(), "image/png", img.width, img.height)


def _open_unloaded(data: bytes) -> Image.Image:
    """Open without decoding, so JPEG draft mode can decode at a reduced scale; HEIC and friends via forensics."""
    try:
        return Image.open(io.BytesIO(data))
    except UnidentifiedImageError:
        return open_image(data)


def evidence_picture(data: bytes, marks: Sequence[Mark] = (), max_side: int = MAX_SIDE) -> Picture:
    """The picture as people see it (orientation applied), reduced, with numbered annotations drawn on it."""
    img = _open_unloaded(data)
    orientation = exif_orientation(img)
    full_w, full_h = img.size
    scale = min(1.0, max_side / max(full_w, full_h))
    w, h = max(1, round(full_w * scale)), max(1, round(full_h * scale))
    if img.format == "JPEG" and scale < 1.0:
        img.draft("RGB", (w, h))  # DCT scaling: decodes 1/2, 1/4 or 1/8 of the pixels, never below (w, h)
    try:
        img.load()
    except (OSError, ValueError) as exc:
        raise MediaUnreadable(f"The picture could not be decoded: {exc}") from exc
    if img.mode not in ("RGB", "L"):
        rgba = img.convert("RGBA")
        img = Image.alpha_composite(Image.new("RGBA", img.size, (255, 255, 255, 255)), rgba)
    if img.mode != "RGB":
        img = img.convert("RGB")
    if img.size != (w, h) and max(img.size) > max_side * 1.25:
        img = img.resize((w, h), Image.Resampling.LANCZOS, reducing_gap=3.0)
    elif img.size != (w, h):  # the JPEG decoder's own reduction is close enough: keep its pixels
        scale = img.width / full_w
        w, h = img.size
    if orientation in _TRANSPOSE:
        img = img.transpose(_TRANSPOSE[orientation])
    if marks:
        _draw_marks(img, marks, scale, (w, h), orientation)
    return _encode_jpeg(img)


def _draw_marks(
    img: Image.Image, marks: Sequence[Mark], scale: float, stored: tuple[int, int], orientation: int
) -> None:
    draw = ImageDraw.Draw(img, "RGBA")
    lw = max(2, round(max(img.size) / 400))
    radius = max(9, round(max(img.size) / 60))
    badge_font = font(round(radius * 1.2), bold=True)

    def pt(x: float, y: float) -> tuple[float, float]:
        return orient_point(x * scale, y * scale, stored[0], stored[1], orientation)

    for mark in marks:
        colour = CATEGORY_COLOURS.get(mark.category, CATEGORY_COLOURS["other"])
        g = mark.geometry
        try:
            if mark.shape in ("rect", "ellipse"):
                (x0, y0), (x1, y1) = pt(g["x"], g["y"]), pt(g["x"] + g["w"], g["y"] + g["h"])
                box = (min(x0, x1), min(y0, y1), max(x0, x1), max(y0, y1))
                if mark.shape == "rect":
                    draw.rectangle(box, outline=(*colour, 255), fill=(*colour, 28), width=lw)
                else:
                    draw.ellipse(box, outline=(*colour, 255), fill=(*colour, 28), width=lw)
                anchor = (box[0], box[1])
            elif mark.shape == "polygon":
                pts = [pt(p[0], p[1]) for p in g["points"]]
                draw.polygon(pts, outline=(*colour, 255), fill=(*colour, 28), width=lw)
                anchor = min(pts, key=lambda p: (p[1], p[0]))
            elif mark.shape in ("line", "arrow"):
                pts = [pt(p[0], p[1]) for p in g["points"]]
                draw.line(pts, fill=(*colour, 255), width=lw + 1)
                if mark.shape == "arrow" and len(pts) == 2:
                    _arrow_head(draw, pts[0], pts[1], colour, lw * 5)
                anchor = pts[0]
            else:  # point, text
                x, y = pt(g["x"], g["y"])
                r = lw * 2.5
                draw.ellipse((x - r, y - r, x + r, y + r), fill=(*colour, 255), outline=(255, 255, 255, 255), width=lw)
                anchor = (x + r, y - r)
        except (KeyError, TypeError, ValueError, IndexError):
            continue  # a malformed geometry is listed in the legend but not drawn
        _badge(draw, anchor, str(mark.number), colour, radius, badge_font, img.size)


def _arrow_head(
    draw: ImageDraw.ImageDraw,
    start: tuple[float, float],
    end: tuple[float, float],
    colour: tuple[int, int, int],
    size: float,
) -> None:
    angle = math.atan2(end[1] - start[1], end[0] - start[0])
    left = (end[0] - size * math.cos(angle - 0.45), end[1] - size * math.sin(angle - 0.45))
    right = (end[0] - size * math.cos(angle + 0.45), end[1] - size * math.sin(angle + 0.45))
    draw.polygon([end, left, right], fill=(*colour, 255))


def _badge(
    draw: ImageDraw.ImageDraw,
    at: tuple[float, float],
    text: str,
    colour: tuple[int, int, int],
    radius: int,
    badge_font: FontT,
    size: tuple[int, int],
) -> None:
    x = min(max(at[0], radius + 1), size[0] - radius - 1)
    y = min(max(at[1], radius + 1), size[1] - radius - 1)
    draw.ellipse((x - radius, y - radius, x + radius, y + radius), fill=(*colour, 235), outline=(255, 255, 255, 255))
    draw.text((x, y), text, fill=(255, 255, 255, 255), font=badge_font, anchor="mm")


def contact_sheet(frames: Sequence[bytes], labels: Sequence[str], max_width: int = MAX_SIDE) -> Picture:
    """Several frames side by side (video keyframes), each labelled underneath."""
    images = [open_image(f).convert("RGB") for f in frames]
    n = len(images)
    gap, label_h = 12, 26
    cell_w = (max_width - gap * (n - 1)) // n
    scaled = [
        im.resize((cell_w, max(1, round(im.height * cell_w / im.width))), Image.Resampling.LANCZOS) for im in images
    ]
    cell_h = max(im.height for im in scaled)
    sheet = Image.new("RGB", (max_width, cell_h + label_h), (255, 255, 255))
    draw = ImageDraw.Draw(sheet)
    f = font(14)
    for i, (im, label) in enumerate(zip(scaled, labels, strict=True)):
        x = i * (cell_w + gap)
        sheet.paste(im, (x, 0))
        draw.text((x + cell_w / 2, cell_h + 5), label[:40], fill=(70, 70, 70), font=f, anchor="ma")
    return _encode_jpeg(sheet)


# --- charts -------------------------------------------------------------------------------------------------------

INK = (29, 35, 43)
GRID = (222, 226, 232)
AXIS = (120, 128, 138)
SUN = (230, 140, 0)
BAND = (253, 190, 110)
WINDOW = (80, 160, 90)


@dataclass(frozen=True)
class ChartMark:
    """A vertical line on a chart at `at` (aware datetime) with a short label."""

    at: datetime
    label: str
    colour: tuple[int, int, int] = (200, 40, 40)


def _nice_step(span_s: float, ticks: int = 8) -> timedelta:
    for minutes in (1, 2, 5, 10, 15, 30, 60, 120, 180, 360, 720, 1440, 2880, 10080, 20160, 43200):
        if span_s / (minutes * 60) <= ticks:
            return timedelta(minutes=minutes)
    return timedelta(days=max(1, round(span_s / 86400 / ticks)))


def sun_chart(
    times: Sequence[datetime],
    elevation: Sequence[float],
    zone: tzinfo,
    zone_name: str,
    *,
    band: tuple[float, float] | None = None,
    windows: Sequence[tuple[datetime, datetime]] = (),
    marks: Sequence[ChartMark] = (),
    title: str = "",
    width: int = 680,
    height: int = 300,
) -> Picture:
    """Apparent sun elevation through a day (local time of `zone` on the x axis), the measured band shaded,
    the matching windows as green spans, and marked instants (claimed, EXIF) as vertical lines."""
    s = 4  # drawn at 4x, delivered at 2x the display size: antialiased and sharp in print
    W, H = width * s, height * s
    img = Image.new("RGB", (W, H), (255, 255, 255))
    d = ImageDraw.Draw(img, "RGBA")
    left, right, top, bottom = 62 * s, 24 * s, 34 * s, 46 * s
    pw, ph = W - left - right, H - top - bottom
    t0, t1 = times[0], times[-1]
    span = (t1 - t0).total_seconds() or 1.0
    lo = min(-10.0, math.floor(min(elevation) / 10) * 10)
    hi = max(10.0, math.ceil(max(elevation) / 10) * 10)
    if band is not None:
        lo, hi = min(lo, math.floor(band[0] / 10) * 10), max(hi, math.ceil(band[1] / 10) * 10)

    def x(t: datetime) -> float:
        return left + (t - t0).total_seconds() / span * pw

    def y(e: float) -> float:
        return top + (hi - e) / (hi - lo) * ph

    small, label_font = font(11 * s), font(12 * s)
    if band is not None:
        d.rectangle((left, y(band[1]), left + pw, y(band[0])), fill=(*BAND, 110))
    for ws, we in windows:
        a, b = max(left, x(ws)), min(left + pw, x(we))
        if b >= a:
            d.rectangle((a, top, max(b, a + s), top + ph), fill=(*WINDOW, 70))
    for e in range(int(lo), int(hi) + 1, 10):
        d.line((left, y(e), left + pw, y(e)), fill=GRID, width=s)
        d.text((left - 6 * s, y(e)), f"{e}°", fill=AXIS, font=small, anchor="rm")
    d.line((left, y(0), left + pw, y(0)), fill=AXIS, width=s)
    step = _nice_step(span)
    local0 = t0.astimezone(zone)
    tick = local0.replace(minute=0, second=0, microsecond=0)
    while tick < local0:
        tick += step
    while tick <= t1.astimezone(zone):
        xt = x(tick)
        d.line((xt, top, xt, top + ph), fill=GRID, width=s)
        d.text((xt, top + ph + 6 * s), tick.strftime("%H:%M"), fill=AXIS, font=small, anchor="ma")
        tick += step
    pts = [(x(t), y(e)) for t, e in zip(times, elevation, strict=True)]
    d.line(pts, fill=SUN, width=3 * s, joint="curve")
    for k, m in enumerate(sorted(marks, key=lambda m: m.at)):
        if t0 <= m.at <= t1:
            xm = x(m.at)
            d.line((xm, top, xm, top + ph), fill=(*m.colour, 255), width=2 * s)
            anchor = "la" if xm < left + pw * 0.8 else "ra"
            dx = 4 * s if anchor == "la" else -4 * s
            label_y = top + (4 + 15 * (k % 4)) * s
            box = d.textbbox((xm + dx, label_y), m.label, font=small, anchor=anchor)
            d.rectangle((box[0] - s, box[1] - s, box[2] + s, box[3] + s), fill=(255, 255, 255, 220))
            d.text((xm + dx, label_y), m.label, fill=m.colour, font=small, anchor=anchor)
    d.rectangle((left, top, left + pw, top + ph), outline=AXIS, width=s)
    d.text((left, 2 * s), title, fill=INK, font=label_font)
    d.text((left + pw / 2, H - 6 * s), f"local time ({zone_name})", fill=INK, font=small, anchor="md")
    d.text((left - 6 * s, top - 6 * s), "elevation", fill=INK, font=small, anchor="rd")
    return _encode_png(img.resize((width * 2, height * 2), Image.Resampling.LANCZOS))


@dataclass(frozen=True)
class Span:
    """One event on the timeline: a lane, its best time and its earliest and latest possible times (UTC)."""

    lane: str
    at: datetime
    start: datetime
    end: datetime
    kind: str


KIND_COLOURS: dict[str, tuple[int, int, int]] = {
    "post": (31, 120, 180),
    "capture": (215, 48, 31),
    "claimed": (106, 61, 154),
    "window": (51, 160, 44),
    "analyst": (90, 90, 90),
}


def timeline_chart(
    spans: Sequence[Span],
    zone: tzinfo,
    zone_name: str,
    *,
    max_lanes: int = 14,
    width: int = 680,
    title: str = "",
    frame: tuple[datetime, datetime] | None = None,
) -> Picture:
    """Events by lane on one time axis (in `zone`); an uncertain event is a bar from earliest to latest time.

    `frame` (UTC) zooms in: events outside it are left out and bars are cut at its edges."""
    if frame is not None:
        spans = [sp for sp in spans if sp.end >= frame[0] and sp.start <= frame[1]]
    s = 4
    lanes: list[str] = []
    counts: dict[str, int] = {}
    for sp in spans:
        counts[sp.lane] = counts.get(sp.lane, 0) + 1
    fixed = [lane for lane in ("incident", "media", "analysis", "analyst") if lane in counts]
    others = sorted((lane for lane in counts if lane not in fixed), key=lambda k: -counts[k])
    keep = others[: max(0, max_lanes - len(fixed))]
    lanes = fixed + keep
    if len(others) > len(keep):
        lanes.append("other accounts")
    lane_index = {lane: i for i, lane in enumerate(lanes)}
    row = 26
    height = 64 + row * max(1, len(lanes)) + 40
    W, H = width * s, height * s
    img = Image.new("RGB", (W, H), (255, 255, 255))
    d = ImageDraw.Draw(img, "RGBA")
    left, right, top = 170 * s, 16 * s, 34 * s
    pw = W - left - right
    ph = row * s * max(1, len(lanes))
    if frame is not None:
        t0, t1 = frame
    else:
        t0 = min(sp.start for sp in spans)
        t1 = max(sp.end for sp in spans)
        pad = max((t1 - t0) * 0.03, timedelta(minutes=5))
        t0, t1 = t0 - pad, t1 + pad
    span = (t1 - t0).total_seconds()

    def x(t: datetime) -> float:
        return left + (t - t0).total_seconds() / span * pw

    small, label_font = font(11 * s), font(12 * s)
    for i, lane in enumerate(lanes):
        yc = top + (i + 0.5) * row * s
        if i % 2 == 0:
            d.rectangle((left, top + i * row * s, left + pw, top + (i + 1) * row * s), fill=(246, 248, 250))
        name = lane if len(lane) <= 26 else lane[:25] + "…"
        d.text((left - 8 * s, yc), name, fill=INK, font=small, anchor="rm")
    step = _nice_step(span, ticks=5)
    local0 = t0.astimezone(zone)
    tick = local0.replace(minute=0, second=0, microsecond=0)
    if step >= timedelta(days=1):
        tick = tick.replace(hour=0)
    while tick < local0:
        tick += step
    fmt = "%Y-%m-%d" if step >= timedelta(days=1) else ("%d %b %H:%M" if span > 86400 else "%H:%M")
    while tick <= t1.astimezone(zone):
        xt = x(tick)
        d.line((xt, top, xt, top + ph), fill=GRID, width=s)
        d.text((xt, top + ph + 6 * s), tick.strftime(fmt), fill=AXIS, font=small, anchor="ma")
        tick += step
    for sp in spans:
        found = lane_index.get(sp.lane, lane_index.get("other accounts"))
        if found is None:
            continue
        i = found
        yc = top + (i + 0.5) * row * s
        colour = KIND_COLOURS.get(sp.kind, (90, 90, 90))
        if sp.end > sp.start:
            a, b = x(max(sp.start, t0)), x(min(sp.end, t1))
            d.rectangle((a, yc - 4 * s, max(b, a + s), yc + 4 * s), fill=(*colour, 70))
        r = 4 * s
        if not t0 <= sp.at <= t1:
            continue
        xa = x(sp.at)
        if sp.kind == "claimed":
            d.polygon([(xa, yc - r * 1.6), (xa + r * 1.6, yc), (xa, yc + r * 1.6), (xa - r * 1.6, yc)], fill=colour)
        else:
            d.ellipse((xa - r, yc - r, xa + r, yc + r), fill=(*colour, 220), outline=(255, 255, 255))
    d.rectangle((left, top, left + pw, top + ph), outline=AXIS, width=s)
    d.text((left, 8 * s), title, fill=INK, font=label_font)
    # legend
    lx = left
    ly = top + ph + 26 * s
    for kind, colour in KIND_COLOURS.items():
        d.ellipse((lx, ly, lx + 8 * s, ly + 8 * s), fill=colour)
        d.text((lx + 12 * s, ly + 4 * s), kind, fill=INK, font=small, anchor="lm")
        lx += 90 * s
    d.text((W - right, 8 * s), f"time axis: {zone_name}", fill=AXIS, font=small, anchor="ra")
    return _encode_png(img.resize((width * 2, height * 2), Image.Resampling.LANCZOS))
