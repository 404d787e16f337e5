"""`workbench exif PATH [--json]` through workbench.cli.main."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from workbench.cli import main

from .builders import ascii_entry, build_tiff, gps_entries, jpeg_bytes, jpeg_with_exif, noisy_image


def test_exif_json(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "photo.jpg"
    tiff = build_tiff(
        [ascii_entry(0x010F, b"Canon"), ascii_entry(0x0110, b"Canon EOS 5D Mark IV"), ascii_entry(0x0131, b"GIMP")],
        exif=[ascii_entry(0x9003, b"2021:06:01 14:05:00"), ascii_entry(0x9011, b"+03:00")],
        gps=gps_entries(41.0082, 28.9784),
    )
    path.write_bytes(jpeg_with_exif(tiff, size=(64, 48)))
    assert main(["exif", str(path), "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    s = out["summary"]
    assert s["capture_time"] == "2021-06-01T14:05:00+03:00"
    assert (s["make"], s["model"], s["software"]) == ("Canon", "Canon EOS 5D Mark IV", "GIMP")
    assert (s["width"], s["height"], s["orientation"]) == (64, 48, None)
    assert s["gps"]["lat"] == pytest.approx(41.0082, abs=1e-6) and s["gps"]["alt"] is None
    assert "editing_software" in {f["code"] for f in out["flags"]}
    assert out["tags"]["EXIF:IFD0"]["Make"] == "Canon"
    assert out["kind"] == "image" and out["mime"] == "image/jpeg"


def test_exif_json_without_gps_and_text_rendering(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "bare.jpg"
    path.write_bytes(jpeg_bytes(noisy_image()))
    assert main(["exif", str(path), "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["summary"]["gps"] is None and out["summary"]["capture_time"] is None
    assert main(["exif", str(path)]) == 0
    text = capsys.readouterr().out
    assert text.index("Captured") < text.index("Flags") < text.index("[JPEG]")
    assert "no_metadata" in text


def test_exif_missing_file_is_one_line_and_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["exif", str(tmp_path / "nope.jpg")]) == 2
    err = capsys.readouterr().err
    assert err.startswith("workbench: ") and err.count("\n") == 1


def test_text_rendering_labels_enumerations(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from .builders import short_entry

    path = tmp_path / "o.jpg"
    path.write_bytes(jpeg_with_exif(build_tiff([short_entry(0x0112, 6)])))
    assert main(["exif", str(path)]) == 0
    assert "rotated 90° clockwise" in capsys.readouterr().out
