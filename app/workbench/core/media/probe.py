"""Reading a file's metadata without decoding its pixels: `probe_file(path) -> MediaProbe`.

The type comes from the content (magic bytes), never the extension. JPEG, PNG, WebP, GIF and TIFF structures are
parsed here in pure Python with bounded reads (only the segments that carry metadata are read, so a 12-megapixel
JPEG costs the same as a thumbnail); HEIC/HEIF goes through pillow-heif (header only) and video containers
through the box walker in `video_meta` plus PyAV. Bad content never raises: what could not be read becomes a
`problems` entry and the rest is returned. Only an unreadable path raises (OSError).
"""

from __future__ import annotations

import io
import math
import mmap
import re
import struct
import zlib
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import lru_cache
from pathlib import Path
from typing import Any, BinaryIO, Literal

from workbench import __version__
from workbench.core.media import flags as F
from workbench.core.media.exif import (
    GROUP_EXIF,
    GROUP_GPS,
    GROUP_IFD0,
    ExifData,
    gps_degrees,
    parse_exif,
)
from workbench.core.media.iptc import IptcData, iptc_datetime, parse_app13, parse_icc, parse_iim
from workbench.core.media.jpeg import estimate_quality, parse_jpeg
from workbench.core.media.model import GPS, Flag, MediaKind, MediaProbe, Summary
from workbench.core.media.video_meta import VideoMeta, av_version, pyav_streams, read_bmff
from workbench.core.media.xmp import XmpData, edit_history, parse_xmp, xmp_gps_degrees

# Pillow refuses to decode more than 2 x Image.MAX_IMAGE_PIXELS (89,478,485) pixels; so do we.
BOMB_PIXELS = 2 * 89_478_485
_MAX_CHUNK_READ = 16 * 1024 * 1024
ZoneKind = Literal["offset", "utc", "local-unknown-zone"]


@dataclass(frozen=True)
class FileType:
    kind: MediaKind
    mime: str
    format: str | None
    family: str  # for the extension check: "jpeg", "png", "bmff-video", "matroska", ...


def sniff(head: bytes) -> FileType:
    """The file type from its first bytes (at least 32)."""
    if head[:3] == b"\xff\xd8\xff":
        return FileType("image", "image/jpeg", "JPEG", "jpeg")
    if head[:8] == b"\x89PNG\r\n\x1a\n":
        return FileType("image", "image/png", "PNG", "png")
    if head[:4] in (b"II*\x00", b"MM\x00*"):
        return FileType("image", "image/tiff", "TIFF", "tiff")
    if head[:4] in (b"II+\x00", b"MM\x00+"):
        return FileType("image", "image/tiff", "BigTIFF", "bigtiff")
    if head[:2] == b"\xff\x0a" or head[:12] == b"\x00\x00\x00\x0cJXL \r\n\x87\n":
        return FileType("image", "image/jxl", "JPEG XL", "jxl")
    if head[:6] in (b"GIF87a", b"GIF89a"):
        return FileType("image", "image/gif", "GIF", "gif")
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return FileType("image", "image/webp", "WebP", "webp")
    if head[:4] == b"RIFF" and head[8:12] == b"AVI ":
        return FileType("video", "video/x-msvideo", "AVI", "avi")
    if head[:4] == b"RIFF" and head[8:12] == b"WAVE":
        return FileType("file", "audio/wav", "WAV", "wav")
    if head[:2] == b"BM" and len(head) >= 26:
        return FileType("image", "image/bmp", "BMP", "bmp")
    if head[:4] == b"\x1a\x45\xdf\xa3":
        if b"webm" in head[:64]:
            return FileType("video", "video/webm", "WebM", "matroska")
        return FileType("video", "video/x-matroska", "Matroska", "matroska")
    if head[4:8] == b"ftyp":
        brand = head[8:12]
        compat = head[16:64]
        if brand in (b"heic", b"heix", b"heim", b"heis", b"hevc", b"hevx"):
            return FileType("image", "image/heic", "HEIC", "heif")
        if brand in (b"mif1", b"msf1") and b"avif" not in compat:
            return FileType("image", "image/heif", "HEIF", "heif")
        if brand in (b"avif", b"avis") or (brand == b"mif1" and b"avif" in compat):
            return FileType("image", "image/avif", "AVIF", "avif")
        if brand == b"qt  ":
            return FileType("video", "video/quicktime", "MOV", "bmff-video")
        if brand.startswith(b"3gp") or brand.startswith(b"3g2"):
            return FileType("video", "video/3gpp", "3GP", "bmff-video")
        if brand in (b"M4V ", b"M4VH", b"M4VP"):
            return FileType("video", "video/x-m4v", "M4V", "bmff-video")
        if brand == b"crx ":
            return FileType("image", "image/x-canon-cr3", "CR3", "cr3")
        if brand in (b"M4A ", b"M4B "):
            return FileType("file", "audio/mp4", "M4A", "m4a")
        return FileType("video", "video/mp4", "MP4", "bmff-video")
    if head[4:8] in (b"moov", b"mdat", b"wide", b"free", b"skip", b"pnot"):
        return FileType("video", "video/quicktime", "MOV", "bmff-video")
    if head[:4] == b"%PDF":
        return FileType("file", "application/pdf", "PDF", "pdf")
    if head[:4] == b"PK\x03\x04":
        return FileType("file", "application/zip", "ZIP", "zip")
    if head[:3] == b"ID3" or head[:2] in (b"\xff\xfb", b"\xff\xf3"):
        return FileType("file", "audio/mpeg", "MP3", "mp3")
    if head[:2] == b"\x1f\x8b":
        return FileType("file", "application/gzip", "GZIP", "gzip")
    text = head.removeprefix(b"\xef\xbb\xbf").lstrip()
    if text[:1] in (b"{", b"[") and _printable(head):
        return FileType("file", "application/json", "JSON", "json")
    lower = text[:15].lower()
    if lower.startswith((b"<!doctype html", b"<html")):
        return FileType("file", "text/html", "HTML", "html")
    if lower.startswith(b"<?xml") or lower.startswith(b"<svg"):
        is_svg = b"<svg" in head.lower()
        return FileType("file", "image/svg+xml" if is_svg else "application/xml", "SVG" if is_svg else "XML", "xml")
    if head and _printable(head):
        return FileType("file", "text/plain", "text", "text")
    return FileType("file", "application/octet-stream", None, "unknown")


