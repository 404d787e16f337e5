"""GUI benchmarks: opening a 2,000-item incident, thumbnails arriving with the window responsive, and the forensic
layers the inspector runs (decode + view + conversion for display), on the paths the window really uses.

    .venv/bin/python bench/bench_gui.py [--items 2000] [--rebuild]

Targets (the issue): usable in under 2 s with 2,000 items; no GUI-thread stall over 100 ms while thumbnails load;
ELA of a 24-megapixel JPEG under 1.5 s; clone detection on a 12-megapixel image under 5 s. The incident is built
once and kept in the temporary folder (add_evidence on generated JPEGs, thumbnails included).
"""

from __future__ import annotations

import argparse
import io
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


def build_incident(path: Path, items: int) -> None:
    import numpy as np
    from PIL import Image

    from workbench.core.incident import Incident
    from workbench.core.ingest import add_evidence

    folder = path.parent / "files"
    folder.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(1)
    for i in range(items):
        small = rng.integers(0, 255, (6, 8, 3), dtype=np.uint8)
        img = Image.fromarray(small).resize((640, 480), Image.Resampling.BILINEAR)
        img.save(folder / f"img_{i:05d}.jpg", quality=85)
    with Incident.create(path, title=f"{items} items") as inc:
        add_evidence(inc, [folder])


