"""Pixel products: a small JPEG thumbnail (orientation applied) and a 64-bit DCT perceptual hash.

`pixel_products(source)` takes a path or the file's bytes and is safe to call in a worker process (plain arguments,
plain picklable result). JPEGs are decoded at reduced scale (`Image.draft`, DCT scaling in libjpeg), so the cost is
close to a bare reduced-scale decode. Decompression bombs and undecodable data raise `MediaUnreadable`.

pHash (as in the `imagehash` package and Zauner 2010): the oriented image in greyscale, resized to 32x32 (Lanczos),
2-D DCT-II, the top-left 8x8 low frequencies compared with their median; bit 63 (first hex digit's high bit) is
coefficient (0, 0), row-major. Hamming distance <= ~10 of 64 usually means the same picture re-encoded or resized.
"""

from __future__ import annotations

import io
import warnings
from functools import lru_cache
from pathlib import Path
from typing import IO, Any

import numpy as np
from numpy.typing import NDArray
from PIL import Image, ImageFile

from workbench import __version__
from workbench.core.errors import MediaUnreadable
from workbench.core.media.model import PixelProducts

BOMB_PIXELS = 2 * 89_478_485  # what Pillow refuses by default (2 x Image.MAX_IMAGE_PIXELS)
THUMB_QUALITY = 85
PHASH_METHOD = "dct-32x32-8x8-median (imagehash-compatible layout)"

_heif_registered = False
_TRANSPOSE: dict[int, Image.Transpose | None] = {
    1: None,
    2: Image.Transpose.FLIP_LEFT_RIGHT,
    3: Image.Transpose.ROTATE_180,
    4: Image.Transpose.FLIP_TOP_BOTTOM,
    5: Image.Transpose.TRANSPOSE,
    6: Image.Transpose.ROTATE_270,
    7: Image.Transpose.TRANSVERSE,
    8: Image.Transpose.ROTATE_90,
}


def _register_heif() -> None:
    global _heif_registered
    if not _heif_registered:
        from pillow_heif import register_heif_opener

        register_heif_opener()
        _heif_registered = True


@lru_cache(maxsize=4)
def _dct_matrix(n: int) -> NDArray[np.float64]:
    k = np.arange(n)[:, None]
    i = np.arange(n)[None, :]
    return np.cos(np.pi * (2 * i + 1) * k / (2 * n))


def phash_of(image: Image.Image) -> str:
    """64-bit DCT perceptual hash of an (already oriented) image, as 16 hex digits."""
    grey = image.convert("L").resize((32, 32), Image.Resampling.LANCZOS)
    pixels = np.asarray(grey, dtype=np.float64)
    c = _dct_matrix(32)
    dct = c @ pixels @ c.T
    low = dct[:8, :8]
    bits = (low > np.median(low)).flatten()
    value = 0
    for bit in bits:
        value = (value << 1) | int(bit)
    return f"{value:016x}"


def phash_distance(a: str, b: str) -> int:
    """Hamming distance between two 16-hex-digit hashes (0 identical .. 64)."""
    if len(a) != 16 or len(b) != 16:
        raise ValueError(f"perceptual hashes must be 16 hex digits: {a!r}, {b!r}")
    return (int(a, 16) ^ int(b, 16)).bit_count()


def _video_magic(head: bytes) -> bool:
    if head[4:8] == b"ftyp":
        return head[8:12] not in (
            b"heic", b"heix", b"heim", b"heis", b"hevc", b"hevx", b"mif1", b"msf1", b"avif", b"avis",
        )  # fmt: skip
    return (
        head[:4] == b"\x1a\x45\xdf\xa3"
        or (head[:4] == b"RIFF" and head[8:12] == b"AVI ")
        or head[4:8] in (b"moov", b"mdat", b"wide", b"free", b"skip")
    )


