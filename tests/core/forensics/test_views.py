"""Forensic views: each must show what it claims on a constructed case, and stay quiet on a clean image."""

from __future__ import annotations

import io
import json

import numpy as np
import numpy.typing as npt
import pytest
from PIL import Image, ImageOps
from tests.core.forensics.synth import decode, jpeg_bytes, natural_image
from tests.helpers import corpus_path

from workbench.core.errors import BadInput, MediaUnreadable
from workbench.core.media import forensics as F

INSIDE = (slice(168, 312), slice(248, 432))  # well inside the pasted box [160:320, 240:440]


def _outside_mask(shape: tuple[int, ...]) -> npt.NDArray[np.bool_]:
    mask = np.ones(shape[:2], dtype=bool)
    mask[150:330, 230:450] = False
    return mask


def _inside_outside(layer: npt.NDArray[np.uint8]) -> tuple[float, float]:
    grey = layer.astype(np.float64).mean(axis=2)
    return float(grey[INSIDE].mean()), float(grey[_outside_mask(grey.shape)].mean())


# --- ELA ---------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_ela_shows_a_pasted_differently_compressed_region_brighter(seed: int) -> None:
    # A photo re-saved a few times at quality 90 (its error levels have settled), with a patch pasted in from
    # another JPEG saved at 95, off the 8x8 grid, and the result saved once more at 90.
    photo = natural_image(640, 480, seed=seed)
    for _ in range(3):
        photo = decode(jpeg_bytes(photo, 90))
    donor = decode(jpeg_bytes(natural_image(640, 480, seed=seed + 50), 95))
    photo[163:323, 243:443] = donor[160:320, 240:440]
    edited = Image.open(io.BytesIO(jpeg_bytes(photo, 90)))

    result = F.ela(edited)

    inside, outside = _inside_outside(result.image)
    assert inside > 3 * outside, (inside, outside)
    assert result.params == {
        "quality": 90,
        "scale": 15.0,
        "oriented": False,
        "encoder": "OpenCV imencode (libjpeg, 4:2:0)",
    }
    assert result.image.dtype == np.uint8 and result.image.shape == (480, 640, 3)
    assert "not proof" in result.cannot_prove
    assert result.pixels == F.STORED_PIXELS


def test_ela_is_dark_on_an_image_already_saved_at_that_quality_and_auto_scales() -> None:
    photo = natural_image(320, 240, seed=4)
    for _ in range(3):
        photo = decode(jpeg_bytes(photo, 90))
    settled = F.ela(photo, quality=90)
    fresh = F.ela(natural_image(320, 240, seed=4), quality=90)
    assert settled.data["mean_error"] < fresh.data["mean_error"] / 3
    auto = F.ela(natural_image(320, 240, seed=4), scale=0)
    assert auto.data["scale_used"] > 0 and int(np.percentile(auto.image, 99.9)) >= 200


def test_ela_refuses_out_of_range_parameters() -> None:
    with pytest.raises(BadInput):
        F.ela(natural_image(64, 64), quality=0)
    with pytest.raises(BadInput):
        F.ela(natural_image(64, 64), scale=-1)


# --- noise -------------------------------------------------------------------------------------------------------


def test_noise_residual_shows_a_region_with_different_grain() -> None:
    import cv2

    # A soft-focus scene with even sensor grain, as from one camera.
    rng = np.random.default_rng(1)
    scene = cv2.GaussianBlur(natural_image(640, 480, seed=5), (0, 0), 2.0).astype(np.float64)
    even = np.clip(scene + rng.normal(0, 2.5, scene.shape), 0, 255).astype(np.uint8)

    grainy = even.astype(np.float64)
    grainy[160:320, 240:440] += rng.normal(0, 8, (160, 200, 3))  # a patch from a noisier camera
    result = F.noise(np.clip(grainy, 0, 255).astype(np.uint8))
    inside, outside = _inside_outside(result.image)
    assert inside > 2 * outside, (inside, outside)
    assert result.data["block_noise_p95"] > 1.5 * result.data["noise_level"]

    smoothed = even.copy()
    smoothed[160:320, 240:440] = cv2.GaussianBlur(even, (5, 5), 1.5)[160:320, 240:440]  # an airbrushed patch
    inside, outside = _inside_outside(F.noise(smoothed, amplification=10).image)
    assert inside < outside / 2, (inside, outside)


# --- gradient ----------------------------------------------------------------------------------------------------


