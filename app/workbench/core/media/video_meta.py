"""Video container metadata: an ISO-BMFF / QuickTime box walker (pure Python, bounded) plus PyAV for streams.

The box walker reads moov/mvhd (creation time, duration), trak (dimensions, codec, frame rate), moov/udta
(`©xyz` ISO 6709 location, `©mak`/`©mod`/`©swr`/`©day`, 3GPP `loci`) and moov/meta keys+ilst (Apple `mdta`
keys such as `com.apple.quicktime.location.ISO6709` and `com.apple.quicktime.creationdate`). Box sizes are checked
against their parent, so garbage sizes end the walk with a problem instead of a crash or a huge read.
PyAV (imported lazily: it takes ~0.1 s) fills stream facts for every container it can open (WebM/MKV/AVI too).
"""

from __future__ import annotations

import math
import re
import struct
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, BinaryIO

_EPOCH_1904 = datetime(1904, 1, 1, tzinfo=UTC)
_MAX_MOOV = 64 * 1024 * 1024
_CODECS = {
    "avc1": "h264",
    "avc3": "h264",
    "hvc1": "hevc",
    "hev1": "hevc",
    "mp4v": "mpeg4",
    "av01": "av1",
    "vp09": "vp9",
    "apcn": "prores",
    "apch": "prores",
    "apcs": "prores",
    "apco": "prores",
    "ap4h": "prores",
    "jpeg": "mjpeg",
    "mjpa": "mjpeg",
    "s263": "h263",
}
_CONTAINERS = {b"moov", b"trak", b"mdia", b"minf", b"stbl", b"udta", b"edts", b"dinf"}


@dataclass
class VideoMeta:
    """What a video container states. `tags` is JSON-able, grouped ("QuickTime", "Keys", "UserData", "Track1")."""

    tags: dict[str, dict[str, Any]] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)
    create_time_utc: datetime | None = None  # mvhd creation time (UTC by spec; some cameras write local time)
    duration: float | None = None
    width: int | None = None
    height: int | None = None
    codec: str | None = None
    frame_rate: float | None = None
    location: tuple[float, float, float | None, str] | None = None  # lat, lon, alt, source
    apple_creationdate: str | None = None
    make: str | None = None
    model: str | None = None
    software: str | None = None
    truncated: str | None = None  # why the container looks cut short, if it does

    def group(self, name: str) -> dict[str, Any]:
        return self.tags.setdefault(name, {})


_ISO6709 = re.compile(r"^([+-]\d+(?:\.\d*)?)([+-]\d+(?:\.\d*)?)([+-]\d+(?:\.\d*)?)?(?:CRS[^/]*)?/?\s*$")


def _iso_part(text: str, deg_digits: int) -> float:
    sign = -1.0 if text[0] == "-" else 1.0
    body = text[1:]
    int_part, _, frac = body.partition(".")
    frac_v = float("0." + frac) if frac else 0.0
    n = len(int_part)
    if n <= deg_digits:
        return sign * (int(int_part) + frac_v)
    if n == deg_digits + 2:  # DDMM.mm
        return sign * (int(int_part[:deg_digits]) + (int(int_part[deg_digits:]) + frac_v) / 60)
    if n == deg_digits + 4:  # DDMMSS.ss
        d, m, s = int(int_part[:deg_digits]), int(int_part[deg_digits : deg_digits + 2]), int(int_part[-2:])
        return sign * (d + m / 60 + (s + frac_v) / 3600)
    raise ValueError(f"unexpected ISO 6709 component {text!r}")


def parse_iso6709(text: str) -> tuple[float, float, float | None] | None:
    """ISO 6709 point ("+51.4169-000.0806/", "+32.0929+034.8620+028.516/", "+5124.99-00004.83/") → lat, lon, alt."""
    m = _ISO6709.match(text.strip())
    if not m:
        return None
    try:
        lat = _iso_part(m.group(1), 2)
        lon = _iso_part(m.group(2), 3)
    except ValueError:
        return None
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        return None
    alt = float(m.group(3)) if m.group(3) else None
    return lat, lon, alt


def _fixed(v: int) -> float:
    return v / 65536.0