def _printable(head: bytes) -> bool:
    """Looks like UTF-8 text (a cut multi-byte character at the end of the head is tolerated)."""
    try:
        text = head.decode("utf-8")
    except UnicodeDecodeError as exc:
        if exc.start < len(head) - 3:
            return False
        text = head[: exc.start].decode("utf-8")
    return all(c.isprintable() or c in "\r\n\t\f" for c in text)


# extension -> families it may hold
_EXTENSIONS: dict[str, set[str]] = {
    "jpg": {"jpeg"},
    "jpeg": {"jpeg"},
    "jpe": {"jpeg"},
    "jfif": {"jpeg"},
    "png": {"png"},
    "tif": {"tiff", "bigtiff"},
    "tiff": {"tiff", "bigtiff"},
    "jxl": {"jxl"},
    "cr3": {"cr3"},
    "dng": {"tiff"},
    "gif": {"gif"},
    "webp": {"webp"},
    "heic": {"heif"},
    "heif": {"heif"},
    "hif": {"heif"},
    "avif": {"avif"},
    "bmp": {"bmp"},
    "mp4": {"bmff-video", "m4a"},
    "m4v": {"bmff-video"},
    "mov": {"bmff-video"},
    "qt": {"bmff-video"},
    "3gp": {"bmff-video"},
    "3g2": {"bmff-video"},
    "webm": {"matroska"},
    "mkv": {"matroska"},
    "avi": {"avi"},
    "pdf": {"pdf"},
    "zip": {"zip"},
    "mp3": {"mp3"},
    "wav": {"wav"},
    "m4a": {"m4a", "bmff-video"},
    "json": {"json", "text"},
    "txt": {"text", "json", "xml", "html"},
    "csv": {"text"},
    "html": {"html", "text"},
    "htm": {"html", "text"},
    "xml": {"xml", "text"},
    "svg": {"xml"},
}


@lru_cache(maxsize=1)
def reader_name() -> str:
    """The reader recorded for provenance, e.g. "workbench 0.1.0 metadata reader (Pillow 13.0.0, PyAV 18.1.0)"."""
    import PIL

    return f"workbench {__version__} metadata reader (Pillow {PIL.__version__}, PyAV {av_version() or 'absent'})"


@dataclass
class _Ctx:
    path: Path
    size: int
    ftype: FileType
    tags: dict[str, dict[str, Any]] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)
    exif: ExifData | None = None
    xmp: XmpData | None = None
    iptc: IptcData | None = None
    width: int | None = None
    height: int | None = None
    orientation_override: int | None = None
    truncated: str | None = None
    trailing: int = 0
    thumb_size: tuple[int, int] | None = None
    video: VideoMeta | None = None
    has_other_metadata: bool = False
    ijg_quality: int | None = None  # JPEG tables are exactly IJG tables at this quality

    def group(self, name: str) -> dict[str, Any]:
        return self.tags.setdefault(name, {})

    def merge_tags(self, groups: dict[str, dict[str, Any]]) -> None:
        for name, values in groups.items():
            self.group(name).update(values)

    def add_exif(self, data: bytes | memoryview | mmap.mmap) -> None:
        if self.exif is not None:
            return
        exif = parse_exif(data)
        self.exif = exif
        self.tags.update(exif.groups)
        self.problems.extend(exif.problems)
        if exif.thumbnail:
            info = parse_jpeg(exif.thumbnail)
            self.group("File")["ExifThumbnail"] = f"{len(exif.thumbnail)} bytes"
            if info.width and info.height:
                self.thumb_size = (info.width, info.height)
                self.group("File")["ExifThumbnailSize"] = f"{info.width}x{info.height}"

    def add_xmp(self, packet: bytes) -> None:
        if self.xmp is not None or not packet:
            return
        xmp = parse_xmp(packet)
        self.xmp = xmp
        if xmp.values:
            self.tags["XMP"] = xmp.values
        self.problems.extend(xmp.problems)

    def add_iptc(self, iptc: IptcData) -> None:
        self.iptc = iptc
        if iptc.values:
            self.tags["IPTC"] = iptc.values
        self.problems.extend(iptc.problems)

    def add_icc(self, profile: bytes) -> None:
        if profile:
            self.tags["ICC"] = parse_icc(profile)


