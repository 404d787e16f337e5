"""Forensic views of one image: pure functions from pixels (and, where needed, the file's own bytes) to a layer.

Every view returns a `ForensicResult`: an RGB uint8 image ready to show as a layer over the photo, the parameters
it ran with, the tools and versions that made it, and one line each on what it can show and what it cannot prove.
`VIEWS` lists them by a stable name so the window can offer them as switchable layers and the report can re-run
one from its recorded parameters with `run_view`.

Views work on the *stored* pixels: the JPEG 8x8 grid, noise and clones live there, so EXIF orientation is not
applied before analysis. With `oriented=True` the finished layer (and any coordinates it reports) is turned the
way the EXIF Orientation tag says, so it lines up with the photo as people see it.
"""

from __future__ import annotations

import io
import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
from PIL import Image, ImageDraw, ImageFont, UnidentifiedImageError

from workbench import __version__
from workbench.core.errors import BadInput, MediaUnreadable

RGB = npt.NDArray[np.uint8]
ImageLike = Image.Image | npt.NDArray[Any]

STORED_PIXELS = "stored pixels (EXIF orientation not applied)"


@dataclass(frozen=True)
class ForensicResult:
    """One forensic layer and everything needed to describe or reproduce it.

    `data` is JSON-able and view-specific (documented on each view); `image` is not part of `to_json()`.
    """

    name: str
    image: RGB
    params: dict[str, Any]
    tool: str
    can_show: str
    cannot_prove: str
    summary: str
    pixels: str = STORED_PIXELS
    data: dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "params": self.params,
            "tool": self.tool,
            "can_show": self.can_show,
            "cannot_prove": self.cannot_prove,
            "summary": self.summary,
            "pixels": self.pixels,
            "width": int(self.image.shape[1]),
            "height": int(self.image.shape[0]),
            **self.data,
        }


# --- inputs -------------------------------------------------------------------------------------------------------


def open_image(source: Path | bytes) -> Image.Image:
    """Open and decode an image file (JPEG, PNG, WebP, TIFF, HEIC ...), keeping its metadata for the views.

    Raises `MediaUnreadable` when the pixels cannot be decoded.
    """
    _register_heif()
    name = source.name if isinstance(source, Path) else "the image"
    try:
        data = source.read_bytes() if isinstance(source, Path) else source
        image = Image.open(io.BytesIO(data))
        image.load()
    except FileNotFoundError as exc:
        raise MediaUnreadable(f"{name}: no such file.") from exc
    except UnidentifiedImageError as exc:
        raise MediaUnreadable(f"{name}: not an image format the workbench can decode.") from exc
    except (OSError, SyntaxError, ValueError, Image.DecompressionBombError) as exc:
        raise MediaUnreadable(f"{name}: the pixels cannot be decoded ({exc}).") from exc
    return image


def _register_heif() -> None:
    try:
        import pillow_heif

        pillow_heif.register_heif_opener()
    except ImportError:  # HEIC support is optional at run time
        pass


def _rgb(image: ImageLike) -> RGB:
    if isinstance(image, Image.Image):
        if image.mode != "RGB":
            image = image.convert("RGB")
        return np.ascontiguousarray(np.asarray(image, dtype=np.uint8))
    array = np.asarray(image)
    if array.dtype != np.uint8:
        raise BadInput("Forensic views need 8-bit pixels (uint8).")
    if array.ndim == 2:
        array = np.repeat(array[:, :, None], 3, axis=2)
    elif array.ndim == 3 and array.shape[2] == 4:
        array = array[:, :, :3]
    if array.ndim != 3 or array.shape[2] != 3:
        raise BadInput(f"Forensic views need an RGB image, not an array of shape {array.shape}.")
    return np.ascontiguousarray(array)


def exif_orientation(image: ImageLike) -> int:
    """The EXIF Orientation (1-8) of a Pillow image; 1 for arrays and images without one."""
    if not isinstance(image, Image.Image):
        return 1
    try:
        value = image.getexif().get(0x0112, 1)
    except Exception:  # a broken EXIF block must not stop a pixel view
        return 1
    return int(value) if isinstance(value, int) and 1 <= value <= 8 else 1


def orient_array(array: npt.NDArray[Any], orientation: int) -> npt.NDArray[Any]:
    """Turn stored pixels the way EXIF Orientation says (same result as `PIL.ImageOps.exif_transpose`)."""
    ops: dict[int, Callable[[npt.NDArray[Any]], npt.NDArray[Any]]] = {
        1: lambda a: a,
        2: lambda a: a[:, ::-1],
        3: lambda a: a[::-1, ::-1],
        4: lambda a: a[::-1, :],
        5: lambda a: a.swapaxes(0, 1),
        6: lambda a: a.swapaxes(0, 1)[:, ::-1],
        7: lambda a: a.swapaxes(0, 1)[::-1, ::-1],
        8: lambda a: a.swapaxes(0, 1)[::-1, :],
    }
    return np.ascontiguousarray(ops.get(orientation, ops[1])(array))