def test_gradient_colours_direction_and_finds_the_dominant_one() -> None:
    ramp = np.tile(np.linspace(30, 220, 640, dtype=np.float64), (480, 1))
    picture = np.repeat(ramp[:, :, None], 3, axis=2)
    picture[160:320, 240:440] = picture[160:320, 240:440][:, ::-1]  # a patch lit from the other side
    result = F.gradient(picture.astype(np.uint8))
    assert abs(result.data["dominant_direction_deg"]) < 1 or result.data["dominant_direction_deg"] > 359
    inside = result.image[INSIDE].reshape(-1, 3).mean(axis=0)
    outside = result.image[200, 100].astype(np.float64)
    assert np.abs(inside - outside).max() > 100  # a different hue, not just a different brightness


# --- JPEG tables --------------------------------------------------------------------------------------------------


def test_jpeg_quality_reads_tables_and_estimates_quality() -> None:
    image = Image.open(io.BytesIO(jpeg_bytes(natural_image(480, 360), 77)))
    result = F.jpeg_quality(image)
    assert result.data["is_jpeg"] is True
    assert result.data["estimate"]["quality"] == 77
    assert result.data["estimate"]["method"] == "ijg-exact"
    assert result.data["double_compression"]["finding"] == "none"
    assert result.data["double_compression_hint"].startswith("No trace of double compression")
    assert sorted(result.data["tables"]) == [0, 1] and len(result.data["tables"][0]) == 64
    assert result.image.ndim == 3 and result.image.shape[2] == 3
    json.dumps(result.to_json())


@pytest.mark.parametrize(("first", "second"), [(60, 80), (70, 90)])
def test_jpeg_quality_finds_double_compression(first: int, second: int) -> None:
    twice = decode(jpeg_bytes(natural_image(640, 480, seed=first), first))
    result = F.jpeg_quality(Image.open(io.BytesIO(jpeg_bytes(twice, second))))
    assert result.data["estimate"]["quality"] == second
    assert result.data["double_compression"]["finding"] == "periodic", result.data["double_compression"]
    assert "compressed twice" in result.data["double_compression_hint"]
    once = F.jpeg_quality(Image.open(io.BytesIO(jpeg_bytes(natural_image(640, 480, seed=first), second))))
    assert once.data["double_compression"]["score"] < 0.3 < result.data["double_compression"]["score"] / 2


def test_double_compression_is_not_assessed_on_tiny_images() -> None:
    result = F.jpeg_quality(Image.open(io.BytesIO(jpeg_bytes(natural_image(64, 48), 80))))
    assert result.data["double_compression"]["finding"] == "not assessable"
    assert result.data["double_compression_hint"].startswith("Too few blocks")


def test_camera_originals_show_no_double_compression() -> None:
    for name in ("DSCN0010.jpg", "DSCN0012.jpg", "DSCN0021.jpg", "DSCN0025.jpg"):
        image = F.open_image(corpus_path("images", "exif-samples", "jpg", "gps", name))
        assert F.jpeg_quality(image).data["double_compression"]["finding"] == "none", name


def test_jpeg_quality_says_plainly_when_there_are_no_tables() -> None:
    buf = io.BytesIO()
    Image.fromarray(natural_image(64, 48)).save(buf, "PNG")
    result = F.jpeg_quality(Image.open(buf))
    assert result.data["is_jpeg"] is False
    assert "no quantisation tables" in result.summary
    assert F.jpeg_quality(natural_image(64, 48)).data["is_jpeg"] is False


# --- EXIF thumbnail ------------------------------------------------------------------------------------------------


def _with_thumbnail(main: npt.NDArray[np.uint8], thumb_source: npt.NDArray[np.uint8]) -> Image.Image:
    import piexif

    thumb = Image.fromarray(thumb_source)
    thumb.thumbnail((160, 120))
    exif = piexif.dump(
        {"0th": {piexif.ImageIFD.Make: b"Test"}, "1st": {}, "thumbnail": jpeg_bytes(np.asarray(thumb), 90)}
    )
    buf = io.BytesIO()
    Image.fromarray(main).save(buf, "JPEG", quality=92, exif=exif)
    return Image.open(io.BytesIO(buf.getvalue()))