def probe_file(path: Path, *, now: datetime | None = None) -> MediaProbe:
    """Read everything the file says about itself, without decoding pixels. Raises only OSError (unreadable)."""
    path = Path(path)
    now = now or datetime.now(UTC)
    with open(path, "rb") as fp:
        size = fp.seek(0, io.SEEK_END)
        fp.seek(0)
        head = fp.read(64)
        ftype = sniff(head)
        ctx = _Ctx(path=path, size=size, ftype=ftype)
        ctx.group("File").update({"FileSize": size, "FileType": ftype.format, "MIMEType": ftype.mime})
        if size == 0:
            ctx.problems.append("the file is empty (0 bytes)")
        else:
            try:
                _read(ctx, fp)
            except OSError:
                raise
            except Exception as exc:  # bad content must never escape as an exception
                ctx.problems.append(f"reading stopped on an unexpected error: {type(exc).__name__}: {exc}")
    try:
        return _finish(ctx, now)
    except Exception as exc:  # a summary bug must not hide what was read
        return MediaProbe(
            kind=ftype.kind,
            mime=ftype.mime,
            format=ftype.format,
            summary=Summary(width=ctx.width, height=ctx.height),
            flags=(F.make("metadata_problems", count=len(ctx.problems) + 1),),
            tags={k: v for k, v in ctx.tags.items() if v},
            problems=(*ctx.problems, f"the summary could not be built: {type(exc).__name__}: {exc}"),
            reader=reader_name(),
        )


def _read(ctx: _Ctx, fp: BinaryIO) -> None:
    fmt = ctx.ftype.family
    if fmt == "jpeg":
        _read_jpeg(ctx, fp)
    elif fmt == "png":
        _read_png(ctx, fp)
    elif fmt == "webp":
        _read_webp(ctx, fp)
    elif fmt == "gif":
        fp.seek(6)
        w, h = struct.unpack("<HH", fp.read(4))
        ctx.width, ctx.height = w, h
    elif fmt == "bmp":
        fp.seek(18)
        w, h = struct.unpack("<ii", fp.read(8))
        ctx.width, ctx.height = abs(w), abs(h)
    elif fmt == "tiff":
        _read_tiff(ctx, fp)
    elif fmt in ("heif", "avif"):
        _read_heif(ctx, fp)
    elif fmt == "bmff-video":
        _read_bmff_video(ctx, fp)
    elif fmt in ("bigtiff", "jxl", "cr3"):
        ctx.problems.append(f"{ctx.ftype.format}: metadata in this format is not read yet")
    elif fmt in ("matroska", "avi"):
        ctx.video = VideoMeta()
        fmt_name = pyav_streams(ctx.path, ctx.video)
        if not fmt_name:
            ctx.truncated = "the container could not be opened"
        ctx.merge_tags(ctx.video.tags)
        ctx.problems.extend(ctx.video.problems)
        ctx.width, ctx.height = ctx.video.width, ctx.video.height


# ---------------------------------------------------------------------------------------------------------------
# Formats


def _read_jpeg(ctx: _Ctx, fp: BinaryIO) -> None:
    fp.seek(0)
    info = parse_jpeg(fp)
    ctx.problems.extend(info.problems)
    ctx.width, ctx.height = info.width, info.height
    j = ctx.group("JPEG")
    j["EncodingProcess"] = info.process
    j["BitsPerSample"] = info.precision
    j["ColorComponents"] = len(info.components) or None
    j["Subsampling"] = info.subsampling
    if info.jfif:
        j["JFIFVersion"] = f"{info.jfif[0]}.{info.jfif[1]:02d}"
    if info.comments:
        j["Comment"] = info.comments[0] if len(info.comments) == 1 else info.comments
    if info.quantization:
        q = estimate_quality(info.quantization)
        ctx.ijg_quality = q.quality if q.standard_tables else None
        j["QualityEstimate"] = q.quality
        j["QualityMethod"] = q.method
        j["StandardTables"] = q.standard_tables
        j["QualityNote"] = q.note
    if info.mpf:
        j["MPF"] = True
    if info.process is not None and not info.has_eoi:
        ctx.truncated = "no JPEG end-of-image marker"
    ctx.trailing = info.trailer_bytes
    if info.exif is not None:
        ctx.add_exif(info.exif)
    if info.xmp:
        ctx.add_xmp(info.xmp)
    if info.iptc_app13:
        ctx.add_iptc(parse_app13(info.iptc_app13))
    if info.icc:
        ctx.add_icc(info.icc)