def _heif_magic(head: bytes) -> bool:
    return head[4:8] == b"ftyp" and head[8:12] in (
        b"heic", b"heix", b"heim", b"heis", b"hevc", b"hevx", b"mif1", b"msf1",
    )  # fmt: skip


@lru_cache(maxsize=1)
def _tool() -> str:
    import PIL

    return f"workbench {__version__} / Pillow {PIL.__version__}"


def pixel_products(source: Path | bytes, *, max_side: int = 256) -> PixelProducts:
    """Thumbnail (JPEG, at most `max_side` pixels a side, orientation applied) and pHash of an image or video.

    Raises MediaUnreadable for decompression bombs and data that cannot be decoded; OSError for an unreadable path.
    """
    if max_side < 8:
        raise ValueError("max_side must be at least 8")
    name = source.name if isinstance(source, Path) else "the data"
    if isinstance(source, Path):
        with open(source, "rb") as fh:
            head = fh.read(64)
    else:
        head = bytes(source[:64])
    if not head:
        raise MediaUnreadable(f"{name} is empty: there are no pixels to decode")
    if _video_magic(head):
        image, params = _poster_frame(source, name)
    else:
        if _heif_magic(head):
            _register_heif()
        image, params = _open_image(source, name, max_side)
    return _products(image, params, max_side)


def _open_image(source: Path | bytes, name: str, max_side: int) -> tuple[Image.Image, dict[str, Any]]:
    fp: IO[bytes] = io.BytesIO(source) if isinstance(source, bytes) else open(source, "rb")  # noqa: SIM115
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            warnings.simplefilter("ignore", UserWarning)  # Pillow on corrupt EXIF: we only need orientation
            try:
                im: Image.Image = Image.open(fp)
            except Image.DecompressionBombError as exc:
                raise MediaUnreadable(
                    f"{name} claims too many pixels to decode safely (decompression bomb): {exc}"
                ) from exc
            except Exception as exc:
                raise MediaUnreadable(f"{name}: the image format is not recognised or is damaged ({exc})") from exc
            width, height = im.size
            if width * height > BOMB_PIXELS:
                raise MediaUnreadable(
                    f"{name} claims {width} x {height} pixels: too many to decode safely (decompression bomb)"
                )
            params: dict[str, Any] = {"source_size": [width, height], "format": im.format}
            if im.format == "JPEG":
                requested = (max(max_side, 64), max(max_side, 64))
                # draft() keeps at least the requested size; for a rotated image the short side matters too.
                im.draft("RGB" if im.mode in ("RGB", "YCbCr") else im.mode, requested)
                params["draft_scale"] = f"1/{max(1, round(width / im.size[0]))}"
                params["decoded_size"] = list(im.size)
            try:
                im.load()
            except OSError as exc:
                if "truncated" not in str(exc):
                    raise MediaUnreadable(f"{name}: the pixels cannot be decoded ({exc})") from exc
                im = _load_truncated(source, name, max_side)
                params["truncated"] = True
            except Exception as exc:
                raise MediaUnreadable(f"{name}: the pixels cannot be decoded ({exc})") from exc
            orientation = _orientation(im)
            params["orientation"] = orientation
            method = _TRANSPOSE.get(orientation or 1)
            # a plain transpose: ImageOps.exif_transpose also rewrites the EXIF block, which costs more
            oriented = im.transpose(method) if method is not None else im
            return oriented, params
    finally:
        fp.close()


def _load_truncated(source: Path | bytes, name: str, max_side: int) -> Image.Image:
    """Decode what is there of a truncated image (the rest is grey), for a thumbnail of what survives."""
    data = source if isinstance(source, bytes) else Path(source).read_bytes()
    previous = ImageFile.LOAD_TRUNCATED_IMAGES
    ImageFile.LOAD_TRUNCATED_IMAGES = True
    try:
        im = Image.open(io.BytesIO(data))
        if im.format == "JPEG":
            im.draft("RGB", (max_side, max_side))
        im.load()
        return im
    except Exception as exc:
        raise MediaUnreadable(f"{name}: truncated, and what remains cannot be decoded ({exc})") from exc
    finally:
        ImageFile.LOAD_TRUNCATED_IMAGES = previous


