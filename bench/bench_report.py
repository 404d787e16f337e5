"""Benchmark: the full report of an incident with 50 photos (12 MP camera JPEGs, annotated) and 500 posts.

    .venv/bin/python bench/bench_report.py [--items 50] [--posts 500] [--keep DIR]

Prints the time to build the report model, to paint the PDF, the PDF's size and pages, and the peak memory.
The target (issue): under 10 s and under 20 MB. There is no peer tool that writes this kind of report offline,
so there is no comparison figure.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import resource
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "app"))

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

TEXTS = (
    "Flooding in the main square this morning, water up to the knees",
    "الفيضانات في الساحة الرئيسية صباح اليوم",
    "הצפה בכיכר המרכזית הבוקר",
    "Наводнение на главной площади сегодня утром",
    "今天早上主广场被洪水淹没",
    "今朝中央広場が浸水しました",
    "आज सुबह चौक पर पानी",
    "Flood 🌊🚨 today, stay safe",
)


def make_incident(path: Path, items: int, posts: int) -> None:
    from PIL import Image

    from workbench.core import annotations as ann
    from workbench.core import findings as fnd
    from workbench.core.demo import DemoPhoto, photo_bytes
    from workbench.core.incident import Incident
    from workbench.core.ingest import add_evidence

    with (
        tempfile.TemporaryDirectory() as tmp,
        Incident.create(path, title="Benchmark incident", analyst="bench") as inc,
    ):
        files = []
        for i in range(items):
            photo = DemoPhoto(
                f"IMG_{i:04d}.JPG",
                seed=i,
                taken_local=datetime(2025, 3, 14, 8, 0, tzinfo=UTC) + timedelta(minutes=i),
                gps=(48.2 + i * 1e-4, 16.37),
                size=(4000, 3000),
            )
            # The demo's scenes are smooth; camera photos have grain and texture, which is what makes pictures
            # large in a PDF. Grain is added so that the size figure is not flattered.
            scene = Image.open(io.BytesIO(photo_bytes(photo)))
            grain = Image.effect_noise(scene.size, 48).convert("RGB")
            textured = Image.blend(scene.convert("RGB"), grain, 0.12)
            f = Path(tmp) / photo.filename
            textured.save(f, "JPEG", quality=92, exif=scene.info.get("exif", b""))
            files.append(f)
        add_evidence(inc, files, workers=2)
        for item in inc.media_items():
            ann.create_annotation(inc, item.id, "rect", {"x": 1500, "y": 1000, "w": 1000, "h": 150}, label="sign")
            ann.create_annotation(
                inc, item.id, "arrow", {"points": [[500, 500], [1400, 1100]]}, category="landmark", label="facade"
            )
        with inc.write() as conn:
            for i in range(posts):
                acc = int(
                    conn.exec_driver_sql(
                        "INSERT INTO account (platform, platform_id, username, display_name) VALUES (?, ?, ?, ?) "
                        "ON CONFLICT (platform, platform_id) DO UPDATE SET username = excluded.username RETURNING id",
                        ("telegram", f"a{i % 60}", f"user{i % 60}", f"User {i % 60}"),
                    ).scalar_one()
                )
                created = datetime(2025, 3, 14, 7, 0, tzinfo=UTC) + timedelta(minutes=3 * i)
                text = f"{TEXTS[i % len(TEXTS)]} #{i}"
                conn.exec_driver_sql(
                    "INSERT INTO post (platform, platform_id, account_id, url, created_utc, text, raw_json) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?)",
                    ("telegram", f"p{i}", acc, f"https://t.me/c/{i}", created.isoformat(), text, json.dumps({"i": i})),
                )
            inc.record(conn, "bench.posts", "incident", 1, {"posts": posts})
        for i in range(10):
            fnd.add_finding(inc, f"Finding {i}", confidence="medium", evidence=[f"media:{i + 1}"])
        fnd.set_verdict(inc, "likely", "Benchmark.")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--items", type=int, default=50)
    parser.add_argument("--posts", type=int, default=500)
    parser.add_argument("--keep", default=None, help="keep the incident and the PDF in this folder")
    args = parser.parse_args()

    from workbench.core.incident import Incident
    from workbench.core.report import build_report
    from workbench.render import ensure_app, write_pdf

    folder = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="bench-report-"))
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "bench.incident"
    if not path.exists():
        t = time.perf_counter()
        make_incident(path, args.items, args.posts)
        print(f"set-up: {args.items} items of 4000x3000, {args.posts} posts in {time.perf_counter() - t:.1f} s")
    ensure_app()  # start-up of Qt is part of any report, but measured apart
    out = folder / "bench.pdf"

    def cpu() -> float:
        r = resource.getrusage(resource.RUSAGE_SELF)
        return r.ru_utime + r.ru_stime

    c0 = cpu()
    t0 = time.perf_counter()
    with Incident.open(path, read_only=True) as inc:
        report = build_report(inc)
    t1, c1 = time.perf_counter(), cpu()
    pages = write_pdf(report, out)
    t2, c2 = time.perf_counter(), cpu()
    size = out.stat().st_size
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    figures = report.figures()
    print(
        f"report model: {t1 - t0:.2f} s wall, {c1 - c0:.2f} s CPU ({len(figures)} figures, "
        f"{report.size_bytes() / 1e6:.1f} MB of pictures)"
    )
    print(f"PDF painting: {t2 - t1:.2f} s wall, {c2 - c1:.2f} s CPU ({pages} pages)")
    print(f"total:        {t2 - t0:.2f} s wall, {c2 - c0:.2f} s CPU  (target < 10 s; {os.cpu_count()} cores,")
    print(f"              load average {os.getloadavg()[0]:.1f} at the end: other work on the machine slows it)")
    print(f"PDF size:     {size / 1e6:.1f} MB (target < 20 MB)")
    print(f"peak RSS:     {peak:.0f} MB")
    if not args.keep:
        out.unlink()
        path.unlink()


if __name__ == "__main__":
    main()
