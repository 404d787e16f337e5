"""Video frames: exact frames at a time regardless of keyframes, scene-change keyframes, damaged files."""

from __future__ import annotations

import io
import itertools
import subprocess
from pathlib import Path

import numpy as np
import pytest
from PIL import Image
from tests.core.forensics.synth import make_video
from tests.helpers import corpus_path

from workbench.core.errors import BadInput, Cancelled, MediaUnreadable
from workbench.core.media import video as V
from workbench.core.tasks import Progress

SCENES = [("red", 2.0), ("blue", 3.0), ("green", 2.0)]  # cuts at 2.0 s and 5.0 s


@pytest.fixture(scope="module")
def clip(ffmpeg: str, tmp_path_factory: pytest.TempPathFactory) -> Path:
    # Keyframes (GOP) every 2 s, so a naive seek lands up to 2 s early.
    return make_video(ffmpeg, tmp_path_factory.mktemp("video") / "clip.mp4", SCENES, fps=25, gop=50)


def test_video_info(clip: Path) -> None:
    info = V.video_info(clip)
    assert info.duration_s == pytest.approx(7.0, abs=0.05)
    assert info.frame_rate == pytest.approx(25.0)
    assert info.frame_count == 175
    assert (info.width, info.height, info.codec, info.rotation) == (160, 120, "h264", 0)
    assert "PyAV" in info.tool and info.to_json()["frame_count"] == 175


@pytest.mark.parametrize("seconds", [0.0, 1.0, 3.3, 4.0, 6.97])
def test_frame_at_is_the_exact_frame_not_the_keyframe_before_it(clip: Path, seconds: float) -> None:
    every = list(V.iter_frames(clip))
    assert len(every) == 175
    expected = max((f for f in every if f.time_s <= seconds + 1e-6), key=lambda f: f.time_s)
    image, time_s = V.frame_at(clip, seconds)
    assert time_s == pytest.approx(expected.time_s)
    assert np.array_equal(np.asarray(image), np.asarray(expected.image))
    frame = V.video_frame_at(clip, seconds)
    assert frame.frame_index == expected.frame_index


def test_iter_frames_with_a_stride_and_a_size(clip: Path) -> None:
    frames = list(V.iter_frames(clip, stride=25, start_s=1.0, end_s=5.0, max_side=80))
    assert [f.frame_index for f in frames] == [25, 50, 75, 100, 125]
    assert frames[0].image.size == (80, 60)
    with pytest.raises(BadInput):
        list(V.iter_frames(clip, stride=0))


def test_frame_requests_outside_the_video_are_refused(clip: Path) -> None:
    with pytest.raises(BadInput, match="lasts"):
        V.frame_at(clip, 8.0)
    with pytest.raises(BadInput):
        V.frame_at(clip, -1.0)


def test_export_frame_png_is_lossless(clip: Path) -> None:
    data = V.export_frame_png(clip, 3.3)
    assert data.startswith(b"\x89PNG")
    image, _ = V.frame_at(clip, 3.3)
    assert np.array_equal(np.asarray(Image.open(io.BytesIO(data))), np.asarray(image))


def test_keyframes_are_the_first_frame_and_each_scene_change(clip: Path) -> None:
    seen: list[tuple[int, int, str]] = []
    found = V.keyframes(clip, progress=Progress(lambda d, t, m: seen.append((d, t, m))))
    assert [k.time_s for k in found] == pytest.approx([0.0, 2.0, 5.0], abs=0.21)  # within one sample step
    assert found[0].score == 1.0 and all(k.score >= 0.3 for k in found)
    assert [k.frame_index for k in found] == [round(k.time_s * 25) for k in found]
    assert found[1].image.size == (160, 120)  # kept at full size
    assert seen and seen[-1][0] == 175

    record = found[1].derivation("ab" * 32)
    assert record["source_sha256"] == "ab" * 32
    assert record["time_s"] == pytest.approx(found[1].time_s)
    assert record["frame_index"] == found[1].frame_index
    assert record["method"] == "keyframe by scene change"
    assert record["params"]["threshold"] == 0.3 and record["params"]["score"] > 0.3
    assert record["tool"].startswith("workbench ")
    assert Image.open(io.BytesIO(found[1].png())).size == (160, 120)


