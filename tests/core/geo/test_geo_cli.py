import json
import re
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from workbench.cli import main
from workbench.core.geo.export import to_geojson
from workbench.core.geo.incident_layers import layers_from_incident
from workbench.core.geo.layers import MapLayers, MapPoint
from workbench.core.media.model import GPS, Summary


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out = capsys.readouterr()
    return code, out.out, out.err


def test_place_by_name(gazetteer_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "place", "Pokrovsk", "--json")
    assert code == 0
    cands = json.loads(out)["candidates"]
    assert cands[0]["name"] == "Pokrovsk" and cands[0]["country"] == "Ukraine"
    assert {"name", "country", "lat", "lon", "population", "timezone"} <= set(cands[0])
    code, out, _ = run(capsys, "place", "Pokrovsk")
    assert code == 0 and "Pokrovsk, Ukraine" in out


def test_place_by_point(gazetteer_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "place", "--lat", "48.28", "--lon", "37.18", "--json")
    data = json.loads(out)
    assert code == 0 and data["country_code"] == "UA" and data["candidates"][0]["name"] == "Pokrovsk"
    assert data["timezone"]["zone"] == "Europe/Kyiv"
    code, _, err = run(capsys, "place", "--lat", "95", "--lon", "0")
    assert code == 2 and "Latitude" in err
    code, _, err = run(capsys, "place", "--lat", "1")
    assert code == 2


def test_timezone_command(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "timezone", "--lat", "50.45", "--lon", "30.52", "--local", "2021-10-31T03:30", "--json")
    data = json.loads(out)
    assert code == 0 and data["zone"] == "Europe/Kyiv" and data["local_time"]["status"] == "ambiguous"


