"""Builders for tricky media files, written byte by byte where the libraries would "fix" the trap.

- `build_tiff` writes an EXIF/TIFF block from explicit entries (strings with or without NUL, empty GPS IFD,
  offsets pointing nowhere), so the reader's handling of real-world damage is tested without the corpus.
- `jpeg_with_exif`, `png_with_exif_after_idat`, `webp_with_exif`, `png_bomb`, `mp4_with_udta` wrap them.
"""

from __future__ import annotations

import io
import struct
import zlib
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PIL import Image

ASCII, SHORT, LONG, RATIONAL, UNDEFINED, BYTE = 2, 3, 4, 5, 7, 1
_SIZES = {1: 1, 2: 1, 3: 2, 4: 4, 5: 8, 7: 1}


@dataclass(frozen=True)
class Entry:
    tag: int
    type: int
    count: int
    data: bytes  # already in the block's byte order
    offset_override: int | None = None  # write this offset instead of the real one (corrupt files)


def ascii_entry(tag: int, text: bytes, *, nul: bool = True) -> Entry:
    data = text + (b"\x00" if nul else b"")
    return Entry(tag, ASCII, len(data), data)


def short_entry(tag: int, *values: int, bo: str = "<") -> Entry:
    return Entry(tag, SHORT, len(values), struct.pack(f"{bo}{len(values)}H", *values))


def long_entry(tag: int, *values: int, bo: str = "<") -> Entry:
    return Entry(tag, LONG, len(values), struct.pack(f"{bo}{len(values)}L", *values))


def rational_entry(tag: int, *pairs: tuple[int, int], bo: str = "<") -> Entry:
    flat = [v for p in pairs for v in p]
    return Entry(tag, RATIONAL, len(pairs), struct.pack(f"{bo}{len(flat)}L", *flat))


def byte_entry(tag: int, *values: int) -> Entry:
    return Entry(tag, BYTE, len(values), bytes(values))


def undefined_entry(tag: int, data: bytes) -> Entry:
    return Entry(tag, UNDEFINED, len(data), data)


def gps_entries(lat: float, lon: float, bo: str = "<") -> list[Entry]:
    def dms(v: float) -> tuple[tuple[int, int], tuple[int, int], tuple[int, int]]:
        v = abs(v)
        d = int(v)
        m = int((v - d) * 60)
        s = round(((v - d) * 60 - m) * 60 * 10000)
        return (d, 1), (m, 1), (s, 10000)

    return [
        byte_entry(0, 2, 3, 0, 0),
        ascii_entry(1, b"N" if lat >= 0 else b"S"),
        rational_entry(2, *dms(lat), bo=bo),
        ascii_entry(3, b"E" if lon >= 0 else b"W"),
        rational_entry(4, *dms(lon), bo=bo),
    ]


def _ifd_size(entries: list[Entry]) -> int:
    data = sum((len(e.data) + 1) & ~1 for e in entries if len(e.data) > 4)
    return 2 + 12 * len(entries) + 4 + data


def _write_ifd(entries: list[Entry], offset: int, next_ifd: int, bo: str) -> bytes:
    entries = sorted(entries, key=lambda e: e.tag)
    head = struct.pack(f"{bo}H", len(entries))
    data_at = offset + 2 + 12 * len(entries) + 4
    body = b""
    for e in entries:
        if len(e.data) <= 4:
            value = e.data.ljust(4, b"\x00")
        else:
            where = e.offset_override if e.offset_override is not None else data_at + len(body)
            value = struct.pack(f"{bo}L", where)
            body += e.data + (b"\x00" if len(e.data) % 2 else b"")
        head += struct.pack(f"{bo}HHL", e.tag, e.type, e.count) + value
    return head + struct.pack(f"{bo}L", next_ifd) + body


