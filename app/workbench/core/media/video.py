"""Frames from a video: information, an exact frame at a time, frames at a stride, and keyframes by scene change.

Decoding uses PyAV (FFmpeg's libraries, no ffmpeg binary). Frames are returned as stored in the stream unless
`upright=True`: a rotation recorded in the container (phones write one) is reported in `VideoInfo.rotation`, and
a frame's `derivation` says whether it was applied (the same rule the forensic views follow for EXIF orientation).
Upright frames are what reverse image searches and reports want; stored frames are what pixel forensics want.

A keyframe is meant to become a derived media item linked to its video: `Keyframe.derivation(sha256)` gives the
record (source, time, frame index, method, parameters, tool) to store beside the frame's PNG bytes.
"""

from __future__ import annotations

import io
import math
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
from PIL import Image

from workbench import __version__
from workbench.core.errors import BadInput, MediaUnreadable
from workbench.core.tasks import Progress, no_progress


@dataclass(frozen=True)
class VideoInfo:
    """The first video stream of a file. `frame_count` is the container's figure, or estimated from duration."""

    duration_s: float | None
    frame_rate: float | None
    frame_count: int | None
    width: int
    height: int
    codec: str
    rotation: int  # degrees the player turns the picture (container display matrix); frames are not turned
    start_time_s: float
    tool: str

    def to_json(self) -> dict[str, Any]:
        return {
            "duration_s": self.duration_s,
            "frame_rate": self.frame_rate,
            "frame_count": self.frame_count,
            "width": self.width,
            "height": self.height,
            "codec": self.codec,
            "rotation": self.rotation,
            "start_time_s": self.start_time_s,
            "tool": self.tool,
        }


@dataclass(frozen=True)
class VideoFrame:
    """One decoded frame. `time_s` counts from the start of the video (the stream's start time is subtracted)."""

    time_s: float
    frame_index: int
    image: Image.Image
    rotation_applied: int = 0  # degrees clockwise the stored frame was turned (upright=True)

    def derivation(self, source_sha256: str | None = None, requested_s: float | None = None) -> dict[str, Any]:
        params = {} if requested_s is None else {"requested_s": requested_s}
        return frame_derivation(
            self.time_s,
            self.frame_index,
            source_sha256=source_sha256,
            params=params,
            rotation_applied=self.rotation_applied,
        )

    def png(self) -> bytes:
        return _png(self.image)


@dataclass(frozen=True)
class Keyframe:
    """A frame chosen because the scene changed; `score` is the change (0-1) that made it one (1.0 for the first)."""

    time_s: float
    frame_index: int
    image: Image.Image
    score: float
    params: dict[str, Any] = field(default_factory=dict)
    tool: str = ""
    rotation_applied: int = 0

    def derivation(self, source_sha256: str | None = None) -> dict[str, Any]:
        """What to record for this keyframe as a media item derived from its video."""
        return frame_derivation(
            self.time_s,
            self.frame_index,
            source_sha256=source_sha256,
            method="keyframe by scene change",
            params={**self.params, "score": round(self.score, 4)},
            tool=self.tool,
            rotation_applied=self.rotation_applied,
        )

    def png(self) -> bytes:
        return _png(self.image)


def frame_derivation(
    time_s: float,
    frame_index: int,
    *,
    source_sha256: str | None = None,
    method: str = "frame at time",
    params: dict[str, Any] | None = None,
    tool: str | None = None,
    rotation_applied: int = 0,
) -> dict[str, Any]:
    """The provenance of a frame taken from a video, JSON-able: stored with the derived media item."""
    return {
        "derived_from": "video",
        "source_sha256": source_sha256,
        "time_s": round(time_s, 6),
        "frame_index": frame_index,
        "method": method,
        "params": params or {},
        "tool": tool or _tool(),
        "pixels": f"frame turned {rotation_applied}° clockwise by the container's rotation, lossless PNG"
        if rotation_applied
        else "stored frame (container rotation not applied), lossless PNG",
        "rotation_applied": rotation_applied,
    }


