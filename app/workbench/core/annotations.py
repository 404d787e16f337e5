"""Annotations of visual clues on an image: audited create, update, delete and restore, read back as plain records.

Geometry is in coordinates of the STORED pixels (before EXIF orientation), so an annotation stays on the same
pixels however the image is shown. Shapes and their geometry:

- ``rect``, ``ellipse``: ``{"x", "y", "w", "h"}`` (top-left corner and size, ``w``/``h`` > 0)
- ``polygon``: ``{"points": [[x, y], ...]}`` (at least 3 points)
- ``line``, ``arrow``: ``{"points": [[x1, y1], [x2, y2]]}`` (an arrow points at the second point)
- ``point``, ``text``: ``{"x", "y"}`` (a text annotation's text is its label)
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field, fields, replace
from typing import Any, Final

from sqlalchemy import Connection

from workbench.core.errors import BadInput, NotFound
from workbench.core.incident import Incident
from workbench.core.store.audit import utc_now
from workbench.core.store.records import Changes

SHAPES: Final = ("rect", "ellipse", "polygon", "point", "line", "arrow", "text")
CATEGORIES: Final = (
    "landmark",
    "sign/text",
    "vehicle/plate",
    "person",
    "vegetation/terrain",
    "weather/sky",
    "shadow",
    "other",
)
CATEGORY_TITLES: Final = {
    "landmark": "Landmark",
    "sign/text": "Sign / text",
    "vehicle/plate": "Vehicle / plate",
    "person": "Person",
    "vegetation/terrain": "Vegetation / terrain",
    "weather/sky": "Weather / sky",
    "shadow": "Shadow",
    "other": "Other",
}
EDITABLE: Final = (
    "geometry",
    "category",
    "label",
    "note",
    "confidence",
    "linked_media_id",
    "linked_hypothesis_id",
)

_COLUMNS = (
    "id, media_id, shape, geometry_json, category, label, note, confidence, linked_media_id, "
    "linked_hypothesis_id, created_utc, modified_utc"
)


@dataclass(frozen=True)
class Annotation:
    """A mark on one media item; plain and frozen, safe to hand to any thread."""

    id: int
    media_id: int
    shape: str
    geometry: dict[str, Any]
    category: str = "other"
    label: str = ""
    note: str = ""
    confidence: float | None = None
    linked_media_id: int | None = None
    linked_hypothesis_id: int | None = None
    created_utc: str = ""
    modified_utc: str = ""
    extra: dict[str, Any] = field(default_factory=dict, compare=False)

    def to_json(self) -> dict[str, Any]:
        return {f.name: getattr(self, f.name) for f in fields(self) if f.name != "extra"}

    def editable(self) -> dict[str, Any]:
        """The fields an edit can change, as a dict (what update/undo carry)."""
        return {name: getattr(self, name) for name in EDITABLE}

    def bounds(self) -> tuple[float, float, float, float]:
        """(x, y, w, h) of the smallest box around the geometry, in stored pixels."""
        xs, ys = zip(*geometry_points(self.shape, self.geometry), strict=True)
        return min(xs), min(ys), max(xs) - min(xs), max(ys) - min(ys)


def geometry_points(shape: str, geometry: dict[str, Any]) -> list[tuple[float, float]]:
    """The geometry's defining points (corners for boxes)."""
    if shape in ("rect", "ellipse"):
        x, y, w, h = (float(geometry[k]) for k in ("x", "y", "w", "h"))
        return [(x, y), (x + w, y + h)]
    if shape in ("polygon", "line", "arrow"):
        return [(float(p[0]), float(p[1])) for p in geometry["points"]]
    return [(float(geometry["x"]), float(geometry["y"]))]