class _Walker:
    def __init__(self, meta: VideoMeta) -> None:
        self.meta = meta
        self.track = 0
        self.keys: list[str] = []
        self.track_info: dict[str, Any] = {}

    def problem(self, text: str) -> None:
        if len(self.meta.problems) < 30:
            self.meta.problems.append(f"QuickTime: {text}")

    def boxes(self, data: bytes, start: int, end: int, where: str) -> list[tuple[bytes, int, int]]:
        """Children of data[start:end] as (type, payload start, payload end); stops on a bad size."""
        out: list[tuple[bytes, int, int]] = []
        p = start
        while p + 8 <= end:
            size, typ = struct.unpack_from(">L4s", data, p)
            hdr = 8
            if size == 1:
                if p + 16 > end:
                    self.problem(f"truncated large box in {where}")
                    break
                (size,) = struct.unpack_from(">Q", data, p + 8)
                hdr = 16
            elif size == 0:
                size = end - p
            if size < hdr or p + size > end:
                self.problem(f"box {typ!r} in {where} has a bad size ({size})")
                break
            out.append((typ, p + hdr, p + size))
            p += size
        return out

    def walk(self, data: bytes, start: int, end: int, where: str) -> None:
        for typ, s, e in self.boxes(data, start, end, where):
            try:
                self.box(data, typ, s, e, where)
            except (struct.error, IndexError, ValueError) as exc:
                self.problem(f"cannot read {typ!r} in {where} ({exc})")

    def box(self, data: bytes, typ: bytes, s: int, e: int, where: str) -> None:
        meta = self.meta
        if typ == b"trak":
            self.track += 1
            self.track_info = {}
            self.walk(data, s, e, "trak")
            info = self.track_info
            if info.get("handler") != "vide":
                info.pop("frame_rate", None)
                info.pop("width", None)
                info.pop("height", None)
            elif meta.width is None:
                meta.width, meta.height = info.get("width"), info.get("height")
                fourcc = info.get("codec")
                meta.codec = _CODECS.get(fourcc, fourcc) if isinstance(fourcc, str) else None
                meta.frame_rate = info.get("frame_rate")
            if info:
                meta.tags[f"Track{self.track}"] = dict(info)
            return
        if typ in _CONTAINERS:
            self.walk(data, s, e, typ.decode("latin-1"))
            return
        if typ == b"mvhd":
            self.mvhd(data, s)
        elif typ == b"tkhd":
            version = data[s]
            off = s + (88 if version == 1 else 76)
            a, b = struct.unpack_from(">ll", data, off - 36)
            if a or b:
                self.track_info["Rotation"] = round(math.degrees(math.atan2(b, a))) % 360
            w, h = struct.unpack_from(">LL", data, off)
            self.track_info.setdefault("width", round(_fixed(w)))
            self.track_info.setdefault("height", round(_fixed(h)))
        elif typ == b"mdhd":
            version = data[s]
            if version == 1:
                ts, dur = struct.unpack_from(">LQ", data, s + 20)
            else:
                ts, dur = struct.unpack_from(">LL", data, s + 12)
            self.track_info["timescale"] = ts
            self.track_info["duration_units"] = dur
        elif typ == b"hdlr" and where == "mdia":
            self.track_info["handler"] = data[s + 8 : s + 12].decode("latin-1")
        elif typ == b"stsd":
            (count,) = struct.unpack_from(">L", data, s + 4)
            if count and s + 16 <= e:
                fmt = data[s + 12 : s + 16].decode("latin-1")
                self.track_info["codec"] = fmt
                if self.track_info.get("handler") == "vide" and s + 8 + 36 <= e:
                    w, h = struct.unpack_from(">HH", data, s + 8 + 32)
                    self.track_info["width"], self.track_info["height"] = w, h
        elif typ == b"stts":
            (count,) = struct.unpack_from(">L", data, s + 4)
            count = min(count, (e - s - 8) // 8)
            samples = 0
            units = 0
            for i in range(count):
                c, d = struct.unpack_from(">LL", data, s + 8 + 8 * i)
                samples += c
                units += c * d
            ts = self.track_info.get("timescale")
            if samples and units and ts:
                self.track_info["frame_rate"] = round(samples * ts / units, 3)
        elif typ == b"meta":
            self.meta_box(data, s, e, where)
        elif where == "udta":
            self.udta_child(data, typ, s, e)

    def mvhd(self, data: bytes, s: int) -> None:
        version = data[s]
        if version == 1:
            created, _modified, ts, dur = struct.unpack_from(">QQLQ", data, s + 4)
        else:
            created, _modified, ts, dur = struct.unpack_from(">LLLL", data, s + 4)
        q = self.meta.group("QuickTime")
        if created:
            when = _EPOCH_1904 + timedelta(seconds=created)
            self.meta.create_time_utc = when
            q["CreateDate"] = when.strftime("%Y:%m:%d %H:%M:%S")
        else:
            q["CreateDate"] = None
        if ts:
            self.meta.duration = dur / ts
            q["Duration"] = round(dur / ts, 3)
            q["TimeScale"] = ts

    def meta_box(self, data: bytes, s: int, e: int, where: str) -> None:
        # ISO 'meta' is a full box (4 bytes version/flags); QuickTime's moov/meta is not. Tell by the next box.
        if s + 8 <= e and data[s + 4 : s + 8] not in (b"hdlr", b"keys", b"ilst"):
            s += 4
        children = self.boxes(data, s, e, "meta")
        for typ, cs, ce in children:
            if typ == b"keys":
                (count,) = struct.unpack_from(">L", data, cs + 4)
                p = cs + 8
                for _ in range(min(count, 10000)):
                    if p + 8 > ce:
                        break
                    (ksize,) = struct.unpack_from(">L", data, p)
                    if ksize < 8 or p + ksize > ce:
                        self.problem("bad key size in meta/keys")
                        break
                    self.keys.append(data[p + 8 : p + ksize].decode("utf-8", "replace"))
                    p += ksize
        for typ, cs, ce in children:
            if typ == b"ilst":
                self.ilst(data, cs, ce)

    def ilst(self, data: bytes, s: int, e: int) -> None:
        for typ, cs, ce in self.boxes(data, s, e, "ilst"):
            index = struct.unpack(">L", typ)[0]
            if self.keys and 1 <= index <= len(self.keys):
                name = self.keys[index - 1]
                group = "Keys"
            else:
                name = typ.decode("latin-1")
                group = "ItemList"
            for dtyp, ds, de in self.boxes(data, cs, ce, "ilst item"):
                if dtyp != b"data" or ds + 8 > de:
                    continue
                (kind,) = struct.unpack_from(">L", data, ds)
                value = _data_value(kind & 0xFFFFFF, data[ds + 8 : de])
                self.meta.group(group)[name] = value
                self.apply_key(name, value)
                break

    def apply_key(self, name: str, value: Any) -> None:
        meta = self.meta
        short = name.removeprefix("com.apple.quicktime.")
        if not isinstance(value, str):
            return
        if short == "location.ISO6709" and meta.location is None:
            loc = parse_iso6709(value)
            if loc:
                meta.location = (*loc, "quicktime mdta")
        elif short == "creationdate":
            meta.apple_creationdate = value
        elif short in ("make", "model", "software"):  # Apple keys win over udta/iTunes-style items
            setattr(meta, short, value)
        elif short == "©mak":
            meta.make = meta.make or value
        elif short == "©mod":
            meta.model = meta.model or value
        elif short in ("©swr", "©too"):
            meta.software = meta.software or value

    def udta_child(self, data: bytes, typ: bytes, s: int, e: int) -> None:
        u = self.meta.group("UserData")
        name = typ.decode("latin-1")
        if typ == b"loci":
            self.loci(data, s, e)
            return
        if typ[:1] == b"\xa9" and s + 4 <= e:
            (length, _lang) = struct.unpack_from(">HH", data, s)
            if s + 4 + length <= e and length < 0x10000:
                text = data[s + 4 : s + 4 + length].decode("utf-8", "replace").split("\x00", 1)[0]
            else:
                text = data[s:e].decode("latin-1", "replace")
            u[name] = text
            if typ == b"\xa9xyz":
                loc = parse_iso6709(text)
                if loc is None:
                    self.problem(f"©xyz location {text!r} is not ISO 6709")
                elif self.meta.location is None or self.meta.location[3] != "quicktime mdta":
                    self.meta.location = (*loc, "quicktime ©xyz")
            self.apply_key(name, text)
        else:
            u[name] = f"<{e - s} bytes>"

    def loci(self, data: bytes, s: int, e: int) -> None:
        """3GPP TS 26.244 location: full box, language, name (NUL-terminated), role, lon, lat, alt (16.16)."""
        p = s + 4 + 2
        if data[p : p + 2] in (b"\xfe\xff", b"\xff\xfe"):
            end = data.find(b"\x00\x00", p)
            name = data[p:end].decode("utf-16", "replace") if end > 0 else ""
            p = end + 2 if end > 0 else e
        else:
            end = data.find(b"\x00", p, e)
            name = data[p:end].decode("utf-8", "replace") if end >= 0 else ""
            p = end + 1 if end >= 0 else e
        if p + 13 > e:
            self.problem("3GPP loci box truncated")
            return
        role = data[p]
        lon_raw, lat_raw, alt_raw = struct.unpack_from(">lll", data, p + 1)
        lat, lon, alt = _fixed(lat_raw), _fixed(lon_raw), _fixed(alt_raw)
        self.meta.group("UserData")["loci"] = {"name": name, "role": role, "lat": lat, "lon": lon, "alt": alt}
        if self.meta.location is None:
            self.meta.location = (lat, lon, alt, "3gpp loci")


def _data_value(kind: int, raw: bytes) -> Any:
    if kind in (1, 4):  # UTF-8, UTF-8 sort
        return raw.decode("utf-8", "replace")
    if kind in (2, 5):
        return raw.decode("utf-16-be", "replace")
    if kind == 23 and len(raw) == 4:
        return struct.unpack(">f", raw)[0]
    if kind == 24 and len(raw) == 8:
        return struct.unpack(">d", raw)[0]
    if kind in (21, 22, 65, 66, 67, 74, 75, 76, 77, 78) and 1 <= len(raw) <= 8:
        return int.from_bytes(raw, "big", signed=kind in (21, 65, 66, 67, 74))
    if len(raw) <= 16:
        return "0x" + raw.hex()
    return f"<{len(raw)} bytes>"


def read_bmff(fp: BinaryIO, size: int) -> VideoMeta:
    """Walk the top-level boxes of an MP4/MOV/3GP file and read moov. Never raises on bad data."""
    meta = VideoMeta()
    walker = _Walker(meta)
    p = 0
    found_moov = False
    brands: dict[str, Any] = {}
    while p + 8 <= size:
        fp.seek(p)
        head = fp.read(16)
        if len(head) < 8:
            break
        box_size, typ = struct.unpack_from(">L4s", head)
        hdr = 8
        if box_size == 1 and len(head) >= 16:
            (box_size,) = struct.unpack_from(">Q", head, 8)
            hdr = 16
        elif box_size == 0:
            box_size = size - p
        if box_size < hdr or p + box_size > size:
            if typ == b"mdat" or p + hdr <= size:
                walker.problem(f"top-level box {typ!r} at {p} claims {box_size} bytes (file has {size})")
                meta.truncated = f"box {typ.decode('latin-1', 'replace')!r} ends past the end of the file"
            if typ != b"moov":
                break
            box_size = size - p
        if typ == b"ftyp":
            fp.seek(p + hdr)
            body = fp.read(min(box_size - hdr, 256))
            brands["MajorBrand"] = body[:4].decode("latin-1")
            brands["CompatibleBrands"] = [body[i : i + 4].decode("latin-1") for i in range(8, len(body) - 3, 4)]
        elif typ == b"moov":
            found_moov = True
            if box_size > _MAX_MOOV:
                walker.problem(f"moov of {box_size} bytes is larger than the {_MAX_MOOV}-byte limit: not read")
            else:
                fp.seek(p + hdr)
                body = fp.read(box_size - hdr)
                if len(body) < box_size - hdr:
                    walker.problem("moov box is truncated")
                    meta.truncated = "the movie header (moov) is cut short"
                walker.walk(body, 0, len(body), "moov")
        p += box_size
    if brands:
        meta.group("QuickTime").update(brands)
    if not found_moov:
        walker.problem("no moov box (movie header) found: the file may be truncated or fragmented")
        meta.truncated = meta.truncated or "no movie header (moov)"
    return meta


def pyav_streams(path: Path, meta: VideoMeta) -> str:
    """Fill stream facts with PyAV where the box walker left gaps; returns the PyAV format name or ""."""
    try:
        import av
    except ImportError:  # pragma: no cover - av is a dependency
        meta.problems.append("PyAV is not installed: stream details not read")
        return ""
    try:
        with av.open(str(path), metadata_errors="replace") as container:
            fmt = str(container.format.name)
            md = {str(k): str(v) for k, v in container.metadata.items()}
            if md:
                meta.tags["Container"] = md
            if meta.duration is None and container.duration:
                meta.duration = container.duration / 1_000_000
            for stream in container.streams.video[:1]:
                ctx = stream.codec_context
                meta.width = meta.width or int(ctx.width or 0) or None
                meta.height = meta.height or int(ctx.height or 0) or None
                meta.codec = str(ctx.name) if ctx.name else meta.codec
                rate = stream.average_rate or stream.guessed_rate
                if rate and meta.frame_rate is None:
                    meta.frame_rate = round(float(rate), 3)
            if meta.create_time_utc is None and "creation_time" in md:
                try:
                    when = datetime.fromisoformat(md["creation_time"].replace("Z", "+00:00"))
                    meta.create_time_utc = when if when.tzinfo else when.replace(tzinfo=UTC)
                except ValueError:
                    pass
            for key in ("location", "com.apple.quicktime.location.ISO6709"):
                if meta.location is None and key in md:
                    loc = parse_iso6709(md[key])
                    if loc:
                        meta.location = (*loc, "quicktime ©xyz" if key == "location" else "quicktime mdta")
            if meta.apple_creationdate is None and "com.apple.quicktime.creationdate" in md:
                meta.apple_creationdate = md["com.apple.quicktime.creationdate"]
            return fmt
    except Exception as exc:  # PyAV raises many error types on broken containers
        meta.problems.append(f"PyAV could not open the container: {type(exc).__name__}: {exc}")
        return ""


def av_version() -> str | None:
    try:
        from importlib.metadata import version

        return version("av")
    except Exception:
        return None
