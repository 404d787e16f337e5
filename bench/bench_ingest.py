"""Ingest, verify and info speed and memory, beside ExifTool on the same files.

Targets (issue 2):
  (a) evidence committed (bytes stored, SHA-256, metadata, summary, flags): at least ExifTool's metadata-only
      `exiftool -json` pass over the same files (files/s);
  (b) pixel products (thumbnail + perceptual hash) within 1.3x of a bare reduced-scale JPEG decode on all cores;
  peak memory under 300 MB whatever the count; ingest and verify of a 2 GB file under 300 MB;
  `workbench info` on an incident with 5,000 items under 1 s.

Usage: python bench/bench_ingest.py [--files 500] [--big-gb 2] [--items 5000] [--keep DIR]
Each phase runs in its own process so its peak memory (VmHWM) is its own.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def peak_mb() -> float:
    """This process's peak resident memory (VmHWM: unlike ru_maxrss, not inherited across fork+exec)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


class TreeSampler:
    """Samples the resident memory of this process and all its descendants every 20 ms; keeps the peak sum."""

    def __init__(self) -> None:
        import threading

        self.peak_total_mb = 0.0
        self.peak_child_mb = 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    @staticmethod
    def _rss_mb(pid: int) -> float:
        try:
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
        except OSError:
            pass
        return 0.0

    @staticmethod
    def _children(pid: int) -> list[int]:
        out: list[int] = []
        try:
            for task in Path(f"/proc/{pid}/task").iterdir():
                text = (task / "children").read_text().split()
                out.extend(int(t) for t in text)
        except OSError:
            pass
        return out

    def _run(self) -> None:
        me = os.getpid()
        while not self._stop.wait(0.02):
            kids, todo = [], self._children(me)
            while todo:
                pid = todo.pop()
                kids.append(pid)
                todo.extend(self._children(pid))
            child = [self._rss_mb(k) for k in kids]
            self.peak_child_mb = max([self.peak_child_mb, *child])
            self.peak_total_mb = max(self.peak_total_mb, self._rss_mb(me) + sum(child))

    def __enter__(self) -> TreeSampler:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


def make_jpegs(folder: Path, count: int) -> None:
    """`count` distinct 12-megapixel JPEGs with EXIF (~4-5 MB each): one noisy image, a different EXIF block each."""
    import numpy as np
    import piexif
    from PIL import Image

    folder.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(0)
    small = rng.integers(0, 255, (750, 1000, 3), dtype=np.uint8)
    img = Image.fromarray(small).resize((4000, 3000), Image.Resampling.BILINEAR)
    # noise sized so a quality-92 file is ~4.8 MB, like a 12-MP phone photo (and the ExifTool reference figure)
    noisy = np.asarray(img).astype(np.int16) + rng.integers(-6, 6, (3000, 4000, 3), dtype=np.int16)
    img = Image.fromarray(np.clip(noisy, 0, 255).astype(np.uint8))
    buf = io.BytesIO()
    img.save(buf, "JPEG", quality=92)
    base = buf.getvalue()
    for i in range(count):
        exif = piexif.dump(
            {
                "0th": {piexif.ImageIFD.Make: b"BenchCam", piexif.ImageIFD.Model: f"Model {i % 7}".encode()},
                "Exif": {
                    piexif.ExifIFD.DateTimeOriginal: f"2024:05:{1 + i % 28:02d} 12:{i % 60:02d}:00".encode(),
                    piexif.ExifIFD.OffsetTimeOriginal: b"+02:00",
                    piexif.ExifIFD.BodySerialNumber: str(i).encode(),
                },
                "GPS": {
                    piexif.GPSIFD.GPSLatitudeRef: b"N",
                    piexif.GPSIFD.GPSLatitude: ((48, 1), (i % 60, 1), (0, 1)),
                    piexif.GPSIFD.GPSLongitudeRef: b"E",
                    piexif.GPSIFD.GPSLongitude: ((16, 1), (22, 1), (i, 1)),
                },
            }
        )
        out = io.BytesIO()
        piexif.insert(exif, base, out)
        (folder / f"IMG_{i:05d}.jpg").write_bytes(out.getvalue())


