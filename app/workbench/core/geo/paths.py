"""Where the map's bundled data and the built caches live."""

from __future__ import annotations

import os
from pathlib import Path


def resources_dir() -> Path:
    """The bundled `resources/map` folder (override with WORKBENCH_RESOURCES, the folder holding `map/`)."""
    override = os.environ.get("WORKBENCH_RESOURCES")
    if override:
        return Path(override) / "map"
    return Path(__file__).resolve().parents[4] / "resources" / "map"


def cache_dir() -> Path:
    """The folder for built caches (gazetteer, viewed online tiles), created on demand.

    WORKBENCH_CACHE_DIR wins; else $XDG_CACHE_HOME/workbench; else ~/.cache/workbench.
    """
    override = os.environ.get("WORKBENCH_CACHE_DIR")
    if override:
        path = Path(override)
    else:
        base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
        path = Path(base) / "workbench"
    path.mkdir(parents=True, exist_ok=True)
    return path
