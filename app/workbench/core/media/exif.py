"""EXIF (TIFF-structured) metadata: a bounded, pure-Python reader that never raises on bad data.

Why not piexif or Pillow's Exif as is: piexif cuts the last character of strings stored without a NUL (Kodak) and
crashes on some real files; Pillow keeps embedded NULs (`ION230\\0F`) and reports corrupt offsets only in its log.
Here strings are cut at the FIRST NUL, every out-of-range offset becomes a `problems` entry, loops are detected,
and reading goes on past what is broken. Tag names come from Pillow's tables (PIL.ExifTags).
"""

from __future__ import annotations

import math
import mmap
import struct
from dataclasses import dataclass, field
from typing import Any

from PIL.ExifTags import GPSTAGS, TAGS

BytesLike = bytes | bytearray | memoryview | mmap.mmap

GROUP_IFD0 = "EXIF:IFD0"
GROUP_EXIF = "EXIF:ExifIFD"
GROUP_GPS = "EXIF:GPS"
GROUP_INTEROP = "EXIF:Interop"
GROUP_IFD1 = "EXIF:IFD1"

_INTEROP_TAGS = {
    0x0001: "InteroperabilityIndex",
    0x0002: "InteroperabilityVersion",
    0x1000: "RelatedImageFileFormat",
    0x1001: "RelatedImageWidth",
    0x1002: "RelatedImageLength",
}
_NAME_FIXES = {  # Pillow names that read badly next to ExifTool's
    0x0201: "ThumbnailOffset",
    0x0202: "ThumbnailLength",
    0x8769: "ExifOffset",
    0x8825: "GPSInfo",
    0xA005: "InteropOffset",
}
_TYPE_SIZES = {1: 1, 2: 1, 3: 2, 4: 4, 5: 8, 6: 1, 7: 1, 8: 2, 9: 4, 10: 8, 11: 4, 12: 8, 13: 4, 16: 8, 17: 8, 18: 8}
_MAX_ENTRIES = 1000  # per IFD: more means garbage
_MAX_VALUE_BYTES = 16 * 1024 * 1024

TAG_EXIF_IFD = 0x8769
TAG_GPS_IFD = 0x8825
TAG_INTEROP_IFD = 0xA005
TAG_MAKERNOTE = 0x927C
TAG_USERCOMMENT = 0x9286
_VERSION_TAGS = {0x9000, 0xA000, 0x0002}  # ExifVersion, FlashpixVersion, InteropVersion (UNDEFINED "0230")
_XP_TAGS = {0x9C9B, 0x9C9C, 0x9C9D, 0x9C9E, 0x9C9F}  # Windows XPTitle.. UCS-2LE in BYTE


@dataclass
class ExifData:
    """Decoded EXIF: `groups` for people and JSON; `values` the same tags by numeric id for the summary."""

    groups: dict[str, dict[str, Any]] = field(default_factory=dict)
    values: dict[str, dict[int, Any]] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)
    byte_order: str | None = None
    thumbnail: bytes | None = None
    gps_ifd_present: bool = False
    ifd0_offset: int | None = None

    def get(self, group: str, tag: int) -> Any:
        return self.values.get(group, {}).get(tag)


def tag_name(group: str, tag: int) -> str:
    if group == GROUP_GPS:
        return GPSTAGS.get(tag, f"Tag0x{tag:04X}")
    if group == GROUP_INTEROP:
        return _INTEROP_TAGS.get(tag, f"Tag0x{tag:04X}")
    return _NAME_FIXES.get(tag) or TAGS.get(tag) or f"Tag0x{tag:04X}"


def decode_ascii(raw: bytes) -> str:
    """An EXIF ASCII value: cut at the first NUL (not NULs deleted), UTF-8 if valid else Latin-1, right-trimmed."""
    cut = raw.split(b"\x00", 1)[0]
    try:
        text = cut.decode("utf-8")
    except UnicodeDecodeError:
        text = cut.decode("latin-1")
    return text.rstrip()


def summarise_bytes(raw: bytes) -> str:
    """Bytes for people: hex when short, "<N bytes>" otherwise (never dumped raw)."""
    if len(raw) <= 16:
        return "0x" + raw.hex() if raw else "<0 bytes>"
    return f"<{len(raw)} bytes>"


