"""Reference images: GeoTIFF georeferencing (4326, 3857, transformation), control-point fits with residuals,
absurd placements refused, overlay tiles that put the right pixel in the right place, audited changes."""

from __future__ import annotations

import io
import math
from pathlib import Path

import pytest
from PIL import Image
from tests.core.context.conftest import actions
from tests.core.context.makers import make_geotiff
from tests.helpers import make_jpeg

from workbench.core.context import overlay_layers
from workbench.core.context.georef import (
    MERCATOR_MAX,
    ControlPoint,
    GeoTransform,
    fit_control_points,
    lonlat_to_mercator,
)
from workbench.core.context.reference import (
    OverlayTileSource,
    import_reference_image,
    place_media,
    reference_image,
    reference_images,
    set_control_points,
    update_reference,
)
from workbench.core.context.tiles import plan
from workbench.core.errors import BadInput
from workbench.core.incident import Incident


def _tile_pixel(z: int, lat: float, lon: float) -> tuple[int, int, int, int]:
    """(tile x, tile y, pixel x, pixel y) of a position at zoom z."""
    x, y = lonlat_to_mercator(lon, lat)
    size = 2 * MERCATOR_MAX / 2**z
    fx, fy = (x + MERCATOR_MAX) / size, (MERCATOR_MAX - y) / size
    return int(fx), int(fy), int((fx % 1) * 256), int((fy % 1) * 256)


def test_geotiff_4326_is_placed_and_tiled(inc: Incident, tmp_path: Path) -> None:
    path = make_geotiff(tmp_path / "sat.tif", size=(400, 300), origin=(10.0, 50.0), pixel=(0.0001, 0.0001))
    changes = import_reference_image(inc, path, label="Sentinel")
    ref = reference_image(inc, changes.ids["reference_images"][0])
    assert ref.method == "geotiff" and ref.transform.crs == "EPSG:4326"
    assert ref.bounds == pytest.approx((49.97, 10.0, 50.0, 10.04))
    assert ref.acquired == "2024-05-01T09:30:00"  # TIFF DateTime: kept naive, zone never guessed
    assert "local-unknown-zone" in ref.acquired_source
    assert ref.tiles["source_sha256"] == inc.media_item(ref.media_id).sha256
    assert ref.tiles["count"] > 0 and ref.tiles["tool"]
    # the colour at a position on the map is the image's colour at that position
    source = OverlayTileSource(inc.path, ref.id)
    try:
        z = ref.tiles["max_zoom"]
        image = Image.open(path).convert("RGB")
        for col, row in ((50, 40), (300, 100), (200, 250)):
            lat, lon = ref.transform.pixel_to_latlon(col + 0.5, row + 0.5)
            tx, ty, px, py = _tile_pixel(z, lat, lon)
            data = source.tile(z, tx, ty)
            assert data is not None
            tile = Image.open(io.BytesIO(data)).convert("RGBA")
            got = tile.getpixel((px, py))
            want = image.getpixel((col, row))
            assert got[3] == 255
            assert all(abs(g - w) <= 24 for g, w in zip(got[:3], want, strict=False)), (got, want)
        # outside the footprint: transparent or no tile at all
        tx, ty, px, py = _tile_pixel(z, 49.9, 9.9)
        outside = source.tile(z, tx, ty)
        assert outside is None or Image.open(io.BytesIO(outside)).convert("RGBA").getpixel((px, py))[3] == 0
        assert source.spec.max_native_zoom == z and source.spec.image_format == "webp"
    finally:
        source.close()
    layers = overlay_layers(inc)
    assert [(la.reference_id, la.opacity) for la in layers] == [(ref.id, 0.7)]
    assert actions(inc)[-2:] == ["media.add", "context.reference_add"]