def _read_png(ctx: _Ctx, fp: BinaryIO) -> None:
    fp.seek(8)
    pos = 8
    seen_idat = False
    seen_iend = False
    png = ctx.group("PNG")
    texts: dict[str, str] = {}
    while pos + 8 <= ctx.size:
        fp.seek(pos)
        hdr = fp.read(8)
        if len(hdr) < 8:
            break
        length, ctype = struct.unpack(">L4s", hdr)
        if pos + 12 + length > ctx.size:
            ctx.truncated = f"PNG chunk {ctype.decode('latin-1', 'replace')!r} runs past the end"
            break
        name = ctype.decode("latin-1", "replace")
        if ctype == b"IDAT":
            seen_idat = True
        elif ctype == b"IEND":
            seen_iend = True
            ctx.trailing = ctx.size - (pos + 12)
            break
        elif ctype in (b"IHDR", b"eXIf", b"iTXt", b"tEXt", b"zTXt", b"iCCP", b"tIME", b"pHYs", b"acTL"):
            if length > _MAX_CHUNK_READ:
                ctx.problems.append(f"PNG: {name} chunk of {length} bytes skipped")
            else:
                _png_chunk(ctx, ctype, fp.read(length), seen_idat, texts)
        pos += 12 + length
    if texts:
        png["Text"] = texts
    if not seen_iend and ctx.truncated is None:
        ctx.truncated = "no PNG IEND chunk"
    if not seen_idat:
        ctx.problems.append("PNG: no image data (IDAT) chunk")


def _png_chunk(ctx: _Ctx, ctype: bytes, data: bytes, after_idat: bool, texts: dict[str, str]) -> None:
    png = ctx.group("PNG")
    if ctype == b"IHDR" and len(data) >= 13:
        w, h, depth, color, _c, _f, interlace = struct.unpack(">LLBBBBB", data[:13])
        ctx.width, ctx.height = w, h
        png.update({"ImageWidth": w, "ImageHeight": h, "BitDepth": depth, "ColorType": color})
        png["Interlace"] = bool(interlace)
    elif ctype == b"eXIf":
        if after_idat:
            png["ExifAfterIDAT"] = True
        ctx.add_exif(data)
    elif ctype == b"iCCP":
        name, _, rest = data.partition(b"\x00")
        png["ICCProfileName"] = name.decode("latin-1")
        try:
            ctx.add_icc(_inflate(rest[1:]))
        except zlib.error as exc:
            ctx.problems.append(f"PNG: iCCP profile cannot be decompressed ({exc})")
    elif ctype == b"tIME" and len(data) == 7:
        y, mo, d, hh, mi, ss = struct.unpack(">HBBBBB", data)
        png["ModifyDate"] = f"{y:04d}:{mo:02d}:{d:02d} {hh:02d}:{mi:02d}:{ss:02d}"
    elif ctype == b"pHYs" and len(data) == 9:
        x, y, unit = struct.unpack(">LLB", data)
        png["PixelsPerUnit"] = [x, y, "metre" if unit == 1 else "unknown"]
    elif ctype == b"acTL":
        png["Animated"] = True
    elif ctype in (b"tEXt", b"zTXt", b"iTXt"):
        key_b, _, rest = data.partition(b"\x00")
        key = key_b.decode("latin-1")
        try:
            if ctype == b"tEXt":
                value = rest.decode("latin-1")
            elif ctype == b"zTXt":
                value = _inflate(rest[1:]).decode("latin-1")
            else:
                comp_flag = rest[0] if rest else 0
                parts = rest[2:].split(b"\x00", 2)
                body = parts[2] if len(parts) == 3 else b""
                value = (_inflate(body) if comp_flag else body).decode("utf-8", "replace")
        except (zlib.error, IndexError) as exc:
            ctx.problems.append(f"PNG: text chunk {key!r} cannot be read ({exc})")
            return
        if key == "XML:com.adobe.xmp":
            ctx.add_xmp(value.encode("utf-8"))
        elif key.startswith("Raw profile type") and key.endswith(("exif", "APP1")):
            raw = _imagemagick_raw_profile(value)
            if raw is not None:
                ctx.add_exif(raw)
        elif key == "Raw profile type iptc":
            raw = _imagemagick_raw_profile(value)
            if raw is not None:
                ctx.add_iptc(parse_app13(raw) if raw.startswith(b"8BIM") else parse_iim(raw))
        else:
            texts[key] = value if len(value) <= 2000 else f"<{len(value)} characters>"
            if key.lower() in ("software", "creation time", "author", "description", "comment"):
                ctx.has_other_metadata = True


def _inflate(data: bytes) -> bytes:
    d = zlib.decompressobj()
    out = d.decompress(data, _MAX_CHUNK_READ)
    if d.unconsumed_tail:
        raise zlib.error("decompressed size over the limit")
    return out