def decode_user_comment(raw: bytes) -> str:
    """UserComment: 8-byte character code (ASCII, UNICODE, JIS, or undefined) then the text."""
    code, body = raw[:8], raw[8:]
    if code.startswith(b"UNICODE"):
        if body[:2] in (b"\xff\xfe", b"\xfe\xff"):
            text = body.decode("utf-16", "replace")
        else:
            # No BOM: EXIF says the byte order of the file; big-endian is the common case, guess by zeros.
            be = sum(1 for b in body[0::2] if b == 0) >= sum(1 for b in body[1::2] if b == 0)
            text = body.decode("utf-16-be" if be else "utf-16-le", "replace")
    elif code.startswith(b"JIS"):
        text = body.decode("shift_jis", "replace")
    elif code.startswith(b"ASCII") or code == b"\x00" * 8:
        text = body.decode("utf-8", "replace") if code.startswith(b"ASCII") else body.decode("latin-1")
    else:
        text = raw.decode("latin-1")
    return text.split("\x00", 1)[0].strip()


def _rational(num: int, den: int) -> float | None:
    if den == 0:
        return None
    return num / den


class _Reader:
    def __init__(self, data: BytesLike, out: ExifData) -> None:
        self.data = memoryview(data).cast("B")
        self.n = len(self.data)
        self.out = out
        self.bo = "<"
        self.visited: set[int] = set()

    def problem(self, text: str) -> None:
        if len(self.out.problems) < 50:
            self.out.problems.append(f"EXIF: {text}")

    def read_ifd(self, offset: int, group: str) -> tuple[dict[int, Any], int]:
        """Decode one IFD; returns ({tag: value}, next IFD offset or 0)."""
        values: dict[int, Any] = {}
        if offset in self.visited:
            self.problem(f"{group} offset {offset} loops back to an IFD already read")
            return values, 0
        self.visited.add(offset)
        if offset < 8 or offset + 2 > self.n:
            self.problem(f"{group} offset {offset} is outside the EXIF data ({self.n} bytes)")
            return values, 0
        (count,) = struct.unpack_from(self.bo + "H", self.data, offset)
        if count > _MAX_ENTRIES:
            self.problem(f"{group} claims {count} entries: not read")
            return values, 0
        end = offset + 2 + 12 * count
        if end > self.n:
            self.problem(f"{group} is truncated ({count} entries claimed)")
            count = max(0, (self.n - offset - 2) // 12)
            end = offset + 2 + 12 * count
        for i in range(count):
            entry = offset + 2 + 12 * i
            tag, typ, cnt = struct.unpack_from(self.bo + "HHL", self.data, entry)
            size = _TYPE_SIZES.get(typ)
            name = tag_name(group, tag)
            if size is None:
                self.problem(f"{group} {name}: unknown type {typ}")
                continue
            total = size * cnt
            if total > _MAX_VALUE_BYTES:
                self.problem(f"{group} {name}: absurd size ({cnt} values)")
                continue
            if total <= 4:
                start = entry + 8
            else:
                (start,) = struct.unpack_from(self.bo + "L", self.data, entry + 8)
                if start + total > self.n:
                    self.problem(f"{group} {name}: value at offset {start} is outside the EXIF data")
                    continue
            try:
                values[tag] = self.decode(group, tag, typ, cnt, bytes(self.data[start : start + total]))
            except (struct.error, ValueError, UnicodeDecodeError) as exc:
                self.problem(f"{group} {name}: cannot decode ({exc})")
        nxt = 0
        if end + 4 <= self.n:
            (nxt,) = struct.unpack_from(self.bo + "L", self.data, end)
        return values, nxt

    def decode(self, group: str, tag: int, typ: int, cnt: int, raw: bytes) -> Any:
        bo = self.bo
        if typ == 2:
            return ("ascii", raw)
        if typ in (1, 7, 6):
            return ("bytes", raw) if typ != 6 else ("ints", list(struct.unpack(f"{cnt}b", raw)))
        if typ in (3, 8):
            return ("ints", list(struct.unpack(f"{bo}{cnt}{'H' if typ == 3 else 'h'}", raw)))
        if typ in (4, 9, 13):
            return ("ints", list(struct.unpack(f"{bo}{cnt}{'l' if typ == 9 else 'L'}", raw)))
        if typ in (5, 10):
            nums = struct.unpack(f"{bo}{2 * cnt}{'l' if typ == 10 else 'L'}", raw)
            return ("rationals", [(nums[2 * i], nums[2 * i + 1]) for i in range(cnt)])
        if typ == 11:
            return ("floats", list(struct.unpack(f"{bo}{cnt}f", raw)))
        if typ == 12:
            return ("floats", list(struct.unpack(f"{bo}{cnt}d", raw)))
        if typ in (16, 17, 18):
            return ("ints", list(struct.unpack(f"{bo}{cnt}{'q' if typ == 17 else 'Q'}", raw)))
        return ("bytes", raw)


def _scalar(values: list[Any]) -> Any:
    return values[0] if len(values) == 1 else values


def plain_value(group: str, tag: int, typed: tuple[str, Any]) -> Any:
    """The value a summary computes with: str, int, float, list, or bytes for UNDEFINED data."""
    kind, v = typed
    if kind == "ascii":
        return decode_ascii(v)
    if kind == "rationals":
        return _scalar([_rational(a, b) for a, b in v])
    if kind == "bytes":
        if tag in _XP_TAGS and group == GROUP_IFD0:
            return bytes(v).decode("utf-16-le", "replace").split("\x00", 1)[0]
        if group == GROUP_GPS and tag == 0:  # GPSVersionID
            return ".".join(str(b) for b in v)
        if tag in _VERSION_TAGS and len(v) == 4 and all(48 <= b <= 57 for b in v):
            return bytes(v).decode("ascii")
        if tag == TAG_USERCOMMENT and group == GROUP_EXIF:
            return decode_user_comment(bytes(v))
        if len(v) == 1 and tag not in (TAG_MAKERNOTE,):
            return v[0]
        return bytes(v)
    return _scalar(v)


def readable(group: str, tag: int, typed: tuple[str, Any], plain: Any) -> Any:
    """The JSON-able value for people: bytes summarised, MakerNote as its size."""
    if tag == TAG_MAKERNOTE and group == GROUP_EXIF:
        return f"<{len(typed[1])} bytes>"
    if isinstance(plain, bytes):
        return summarise_bytes(plain)
    if isinstance(plain, float) and not math.isfinite(plain):  # NaN/inf are not JSON
        return None
    if isinstance(plain, list):
        if len(plain) > 64:  # strip offsets and the like: not for reading
            return f"<{len(plain)} values>"
        return [None if isinstance(v, float) and not math.isfinite(v) else v for v in plain]
    return plain


def gps_degrees(value: Any, ref: Any) -> float | None:
    """Signed decimal degrees from EXIF [deg, min, sec] (rationals already as numbers) and an N/S/E/W ref."""
    parts = value if isinstance(value, list) else [value]
    if not parts or any(p is None for p in parts):
        return None
    nums = [float(p) for p in parts[:3]] + [0.0] * (3 - min(3, len(parts)))
    deg = nums[0] + nums[1] / 60 + nums[2] / 3600
    if isinstance(ref, str) and ref[:1].upper() in ("S", "W"):
        deg = -deg
    return deg


def parse_exif(data: BytesLike) -> ExifData:
    """Decode a TIFF-structured EXIF block (what follows "Exif\\0\\0" in JPEG, or a PNG eXIf chunk)."""
    out = ExifData()
    mv = memoryview(data).cast("B")
    if len(mv) >= 6 and bytes(mv[:6]) == b"Exif\x00\x00":
        mv = mv[6:]
    r = _Reader(mv, out)
    head = bytes(mv[:4])
    if head[:2] == b"II":
        r.bo = "<"
    elif head[:2] == b"MM":
        r.bo = ">"
    else:
        r.problem("no TIFF header (byte order mark missing)")
        return out
    out.byte_order = "little-endian (II)" if r.bo == "<" else "big-endian (MM)"
    if len(mv) < 8:
        r.problem("EXIF block shorter than its header")
        return out
    (magic, ifd0) = struct.unpack_from(r.bo + "HL", mv, 2)
    if magic != 42:
        r.problem(f"TIFF magic number is {magic}, not 42")
    out.ifd0_offset = ifd0
    raw: dict[str, dict[int, Any]] = {}
    raw[GROUP_IFD0], ifd1 = r.read_ifd(ifd0, GROUP_IFD0)
    sub = _first_int(raw[GROUP_IFD0].get(TAG_EXIF_IFD))
    if sub is not None:
        raw[GROUP_EXIF], _ = r.read_ifd(sub, GROUP_EXIF)
        interop = _first_int(raw[GROUP_EXIF].get(TAG_INTEROP_IFD))
        if interop is not None:
            raw[GROUP_INTEROP], _ = r.read_ifd(interop, GROUP_INTEROP)
    if TAG_GPS_IFD in raw[GROUP_IFD0]:
        out.gps_ifd_present = True
        gps = _first_int(raw[GROUP_IFD0][TAG_GPS_IFD])
        if gps is None:
            raw[GROUP_GPS] = {}
        else:
            raw[GROUP_GPS], _ = r.read_ifd(gps, GROUP_GPS)
    if ifd1:
        raw[GROUP_IFD1], _ = r.read_ifd(ifd1, GROUP_IFD1)
        t_off = _first_int(raw[GROUP_IFD1].get(0x0201))
        t_len = _first_int(raw[GROUP_IFD1].get(0x0202))
        if t_off is not None and t_len:
            if t_off + t_len <= len(mv):
                out.thumbnail = bytes(mv[t_off : t_off + t_len])
            else:
                r.problem(f"thumbnail ({t_len} bytes at {t_off}) runs past the EXIF data")
    for group, tags in raw.items():
        plain: dict[int, Any] = {}
        shown: dict[str, Any] = {}
        for tag, typed in tags.items():
            p = plain_value(group, tag, typed)
            plain[tag] = p
            shown[tag_name(group, tag)] = readable(group, tag, typed, p)
        if group == GROUP_GPS:
            for tag, ref in ((2, 1), (4, 3)):
                if tag in plain:
                    deg = gps_degrees(plain[tag], plain.get(ref))
                    shown[tag_name(group, tag)] = deg
            if 7 in plain and isinstance(plain[7], list) and all(v is not None for v in plain[7]):
                h, m, s = [*plain[7], 0.0, 0.0, 0.0][:3]
                shown["GPSTimeStamp"] = f"{int(h):02d}:{int(m):02d}:{s:05.2f}".rstrip("0").rstrip(".")
        out.values[group] = plain
        out.groups[group] = shown
    return out


def _first_int(typed: Any) -> int | None:
    if not isinstance(typed, tuple):
        return None
    kind, v = typed
    if kind == "ints" and v:
        return int(v[0])
    return None


# ------------------------------------------------------------------------------------------------------------
# Labels for people (the JSON keeps the numbers, as `exiftool -n` does)

_LABELS: dict[str, dict[int, str]] = {
    "Orientation": {
        1: "normal",
        2: "mirrored horizontally",
        3: "rotated 180°",
        4: "mirrored vertically",
        5: "mirrored horizontally, rotated 270° clockwise",
        6: "rotated 90° clockwise",
        7: "mirrored horizontally, rotated 90° clockwise",
        8: "rotated 270° clockwise",
    },
    "ResolutionUnit": {1: "none", 2: "inches", 3: "centimetres"},
    "ExposureProgram": {
        0: "not defined",
        1: "manual",
        2: "program AE",
        3: "aperture priority",
        4: "shutter priority",
        5: "creative",
        6: "action",
        7: "portrait",
        8: "landscape",
    },
    "MeteringMode": {
        0: "unknown",
        1: "average",
        2: "centre-weighted",
        3: "spot",
        4: "multi-spot",
        5: "pattern",
        6: "partial",
        255: "other",
    },
    "ColorSpace": {1: "sRGB", 2: "Adobe RGB", 0xFFFF: "uncalibrated"},
    "WhiteBalance": {0: "auto", 1: "manual"},
    "ExposureMode": {0: "auto", 1: "manual", 2: "auto bracket"},
    "SceneCaptureType": {0: "standard", 1: "landscape", 2: "portrait", 3: "night"},
    "SensingMethod": {1: "not defined", 2: "one-chip colour area", 3: "two-chip colour area"},
    "GPSAltitudeRef": {0: "above sea level", 1: "below sea level"},
    "Compression": {1: "uncompressed", 6: "JPEG (old-style)", 7: "JPEG"},
    "YCbCrPositioning": {1: "centred", 2: "co-sited"},
}


def describe(name: str, value: Any) -> str | None:
    """A short label for an enumerated or timed value ("rotated 90° clockwise", "1/250 s"), or None."""
    if isinstance(value, bool):
        return None
    if name == "Flash" and isinstance(value, int):
        fired = "fired" if value & 1 else "did not fire"
        mode = {8: "on", 16: "off", 24: "auto"}.get(value & 0x18, "")
        return f"flash {fired}" + (f" ({mode})" if mode else "")
    if name == "ExposureTime" and isinstance(value, float) and 0 < value < 1:
        return f"1/{round(1 / value)} s"
    labels = _LABELS.get(name)
    if labels and isinstance(value, int):
        return labels.get(value)
    return None
