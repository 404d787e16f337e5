"""Where the workbench finds its bundled resources and keeps its per-user files.

- resources: `resources/` of the source tree, or of the desktop build (PyInstaller unpacks it under
  `sys._MEIPASS`); WORKBENCH_RESOURCES overrides both.
- config (installation id, settings the core keeps): WORKBENCH_CONFIG_DIR, else $XDG_CONFIG_HOME/workbench.
- cache (gazetteer, map data, viewed online tiles): WORKBENCH_CACHE_DIR, else $XDG_CACHE_HOME/workbench.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path


def resources_dir() -> Path:
    override = os.environ.get("WORKBENCH_RESOURCES")
    if override:
        return Path(override)
    bundle = getattr(sys, "_MEIPASS", None)
    if bundle:
        return Path(bundle) / "resources"
    return Path(__file__).resolve().parents[3] / "resources"  # app/workbench/core/paths.py → the project root


def config_dir() -> Path:
    if env := os.environ.get("WORKBENCH_CONFIG_DIR"):
        return Path(env)
    base = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(base) / "workbench"


def cache_dir() -> Path:
    """Created on demand."""
    if env := os.environ.get("WORKBENCH_CACHE_DIR"):
        path = Path(env)
    else:
        base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
        path = Path(base) / "workbench"
    path.mkdir(parents=True, exist_ok=True)
    return path
