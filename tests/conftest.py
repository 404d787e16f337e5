"""Fixtures for every test. Shared helpers live in tests/helpers.py (`from tests.helpers import ...`)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.helpers import CORPUS, ROOT, corpus_path, make_jpeg  # noqa: F401  (re-exported for older imports)


@pytest.fixture
def incident_path(tmp_path: Path) -> Path:
    return tmp_path / "case.incident"