def check_geometry(shape: str, geometry: Any) -> dict[str, Any]:
    """A normalised copy of the geometry, or BadInput saying what is wrong with it."""
    if shape not in SHAPES:
        raise BadInput(f"Unknown annotation shape {shape!r}; use one of: {', '.join(SHAPES)}.")
    if not isinstance(geometry, dict):
        raise BadInput(f"A {shape} needs its geometry as an object, not {type(geometry).__name__}.")

    def number(value: Any, name: str) -> float:
        if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
            raise BadInput(f"The {shape}'s {name} must be a finite number, not {value!r}.")
        return float(value)

    if shape in ("rect", "ellipse"):
        try:
            box = {k: number(geometry[k], k) for k in ("x", "y", "w", "h")}
        except KeyError as exc:
            raise BadInput(f"A {shape} needs x, y, w and h; {exc.args[0]} is missing.") from exc
        if box["w"] <= 0 or box["h"] <= 0:
            raise BadInput(f"A {shape} must have a positive width and height (got {box['w']} x {box['h']}).")
        return box
    if shape in ("polygon", "line", "arrow"):
        points = geometry.get("points")
        if not isinstance(points, list | tuple):
            raise BadInput(f"A {shape} needs a list of points [[x, y], ...].")
        out: list[list[float]] = []
        for p in points:
            if not isinstance(p, list | tuple) or len(p) != 2:
                raise BadInput(f"Each point of a {shape} is [x, y]; got {p!r}.")
            out.append([number(p[0], "x"), number(p[1], "y")])
        need = 3 if shape == "polygon" else 2
        if shape == "polygon" and len(out) < need:
            raise BadInput(f"A polygon needs at least 3 points (got {len(out)}).")
        if shape != "polygon" and len(out) != need:
            raise BadInput(f"A {shape} has exactly 2 points (got {len(out)}).")
        return {"points": out}
    try:
        return {"x": number(geometry["x"], "x"), "y": number(geometry["y"], "y")}
    except KeyError as exc:
        raise BadInput(f"A {shape} needs x and y; {exc.args[0]} is missing.") from exc


def _check_fields(values: dict[str, Any]) -> dict[str, Any]:
    out = dict(values)
    if "category" in out and out["category"] not in CATEGORIES:
        raise BadInput(f"Unknown category {out['category']!r}; use one of: {', '.join(CATEGORIES)}.")
    if "confidence" in out and out["confidence"] is not None:
        c = out["confidence"]
        if isinstance(c, bool) or not isinstance(c, int | float) or not 0.0 <= float(c) <= 1.0:
            raise BadInput(f"Confidence is a number from 0 to 1 (or empty), not {c!r}.")
        out["confidence"] = float(c)
    for key in ("label", "note"):
        if key in out and not isinstance(out[key], str):
            raise BadInput(f"The {key} must be text.")
    for key in ("linked_media_id", "linked_hypothesis_id"):
        if key in out and out[key] is not None and (isinstance(out[key], bool) or not isinstance(out[key], int)):
            raise BadInput(f"{key} must be an id or empty.")
    unknown = set(out) - set(EDITABLE)
    if unknown:
        raise BadInput(f"Annotations have no field(s) {', '.join(sorted(unknown))}.")
    return out


def _from_row(row: Any) -> Annotation:
    return Annotation(
        id=int(row[0]),
        media_id=int(row[1]),
        shape=str(row[2]),
        geometry=json.loads(row[3]),
        category=str(row[4]),
        label=str(row[5]),
        note=str(row[6]),
        confidence=None if row[7] is None else float(row[7]),
        linked_media_id=None if row[8] is None else int(row[8]),
        linked_hypothesis_id=None if row[9] is None else int(row[9]),
        created_utc=str(row[10]),
        modified_utc=str(row[11]),
    )


def _fetch(conn: Connection, annotation_id: int) -> Annotation | None:
    row = conn.exec_driver_sql(f"SELECT {_COLUMNS} FROM annotation WHERE id = ?", (annotation_id,)).first()
    return None if row is None else _from_row(row)


def _check_links(conn: Connection, media_id: int | None, hypothesis_id: int | None) -> None:
    if (
        media_id is not None
        and conn.exec_driver_sql("SELECT 1 FROM media_item WHERE id = ?", (media_id,)).first() is None
    ):
        raise NotFound(f"There is no media item {media_id} to link the annotation to.")
    if (
        hypothesis_id is not None
        and conn.exec_driver_sql("SELECT 1 FROM location_hypothesis WHERE id = ?", (hypothesis_id,)).first() is None
    ):
        raise NotFound(f"There is no location hypothesis {hypothesis_id} to link the annotation to.")