def test_keyframes_respect_the_minimum_gap_and_threshold(clip: Path) -> None:
    gaps = V.keyframes(clip, min_gap_s=2.5)
    assert len(gaps) == 3  # the cuts, each pushed to 2.5 s after the keyframe before
    assert all(b.time_s - a.time_s >= 2.5 for a, b in itertools.pairwise(gaps))
    assert len(V.keyframes(clip, threshold=1.0)) == 1  # nothing differs completely: only the first frame
    with pytest.raises(BadInput):
        V.keyframes(clip, threshold=0)


def test_keyframes_can_be_cancelled(clip: Path) -> None:
    progress = Progress()
    progress.token.cancel()
    with pytest.raises(Cancelled):
        V.keyframes(clip, progress=progress)


def test_damaged_videos_raise_media_unreadable(clip: Path, ffmpeg: str, tmp_path: Path) -> None:
    data = clip.read_bytes()
    cut = tmp_path / "cut.mp4"  # the index (moov) sits at the end and is lost
    cut.write_bytes(data[: len(data) // 2])
    with pytest.raises(MediaUnreadable, match=r"cut\.mp4: not a readable video"):
        V.video_info(cut)

    faststart = tmp_path / "fast.mp4"  # the index first: the frames run out part way
    cmd = [ffmpeg, "-v", "error", "-y", "-i", str(clip), "-c", "copy", "-movflags", "+faststart", str(faststart)]
    subprocess.run(cmd, check=True, timeout=30)
    cut_fast = tmp_path / "cut_fast.mp4"
    cut_fast.write_bytes(faststart.read_bytes()[: len(data) // 2])
    assert V.frame_at(cut_fast, 1.0)[1] == pytest.approx(1.0)  # what remains is still usable
    with pytest.raises(MediaUnreadable, match="truncated"):
        V.frame_at(cut_fast, 6.5)
    with pytest.raises(MediaUnreadable, match="truncated"):
        V.keyframes(cut_fast)

    text = tmp_path / "notes.mp4"
    text.write_text("not a video")
    with pytest.raises(MediaUnreadable):
        V.keyframes(text)
    with pytest.raises(MediaUnreadable, match="no such file"):
        V.video_info(tmp_path / "missing.mp4")


def test_rotation_is_reported_and_applied_only_when_asked(clip: Path, ffmpeg: str, tmp_path: Path) -> None:
    turned = tmp_path / "turned.mp4"
    cmd = [ffmpeg, "-v", "error", "-y", "-i", str(clip), "-c", "copy", "-metadata:s:v:0", "rotate=90", str(turned)]
    subprocess.run(cmd, check=True, timeout=30)
    info = V.video_info(turned)
    assert info.rotation in (90, 270)  # FFmpeg versions disagree on the sign of this old tag
    stored = V.video_frame_at(turned, 3.3)
    upright = V.video_frame_at(turned, 3.3, upright=True)
    assert stored.image.size == (160, 120) and stored.rotation_applied == 0
    assert upright.image.size == (120, 160) and upright.rotation_applied == info.rotation
    transpose = Image.Transpose.ROTATE_270 if info.rotation == 90 else Image.Transpose.ROTATE_90
    assert np.array_equal(np.asarray(upright.image), np.asarray(stored.image.transpose(transpose)))
    assert upright.derivation()["rotation_applied"] == info.rotation
    assert "container rotation not applied" in stored.derivation()["pixels"]
    keys = V.keyframes(turned, upright=True)
    assert keys[0].image.size == (120, 160) and keys[0].derivation()["rotation_applied"] == info.rotation


def test_rotation_of_a_real_phone_video() -> None:
    path = corpus_path("images", "metadata-extractor-images", "mov", "with-gps.mov")
    info = V.video_info(path)
    assert info.rotation == 90  # portrait iPhone video stored sideways
    image, _ = V.frame_at(path, 1.0)
    assert image.size == (info.width, info.height)
    upright, _ = V.frame_at(path, 1.0, upright=True)
    assert upright.size == (info.height, info.width)
