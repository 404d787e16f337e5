"""Reference and satellite images placed on the map: a GeoTIFF by its own georeferencing, any other image by the
analyst's control points (at least three; the fit's residuals are kept and shown). Each becomes an overlay with an
opacity and an acquisition date; its XYZ tiles are cut into the incident as derived data.

The image is evidence like any other (a media item, hashed); the placement, the tiles and every later change
(control points, opacity, date) are audited operations.
"""

from __future__ import annotations

import io
import json
import re
import sqlite3
import threading
import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from workbench.core.context._common import keep_source, require_utc
from workbench.core.context.georef import (
    ControlPoint,
    Fit,
    GeoTransform,
    check_placement,
    fit_control_points,
    read_geotiff,
)
from workbench.core.context.tiles import TOOL, cut_tiles, open_for_tiles, plan
from workbench.core.errors import BadInput, MediaUnreadable, NotFound
from workbench.core.geo.layers import TileLayerSpec
from workbench.core.incident import Incident
from workbench.core.store import blobs
from workbench.core.store.audit import utc_now
from workbench.core.store.records import Changes
from workbench.core.tasks import Progress

UNKNOWN_ZONE = "local-unknown-zone"


@dataclass(frozen=True)
class ReferenceImage:
    id: int
    media_id: int
    label: str
    method: str  # geotiff | control-points
    transform: GeoTransform
    width: int
    height: int
    bounds: tuple[float, float, float, float]  # south, west, north, east
    control_points: tuple[ControlPoint, ...]
    residuals_m: tuple[float, ...]
    rms_m: float | None
    acquired: str | None  # UTC ISO; or naive (zone unknown); or a date YYYY-MM-DD
    acquired_source: str
    opacity: float
    tiles: dict[str, Any]
    note: str

    @property
    def pixel_size_m(self) -> float:
        return self.transform.pixel_size_m(self.width, self.height)

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "media_id": self.media_id,
            "label": self.label,
            "method": self.method,
            "transform": self.transform.to_json(),
            "width": self.width,
            "height": self.height,
            "bounds": list(self.bounds),
            "corners": [list(c) for c in self.transform.corners(self.width, self.height)],
            "pixel_size_m": round(self.pixel_size_m, 3),
            "control_points": [p.to_json() for p in self.control_points],
            "residuals_m": [round(r, 2) for r in self.residuals_m],
            "rms_m": None if self.rms_m is None else round(self.rms_m, 2),
            "acquired": self.acquired,
            "acquired_source": self.acquired_source,
            "opacity": self.opacity,
            "tiles": self.tiles,
            "note": self.note,
        }


def parse_acquired(text: str) -> tuple[str, str]:
    """An acquisition time typed by the analyst: a date (YYYY-MM-DD: the day is what is known) or a time with its
    zone. (value, source)."""
    t = text.strip()
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", t):
        try:
            datetime.strptime(t, "%Y-%m-%d")
        except ValueError as exc:
            raise BadInput(f"{text!r} is not a calendar date.") from exc
        return t, "analyst (date only)"
    return require_utc(t, "The acquisition time"), "analyst"


def _tiff_datetime(value: str | None) -> tuple[str | None, str]:
    if not value:
        return None, ""
    try:
        dt = datetime.strptime(value.strip(), "%Y:%m:%d %H:%M:%S")
    except ValueError:
        return None, f"TIFF DateTime {value!r} could not be read"
    return dt.isoformat(), f"TIFF DateTime ({UNKNOWN_ZONE}: the file does not say its zone)"


def _points(raw: Sequence[ControlPoint | Sequence[float] | dict[str, float]]) -> list[ControlPoint]:
    out: list[ControlPoint] = []
    for p in raw:
        if isinstance(p, ControlPoint):
            out.append(p)
        elif isinstance(p, dict):
            out.append(ControlPoint(float(p["col"]), float(p["row"]), float(p["lat"]), float(p["lon"])))
        else:
            if len(p) != 4:
                raise BadInput("A control point is col, row, lat, lon.")
            out.append(ControlPoint(*(float(v) for v in p)))
    return out


