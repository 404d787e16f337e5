import io
import xml.etree.ElementTree as ET
from typing import Any

import pytest
from PIL import Image

from workbench.core.errors import BadInput
from workbench.core.geo.export import layers_from_geojson, to_geojson, to_kml
from workbench.core.geo.layers import Band, Hypothesis, MapLayers, MapPoint, SunLine
from workbench.core.geo.measure import destination, measure
from workbench.core.geo.staticmap import LAND, render_static_map

EVIL = "<b>x</b> & </script>"

LAYERS = MapLayers(
    points=(
        MapPoint("m1", 48.3, 37.2, EVIL, "exif", direction=45.0, media_id="1"),
        MapPoint("g1", 48.5, 37.6, "post", "geotag", post_id="p9"),
    ),
    hypotheses=(Hypothesis("h1", 48.28, 37.18, 3000, "supported", 0.7, "H", "note"),),
    bands=(Band("b1", {"type": "Polygon", "coordinates": [[[36, 48], [39, 48], [39, 48.1], [36, 48.1], [36, 48]]]}),),
    sun_lines=(SunLine("s1", 48.28, 37.18, 210.0, "2024-06-01T10:00:00Z", 2000.0, "sun"),),
    title="Incident",
)


def test_geojson_round_trip() -> None:
    data = to_geojson(LAYERS)
    assert {f["properties"]["layer"] for f in data["features"]} == {
        "exif",
        "geotag",
        "hypothesis",
        "hypothesis-area",
        "band",
        "sunline",
    }
    assert data["features"][0]["geometry"]["coordinates"] == [37.2, 48.3]  # GeoJSON order
    assert layers_from_geojson(data) == LAYERS


def test_plain_geojson_points_and_errors() -> None:
    plain = {
        "type": "FeatureCollection",
        "features": [
            {"type": "Feature", "geometry": {"type": "Point", "coordinates": [30.5, 50.4]}, "properties": {"name": "K"}}
        ],
    }
    layers = layers_from_geojson(plain)
    assert layers.points[0].kind == "place" and layers.points[0].label == "K"
    with pytest.raises(BadInput):
        layers_from_geojson({"type": "Topology"})
    with pytest.raises(BadInput):
        layers_from_geojson(
            {
                "type": "FeatureCollection",
                "features": [
                    {"type": "Feature", "geometry": {"type": "Point", "coordinates": [500, 50]}, "properties": {}}
                ],
            }
        )


def test_kml_is_valid_xml_with_text_escaped() -> None:
    text = to_kml(LAYERS)
    root = ET.fromstring(text.encode())
    ns = {"k": "http://www.opengis.net/kml/2.2"}
    names = [n.text for n in root.iterfind(".//k:Placemark/k:name", ns)]
    assert EVIL in names and "<b>x</b>" not in text
    assert len(root.findall(".//k:Folder", ns)) == 5


def test_static_map_draws_without_network() -> None:
    png = render_static_map(LAYERS, 600, 400)
    img = Image.open(io.BytesIO(png)).convert("RGB")
    assert img.size == (600, 400)
    colours = {c for _, c in img.getcolors(600 * 400) or []}
    assert LAND in colours and any(r > 200 and g < 80 and b < 60 for r, g, b in colours)  # land + a red point
    world = Image.open(io.BytesIO(render_static_map(MapLayers(), 400, 250))).convert("RGB")
    assert len(world.getcolors(400 * 250) or []) > 2


def test_geodesic_measure() -> None:
    m = measure(50.45, 30.52, 48.28, 37.18)
    assert m.distance_m == pytest.approx(540341, abs=5) and 113 < m.bearing < 115
    lat, lon = destination(0.0, 0.0, 90.0, 111_319.49)
    assert lat == pytest.approx(0.0, abs=1e-9) and lon == pytest.approx(1.0, abs=1e-4)


def test_static_map_over_offline_tiles(tmp_path: Any) -> None:
    from tests.core.geo.test_tiles import make_mbtiles

    from workbench.core.geo.tiles import MBTilesSource

    green = io.BytesIO()
    Image.new("RGB", (256, 256), (0, 200, 0)).save(green, "PNG")
    src = MBTilesSource(
        make_mbtiles(
            tmp_path / "g.mbtiles",
            {(z, x, y): green.getvalue() for z in range(4) for x in range(2**z) for y in range(2**z)},
        )
    )
    img = Image.open(io.BytesIO(render_static_map(LAYERS, 400, 300, min_span_km=300, tiles=src))).convert("RGB")
    assert img.getpixel((5, 5)) == (0, 200, 0)  # the raster, not the outline
    src.close()


def test_sun_line_from_a_point_at_an_instant() -> None:
    from datetime import UTC, datetime

    from workbench.core.errors import BadInput
    from workbench.core.geo.layers import sun_line

    # NREL SPA's published check (Golden, Colorado): azimuth 194.34024°.
    line = sun_line("s", 39.742476, -105.1786, datetime(2003, 10, 17, 19, 30, 30, tzinfo=UTC))
    assert line.azimuth == pytest.approx(194.34024, abs=0.001) and line.elevation is not None
    assert line.instant == "2003-10-17T19:30:30+00:00"
    with pytest.raises(BadInput):
        sun_line("s", 0, 0, datetime(2003, 10, 17, 19, 30))
    assert layers_from_geojson(to_geojson(MapLayers(sun_lines=(line,)))).sun_lines == (line,)


@pytest.mark.parametrize(
    "make",
    [
        lambda: MapPoint("p", float("nan"), 0.0),
        lambda: MapPoint("p", 0.0, 0.0, direction=float("inf")),
        lambda: MapPoint("p", 0.0, 0.0, fov=0.0),
        lambda: MapPoint("p", 0.0, 0.0, kind="secret"),  # type: ignore[arg-type]
        lambda: Hypothesis("h", 0.0, 0.0, radius_m=-1),
        lambda: Hypothesis("h", 0.0, 0.0, confidence=float("nan")),
        lambda: Hypothesis("h", 0.0, 0.0, status="maybe"),  # type: ignore[arg-type]
        lambda: Band("b", {"type": "Polygon", "coordinates": [[[0, float("nan")]]]}),
        lambda: Band("b", {"coordinates": []}),
        lambda: SunLine("s", 0.0, 0.0, 90.0, length_m=0.0),
    ],
)
def test_layers_refuse_what_cannot_be_drawn(make: Any) -> None:
    with pytest.raises(BadInput):
        make()


def test_store_statuses_are_understood() -> None:
    assert Hypothesis("h", 0, 0, status="candidate").status == "open"  # type: ignore[arg-type]
    assert Hypothesis("h", 0, 0, status="rejected").status == "refuted"  # type: ignore[arg-type]
