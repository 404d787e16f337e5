"""An incident with two small photos, for the annotation and derived-media tests."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from tests.conftest import make_jpeg

from workbench.core.incident import Incident
from workbench.core.ingest import add_evidence


@pytest.fixture
def incident(tmp_path: Path) -> Iterator[Incident]:
    for seed in (1, 2):
        (tmp_path / f"photo{seed}.jpg").write_bytes(make_jpeg(80, 60, seed=seed))
    inc = Incident.create(tmp_path / "case.incident", title="Bridge strike", analyst="tester")
    add_evidence(inc, [tmp_path / "photo1.jpg", tmp_path / "photo2.jpg"], pixels=False)
    yield inc
    inc.close()