def _image_bytes(incident: Incident, media_id: int) -> tuple[bytes, str]:
    with incident.read() as conn:
        row = conn.exec_driver_sql("SELECT blob_id, sha256, kind FROM media_item WHERE id = ?", (media_id,)).first()
        if row is None:
            raise NotFound(f"There is no media item {media_id} in {incident.path.name}.")
        if row[2] != "image" and not _is_tiff(conn, int(row[0])):
            raise BadInput(f"Media item {media_id} is not an image; only images can be placed on the map.")
        return blobs.read_all(conn, int(row[0])), str(row[1])


def _image_size(data: bytes) -> tuple[int, int]:
    from PIL import Image, UnidentifiedImageError

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as probe:
                return probe.size
    except Image.DecompressionBombError as exc:
        raise BadInput("The image is too large to place on the map (over 179 megapixels); downscale it first.") from exc
    except UnidentifiedImageError as exc:
        raise MediaUnreadable("The item cannot be read as an image.") from exc


def _is_tiff(conn: Any, blob_id: int) -> bool:
    first = next(blobs.iter_chunks(conn, blob_id), b"")
    return first[:4] in (b"II*\x00", b"MM\x00*")


def _store(
    incident: Incident,
    *,
    media_id: int,
    sha: str,
    image_data: bytes,
    label: str,
    method: str,
    transform: GeoTransform,
    fit: Fit | None,
    points: list[ControlPoint],
    acquired: str | None,
    acquired_source: str,
    opacity: float,
    note: str,
    reference_id: int | None,
    progress: Progress | None,
    extra_audit: dict[str, Any],
) -> Changes:
    image = open_for_tiles(image_data)
    width, height = image.size
    check_placement(transform, width, height)
    tile_plan = plan(transform, width, height)
    south, west, north, east = transform.bounds(width, height)
    now = utc_now()
    tiles_info = {
        "format": "webp",
        "min_zoom": tile_plan.min_zoom,
        "max_zoom": tile_plan.max_zoom,
        "source_sha256": sha,
        "method": "xyz web-mercator tiles, halving pyramid, bilinear through an 8x8 mesh",
        "tool": TOOL,
        "made_utc": now,
    }
    with incident.write() as conn:
        values = (
            label,
            method,
            transform.crs,
            json.dumps(transform.to_json()),
            width,
            height,
            south,
            west,
            north,
            east,
            json.dumps([p.to_json() for p in points]),
            json.dumps(list(fit.residuals_m) if fit else []),
            fit.rms_m if fit else None,
            acquired,
            acquired_source,
            opacity,
            note,
            now,
        )
        if reference_id is None:
            reference_id = int(
                conn.exec_driver_sql(
                    "INSERT INTO reference_image (label, method, crs, transform_json, width, height, south, west, "
                    "north, east, control_points_json, residuals_json, rms_m, acquired_utc, acquired_source, "
                    "opacity, note, modified_utc, media_id, created_utc) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
                    (*values, media_id, now),
                ).scalar_one()
            )
            action = "context.reference_add"
        else:
            conn.exec_driver_sql(
                "UPDATE reference_image SET label = ?, method = ?, crs = ?, transform_json = ?, width = ?, "
                "height = ?, south = ?, west = ?, north = ?, east = ?, control_points_json = ?, residuals_json = ?, "
                "rms_m = ?, acquired_utc = ?, acquired_source = ?, opacity = ?, note = ?, modified_utc = ? "
                "WHERE id = ?",
                (*values, reference_id),
            )
            conn.exec_driver_sql("DELETE FROM overlay_tile WHERE reference_id = ?", (reference_id,))
            action = "context.reference_place"
        count = 0
        tiles = cut_tiles(image, transform, tile_plan=tile_plan, progress=progress)
        del image  # the tiler drops each pyramid level when done with it
        for z, x, y, data in tiles:
            conn.exec_driver_sql(
                "INSERT INTO overlay_tile (reference_id, z, x, y, data) VALUES (?, ?, ?, ?, ?)",
                (reference_id, z, x, y, data),
            )
            count += 1
        tiles_info["count"] = count
        conn.exec_driver_sql(
            "UPDATE reference_image SET tiles_json = ? WHERE id = ?", (json.dumps(tiles_info), reference_id)
        )
        incident.record(
            conn,
            action,
            "reference_image",
            reference_id,
            {
                "media_id": media_id,
                "sha256": sha,
                "method": method,
                "transform": transform.to_json(),
                "bounds": [south, west, north, east],
                "control_points": [p.to_json() for p in points],
                "rms_m": fit.rms_m if fit else None,
                "acquired": acquired,
                "tiles": {k: tiles_info[k] for k in ("min_zoom", "max_zoom", "count", "tool")},
                **extra_audit,
            },
        )
    return Changes.of("reference_images", reference_id)