def big_jpeg(megapixels: float, seed: int = 0) -> bytes:
    import numpy as np
    from PIL import Image

    width = int((megapixels * 1e6 * 4 / 3) ** 0.5)
    height = int(width * 3 / 4)
    rng = np.random.default_rng(seed)
    small = rng.integers(0, 255, (height // 16, width // 16, 3), dtype=np.uint8)
    img = Image.fromarray(small).resize((width, height), Image.Resampling.BICUBIC)
    noise = rng.normal(0, 6, (height, width, 3))
    arr = np.clip(np.asarray(img, dtype=np.float32) + noise, 0, 255).astype(np.uint8)
    buf = io.BytesIO()
    Image.fromarray(arr).save(buf, "JPEG", quality=90)
    return buf.getvalue()


class StallMeter:
    """Ticks every 5 ms on the GUI thread; the longest gap between ticks is the longest stall.

    With `trace=True` a watchdog thread samples the GUI thread's stack whenever it has not ticked for 50 ms, so
    the report says where the stalls are.
    """

    def __init__(self, trace: bool = False) -> None:
        import collections
        import threading

        from PySide6.QtCore import QTimer

        self.longest = 0.0
        self._last = time.perf_counter()
        self.timer = QTimer()
        self.timer.setInterval(5)
        self.timer.timeout.connect(self._tick)
        self.samples: collections.Counter[str] = collections.Counter()
        self._running = False
        if trace:
            self._gui = threading.main_thread().ident
            threading.Thread(target=self._watch, daemon=True).start()

    def _watch(self) -> None:
        import traceback

        while True:
            time.sleep(0.01)
            if self._running and time.perf_counter() - self._last > 0.05:
                frame = sys._current_frames().get(self._gui or 0)
                if frame is not None:
                    stack = traceback.extract_stack(frame)[-7:]
                    where = " <- ".join(f"{Path(f.filename).name}:{f.name}:{f.lineno}" for f in reversed(stack))
                    self.samples[where] += 1

    def _tick(self) -> None:
        now = time.perf_counter()
        self.longest = max(self.longest, now - self._last)
        self._last = now

    def start(self) -> None:
        self._last = time.perf_counter()
        self.longest = 0.0
        self._running = True
        self.timer.start()

    def stop(self) -> float:
        self.timer.stop()
        self._running = False
        return self.longest


def run_until(condition, timeout: float = 120.0) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtWidgets import QApplication

    end = time.perf_counter() + timeout
    while not condition():
        QApplication.processEvents()
        time.sleep(0.001)
        if time.perf_counter() > end:
            raise TimeoutError


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--items", type=int, default=2000)
    parser.add_argument("--rebuild", action="store_true")
    parser.add_argument("--only", nargs="*", help="optional panels to add (default: all that exist; none: --only)")
    parser.add_argument("--skip-layers", action="store_true")
    parser.add_argument("--trace-stalls", action="store_true", help="sample where the GUI thread stalls")
    args = parser.parse_args()

    from workbench.gui.main import prepare

    prepare()
    from PySide6.QtCore import QSettings
    from PySide6.QtWidgets import QApplication

    from workbench.gui import main_window as main_window_module
    from workbench.gui.context import AppContext
    from workbench.gui.main_window import MainWindow

    if args.only is not None:
        main_window_module.OPTIONAL_PANELS = tuple(args.only)  # type: ignore[misc]
    from workbench.gui.panels.common.style import style_sheet

    cache = Path(tempfile.gettempdir()) / "workbench-bench-gui"
    incident = cache / f"items-{args.items}.incident"
    if args.rebuild or not incident.exists():
        import shutil

        shutil.rmtree(cache, ignore_errors=True)
        cache.mkdir(parents=True)
        t = time.perf_counter()
        build_incident(incident, args.items)
        print(f"built {incident} in {time.perf_counter() - t:.1f} s")

    app = QApplication([sys.argv[0]])
    app.setStyle("Fusion")
    app.setStyleSheet(style_sheet())
    ctx = AppContext(QSettings(str(cache / "settings.ini"), QSettings.Format.IniFormat))
    window = MainWindow(ctx)
    window.resize(1600, 1000)
    window.show()
    run_until(lambda: window.isVisible())
    meter = StallMeter(trace=args.trace_stalls)
    meter.start()
    t0 = time.perf_counter()
    window.open_path(incident)
    run_until(lambda: window.evidence.model.rowCount() == args.items)
    usable = time.perf_counter() - t0
    first_thumbs = None
    model = window.evidence.model

    def visible_thumbs() -> bool:
        return all(model.has_thumbnail(i) for i in list(window.evidence._visible_ids())[:10])

    run_until(visible_thumbs)
    first_thumbs = time.perf_counter() - t0
    # Clicking while thumbnails load: the window answers at once.
    t_click = time.perf_counter()
    window.evidence.select_id(model.items[-1].id)
    click = time.perf_counter() - t_click
    run_until(lambda: not window.evidence.thumbnails_pending, timeout=300)
    all_thumbs = time.perf_counter() - t0
    stall = meter.stop()
    panels = ", ".join(window.docks)
    print(f"panels: {panels}")
    print(f"open {args.items} items: usable (list filled) in {usable:.2f} s   [target < 2 s]")
    print(f"  thumbnails on screen after {first_thumbs:.2f} s; all {args.items} after {all_thumbs:.2f} s")
    print(f"  longest GUI-thread stall while loading: {stall * 1000:.0f} ms   [target < 100 ms]")
    print(f"  selecting an item while loading took {click * 1000:.1f} ms on the GUI thread")
    for where, n in meter.samples.most_common(12):
        print(f"    stalled {n * 10} ms in {where}")

    # Forensic layers on the inspector's path: decode from the incident, run the view, convert for display.
    from workbench.core.incident import Incident
    from workbench.core.ingest import add_file
    from workbench.core.tasks import Progress
    from workbench.gui.panels.inspector.loading import run_layer

    window.close()
    ctx.shutdown()
    if args.skip_layers:
        return 0
    layers_path = cache / "layers.incident"
    layers = Incident.open(layers_path) if layers_path.exists() else Incident.create(layers_path, title="layers")
    results = {}
    for mp, view, target in ((24, "ela", 1.5), (12, "clone", 5.0)):
        photo = cache / f"big_{mp}mp.jpg"
        if not photo.exists():
            photo.write_bytes(big_jpeg(mp, seed=mp))
        existing = {m.filename: m.id for m in layers.media_items()}
        media_id = existing.get(photo.name)
        if media_id is None:
            media_id = add_file(layers, photo).media_id
        assert media_id is not None
        from workbench.core.media.forensics import open_image, run_view

        data = layers.media_bytes(media_id)
        t = time.perf_counter()
        image = open_image(data)
        decode = time.perf_counter() - t
        t = time.perf_counter()
        run_view(view, image)
        pure = time.perf_counter() - t
        t = time.perf_counter()
        layer = run_layer(layers, media_id, view, {}, progress=Progress())
        whole = time.perf_counter() - t
        results[view] = whole
        w, h = layer.image.width(), layer.image.height()
        print(
            f"{view} on {w}x{h} ({w * h / 1e6:.1f} MP): view {pure:.2f} s [target < {target} s]; "
            f"decode {decode:.2f} s; inspector path (read + decode + view + display image) {whole:.2f} s"
        )
    layers.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
