"""XMP packets: flattened to {"prefix:Name": value} with arrays as lists and structures as dicts.

Never raises: a packet that is not well-formed XML gives a problem and an empty result. The packet size is
bounded, and expat (>= 2.4) refuses entity-expansion bombs.
"""

from __future__ import annotations

import io
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from typing import Any

RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
_MAX_XMP = 4 * 1024 * 1024
_KNOWN_PREFIXES = {
    "http://ns.adobe.com/xap/1.0/": "xmp",
    "http://ns.adobe.com/xap/1.0/mm/": "xmpMM",
    "http://ns.adobe.com/xap/1.0/sType/ResourceEvent#": "stEvt",
    "http://ns.adobe.com/xap/1.0/sType/ResourceRef#": "stRef",
    "http://ns.adobe.com/tiff/1.0/": "tiff",
    "http://ns.adobe.com/exif/1.0/": "exif",
    "http://cipa.jp/exif/1.0/": "exifEX",
    "http://ns.adobe.com/photoshop/1.0/": "photoshop",
    "http://purl.org/dc/elements/1.1/": "dc",
    "http://ns.adobe.com/exif/1.0/aux/": "aux",
    "http://ns.adobe.com/camera-raw-settings/1.0/": "crs",
    "http://iptc.org/std/Iptc4xmpCore/1.0/xmlns/": "Iptc4xmpCore",
    "http://ns.adobe.com/xap/1.0/rights/": "xmpRights",
    "http://ns.adobe.com/lightroom/1.0/": "lr",
    "http://ns.google.com/photos/1.0/panorama/": "GPano",
    "http://ns.adobe.com/xmp/note/": "xmpNote",
    RDF: "rdf",
    "http://www.w3.org/XML/1998/namespace": "xml",
}
_NAME = re.compile(r"^\{(.*)\}(.*)$")


@dataclass
class XmpData:
    values: dict[str, Any] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)

    def first(self, *keys: str) -> Any:
        for key in keys:
            value = self.values.get(key)
            if value not in (None, "", []):
                return value
        return None


class _Namer:
    def __init__(self, prefixes: dict[str, str]) -> None:
        self.prefixes = {**prefixes, **_KNOWN_PREFIXES}

    def __call__(self, tag: str) -> str:
        m = _NAME.match(tag)
        if not m:
            return tag
        ns, local = m.groups()
        return f"{self.prefixes.get(ns, ns)}:{local}"


def _value(el: ET.Element, name: _Namer) -> Any:
    """The value of a property element: text, list (Seq/Bag/Alt), or dict (structure)."""
    children = list(el)
    res_type = el.get(f"{{{RDF}}}parseType")
    if not children:
        attrs = {name(k): v for k, v in el.attrib.items() if not k.startswith(f"{{{RDF}}}")}
        attrs = {k: v for k, v in attrs.items() if not k.startswith("xml:")}
        if attrs:  # structure written as attributes of the property
            return attrs
        return (el.text or "").strip()
    first = children[0]
    if first.tag in (f"{{{RDF}}}Seq", f"{{{RDF}}}Bag", f"{{{RDF}}}Alt"):
        return [_value(li, name) for li in first if li.tag == f"{{{RDF}}}li"]
    if first.tag == f"{{{RDF}}}Description" or res_type == "Resource":
        holder = first if first.tag == f"{{{RDF}}}Description" else el
        out: dict[str, Any] = {name(k): v for k, v in holder.attrib.items() if not k.startswith(f"{{{RDF}}}")}
        for child in holder:
            out[name(child.tag)] = _value(child, name)
        return out
    return {name(child.tag): _value(child, name) for child in children}


def parse_xmp(packet: bytes) -> XmpData:
    """Flatten an XMP packet (bytes of the <x:xmpmeta> or <rdf:RDF> document)."""
    out = XmpData()
    if len(packet) > _MAX_XMP:
        out.problems.append(f"XMP: packet of {len(packet)} bytes not read (limit {_MAX_XMP})")
        return out
    packet = packet.strip(b"\x00 \r\n\t")
    prefixes: dict[str, str] = {}
    root: ET.Element | None = None
    try:
        for event, item in ET.iterparse(io.BytesIO(packet), events=("start-ns", "end")):
            if event == "start-ns":
                prefix, uri = item
                prefixes.setdefault(uri, prefix)
            else:
                root = item
    except ET.ParseError as exc:
        out.problems.append(f"XMP: not well-formed XML ({exc})")
        if root is None:
            return out
    if root is None:
        return out
    name = _Namer(prefixes)
    for desc in root.iter(f"{{{RDF}}}Description"):
        for key, val in desc.attrib.items():
            if key.startswith(f"{{{RDF}}}"):
                continue
            out.values.setdefault(name(key), val)
        for child in desc:
            try:
                out.values.setdefault(name(child.tag), _value(child, name))
            except RecursionError:
                out.problems.append(f"XMP: {name(child.tag)} is nested too deeply to read")
    return out


_XMP_GPS = re.compile(r"^\s*(\d+(?:\.\d+)?),(\d+(?:\.\d+)?)(?:,(\d+(?:\.\d+)?))?\s*([NSEW])\s*$", re.I)


def xmp_gps_degrees(text: Any) -> float | None:
    """XMP GPS coordinate "DDD,MM.mmmk" or "DDD,MM,SSk" (k = N/S/E/W) to signed decimal degrees."""
    if not isinstance(text, str):
        return None
    m = _XMP_GPS.match(text)
    if not m:
        try:
            return float(text)
        except ValueError:
            return None
    deg = float(m.group(1)) + float(m.group(2)) / 60 + float(m.group(3) or 0) / 3600
    return -deg if m.group(4).upper() in ("S", "W") else deg


def edit_history(values: dict[str, Any]) -> list[str]:
    """The edit history as lines: xmpMM:History events (action, software, when) and photoshop:History."""
    lines: list[str] = []
    hist = values.get("xmpMM:History")
    if isinstance(hist, list):
        for ev in hist:
            if isinstance(ev, dict):
                parts = [
                    str(ev.get(k))
                    for k in ("stEvt:action", "stEvt:softwareAgent", "stEvt:when", "stEvt:changed")
                    if ev.get(k)
                ]
                if parts:
                    lines.append(" | ".join(parts))
            elif ev:
                lines.append(str(ev))
    ps = values.get("photoshop:History")
    if isinstance(ps, str) and ps.strip():
        lines.extend(line.strip() for line in ps.splitlines() if line.strip())
    return lines
