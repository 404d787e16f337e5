"""`workbench sun ...` end to end through the CLI entry point."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from workbench.cli import main


def _json(capsys: pytest.CaptureFixture[str], argv: list[str]) -> dict:  # type: ignore[type-arg]
    assert main(argv) == 0
    return json.loads(capsys.readouterr().out)


def test_position_nrel_example(capsys: pytest.CaptureFixture[str]) -> None:
    out = _json(
        capsys,
        [
            "sun",
            "position",
            "--lat",
            "39.742476",
            "--lon",
            "-105.1786",
            "--time",
            "2003-10-17T12:30:30-07:00",
            "--altitude",
            "1830.14",
            "--pressure",
            "820",
            "--temperature",
            "11",
            "--json",
        ],
    )
    assert abs(90 - out["apparent_elevation"] - 50.11162) < 2e-3  # ΔT from the polynomial, not the paper's 67 s
    assert abs(out["azimuth"] - 194.34024) < 2e-3
    assert set(out) >= {"elevation", "apparent_elevation", "azimuth"}


def test_when_windows_in_utc_and_local(capsys: pytest.CaptureFixture[str]) -> None:
    out = _json(
        capsys,
        [
            "sun",
            "when",
            "--lat",
            "50.45",
            "--lon",
            "30.52",
            "--date",
            "2024-04-10",
            "--ratio",
            "1.2",
            "--ratio-error",
            "0.02",
            "--exif-time",
            "2024-04-10T14:05:00",
            "--json",
        ],
    )
    assert len(out["windows"]) == 2
    assert set(out["windows"][0]) >= {"start_utc", "end_utc", "start_local", "end_local"}
    assert out["windows"][0]["start_local"].endswith("+03:00")
    assert out["verdict"]["status"] == "inconsistent"
    assert (
        main(
            [
                "sun",
                "when",
                "--lat",
                "50.45",
                "--lon",
                "30.52",
                "--date",
                "2024-04-10",
                "--elevation",
                "30",
                "--azimuth",
                "120",
                "--azimuth-error",
                "5",
            ]
        )
        == 0
    )
    text = capsys.readouterr().out
    assert "UTC" in text and "local" in text and text.count("UTC   ") == 1


def test_where_writes_geojson_and_png(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    gj = tmp_path / "band.geojson"
    out = _json(
        capsys,
        [
            "sun",
            "where",
            "--time",
            "2024-06-21T10:00:00Z",
            "--height",
            "2",
            "--shadow",
            "1",
            "--height-error",
            "0.01",
            "--shadow-error",
            "0.02",
            "--resolution",
            "0.5",
            "--time-error",
            "300",
            "--out",
            str(gj),
            "--json",
        ],
    )
    assert out["cells"] > 0 and out["bbox"]["south"] < out["bbox"]["north"]
    inputs = out["constraint"]["measurements"][0]["inputs"]
    assert (inputs["height_error_m"], inputs["shadow_error_m"]) == (0.01, 0.02)
    assert json.loads(gj.read_text())["type"] == "FeatureCollection"
    png = tmp_path / "band.png"
    assert main(["sun", "where", "--time", "2024-06-21T13:00", "--local", "--ratio", "0.5", "--out", str(png)]) == 0
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert "cells of 0.5°" in capsys.readouterr().out


def test_user_errors_exit_2_with_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["sun", "position", "--lat", "10", "--lon", "10", "--time", "2024-01-01T12:00"]) == 2
    assert "no UTC offset" in capsys.readouterr().err
    assert (
        main(["sun", "when", "--lat", "10", "--lon", "10", "--date", "2024-01-01", "--ratio", "1", "--elevation", "30"])
        == 2
    )
    assert main(["sun", "when", "--lat", "10", "--lon", "10", "--date", "soon", "--ratio", "1"]) == 2
    assert main(["sun", "where", "--time", "2024-06-21T10:00Z"]) == 2
    err = capsys.readouterr().err
    assert err.count("workbench:") == 3
