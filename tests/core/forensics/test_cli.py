"""The forensics, frames and credentials commands, driven through the real command-line entry point."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from PIL import Image
from tests.core.forensics.synth import jpeg_bytes, make_video, natural_image

import workbench.cli as cli
from workbench.core.media.forensics import VIEWS


@pytest.fixture(autouse=True)
def _forensics_area(monkeypatch: pytest.MonkeyPatch) -> None:
    # The area list belongs to the integrator; make sure this area is on it for these tests.
    if "forensics" not in cli._AREAS:
        monkeypatch.setattr(cli, "_AREAS", (*cli._AREAS, "forensics"))


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = cli.main(argv)
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def photo(tmp_path: Path) -> Path:
    pixels = natural_image(400, 300, seed=2)
    pixels[40:120, 40:140] = pixels[180:260, 260:360].copy()
    path = tmp_path / "photo.jpg"
    path.write_bytes(jpeg_bytes(pixels, 90))
    return path


def test_the_view_choices_are_the_registry() -> None:
    from workbench.cli.forensics import _VIEW_NAMES

    assert set(_VIEW_NAMES) == set(VIEWS)


def test_forensics_writes_a_layer_and_json(photo: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "ela.png"
    code, stdout, _ = run(
        ["forensics", str(photo), "--view", "ela", "--param", "quality=80", "-o", str(out), "--json"], capsys
    )
    assert code == 0
    result = json.loads(stdout)
    assert result["name"] == "ela" and result["params"]["quality"] == 80
    assert result["can_show"] and result["cannot_prove"] and result["tool"].startswith("workbench ")
    assert Image.open(out).size == (400, 300)

    code, stdout, _ = run(["forensics", str(photo), "--view", "clone", "--json"], capsys)
    assert code == 0 and len(json.loads(stdout)["regions"]) == 1

    code, stdout, _ = run(["forensics", str(photo), "--view", "jpeg_quality", "--json"], capsys)
    assert json.loads(stdout)["estimate"]["quality"] == 90

    code, stdout, _ = run(["forensics", str(photo), "--view", "noise"], capsys)
    assert code == 0 and "cannot prove" in stdout


def test_forensics_errors_are_one_line_and_exit_2(
    photo: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = run(["forensics", str(photo), "--view", "ela", "--param", "qualty=80"], capsys)
    assert code == 2 and "no parameter 'qualty'" in err and err.count("\n") == 1
    bad = tmp_path / "bad.jpg"
    bad.write_bytes(b"not a jpeg")
    code, _, err = run(["forensics", str(bad), "--view", "ela"], capsys)
    assert code == 2 and "bad.jpg" in err


def test_frames_at_and_keyframes(ffmpeg: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    clip = make_video(ffmpeg, tmp_path / "clip.mp4", [("red", 1.5), ("blue", 1.5)], gop=100)
    png = tmp_path / "frame.png"
    code, stdout, _ = run(["frames", str(clip), "--at", "2.0", "-o", str(png), "--json"], capsys)
    assert code == 0
    record = json.loads(stdout)
    assert record["time_s"] == pytest.approx(2.0) and record["frame_index"] == 50
    assert record["params"]["requested_s"] == 2.0 and Image.open(png).size == (160, 120)

    folder = tmp_path / "keys"
    code, stdout, _ = run(
        ["frames", str(clip), "--keyframes", "-o", str(folder), "--sha256", "cd" * 32, "--json"], capsys
    )
    assert code == 0
    keys = json.loads(stdout)["keyframes"]
    assert [k["time_s"] for k in keys] == pytest.approx([0.0, 1.5], abs=0.21)
    assert all(Path(k["file"]).is_file() and k["source_sha256"] == "cd" * 32 for k in keys)
    first = np.asarray(Image.open(keys[0]["file"]))
    assert first.shape == (120, 160, 3)

    code, _, err = run(["frames", str(clip), "--at", "9", "-o", str(png)], capsys)
    assert code == 2 and "lasts" in err


def test_credentials_without_a_manifest(photo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    pytest.importorskip("c2pa", reason="c2pa-python is not installed")
    code, stdout, _ = run(["credentials", str(photo), "--json"], capsys)
    assert code == 0
    assert json.loads(stdout)["present"] is False
    code, stdout, _ = run(["credentials", str(photo)], capsys)
    assert "their absence says nothing about authenticity" in stdout