def _imagemagick_raw_profile(text: str) -> bytes | None:
    """ImageMagick "Raw profile type exif": "\\nexif\\n   <length>\\n<hex lines>"."""
    parts = text.strip().split(None, 2)
    if len(parts) < 3:
        return None
    try:
        raw = bytes.fromhex("".join(parts[2].split()))
    except ValueError:
        return None
    return raw[6:] if raw.startswith(b"Exif\x00\x00") else raw


def _read_webp(ctx: _Ctx, fp: BinaryIO) -> None:
    fp.seek(4)
    (riff_size,) = struct.unpack("<L", fp.read(4))
    end = min(ctx.size, riff_size + 8)
    if riff_size + 8 > ctx.size:
        ctx.truncated = f"RIFF size {riff_size + 8} but the file has {ctx.size} bytes"
    pos = 12
    w = ctx.group("WebP")
    while pos + 8 <= end:
        fp.seek(pos)
        ctype, length = struct.unpack("<4sL", fp.read(8))
        if pos + 8 + length > end:
            ctx.problems.append(f"WebP: chunk {ctype!r} runs past the end")
            if ctx.truncated is None:
                ctx.truncated = f"WebP chunk {ctype.decode('latin-1', 'replace')!r} runs past the end"
            break
        if ctype in (b"VP8X", b"VP8 ", b"VP8L", b"EXIF", b"XMP ", b"ICCP") and length <= _MAX_CHUNK_READ:
            data = fp.read(length if ctype in (b"EXIF", b"XMP ", b"ICCP") else min(length, 30))
            if ctype == b"VP8X" and len(data) >= 10:
                w["Flags"] = data[0]
                ctx.width = 1 + int.from_bytes(data[4:7], "little")
                ctx.height = 1 + int.from_bytes(data[7:10], "little")
                w["Animated"] = bool(data[0] & 2)
            elif ctype == b"VP8 " and len(data) >= 10 and ctx.width is None:
                if data[3:6] == b"\x9d\x01\x2a":
                    ww, hh = struct.unpack("<HH", data[6:10])
                    ctx.width, ctx.height = ww & 0x3FFF, hh & 0x3FFF
                w["Compression"] = "lossy"
            elif ctype == b"VP8L" and len(data) >= 5 and ctx.width is None:
                bits = int.from_bytes(data[1:5], "little")
                ctx.width, ctx.height = (bits & 0x3FFF) + 1, ((bits >> 14) & 0x3FFF) + 1
                w["Compression"] = "lossless"
            elif ctype == b"EXIF":
                ctx.add_exif(data)
            elif ctype == b"XMP ":
                ctx.add_xmp(data)
            elif ctype == b"ICCP":
                ctx.add_icc(data)
        pos += 8 + length + (length & 1)


def _read_tiff(ctx: _Ctx, fp: BinaryIO) -> None:
    with mmap.mmap(fp.fileno(), 0, access=mmap.ACCESS_READ) as mm:
        ctx.add_exif(mm)
    exif = ctx.exif
    if exif is None:
        return
    ctx.width = _as_int(exif.get(GROUP_IFD0, 0x0100))
    ctx.height = _as_int(exif.get(GROUP_IFD0, 0x0101))
    xmp = exif.get(GROUP_IFD0, 0x02BC)
    if isinstance(xmp, bytes):
        ctx.add_xmp(xmp)
    iptc = exif.get(GROUP_IFD0, 0x83BB)
    if isinstance(iptc, bytes):
        ctx.add_iptc(parse_iim(iptc))
    icc = exif.get(GROUP_IFD0, 0x8773)
    if isinstance(icc, bytes):
        ctx.add_icc(icc)


def _read_heif(ctx: _Ctx, fp: BinaryIO) -> None:
    ispe = _heif_ispe(fp, ctx.size)
    if ispe:
        ctx.width, ctx.height = ispe
    try:
        import pillow_heif

        heif = pillow_heif.open_heif(str(ctx.path), convert_hdr_to_8bit=False)
    except Exception as exc:  # libheif reports many error types
        ctx.problems.append(f"HEIF: pillow-heif could not read the header: {type(exc).__name__}: {exc}")
        return
    info = heif.info
    if ctx.width is None:
        ctx.width, ctx.height = heif.size
    h = ctx.group("HEIF")
    h["BitDepth"] = info.get("bit_depth")
    h["Thumbnails"] = len(info.get("thumbnails") or [])
    h["DepthImages"] = len(info.get("depth_images") or [])
    if info.get("original_orientation"):
        ctx.orientation_override = int(info["original_orientation"])
    exif = info.get("exif")
    if isinstance(exif, bytes) and exif:
        ctx.add_exif(exif)
    xmp = info.get("xmp")
    if isinstance(xmp, bytes) and xmp:
        ctx.add_xmp(xmp)
    icc = info.get("icc_profile")
    if isinstance(icc, bytes) and icc:
        ctx.add_icc(icc)


