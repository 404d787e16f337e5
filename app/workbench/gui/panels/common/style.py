"""Icons, colours and the application style sheet, all from `resources/` (override with WORKBENCH_RESOURCES)."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from PySide6.QtGui import QIcon

from workbench.core import paths

SEVERITY_COLOURS = {"info": "#2f6fab", "notice": "#b7791f", "warning": "#c53030"}
ANNOTATION_COLOURS = {
    "landmark": "#e8590c",
    "sign/text": "#1971c2",
    "vehicle/plate": "#9c36b5",
    "person": "#e03131",
    "vegetation/terrain": "#2f9e44",
    "weather/sky": "#0c8599",
    "shadow": "#495057",
    "other": "#f08c00",
}


def resources_dir() -> Path:
    return paths.resources_dir()


@cache
def icon(name: str) -> QIcon:
    """An icon from resources/icons/<name>.svg (an empty icon if it is missing, never an error)."""
    path = resources_dir() / "icons" / f"{name}.svg"
    return QIcon(str(path)) if path.exists() else QIcon()


def style_sheet() -> str:
    path = resources_dir() / "style.qss"
    if not path.exists():
        return ""
    icons = (resources_dir() / "icons").as_posix()
    return path.read_text(encoding="utf-8").replace("@ICONS@", icons)
