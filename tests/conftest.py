"""Fixtures for every test. Shared helpers live in tests/helpers.py (`from tests.helpers import ...`)."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest

from tests.helpers import CORPUS, ROOT, corpus_path, make_jpeg  # noqa: F401  (re-exported for older imports)

# Tests never touch the user's own config or cache: the install id, settings and caches go to a temp folder.
_HOME = Path(tempfile.mkdtemp(prefix="workbench-tests-"))
os.environ.setdefault("WORKBENCH_CONFIG_DIR", str(_HOME / "config"))
os.environ.setdefault("WORKBENCH_CACHE_DIR", str(_HOME / "cache"))


@pytest.fixture
def incident_path(tmp_path: Path) -> Path:
    return tmp_path / "case.incident"
