"""Damaged files never make the reader raise: random truncations and byte flips of built files (seeded)."""

from __future__ import annotations

import contextlib
import json
import random
from pathlib import Path

import pytest

from workbench.core.errors import MediaUnreadable
from workbench.core.media.pixels import pixel_products
from workbench.core.media.probe import probe_file

from .builders import (
    add_to_moov,
    apple_meta,
    ascii_entry,
    build_tiff,
    gps_entries,
    jpeg_bytes,
    jpeg_with_exif,
    noisy_image,
    png_with_exif_after_idat,
    short_entry,
    udta_loci,
    udta_xyz,
    webp_with_exif,
    write_mp4,
    xmp_packet,
)


@pytest.fixture(scope="module")
def seeds(tmp_path_factory: pytest.TempPathFactory) -> dict[str, bytes]:
    folder = tmp_path_factory.mktemp("seeds")
    tiff = build_tiff(
        [ascii_entry(0x010F, b"Cam"), short_entry(0x0112, 6)],
        exif=[ascii_entry(0x9003, b"2020:01:01 00:00:00")],
        gps=gps_entries(1.5, 2.5),
        ifd1=[short_entry(0x0103, 6)],
        thumbnail=jpeg_bytes(noisy_image(16, 12)),
    )
    video = folder / "v.mp4"
    write_mp4(video, frames=3)
    add_to_moov(video, udta_xyz("+1.5+2.5/") + udta_loci(1.0, 2.0, 3.0) + apple_meta({"a": "b"}))
    return {
        "a.jpg": jpeg_with_exif(tiff),
        "x.jpg": jpeg_bytes(noisy_image(), xmp=xmp_packet(' tiff:Orientation="3">')),
        "b.png": png_with_exif_after_idat(tiff),
        "c.webp": webp_with_exif(tiff),
        "d.tif": b"II*\x00" + tiff[4:],
        "v.mp4": video.read_bytes(),
    }


def test_mutated_files_never_raise(seeds: dict[str, bytes], tmp_path: Path) -> None:
    rng = random.Random(20261203)
    names = sorted(seeds)
    for i in range(400):
        name = names[i % len(names)]
        data = bytearray(seeds[name])
        if rng.random() < 0.3:
            data = data[: rng.randrange(len(data))]
        else:
            for _ in range(rng.randint(1, 8)):
                data[rng.randrange(len(data))] = rng.randrange(256)
        path = tmp_path / f"m{i}_{name}"
        path.write_bytes(bytes(data))
        probe = probe_file(path)
        json.dumps(probe.to_json(), allow_nan=False)
        if i % 20 == 0:
            with contextlib.suppress(MediaUnreadable):
                pixel_products(path, max_side=32)
