"""Work the inspector runs off the GUI thread: decoding pictures and frames, forensic layers, keyframes.

Each function takes an Incident (which opens its own connection in the calling thread), ids and paths, and a
`progress`; it returns plain frozen values and QImages (safe to make off the GUI thread).
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from PySide6.QtGui import QImage

from workbench.core.incident import Incident
from workbench.core.store.records import Changes
from workbench.core.tasks import Progress


def qimage_from_array(array: Any) -> QImage:
    """An RGB (or grey) uint8 array as a QImage that owns its pixels."""
    arr = np.ascontiguousarray(array)
    if arr.ndim == 2:
        h, w = arr.shape
        return QImage(arr.data, w, h, w, QImage.Format.Format_Grayscale8).copy()
    h, w = arr.shape[:2]
    if arr.shape[2] == 4:
        return QImage(arr.data, w, h, 4 * w, QImage.Format.Format_RGBA8888).copy()
    return QImage(arr.data, w, h, 3 * w, QImage.Format.Format_RGB888).copy()


def histogram(array: Any) -> Any:
    """(4, 256) counts for R, G, B and luma, from at most ~1 M sampled pixels."""
    arr = np.asarray(array)
    step = max(1, int(np.sqrt(arr.shape[0] * arr.shape[1] / 1_000_000)))
    sample = arr[::step, ::step, :3].reshape(-1, 3)
    out = np.zeros((4, 256), dtype=np.int64)
    for c in range(3):
        out[c] = np.bincount(sample[:, c], minlength=256)[:256]
    luma = (sample[:, 0] * 0.299 + sample[:, 1] * 0.587 + sample[:, 2] * 0.114).astype(np.uint8)
    out[3] = np.bincount(luma, minlength=256)[:256]
    return out


@dataclass(frozen=True)
class Picture:
    media_id: int
    kind: str  # image | video
    image: QImage  # stored pixels
    orientation: int
    histogram: Any
    video_path: Path | None = None
    duration_s: float | None = None
    frame_rate: float | None = None
    frame_count: int | None = None
    time_s: float | None = None
    frame_index: int | None = None
    video_rotation: int = 0
    notes: tuple[str, ...] = field(default_factory=tuple)


def load_picture(incident: Incident, media_id: int, scratch: Path, *, progress: Progress) -> Picture:
    item = incident.media_item(media_id)
    if item.kind == "video":
        return _load_video(incident, media_id, item.filename, scratch, progress)
    from PIL import Image

    from workbench.core.errors import MediaUnreadable

    progress(0, 2, f"Decoding {item.filename}")
    data = incident.media_bytes(media_id)
    try:
        from workbench.core.media.forensics import open_image

        pil = open_image(data)
    except ImportError:
        pil = Image.open(io.BytesIO(data))
        pil.load()
    except MediaUnreadable:
        raise
    orientation = int(pil.getexif().get(0x0112, 1) or 1) if hasattr(pil, "getexif") else 1
    if item.summary.orientation:
        orientation = int(item.summary.orientation)
    rgb = np.asarray(pil.convert("RGB"))
    progress(1, 2, "Histogram")
    return Picture(media_id, "image", qimage_from_array(rgb), orientation, histogram(rgb))


def video_file(incident: Incident, media_id: int, filename: str, scratch: Path) -> Path:
    """The video's bytes as a file in the scratch folder (decoders want a path); exported once."""
    suffix = Path(filename).suffix or ".bin"
    path = scratch / f"media-{media_id}{suffix}"
    if not path.exists():
        partial = path.with_suffix(path.suffix + ".part")
        incident.export_media(media_id, partial)
        partial.replace(path)
    return path


