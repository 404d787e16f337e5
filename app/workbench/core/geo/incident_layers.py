"""The map layers of an open incident, as plain objects.

Today: EXIF/XMP/container GPS positions of media items (with the camera direction when known). Hypotheses,
landmarks, post geotags and bands join when the incident stores them.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING, Any

from workbench.core.geo.layers import MapLayers, MapPoint

if TYPE_CHECKING:
    from workbench.core.geo.gazetteer import Gazetteer, ReverseResult


def _with_place(note: str, where: ReverseResult) -> str:
    parts = []
    if where.place is not None and where.place.distance_km is not None:
        parts.append(f"{where.place.distance_km:.1f} km from {where.place.name}")
    if where.country:
        parts.append(f"in {where.country}" if where.country_source == "outline" else f"nearest country {where.country}")
    text = ", ".join(parts)
    return f"{text}; {note}" if note and text else (text or note)


def layers_from_incident(inc: Any, gazetteer: Gazetteer | None = None) -> MapLayers:
    """Layers from anything with `media_items()` whose items have `.id`, `.filename` and `.summary.gps`.

    With a gazetteer, each point's note says the nearest place and the country it lies in (offline)."""
    points = []
    for item in inc.media_items():
        gps = getattr(getattr(item, "summary", None), "gps", None)
        if gps is None:
            continue
        lat, lon = float(gps.lat), float(gps.lon)
        if not (-90.0 <= lat <= 90.0 and -180.0 <= lon <= 180.0):
            continue
        note = []
        if lat == 0.0 and lon == 0.0:
            note.append("0, 0 is often an empty GPS record, not a place")
        source = getattr(gps, "source", "")
        if source:
            note.append(f"from {source}")
        direction = getattr(gps, "direction", None)
        ref = getattr(gps, "direction_ref", None)
        if direction is not None and ref == "M":
            note.append("direction is magnetic")
        points.append(
            MapPoint(
                id=f"media:{item.id}",
                lat=lat,
                lon=lon,
                label=str(item.filename),
                kind="exif",
                direction=float(direction) % 360.0 if direction is not None else None,
                media_id=str(item.id),
                note="; ".join(note),
            )
        )
    if gazetteer is not None and points:
        where = gazetteer.reverse([p.lat for p in points], [p.lon for p in points])
        points = [replace(p, note=_with_place(p.note, w)) for p, w in zip(points, where, strict=True)]
    title = ""
    info = getattr(inc, "info", None)
    if callable(info):
        try:
            title = str(getattr(info(), "title", "") or "")
        except Exception:  # the title is a nicety; the map must still be drawn
            title = ""
    return MapLayers(points=tuple(points), title=title)
