"""`workbench import`, `posts`, `timeline`, `signals` as a script would use them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from workbench.cli import main

from . import posts_fixtures as fx


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str]:
    code = main(list(argv))
    return code, capsys.readouterr().out


def test_import_json_report_and_info_counts(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    case = str(tmp_path / "c.incident")
    assert run(capsys, "new", case, "--title", "Bridge")[0] == 0
    tweets = fx.write_twarc(tmp_path / "t.jsonl")
    telegram = fx.write_telegram(tmp_path / "tg")
    code, out = run(capsys, "import", case, str(tweets), str(telegram.parent), "--json")
    assert code == 0
    report = json.loads(out)
    assert {"posts", "accounts", "media", "duplicates", "errors"} <= set(report)
    assert (report["posts"], report["accounts"], report["media"], report["duplicates"]) == (11, 5, 4, 0)
    assert sorted((e["where"], Path(e["path"]).name) for e in report["errors"]) == [
        ("line 2", "t.jsonl"),
        ("messages[6]", "tg"),
    ]
    code, out = run(capsys, "import", case, str(tweets), "--format", "twitter", "--json")
    again = json.loads(out)
    assert (again["posts"], again["accounts"], again["media"], again["duplicates"]) == (0, 0, 0, 5)
    code, out = run(capsys, "info", case, "--json")
    info = json.loads(out)
    assert info["posts"] == 11 and info["accounts"] == 5


def test_import_refusal_exits_non_zero(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    case = str(tmp_path / "c.incident")
    run(capsys, "new", case, "--title", "x")
    z = tmp_path / "a.zip"
    z.write_bytes(b"PK\x03\x04rest")
    code, out = run(capsys, "import", case, str(z), "--json")
    assert code == 2
    assert "zip archive" in json.loads(out)["errors"][0]["message"]


def test_csv_mapping_file_and_listing(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    case = str(tmp_path / "c.incident")
    run(capsys, "new", case, "--title", "x")
    table = fx.write_csv(tmp_path / "t" / "table.csv")
    mapping = tmp_path / "mapping.json"
    mapping.write_text(json.dumps(fx.CSV_MAPPING))
    code, out = run(capsys, "import", case, str(table), "--format", "csv", "--mapping", str(mapping), "--json")
    assert code == 0 and json.loads(out)["posts"] == 3
    code, out = run(capsys, "posts", case, "--json")
    posts = json.loads(out)["posts"]
    assert [p["platform_id"] for p in posts] == ["p1", "p3", "p2"]  # the zone-less one sorts by its local time
    assert posts[2]["time_precision"] == "zone unknown (±14 h)"
    code, out = run(capsys, "posts", case)
    assert "(zone unknown)" in out


def test_timeline_and_signals_commands(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    case = str(tmp_path / "c.incident")
    run(capsys, "new", case, "--title", "x")
    run(capsys, "import", case, str(fx.write_twarc(tmp_path / "t.jsonl")), "--json")
    code, out = run(capsys, "timeline", case, "--json")
    data = json.loads(out)
    assert code == 0 and len([e for e in data["events"] if e["kind"] == "post"]) == 5
    code, out = run(capsys, "signals", case, "--json")
    data = json.loads(out)
    assert "indicators, not proof" in data["disclaimer"]
    assert data["graph"]["edges"] >= 2