def _load_video(incident: Incident, media_id: int, filename: str, scratch: Path, progress: Progress) -> Picture:
    from workbench.core.media import video

    progress(0, 2, f"Opening {filename}")
    path = video_file(incident, media_id, filename, scratch)
    info = video.video_info(path)
    frame = video._frame_at(path, 0.0)
    rgb = np.asarray(frame.image.convert("RGB"))
    return Picture(
        media_id,
        "video",
        qimage_from_array(rgb),
        1,
        histogram(rgb),
        video_path=path,
        duration_s=info.duration_s,
        frame_rate=info.frame_rate,
        frame_count=info.frame_count,
        time_s=frame.time_s,
        frame_index=frame.frame_index,
        video_rotation=info.rotation,
    )


@dataclass(frozen=True)
class Frame:
    image: QImage
    time_s: float
    frame_index: int
    histogram: Any


def load_frame(path: Path, seconds: float, *, progress: Progress) -> Frame:
    from workbench.core.media import video

    progress.check()
    frame = video._frame_at(path, seconds)
    rgb = np.asarray(frame.image.convert("RGB"))
    return Frame(qimage_from_array(rgb), frame.time_s, frame.frame_index, histogram(rgb))


def add_frame(incident: Incident, media_id: int, path: Path, seconds: float, *, progress: Progress) -> Changes:
    """The frame at `seconds` as a derived media item of the video (lossless PNG)."""
    from workbench.core.derived import add_derived_media
    from workbench.core.media import video

    progress(0, 1, "Adding the frame to the evidence")
    parent = incident.media_item(media_id)
    frame = video._frame_at(path, seconds)
    buf = io.BytesIO()
    frame.image.save(buf, "PNG")
    derivation = video.frame_derivation(frame.time_s, frame.frame_index, source_sha256=parent.sha256)
    name = f"{Path(parent.filename).stem}_frame{frame.frame_index:06d}_{frame.time_s:.2f}s.png"
    changes = add_derived_media(incident, media_id, buf.getvalue(), name, derivation)
    return changes | _pixels(incident, changes.ids.get("media", ()), progress)


def extract_keyframes(incident: Incident, media_id: int, path: Path, *, progress: Progress, **params: Any) -> Changes:
    """Keyframes by scene change, each stored as a derived media item linked to the video and its time."""
    from workbench.core.derived import add_derived_media
    from workbench.core.media import video

    parent = incident.media_item(media_id)
    frames = video.keyframes(path, progress=progress, **params)
    changes = Changes()
    for n, key in enumerate(frames):
        progress(n, len(frames), f"Storing keyframe {n + 1} of {len(frames)}")
        name = f"{Path(parent.filename).stem}_key{key.frame_index:06d}_{key.time_s:.2f}s.png"
        changes = changes | add_derived_media(incident, media_id, key.png(), name, key.derivation(parent.sha256))
    return changes | _pixels(incident, changes.ids.get("media", ()), progress)


def _pixels(incident: Incident, ids: tuple[int, ...], progress: Progress) -> Changes:
    """Thumbnails and perceptual hashes for new derived items, so they are found like any photo."""
    if not ids:
        return Changes()
    from workbench.core.ingest import compute_missing_pixels

    compute_missing_pixels(incident, media_ids=list(ids), progress=progress, workers=1)
    return Changes.of("pixels", *ids)


@dataclass(frozen=True)
class Layer:
    media_id: int
    name: str
    image: QImage
    record: dict[str, Any]  # ForensicResult.to_json(): params, tool, can_show, cannot_prove, summary


def run_layer(incident: Incident, media_id: int, name: str, params: dict[str, Any], *, progress: Progress) -> Layer:
    from workbench.core.media.forensics import open_image, run_view

    progress(0, 2, "Decoding")
    image = open_image(incident.media_bytes(media_id))
    progress(1, 2, f"Running {name}")
    result = run_view(name, image, params)
    progress.check()
    return Layer(media_id, name, qimage_from_array(result.image), result.to_json())


def export_frame_png(path: Path, seconds: float, dest: Path, *, progress: Progress) -> Path:
    from workbench.core.media import video

    progress.check()
    dest.write_bytes(video.export_frame_png(path, seconds))
    return dest