def _changes(annotation_id: int, media_id: int) -> Changes:
    return Changes(frozenset({"annotations"}), {"annotations": (annotation_id,), "media": (media_id,)})


# --- reading ----------------------------------------------------------------------------------------------------


def list_annotations(incident: Incident, media_id: int | None = None) -> list[Annotation]:
    """All annotations, or those on one media item, oldest first."""
    sql = f"SELECT {_COLUMNS} FROM annotation"
    args: tuple[Any, ...] = ()
    if media_id is not None:
        sql += " WHERE media_id = ?"
        args = (media_id,)
    with incident.read() as conn:
        return [_from_row(r) for r in conn.exec_driver_sql(sql + " ORDER BY id", args)]


def annotation(incident: Incident, annotation_id: int) -> Annotation:
    with incident.read() as conn:
        found = _fetch(conn, annotation_id)
    if found is None:
        raise NotFound(f"There is no annotation {annotation_id} in {incident.path.name}.")
    return found


def annotation_counts(incident: Incident) -> dict[int, int]:
    """media id → how many annotations it has (for the evidence browser)."""
    with incident.read() as conn:
        rows = conn.exec_driver_sql("SELECT media_id, count(*) FROM annotation GROUP BY media_id")
        return {int(m): int(n) for m, n in rows}


# --- changing ---------------------------------------------------------------------------------------------------


def create_annotation(
    incident: Incident,
    media_id: int,
    shape: str,
    geometry: dict[str, Any],
    *,
    category: str = "other",
    label: str = "",
    note: str = "",
    confidence: float | None = None,
    linked_media_id: int | None = None,
    linked_hypothesis_id: int | None = None,
) -> Changes:
    """Add an annotation; its id is `changes.ids["annotations"][0]`."""
    geometry = check_geometry(shape, geometry)
    values = _check_fields(
        {
            "category": category,
            "label": label,
            "note": note,
            "confidence": confidence,
            "linked_media_id": linked_media_id,
            "linked_hypothesis_id": linked_hypothesis_id,
        }
    )
    now = utc_now()
    with incident.write() as conn:
        if conn.exec_driver_sql("SELECT 1 FROM media_item WHERE id = ?", (media_id,)).first() is None:
            raise NotFound(f"There is no media item {media_id} to annotate.")
        _check_links(conn, linked_media_id, linked_hypothesis_id)
        new_id = int(
            conn.exec_driver_sql(
                "INSERT INTO annotation (media_id, shape, geometry_json, category, label, note, confidence, "
                "linked_media_id, linked_hypothesis_id, created_utc, modified_utc) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
                (
                    media_id,
                    shape,
                    json.dumps(geometry),
                    values["category"],
                    values["label"],
                    values["note"],
                    values["confidence"],
                    linked_media_id,
                    linked_hypothesis_id,
                    now,
                    now,
                ),
            ).scalar_one()
        )
        incident.record(
            conn,
            "annotation.create",
            "annotation",
            new_id,
            {"media_id": media_id, "shape": shape, "geometry": geometry, **values},
        )
    return _changes(new_id, media_id)


def update_annotation(incident: Incident, annotation_id: int, **values: Any) -> Changes:
    """Change some of an annotation's editable fields (see `EDITABLE`); unchanged values record nothing."""
    checked = _check_fields(values)
    with incident.write() as conn:
        old = _fetch(conn, annotation_id)
        if old is None:
            raise NotFound(f"There is no annotation {annotation_id} in {incident.path.name}.")
        if "geometry" in checked:
            checked["geometry"] = check_geometry(old.shape, checked["geometry"])
        before = old.editable()
        changed = {k: v for k, v in checked.items() if before[k] != v}
        if not changed:
            return Changes()
        _check_links(conn, changed.get("linked_media_id"), changed.get("linked_hypothesis_id"))
        columns = {("geometry_json" if k == "geometry" else k): v for k, v in changed.items()}
        if "geometry_json" in columns:
            columns["geometry_json"] = json.dumps(columns["geometry_json"])
        columns["modified_utc"] = utc_now()
        assignments = ", ".join(f"{k} = ?" for k in columns)  # names come from EDITABLE, never from the caller
        conn.exec_driver_sql(f"UPDATE annotation SET {assignments} WHERE id = ?", (*columns.values(), annotation_id))
        incident.record(
            conn,
            "annotation.update",
            "annotation",
            annotation_id,
            {"media_id": old.media_id, "before": {k: before[k] for k in changed}, "after": changed},
        )
    return _changes(annotation_id, old.media_id)