def phase_ingest(folder: str, incident: str) -> dict[str, float]:
    from workbench.core.incident import Incident
    from workbench.core.ingest import add_evidence, compute_missing_pixels

    files = sorted(Path(folder).iterdir())
    with Incident.create(incident, title="bench") as inc:
        t0 = time.perf_counter()
        report = add_evidence(inc, files, pixels=False)
        t_evidence = time.perf_counter() - t0
        assert report.added == len(files), report.to_json()["items"][:3]
        t0 = time.perf_counter()
        with TreeSampler() as tree:
            made, failed = compute_missing_pixels(inc, workers=os.cpu_count())
        t_pixels = time.perf_counter() - t0
        assert made == len(files) and not failed, failed[:3]
    return {
        "files": len(files),
        "evidence_s": t_evidence,
        "pixels_s": t_pixels,
        "peak_mb": peak_mb(),
        "peak_worker_mb": tree.peak_child_mb,
        "peak_tree_mb": tree.peak_total_mb,
    }


def _bare_decode(path: str) -> int:
    from PIL import Image

    with Image.open(path) as im:
        im.draft("RGB", (256, 256))
        im.load()
        return im.size[0]


def phase_bare_decode(folder: str) -> dict[str, float]:
    files = [str(p) for p in sorted(Path(folder).iterdir())]
    t0 = time.perf_counter()
    with ProcessPoolExecutor(max_workers=os.cpu_count()) as pool:
        list(pool.map(_bare_decode, files, chunksize=8))
    return {"decode_s": time.perf_counter() - t0}


def phase_big(path: str, incident: str) -> dict[str, float]:
    from workbench.core.incident import Incident
    from workbench.core.ingest import add_evidence

    with Incident.create(incident, title="big") as inc:
        t0 = time.perf_counter()
        report = add_evidence(inc, [path], pixels=False)
        t = time.perf_counter() - t0
        assert report.added == 1
    return {"ingest_s": t, "peak_mb": peak_mb()}


def phase_verify(incident: str) -> dict[str, float]:
    from workbench.core.verify import verify_incident

    t0 = time.perf_counter()
    report = verify_incident(incident)
    t = time.perf_counter() - t0
    assert report.intact, report.problems
    return {"verify_s": t, "peak_mb": peak_mb(), "bytes": report.bytes_checked}


def phase_many_items(incident: str, count: int) -> dict[str, float]:
    """An incident with `count` small items, then time `workbench info --json` as a user runs it."""
    from tests.helpers import make_jpeg

    from workbench.core.incident import Incident
    from workbench.core.ingest import add_evidence

    with tempfile.TemporaryDirectory() as tmp:
        for i in range(count):
            Path(tmp, f"{i:05d}.jpg").write_bytes(make_jpeg(32, 24, seed=i))
        with Incident.create(incident, title="many") as inc:
            t0 = time.perf_counter()
            add_evidence(inc, [tmp], pixels=False)
            t_add = time.perf_counter() - t0
    t0 = time.perf_counter()
    out = subprocess.run(
        [str(Path(sys.executable).parent / "workbench"), "info", incident, "--json"], capture_output=True, check=True
    )
    t_info = time.perf_counter() - t0
    assert len(json.loads(out.stdout)["media"]) == count
    return {"add_s": t_add, "info_s": t_info}


