"""JPEG structure without decoding pixels: marker segments, quantisation tables and a quality estimate.

`quantization_tables(img)` and `estimate_quality(tables)` are used by the forensic view; `parse_jpeg(data)` is
the probe's fast path (APP segments, frame header, end-of-image marker) and never raises on bad data.

Quality: the IJG (libjpeg) encoder scales the example tables of ITU-T T.81 Annex K (K.1 luminance, K.2
chrominance) by `scale = 5000 / q` for q < 50, else `200 - 2q`, then `(base * scale + 50) // 100` clamped to
1..255. A file whose tables are exactly such a scaling was written by an IJG-style encoder at that quality;
other tables (many cameras, Photoshop, phones) only have a "nearest IJG quality", an approximation.
"""

from __future__ import annotations

import io
import struct
from dataclasses import dataclass, field
from typing import Any, BinaryIO

# Annex K tables in natural (row-major) order.
STANDARD_LUMINANCE: tuple[int, ...] = (
    16, 11, 10, 16, 24, 40, 51, 61,
    12, 12, 14, 19, 26, 58, 60, 55,
    14, 13, 16, 24, 40, 57, 69, 56,
    14, 17, 22, 29, 51, 87, 80, 62,
    18, 22, 37, 56, 68, 109, 103, 77,
    24, 35, 55, 64, 81, 104, 113, 92,
    49, 64, 78, 87, 103, 121, 120, 101,
    72, 92, 95, 98, 112, 100, 103, 99,
)  # fmt: skip
STANDARD_CHROMINANCE: tuple[int, ...] = (
    17, 18, 24, 47, 99, 99, 99, 99,
    18, 21, 26, 66, 99, 99, 99, 99,
    24, 26, 56, 99, 99, 99, 99, 99,
    47, 66, 99, 99, 99, 99, 99, 99,
    99, 99, 99, 99, 99, 99, 99, 99,
    99, 99, 99, 99, 99, 99, 99, 99,
    99, 99, 99, 99, 99, 99, 99, 99,
    99, 99, 99, 99, 99, 99, 99, 99,
)  # fmt: skip

# zigzag position k -> natural index
ZIGZAG: tuple[int, ...] = (
    0, 1, 8, 16, 9, 2, 3, 10, 17, 24, 32, 25, 18, 11, 4, 5,
    12, 19, 26, 33, 40, 48, 41, 34, 27, 20, 13, 6, 7, 14, 21, 28,
    35, 42, 49, 56, 57, 50, 43, 36, 29, 22, 15, 23, 30, 37, 44, 51,
    58, 59, 52, 45, 38, 31, 39, 46, 53, 60, 61, 54, 47, 55, 62, 63,
)  # fmt: skip


@dataclass(frozen=True)
class QualityEstimate:
    """IJG-equivalent quality of a JPEG's quantisation tables.

    `quality` is 1..100 or None (no tables); `method` is "ijg-exact" (tables are exactly the scaled Annex K
    tables), "ijg-nearest" (closest IJG quality to custom tables: an approximation) or "none";
    `standard_tables` tells whether the tables are exactly IJG-scaled ones; `note` is one line for people,
    including a re-compression hint where the tables allow one.
    """

    quality: int | None
    method: str
    standard_tables: bool
    note: str