def _heif_ispe(fp: BinaryIO, size: int) -> tuple[int, int] | None:
    """The largest `ispe` (image spatial extent: stored pixels, before `irot`) in meta/iprp/ipco."""
    pos = 0
    while pos + 8 <= size:
        fp.seek(pos)
        box_size, typ = struct.unpack(">L4s", fp.read(8))
        if box_size == 1:
            (box_size,) = struct.unpack(">Q", fp.read(8))
        if box_size < 8:
            return None
        if typ == b"meta":
            if box_size > _MAX_CHUNK_READ:
                return None
            fp.seek(pos)
            body = fp.read(box_size)
            best: tuple[int, int] | None = None
            i = body.find(b"ispe")
            while i >= 4:
                if i + 16 <= len(body):
                    w, h = struct.unpack_from(">LL", body, i + 8)
                    if best is None or w * h > best[0] * best[1]:
                        best = (w, h)
                i = body.find(b"ispe", i + 4)
            return best
        pos += box_size
    return None


def _read_bmff_video(ctx: _Ctx, fp: BinaryIO) -> None:
    meta = read_bmff(fp, ctx.size)
    ctx.video = meta
    ctx.truncated = meta.truncated
    if meta.width is None or meta.codec is None or meta.frame_rate is None:
        pyav_streams(ctx.path, meta)
    ctx.merge_tags(meta.tags)
    ctx.problems.extend(meta.problems)
    ctx.width, ctx.height = meta.width, meta.height


# ---------------------------------------------------------------------------------------------------------------
# Summary and flags

_EXIF_DT = re.compile(r"^(\d{4}):(\d{2}):(\d{2})[ T](\d{2}):(\d{2}):(\d{2})")
_XMP_DT = re.compile(r"^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?)?\s*(Z|[+-]\d{2}:?\d{2})?$")
_OFFSET = re.compile(r"^([+-])(\d{2}):?(\d{2})$")


def _norm_offset(text: Any) -> str | None:
    if not isinstance(text, str):
        return None
    m = _OFFSET.match(text.strip())
    if not m or int(m.group(2)) > 14 or int(m.group(3)) >= 60:
        return None
    return f"{m.group(1)}{m.group(2)}:{m.group(3)}"


def exif_datetime(text: Any, offset: Any = None) -> tuple[str, ZoneKind] | None:
    """EXIF "YYYY:MM:DD HH:MM:SS" (+ optional OffsetTime) → ISO 8601 and its zone kind; None if invalid."""
    if not isinstance(text, str):
        return None
    m = _EXIF_DT.match(text.strip())
    if not m:
        return None
    try:
        y, mo, d, hh, mi, ss = (int(g) for g in m.groups())
        when = datetime(y, mo, d, hh, mi, ss)
    except ValueError:
        return None
    iso = when.isoformat()
    off = _norm_offset(offset)
    return (iso + off, "offset") if off else (iso, "local-unknown-zone")


def xmp_datetime(text: Any) -> tuple[str, ZoneKind] | None:
    """XMP date ("2010-04-13T09:37:22+02:00", "...Z", date only) → ISO 8601 and its zone kind."""
    if not isinstance(text, str):
        return None
    m = _XMP_DT.match(text.strip())
    if not m:
        return exif_datetime(text)
    y, mo, d, hh, mi, ss, zone = m.groups()
    if hh is None:
        return None  # a date alone is not a capture time
    try:
        when = datetime(int(y), int(mo), int(d), int(hh), int(mi), int(ss or 0))
    except ValueError:
        return None
    iso = when.isoformat()
    if zone == "Z":
        return iso + "+00:00", "offset"
    off = _norm_offset(zone)
    return (iso + off, "offset") if off else (iso, "local-unknown-zone")


def apple_datetime(text: str) -> tuple[str, ZoneKind] | None:
    """Apple creationdate "2019-07-24T11:25:40+0300" → ISO with offset."""
    return xmp_datetime(text)


def _as_int(v: Any) -> int | None:
    if isinstance(v, list):
        v = v[0] if v else None
    if isinstance(v, bool):
        return None
    if isinstance(v, int):
        return v
    if isinstance(v, float) and v.is_integer():
        return int(v)
    return None


def _as_float(v: Any) -> float | None:
    if isinstance(v, list):
        v = v[0] if v else None
    if isinstance(v, int | float) and not isinstance(v, bool) and v == v:
        return float(v)
    return None


def _str(v: Any) -> str | None:
    if isinstance(v, str) and v.strip():
        return v.strip()
    return None


