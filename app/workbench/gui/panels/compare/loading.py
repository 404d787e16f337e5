"""Work the compare view runs off the GUI thread: what can be compared, the pictures, the linked landmarks.

Each function takes an Incident (which opens its own connection in the calling thread), ids and a `progress`; it
returns plain frozen values and QImages (safe to make off the GUI thread).
"""

from __future__ import annotations

import io
import warnings
from dataclasses import dataclass

import numpy as np
from PySide6.QtGui import QImage

from workbench.core.errors import MediaUnreadable
from workbench.core.incident import Incident
from workbench.core.tasks import Progress
from workbench.gui.panels.inspector.loading import qimage_from_array

MAX_SIDE = 4096  # the long side of a picture as shown; clicks map back to stored pixels through the scale


@dataclass(frozen=True)
class ReferenceChoice:
    id: int  # the reference image
    media_id: int  # the media item that holds its pixels
    label: str
    acquired: str | None

    @property
    def title(self) -> str:
        when = f"acquired {self.acquired}" if self.acquired else "acquisition date unknown"
        return f"{self.label or f'Reference {self.id}'} — {when}"


@dataclass(frozen=True)
class MediaChoice:
    id: int
    filename: str
    is_reference: bool

    @property
    def title(self) -> str:
        return f"#{self.id}  {self.filename}" + ("  (reference image)" if self.is_reference else "")


@dataclass(frozen=True)
class Choices:
    references: tuple[ReferenceChoice, ...]
    images: tuple[MediaChoice, ...]


@dataclass(frozen=True)
class Shown:
    """A picture as displayed: `image` is the stored pixels, downscaled by (`sx`, `sy`) when too large."""

    media_id: int
    image: QImage
    stored_width: int
    stored_height: int

    @property
    def sx(self) -> float:
        return self.image.width() / self.stored_width

    @property
    def sy(self) -> float:
        return self.image.height() / self.stored_height


@dataclass(frozen=True)
class Landmark:
    """A point annotation on one item that links to the item it is compared with (stored pixels)."""

    annotation_id: int
    media_id: int
    x: float
    y: float
    label: str


def read_choices(incident: Incident, *, progress: Progress) -> Choices:
    """The incident's reference images (label and acquisition) and its image media items."""
    from workbench.core.context._common import table_exists
    from workbench.core.context.reference import reference_images

    progress.check()
    with incident.read() as conn:
        has_references = table_exists(conn, "reference_image")
    refs = reference_images(incident) if has_references else []
    ref_media = {r.media_id for r in refs}
    images = tuple(
        MediaChoice(m.id, m.filename, m.id in ref_media) for m in incident.media_items() if m.kind == "image"
    )
    return Choices(tuple(ReferenceChoice(r.id, r.media_id, r.label, r.acquired) for r in refs), images)


def load_shown(incident: Incident, media_id: int, *, progress: Progress, max_side: int = MAX_SIDE) -> Shown:
    """The stored pixels of an image (no EXIF orientation applied), at most `max_side` on the long side."""
    from PIL import Image, UnidentifiedImageError

    item = incident.media_item(media_id)
    progress(0, 2, f"Decoding {item.filename}")
    try:  # HEIC support is optional at run time
        import pillow_heif

        pillow_heif.register_heif_opener()
    except ImportError:
        pass
    data = incident.media_bytes(media_id)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            pil = Image.open(io.BytesIO(data))
            width, height = pil.size
            if max(width, height) > max_side:
                box = (
                    (max_side, max_side * height // width)
                    if width >= height
                    else (max_side * width // height, max_side)
                )
                pil.draft("RGB", box)  # JPEG: decode at a reduced scale, still at least `box`
            pil.load()
            progress.check()
            rgb = pil.convert("RGB")
            if max(rgb.size) > max_side:
                rgb.thumbnail((max_side, max_side), Image.Resampling.LANCZOS)
    except UnidentifiedImageError as exc:
        raise MediaUnreadable(f"{item.filename}: not an image format the workbench can decode.") from exc
    except (OSError, SyntaxError, ValueError, Image.DecompressionBombError) as exc:
        raise MediaUnreadable(f"{item.filename}: the pixels cannot be decoded ({exc}).") from exc
    progress(1, 2, "Preparing the picture")
    return Shown(media_id, qimage_from_array(np.asarray(rgb)), width, height)


def read_landmarks(incident: Incident, left: int, right: int, *, progress: Progress) -> tuple[Landmark, ...]:
    """Point annotations on `left` linked to `right` and on `right` linked to `left`."""
    from workbench.core.annotations import list_annotations

    progress.check()
    out: list[Landmark] = []
    for media_id, other in ((left, right), (right, left)):
        for a in list_annotations(incident, media_id):
            if a.shape == "point" and a.linked_media_id == other:
                out.append(Landmark(a.id, media_id, float(a.geometry["x"]), float(a.geometry["y"]), a.label))
    return tuple(out)