def test_thumbnail_matches_an_untouched_image_and_differs_from_an_edited_one() -> None:
    original = natural_image(640, 480, seed=6)
    untouched = F.thumbnail_vs_image(_with_thumbnail(original, original))
    assert untouched.data["has_thumbnail"] is True
    assert untouched.data["thumbnail_size"] == [160, 120]
    assert untouched.data["mean_difference"] < 4

    edited = original.copy()
    edited[160:320, 240:440] = (250, 250, 250)  # something painted out after the thumbnail was made
    changed = F.thumbnail_vs_image(_with_thumbnail(edited, original))
    assert changed.data["mean_difference"] > 3 * untouched.data["mean_difference"]
    assert changed.data["changed_fraction"] > 0.05
    # The difference panel (the third) is bright where the edit is and dark elsewhere.
    zoom = changed.image.shape[0] // 120
    diff_panel = changed.image[:, (160 + 4) * 2 * zoom :].astype(np.float64).mean(axis=2)
    assert diff_panel[45 * zoom : 75 * zoom, 65 * zoom : 105 * zoom].mean() > 5 * diff_panel[: 30 * zoom].mean()


def test_no_thumbnail_is_stated_plainly() -> None:
    image = Image.open(io.BytesIO(jpeg_bytes(natural_image(64, 48), 90)))
    result = F.thumbnail_vs_image(image)
    assert result.data["has_thumbnail"] is False
    assert result.summary == "No EXIF thumbnail in this file."


def test_thumbnail_of_a_real_camera_photo_is_close() -> None:
    image = F.open_image(corpus_path("images", "exif-samples", "jpg", "gps", "DSCN0010.jpg"))
    result = F.thumbnail_vs_image(image)
    assert result.data["has_thumbnail"] is True
    assert result.data["changed_fraction"] < 0.03


# --- clone detection -----------------------------------------------------------------------------------------------


