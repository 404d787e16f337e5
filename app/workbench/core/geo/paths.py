"""Where the map's bundled data and the built caches live."""

from __future__ import annotations

from pathlib import Path

from workbench.core import paths


def resources_dir() -> Path:
    """The bundled `resources/map` folder."""
    return paths.resources_dir() / "map"


def cache_dir() -> Path:
    """The folder for built caches (gazetteer, viewed online tiles), created on demand."""
    return paths.cache_dir()
