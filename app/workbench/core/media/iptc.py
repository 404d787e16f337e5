"""IPTC-IIM (inside Photoshop image resources, APP13) and ICC profile headers. Pure Python, never raises."""

from __future__ import annotations

import struct
from dataclasses import dataclass, field
from typing import Any

# Record 2 (application) datasets worth naming; others appear as "2:NNN".
_IIM_NAMES = {
    5: "ObjectName",
    15: "Category",
    20: "SupplementalCategories",
    25: "Keywords",
    40: "SpecialInstructions",
    55: "DateCreated",
    60: "TimeCreated",
    62: "DigitalCreationDate",
    63: "DigitalCreationTime",
    65: "OriginatingProgram",
    70: "ProgramVersion",
    80: "By-line",
    85: "By-lineTitle",
    90: "City",
    92: "Sub-location",
    95: "Province-State",
    100: "Country-PrimaryLocationCode",
    101: "Country-PrimaryLocationName",
    103: "OriginalTransmissionReference",
    105: "Headline",
    110: "Credit",
    115: "Source",
    116: "CopyrightNotice",
    118: "Contact",
    120: "Caption-Abstract",
    122: "Writer-Editor",
}
_REPEATABLE = {20, 25, 80, 85, 118, 122}


@dataclass
class IptcData:
    values: dict[str, Any] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)


def photoshop_resources(irb: bytes) -> tuple[dict[int, bytes], list[str]]:
    """Photoshop image resource blocks ("8BIM" id name size data) → {id: data}."""
    out: dict[int, bytes] = {}
    problems: list[str] = []
    p = 0
    n = len(irb)
    while p + 12 <= n:
        if irb[p : p + 4] not in (b"8BIM", b"PHUT", b"AgHg", b"DCSR"):
            problems.append(f"IPTC: unexpected bytes in Photoshop resources at {p}")
            break
        (rid,) = struct.unpack_from(">H", irb, p + 4)
        name_len = irb[p + 6]
        q = p + 7 + name_len
        if (name_len + 1) % 2:
            q += 1
        if q + 4 > n:
            problems.append("IPTC: truncated Photoshop resource")
            break
        (size,) = struct.unpack_from(">L", irb, q)
        q += 4
        if q + size > n:
            problems.append(f"IPTC: Photoshop resource 0x{rid:04X} runs past its segment")
            size = n - q
        out.setdefault(rid, irb[q : q + size])
        p = q + size + (size % 2)
    return out, problems


def parse_iim(data: bytes) -> IptcData:
    """IPTC-IIM datasets of record 2 (and the character set of record 1)."""
    out = IptcData()
    raw: list[tuple[int, int, bytes]] = []
    p = 0
    n = len(data)
    while p + 5 <= n:
        if data[p] != 0x1C:
            if any(data[p:]):
                out.problems.append(f"IPTC: unexpected byte 0x{data[p]:02X} at {p}")
            break
        rec, ds = data[p + 1], data[p + 2]
        (size,) = struct.unpack_from(">H", data, p + 3)
        p += 5
        if size & 0x8000:  # extended dataset: size in the next (size & 0x7FFF) bytes
            nbytes = size & 0x7FFF
            if nbytes > 4 or p + nbytes > n:
                out.problems.append("IPTC: bad extended dataset size")
                break
            size = int.from_bytes(data[p : p + nbytes], "big")
            p += nbytes
        if p + size > n:
            out.problems.append(f"IPTC: dataset {rec}:{ds} runs past the data")
            size = n - p
        raw.append((rec, ds, data[p : p + size]))
        p += size
    for rec, ds, val in raw:
        if rec != 2 or ds == 0:
            continue
        try:
            text = val.decode("utf-8")  # UTF-8 when declared (1:90 ESC % G) and often when not
        except UnicodeDecodeError:
            text = val.decode("latin-1")
        text = text.split("\x00", 1)[0].strip()
        key = _IIM_NAMES.get(ds, f"2:{ds:03d}")
        if ds in _REPEATABLE:
            existing = out.values.setdefault(key, [])
            if isinstance(existing, list):
                existing.append(text)
        else:
            out.values.setdefault(key, text)
    return out


def parse_app13(irb: bytes) -> IptcData:
    resources, problems = photoshop_resources(irb)
    iim = resources.get(0x0404)
    out = parse_iim(iim) if iim else IptcData()
    out.problems[:0] = problems
    return out


def iptc_datetime(values: dict[str, Any]) -> str | None:
    """IPTC DateCreated (CCYYMMDD) + TimeCreated (HHMMSS±HHMM) → "YYYY:MM:DD HH:MM:SS[±HH:MM]"."""
    d = values.get("DateCreated")
    if not isinstance(d, str) or len(d) != 8 or not d.isdigit():
        return None
    out = f"{d[:4]}:{d[4:6]}:{d[6:8]}"
    t = values.get("TimeCreated")
    if isinstance(t, str) and len(t) >= 6 and t[:6].isdigit():
        out += f" {t[:2]}:{t[2:4]}:{t[4:6]}"
        if len(t) == 11 and t[6] in "+-" and t[7:].isdigit():
            out += f"{t[6]}{t[7:9]}:{t[9:11]}"
    return out


# ------------------------------------------------------------------------------------------------------------
# ICC profiles


def parse_icc(profile: bytes) -> dict[str, Any]:
    """The header fields a verifier needs (description, creator, device class, colour space, date)."""
    out: dict[str, Any] = {"ProfileSize": len(profile)}
    if len(profile) < 132:
        out["Problem"] = "profile shorter than its header"
        return out
    cmm = profile[4:8].decode("latin-1").strip("\x00 ")
    major, minor = profile[8], profile[9] >> 4
    out["ProfileCMMType"] = cmm or None
    out["ProfileVersion"] = f"{major}.{minor}"
    out["ProfileClass"] = profile[12:16].decode("latin-1").strip()
    out["ColorSpaceData"] = profile[16:20].decode("latin-1").strip()
    y, mo, d, h, mi, s = struct.unpack_from(">6H", profile, 24)
    if y:
        out["ProfileDateTime"] = f"{y:04d}:{mo:02d}:{d:02d} {h:02d}:{mi:02d}:{s:02d}"
    out["ProfileCreator"] = profile[80:84].decode("latin-1").strip("\x00 ") or None
    (count,) = struct.unpack_from(">L", profile, 128)
    for i in range(min(count, 200)):
        off = 132 + 12 * i
        if off + 12 > len(profile):
            break
        sig, t_off, t_size = struct.unpack_from(">4sLL", profile, off)
        if sig in (b"desc", b"cprt") and t_off + t_size <= len(profile):
            text = _icc_text(profile[t_off : t_off + t_size])
            if text is not None:
                out["ProfileDescription" if sig == b"desc" else "ProfileCopyright"] = text
    return out


def _icc_text(tag: bytes) -> str | None:
    kind = tag[:4]
    if kind == b"desc" and len(tag) >= 12:
        (n,) = struct.unpack_from(">L", tag, 8)
        return tag[12 : 12 + n].split(b"\x00", 1)[0].decode("latin-1").strip()
    if kind == b"text":
        return tag[8:].split(b"\x00", 1)[0].decode("latin-1").strip()
    if kind == b"mluc" and len(tag) >= 16:
        (records, rec_size) = struct.unpack_from(">LL", tag, 8)
        if records and rec_size >= 12 and 16 + rec_size <= len(tag):
            length, offset = struct.unpack_from(">LL", tag, 16 + 4)
            return tag[offset : offset + length].decode("utf-16-be", "replace").split("\x00", 1)[0].strip()
    return None