def _capture_time(ctx: _Ctx) -> tuple[str, ZoneKind, str] | None:
    exif, xmp = ctx.exif, ctx.xmp
    if exif is not None:
        for tag, off_tag, label in ((0x9003, 0x9011, "DateTimeOriginal"), (0x9004, 0x9012, "DateTimeDigitized")):
            raw = exif.get(GROUP_EXIF, tag)
            if raw is None:
                continue
            got = exif_datetime(raw, exif.get(GROUP_EXIF, off_tag))
            if got:
                return got[0], got[1], f"EXIF {label}"
            if isinstance(raw, str) and raw.strip(" :0\x00"):
                ctx.problems.append(f"EXIF {label} {raw!r} is not a valid date and time")
    if xmp is not None:
        for key in ("exif:DateTimeOriginal", "photoshop:DateCreated", "xmp:CreateDate"):
            got = xmp_datetime(xmp.values.get(key))
            if got:
                return got[0], got[1], f"XMP {key}"
    if ctx.iptc is not None:
        text = iptc_datetime(ctx.iptc.values)
        got = exif_datetime(text[:19], text[19:] or None) if text else None
        if got:
            return got[0], got[1], "IPTC DateCreated"
    return None


def _exif_gps(ctx: _Ctx) -> GPS | None:
    exif = ctx.exif
    if exif is None:
        return None
    vals = exif.values.get(GROUP_GPS, {})
    if 2 not in vals or 4 not in vals:
        return None
    lat = gps_degrees(vals[2], vals.get(1))
    lon = gps_degrees(vals[4], vals.get(3))
    if lat is None or lon is None:
        ctx.problems.append("EXIF: GPS coordinates present but unreadable")
        return None
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        ctx.problems.append(f"EXIF: GPS coordinates out of range ({lat}, {lon})")
        return None
    alt = _as_float(vals.get(6))
    if alt is not None and _as_int(vals.get(5)) == 1:
        alt = -alt
    direction = _as_float(vals.get(17))
    ref = _str(vals.get(16))
    return GPS(lat=lat, lon=lon, alt=alt, direction=direction, direction_ref=ref, source="exif")