def test_map_from_geojson(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    src = tmp_path / "points.geojson"
    layers = MapLayers(points=(MapPoint("a", 48.3, 37.2, "<script>x</script>"),))
    src.write_text(json.dumps(to_geojson(layers)), encoding="utf-8")
    code, out, _ = run(
        capsys, "map", str(src), "-o", str(tmp_path / "out"), "--json", "--width", "300", "--height", "200"
    )
    assert code == 0
    result = json.loads(out)
    out_dir = tmp_path / "out"
    assert (out_dir / "index.html").is_file() and (out_dir / "map.png").is_file()
    for path in result["assets"]:
        assert (out_dir / path).is_file()
    assert not re.search(r"https?:", (out_dir / "index.html").read_text(encoding="utf-8"))
    code, _, err = run(capsys, "map", str(tmp_path / "missing.geojson"), "-o", str(out_dir))
    assert code == 2 and "No such file" in err


def test_layers_from_incident_like_object() -> None:
    items = [
        SimpleNamespace(
            id=1,
            filename="a.jpg",
            sha256="0" * 64,
            kind="image",
            summary=Summary(gps=GPS(48.3, 37.2, direction=370.0, direction_ref="M")),
        ),
        SimpleNamespace(id=2, filename="b.jpg", sha256="1" * 64, kind="image", summary=Summary()),
        SimpleNamespace(id=3, filename="c.mp4", sha256="2" * 64, kind="video", summary=Summary(gps=GPS(0.0, 0.0))),
    ]
    inc = SimpleNamespace(media_items=lambda: items, info=lambda: SimpleNamespace(title="T"))
    layers = layers_from_incident(inc)
    assert [p.id for p in layers.points] == ["media:1", "media:3"] and layers.title == "T"
    assert layers.points[0].direction == pytest.approx(10.0) and "magnetic" in layers.points[0].note
    assert "empty GPS" in layers.points[1].note


def test_layers_from_incident_say_where_points_are(gz: Any) -> None:
    item = SimpleNamespace(id=1, filename="a.jpg", summary=Summary(gps=GPS(48.2805, 37.1805)))
    layers = layers_from_incident(SimpleNamespace(media_items=lambda: [item]), gz)
    assert layers.points[0].note.startswith("0.") and "from Pokrovsk" in layers.points[0].note
    assert "in Ukraine" in layers.points[0].note


def test_map_from_an_incident_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from workbench.core.incident import Incident

    path = tmp_path / "case.incident"
    Incident.create(path, title="Case").close()
    code, out, _ = run(capsys, "map", str(path), "-o", str(tmp_path / "m"), "--json")
    assert code == 0 and json.loads(out)["points"] == 0


def _gps_exif(lat: float, lon: float, direction: float) -> bytes:
    import piexif

    def dms(v: float) -> tuple[tuple[int, int], ...]:
        v = abs(v)
        d = int(v)
        m = int((v - d) * 60)
        s = round(((v - d) * 60 - m) * 60 * 1000)
        return ((d, 1), (m, 1), (s, 1000))

    gps = {
        piexif.GPSIFD.GPSLatitudeRef: b"N" if lat >= 0 else b"S",
        piexif.GPSIFD.GPSLatitude: dms(lat),
        piexif.GPSIFD.GPSLongitudeRef: b"E" if lon >= 0 else b"W",
        piexif.GPSIFD.GPSLongitude: dms(lon),
        piexif.GPSIFD.GPSImgDirectionRef: b"T",
        piexif.GPSIFD.GPSImgDirection: (int(direction * 100), 100),
    }
    return bytes(piexif.dump({"0th": {}, "Exif": {}, "GPS": gps, "1st": {}}))


def test_map_of_a_real_incident(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from tests.helpers import make_jpeg

    from workbench.core import analysis
    from workbench.core.annotations import create_annotation
    from workbench.core.incident import Incident
    from workbench.core.ingest import add_evidence

    photo = tmp_path / "IMG_0001 <img src=x onerror=alert(1)>.jpg"
    photo.write_bytes(make_jpeg(exif=_gps_exif(48.2805, 37.1805, 135.0)))
    path = tmp_path / "case.incident"
    with Incident.create(path, title="Strike </script>") as inc:
        add_evidence(inc, [photo], workers=1)
        media_id = inc.media_items()[0].id
        changes = analysis.add_hypothesis(
            inc,
            48.28,
            37.18,
            label="Pokrovsk centre",
            radius_m=800.0,
            status="rejected",
            confidence=0.2,
            geometry={"type": "Polygon", "coordinates": [[[37, 48], [38, 48], [38, 49], [37, 48]]]},
        )
        hid = changes.ids["hypotheses"][0]
        create_annotation(
            inc,
            media_id,
            "rect",
            {"x": 1, "y": 1, "w": 5, "h": 5},
            category="landmark",
            label="water tower",
            linked_hypothesis_id=hid,
        )
    with Incident.open(path, read_only=True) as inc:
        layers = layers_from_incident(inc)
    exif = [p for p in layers.points if p.kind == "exif"]
    assert len(exif) == 1 and exif[0].direction == pytest.approx(135.0) and exif[0].lat == pytest.approx(48.2805)
    assert [(h.status, h.radius_m) for h in layers.hypotheses] == [("refuted", 800.0)]
    assert len(layers.bands) == 1
    landmark = [p for p in layers.points if p.kind == "landmark"]
    assert landmark and landmark[0].label == "water tower" and landmark[0].lat == pytest.approx(48.28)
    code, out, _ = run(capsys, "map", str(path), "-o", str(tmp_path / "m"), "--json")
    assert code == 0 and json.loads(out)["points"] == 2 and json.loads(out)["hypotheses"] == 1
    html = (tmp_path / "m" / "index.html").read_text(encoding="utf-8")
    assert "<img src=x" not in html and "Strike &lt;/script&gt;" in html


def test_claimed_place_and_sun_at_the_claimed_time() -> None:
    info = SimpleNamespace(
        title="T", place_lat=48.2082, place_lon=16.3738, claimed_time_utc="2025-03-14T07:30:00+00:00"
    )
    layers = layers_from_incident(SimpleNamespace(media_items=lambda: [], info=lambda: info))
    assert [p.id for p in layers.points] == ["claimed"]
    (line,) = layers.sun_lines
    assert 100 < line.azimuth < 130 and line.elevation is not None and line.elevation > 0  # morning sun, east
    night = SimpleNamespace(title="", place_lat=48.2, place_lon=16.37, claimed_time_utc="2025-03-14T23:00:00+00:00")
    assert layers_from_incident(SimpleNamespace(media_items=lambda: [], info=lambda: night)).sun_lines == ()


def test_post_geotags_are_on_the_map(tmp_path: Path) -> None:
    from workbench.core.incident import Incident
    from workbench.core.posts.store import import_export

    page = {
        "data": [
            {
                "id": "1001",
                "text": "Smoke over the bridge </script><img src=x onerror=alert(1)>",
                "author_id": "9",
                "created_at": "2024-03-01T10:00:00.000Z",
                "geo": {"coordinates": {"type": "Point", "coordinates": [37.18, 48.28]}},
            },
            {"id": "1002", "text": "no position", "author_id": "9", "created_at": "2024-03-01T11:00:00.000Z"},
        ],
        "includes": {"users": [{"id": "9", "username": "witness", "name": "W"}]},
    }
    export = tmp_path / "tweets.jsonl"
    export.write_text(json.dumps(page) + "\n", encoding="utf-8")
    with Incident.create(tmp_path / "p.incident", title="P") as inc:
        import_export(inc, export)
        layers = layers_from_incident(inc)
    (tag,) = [p for p in layers.points if p.kind == "geotag"]
    assert (tag.lat, tag.lon) == (48.28, 37.18) and tag.post_id is not None and tag.label.startswith("witness")
