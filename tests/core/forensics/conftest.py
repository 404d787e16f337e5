"""Fixtures for the forensic tests; the generators live in `synth.py`."""

from __future__ import annotations

import shutil

import pytest


@pytest.fixture(scope="session")
def ffmpeg() -> str:
    path = shutil.which("ffmpeg")
    if path is None:
        pytest.skip("ffmpeg is not installed: it is only used to make test videos")
    return path