def delete_annotation(incident: Incident, annotation_id: int) -> Changes:
    """Remove an annotation; the audit entry keeps everything it was, so it can be restored."""
    with incident.write() as conn:
        old = _fetch(conn, annotation_id)
        if old is None:
            raise NotFound(f"There is no annotation {annotation_id} in {incident.path.name}.")
        conn.exec_driver_sql("DELETE FROM annotation WHERE id = ?", (annotation_id,))
        incident.record(conn, "annotation.delete", "annotation", annotation_id, old.to_json())
    return _changes(annotation_id, old.media_id)


def restore_annotation(incident: Incident, record: Annotation) -> Changes:
    """Put a deleted annotation back with its id (undo of a delete, redo of a create)."""
    geometry = check_geometry(record.shape, record.geometry)
    values = _check_fields({k: v for k, v in record.editable().items() if k != "geometry"})
    with incident.write() as conn:
        if _fetch(conn, record.id) is not None:
            raise BadInput(f"Annotation {record.id} already exists; it cannot be restored over itself.")
        if conn.exec_driver_sql("SELECT 1 FROM media_item WHERE id = ?", (record.media_id,)).first() is None:
            raise NotFound(f"There is no media item {record.media_id} to put the annotation back on.")
        # A link whose target has gone since is dropped, as ON DELETE SET NULL would have done.
        media_link = values["linked_media_id"]
        if (
            media_link is not None
            and not conn.exec_driver_sql("SELECT 1 FROM media_item WHERE id = ?", (media_link,)).first()
        ):
            values["linked_media_id"] = None
        hyp_link = values["linked_hypothesis_id"]
        if (
            hyp_link is not None
            and not conn.exec_driver_sql("SELECT 1 FROM location_hypothesis WHERE id = ?", (hyp_link,)).first()
        ):
            values["linked_hypothesis_id"] = None
        now = utc_now()
        conn.exec_driver_sql(
            "INSERT INTO annotation (id, media_id, shape, geometry_json, category, label, note, confidence, "
            "linked_media_id, linked_hypothesis_id, created_utc, modified_utc) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                record.id,
                record.media_id,
                record.shape,
                json.dumps(geometry),
                values["category"],
                values["label"],
                values["note"],
                values["confidence"],
                values["linked_media_id"],
                values["linked_hypothesis_id"],
                record.created_utc or now,
                now,
            ),
        )
        restored = replace(record, geometry=geometry, **values)
        incident.record(conn, "annotation.restore", "annotation", record.id, restored.to_json())
    return _changes(record.id, record.media_id)


def hypothesis_labels(incident: Incident) -> list[tuple[int, str]]:
    """(id, "#id label (lat, lon)") of the incident's location hypotheses, for linking an annotation to one."""
    with incident.read() as conn:
        rows = conn.exec_driver_sql("SELECT id, label, lat, lon FROM location_hypothesis ORDER BY id").all()
    return [(int(r[0]), f"#{r[0]} {r[1] or 'hypothesis'} ({float(r[2]):.4f}, {float(r[3]):.4f})") for r in rows]


def media_choices(incident: Incident) -> list[tuple[int, str]]:
    """(id, file name) of every media item, cheaply (no metadata decoded), for linking an annotation to one."""
    with incident.read() as conn:
        return [(int(r[0]), str(r[1])) for r in conn.exec_driver_sql("SELECT id, filename FROM media_item ORDER BY id")]
