"""Reading a file's metadata without decoding its pixels (placeholder until the full reader lands)."""

from __future__ import annotations

import mimetypes
from pathlib import Path

from workbench.core.media.model import MediaProbe, Summary


def probe_file(path: Path) -> MediaProbe:
    mime = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    kind = "image" if mime.startswith("image/") else "video" if mime.startswith("video/") else "file"
    return MediaProbe(kind=kind, mime=mime, format=None, summary=Summary())