def test_geotiff_3857_and_model_transformation(inc: Incident, tmp_path: Path) -> None:
    x0, y0 = lonlat_to_mercator(10.0, 50.0)
    merc = make_geotiff(tmp_path / "m.tif", epsg=3857, origin=(x0, y0), pixel=(10.0, 10.0))
    ref = reference_image(inc, import_reference_image(inc, merc).ids["reference_images"][0])
    assert ref.transform.crs == "EPSG:3857"
    assert ref.bounds[3] == pytest.approx(10.0 + 640 / 6378137 * 180 / math.pi, rel=1e-6)
    assert ref.bounds[2] == pytest.approx(50.0, abs=1e-9)
    # a rotated placement through ModelTransformation (4x4, row major)
    t = (0.0001, 0.00002, 0.0, 20.0, 0.00002, -0.0001, 0.0, 45.0, 0, 0, 0, 0, 0, 0, 0, 1)
    rot = make_geotiff(tmp_path / "r.tif", transformation=tuple(float(v) for v in t), datetime_tag=None)
    ref2 = reference_image(inc, import_reference_image(inc, rot, acquired="2024-04-20").ids["reference_images"][0])
    assert ref2.transform.b == pytest.approx(0.00002)
    assert ref2.acquired == "2024-04-20" and ref2.acquired_source == "analyst (date only)"


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"pixel": (0.0, 0.0)}, "no area"),
        ({"pixel": (5.0, 5.0)}, "off the globe"),  # 64 × 5° > the globe
        ({"origin": (500000.0, 5500000.0)}, "off the globe"),  # UTM metres read as degrees
        ({"pixel": (1e-12, 1e-12)}, "m across"),
        ({"pixel": (float("nan"), 0.001)}, "not a number"),
        ({"epsg": 32633}, "EPSG:32633"),
        ({"epsg": 4269}, "not WGS84"),
    ],
)
def test_absurd_georeferencing_is_refused_and_nothing_kept(
    inc: Incident, tmp_path: Path, kwargs: dict[str, object], message: str
) -> None:
    path = make_geotiff(tmp_path / "bad.tif", **kwargs)  # type: ignore[arg-type]
    with pytest.raises(BadInput, match=message):
        import_reference_image(inc, path)
    assert inc.media_items() == []
    assert reference_images(inc) == []


def test_projected_system_message_says_how_to_fix(inc: Incident, tmp_path: Path) -> None:
    with pytest.raises(BadInput, match="gdalwarp"):
        import_reference_image(inc, make_geotiff(tmp_path / "utm.tif", epsg=32633, origin=(500000.0, 5500000.0)))


def test_plain_tiff_and_jpeg_need_control_points(inc: Incident, tmp_path: Path) -> None:
    Image.new("RGB", (32, 32)).save(tmp_path / "plain.tif")
    with pytest.raises(BadInput, match="no georeferencing"):
        import_reference_image(inc, tmp_path / "plain.tif")
    (tmp_path / "photo.jpg").write_bytes(make_jpeg(320, 240))
    with pytest.raises(BadInput, match="control points"):
        import_reference_image(inc, tmp_path / "photo.jpg")
    assert inc.media_items() == []


def _true_points(t: GeoTransform, pixels: list[tuple[float, float]]) -> list[ControlPoint]:
    out = []
    for col, row in pixels:
        lat, lon = t.pixel_to_latlon(col, row)
        out.append(ControlPoint(col, row, lat, lon))
    return out


def test_control_point_fit_residuals_in_metres() -> None:
    x0, y0 = lonlat_to_mercator(10.0, 50.0)
    truth = GeoTransform("EPSG:3857", 0.5, 0.1, x0, 0.05, -0.5, y0)
    pts = _true_points(truth, [(0, 0), (320, 0), (0, 240), (320, 240), (160, 120)])
    fit = fit_control_points(pts, 320, 240)
    assert fit.rms_m < 0.01 and not fit.note
    # move one point 30 m north: it has the largest residual
    bad = list(pts)
    bad[4] = ControlPoint(160, 120, pts[4].lat + 30 / 111_195, pts[4].lon)
    fit2 = fit_control_points(bad, 320, 240)
    assert max(range(5), key=lambda i: fit2.residuals_m[i]) == 4
    assert 10 < fit2.residuals_m[4] < 30
    three = fit_control_points(pts[:3], 320, 240)
    assert "add a fourth" in three.note


