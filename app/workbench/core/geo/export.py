"""KML and GeoJSON of every map layer, and reading layers back from GeoJSON (ours, or any Point/Polygon file)."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

from workbench.core.errors import BadInput
from workbench.core.geo.layers import (
    POINT_KINDS,
    Band,
    Hypothesis,
    MapLayers,
    MapPoint,
    SunLine,
)
from workbench.core.geo.measure import circle, destination


def _lonlat(pts: list[tuple[float, float]]) -> list[list[float]]:
    return [[round(lon, 7), round(lat, 7)] for lat, lon in pts]


def to_geojson(layers: MapLayers) -> dict[str, Any]:
    """A FeatureCollection; `properties.layer` says which layer each feature belongs to."""
    features: list[dict[str, Any]] = []
    for p in layers.points:
        props: dict[str, Any] = {"layer": p.kind, "id": p.id, "label": p.label, "note": p.note}
        for key in ("direction", "media_id", "post_id"):
            if getattr(p, key) is not None:
                props[key] = getattr(p, key)
        if p.direction is not None:
            props["fov"] = p.fov
        features.append(
            {"type": "Feature", "geometry": {"type": "Point", "coordinates": [p.lon, p.lat]}, "properties": props}
        )
    for h in layers.hypotheses:
        props = {
            "layer": "hypothesis",
            "id": h.id,
            "label": h.label,
            "status": h.status,
            "confidence": h.confidence,
            "radius_m": h.radius_m,
            "note": h.note,
        }
        features.append(
            {"type": "Feature", "geometry": {"type": "Point", "coordinates": [h.lon, h.lat]}, "properties": props}
        )
        if h.radius_m > 0:
            features.append(
                {
                    "type": "Feature",
                    "geometry": {"type": "Polygon", "coordinates": [_lonlat(circle(h.lat, h.lon, h.radius_m))]},
                    "properties": {"layer": "hypothesis-area", "id": h.id, "label": h.label},
                }
            )
    for b in layers.bands:
        for geom in _geometries(b.geojson):
            features.append(
                {"type": "Feature", "geometry": geom, "properties": {"layer": "band", "id": b.id, "label": b.label}}
            )
    for s in layers.sun_lines:
        end = destination(s.lat, s.lon, s.azimuth, s.length_m)
        features.append(
            {
                "type": "Feature",
                "geometry": {"type": "LineString", "coordinates": _lonlat([(s.lat, s.lon), end])},
                "properties": {
                    "layer": "sunline",
                    "id": s.id,
                    "label": s.label,
                    "azimuth": s.azimuth,
                    "instant": s.instant,
                    "length_m": s.length_m,
                    "elevation": s.elevation,
                },
            }
        )
    out: dict[str, Any] = {"type": "FeatureCollection", "features": features}
    if layers.title:
        out["properties"] = {"title": layers.title}
    return out


def _geometries(obj: dict[str, Any]) -> list[dict[str, Any]]:
    kind = obj.get("type")
    if kind == "FeatureCollection":
        return [g for f in obj.get("features", []) for g in _geometries(f)]
    if kind == "Feature":
        geom = obj.get("geometry")
        return [geom] if isinstance(geom, dict) else []
    if kind == "GeometryCollection":
        return [g for sub in obj.get("geometries", []) for g in _geometries(sub)]
    return [obj] if kind else []


def layers_from_geojson(data: dict[str, Any]) -> MapLayers:
    """Layers from a GeoJSON FeatureCollection: our own export, or any file of Points (and Polygons → bands)."""
    if data.get("type") not in ("FeatureCollection", "Feature"):
        raise BadInput("Not a GeoJSON FeatureCollection.")
    feats = data["features"] if data["type"] == "FeatureCollection" else [data]
    points: list[MapPoint] = []
    hyps: list[Hypothesis] = []
    bands: list[Band] = []
    suns: list[SunLine] = []
    for i, f in enumerate(feats):
        geom = f.get("geometry") or {}
        props = f.get("properties") or {}
        layer = str(props.get("layer", ""))
        fid = str(props.get("id", f.get("id", f"f{i}")))
        label = str(props.get("label", props.get("name", "")))
        note = str(props.get("note", ""))
        gtype = geom.get("type")
        try:
            if layer == "hypothesis" and gtype == "Point":
                lon, lat = geom["coordinates"][:2]
                hyps.append(
                    Hypothesis(
                        fid,
                        float(lat),
                        float(lon),
                        float(props.get("radius_m", 500.0)),
                        props.get("status", "open"),
                        float(props.get("confidence", 0.5)),
                        label,
                        note,
                    )
                )
            elif layer == "hypothesis-area":
                continue
            elif layer == "sunline" and gtype == "LineString":
                lon, lat = geom["coordinates"][0][:2]
                suns.append(
                    SunLine(
                        fid,
                        float(lat),
                        float(lon),
                        float(props["azimuth"]),
                        str(props.get("instant", "")),
                        float(props.get("length_m", 2000.0)),
                        label,
                        float(props["elevation"]) if props.get("elevation") is not None else None,
                    )
                )
            elif gtype == "Point":
                lon, lat = geom["coordinates"][:2]
                kind = layer if layer in POINT_KINDS else "place"
                direction = props.get("direction")
                points.append(
                    MapPoint(
                        fid,
                        float(lat),
                        float(lon),
                        label,
                        kind,
                        float(direction) if direction is not None else None,
                        float(props.get("fov", 60.0)),
                        props.get("media_id"),
                        props.get("post_id"),
                        note,
                    )
                )
            elif gtype in ("Polygon", "MultiPolygon"):
                bands.append(Band(fid, geom, label))
        except (KeyError, TypeError, ValueError, IndexError) as exc:
            raise BadInput(f"GeoJSON feature {i} is malformed: {exc}") from exc
    title = str((data.get("properties") or {}).get("title", ""))
    return MapLayers(tuple(points), tuple(hyps), tuple(bands), tuple(suns), title)


def read_layers_file(path: Path) -> MapLayers:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise BadInput(f"{path.name} is not a readable GeoJSON file: {exc}") from exc
    if not isinstance(data, dict):
        raise BadInput(f"{path.name} is not a GeoJSON object.")
    return layers_from_geojson(data)


_KML_NS = "http://www.opengis.net/kml/2.2"


def _coords(pts: list[tuple[float, float]]) -> str:
    return " ".join(f"{lon:.7f},{lat:.7f},0" for lat, lon in pts)


def to_kml(layers: MapLayers) -> str:
    """KML 2.2 with one folder per layer; every text goes through the XML writer (escaped)."""
    ET.register_namespace("", _KML_NS)
    kml = ET.Element(f"{{{_KML_NS}}}kml")
    doc = ET.SubElement(kml, "Document")
    ET.SubElement(doc, "name").text = layers.title or "Verification Workbench map"
    for style_id, colour in (("hyp", "7fb4781f"), ("band", "5f3c8dfd"), ("cone", "3f1f30d7"), ("sun", "ff00b0f0")):
        st = ET.SubElement(doc, "Style", id=style_id)
        ET.SubElement(ET.SubElement(st, "PolyStyle"), "color").text = colour
        ET.SubElement(ET.SubElement(st, "LineStyle"), "color").text = "ff" + colour[2:]

    def folder(name: str) -> ET.Element:
        f = ET.SubElement(doc, "Folder")
        ET.SubElement(f, "name").text = name
        return f

    def placemark(parent: ET.Element, name: str, description: str, style: str | None = None) -> ET.Element:
        pm = ET.SubElement(parent, "Placemark")
        ET.SubElement(pm, "name").text = name
        if description:
            ET.SubElement(pm, "description").text = description
        if style:
            ET.SubElement(pm, "styleUrl").text = f"#{style}"
        return pm

    def polygon(pm: ET.Element, ring: list[tuple[float, float]]) -> None:
        poly = ET.SubElement(pm, "Polygon")
        outer = ET.SubElement(ET.SubElement(poly, "outerBoundaryIs"), "LinearRing")
        ET.SubElement(outer, "coordinates").text = _coords(ring)

    for kind in POINT_KINDS:
        pts = [p for p in layers.points if p.kind == kind]
        if not pts:
            continue
        f = folder(kind)
        for p in pts:
            desc = p.note
            if p.direction is not None:
                desc = f"direction {p.direction:.1f}°. {desc}".strip()
            pm = placemark(f, p.label or p.id, desc)
            ET.SubElement(ET.SubElement(pm, "Point"), "coordinates").text = _coords([(p.lat, p.lon)])
            if p.direction is not None:
                from workbench.core.geo.measure import cone

                cpm = placemark(f, f"{p.label or p.id} (camera direction)", "", "cone")
                polygon(cpm, cone(p.lat, p.lon, p.direction, p.fov, 300.0))
    if layers.hypotheses:
        f = folder("hypotheses")
        for h in layers.hypotheses:
            desc = f"{h.status}, confidence {h.confidence:.0%}, radius {h.radius_m:.0f} m. {h.note}".strip()
            pm = placemark(f, h.label or h.id, desc, "hyp")
            geom = ET.SubElement(pm, "MultiGeometry")
            ET.SubElement(ET.SubElement(geom, "Point"), "coordinates").text = _coords([(h.lat, h.lon)])
            if h.radius_m > 0:
                polygon(geom, circle(h.lat, h.lon, h.radius_m))
    if layers.bands:
        f = folder("bands")
        for b in layers.bands:
            pm = placemark(f, b.label or b.id, "", "band")
            geom = ET.SubElement(pm, "MultiGeometry")
            for g in _geometries(b.geojson):
                polys = (
                    [g["coordinates"]]
                    if g["type"] == "Polygon"
                    else g["coordinates"]
                    if g["type"] == "MultiPolygon"
                    else []
                )
                for poly in polys:
                    polygon(geom, [(lat, lon) for lon, lat, *_ in poly[0]])
    if layers.sun_lines:
        f = folder("sun lines")
        for s in layers.sun_lines:
            pm = placemark(f, s.label or s.id, f"sun azimuth {s.azimuth:.2f}° at {s.instant}", "sun")
            end = destination(s.lat, s.lon, s.azimuth, s.length_m)
            ET.SubElement(ET.SubElement(pm, "LineString"), "coordinates").text = _coords([(s.lat, s.lon), end])
    ET.indent(kml)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(kml, encoding="unicode") + "\n"


def write_map_bundle(
    layers: MapLayers, folder: Path, *, width: int = 1600, height: int = 1000, show_places: bool = True
) -> dict[str, Any]:
    """The map as files in `folder`: index.html with its assets (opens in any browser with no network),
    map.geojson, map.kml and map.png. Returns what was written."""
    from workbench.core.geo.layers import BasemapOptions
    from workbench.core.geo.mappage import build_map_page
    from workbench.core.geo.staticmap import render_static_map

    page = build_map_page(layers, BasemapOptions(show_places=show_places), interactive=False)
    index = page.write(folder)
    (folder / "map.geojson").write_text(json.dumps(to_geojson(layers), ensure_ascii=False, indent=1), encoding="utf-8")
    (folder / "map.kml").write_text(to_kml(layers), encoding="utf-8")
    (folder / "map.png").write_bytes(render_static_map(layers, width, height))
    return {
        "page": str(index),
        "assets": page.asset_paths,
        "geojson": str(folder / "map.geojson"),
        "kml": str(folder / "map.kml"),
        "picture": str(folder / "map.png"),
        "points": len(layers.points),
        "hypotheses": len(layers.hypotheses),
    }
