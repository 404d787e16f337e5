"""Geo fixtures: one small gazetteer (GeoNames places >= 15,000 people) built once per test session, in a
temporary cache folder that WORKBENCH_CACHE_DIR points at."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from workbench.core.geo import gazetteer


@pytest.fixture(scope="session", autouse=True)
def geo_cache(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    folder = tmp_path_factory.mktemp("workbench-cache")
    old = os.environ.get("WORKBENCH_CACHE_DIR")
    os.environ["WORKBENCH_CACHE_DIR"] = str(folder)
    yield folder
    if old is None:
        os.environ.pop("WORKBENCH_CACHE_DIR", None)
    else:
        os.environ["WORKBENCH_CACHE_DIR"] = old


@pytest.fixture(scope="session")
def gazetteer_path(geo_cache: Path) -> Path:
    return gazetteer.build(gazetteer.default_path(), min_population=15000)


@pytest.fixture()
def gz(gazetteer_path: Path) -> Iterator[gazetteer.Gazetteer]:
    g = gazetteer.Gazetteer(gazetteer_path)
    yield g
    g.close()
