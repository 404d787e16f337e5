"""`workbench context ...` over generated files; counts and timeline events for the integrator's commands."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
from tests.core.context.conftest import add_account, add_post, set_claim
from tests.core.context.makers import (
    CRTSH_JSON,
    DIG_TEXT,
    OBSERVATIONS_CSV,
    WHOIS_TEXT,
    http_response,
    make_geotiff,
    make_warc,
    warc_record,
)

from workbench.cli import main
from workbench.core.context import context_counts, context_events, import_context_file, sniff
from workbench.core.incident import Incident


@pytest.fixture
def files(tmp_path: Path) -> dict[str, Path]:
    out = {
        "warc": make_warc(tmp_path / "pages.warc.gz"),
        "tif": make_geotiff(tmp_path / "sat.tif"),
        "whois": tmp_path / "whois.txt",
        "crt": tmp_path / "crt.json",
        "dig": tmp_path / "dig.txt",
        "csv": tmp_path / "obs.csv",
    }
    out["whois"].write_text(WHOIS_TEXT)
    out["crt"].write_text(CRTSH_JSON)
    out["dig"].write_text(DIG_TEXT)
    out["csv"].write_text(OBSERVATIONS_CSV)
    return out


def test_sniff_each_kind(files: dict[str, Path], tmp_path: Path) -> None:
    assert {k: sniff(p) for k, p in files.items()} == {
        "warc": "archive",
        "tif": "reference",
        "whois": "domain-record",
        "crt": "domain-record",
        "dig": "domain-record",
        "csv": "observations",
    }
    (tmp_path / "x.txt").write_text("shopping list: eggs")
    assert sniff(tmp_path / "x.txt") is None


def test_import_everything_then_counts_events(
    files: dict[str, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    case = tmp_path / "case.incident"
    assert main(["new", str(case), "--title", "Kestrel"]) == 0
    with Incident.open(case) as inc:
        acc = add_account(inc, "x", "kestrel_truth", bio="https://kestrel-truth.news")
        add_post(inc, acc, "It fell! https://kestrel-truth.news/bridge", created="2024-05-03T09:00:00+00:00")
    capsys.readouterr()
    assert main(["context", "import", str(case), *map(str, files.values()), "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert (out["imported"], out["refused"]) == (6, 0)
    assert main(["context", "domains", str(case), "--index", "--json"]) == 0
    doms = {d["name"]: d for d in json.loads(capsys.readouterr().out)}
    assert doms["kestrel-truth.news"]["posts"] == 1 and doms["kestrel-truth.news"]["accounts"] == 1
    assert doms["kestrel-truth.news"]["registered_utc"] == "2024-05-01T07:59:58+00:00"
    assert main(["context", "domains", str(case)]) == 0
    assert "kestrel-truth.news registered 2 days before the first post mentioning it" in capsys.readouterr().out
    set_claim(case, 50.0, 10.0, "2024-05-03T10:00:00+00:00")
    with Incident.open(case, read_only=True) as inc:
        counts = context_counts(inc)
        events = context_events(inc)
    assert counts["web_pages"] == 2 and counts["reference_images"] == 1 and counts["observations"] == 6
    assert counts["domain_records"] == 3 and counts["domains"] >= 3
    kinds = [e.kind for e in events]
    assert kinds.count("document") == 2 and "domain-registered" in kinds and "first-certificate" in kinds
    reg = next(e for e in events if e.kind == "domain-registered")
    assert "mentioned by 1 post(s)" in reg.note
    rain = [e for e in events if e.kind == "observation" and "precipitation" in e.label]
    assert rain and rain[0].start.isoformat() == "2024-05-03T09:00:00+00:00"
    ref = next(e for e in events if e.kind == "reference")
    assert ref.start < ref.end  # the TIFF's zone-less time spans every zone
    for args in (["counts"], ["events"], ["documents"], ["references"], ["search", "bridge"], ["show", "1"],
                 ["observations"], ["aliases"]):  # fmt: skip
        assert main(["context", args[0], str(case), *args[1:]]) == 0, args
    text = capsys.readouterr().out
    assert "Bridge collapses" in text and "observed: precipitation" in text
    # importing again adds nothing
    assert main(["context", "import", str(case), str(files["warc"]), str(files["csv"]), "--json"]) == 0
    again = json.loads(capsys.readouterr().out)
    assert again["files"][0]["duplicates"] == 2 and again["files"][1]["already_imported"]


def test_hostile_inputs_exit_with_a_message(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    case = tmp_path / "case.incident"
    main(["new", str(case), "--title", "t"])
    bad_tif = make_geotiff(tmp_path / "bad.tif", pixel=(50.0, 50.0))
    notes = tmp_path / "notes.txt"
    notes.write_text("nothing to see")
    assert main(["context", "import", str(case), str(bad_tif), str(notes)]) == 2
    out = capsys.readouterr().out
    assert "off the globe" in out and "not a context file" in out
    assert main(["context", "place", str(case), str(tmp_path / "bad.tif"), "--point", "0,0,1"]) == 2
    assert "col,row,lat,lon" in capsys.readouterr().err


def test_show_never_sends_control_characters_to_the_terminal(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    body = b"<html><title>ok</title><body><p>before \x1b]0;pwned\x07 \x1b[2J after</p></body></html>"
    rec = warc_record("response", "https://h.example/", "2024-05-03T10:00:00Z", http_response(body),
                      "application/http; msgtype=response")  # fmt: skip
    path = make_warc(tmp_path / "h.warc.gz", records=[rec])
    case = tmp_path / "case.incident"
    main(["new", str(case), "--title", "t"])
    assert main(["context", "import", str(case), str(path)]) == 0
    capsys.readouterr()
    assert main(["context", "show", str(case), "1"]) == 0
    out = capsys.readouterr().out
    assert "\x1b" not in out and "\x07" not in out and "before" in out and "after" in out


def test_counts_on_an_empty_incident(tmp_path: Path) -> None:
    with Incident.create(tmp_path / "e.incident", title="e") as inc:
        counts = context_counts(inc)
        assert set(counts.values()) == {0}
        assert context_events(inc) == []


def test_capture_through_the_dispatcher(tmp_path: Path) -> None:
    page = tmp_path / "saved.html"
    page.write_text("<title>Saved</title><p>text</p>")
    with Incident.create(tmp_path / "c.incident", title="c") as inc:
        result = import_context_file(inc, page, url="https://a.example/", captured_at="2024-05-03T10:00:00Z")
        assert result.kind == "capture"
    con = sqlite3.connect(tmp_path / "c.incident")
    assert con.execute("SELECT url, capture_utc FROM context_document").fetchall() == [
        ("https://a.example/", "2024-05-03T10:00:00+00:00")
    ]
    con.close()


def test_place_prints_residuals(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from tests.helpers import make_jpeg

    case = tmp_path / "case.incident"
    main(["new", str(case), "--title", "t"])
    photo = tmp_path / "photo.jpg"
    photo.write_bytes(make_jpeg(320, 240))
    points = ["0,0,50,10", "320,0,50,10.004", "0,240,49.998,10", "320,240,49.998,10.0042"]
    capsys.readouterr()
    assert main(["context", "place", str(case), str(photo), *(a for p in points for a in ("--point", p))]) == 0
    out = capsys.readouterr().out
    assert out.count("residual") == 4 and "RMS" in out and "tiles" in out
    assert main(["context", "place", str(case), "photo.jpg", "--point", "0,0,50,10", "--json"]) == 2
    assert "at least three" in capsys.readouterr().err