def _orientation(im: Image.Image) -> int | None:
    try:
        value = im.getexif().get(0x0112)
    except Exception:
        return None
    return value if isinstance(value, int) and 1 <= value <= 8 else None


def _poster_frame(source: Path | bytes, name: str) -> tuple[Image.Image, dict[str, Any]]:
    """A frame around 10% of the duration, rotated as the container's display matrix says."""
    import av

    target = io.BytesIO(source) if isinstance(source, bytes) else str(source)
    try:
        with av.open(target, mode="r") as container:
            if not container.streams.video:
                raise MediaUnreadable(f"{name} has no video stream to take a frame from")
            stream = container.streams.video[0]
            duration = None
            if stream.duration and stream.time_base:
                duration = float(stream.duration * stream.time_base)
            elif container.duration:
                duration = container.duration / 1_000_000
            at = (duration or 0.0) * 0.1
            if at > 0 and stream.time_base:
                container.seek(int(at / float(stream.time_base)), stream=stream, backward=True)
            frame = None
            # from the keyframe before `at`, decode forward to `at` but at most 60 frames (long GOPs)
            for n, frame in enumerate(container.decode(stream)):
                if frame.time is None or frame.time >= at - 1e-3 or n >= 60:
                    break
            if frame is None:
                raise MediaUnreadable(f"{name}: no video frame could be decoded")
            image: Image.Image = frame.to_image()  # type: ignore[no-untyped-call]
            rotation = int(getattr(frame, "rotation", 0) or 0)
            if rotation % 360:
                image = image.rotate(rotation, expand=True)
            params: dict[str, Any] = {
                "source_size": [frame.width, frame.height],
                "frame_time": round(float(frame.time or 0.0), 3),
                "rotation": rotation,
                "format": container.format.name,
                "pyav": av.__version__,
            }
            return image, params
    except MediaUnreadable:
        raise
    except Exception as exc:  # PyAV raises many error types on broken data
        raise MediaUnreadable(f"{name}: no frame could be decoded ({type(exc).__name__}: {exc})") from exc


def _flatten(image: Image.Image) -> Image.Image:
    if image.mode in ("RGBA", "LA") or (image.mode == "P" and "transparency" in image.info):
        rgba = image.convert("RGBA")
        background = Image.new("RGB", rgba.size, (255, 255, 255))
        background.paste(rgba, mask=rgba.getchannel("A"))
        return background
    if image.mode in ("I;16", "I;16B", "I", "F"):
        arr = np.asarray(image, dtype=np.float64)
        top = float(arr.max()) or 1.0
        return Image.fromarray((arr * (255.0 / top)).clip(0, 255).astype(np.uint8)).convert("RGB")
    return image.convert("RGB") if image.mode != "RGB" else image


def _products(image: Image.Image, params: dict[str, Any], max_side: int) -> PixelProducts:
    rgb = _flatten(image)
    phash = phash_of(rgb)
    thumb = rgb.copy()
    thumb.thumbnail((max_side, max_side), Image.Resampling.BICUBIC, reducing_gap=2.0)
    out = io.BytesIO()
    thumb.save(out, "JPEG", quality=THUMB_QUALITY)
    params = {**params, "max_side": max_side, "thumbnail_quality": THUMB_QUALITY, "phash_method": PHASH_METHOD}
    tool = _tool() + (f" / PyAV {params['pyav']}" if "pyav" in params else "")
    return PixelProducts(
        thumbnail_jpeg=out.getvalue(),
        thumbnail_width=thumb.width,
        thumbnail_height=thumb.height,
        phash=phash,
        tool=tool,
        params=params,
    )


__all__ = ["PixelProducts", "phash_distance", "phash_of", "pixel_products"]
