"""`workbench import` takes context files too: archives, reference images, observations, beside post exports."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from tests.core.context.makers import make_geotiff, make_warc
from tests.core.posts.posts_fixtures import write_twarc

from workbench.cli import main
from workbench.core.incident import Incident


def test_one_import_command_for_posts_and_context(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    inc = tmp_path / "case.incident"
    Incident.create(inc, title="t").close()
    warc = make_warc(tmp_path / "pages.warc.gz")
    tiff = make_geotiff(tmp_path / "ref.tif")
    tweets = write_twarc(tmp_path / "tweets.jsonl")
    obs = tmp_path / "weather.csv"
    obs.write_text(
        "time,lat,lon,variable,value,unit,station\n2025-03-14T08:00:00Z,48.2,16.37,precipitation,4.2,mm/h,Wien\n",
        encoding="utf-8",
    )
    assert main(["import", str(inc), str(warc), str(tiff), str(tweets), str(obs), "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert sorted(c["kind"] for c in out["context"]) == ["archive", "observations", "reference"]
    assert out["posts"] > 0
    assert main(["info", str(inc), "--json"]) == 0
    info = json.loads(capsys.readouterr().out)
    assert info["context"]["web_pages"] == 2 and info["context"]["reference_images"] == 1
    assert info["context"]["observations"] == 1 and info["posts"] == out["posts"]