def place_media(
    incident: Incident,
    media_id: int,
    *,
    control_points: Sequence[ControlPoint | Sequence[float] | dict[str, float]] | None = None,
    label: str = "",
    acquired: str | None = None,
    opacity: float = 0.7,
    note: str = "",
    progress: Progress | None = None,
) -> Changes:
    """Place an image already in the incident: by its GeoTIFF tags when `control_points` is None, else by the
    points ((col, row, lat, lon), pixel corners convention). The new id is `changes.ids["reference_images"][0]`."""
    if not 0.0 <= opacity <= 1.0:
        raise BadInput(f"Opacity must be between 0 and 1, got {opacity}.")
    data, sha = _image_bytes(incident, media_id)
    acq_value, acq_source = parse_acquired(acquired) if acquired else (None, "")
    points: list[ControlPoint] = []
    fit: Fit | None = None
    extra: dict[str, Any] = {}
    if control_points is None:
        from PIL import Image, UnidentifiedImageError

        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", Image.DecompressionBombWarning)
                probe_ctx = Image.open(io.BytesIO(data))
            with probe_ctx as probe:
                if probe.format != "TIFF":
                    raise BadInput("Only a GeoTIFF places itself; give at least three control points for this image.")
                tags = dict(probe.tag_v2)  # type: ignore[attr-defined]
                size = probe.size
        except Image.DecompressionBombError as exc:
            raise BadInput("The image is too large to place on the map (over 179 megapixels).") from exc
        except UnidentifiedImageError as exc:
            raise MediaUnreadable(f"Media item {media_id} cannot be read as an image.") from exc
        info = read_geotiff(tags, *size)
        transform, method = info.transform, "geotiff"
        extra = {"epsg": info.epsg, "raster_type": info.raster_type}
        if acq_value is None:
            acq_value, acq_source = _tiff_datetime(info.datetime_tag)
    else:
        points = _points(control_points)
        fit = fit_control_points(points, *_image_size(data))
        transform, method = fit.transform, "control-points"
        extra = {"fit_note": fit.note} if fit.note else {}
    return _store(
        incident,
        media_id=media_id,
        sha=sha,
        image_data=data,
        label=label,
        method=method,
        transform=transform,
        fit=fit,
        points=points,
        acquired=acq_value,
        acquired_source=acq_source,
        opacity=opacity,
        note=note,
        reference_id=None,
        progress=progress,
        extra_audit=extra,
    )