def _tool() -> str:
    import av

    libavcodec = av.library_versions.get("libavcodec")
    codec = ".".join(str(v) for v in libavcodec) if libavcodec else "?"
    return f"workbench {__version__} / PyAV {av.__version__} (libavcodec {codec})"


def _png(image: Image.Image) -> bytes:
    buf = io.BytesIO()
    image.save(buf, "PNG")
    return buf.getvalue()


# --- opening -------------------------------------------------------------------------------------------------------


@contextmanager
def _open(path: Path) -> Iterator[tuple[Any, Any]]:
    """(container, first video stream) with FFmpeg's errors turned into `MediaUnreadable`."""
    import av

    try:
        container = av.open(str(path), mode="r", metadata_errors="replace")
    except FileNotFoundError as exc:
        raise MediaUnreadable(f"{path.name}: no such file.") from exc
    except (av.FFmpegError, OSError, ValueError) as exc:
        raise MediaUnreadable(f"{path.name}: not a readable video ({_reason(exc)}).") from exc
    try:
        if not container.streams.video:
            raise MediaUnreadable(f"{path.name}: the file has no video stream.")
        stream = container.streams.video[0]
        stream.thread_type = "AUTO"
        try:
            yield container, stream
        except av.FFmpegError as exc:
            raise MediaUnreadable(f"{path.name}: the video cannot be decoded ({_reason(exc)}).") from exc
    finally:
        container.close()


def _reason(exc: BaseException) -> str:
    text = getattr(exc, "strerror", None) or str(exc).strip()
    return str(text) if text else type(exc).__name__


def _duration(stream: Any) -> float | None:
    if stream.duration and stream.time_base:
        return float(stream.duration * stream.time_base)
    return None


def _truncated(path: Path, reached: float, duration: float) -> MediaUnreadable:
    return MediaUnreadable(
        f"{path.name}: frames decode only up to {reached:.3f} s although the file says it lasts "
        f"{duration:.3f} s; it may be truncated or damaged."
    )


def _start(stream: Any) -> float:
    if stream.start_time is not None and stream.time_base is not None:
        return float(stream.start_time * stream.time_base)
    return 0.0


def _rate(stream: Any) -> float | None:
    rate = stream.average_rate or stream.guessed_rate or stream.base_rate
    return float(rate) if rate else None


def _rotation(frame: Any) -> int:
    """Degrees clockwise a player turns the picture (FFmpeg's display matrix angle is counter-clockwise)."""
    value = getattr(frame, "rotation", 0)
    return -round(value) % 360 if isinstance(value, int | float) else 0


_CLOCKWISE = {
    90: Image.Transpose.ROTATE_270,
    180: Image.Transpose.ROTATE_180,
    270: Image.Transpose.ROTATE_90,
}


def _picture(frame: Any, upright: bool) -> tuple[Image.Image, int]:
    """The frame as a Pillow image, turned as a player would when `upright` (quarter turns only)."""
    image = frame.to_image()
    turn = _rotation(frame) if upright else 0
    if turn in _CLOCKWISE:
        return image.transpose(_CLOCKWISE[turn]), turn
    return image, 0


def video_info(path: Path) -> VideoInfo:
    """Read the first video stream's properties (decodes only the first frame, for its rotation)."""
    import av

    with _open(path) as (container, stream):
        duration: float | None = None
        if stream.duration is not None and stream.time_base is not None:
            duration = float(stream.duration * stream.time_base)
        elif container.duration is not None:
            duration = container.duration / 1_000_000
        rate = _rate(stream)
        count = int(stream.frames) if stream.frames else None
        if count is None and duration is not None and rate:
            count = round(duration * rate)
        # The display matrix is side data on frames in current PyAV: read it from the first one.
        try:
            first = next(iter(container.decode(stream)), None)
        except av.FFmpegError:  # undecodable frames: the stream's properties are still worth showing
            first = None
        return VideoInfo(
            duration_s=duration,
            frame_rate=rate,
            frame_count=count,
            width=int(stream.codec_context.width),
            height=int(stream.codec_context.height),
            codec=str(stream.codec_context.name),
            rotation=_rotation(first) if first is not None else 0,
            start_time_s=_start(stream),
            tool=_tool(),
        )