def _iou(a: list[int], b: list[int]) -> float:
    ix = max(0, min(a[2], b[2]) - max(a[0], b[0]))
    iy = max(0, min(a[3], b[3]) - max(a[1], b[1]))
    union = (a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - ix * iy
    return ix * iy / union


def test_clone_finds_a_region_copied_within_the_image() -> None:
    photo = natural_image(800, 600, seed=7)
    photo[100:260, 80:260] = photo[350:510, 500:680].copy()  # copy-move
    image = Image.open(io.BytesIO(jpeg_bytes(photo, 90)))

    result = F.clone(image)

    assert len(result.data["regions"]) == 1, result.summary
    region = result.data["regions"][0]
    boxes = sorted([region["box_a"], region["box_b"]])
    assert _iou(boxes[0], [80, 100, 260, 260]) > 0.5, boxes
    assert _iou(boxes[1], [500, 350, 680, 510]) > 0.5, boxes
    assert sorted(abs(v) for v in region["offset"]) == pytest.approx([250, 420], abs=2)
    assert region["matches"] >= 20 and abs(region["rotation_deg"]) < 1
    # Regions are drawn: the overlay has saturated colour where the greyed-out image has none.
    hsv_like = result.image.max(axis=2).astype(int) - result.image.min(axis=2)
    assert (hsv_like > 100).sum() > 500


def test_clone_finds_a_rotated_copy() -> None:
    import cv2

    photo = natural_image(800, 600, seed=8)
    patch = photo[300:500, 450:650].copy()
    turned = cv2.warpAffine(patch, cv2.getRotationMatrix2D((100, 100), 25, 1.0), (200, 200))
    photo[140:260, 140:260] = turned[40:160, 40:160]
    result = F.clone(decode(jpeg_bytes(photo, 92)))
    assert result.data["regions"], result.summary
    assert abs(abs(result.data["regions"][0]["rotation_deg"]) - 25) < 3


@pytest.mark.parametrize("seed", [10, 11])
def test_clone_stays_quiet_on_a_clean_natural_image(seed: int) -> None:
    result = F.clone(decode(jpeg_bytes(natural_image(800, 600, seed=seed), 88)))
    assert result.data["regions"] == [], result.data["regions"]
    assert result.summary == "No copied regions found"
    assert result.data["keypoints"] > 500  # it looked: the image is full of keypoints


def test_clone_stays_quiet_on_real_photos() -> None:
    for name in ("DSCN0010.jpg", "DSCN0012.jpg", "DSCN0021.jpg"):
        image = F.open_image(corpus_path("images", "exif-samples", "jpg", "gps", name))
        assert F.clone(image).data["regions"] == [], name


def test_clone_coordinates_follow_the_orientation_when_asked() -> None:
    import piexif

    photo = natural_image(800, 600, seed=7)
    photo[100:260, 80:260] = photo[350:510, 500:680].copy()
    buf = io.BytesIO()
    Image.fromarray(photo).save(buf, "JPEG", quality=92, exif=piexif.dump({"0th": {piexif.ImageIFD.Orientation: 6}}))
    image = Image.open(io.BytesIO(buf.getvalue()))
    stored = F.clone(image)
    turned = F.clone(image, oriented=True)
    assert turned.image.shape[:2] == (800, 600)
    assert turned.pixels.startswith("stored pixels analysed, layer turned by EXIF orientation 6")
    a, b = stored.data["regions"][0], turned.data["regions"][0]
    x0, y0, x1, y1 = a["box_a"]
    expected = sorted([F.orient_point(x0, y0, 800, 600, 6), F.orient_point(x1, y1, 800, 600, 6)])
    got = b["box_a"]
    assert got[0] == pytest.approx(min(p[0] for p in expected), abs=2)
    assert got[1] == pytest.approx(min(p[1] for p in expected), abs=2)


# --- orientation, inputs, registry ---------------------------------------------------------------------------------


@pytest.mark.parametrize("orientation", range(1, 9))
def test_orient_array_and_point_agree_with_pillow(orientation: int) -> None:
    import piexif

    pixels = natural_image(40, 30, seed=orientation)
    buf = io.BytesIO()
    Image.fromarray(pixels).save(buf, "PNG", exif=piexif.dump({"0th": {piexif.ImageIFD.Orientation: orientation}}))
    pil = ImageOps.exif_transpose(Image.open(io.BytesIO(buf.getvalue())))
    assert pil is not None
    turned = F.orient_array(pixels, orientation)
    assert np.array_equal(turned, np.asarray(pil.convert("RGB")))
    x, y = 7, 3
    tx, ty = F.orient_point(x, y, 40, 30, orientation)
    assert np.array_equal(turned[int(ty), int(tx)], pixels[y, x])


def test_layers_can_be_turned_by_exif_orientation() -> None:
    import piexif

    buf = io.BytesIO()
    exif = piexif.dump({"0th": {piexif.ImageIFD.Orientation: 8}})
    Image.fromarray(natural_image(64, 48)).save(buf, "JPEG", quality=90, exif=exif)
    image = Image.open(io.BytesIO(buf.getvalue()))
    for name in ("ela", "noise", "gradient"):
        stored = F.run_view(name, image)
        turned = F.run_view(name, image, {"oriented": True})
        assert stored.image.shape[:2] == (48, 64) and turned.image.shape[:2] == (64, 48)
        assert np.array_equal(turned.image, F.orient_array(stored.image, 8))
        assert "orientation 8" in turned.pixels


def test_registry_lists_every_view_with_honest_one_liners() -> None:
    assert set(F.VIEWS) == {"ela", "noise", "jpeg_quality", "thumbnail_vs_image", "clone", "gradient"}
    for name, view in F.VIEWS.items():
        assert view.name == name and view.title
        assert view.can_show.endswith(".") and view.cannot_prove.endswith(".")
        assert "oriented" in view.defaults
    assert F.VIEWS["ela"].defaults["quality"] == 90 and F.VIEWS["ela"].defaults["scale"] == 15.0
    assert F.VIEWS["jpeg_quality"].needs_file and not F.VIEWS["clone"].needs_file


def test_run_view_reproduces_a_layer_from_its_recorded_params() -> None:
    image = Image.open(io.BytesIO(jpeg_bytes(natural_image(200, 150, seed=3), 85)))
    first = F.run_view("ela", image, {"quality": "80", "scale": "20"})
    assert first.params["quality"] == 80 and first.params["scale"] == 20.0
    again = F.run_view("ela", image, json.loads(json.dumps(first.params)))
    assert np.array_equal(first.image, again.image)
    with pytest.raises(BadInput, match="no parameter"):
        F.run_view("ela", image, {"qualty": 80})
    with pytest.raises(BadInput, match="No forensic view"):
        F.run_view("magic", image)
    with pytest.raises(BadInput, match="not a valid int"):
        F.run_view("ela", image, {"quality": "high"})


def test_every_view_runs_on_a_bare_array_and_serialises() -> None:
    pixels = natural_image(120, 90)
    for name in F.VIEWS:
        result = F.run_view(name, pixels)
        assert result.image.dtype == np.uint8 and result.image.ndim == 3
        assert result.tool.startswith("workbench ") and "OpenCV" in result.tool and "Pillow" in result.tool
        json.dumps(result.to_json())


def test_unreadable_images_raise_media_unreadable() -> None:
    with pytest.raises(MediaUnreadable, match="not an image format"):
        F.open_image(b"this is not an image")
    truncated = jpeg_bytes(natural_image(200, 150), 90)[:300]
    with pytest.raises(MediaUnreadable):
        F.open_image(truncated)
