"""Regenerate docs/screenshots/*.png: the whole window and each panel, on the demo incident.

    .venv/bin/python scripts/screenshots.py [--incident FILE] [--out docs/screenshots] [--size 1600x1000]

Builds the demo incident in a temporary folder (or opens the one given, read-only is not needed: it works on a
copy), marks a few clues on the first photo, switches the inspector to a forensic layer, and grabs each widget.
Runs offscreen by default; with DISPLAY set and QT_QPA_PLATFORM=xcb it shows the window as a person sees it.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _wait(app: object, condition: Callable[[], bool], timeout: float = 30.0) -> None:
    from PySide6.QtWidgets import QApplication

    deadline = time.monotonic() + timeout
    while not condition():
        QApplication.processEvents()
        time.sleep(0.01)
        if time.monotonic() > deadline:
            raise TimeoutError("the window did not get there in time")


def _settle(seconds: float = 0.3) -> None:
    from PySide6.QtWidgets import QApplication

    end = time.monotonic() + seconds
    while time.monotonic() < end:
        QApplication.processEvents()
        time.sleep(0.01)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--incident", type=Path, help="an incident to show instead of the demo (a copy is used)")
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots")
    parser.add_argument("--size", default="1600x1000")
    args = parser.parse_args(argv)
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    width, height = (int(v) for v in args.size.split("x"))

    from workbench.gui.main import prepare

    prepare()
    from PySide6.QtCore import QSettings
    from PySide6.QtWidgets import QApplication

    from workbench.core.undo import CreateAnnotation
    from workbench.gui.context import AppContext
    from workbench.gui.main_window import MainWindow
    from workbench.gui.panels.common.style import icon, style_sheet

    work = Path(tempfile.mkdtemp(prefix="workbench-shots-"))
    try:
        incident = work / "demo.incident"
        if args.incident:
            shutil.copyfile(args.incident, incident)
        else:
            from workbench.core.demo import build_demo

            build_demo(incident)
        app = QApplication.instance() or QApplication([sys.argv[0]])
        assert isinstance(app, QApplication)
        app.setStyle("Fusion")
        app.setStyleSheet(style_sheet())
        app.setWindowIcon(icon("workbench"))
        ctx = AppContext(QSettings(str(work / "settings.ini"), QSettings.Format.IniFormat))
        window = MainWindow(ctx)
        window.resize(width, height)
        window.show()
        _settle()
        args.out.mkdir(parents=True, exist_ok=True)

        def shot(name: str, widget: object) -> None:
            path = args.out / f"{name}.png"
            widget.grab().save(str(path))  # type: ignore[attr-defined]
            print(f"wrote {path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}")

        # No incident yet: the empty state a newcomer sees first.
        shot("window-empty", window)
        window.open_path(incident)
        items = {}
        _wait(app, lambda: window.evidence.model.rowCount() > 0)
        _wait(app, lambda: not window.evidence.thumbnails_pending)
        items = {i.filename: i.id for i in window.evidence.model.items}
        photo = items.get("DSCF4021.JPG") or next(iter(items.values()))

        # Clues on the first photo, as an analyst would mark them.
        for shape, geometry, values in (
            ("rect", {"x": 560, "y": 330, "w": 260, "h": 120}, {"category": "sign/text", "label": "shop sign"}),
            ("polygon", {"points": [[0, 760], [1600, 760], [1600, 1200], [0, 1200]]},
             {"category": "vegetation/terrain", "label": "water surface", "confidence": 0.8}),
            ("arrow", {"points": [[1180, 300], [1030, 440]]}, {"category": "landmark", "label": "tower"}),
            ("ellipse", {"x": 120, "y": 420, "w": 200, "h": 160}, {"category": "shadow", "label": "shadow"}),
            ("point", {"x": 820, "y": 880}, {"category": "other", "label": "reflection"}),
        ):  # fmt: skip
            ctx.push(CreateAnnotation(photo, shape, geometry, values))
        window.evidence.select_id(photo)
        _wait(app, lambda: window.inspector.picture is not None and window.inspector.picture.media_id == photo)
        _wait(app, lambda: window.metadata.heading.text() != "")
        created = [a for a in window.inspector.canvas._items]
        if created:
            ctx.select_annotation(created[1] if len(created) > 1 else created[0])
        _settle(0.6)
        shot("window", window)
        shot("evidence", window.docks["evidence"])
        shot("metadata", window.docks["metadata"])
        shot("annotations", window.docks["annotations"])
        shot("inspector", window.inspector)

        edited = items.get("riverton_square_edit.jpg")
        if edited is not None and window.inspector.layer_box.findData("ela") >= 0:
            window.evidence.select_id(edited)
            _wait(app, lambda: window.inspector.picture is not None and window.inspector.picture.media_id == edited)
            window.inspector.choose_layer("ela")
            _wait(app, lambda: window.inspector.layer is not None and window.inspector.layer.name == "ela", 60)
            _settle(0.4)
            shot("inspector-ela", window.inspector)
            shot("metadata-flags", window.docks["metadata"])
            window.inspector.choose_layer(None)

        video = next((i.id for i in window.evidence.model.items if i.kind == "video"), None)
        if video is not None:
            window.evidence.select_id(video)
            _wait(app, lambda: window.inspector.picture is not None and window.inspector.picture.media_id == video)
            window.inspector.seek(1.5)
            _settle(0.8)
            shot("inspector-video", window.inspector)
        window.evidence.select_id(photo)
        _wait(app, lambda: window.inspector.picture is not None and window.inspector.picture.media_id == photo)
        sizes = {"map": (900, 700)}
        for name, dock in window.docks.items():
            if name not in ("evidence", "metadata", "annotations"):
                # Shown on its own at a useful size (in the window it may be a tab in a narrow strip).
                dock.setFloating(True)
                dock.resize(*sizes.get(name, (1400, 520)))
                dock.show()
                dock.raise_()
                _settle(2.5 if name == "map" else 0.8)  # the map page draws its tiles asynchronously
                shot(name, dock)
                dock.setFloating(False)
        window.docks["metadata"].raise_()
        window.close()
        ctx.shutdown()
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