def import_reference_image(
    incident: Incident,
    path: Path,
    *,
    control_points: Sequence[ControlPoint | Sequence[float] | dict[str, float]] | None = None,
    label: str = "",
    acquired: str | None = None,
    opacity: float = 0.7,
    progress: Progress | None = None,
) -> Changes:
    """A GeoTIFF (or an image with control points) from disk: kept as evidence, then placed on the map.

    The georeferencing is checked before anything is kept, so a GeoTIFF that cannot be placed leaves no trace."""
    if control_points is None:
        from PIL import Image, UnidentifiedImageError

        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", Image.DecompressionBombWarning)
                probe_ctx = Image.open(path)
            with probe_ctx as probe:
                if probe.format != "TIFF":
                    raise BadInput(
                        f"{path.name} is not a GeoTIFF; give at least three control points to place it by hand."
                    )
                read_geotiff(dict(probe.tag_v2), *probe.size)  # type: ignore[attr-defined]
        except Image.DecompressionBombError as exc:
            raise BadInput(f"{path.name} is too large to place on the map (over 179 megapixels).") from exc
        except UnidentifiedImageError as exc:
            raise BadInput(f"{path.name} is not an image the workbench can read.") from exc
    media_id, _ = keep_source(incident, path, note="reference image")
    return Changes.of("media", media_id) | place_media(
        incident,
        media_id,
        control_points=control_points,
        label=label or path.stem,
        acquired=acquired,
        opacity=opacity,
        progress=progress,
    )


def _from_row(r: Any) -> ReferenceImage:
    return ReferenceImage(
        id=int(r[0]),
        media_id=int(r[1]),
        label=r[2],
        method=r[3],
        transform=GeoTransform.from_json(json.loads(r[4])),
        width=int(r[5]),
        height=int(r[6]),
        bounds=(float(r[7]), float(r[8]), float(r[9]), float(r[10])),
        control_points=tuple(_points(json.loads(r[11]))),
        residuals_m=tuple(float(v) for v in json.loads(r[12])),
        rms_m=r[13],
        acquired=r[14],
        acquired_source=r[15],
        opacity=float(r[16]),
        tiles=json.loads(r[17]),
        note=r[18],
    )


_COLUMNS = (
    "id, media_id, label, method, transform_json, width, height, south, west, north, east, control_points_json, "
    "residuals_json, rms_m, acquired_utc, acquired_source, opacity, tiles_json, note"
)


def reference_images(incident: Incident) -> list[ReferenceImage]:
    with incident.read() as conn:
        rows = conn.exec_driver_sql(f"SELECT {_COLUMNS} FROM reference_image ORDER BY acquired_utc, id").all()
    return [_from_row(r) for r in rows]


def reference_image(incident: Incident, reference_id: int) -> ReferenceImage:
    with incident.read() as conn:
        row = conn.exec_driver_sql(f"SELECT {_COLUMNS} FROM reference_image WHERE id = ?", (reference_id,)).first()
    if row is None:
        raise NotFound(f"There is no reference image {reference_id} in {incident.path.name}.")
    return _from_row(row)


def set_control_points(
    incident: Incident,
    reference_id: int,
    control_points: Sequence[ControlPoint | Sequence[float] | dict[str, float]],
    *,
    progress: Progress | None = None,
) -> Changes:
    """Refit a hand-placed image to new control points (its tiles are cut again)."""
    ref = reference_image(incident, reference_id)
    data, sha = _image_bytes(incident, ref.media_id)
    points = _points(control_points)
    fit = fit_control_points(points, ref.width, ref.height)
    return _store(
        incident,
        media_id=ref.media_id,
        sha=sha,
        image_data=data,
        label=ref.label,
        method="control-points",
        transform=fit.transform,
        fit=fit,
        points=points,
        acquired=ref.acquired,
        acquired_source=ref.acquired_source,
        opacity=ref.opacity,
        note=ref.note,
        reference_id=reference_id,
        progress=progress,
        extra_audit={"before": {"control_points": [p.to_json() for p in ref.control_points], "rms_m": ref.rms_m}},
    )


