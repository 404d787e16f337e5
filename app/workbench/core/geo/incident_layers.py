"""The map layers of an open incident, as plain objects.

EXIF/XMP/container GPS positions of media items (with the camera direction when known); location hypotheses
(`location_hypothesis`: point + radius, or a band in `geometry_json`); landmark annotations linked to a
hypothesis, drawn at it. Post geotags join when the posts area exposes them. Tables an older incident lacks are
skipped.
"""

from __future__ import annotations

import contextlib
import math
from dataclasses import replace
from datetime import datetime
from typing import TYPE_CHECKING, Any

from workbench.core.errors import WorkbenchError
from workbench.core.geo.layers import Band, Hypothesis, MapLayers, MapPoint, SunLine, sun_line

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
        if direction is not None and not math.isfinite(float(direction)):
            direction = None
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
    hypotheses, bands, landmarks = _analysis_layers(inc)
    points.extend(landmarks)
    points.extend(_post_geotags(inc))
    points.extend(_observation_points(inc))
    title = ""
    sun_lines: list[SunLine] = []
    info = getattr(inc, "info", None)
    if callable(info):
        try:
            details = info()
        except Exception:  # the title and claimed place are niceties; the map must still be drawn
            details = None
        title = str(getattr(details, "title", "") or "")
        claimed_lat, claimed_lon = getattr(details, "place_lat", None), getattr(details, "place_lon", None)
        if claimed_lat is not None and claimed_lon is not None:
            with contextlib.suppress(WorkbenchError):  # an out-of-range claimed place is simply not drawn
                points.append(MapPoint("claimed", float(claimed_lat), float(claimed_lon), "Claimed place", "place"))
                claimed_time = getattr(details, "claimed_time_utc", None)
                if claimed_time:
                    line = _claimed_sun_line(float(claimed_lat), float(claimed_lon), str(claimed_time))
                    if line is not None:
                        sun_lines.append(line)
    return MapLayers(
        points=tuple(points),
        hypotheses=tuple(hypotheses),
        bands=tuple(bands),
        sun_lines=tuple(sun_lines),
        title=title,
    )


def _claimed_sun_line(lat: float, lon: float, when: str) -> SunLine | None:
    """Where the sun stood, seen from the claimed place at the claimed time (None if the sun was down)."""
    try:
        instant = datetime.fromisoformat(when.replace("Z", "+00:00"))
        line = sun_line("sun:claimed", lat, lon, instant, label="Sun at the claimed time, from the claimed place")
    except (ValueError, WorkbenchError):
        return None
    return line if line.elevation is not None and line.elevation > -0.833 else None


def _observation_points(inc: Any) -> list[MapPoint]:
    """Stations with readings near the claimed place and time (weather, sensors), one point per station."""
    from workbench.core.incident import Incident

    if not isinstance(inc, Incident):
        return []
    try:
        from workbench.core.context.observations import observations_near, spells

        near = observations_near(inc)
    except (ImportError, WorkbenchError):  # no claimed place or time, or no observations table
        return []
    by_station: dict[tuple[str, float, float], list[Any]] = {}
    for o in near:
        by_station.setdefault((o.station, o.lat, o.lon), []).append(o)
    out = []
    for (station, lat, lon), obs in by_station.items():
        texts = [s.text for s in spells(obs)] or [f"{o.variable} {o.value_text} {o.unit} at {o.time_utc}" for o in obs]
        distance = obs[0].distance_km
        with contextlib.suppress(WorkbenchError):
            out.append(
                MapPoint(
                    id=f"observation:{obs[0].id}",
                    lat=float(lat),
                    lon=float(lon),
                    label=station or "Observation station",
                    kind="observation",
                    note="; ".join(texts[:4])
                    + (f" ({distance:.1f} km from the claimed place)" if distance is not None else ""),
                )
            )
    return out


def _post_geotags(inc: Any) -> list[MapPoint]:
    """Posts that carry a position (platform geotags), as `geotag` points."""
    from workbench.core.incident import Incident

    if not isinstance(inc, Incident):
        return []
    try:
        from workbench.core.posts.queries import posts

        found = [p for p in posts(inc) if p.geo_lat is not None and p.geo_lon is not None]
    except (ImportError, WorkbenchError):
        return []
    out = []
    for p in found:
        text = " ".join(p.text.split())
        with contextlib.suppress(WorkbenchError, TypeError, ValueError):
            out.append(
                MapPoint(
                    id=f"post:{p.id}",
                    lat=float(p.geo_lat),  # type: ignore[arg-type]
                    lon=float(p.geo_lon),  # type: ignore[arg-type]
                    label=f"{p.author} ({p.platform}): {text[:80]}" + ("…" if len(text) > 80 else ""),
                    kind="geotag",
                    post_id=str(p.id),
                    media_id=str(p.media_ids[0]) if p.media_ids else None,
                    note=f"geotag{': ' + p.geo_place if p.geo_place else ''}; {p.created_utc or 'time unknown'}",
                )
            )
    return out


def _analysis_layers(inc: Any) -> tuple[list[Hypothesis], list[Band], list[MapPoint]]:
    from workbench.core import analysis, annotations
    from workbench.core.incident import Incident

    if not isinstance(inc, Incident):
        return [], [], []
    try:
        stored = analysis.list_hypotheses(inc)
        marks = [
            a
            for a in annotations.list_annotations(inc)
            if a.category == "landmark" and a.linked_hypothesis_id is not None
        ]
    except WorkbenchError:  # an incident from before these tables: no analysis layers
        return [], [], []
    hyps: list[Hypothesis] = []
    bands: list[Band] = []
    landmarks: list[MapPoint] = []
    where: dict[int, tuple[float, float]] = {}
    for r in stored:
        try:
            h = Hypothesis(
                id=f"hyp:{r.id}",
                lat=float(r.lat),
                lon=float(r.lon),
                radius_m=float(r.radius_m or 0.0),
                status=r.status,  # type: ignore[arg-type]  # the store's words are mapped by Hypothesis
                confidence=float(r.confidence) if r.confidence is not None else 0.5,
                label=r.label or "",
                note=r.note or "",
            )
        except WorkbenchError:
            continue
        hyps.append(h)
        where[r.id] = (h.lat, h.lon)
        if isinstance(r.geometry, dict) and r.geometry.get("type"):
            with contextlib.suppress(WorkbenchError):  # a geometry that cannot be drawn is left off the map
                bands.append(Band(id=f"band:{r.id}", geojson=r.geometry, label=r.label or f"hypothesis {r.id}"))
    for m in marks:
        at = where.get(int(m.linked_hypothesis_id or 0))
        if at is None:
            continue
        landmarks.append(
            MapPoint(
                id=f"annotation:{m.id}",
                lat=at[0],
                lon=at[1],
                label=m.label or f"landmark {m.id}",
                kind="landmark",
                media_id=str(m.media_id),
                note=f"annotation {m.id} on media {m.media_id}, linked to hypothesis {m.linked_hypothesis_id}. "
                f"{m.note or ''}".strip(),
            )
        )
    return hyps, bands, landmarks