# --- frames --------------------------------------------------------------------------------------------------------


def _time(frame: Any, start: float) -> float | None:
    return None if frame.time is None else float(frame.time) - start


def frame_at(path: Path, seconds: float, *, upright: bool = False) -> tuple[Image.Image, float]:
    """The frame on screen at `seconds` from the start, and its own timestamp.

    Seeks to the keyframe at or before the time, then decodes forward to the last frame that starts at or before
    it, so the result does not depend on where the keyframes are.
    """
    frame = video_frame_at(path, seconds, upright=upright)
    return frame.image, frame.time_s


def video_frame_at(path: Path, seconds: float, *, upright: bool = False) -> VideoFrame:
    """Like `frame_at`, with the frame's index (its time at the average frame rate) for its derivation."""
    if not math.isfinite(seconds) or seconds < 0:
        raise BadInput(f"A frame time must be zero or more seconds, not {seconds}.")
    with _open(path) as (container, stream):
        start = _start(stream)
        rate = _rate(stream) or 25.0
        duration = _duration(stream)
        if duration is not None and seconds > duration:
            raise BadInput(f"{path.name} lasts {duration:.3f} s; there is no frame at {seconds:.3f} s.")
        if stream.time_base is not None and seconds > 0:
            container.seek(int((seconds + start) / stream.time_base), stream=stream, backward=True)
        tolerance = float(stream.time_base or 0) / 2 + 1e-6  # timestamps are rounded to the time base
        chosen: tuple[Any, float] | None = None
        for frame in container.decode(stream):
            t = _time(frame, start)
            if t is None:
                continue
            if t > seconds + tolerance and chosen is not None:
                break
            chosen = (frame, t)
            if t > seconds + tolerance:
                break
        if chosen is None:
            raise MediaUnreadable(
                f"{path.name}: no frame decodes at or before {seconds:.3f} s; the file may be truncated or damaged."
            )
        frame, t = chosen
        if seconds - t > 2.0 / rate + tolerance:
            raise _truncated(path, t, duration or seconds)
        image, turned = _picture(frame, upright)
        return VideoFrame(time_s=t, frame_index=round(t * rate), image=image, rotation_applied=turned)


_frame_at = video_frame_at  # the name the inspector panel first used; new code calls `video_frame_at`


def export_frame_png(path: Path, seconds: float, *, upright: bool = False) -> bytes:
    """The frame at `seconds` as lossless PNG bytes (stored orientation, or turned upright)."""
    return video_frame_at(path, seconds, upright=upright).png()


def iter_frames(
    path: Path, *, stride: int = 1, start_s: float = 0.0, end_s: float | None = None, max_side: int | None = None
) -> Iterator[VideoFrame]:
    """Every `stride`-th decoded frame from `start_s` to `end_s`, counted from the first frame of the video.

    `max_side` shrinks frames (keeping the aspect ratio) as they are converted, which is much faster than
    converting full frames and shrinking afterwards.
    """
    if stride < 1:
        raise BadInput(f"The frame stride must be 1 or more, not {stride}.")
    with _open(path) as (container, stream):
        start = _start(stream)
        size = _scaled(stream, max_side)
        for index, frame in enumerate(container.decode(stream)):
            t = _time(frame, start)
            if t is None or t < start_s - 1e-6 or index % stride:
                continue
            if end_s is not None and t > end_s + 1e-6:
                break
            image = frame.to_image(width=size[0], height=size[1]) if size else frame.to_image()
            yield VideoFrame(time_s=t, frame_index=index, image=image)


def _scaled(stream: Any, max_side: int | None) -> tuple[int, int] | None:
    w, h = int(stream.codec_context.width), int(stream.codec_context.height)
    if not max_side or max(w, h) <= max_side:
        return None
    f = max_side / max(w, h)
    return max(2, round(w * f)), max(2, round(h * f))


# --- keyframes by scene change -------------------------------------------------------------------------------------