def _finish(ctx: _Ctx, now: datetime) -> MediaProbe:
    flags: list[Flag] = []
    exif, xmp = ctx.exif, ctx.xmp
    xv = xmp.values if xmp else {}
    file_group = ctx.group("File")
    video = ctx.video

    capture = _capture_time(ctx)
    capture_time, zone, source = capture if capture else (None, None, None)

    def exif0(tag: int) -> Any:
        return exif.get(GROUP_IFD0, tag) if exif else None

    make = _str(exif0(0x010F)) or _str(xv.get("tiff:Make"))
    model = _str(exif0(0x0110)) or _str(xv.get("tiff:Model"))
    png_text = ctx.tags.get("PNG", {}).get("Text", {})
    software = _str(exif0(0x0131)) or _str(xv.get("xmp:CreatorTool")) or _str(png_text.get("Software"))
    lens = (_str(exif.get(GROUP_EXIF, 0xA434)) if exif else None) or _str(
        xv.get("aux:Lens") or xv.get("exifEX:LensModel")
    )

    # Orientation: EXIF, else XMP (noted), HEIF's original value first when pillow-heif reports one.
    orientation: int | None = None
    exif_orient = _as_int(exif0(0x0112))
    xmp_orient = _as_int(_int_text(xv.get("tiff:Orientation")))
    if ctx.orientation_override is not None:
        orientation, file_group["OrientationSource"] = ctx.orientation_override, "HEIF original_orientation"
    elif exif_orient is not None:
        orientation, file_group["OrientationSource"] = exif_orient, "EXIF IFD0"
    elif xmp_orient is not None:
        orientation, file_group["OrientationSource"] = xmp_orient, "XMP tiff:Orientation"
        flags.append(F.make("orientation_xmp_only", value=xmp_orient))
    if orientation is not None and not 1 <= orientation <= 8:
        ctx.problems.append(f"orientation value {orientation} is not 1-8")
        orientation = None

    gps = _exif_gps(ctx)
    if gps is None and xv.get("exif:GPSLatitude") and xv.get("exif:GPSLongitude"):
        lat, lon = xmp_gps_degrees(xv.get("exif:GPSLatitude")), xmp_gps_degrees(xv.get("exif:GPSLongitude"))
        if lat is not None and lon is not None:
            gps = GPS(lat=lat, lon=lon, source="xmp")
    duration = frame_rate = None
    codec = None
    if video is not None:
        make = make or video.make
        model = model or video.model
        software = software or video.software
        duration, frame_rate, codec = video.duration, video.frame_rate, video.codec
        if gps is None and video.location is not None:
            lat, lon, alt, src = video.location
            gps = GPS(lat=lat, lon=lon, alt=alt, source=src)
        if capture_time is None and video.apple_creationdate:
            got = apple_datetime(video.apple_creationdate)
            if got:
                capture_time, zone, source = got[0], got[1], "QuickTime mdta creationdate"
                if got[1] == "offset" and video.create_time_utc is not None:
                    apple_utc = datetime.fromisoformat(got[0]).astimezone(UTC)
                    gap = (video.create_time_utc - apple_utc).total_seconds()
                    if abs(gap) > 15 * 60:
                        flags.append(
                            F.make(
                                "container_times_disagree",
                                create=video.create_time_utc.strftime("%Y-%m-%d %H:%M:%S UTC"),
                                apple=video.apple_creationdate,
                                hours=gap / 3600,
                            )
                        )
        if capture_time is None and video.create_time_utc is not None:
            capture_time = video.create_time_utc.astimezone(UTC).isoformat()
            zone, source = "utc", "QuickTime CreateDate (UTC by spec; some cameras write local time)"
            flags.append(F.make("quicktime_time_zone"))

    if gps is not None and abs(gps.lat) < 1e-9 and abs(gps.lon) < 1e-9:
        flags.append(F.make("gps_null_island"))
        gps = None
    elif gps is None and exif is not None and exif.gps_ifd_present:
        gvals = exif.values.get(GROUP_GPS, {})
        if not gvals:
            detail = "empty GPS IFD"
        elif set(gvals) <= {0}:
            detail = f"GPSVersionID {gvals.get(0)} only"
        else:
            detail = "GPS tags " + ", ".join(sorted(ctx.tags.get(GROUP_GPS, {}))) + " without a position"
        flags.append(F.make("gps_empty", detail=detail))

    # Editing software / history.
    editors = [s for s in (_str(exif0(0x0131)), _str(xv.get("xmp:CreatorTool"))) if s and F.is_editing_software(s)]
    history = edit_history(xv)
    if history:
        ctx.group("XMP").setdefault("EditHistory", history)
        flags.append(F.make("edit_history", count=len(history), detail="; ".join(history[:3])[:200]))
        editors += [h for h in history if F.is_editing_software(h)][:1]
    if editors:
        flags.append(F.make("editing_software", detail=", ".join(dict.fromkeys(editors))[:200]))

    if exif is not None:
        modified = exif.get(GROUP_IFD0, 0x0132)
        original = exif.get(GROUP_EXIF, 0x9003)
        m_dt, o_dt = exif_datetime(modified), exif_datetime(original)
        if m_dt and o_dt and m_dt[0] != o_dt[0]:
            flags.append(F.make("datetime_modified", modified=modified, original=original))

    thumb_flag = F.thumbnail_check(ctx.thumb_size, (ctx.width, ctx.height) if ctx.width and ctx.height else None)
    if thumb_flag:
        flags.append(thumb_flag)

    flags.extend(F.capture_time_checks(capture_time, zone, model, now))
    if ctx.ijg_quality is not None and make == "Apple" and (model or "").startswith("iPhone"):
        flags.append(F.make("jpeg_tables_resaved", quality=ctx.ijg_quality, camera=model))

    ext = ctx.path.suffix.lower().lstrip(".")
    if ext in _EXTENSIONS and ctx.ftype.family not in _EXTENSIONS[ext]:
        flags.append(F.make("extension_mismatch", actual=ctx.ftype.format or "not a known format", ext=ext))

    if ctx.width and ctx.height and ctx.width * ctx.height > BOMB_PIXELS and ctx.ftype.kind == "image":
        mp = ctx.width * ctx.height / 1e6
        flags.append(F.make("absurd_dimensions", width=ctx.width, height=ctx.height, mp=mp))
    if ctx.truncated:
        flags.append(F.make("truncated", detail=ctx.truncated))
    if ctx.trailing > 0:
        flags.append(F.make("trailing_data", count=ctx.trailing))
        file_group["TrailingBytes"] = ctx.trailing

    has_meta = bool(
        (exif and any(exif.values.values()))
        or (xmp and xmp.values)
        or (ctx.iptc and ctx.iptc.values)
        or ctx.has_other_metadata
        or (video and (video.location or video.apple_creationdate or video.make))
    )
    if ctx.ftype.kind in ("image", "video") and not has_meta and ctx.size > 0:
        flags.insert(0, F.make("no_metadata"))
    if ctx.problems:
        flags.append(F.make("metadata_problems", count=len(ctx.problems)))

    summary = Summary(
        capture_time=capture_time,
        capture_time_zone=zone,
        capture_time_source=source,
        make=make,
        model=model,
        lens=lens,
        software=software,
        gps=gps,
        orientation=orientation,
        width=ctx.width,
        height=ctx.height,
        duration=round(duration, 3) if duration is not None else None,
        frame_rate=frame_rate,
        codec=codec,
    )
    return MediaProbe(
        kind=ctx.ftype.kind,
        mime=ctx.ftype.mime,
        format=ctx.ftype.format,
        summary=summary,
        flags=tuple(flags),
        tags={k: _finite(v) for k, v in ctx.tags.items() if v},
        problems=tuple(dict.fromkeys(ctx.problems)),
        reader=reader_name(),
    )


def _finite(value: Any) -> Any:
    """Tags as strict JSON: NaN and infinities (possible in FLOAT/DOUBLE and data atoms) become None."""
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {k: _finite(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_finite(v) for v in value]
    return value


def _int_text(v: Any) -> Any:
    if isinstance(v, str) and v.strip().isdigit():
        return int(v.strip())
    return v