def orient_point(x: float, y: float, width: int, height: int, orientation: int) -> tuple[float, float]:
    """Where a stored-pixel point (x, y) lands after `orient_array` (width, height: stored size)."""
    w, h = width - 1, height - 1
    return {
        1: (x, y),
        2: (w - x, y),
        3: (w - x, h - y),
        4: (x, h - y),
        5: (y, x),
        6: (h - y, x),
        7: (h - y, w - x),
        8: (y, w - x),
    }.get(orientation, (x, y))


def _tool() -> str:
    import cv2
    import PIL

    return f"workbench {__version__} / OpenCV {cv2.__version__} / Pillow {PIL.__version__} / numpy {np.__version__}"


def _finish(
    name: str,
    layer: RGB,
    image: ImageLike,
    params: dict[str, Any],
    summary: str,
    data: dict[str, Any] | None = None,
    *,
    turn: bool = True,
) -> ForensicResult:
    """Wrap a finished layer; with `oriented`, turn it by EXIF orientation unless it is already drawn turned."""
    view = VIEWS[name]
    pixels = STORED_PIXELS
    if params.get("oriented"):
        orientation = exif_orientation(image)
        if turn:
            layer = orient_array(layer, orientation)
        pixels = f"stored pixels analysed, layer turned by EXIF orientation {orientation}"
    return ForensicResult(
        name=name,
        image=layer,
        params=params,
        tool=_tool(),
        can_show=view.can_show,
        cannot_prove=view.cannot_prove,
        summary=summary,
        pixels=pixels,
        data=data or {},
    )