def build_tiff(
    ifd0: list[Entry],
    exif: list[Entry] | None = None,
    gps: list[Entry] | None = None,
    ifd1: list[Entry] | None = None,
    *,
    thumbnail: bytes | None = None,
    bo: str = "<",
    exif_pointer: int | None = None,
    gps_pointer_count_zero: bool = False,
) -> bytes:
    """A TIFF-structured EXIF block: IFD0, then ExifIFD, GPS IFD, IFD1 (+ thumbnail) in that order."""
    ifd0 = list(ifd0)
    if exif is not None or exif_pointer is not None:
        ifd0.append(long_entry(0x8769, 0, bo=bo))
    if gps_pointer_count_zero:
        ifd0.append(Entry(0x8825, LONG, 0, b""))
    elif gps is not None:
        ifd0.append(long_entry(0x8825, 0, bo=bo))
    ifd1 = list(ifd1 or [])
    if thumbnail is not None:
        ifd1 += [long_entry(0x0201, 0, bo=bo), long_entry(0x0202, len(thumbnail), bo=bo)]
    off0 = 8
    off_exif = off0 + _ifd_size(ifd0)
    off_gps = off_exif + (_ifd_size(exif) if exif is not None else 0)
    off_1 = off_gps + (_ifd_size(gps) if gps is not None else 0)
    off_thumb = off_1 + (_ifd_size(ifd1) if ifd1 else 0)

    def patch(entries: list[Entry], tag: int, value: int) -> list[Entry]:
        return [long_entry(tag, value, bo=bo) if e.tag == tag and e.count == 1 else e for e in entries]

    ifd0 = patch(ifd0, 0x8769, exif_pointer if exif_pointer is not None else off_exif)
    ifd0 = patch(ifd0, 0x8825, off_gps)
    if thumbnail is not None:
        ifd1 = patch(ifd1, 0x0201, off_thumb)
    out = (b"II*\x00" if bo == "<" else b"MM\x00*") + struct.pack(f"{bo}L", off0)
    out += _write_ifd(ifd0, off0, off_1 if ifd1 else 0, bo)
    if exif is not None:
        out += _write_ifd(exif, off_exif, 0, bo)
    if gps is not None:
        out += _write_ifd(gps, off_gps, 0, bo)
    if ifd1:
        out += _write_ifd(ifd1, off_1, 0, bo)
    if thumbnail is not None:
        out += thumbnail
    return out