def update_reference(
    incident: Incident,
    reference_id: int,
    *,
    opacity: float | None = None,
    acquired: str | None = None,
    label: str | None = None,
    note: str | None = None,
) -> Changes:
    """Change what an overlay shows (opacity, acquisition date, label, note); audited, a no-op writes nothing."""
    ref = reference_image(incident, reference_id)
    new: dict[str, Any] = {}
    if opacity is not None:
        if not 0.0 <= opacity <= 1.0:
            raise BadInput(f"Opacity must be between 0 and 1, got {opacity}.")
        new["opacity"] = opacity
    if acquired is not None:
        new["acquired_utc"], new["acquired_source"] = parse_acquired(acquired)
    if label is not None:
        new["label"] = label
    if note is not None:
        new["note"] = note
    before = {
        "opacity": ref.opacity,
        "acquired_utc": ref.acquired,
        "acquired_source": ref.acquired_source,
        "label": ref.label,
        "note": ref.note,
    }
    changed = {k: v for k, v in new.items() if before[k] != v}
    if not changed:
        return Changes()
    with incident.write() as conn:
        sets = ", ".join(f"{k} = ?" for k in changed)  # keys from the fixed dict above
        conn.exec_driver_sql(
            f"UPDATE reference_image SET {sets}, modified_utc = ? WHERE id = ?",
            (*changed.values(), utc_now(), reference_id),
        )
        incident.record(
            conn,
            "context.reference_update",
            "reference_image",
            reference_id,
            {"before": {k: before[k] for k in changed}, "after": changed},
        )
    return Changes.of("reference_images", reference_id)


# --- serving tiles to the map ---------------------------------------------------------------------------------
def overlay_layer_id(reference_id: int) -> str:
    return f"reference-{reference_id}"


class OverlayTileSource:
    """The tiles of one reference image, read from the incident file through its own read-only connection
    (safe from the map's URL-handler thread). Matches `workbench.core.geo.tiles.TileSource`."""

    def __init__(self, incident_path: Path, reference_id: int) -> None:
        self._con = sqlite3.connect(f"file:{incident_path}?mode=ro", uri=True, check_same_thread=False)
        self._lock = threading.Lock()
        row = self._con.execute(
            "SELECT label, tiles_json, acquired_utc FROM reference_image WHERE id = ?", (reference_id,)
        ).fetchone()
        if row is None:
            self._con.close()
            raise NotFound(f"There is no reference image {reference_id}.")
        tiles = json.loads(row[1])
        self.reference_id = reference_id
        label = row[0] or f"Reference image {reference_id}"
        self.spec = TileLayerSpec(
            id=overlay_layer_id(reference_id),
            title=f"{label} ({row[2]})" if row[2] else label,
            attribution=f"reference image {reference_id} (evidence in this incident)",
            min_zoom=0,
            max_zoom=22,
            max_native_zoom=int(tiles.get("max_zoom", 18)),
            image_format="webp",
            online=False,
            overlay=True,  # drawn over the basemap, never instead of it
        )

    def tile(self, z: int, x: int, y: int) -> bytes | None:
        with self._lock:
            row = self._con.execute(
                "SELECT data FROM overlay_tile WHERE reference_id = ? AND z = ? AND x = ? AND y = ?",
                (self.reference_id, z, x, y),
            ).fetchone()
        return None if row is None else bytes(row[0])

    def close(self) -> None:
        self._con.close()


def acquired_bounds(acquired: str | None) -> tuple[datetime, datetime, str] | None:
    """(start, end, note) in UTC of an acquisition time as stored (exact, a whole day, or a zone-unknown time)."""
    if not acquired:
        return None
    from datetime import timedelta

    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", acquired):
        day = datetime.strptime(acquired, "%Y-%m-%d").replace(tzinfo=UTC)
        return day - timedelta(hours=14), day + timedelta(hours=36), "date only: the whole day in any zone"
    try:
        dt = datetime.fromisoformat(acquired.replace("Z", "+00:00"))
    except ValueError:
        return None
    if dt.tzinfo is None:
        u = dt.replace(tzinfo=UTC)
        return u - timedelta(hours=14), u + timedelta(hours=12), "time zone unknown: -14 h/+12 h around it in UTC"
    u = dt.astimezone(UTC)
    return u, u, ""