def _auto_gain(values: npt.NDArray[Any], target: float = 255.0, percentile: float = 99.5) -> float:
    top = float(np.percentile(values[:: max(1, values.shape[0] // 512)], percentile))
    return target / top if top > 0 else 1.0


def _luma(rgb: RGB) -> npt.NDArray[np.uint8]:
    import cv2

    return np.asarray(cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY), dtype=np.uint8)


# --- error level analysis -----------------------------------------------------------------------------------------


def ela(image: ImageLike, *, quality: int = 90, scale: float = 15.0, oriented: bool = False) -> ForensicResult:
    """Error level analysis: re-save as JPEG at `quality` and show |original - re-saved| x `scale`.

    `scale=0` picks the gain that brings the 99th percentile of differences to white (recorded as `scale_used`).
    data: mean_error, p99_error (0-255 per channel, before scaling), scale_used.
    """
    import cv2

    if not 1 <= quality <= 100:
        raise BadInput(f"ELA quality must be 1-100, not {quality}.")
    if scale < 0:
        raise BadInput(f"ELA scale must be 0 (auto) or positive, not {scale}.")
    rgb = _rgb(image)
    bgr = cv2.cvtColor(rgb, cv2.COLOR_RGB2BGR)
    ok, encoded = cv2.imencode(".jpg", bgr, [cv2.IMWRITE_JPEG_QUALITY, int(quality)])
    if not ok:
        raise MediaUnreadable("The image could not be re-encoded as JPEG for error level analysis.")
    resaved = cv2.imdecode(encoded, cv2.IMREAD_COLOR)
    if resaved is None:
        raise MediaUnreadable("The re-encoded JPEG could not be decoded for error level analysis.")
    diff = cv2.absdiff(bgr, resaved)
    del bgr, resaved
    sample = diff[::4, ::4]
    mean_error = float(sample.mean())
    p99 = float(np.percentile(sample, 99))
    gain = float(scale) if scale > 0 else (255.0 / p99 if p99 > 0 else 1.0)
    layer = cv2.convertScaleAbs(diff, dst=diff, alpha=gain)  # in place: a 24 MP layer is 72 MB
    layer = cv2.cvtColor(layer, cv2.COLOR_BGR2RGB, dst=layer)
    params = {
        "quality": int(quality),
        "scale": float(scale),
        "oriented": bool(oriented),
        "encoder": "OpenCV imencode (libjpeg, 4:2:0)",
    }
    summary = f"Re-saved at quality {quality}: mean error {mean_error:.2f}, 99th percentile {p99:.0f} (x{gain:.1f})"
    data = {"mean_error": round(mean_error, 3), "p99_error": round(p99, 3), "scale_used": round(gain, 3)}
    return _finish("ela", np.asarray(layer, dtype=np.uint8), image, params, summary, data)


# --- noise residual -----------------------------------------------------------------------------------------------


def noise(
    image: ImageLike, *, kernel: int = 3, amplification: float = 0.0, block: int = 32, oriented: bool = False
) -> ForensicResult:
    """Noise residual: |image - median(image)| per channel, amplified (`amplification=0`: auto).

    data: noise_level (median of per-block mean residual), block_noise_p5/p95 (5th/95th percentile of blocks),
    amplification_used.
    """
    import cv2

    if kernel not in (3, 5, 7):
        raise BadInput(f"Noise kernel must be 3, 5 or 7, not {kernel}.")
    if amplification < 0:
        raise BadInput(f"Noise amplification must be 0 (auto) or positive, not {amplification}.")
    rgb = _rgb(image)
    residual = cv2.absdiff(rgb, cv2.medianBlur(rgb, kernel))
    grey = residual.max(axis=2)
    h, w = grey.shape
    b = max(4, int(block))
    hb, wb = h // b, w // b
    if hb and wb:
        blocks = grey[: hb * b, : wb * b].reshape(hb, b, wb, b).mean(axis=(1, 3), dtype=np.float32)
        level = float(np.median(blocks))
        lo, hi = (float(v) for v in np.percentile(blocks, [5, 95]))
    else:
        level = lo = hi = float(grey.mean())
    gain = float(amplification) if amplification > 0 else _auto_gain(grey)
    layer = cv2.convertScaleAbs(residual, alpha=gain)
    params = {"kernel": int(kernel), "amplification": float(amplification), "block": b, "oriented": bool(oriented)}
    summary = f"Median-filter residual (kernel {kernel}): typical block noise {level:.2f}, range {lo:.2f}-{hi:.2f}"
    data = {
        "noise_level": round(level, 3),
        "block_noise_p5": round(lo, 3),
        "block_noise_p95": round(hi, 3),
        "amplification_used": round(gain, 3),
    }
    return _finish("noise", np.asarray(layer, dtype=np.uint8), image, params, summary, data)


# --- luminance gradient -------------------------------------------------------------------------------------------


def gradient(image: ImageLike, *, intensity: float = 0.0, blur: int = 0, oriented: bool = False) -> ForensicResult:
    """Luminance gradient as colour: hue is the direction the brightness increases, brightness its strength.

    `intensity=0` scales so the strongest 0.5% of gradients are full brightness. `blur` (odd, 0 = none) smooths
    first, to follow lighting rather than texture. data: intensity_used, dominant_direction_deg (0 = rightwards,
    90 = downwards, stored pixels), direction_coherence (0-1: how much of the gradient shares one direction).
    """
    import cv2

    if intensity < 0:
        raise BadInput(f"Gradient intensity must be 0 (auto) or positive, not {intensity}.")
    if blur and (blur < 0 or blur % 2 == 0):
        raise BadInput(f"Gradient blur must be 0 or an odd number of pixels, not {blur}.")
    luma = _luma(_rgb(image))
    if blur:
        luma = np.asarray(cv2.GaussianBlur(luma, (blur, blur), 0), dtype=np.uint8)
    gx = cv2.Sobel(luma, cv2.CV_32F, 1, 0, ksize=3)
    gy = cv2.Sobel(luma, cv2.CV_32F, 0, 1, ksize=3)
    magnitude, angle = cv2.cartToPolar(gx, gy, angleInDegrees=True)
    gain = float(intensity) if intensity > 0 else _auto_gain(magnitude)
    hsv = np.empty((*luma.shape, 3), dtype=np.uint8)
    hsv[..., 0] = (angle * 0.5).astype(np.uint8)  # OpenCV hue runs 0-179
    hsv[..., 1] = 255
    hsv[..., 2] = cv2.convertScaleAbs(magnitude, alpha=gain)
    layer = cv2.cvtColor(hsv, cv2.COLOR_HSV2RGB)
    sx, sy, total = float(gx.sum()), float(gy.sum()), float(magnitude.sum())
    coherence = math.hypot(sx, sy) / total if total > 0 else 0.0
    dominant = math.degrees(math.atan2(sy, sx)) % 360.0
    params = {"intensity": float(intensity), "blur": int(blur), "oriented": bool(oriented), "operator": "Sobel 3x3"}
    summary = f"Brightness mostly increases towards {dominant:.0f}° (coherence {coherence:.2f})"
    data = {
        "intensity_used": round(gain, 4),
        "dominant_direction_deg": round(dominant, 1),
        "direction_coherence": round(coherence, 3),
    }
    return _finish("gradient", np.asarray(layer, dtype=np.uint8), image, params, summary, data)


# --- JPEG quantisation and quality --------------------------------------------------------------------------------


def _table_picture(tables: Mapping[int, list[int]], cell: int = 36, histogram: list[int] | None = None) -> RGB:
    """The tables as grids of numbers (light = fine steps), and below them a DCT coefficient histogram."""
    font = ImageFont.load_default(size=max(10, cell // 3))
    ids = sorted(tables)
    pad = 12
    width = max(len(ids) * (8 * cell + pad) + pad, 8 * cell + 2 * pad)
    grid_h = 8 * cell + 2 * pad + cell // 2
    chart_h = 150 if histogram else 0
    canvas = Image.new("RGB", (width, grid_h + chart_h), (32, 32, 32))
    draw = ImageDraw.Draw(canvas)
    for n, table_id in enumerate(ids):
        values = tables[table_id]
        x0 = pad + n * (8 * cell + pad)
        draw.text((x0, 2), f"table {table_id}" + (" (luma)" if n == 0 else ""), fill=(230, 230, 230), font=font)
        for i, value in enumerate(values[:64]):
            r, c = divmod(i, 8)
            shade = int(255 - min(255, value * 2))
            box = (
                x0 + c * cell,
                pad + cell // 2 + r * cell,
                x0 + (c + 1) * cell - 1,
                pad + cell // 2 + (r + 1) * cell - 1,
            )
            draw.rectangle(box, fill=(shade, shade, shade))
            ink = (0, 0, 0) if shade > 128 else (255, 255, 255)
            draw.text((box[0] + 3, box[1] + 3), str(value), fill=ink, font=font)
    if histogram:
        top, base = grid_h + 18, grid_h + chart_h - 8
        draw.text((pad, grid_h), "luma DCT (0,1): blocks per quantised value |k| = 1..40", fill=(230, 230, 230))
        counts = histogram[1:41]
        peak = max(max(counts), 1)
        bar = max(2, (width - 2 * pad) // max(len(counts), 1))
        for i, count in enumerate(counts):
            x = pad + i * bar
            draw.rectangle((x, base - (base - top) * count / peak, x + bar - 2, base), fill=(90, 180, 255))
    return np.asarray(canvas, dtype=np.uint8)


def _message_picture(text: str, size: tuple[int, int] = (480, 120)) -> RGB:
    canvas = Image.new("RGB", size, (32, 32, 32))
    ImageDraw.Draw(canvas).text((12, 12), text, fill=(230, 230, 230), font=ImageFont.load_default(size=14))
    return np.asarray(canvas, dtype=np.uint8)


def jpeg_quality(image: ImageLike, *, max_blocks: int = 200_000, oriented: bool = False) -> ForensicResult:
    """The JPEG quantisation tables, the quality they correspond to, and a double-compression check.

    Needs the image as opened from its file (a Pillow JPEG). Tables and the quality estimate come from
    `core.media.jpeg` (IJG scaling; its note says what the tables themselves suggest). The double-compression
    check looks at the histograms of low-frequency DCT coefficients of the luminance on the 8x8 grid, divided by
    the file's own steps: one compression leaves smooth histograms; compressing twice at different qualities
    leaves periodic gaps or peaks (Lukáš & Fridrich 2003; Popescu & Farid 2004). At most `max_blocks` blocks,
    spread evenly, are used. The layer shows the tables and the histogram of the first coefficient.
    data: is_jpeg, tables {id: 64 values, natural order}, estimate {quality, method, standard_tables, note},
    double_compression {score, positions, finding: "periodic" | "weak" | "none" | "not assessable",
    histogram [counts for |k| = 0..40]}, double_compression_hint (one line).
    """
    from workbench.core.media.jpeg import estimate_quality, quantization_tables

    params: dict[str, Any] = {"max_blocks": int(max_blocks), "oriented": False}  # tables have no orientation
    tables = quantization_tables(image) if isinstance(image, Image.Image) else {}
    if not tables or not isinstance(image, Image.Image):
        text = "Not a JPEG (or opened without its file): no quantisation tables to read."
        data = {"is_jpeg": False, "tables": {}, "estimate": None, "double_compression": None}
        return _finish("jpeg_quality", _message_picture(text), image, params, text, data)
    found = estimate_quality(tables)
    estimate = {
        "quality": found.quality,
        "method": found.method,
        "standard_tables": found.standard_tables,
        "note": found.note,
    }
    double = _double_quantisation(image, tables[min(tables)], max_blocks)
    hint = _DQ_HINTS[double["finding"]]
    summary = f"Quality ~{found.quality} ({found.method}). {hint}"
    data = {
        "is_jpeg": True,
        "tables": tables,
        "estimate": estimate,
        "double_compression": double,
        "double_compression_hint": hint,
    }
    layer = _table_picture(tables, histogram=double["histogram"])
    return _finish("jpeg_quality", layer, image, params, summary, data)


_DQ_HINTS = {
    "periodic": "DCT histograms show the periodic gaps or peaks left when a JPEG is compressed twice at "
    "different qualities: the image was most likely re-saved.",
    "weak": "DCT histograms show weak periodic traces: possibly compressed twice.",
    "none": "No trace of double compression in the DCT histograms (a re-save at the same or a much higher "
    "quality leaves none, so this does not show the file is an original).",
    "not assessable": "Too few blocks or too fine quantisation to check for double compression.",
}
_DQ_POSITIONS = ((0, 1), (1, 0), (1, 1), (0, 2), (2, 0), (1, 2), (2, 1))


def _dct_matrix() -> npt.NDArray[np.float32]:
    n = np.arange(8)
    c = np.sqrt(2 / 8) * np.cos((2 * n[None, :] + 1) * n[:, None] * np.pi / 16)
    c[0, :] = np.sqrt(1 / 8)
    return np.asarray(c, dtype=np.float32)


def _double_quantisation(image: Image.Image, luma_table: list[int], max_blocks: int) -> dict[str, Any]:
    """Score the periodicity of quantised DCT histograms: mean |log(h(k) / mean(h(k-1), h(k+1)))|.

    A smooth (Laplacian-like) histogram scores near 0 (measured: 0.04-0.2 on camera originals and single
    saves); double quantisation with a coarser first step empties or piles up every few bins (2-3).
    """
    if image.mode == "L":
        luma = np.asarray(image, dtype=np.float32)
    else:
        rgb = _rgb(image).astype(np.float32)
        luma = rgb @ np.asarray([0.299, 0.587, 0.114], dtype=np.float32)
    h, w = (luma.shape[0] // 8) * 8, (luma.shape[1] // 8) * 8
    blocks = (luma[:h, :w] - 128.0).reshape(h // 8, 8, w // 8, 8).transpose(0, 2, 1, 3).reshape(-1, 8, 8)
    if len(blocks) > max_blocks > 0:
        blocks = blocks[:: math.ceil(len(blocks) / max_blocks)]
    c = _dct_matrix()
    coefficients = c @ blocks @ c.T
    steps = np.asarray(luma_table, dtype=np.float32).reshape(8, 8)
    scores: list[float] = []
    first: list[int] = []
    for u, v in _DQ_POSITIONS:
        if steps[u, v] < 2:  # steps of 1 cannot show a second quantisation
            continue
        k = np.abs(np.rint(coefficients[:, u, v] / steps[u, v])).astype(np.int64)
        hist = np.bincount(k, minlength=41)[:41].astype(np.float64)
        if not first:
            first = [int(x) for x in hist]
        ratios = [
            hist[i] / ((hist[i - 1] + hist[i + 1]) / 2) for i in range(2, 40) if (hist[i - 1] + hist[i + 1]) / 2 >= 30
        ]
        if len(ratios) >= 4:
            scores.append(float(np.mean(np.abs(np.log(np.clip(ratios, 0.05, 20.0))))))
    if len(scores) < 3:
        return {"score": None, "positions": len(scores), "finding": "not assessable", "histogram": first}
    score = float(np.median(scores))
    finding = "periodic" if score >= 0.6 else "weak" if score >= 0.35 else "none"
    return {"score": round(score, 3), "positions": len(scores), "finding": finding, "histogram": first}


# --- EXIF thumbnail vs image --------------------------------------------------------------------------------------


def exif_thumbnail_bytes(image: Image.Image) -> bytes | None:
    """The JPEG thumbnail stored in EXIF IFD1 (JPEGInterchangeFormat), cut from the file's EXIF bytes."""
    raw = image.info.get("exif")
    if not isinstance(raw, bytes | bytearray) or not raw:
        return None
    tiff = bytes(raw[6:]) if raw.startswith(b"Exif\x00\x00") else bytes(raw)
    try:
        ifd1 = image.getexif().get_ifd(-1)
    except Exception:
        return None
    offset, length = ifd1.get(0x0201), ifd1.get(0x0202)
    if not isinstance(offset, int) or not isinstance(length, int) or length <= 0:
        return None
    thumb = tiff[offset : offset + length]
    return thumb if thumb.startswith(b"\xff\xd8") and len(thumb) == length else None


def thumbnail_vs_image(image: ImageLike, *, gain: float = 4.0, blur: int = 3, oriented: bool = False) -> ForensicResult:
    """Compare the EXIF thumbnail with the image shrunk to the same size.

    The layer shows thumbnail | image shrunk | difference x `gain`, enlarged for viewing. A letterboxed thumbnail
    is compared on its picture area only, after a `blur` (odd pixels, 0 = none) of both so that the different
    sharpening and resampling of camera thumbnails do not swamp changes of content.
    data: has_thumbnail, thumbnail_size, mean_difference (0-255), p95_difference, changed_fraction (share of
    pixels differing by more than 32).
    """
    import cv2

    if blur and (blur < 0 or blur % 2 == 0):
        raise BadInput(f"Thumbnail blur must be 0 or an odd number of pixels, not {blur}.")
    params: dict[str, Any] = {"gain": float(gain), "blur": int(blur), "oriented": bool(oriented)}
    thumb_bytes = exif_thumbnail_bytes(image) if isinstance(image, Image.Image) else None
    empty = {"has_thumbnail": False, "thumbnail_size": None, "mean_difference": None}
    if thumb_bytes is None:
        text = "No EXIF thumbnail in this file."
        return _finish("thumbnail_vs_image", _message_picture(text), image, params, text, empty)
    try:
        thumb_img = Image.open(io.BytesIO(thumb_bytes))
        thumb_img.load()
    except (OSError, SyntaxError, ValueError):
        text = "The file has an EXIF thumbnail, but it cannot be decoded."
        return _finish("thumbnail_vs_image", _message_picture(text), image, params, text, empty)
    thumb = _rgb(thumb_img)
    th, tw = thumb.shape[:2]
    rgb = _rgb(image)
    h, w = rgb.shape[:2]
    # Fit the image inside the thumbnail box as cameras do (letterboxing when the aspect ratios differ).
    fit = min(tw / w, th / h)
    fw, fh = max(1, round(w * fit)), max(1, round(h * fit))
    x0, y0 = (tw - fw) // 2, (th - fh) // 2
    small = np.zeros_like(thumb)
    small[y0 : y0 + fh, x0 : x0 + fw] = cv2.resize(rgb, (fw, fh), interpolation=cv2.INTER_AREA)
    if blur:
        diff = cv2.absdiff(cv2.GaussianBlur(thumb, (blur, blur), 0), cv2.GaussianBlur(small, (blur, blur), 0))
    else:
        diff = cv2.absdiff(thumb, small)
    area = diff[y0 : y0 + fh, x0 : x0 + fw].max(axis=2)
    mean_diff = float(area.mean())
    p95 = float(np.percentile(area, 95))
    changed = float((area > 32).mean())
    zoom = max(1, 320 // max(tw, th, 1))
    panels = [thumb, small, np.asarray(cv2.convertScaleAbs(diff, alpha=gain), dtype=np.uint8)]
    sep = np.full((th, 4, 3), 64, dtype=np.uint8)
    layer = np.hstack([panels[0], sep, panels[1], sep, panels[2]])
    layer = np.asarray(cv2.resize(layer, None, fx=zoom, fy=zoom, interpolation=cv2.INTER_NEAREST), dtype=np.uint8)
    summary = (
        f"EXIF thumbnail {tw}x{th}: mean difference {mean_diff:.1f}/255 from the image, "
        f"{changed:.1%} of pixels differ by more than 32"
    )
    data = {
        "has_thumbnail": True,
        "thumbnail_size": [tw, th],
        "mean_difference": round(mean_diff, 3),
        "p95_difference": round(p95, 3),
        "changed_fraction": round(changed, 5),
    }
    return _finish("thumbnail_vs_image", layer, image, params, summary, data)


# --- clone detection ----------------------------------------------------------------------------------------------


def clone(
    image: ImageLike,
    *,
    max_side: int = 1600,
    features: int = 12000,
    ratio: float = 0.6,
    min_distance: float = 40.0,
    min_matches: int = 8,
    ransac_threshold: float = 4.0,
    max_regions: int = 8,
    oriented: bool = False,
) -> ForensicResult:
    """Copy-move detection: SIFT keypoints matched against the same image, then grouped by RANSAC into pairs of
    regions related by one similarity transform (shift, rotation, scale).

    Each keypoint's best match must pass a `ratio` test against the second best, both ignoring the keypoint
    itself and keypoints closer than `min_distance` (the same corner found twice is not a clone).

    Keypoints are found on a copy shrunk so its longer side is at most `max_side` (recorded as `analysis_scale`);
    `min_distance` and `ransac_threshold` are in full-size pixels, and all coordinates are given in full-size
    stored pixels (or oriented pixels with `oriented=True`). Boxes bound the matched keypoints, so they can be a
    little smaller than the copied area; rotation_deg and scale describe the transform in stored pixels.
    data: regions [{box_a, box_b (x0, y0, x1, y1; which one is the copy cannot be told), matches,
    offset (dx, dy), rotation_deg, scale, pairs [[x1, y1, x2, y2] ...]}], keypoints, candidate_matches, analysis_scale.
    """
    import cv2

    if not 0 < ratio < 1:
        raise BadInput(f"Clone ratio must be between 0 and 1, not {ratio}.")
    if min_matches < 3:
        raise BadInput(f"Clone detection needs at least 3 matches per region, not {min_matches}.")
    rgb = _rgb(image)
    h, w = rgb.shape[:2]
    grey = _luma(rgb)
    scale = min(1.0, max_side / max(h, w)) if max_side > 0 else 1.0
    if scale < 1.0:
        grey = np.asarray(
            cv2.resize(grey, (round(w * scale), round(h * scale)), interpolation=cv2.INTER_AREA), dtype=np.uint8
        )
    sift = cv2.SIFT.create(nfeatures=int(features))
    keypoints, descriptors = sift.detectAndCompute(grey, None)
    points = np.asarray([kp.pt for kp in keypoints], dtype=np.float32).reshape(-1, 2)
    pairs = _self_matches(points, descriptors, ratio, min_distance * scale)
    regions = _group_pairs(pairs, min_matches, ransac_threshold * max(scale, 0.25), max_regions)

    orientation = exif_orientation(image) if oriented else 1
    found: list[dict[str, Any]] = []
    for src, dst, matrix in regions:
        src_full, dst_full = src / scale, dst / scale
        if orientation != 1:
            src_full = np.asarray([orient_point(x, y, w, h, orientation) for x, y in src_full], dtype=np.float32)
            dst_full = np.asarray([orient_point(x, y, w, h, orientation) for x, y in dst_full], dtype=np.float32)
        rotation = math.degrees(math.atan2(matrix[1, 0], matrix[0, 0]))
        zoom = math.hypot(matrix[0, 0], matrix[1, 0])
        offset = (dst_full - src_full).mean(axis=0)
        found.append(
            {
                "box_a": _box(src_full),
                "box_b": _box(dst_full),
                "matches": len(src),
                "offset": [round(float(offset[0]), 1), round(float(offset[1]), 1)],
                "rotation_deg": round(rotation, 1),
                "scale": round(zoom, 3),
                "pairs": [
                    [round(float(a), 1), round(float(b), 1), round(float(c), 1), round(float(d), 1)]
                    for (a, b), (c, d) in zip(src_full[:200], dst_full[:200], strict=True)
                ],
            }
        )
    base = orient_array(rgb, orientation) if orientation != 1 else rgb
    layer = _draw_regions(base, found)
    params = {
        "max_side": int(max_side),
        "features": int(features),
        "ratio": float(ratio),
        "min_distance": float(min_distance),
        "min_matches": int(min_matches),
        "ransac_threshold": float(ransac_threshold),
        "max_regions": int(max_regions),
        "oriented": bool(oriented),
        "detector": "SIFT",
        "matcher": _MATCHER,
    }
    if found:
        summary = f"{len(found)} pair(s) of similar regions ({', '.join(str(r['matches']) for r in found)} matches)"
    else:
        summary = "No copied regions found"
    data = {
        "regions": found,
        "keypoints": len(keypoints),
        "candidate_matches": len(pairs),
        "analysis_scale": round(scale, 5),
    }
    return _finish("clone", layer, image, params, summary, data, turn=False)


_MATCHER = "FLANN k-d tree (4 trees, 64 checks), 6 nearest"


def _self_matches(
    points: npt.NDArray[np.float32], descriptors: npt.NDArray[Any] | None, ratio: float, min_distance: float
) -> npt.NDArray[np.float32]:
    """Rows (x1, y1, x2, y2): each keypoint's nearest other keypoint that passes the ratio test and is far enough.

    The nearest neighbour of a descriptor in its own set is itself, and keypoints a few pixels apart (the same
    corner at two scales) are near-duplicates: both are skipped before the ratio test.
    """
    import cv2

    if descriptors is None or len(points) < 3:
        return np.zeros((0, 4), dtype=np.float32)
    # A k-d tree search (deterministic for the same input) is ~6x faster than brute force on 12,000 keypoints;
    # the near-identical descriptors of a copied area are found either way.
    matcher = cv2.FlannBasedMatcher({"algorithm": 1, "trees": 4}, {"checks": 64})
    knn = matcher.knnMatch(descriptors, descriptors, k=6)
    rows: list[tuple[float, float, float, float]] = []
    seen: set[tuple[int, int]] = set()
    for i, candidates in enumerate(knn):
        p = points[i]
        far = [m for m in candidates if m.trainIdx != i and _dist(p, points[m.trainIdx]) >= min_distance]
        if not far:
            continue
        best = far[0]
        # Without a second far candidate among the k nearest, the k-th distance is a lower bound for it.
        second = far[1].distance if len(far) > 1 else candidates[-1].distance
        if best.distance >= ratio * second:
            continue
        key = (min(i, best.trainIdx), max(i, best.trainIdx))
        if key in seen:
            continue
        seen.add(key)
        q = points[best.trainIdx]
        rows.append((float(p[0]), float(p[1]), float(q[0]), float(q[1])))
    return np.asarray(rows, dtype=np.float32).reshape(-1, 4)


def _dist(a: npt.NDArray[np.float32], b: npt.NDArray[np.float32]) -> float:
    return float(math.hypot(float(a[0] - b[0]), float(a[1] - b[1])))


def _group_pairs(
    pairs: npt.NDArray[np.float32], min_matches: int, threshold: float, max_regions: int
) -> list[tuple[npt.NDArray[np.float32], npt.NDArray[np.float32], npt.NDArray[np.float64]]]:
    """Repeatedly find the largest set of pairs related by one similarity transform (RANSAC).

    A pair has no natural direction, so both directions are offered; once a group is found, its pairs are
    removed in both directions.
    """
    import cv2

    remaining = pairs
    groups: list[tuple[npt.NDArray[np.float32], npt.NDArray[np.float32], npt.NDArray[np.float64]]] = []
    while len(remaining) >= min_matches and len(groups) < max_regions:
        src = np.vstack([remaining[:, :2], remaining[:, 2:]])
        dst = np.vstack([remaining[:, 2:], remaining[:, :2]])
        matrix, inliers = cv2.estimateAffinePartial2D(
            src, dst, method=cv2.RANSAC, ransacReprojThreshold=threshold, maxIters=4000, confidence=0.995
        )
        if matrix is None or inliers is None:
            break
        mask = inliers.ravel().astype(bool)
        n = len(remaining)
        used = mask[:n] | mask[n:]
        forward = mask[:n]
        backward = mask[n:] & ~forward
        chosen_src = np.vstack([remaining[forward, :2], remaining[backward, 2:]])
        chosen_dst = np.vstack([remaining[forward, 2:], remaining[backward, :2]])
        if len(chosen_src) < min_matches:
            break
        if not _compact(chosen_src) or not _compact(chosen_dst):
            remaining = remaining[~used]
            continue
        groups.append((chosen_src.astype(np.float32), chosen_dst.astype(np.float32), np.asarray(matrix)))
        remaining = remaining[~used]
    return groups


def _compact(points: npt.NDArray[np.float32]) -> bool:
    """A copied region is one patch: most matched points lie near each other, not scattered over the frame."""
    if len(points) < 3:
        return False
    centre = np.median(points, axis=0)
    spread = np.median(np.hypot(*(points - centre).T))
    extent = float(np.hypot(*(points.max(axis=0) - points.min(axis=0))))
    return bool(spread <= max(extent, 1.0) * 0.75)


def _box(points: npt.NDArray[np.float32]) -> list[int]:
    lo, hi = points.min(axis=0), points.max(axis=0)
    return [int(lo[0]), int(lo[1]), math.ceil(hi[0]), math.ceil(hi[1])]


_REGION_COLOURS = ((255, 64, 64), (64, 200, 255), (255, 200, 0), (160, 255, 80), (255, 80, 255), (255, 140, 0))


def _draw_regions(rgb: RGB, regions: list[dict[str, Any]]) -> RGB:
    """The image dimmed to grey, with each region pair boxed in its colour and its matches drawn as lines."""
    import cv2

    grey = _luma(rgb)
    base = cv2.cvtColor(cv2.convertScaleAbs(grey, alpha=0.6, beta=40), cv2.COLOR_GRAY2RGB)
    thick = max(2, round(max(rgb.shape[:2]) / 600))
    for n, region in enumerate(regions):
        colour = _REGION_COLOURS[n % len(_REGION_COLOURS)]
        for x1, y1, x2, y2 in region["pairs"][:60]:
            cv2.line(base, (round(x1), round(y1)), (round(x2), round(y2)), colour, max(1, thick // 2), cv2.LINE_AA)
        for key in ("box_a", "box_b"):
            x0, y0, x1, y1 = region[key]
            pad = 2 * thick
            cv2.rectangle(base, (x0 - pad, y0 - pad), (x1 + pad, y1 + pad), colour, thick)
    return np.asarray(base, dtype=np.uint8)


# --- the registry -------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class View:
    """A forensic view as the window lists it and the report re-runs it."""

    name: str
    title: str
    function: Callable[..., ForensicResult]
    defaults: Mapping[str, Any]
    can_show: str
    cannot_prove: str
    needs_file: bool = False  # needs the Pillow image opened from the file (tables, EXIF), not bare pixels


def _defaults(function: Callable[..., ForensicResult]) -> dict[str, Any]:
    import inspect

    return {
        name: p.default
        for name, p in inspect.signature(function).parameters.items()
        if p.kind is inspect.Parameter.KEYWORD_ONLY
    }


VIEWS: dict[str, View] = {
    view.name: view
    for view in (
        View(
            "ela",
            "Error level analysis",
            ela,
            _defaults(ela),
            "Regions last saved at a different JPEG quality, or pasted in from another image, can stand out.",
            "Bright areas are not proof of editing: edges, text, fine texture and saturated colour are bright in "
            "untouched photos too, and re-saving evens everything out.",
        ),
        View(
            "noise",
            "Noise residual",
            noise,
            _defaults(noise),
            "Areas whose grain differs from the rest (smoothed, sharpened or from another camera) can stand out.",
            "Noise varies with brightness, focus, texture and in-camera processing; a difference is a prompt to "
            "look closer, not proof of editing.",
        ),
        View(
            "jpeg_quality",
            "JPEG quality and quantisation tables",
            jpeg_quality,
            _defaults(jpeg_quality),
            "The quantisation tables of the last JPEG save, the quality they correspond to, and signs that the "
            "image was compressed more than once.",
            "Tables describe only the last save: platforms recompress everything, so a re-save or non-standard "
            "tables do not show that the content was changed.",
            needs_file=True,
        ),
        View(
            "thumbnail_vs_image",
            "EXIF thumbnail vs image",
            thumbnail_vs_image,
            _defaults(thumbnail_vs_image),
            "Whether the small preview stored in EXIF still shows the same picture as the image.",
            "A matching thumbnail does not prove the image is unedited (editors can rewrite it); a mismatch can "
            "come from cropping or in-camera processing.",
            needs_file=True,
        ),
        View(
            "clone",
            "Clone detection",
            clone,
            _defaults(clone),
            "Areas copied from elsewhere in the same image (moved, rotated or scaled), drawn as linked boxes.",
            "Repeating patterns (windows, tiles, crowds, text) match themselves naturally, and a clone made from "
            "another photo or a smooth area is not found.",
        ),
        View(
            "gradient",
            "Luminance gradient",
            gradient,
            _defaults(gradient),
            "Which way brightness changes across the image: lighting direction and edges that look different "
            "from their surroundings.",
            "Real scenes have several lights, reflections and shadows; inconsistent gradients are a prompt to "
            "look, not proof of compositing.",
        ),
    )
}


def run_view(name: str, image: ImageLike, params: Mapping[str, Any] | None = None) -> ForensicResult:
    """Run a view by name with recorded or user-given parameters (strings are converted to the default's type).

    Unknown names or parameters raise `BadInput`, so a recorded layer is re-run exactly or not at all.
    """
    view = VIEWS.get(name)
    if view is None:
        raise BadInput(f"No forensic view named {name!r}; choose one of: {', '.join(VIEWS)}.")
    kwargs: dict[str, Any] = {}
    for key, value in (params or {}).items():
        if key not in view.defaults:
            # Recorded params may carry descriptive entries (encoder, detector ...) that are not inputs.
            if key in _DESCRIPTIVE:
                continue
            raise BadInput(f"The {name} view has no parameter {key!r}; it takes: {', '.join(view.defaults)}.")
        kwargs[key] = _coerce(key, value, view.defaults[key])
    return view.function(image, **kwargs)


_DESCRIPTIVE = frozenset({"encoder", "detector", "matcher", "operator"})


def _coerce(key: str, value: Any, default: Any) -> Any:
    if not isinstance(value, str):
        return value
    try:
        if isinstance(default, bool):
            if value.lower() in ("1", "true", "yes", "on"):
                return True
            if value.lower() in ("0", "false", "no", "off"):
                return False
            raise ValueError(value)
        if isinstance(default, int):
            return int(value)
        if isinstance(default, float):
            return float(value)
    except ValueError as exc:
        raise BadInput(f"Parameter {key}={value!r} is not a valid {type(default).__name__}.") from exc
    return value