def noisy_image(width: int = 64, height: int = 48, seed: int = 0) -> Image.Image:
    rng = np.random.default_rng(seed)
    small = rng.integers(0, 255, (max(2, height // 8), max(2, width // 8), 3), dtype=np.uint8)
    return Image.fromarray(small).resize((width, height), Image.Resampling.BILINEAR)


def jpeg_bytes(image: Image.Image, *, exif: bytes | None = None, xmp: bytes | None = None, quality: int = 90) -> bytes:
    buf = io.BytesIO()
    kwargs: dict[str, object] = {"quality": quality}
    if exif is not None:
        kwargs["exif"] = exif if exif.startswith(b"Exif\x00\x00") else b"Exif\x00\x00" + exif
    if xmp is not None:
        kwargs["xmp"] = xmp
    image.save(buf, "JPEG", **kwargs)
    return buf.getvalue()


def jpeg_with_exif(tiff: bytes, size: tuple[int, int] = (64, 48), seed: int = 0) -> bytes:
    return jpeg_bytes(noisy_image(*size, seed=seed), exif=tiff)


def png_chunk(ctype: bytes, data: bytes) -> bytes:
    return struct.pack(">L", len(data)) + ctype + data + struct.pack(">L", zlib.crc32(ctype + data) & 0xFFFFFFFF)


def png_with_exif_after_idat(tiff: bytes, size: tuple[int, int] = (32, 24)) -> bytes:
    buf = io.BytesIO()
    noisy_image(*size).save(buf, "PNG")
    data = buf.getvalue()
    iend = data.rindex(b"IEND") - 4
    return data[:iend] + png_chunk(b"eXIf", tiff) + data[iend:]


def png_bomb(width: int = 50_000, height: int = 50_000) -> bytes:
    """A PNG header claiming width x height greyscale pixels with a tiny IDAT: never allocates the image."""
    ihdr = struct.pack(">LLBBBBB", width, height, 8, 0, 0, 0, 0)
    idat = zlib.compress(b"\x00" * 64)
    return b"\x89PNG\r\n\x1a\n" + png_chunk(b"IHDR", ihdr) + png_chunk(b"IDAT", idat) + png_chunk(b"IEND", b"")


def webp_with_exif(tiff: bytes, size: tuple[int, int] = (40, 30)) -> bytes:
    buf = io.BytesIO()
    noisy_image(*size).save(buf, "WEBP", exif=b"Exif\x00\x00" + tiff, quality=80)
    return buf.getvalue()


def xmp_packet(props: str) -> bytes:
    return (
        '<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>'
        '<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
        '<rdf:Description rdf:about="" xmlns:tiff="http://ns.adobe.com/tiff/1.0/" '
        'xmlns:xmp="http://ns.adobe.com/xap/1.0/" xmlns:xmpMM="http://ns.adobe.com/xap/1.0/mm/" '
        'xmlns:stEvt="http://ns.adobe.com/xap/1.0/sType/ResourceEvent#" '
        'xmlns:photoshop="http://ns.adobe.com/photoshop/1.0/" xmlns:exif="http://ns.adobe.com/exif/1.0/"'
        f"{props}</rdf:Description></rdf:RDF></x:xmpmeta>"
        '<?xpacket end="w"?>'
    ).encode()


# ----------------------------------------------------------------------------------------------------------------
# MP4


def box(typ: bytes, payload: bytes) -> bytes:
    return struct.pack(">L", 8 + len(payload)) + typ + payload


def write_mp4(path: Path, *, frames: int = 6, size: tuple[int, int] = (64, 48), fps: int = 12) -> None:
    """A tiny MPEG-4 Part 2 video written by PyAV (moov at the end of the file, after mdat)."""
    import av

    with av.open(str(path), mode="w", format="mp4") as out:
        stream = out.add_stream("mpeg4", rate=fps)
        stream.width, stream.height = size
        stream.pix_fmt = "yuv420p"
        for i in range(frames):
            img = noisy_image(*size, seed=i)
            frame = av.VideoFrame.from_image(img)
            for packet in stream.encode(frame):
                out.mux(packet)
        for packet in stream.encode(None):
            out.mux(packet)


def add_to_moov(path: Path, extra: bytes) -> None:
    """Append boxes inside moov. moov must be the last top-level box (PyAV/ffmpeg default), so no offset moves."""
    data = bytearray(path.read_bytes())
    p = 0
    while p + 8 <= len(data):
        size, typ = struct.unpack_from(">L4s", data, p)
        if typ == b"moov":
            assert p + size == len(data), "moov is not the last box"
            struct.pack_into(">L", data, p, size + len(extra))
            data += extra
            path.write_bytes(bytes(data))
            return
        p += size
    raise AssertionError("no moov box")


def udta_xyz(iso6709: str) -> bytes:
    text = iso6709.encode()
    return box(b"udta", box(b"\xa9xyz", struct.pack(">HH", len(text), 0x15C7) + text))


def udta_loci(lat: float, lon: float, alt: float, name: str = "Place") -> bytes:
    payload = b"\x00\x00\x00\x00" + b"\x15\xc7" + name.encode() + b"\x00" + b"\x00"
    payload += struct.pack(">lll", round(lon * 65536), round(lat * 65536), round(alt * 65536))
    payload += b"Earth\x00" + b"\x00"
    return box(b"udta", box(b"loci", payload))


def apple_meta(items: dict[str, str]) -> bytes:
    """moov/meta in QuickTime style: hdlr mdta, keys, ilst with UTF-8 data atoms."""
    hdlr = box(b"hdlr", b"\x00" * 8 + b"mdta" + b"\x00" * 12 + b"\x00")
    keys_payload = b"\x00\x00\x00\x00" + struct.pack(">L", len(items))
    ilst_payload = b""
    for i, (key, value) in enumerate(items.items(), start=1):
        k = key.encode()
        keys_payload += struct.pack(">L", 8 + len(k)) + b"mdta" + k
        data = box(b"data", struct.pack(">LL", 1, 0) + value.encode())
        ilst_payload += box(struct.pack(">L", i), data)
    return box(b"meta", hdlr + box(b"keys", keys_payload) + box(b"ilst", ilst_payload))