@pytest.mark.parametrize(
    ("points", "message"),
    [
        ([(0, 0, 50, 10), (10, 10, 50.001, 10.001)], "at least three"),
        ([(0, 0, 50, 10), (10, 10, 50.001, 10.001), (20, 20, 50.002, 10.003)], "one line in the image"),
        ([(0, 0, 50, 10), (100, 0, 50, 10), (0, 100, 50, 10)], "one line"),
        ([(0, 0, 95, 10), (100, 0, 50, 10), (0, 100, 50, 11)], "not a valid position"),
    ],
)
def test_bad_control_points_are_refused(points: list[tuple[float, ...]], message: str) -> None:
    with pytest.raises(BadInput, match=message):
        fit_control_points([ControlPoint(*p) for p in points], 100, 100)


def test_hand_placed_photo_refit_and_updates_are_audited(inc: Incident, tmp_path: Path) -> None:
    (tmp_path / "photo.jpg").write_bytes(make_jpeg(320, 240))
    pts = [(0, 0, 50.0, 10.0), (320, 0, 50.0, 10.004), (0, 240, 49.998, 10.0), (320, 240, 49.998, 10.0041)]
    changes = import_reference_image(inc, tmp_path / "photo.jpg", control_points=pts, acquired="2024-05-02T10:00Z")
    rid = changes.ids["reference_images"][0]
    ref = reference_image(inc, rid)
    assert ref.method == "control-points" and len(ref.residuals_m) == 4 and ref.rms_m is not None
    assert ref.acquired == "2024-05-02T10:00:00+00:00"
    set_control_points(inc, rid, [(*p[:3], p[3] + 0.001) for p in pts])
    moved = reference_image(inc, rid)
    assert moved.bounds[1] == pytest.approx(10.001, abs=1e-4)
    assert moved.tiles["count"] > 0
    assert update_reference(inc, rid, opacity=0.3).topics == {"reference_images"}
    assert not update_reference(inc, rid, opacity=0.3).topics  # no-op: nothing written
    with pytest.raises(BadInput):
        update_reference(inc, rid, opacity=1.5)
    with pytest.raises(BadInput, match="no time zone"):
        update_reference(inc, rid, acquired="2024-05-02 10:00")
    assert actions(inc)[-3:] == ["context.reference_add", "context.reference_place", "context.reference_update"]
    # a media item already in the incident can be placed too
    second = place_media(inc, ref.media_id, control_points=pts)
    assert second.ids["reference_images"][0] != rid


def test_tile_plan_for_a_big_image_is_bounded() -> None:
    x0, y0 = lonlat_to_mercator(10.0, 50.0)
    t = GeoTransform("EPSG:3857", 0.5, 0.0, x0, 0.0, -0.5, y0)  # 10,000² at 0.5 m
    p = plan(t, 10_000, 10_000)
    assert 17 <= p.max_zoom <= 19
    assert p.count < 40_000
    assert p.max_zoom - p.min_zoom >= 5


def test_tiff_claiming_billions_of_pixels_is_refused(inc: Incident, tmp_path: Path) -> None:
    path = make_geotiff(tmp_path / "huge.tif", size=(7, 5))
    data = bytearray(path.read_bytes())
    assert data[:4] == b"II*\x00"
    ifd = int.from_bytes(data[4:8], "little")
    count = int.from_bytes(data[ifd : ifd + 2], "little")
    for i in range(count):
        entry = ifd + 2 + 12 * i
        tag = int.from_bytes(data[entry : entry + 2], "little")
        if tag in (256, 257):  # ImageWidth, ImageLength: claim 60,000 × 60,000
            kind = int.from_bytes(data[entry + 2 : entry + 4], "little")
            data[entry + 8 : entry + 8 + (2 if kind == 3 else 4)] = (60000).to_bytes(2 if kind == 3 else 4, "little")
    path.write_bytes(bytes(data))
    with pytest.raises(BadInput, match="too large"):
        import_reference_image(inc, path)
    assert inc.media_items() == []
