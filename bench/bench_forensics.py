"""Forensic views and video keyframes: speed and memory, each figure beside its target.

Targets (the forensics issue):
  ELA of a 24-megapixel JPEG under 1.5 s (decode included; ELA alone shown too);
  clone detection on a 12-megapixel image under 5 s (and it must find the region cloned into it).
Also: keyframe extraction speed on a generated 720p video (frames decoded per second, no target), and the
peak memory of each phase. The peer figure for ELA is the textbook Pillow implementation (re-save with
Pillow, `ImageChops.difference`, a lookup-table brightness scale) on the same file; no other clone detector
is installed to compare with.

Usage: python bench/bench_forensics.py [--keep DIR]
Each phase runs in its own process so its peak memory (ru_maxrss) is its own.
"""

from __future__ import annotations

import argparse
import io
import json
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def photo_like(width: int, height: int, seed: int) -> object:
    """A photo-like picture quickly: 1/f noise at a quarter of the size, enlarged, plus sensor grain."""
    import cv2
    import numpy as np

    sys.path.insert(0, str(ROOT))
    from tests.core.forensics.synth import natural_image

    small = natural_image(width // 4, height // 4, seed=seed)
    big = cv2.resize(small, (width, height), interpolation=cv2.INTER_CUBIC).astype(np.int16)
    big += np.random.default_rng(seed).integers(-4, 5, big.shape, dtype=np.int16)
    return np.clip(big, 0, 255).astype(np.uint8)


def make_inputs(folder: Path) -> dict[str, str]:
    import numpy as np
    from PIL import Image

    big = photo_like(6000, 4000, seed=1)
    ela_path = folder / "24mp.jpg"
    Image.fromarray(big).save(ela_path, "JPEG", quality=92)
    del big

    mid = np.asarray(photo_like(4000, 3000, seed=2)).copy()
    mid[600:1100, 700:1300] = mid[1800:2300, 2500:3100].copy()  # a 500x600 copy-move
    clone_path = folder / "12mp_cloned.jpg"
    Image.fromarray(mid).save(clone_path, "JPEG", quality=92)

    video_path = folder / "720p.mp4"
    ffmpeg = shutil.which("ffmpeg")
    if ffmpeg:
        scenes = ["testsrc2", "mandelbrot", "smptehdbars", "testsrc", "rgbtestsrc", "cellauto"]
        inputs: list[str] = []
        for name in scenes:
            inputs += ["-t", "5", "-f", "lavfi", "-i", f"{name}=size=1280x720:rate=30"]
        chain = "".join(f"[{n}:v]" for n in range(len(scenes))) + f"concat=n={len(scenes)}:v=1:a=0[out]"
        cmd = [ffmpeg, "-v", "error", "-y", *inputs, "-filter_complex", chain, "-map", "[out]", "-c:v", "libx264"]
        cmd += ["-pix_fmt", "yuv420p", "-preset", "veryfast", "-g", "60", str(video_path)]
        subprocess.run(cmd, check=True, timeout=300)
    return {"ela": str(ela_path), "clone": str(clone_path), "video": str(video_path) if ffmpeg else ""}


def phase_ela(path: str) -> dict[str, float]:
    from workbench.core.media.forensics import ela, open_image

    ela(open_image(Path(path)).crop((0, 0, 64, 64)))  # warm up: OpenCV's first call loads its codecs
    t0, c0 = time.perf_counter(), time.process_time()
    image = open_image(Path(path))
    t1 = time.perf_counter()
    result = ela(image)
    t2 = time.perf_counter()
    return {
        "cpu_s": time.process_time() - c0,
        "decode_s": t1 - t0,
        "ela_s": t2 - t1,
        "total_s": t2 - t0,
        "megapixels": image.width * image.height / 1e6,
        "peak_mb": peak_mb(),
        "mean_error": result.data["mean_error"],
    }


def phase_ela_pillow(path: str) -> dict[str, float]:
    """The textbook ELA (as in most tutorials and simple tools), for comparison."""
    from PIL import Image, ImageChops

    t0 = time.perf_counter()
    original = Image.open(path).convert("RGB")
    buf = io.BytesIO()
    original.save(buf, "JPEG", quality=90)
    resaved = Image.open(io.BytesIO(buf.getvalue()))
    diff = ImageChops.difference(original, resaved)
    diff.point(lambda v: min(255, v * 15))
    return {"total_s": time.perf_counter() - t0, "peak_mb": peak_mb()}


def phase_clone(path: str) -> dict[str, object]:
    from workbench.core.media.forensics import clone, open_image

    t0, c0 = time.perf_counter(), time.process_time()
    image = open_image(Path(path))
    t1 = time.perf_counter()
    result = clone(image)
    t2 = time.perf_counter()
    return {
        "cpu_s": time.process_time() - c0,
        "decode_s": t1 - t0,
        "clone_s": t2 - t1,
        "total_s": t2 - t0,
        "regions": [[r["box_a"], r["box_b"], r["matches"]] for r in result.data["regions"]],
        "keypoints": result.data["keypoints"],
        "peak_mb": peak_mb(),
    }


def phase_keyframes(path: str) -> dict[str, object]:
    from workbench.core.media.video import keyframes, video_info

    info = video_info(Path(path))
    t0 = time.perf_counter()
    found = keyframes(Path(path))
    elapsed = time.perf_counter() - t0
    frames = info.frame_count or 0
    return {
        "seconds_of_video": info.duration_s,
        "frames": frames,
        "keyframes_s": elapsed,
        "frames_per_s": frames / elapsed if elapsed else 0.0,
        "realtime_factor": (info.duration_s or 0) / elapsed if elapsed else 0.0,
        "keyframe_times": [round(k.time_s, 2) for k in found],
        "peak_mb": peak_mb(),
    }


PHASES = {"ela": phase_ela, "ela_pillow": phase_ela_pillow, "clone": phase_clone, "keyframes": phase_keyframes}


def run_phase(name: str, path: str) -> dict[str, object]:
    out = subprocess.run(
        [sys.executable, __file__, "--phase", name, path],
        check=True,
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    result: dict[str, object] = json.loads(out.stdout.strip().splitlines()[-1])
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--keep", type=Path, help="keep the generated inputs in this folder")
    parser.add_argument("--phase", help=argparse.SUPPRESS)
    parser.add_argument("path", nargs="?", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.phase:
        print(json.dumps(PHASES[args.phase](args.path)))
        return

    import os

    cores = os.cpu_count() or 1
    load = os.getloadavg()[0]
    print(
        f"{cores} cores, load average {load:.1f}"
        + ("  (busy machine: wall-clock figures are inflated)" if load > cores / 2 else "")
    )
    folder = args.keep or Path(tempfile.mkdtemp(prefix="bench_forensics_"))
    folder.mkdir(parents=True, exist_ok=True)
    t = time.perf_counter()
    inputs = make_inputs(folder)
    print(f"inputs generated in {time.perf_counter() - t:.1f} s in {folder}")
    try:
        e = run_phase("ela", inputs["ela"])
        p = run_phase("ela_pillow", inputs["ela"])
        print(
            f"ELA, {e['megapixels']:.1f} MP JPEG: {e['total_s']:.2f} s (decode {e['decode_s']:.2f} s + ELA "
            f"{e['ela_s']:.2f} s; CPU {e['cpu_s']:.2f} s)   target < 1.5 s   "
            f"{'OK' if float(e['total_s']) < 1.5 else 'MISSED'}   "
            f"peak {e['peak_mb']:.0f} MB   | textbook Pillow ELA: {p['total_s']:.2f} s, peak {p['peak_mb']:.0f} MB"
        )
        c = run_phase("clone", inputs["clone"])
        found = bool(c["regions"])
        print(
            f"clone, 12 MP: {c['total_s']:.2f} s (decode {c['decode_s']:.2f} s + detection {c['clone_s']:.2f} s;"
            f" CPU {c['cpu_s']:.2f} s)"
            f"   target < 5 s   {'OK' if float(c['total_s']) < 5 else 'MISSED'}   "
            f"cloned region {'found' if found else 'NOT FOUND'} {c['regions']}   peak {c['peak_mb']:.0f} MB"
        )
        if inputs["video"]:
            k = run_phase("keyframes", inputs["video"])
            print(
                f"keyframes, 720p H.264 {k['seconds_of_video']:.0f} s / {k['frames']} frames: {k['keyframes_s']:.2f} s"
                f" = {k['frames_per_s']:.0f} frames/s ({k['realtime_factor']:.1f}x real time)   no target   "
                f"keyframes at {k['keyframe_times']}   peak {k['peak_mb']:.0f} MB"
            )
        else:
            print("keyframes: skipped (ffmpeg is needed to generate the test video)")
    finally:
        if not args.keep:
            shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
