"""Pixel products (thumbnail, pHash) and the JPEG quantisation-table quality estimate."""

from __future__ import annotations

import io
import pickle
from pathlib import Path

import pytest
from PIL import Image

from workbench.core.errors import MediaUnreadable
from workbench.core.media.jpeg import (
    STANDARD_LUMINANCE,
    estimate_quality,
    ijg_table,
    parse_jpeg,
    quantization_tables,
)
from workbench.core.media.pixels import phash_distance, phash_of, pixel_products

from .builders import build_tiff, jpeg_bytes, jpeg_with_exif, noisy_image, png_bomb, short_entry, write_mp4

# ------------------------------------------------------------------------------------------------------------
# JPEG quality


@pytest.mark.parametrize("quality", [5, 25, 50, 75, 90, 95, 100])
def test_pillow_quality_is_recovered_exactly(quality: int) -> None:
    data = jpeg_bytes(noisy_image(32, 32), quality=quality)
    tables = quantization_tables(Image.open(io.BytesIO(data)))
    assert tables == parse_jpeg(data).quantization
    est = estimate_quality(tables)
    assert (est.quality, est.method, est.standard_tables) == (quality, "ijg-exact", True)
    assert "IJG" in est.note


def test_custom_tables_give_a_nearest_quality_not_an_exact_one() -> None:
    lum = [max(1, v * 3 // 5 + (i % 3)) for i, v in enumerate(STANDARD_LUMINANCE)]
    est = estimate_quality({0: lum, 1: ijg_table([17] * 64, 80)})
    assert est.method == "ijg-nearest" and not est.standard_tables
    assert est.quality is not None and 70 <= est.quality <= 90


def test_no_tables() -> None:
    assert estimate_quality({}).quality is None
    assert quantization_tables(Image.new("RGB", (4, 4))) == {}


def test_parse_jpeg_facts() -> None:
    buf = io.BytesIO()
    noisy_image(48, 32).save(buf, "JPEG", quality=80, progressive=True, subsampling=0)
    info = parse_jpeg(buf.getvalue())
    assert (info.width, info.height, info.process, info.subsampling) == (48, 32, "progressive", "4:4:4")
    assert info.has_eoi and not info.problems
    cut = parse_jpeg(buf.getvalue()[:-200])
    assert not cut.has_eoi
    assert parse_jpeg(b"not a jpeg").problems


# ------------------------------------------------------------------------------------------------------------
# Pixel products


def test_thumbnail_applies_orientation_and_phash_is_orientation_free(tmp_path: Path) -> None:
    img = noisy_image(120, 60, seed=3)
    plain = tmp_path / "plain.jpg"
    plain.write_bytes(jpeg_bytes(img, quality=95))
    # the same picture stored rotated, with Orientation 6 telling viewers to rotate it back
    rotated = tmp_path / "rotated.jpg"
    rotated.write_bytes(
        jpeg_bytes(img.transpose(Image.Transpose.ROTATE_90), exif=build_tiff([short_entry(0x0112, 6)]), quality=95)
    )
    a = pixel_products(plain, max_side=64)
    b = pixel_products(rotated, max_side=64)
    assert (a.thumbnail_width, a.thumbnail_height) == (64, 32)
    assert (b.thumbnail_width, b.thumbnail_height) == (64, 32)
    assert b.params["orientation"] == 6
    assert a.phash is not None and b.phash is not None and len(a.phash) == 16
    assert phash_distance(a.phash, b.phash) <= 6
    thumb = Image.open(io.BytesIO(a.thumbnail_jpeg))
    assert thumb.format == "JPEG" and thumb.size == (64, 32)


def test_phash_separates_different_pictures_and_survives_reencoding() -> None:
    a, b = noisy_image(256, 192, seed=1), noisy_image(256, 192, seed=2)
    again = Image.open(io.BytesIO(jpeg_bytes(a.resize((200, 150)), quality=40)))
    ha, hb, h_again = phash_of(a), phash_of(b), phash_of(again)
    assert phash_distance(ha, h_again) <= 8
    assert phash_distance(ha, hb) >= 16
    assert phash_distance(ha, ha) == 0
    with pytest.raises(ValueError):
        phash_distance("abc", ha)


def test_large_jpeg_uses_reduced_scale_decode() -> None:
    data = jpeg_bytes(noisy_image(2048, 1536))
    p = pixel_products(data, max_side=128)
    assert p.params["draft_scale"] == "1/8" and p.params["source_size"] == [2048, 1536]
    assert max(p.thumbnail_width, p.thumbnail_height) == 128


def test_bytes_source_and_pickle_round_trip(tmp_path: Path) -> None:
    data = jpeg_with_exif(build_tiff([short_entry(0x0112, 1)]), size=(80, 60))
    p = pixel_products(data)
    assert pickle.loads(pickle.dumps(p)) == p
    assert pickle.loads(pickle.dumps(pixel_products)) is pixel_products


def test_bomb_and_garbage_are_refused(tmp_path: Path) -> None:
    bomb = tmp_path / "bomb.png"
    bomb.write_bytes(png_bomb())
    with pytest.raises(MediaUnreadable, match="decompression bomb"):
        pixel_products(bomb)
    junk = tmp_path / "junk.jpg"
    junk.write_bytes(b"\xff\xd8\xff\xe0" + b"\x13" * 500)
    with pytest.raises(MediaUnreadable):
        pixel_products(junk)
    with pytest.raises(MediaUnreadable):
        pixel_products(b"")


def test_truncated_jpeg_still_gives_a_thumbnail() -> None:
    data = jpeg_bytes(noisy_image(256, 192))
    p = pixel_products(data[: len(data) * 2 // 3])
    assert p.params.get("truncated") is True and p.phash is not None


def test_heic_thumbnail(tmp_path: Path) -> None:
    from pillow_heif import register_heif_opener

    register_heif_opener()
    path = tmp_path / "phone.heic"
    noisy_image(96, 64, seed=5).save(path, "HEIF", quality=90)
    p = pixel_products(path, max_side=48)
    assert (p.thumbnail_width, p.thumbnail_height) == (48, 32)
    ref = phash_of(noisy_image(96, 64, seed=5))
    assert p.phash is not None and phash_distance(p.phash, ref) <= 10


def test_video_poster_frame(tmp_path: Path) -> None:
    path = tmp_path / "clip.mp4"
    write_mp4(path, frames=12, size=(96, 64))
    p = pixel_products(path, max_side=48)
    assert (p.thumbnail_width, p.thumbnail_height) == (48, 32)
    assert p.phash is not None and "PyAV" in p.tool
    assert 0.0 <= p.params["frame_time"] <= 0.5


def test_video_and_heic_from_bytes(tmp_path: Path) -> None:
    """Ingest passes the stored bytes of small files: video and HEIC work from bytes too."""
    from pillow_heif import register_heif_opener

    video = tmp_path / "clip.mp4"
    write_mp4(video, frames=6, size=(64, 48))
    from_path = pixel_products(video, max_side=32)
    from_bytes = pixel_products(video.read_bytes(), max_side=32)
    assert from_bytes.phash == from_path.phash
    register_heif_opener()
    heic = tmp_path / "p.heic"
    noisy_image(64, 48).save(heic, "HEIF", quality=80)
    assert pixel_products(heic.read_bytes(), max_side=32).thumbnail_width == 32


@pytest.mark.parametrize("orientation", range(1, 9))
def test_every_orientation_matches_pillow_exif_transpose(tmp_path: Path, orientation: int) -> None:
    from PIL import ImageOps

    path = tmp_path / f"o{orientation}.jpg"
    path.write_bytes(jpeg_bytes(noisy_image(120, 60, seed=9), exif=build_tiff([short_entry(0x0112, orientation)])))
    expected = ImageOps.exif_transpose(Image.open(path))
    p = pixel_products(path, max_side=256)
    assert (p.thumbnail_width, p.thumbnail_height) == expected.size
    assert p.phash == phash_of(expected)
