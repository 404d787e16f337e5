"""Generated evidence for the forensic tests: natural-looking pictures with no repeated content, and videos."""

from __future__ import annotations

import io
import subprocess
from pathlib import Path

import numpy as np
import numpy.typing as npt
from PIL import Image


def natural_image(width: int, height: int, seed: int = 0) -> npt.NDArray[np.uint8]:
    """A photo-like picture: 1/f ("pink") noise in colour plus soft shading, so nothing in it repeats.

    Natural images have a 1/f amplitude spectrum; random phases make every patch unique, which is what a clone
    detector must stay silent on.
    """
    rng = np.random.default_rng(seed)
    fy = np.fft.fftfreq(height)[:, None]
    fx = np.fft.rfftfreq(width)[None, :]
    f = np.hypot(fx, fy)
    f[0, 0] = 1.0
    channels = []
    base = rng.standard_normal((height, width // 2 + 1)) + 1j * rng.standard_normal((height, width // 2 + 1))
    for c in range(3):
        tint = rng.standard_normal((height, width // 2 + 1)) + 1j * rng.standard_normal((height, width // 2 + 1))
        spectrum = (base + 0.35 * tint) / f**1.1
        spectrum[0, 0] = 0
        plane = np.fft.irfft2(spectrum, s=(height, width))
        plane = (plane - plane.mean()) / (plane.std() + 1e-9)
        channels.append(plane * 38 + 118 + 12 * c)
    shading = np.linspace(-25, 25, width)[None, :] + np.linspace(-15, 15, height)[:, None]
    image = np.stack(channels, axis=2) + shading[:, :, None]
    image += rng.normal(0, 2.0, image.shape)  # sensor grain
    return np.clip(image, 0, 255).astype(np.uint8)


def jpeg_bytes(pixels: npt.NDArray[np.uint8], quality: int, **kwargs: object) -> bytes:
    buf = io.BytesIO()
    Image.fromarray(pixels).save(buf, "JPEG", quality=quality, **kwargs)
    return buf.getvalue()


def decode(data: bytes) -> npt.NDArray[np.uint8]:
    return np.array(Image.open(io.BytesIO(data)).convert("RGB"))


def make_video(ffmpeg: str, path: Path, scenes: list[tuple[str, float]], *, fps: int = 25, gop: int = 50) -> Path:
    """An H.264 MP4 of solid-colour-and-pattern scenes [(lavfi colour, seconds)], keyframes every `gop` frames.

    Each scene is a moving test pattern tinted with a colour, so frames within a scene differ a little and scenes
    differ a lot.
    """
    inputs: list[str] = []
    filters: list[str] = []
    for n, (colour, seconds) in enumerate(scenes):
        inputs += ["-f", "lavfi", "-i", f"testsrc2=size=160x120:rate={fps}:duration={seconds}"]
        inputs += ["-f", "lavfi", "-i", f"color=c={colour}:size=160x120:rate={fps}:duration={seconds}"]
        filters.append(f"[{2 * n}:v][{2 * n + 1}:v]blend=all_mode=multiply[s{n}]")
    chain = ";".join(filters) + ";" + "".join(f"[s{n}]" for n in range(len(scenes)))
    chain += f"concat=n={len(scenes)}:v=1:a=0[out]"
    cmd = [ffmpeg, "-v", "error", "-y", *inputs, "-filter_complex", chain, "-map", "[out]"]
    cmd += ["-c:v", "libx264", "-pix_fmt", "yuv420p", "-g", str(gop), "-keyint_min", str(gop)]
    cmd += ["-sc_threshold", "0", "-preset", "ultrafast", str(path)]
    subprocess.run(cmd, check=True, timeout=60)
    return path