def ijg_table(base: tuple[int, ...] | list[int], quality: int) -> list[int]:
    """The IJG encoder's table for `quality` (1..100) scaled from `base` (force_baseline: values 1..255)."""
    q = min(100, max(1, quality))
    scale = 5000 // q if q < 50 else 200 - 2 * q
    return [min(255, max(1, (b * scale + 50) // 100)) for b in base]


_IJG_CACHE: dict[int, tuple[list[int], list[int]]] = {}


def _ijg_pair(q: int) -> tuple[list[int], list[int]]:
    pair = _IJG_CACHE.get(q)
    if pair is None:
        pair = (ijg_table(STANDARD_LUMINANCE, q), ijg_table(STANDARD_CHROMINANCE, q))
        _IJG_CACHE[q] = pair
    return pair


def quantization_tables(img: Any) -> dict[int, list[int]]:
    """The quantisation tables of an open Pillow JPEG image: {table id: 64 values, natural row-major order}.

    Returns {} for an image that is not a JPEG (or has no tables). Pillow stores them in natural order.
    """
    tables = getattr(img, "quantization", None)
    if not isinstance(tables, dict):
        return {}
    out: dict[int, list[int]] = {}
    for key, values in tables.items():
        vals = [int(v) for v in values]
        if len(vals) == 64:
            out[int(key)] = vals
    return out


def estimate_quality(tables: dict[int, list[int]]) -> QualityEstimate:
    """Estimate the IJG quality the tables correspond to (table 0 luminance, table 1 chrominance)."""
    if not tables:
        return QualityEstimate(None, "none", False, "no quantisation tables")
    ids = sorted(tables)
    lum = tables.get(0, tables[ids[0]])
    chrom = tables.get(1) if len(ids) > 1 else None
    if len(lum) != 64 or (chrom is not None and len(chrom) != 64):
        return QualityEstimate(None, "none", False, "malformed quantisation tables")

    for q in range(1, 101):
        std_l, std_c = _ijg_pair(q)
        if lum == std_l and (chrom is None or chrom == std_c):
            note = (
                f"tables are exactly the IJG/libjpeg tables at quality {q}, as written by libjpeg-based "
                "software (editors, apps, platform re-encoding) and some cameras; if the camera named in the "
                "metadata writes its own tables, this hints at a re-save"
            )
            return QualityEstimate(q, "ijg-exact", True, note)

    # Nearest quality by mean relative error (custom tables: camera firmware, Photoshop, phones).
    best_q = 50
    best_err = float("inf")
    for q in range(1, 101):
        std_l, std_c = _ijg_pair(q)
        err = sum(abs(a - b) / b for a, b in zip(lum, std_l, strict=True))
        n = 64
        if chrom is not None:
            err += sum(abs(a - b) / b for a, b in zip(chrom, std_c, strict=True))
            n += 64
        err /= n
        if err < best_err:
            best_err, best_q = err, q
    q_lum = next((q for q in range(1, 101) if _ijg_pair(q)[0] == lum), None)
    q_chr = next((q for q in range(1, 101) if chrom is not None and _ijg_pair(q)[1] == chrom), None)
    if q_lum is not None and q_chr is not None:
        note = (
            f"luminance and chrominance tables are IJG tables of different qualities ({q_lum}/{q_chr}): "
            "an encoder set per channel (some apps and libraries do this)"
        )
        return QualityEstimate(q_lum, "ijg-nearest", True, note)
    if best_err < 0.02:
        note = f"tables are within 2% of the IJG tables at quality {best_q} (a variant of the IJG scaling)"
    else:
        note = (
            f"custom (non-IJG) tables, nearest IJG quality {best_q} (mean deviation {best_err:.0%}): typical "
            "of camera firmware or some editors; the quality figure is an approximation"
        )
    if all(v == 1 for v in lum):
        note = "all-ones luminance table (quality 100): the encoder kept as much as it could"
    return QualityEstimate(best_q, "ijg-nearest", False, note)


# ------------------------------------------------------------------------------------------------------------
# Marker segment parser (the probe's fast path)

_SOF_NAMES = {
    0xC0: "baseline",
    0xC1: "extended sequential",
    0xC2: "progressive",
    0xC3: "lossless",
    0xC5: "differential sequential",
    0xC6: "differential progressive",
    0xC7: "differential lossless",
    0xC9: "extended sequential (arithmetic)",
    0xCA: "progressive (arithmetic)",
    0xCB: "lossless (arithmetic)",
    0xCD: "differential sequential (arithmetic)",
    0xCE: "differential progressive (arithmetic)",
    0xCF: "differential lossless (arithmetic)",
}


@dataclass
class JpegInfo:
    """What the marker segments before the first scan say, plus whether the file ends with EOI."""

    width: int | None = None
    height: int | None = None
    precision: int | None = None
    process: str | None = None  # "baseline", "progressive", ...
    components: list[tuple[int, int, int, int]] = field(default_factory=list)  # (id, h, v, table)
    exif: bytes | None = None  # TIFF bytes (after "Exif\0\0")
    xmp: bytes | None = None
    xmp_extended: list[bytes] = field(default_factory=list)
    iptc_app13: bytes | None = None  # Photoshop IRB (after "Photoshop 3.0\0")
    icc: bytes | None = None
    jfif: tuple[int, int] | None = None  # version
    adobe: bool = False
    comments: list[str] = field(default_factory=list)
    quantization: dict[int, list[int]] = field(default_factory=dict)
    mpf: bool = False
    has_eoi: bool = False
    trailer_bytes: int = 0
    problems: list[str] = field(default_factory=list)

    @property
    def subsampling(self) -> str | None:
        """Chroma subsampling as J:a:b ("4:2:0", "4:2:2", "4:4:4"); None for one component or odd layouts."""
        if len(self.components) != 3:
            return None
        (_, h0, v0, _), (_, h1, v1, _), (_, h2, v2, _) = self.components
        if (h1, v1) != (h2, v2) or h1 == 0 or v1 == 0:
            return None
        ratio = (h0 // h1, v0 // v1)
        return {(1, 1): "4:4:4", (2, 1): "4:2:2", (2, 2): "4:2:0", (4, 1): "4:1:1", (1, 2): "4:4:0"}.get(
            ratio, f"{h0}x{v0},{h1}x{v1},{h2}x{v2}"
        )


def _find_eoi(tail: bytes) -> tuple[bool, int]:
    """(EOI found in `tail`, bytes after it). Padding (0x00/0xFF) after EOI counts as trailer bytes."""
    stripped = tail.rstrip(b"\x00\xff")
    if stripped.endswith(b"\xff\xd9"):
        return True, len(tail) - len(stripped)
    idx = tail.rfind(b"\xff\xd9")
    if idx >= 0:
        return True, len(tail) - idx - 2
    return False, 0


_KEEP = frozenset({0xDB, 0xE0, 0xE1, 0xE2, 0xED, 0xEE, 0xFE, *_SOF_NAMES})


def parse_jpeg(source: bytes | BinaryIO) -> JpegInfo:
    """Parse the marker segments of a JPEG up to its first scan, then check the end for EOI.

    Only the segments it uses are read (others are skipped with a seek), so the cost does not depend on the
    image size. Never raises on bad data: problems are listed in `JpegInfo.problems`.
    """
    fp: BinaryIO = io.BytesIO(source) if isinstance(source, bytes | bytearray) else source
    start = fp.tell()
    fp.seek(0, io.SEEK_END)
    size = fp.seek(0, io.SEEK_END) - start
    fp.seek(start)
    info = JpegInfo()
    head = fp.read(2)
    if head != b"\xff\xd8":
        info.problems.append("JPEG: no start-of-image marker")
        return info
    pos = 2
    sos_end: int | None = None
    icc_chunks: dict[int, bytes] = {}
    while pos < size:
        b = fp.read(1)
        if not b:
            break
        pos += 1
        if b != b"\xff":
            # Some writers leave garbage between segments: resynchronise on the next 0xFF (bounded).
            skipped = 1
            while skipped < 65536:
                b = fp.read(1)
                if not b or b == b"\xff":
                    break
                skipped += 1
            pos += skipped
            info.problems.append(f"JPEG: {skipped} stray bytes before offset {pos}")
            if b != b"\xff":
                break
        while b == b"\xff":
            b = fp.read(1)
            pos += 1
        if not b:
            break
        marker = b[0]
        if marker == 0xD9:
            info.has_eoi = True
            break
        if marker == 0x01 or 0xD0 <= marker <= 0xD7 or marker == 0xD8:
            continue
        lb = fp.read(2)
        if len(lb) < 2:
            info.problems.append("JPEG: truncated in the segment headers")
            break
        (length,) = struct.unpack(">H", lb)
        pos += 2
        if length < 2:
            info.problems.append(f"JPEG: bad segment length {length} for marker 0x{marker:02X}")
            break
        if marker == 0xDA:
            sos_end = pos + length - 2
            break
        if marker not in _KEEP:
            pos = fp.seek(pos + length - 2 + start) - start
            continue
        payload = fp.read(length - 2)
        pos += len(payload)
        if len(payload) < length - 2:
            info.problems.append(f"JPEG: segment 0x{marker:02X} runs past the end of the file")
        _segment(marker, payload, info, icc_chunks)
    if icc_chunks:
        info.icc = b"".join(icc_chunks[k] for k in sorted(icc_chunks))
    if info.process is None:
        info.problems.append("JPEG: no frame header (dimensions unknown)")
    if sos_end is None:
        if not info.has_eoi:
            info.problems.append("JPEG: no image data (no start-of-scan marker)")
        return info
    if sos_end >= size:
        info.problems.append("JPEG: the file ends inside the first scan header")
        return info
    tail_start = max(sos_end, size - 65536)
    fp.seek(start + tail_start)
    found, after = _find_eoi(fp.read(size - tail_start))
    info.has_eoi = found
    info.trailer_bytes = after
    return info


def _segment(marker: int, payload: bytes, info: JpegInfo, icc_chunks: dict[int, bytes]) -> None:
    if marker in _SOF_NAMES:
        if info.process is None and len(payload) >= 6:
            info.precision = payload[0]
            info.height, info.width = struct.unpack_from(">HH", payload, 1)
            info.process = _SOF_NAMES[marker]
            for i in range(payload[5]):
                off = 6 + 3 * i
                if off + 3 > len(payload):
                    info.problems.append("JPEG: frame header truncated")
                    break
                cid, hv, tq = payload[off], payload[off + 1], payload[off + 2]
                info.components.append((cid, hv >> 4, hv & 15, tq))
    elif marker == 0xDB:
        _parse_dqt(payload, info)
    elif marker == 0xE1:
        if payload.startswith(b"Exif\x00") and info.exif is None:
            info.exif = payload[6:]
        elif payload.startswith(b"http://ns.adobe.com/xap/1.0/\x00") and info.xmp is None:
            info.xmp = payload[29:]
        elif payload.startswith(b"http://ns.adobe.com/xmp/extension/\x00"):
            info.xmp_extended.append(payload[35 + 32 + 8 :])
    elif marker == 0xE2:
        if payload.startswith(b"ICC_PROFILE\x00") and len(payload) >= 14:
            icc_chunks[payload[12]] = payload[14:]
        elif payload.startswith(b"MPF\x00"):
            info.mpf = True
    elif marker == 0xED:
        if payload.startswith(b"Photoshop 3.0\x00"):
            info.iptc_app13 = (info.iptc_app13 or b"") + payload[14:]
    elif marker == 0xE0:
        if payload.startswith(b"JFIF\x00") and len(payload) >= 7:
            info.jfif = (payload[5], payload[6])
    elif marker == 0xEE:
        if payload.startswith(b"Adobe"):
            info.adobe = True
    elif marker == 0xFE:
        info.comments.append(payload.split(b"\x00", 1)[0].decode("utf-8", "replace"))


def _parse_dqt(payload: bytes, info: JpegInfo) -> None:
    p = 0
    while p < len(payload):
        pq_tq = payload[p]
        precision = 2 if pq_tq >> 4 else 1
        size = 1 + 64 * precision
        if p + size > len(payload):
            info.problems.append("JPEG: truncated quantisation table")
            return
        zz = list(payload[p + 1 : p + 65]) if precision == 1 else list(struct.unpack_from(">64H", payload, p + 1))
        natural = [0] * 64
        for k, idx in enumerate(ZIGZAG):
            natural[idx] = zz[k]
        info.quantization[pq_tq & 15] = natural
        p += size
