"""Helpers shared by tests: the real-world corpus (skipped when absent) and small generated evidence."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CORPUS = (ROOT / ".." / "shared" / "corpus").resolve()


def corpus_path(*parts: str) -> Path:
    """A path inside ../shared/corpus, or skip the test with the reason when it is not there."""
    path = CORPUS.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"real-world corpus not present at {path} (it sits beside the project only in the team's checkout)")
    return path


def make_jpeg(
    width: int = 64, height: int = 48, *, seed: int = 0, exif: bytes | None = None, quality: int = 90
) -> bytes:
    """A small JPEG with varied pixels (so perceptual hashes differ by seed)."""
    import numpy as np
    from PIL import Image

    rng = np.random.default_rng(seed)
    base = rng.integers(0, 255, (max(2, height // 8), max(2, width // 8), 3), dtype=np.uint8)
    img = Image.fromarray(base).resize((width, height), Image.Resampling.BILINEAR)
    buf = io.BytesIO()
    if exif is not None:
        img.save(buf, "JPEG", quality=quality, exif=exif)
    else:
        img.save(buf, "JPEG", quality=quality)
    return buf.getvalue()