def _signature(rgb: npt.NDArray[np.uint8]) -> npt.NDArray[np.float32]:
    """A normalised hue-saturation + brightness histogram of a small frame."""
    import cv2

    hsv = cv2.cvtColor(rgb, cv2.COLOR_RGB2HSV)
    hs = cv2.calcHist([hsv], [0, 1], None, [16, 8], [0, 180, 0, 256]).ravel()
    v = cv2.calcHist([hsv], [2], None, [16], [0, 256]).ravel()
    hist = np.concatenate([hs / max(hs.sum(), 1.0), v / max(v.sum(), 1.0)]).astype(np.float32)
    return np.asarray(hist, dtype=np.float32)


def _distance(a: npt.NDArray[np.float32], b: npt.NDArray[np.float32]) -> float:
    """Hellinger (Bhattacharyya) distance averaged over the two histograms: 0 same, 1 nothing in common."""
    n = 128
    d1 = 1.0 - float(np.sqrt(a[:n] * b[:n]).sum())
    d2 = 1.0 - float(np.sqrt(a[n:] * b[n:]).sum())
    return math.sqrt(max(0.0, d1)) * 0.5 + math.sqrt(max(0.0, d2)) * 0.5


def keyframes(
    path: Path,
    *,
    threshold: float = 0.3,
    min_gap_s: float = 1.0,
    sample_fps: float = 5.0,
    max_keyframes: int = 500,
    upright: bool = False,
    progress: Progress | None = None,
) -> list[Keyframe]:
    """Frames where the picture changed: the first frame, then each sampled frame whose colour histogram is at
    least `threshold` (0-1) away from the last keyframe's and at least `min_gap_s` after it.

    Frames are compared `sample_fps` times a second on copies at most 160 px wide; the chosen frames are kept at
    full size, turned by the container's rotation when `upright`. Cancelling through `progress` raises `Cancelled`.
    """
    if not 0 < threshold <= 1:
        raise BadInput(f"The scene-change threshold must be above 0 and at most 1, not {threshold}.")
    if min_gap_s < 0 or sample_fps <= 0:
        raise BadInput("The minimum gap must be zero or more and the sampling rate above zero.")
    progress = progress or no_progress()
    params = {
        "threshold": threshold,
        "min_gap_s": min_gap_s,
        "sample_fps": sample_fps,
        "signature": "HSV histogram (16x8 hue-saturation + 16 value) at 160 px, Hellinger distance",
        "compared_with": "the last keyframe",
        "upright": upright,
    }
    tool = _tool()
    found: list[Keyframe] = []
    with _open(path) as (container, stream):
        start = _start(stream)
        rate = _rate(stream) or 25.0
        total = int(stream.frames) if stream.frames else 0
        duration = _duration(stream)
        if not total and duration:
            total = round(duration * rate)
        size = _scaled(stream, 160) or (int(stream.codec_context.width), int(stream.codec_context.height))
        step = 1.0 / sample_fps
        next_sample = 0.0
        last_signature: npt.NDArray[np.float32] | None = None
        last_time = -math.inf
        index = -1
        reached = 0.0
        for index, frame in enumerate(container.decode(stream)):
            if index % 25 == 0:
                progress(index, total, f"Looking for scene changes: {index} frames")
            t = _time(frame, start)
            if t is None:
                continue
            reached = max(reached, t)
            if t < next_sample - 1e-6 and found:
                continue
            next_sample = t + step
            small = frame.to_ndarray(format="rgb24", width=size[0], height=size[1])
            signature = _signature(np.asarray(small, dtype=np.uint8))
            score = 1.0 if last_signature is None else _distance(signature, last_signature)
            if last_signature is None or (score >= threshold and t - last_time >= min_gap_s):
                image, turned = _picture(frame, upright)
                found.append(Keyframe(t, index, image, score, params, tool, turned))
                last_signature, last_time = signature, t
                if len(found) >= max_keyframes:
                    break
        progress(index + 1, max(total, index + 1), f"{len(found)} keyframes")
    if not found:
        raise MediaUnreadable(f"{path.name}: no frame could be decoded.")
    if duration is not None and len(found) < max_keyframes and reached < duration - max(0.5, 3.0 / rate):
        raise _truncated(path, reached, duration)
    return found