def run_phase(name: str, *args: object) -> dict[str, float]:
    code = (
        f"import json, sys; sys.path.insert(0, {str(ROOT)!r}); import bench.bench_ingest as b; "
        f"print(json.dumps(b.{name}(*{args!r})))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    if out.returncode != 0:
        raise SystemExit(f"{name} failed:\n{out.stderr[-3000:]}")
    result: dict[str, float] = json.loads(out.stdout.strip().splitlines()[-1])
    return result


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--files", type=int, default=500)
    ap.add_argument("--big-gb", type=float, default=2.0)
    ap.add_argument("--items", type=int, default=5000)
    ap.add_argument("--keep", type=Path, default=None, help="work in this folder and keep it")
    args = ap.parse_args()
    work = args.keep or Path(tempfile.mkdtemp(prefix="bench-ingest-"))
    work.mkdir(parents=True, exist_ok=True)
    try:
        if args.files > 0:
            photos = work / "photos"
            if not photos.exists() or len(list(photos.iterdir())) != args.files:
                shutil.rmtree(photos, ignore_errors=True)
                t0 = time.perf_counter()
                make_jpegs(photos, args.files)
                print(f"generated {args.files} 12-MP JPEGs in {time.perf_counter() - t0:.1f} s")
            size_mb = sum(p.stat().st_size for p in photos.iterdir()) / args.files / 1e6
            print(f"cores: {os.cpu_count()}; files: {args.files} x {size_mb:.1f} MB")

            exiftool = shutil.which("exiftool")
            if exiftool:
                subprocess.run([exiftool, "-json", "-q", str(photos / "IMG_00000.jpg")], capture_output=True)
                t0 = time.perf_counter()
                subprocess.run([exiftool, "-json", "-q", str(photos)], capture_output=True, check=True)
                t_exif = time.perf_counter() - t0
            inc = work / "bench.incident"
            inc.unlink(missing_ok=True)
            r = run_phase("phase_ingest", str(photos), str(inc))
            fps = r["files"] / r["evidence_s"]
            print(f"(a) evidence committed: {fps:.0f} files/s ({r['evidence_s']:.1f} s, {fps * size_mb:.0f} MB/s)")
            if exiftool:
                efps = args.files / t_exif
                print(
                    f"    exiftool -json, same files: {efps:.0f} files/s  -> ratio ours/exiftool {fps / efps:.2f}x "
                    f"(goal >= 1.0)"
                )
            else:
                print("    exiftool not installed: no reference figure (apt install libimage-exiftool-perl)")
            d = run_phase("phase_bare_decode", str(photos))
            print(
                f"(b) pixel products: {r['pixels_s']:.1f} s; bare reduced-scale decode, all cores: "
                f"{d['decode_s']:.1f} s "
                f"-> ratio {r['pixels_s'] / d['decode_s']:.2f}x (goal <= 1.3)"
            )
            print(
                f"    peak memory: main process {r['peak_mb']:.0f} MB, one pixel worker {r['peak_worker_mb']:.0f} MB, "
                f"all processes together {r['peak_tree_mb']:.0f} MB (goal < 300)"
            )
            print(
                f"    incident file: {inc.stat().st_size / 1e9:.2f} GB for {args.files * size_mb / 1e3:.2f} GB of files"
            )
            inc.unlink()
            shutil.rmtree(photos) if not args.keep else None

        if args.big_gb > 0:
            big = work / "big.bin"
            with big.open("wb") as fh:
                block = os.urandom(1 << 24)
                for _ in range(int(args.big_gb * 1024 / 16)):
                    fh.write(block)
            big_inc = work / "big.incident"
            big_inc.unlink(missing_ok=True)
            b = run_phase("phase_big", str(big), str(big_inc))
            v = run_phase("phase_verify", str(big_inc))
            gb = big.stat().st_size / 1e9
            print(
                f"{gb:.1f} GB file: ingest {b['ingest_s']:.1f} s, peak {b['peak_mb']:.0f} MB; "
                f"verify {v['verify_s']:.1f} s, peak {v['peak_mb']:.0f} MB (goal < 300 MB each)"
            )
            big.unlink()
            big_inc.unlink()

        if args.items > 0:
            many = work / "many.incident"
            many.unlink(missing_ok=True)
            m = run_phase("phase_many_items", str(many), args.items)
            print(
                f"`workbench info --json` on {args.items} items: {m['info_s']:.2f} s (goal < 1 s); "
                f"adding them took {m['add_s']:.1f} s"
            )
            many.unlink()
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
