"""Context import and overlay speed and memory.

Targets (issue: context):
  (a) importing a 500 MB WARC streams: peak memory (VmHWM) under 300 MB, whatever the archive's size;
  (b) an overlay of a 10,000 × 10,000 image stays smooth on the map: it is cut once into XYZ tiles, and the map
      then fetches 256-pixel tiles (time per tile, p50/p99) instead of the image.

The peer figure for (a) is a bare `gzip -dc FILE > /dev/null` over the same archive (the floor for any reader of a
gzip WARC); ours also stores and hashes the 500 MB as evidence, reads it back from the incident and extracts text.

Usage: python bench/bench_context.py [--warc-mb 500] [--image-px 10000] [--keep DIR] [--only warc|overlay]
Each phase runs in its own process so its peak memory is its own.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
import zlib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "app"))


def peak_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


WORDS = [
    "bridge",
    "river",
    "storm",
    "kestrel",
    "police",
    "witness",
    "video",
    "photo",
    "morning",
    "council",
    "road",
    "closed",
    "water",
    "level",
    "report",
    "minister",
    "statement",
    "crowd",
    "smoke",
    "fire",
    "engine",
    "station",
    "rain",
    "wind",
    "damage",
    "street",
    "square",
    "market",
]


def _page(rng: random.Random, n: int) -> bytes:
    paras = "".join(
        "<p>" + " ".join(rng.choice(WORDS) for _ in range(rng.randint(30, 120))) + "</p>" for _ in range(60)
    )
    return (
        f"<!doctype html><html><head><title>Page {n}: {rng.choice(WORDS)} {rng.choice(WORDS)}</title>"
        f"<script>var x={n};</script><style>p{{margin:0}}</style></head><body><h1>Story {n}</h1>{paras}"
        f"<a href='/story/{n + 1}'>next</a></body></html>"
    ).encode()


def make_big_warc(path: Path, target_mb: int, media_every: int = 20) -> tuple[int, int]:
    """A gzip WARC of about `target_mb`: HTML pages between large incompressible media responses. (pages, records)"""
    from tests.core.context.makers import http_response, warc_record

    rng = random.Random(7)
    target = target_mb * 1024 * 1024
    pages = records = 0
    with path.open("wb") as fh:
        while fh.tell() < target:
            if media_every and records % media_every == media_every - 1:
                body = os.urandom(rng.randint(1, 8) * 1024 * 1024)  # a video or image: incompressible
                rec = warc_record("response", f"https://cdn.example/{records}.mp4", "2024-05-03T10:00:00Z",
                                  http_response(body, "video/mp4"), "application/http; msgtype=response")  # fmt: skip
            else:
                rec = warc_record("response", f"https://news.example/{records}", "2024-05-03T10:00:00Z",
                                  http_response(_page(rng, records)), "application/http; msgtype=response")  # fmt: skip
                pages += 1
            c = zlib.compressobj(1, zlib.DEFLATED, 31)
            fh.write(c.compress(rec) + c.flush())
            records += 1
    return pages, records


def phase_warc(work: Path, mb: int) -> dict[str, object]:
    from workbench.core.context.documents import import_archive, search
    from workbench.core.incident import Incident

    warc = work / "big.warc.gz"
    case = work / "warc.incident"
    t0 = time.perf_counter()
    with Incident.create(case, title="bench") as inc:
        report = import_archive(inc, warc)
        elapsed = time.perf_counter() - t0
        t1 = time.perf_counter()
        hits = search(inc, "kestrel bridge", limit=20)
        search_ms = (time.perf_counter() - t1) * 1000
    return {
        "warc_mb": round(warc.stat().st_size / 1024 / 1024, 1),
        "pages": report.pages,
        "records": report.records,
        "import_s": round(elapsed, 2),
        "mb_per_s": round(warc.stat().st_size / 1024 / 1024 / elapsed, 1),
        "peak_mb": round(peak_mb(), 1),
        "search_ms": round(search_ms, 1),
        "search_hits": len(hits),
    }


def make_big_image(path: Path, px: int) -> None:
    import numpy as np
    from PIL import Image

    Image.MAX_IMAGE_PIXELS = None  # the bench's own generated image
    rows = []
    rng = np.random.default_rng(3)
    step = 1000
    for y in range(0, px, step):
        yy, xx = np.mgrid[y : y + step, 0:px]
        block = np.stack(
            [(xx * 255 // px), (yy * 255 // px), ((xx // 50 + yy // 50) % 2) * 200 + rng.integers(0, 40, xx.shape)],
            axis=-1,
        ).astype("uint8")
        rows.append(block)
    Image.fromarray(np.concatenate(rows, axis=0), "RGB").save(path, "JPEG", quality=85)


def phase_overlay(work: Path, px: int) -> dict[str, object]:
    import random as rnd

    from workbench.core.context.reference import OverlayTileSource, import_reference_image, reference_image
    from workbench.core.incident import Incident

    case = work / "overlay.incident"
    image = work / "big.jpg"
    # 0.5 m pixels near 50° N: a 5 km square
    span_lat = px * 0.5 / 111_195
    span_lon = px * 0.5 / (111_320 * 0.6428)
    pts = [(0, 0, 50.0, 10.0), (px, 0, 50.0, 10.0 + span_lon), (0, px, 50.0 - span_lat, 10.0),
           (px, px, 50.0 - span_lat, 10.0 + span_lon)]  # fmt: skip
    t0 = time.perf_counter()
    with Incident.create(case, title="bench") as inc:
        changes = import_reference_image(inc, image, control_points=pts)
        cut_s = time.perf_counter() - t0
        ref = reference_image(inc, changes.ids["reference_images"][0])
    src = OverlayTileSource(case, ref.id)
    con_rows = []
    import sqlite3

    con = sqlite3.connect(case)
    con_rows = con.execute(
        "SELECT z, x, y, length(data) FROM overlay_tile WHERE reference_id = ?", (ref.id,)
    ).fetchall()
    con.close()
    sizes = [r[3] for r in con_rows]
    rng = rnd.Random(1)
    times = []
    for _ in range(2000):
        z, x, y, _s = rng.choice(con_rows)
        t = time.perf_counter()
        data = src.tile(z, x, y)
        times.append((time.perf_counter() - t) * 1000)
        assert data
    src.close()
    times.sort()
    return {
        "image_px": f"{px}x{px}",
        "image_mb": round(image.stat().st_size / 1024 / 1024, 1),
        "cut_s": round(cut_s, 1),
        "tiles": len(con_rows),
        "zooms": f"{ref.tiles['min_zoom']}-{ref.tiles['max_zoom']}",
        "tiles_mb": round(sum(sizes) / 1024 / 1024, 1),
        "tile_kb_max": round(max(sizes) / 1024, 1),
        "tile_ms_p50": round(times[len(times) // 2], 3),
        "tile_ms_p99": round(times[int(len(times) * 0.99)], 3),
        "peak_mb": round(peak_mb(), 1),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--warc-mb", type=int, default=500)
    parser.add_argument("--image-px", type=int, default=10_000)
    parser.add_argument("--media-every", type=int, default=20, help="one media record per N (0: pages only)")
    parser.add_argument("--keep", type=Path, default=None)
    parser.add_argument("--only", choices=("warc", "overlay"), default=None)
    parser.add_argument("--phase", default=None, help=argparse.SUPPRESS)
    parser.add_argument("--work", type=Path, default=None, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.phase:
        result = (
            phase_warc(args.work, args.warc_mb) if args.phase == "warc" else phase_overlay(args.work, args.image_px)
        )
        print(json.dumps(result))
        return 0
    work = args.keep or Path(tempfile.mkdtemp(prefix="bench-context-"))
    work.mkdir(parents=True, exist_ok=True)
    try:
        for phase in ("warc", "overlay"):
            if args.only and phase != args.only:
                continue
            if phase == "warc":
                t = time.perf_counter()
                pages, records = make_big_warc(work / "big.warc.gz", args.warc_mb, args.media_every)
                print(f"made a {args.warc_mb} MB WARC ({pages} pages, {records} records) in "
                      f"{time.perf_counter() - t:.1f} s")  # fmt: skip
                t = time.perf_counter()
                subprocess.run(f"gzip -dc {work / 'big.warc.gz'} > /dev/null", shell=True, check=True)
                print(f"peer floor: gzip -dc over the same file: {time.perf_counter() - t:.2f} s")
            else:
                t = time.perf_counter()
                make_big_image(work / "big.jpg", args.image_px)
                print(f"made a {args.image_px}² JPEG in {time.perf_counter() - t:.1f} s")
            out = subprocess.run(
                [sys.executable, __file__, "--phase", phase, "--work", str(work), "--warc-mb", str(args.warc_mb),
                 "--image-px", str(args.image_px)],
                capture_output=True, text=True, check=False,
            )  # fmt: skip
            if out.returncode != 0:
                print(out.stderr[-3000:])
                return 1
            result = json.loads(out.stdout.strip().splitlines()[-1])
            print(f"{phase}: " + ", ".join(f"{k} {v}" for k, v in result.items()))
            if phase == "warc":
                ok = float(result["peak_mb"]) < 300  # type: ignore[arg-type]
                print(f"  target peak memory < 300 MB: {'met' if ok else 'NOT met'}")
    finally:
        if args.keep is None:
            shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
