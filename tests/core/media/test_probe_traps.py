"""probe_file on files built here with the traps real files have (no corpus needed)."""

from __future__ import annotations

import io
import json
import struct
from datetime import UTC, datetime, timedelta
from pathlib import Path

import piexif
import pytest

from workbench.core.media.probe import probe_file

from .builders import (
    Entry,
    add_to_moov,
    apple_meta,
    ascii_entry,
    box,
    build_tiff,
    byte_entry,
    gps_entries,
    jpeg_bytes,
    jpeg_with_exif,
    long_entry,
    noisy_image,
    png_bomb,
    png_with_exif_after_idat,
    rational_entry,
    short_entry,
    udta_loci,
    udta_xyz,
    undefined_entry,
    webp_with_exif,
    write_mp4,
    xmp_packet,
)

NOW = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)


def codes(probe: object) -> set[str]:
    return {f.code for f in probe.flags}  # type: ignore[attr-defined]


def write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def test_string_without_nul_keeps_its_last_character(tmp_path: Path) -> None:
    tiff = build_tiff(
        [
            ascii_entry(0x010F, b"EASTMAN KODAK COMPANY", nul=False),
            ascii_entry(0x0110, b"KODAK CX7530 ZOOM DIGITAL CAMERA", nul=False),
        ],
        exif=[ascii_entry(0x9003, b"2005:08:13 09:47:23", nul=False)],
    )
    p = probe_file(write(tmp_path, "kodak.jpg", jpeg_with_exif(tiff)), now=NOW)
    assert p.summary.make == "EASTMAN KODAK COMPANY"
    assert p.summary.model == "KODAK CX7530 ZOOM DIGITAL CAMERA"
    assert p.summary.capture_time == "2005-08-13T09:47:23"
    assert p.summary.capture_time_zone == "local-unknown-zone"
    assert p.problems == ()


def test_string_is_cut_at_the_first_nul(tmp_path: Path) -> None:
    tiff = build_tiff([ascii_entry(0x010F, b"WWL"), ascii_entry(0x0110, b"ION230\x00F")])
    p = probe_file(write(tmp_path, "polaroid.jpg", jpeg_with_exif(tiff)), now=NOW)
    assert p.summary.model == "ION230"
    assert p.tags["EXIF:IFD0"]["Model"] == "ION230"


def test_big_endian_values_rationals_and_bytes_are_readable(tmp_path: Path) -> None:
    bo = ">"
    tiff = build_tiff(
        [ascii_entry(0x010F, b"Maker"), short_entry(0x0112, 8, bo=bo), rational_entry(0x011A, (72, 1), bo=bo)],
        exif=[
            rational_entry(0x829A, (1, 250), bo=bo),
            undefined_entry(0x9000, b"0232"),
            undefined_entry(0x927C, b"\x01" * 500),
            undefined_entry(0x9286, b"ASCII\x00\x00\x00Hello there"),
            undefined_entry(0xA302, b"\x00\x02\x00\x02\x01\x02\x00\x01" + b"\x00" * 40),
        ],
        bo=bo,
    )
    p = probe_file(write(tmp_path, "be.jpg", jpeg_with_exif(tiff)), now=NOW)
    ifd0, exif = p.tags["EXIF:IFD0"], p.tags["EXIF:ExifIFD"]
    assert ifd0["XResolution"] == 72.0 and exif["ExposureTime"] == pytest.approx(0.004)
    assert exif["ExifVersion"] == "0232"
    assert exif["MakerNote"] == "<500 bytes>"
    assert exif["UserComment"] == "Hello there"
    assert exif["CFAPattern"] == "<48 bytes>"
    assert p.summary.orientation == 8
    json.dumps(p.to_json())  # everything JSON-able


def test_empty_gps_ifd_is_a_flag_not_a_position(tmp_path: Path) -> None:
    tiff = build_tiff([ascii_entry(0x010F, b"Cam")], gps=[])
    p = probe_file(write(tmp_path, "gps_empty.jpg", jpeg_with_exif(tiff)), now=NOW)
    assert p.summary.gps is None
    assert "gps_empty" in codes(p)


def test_gps_pointer_without_an_ifd(tmp_path: Path) -> None:
    tiff = build_tiff([ascii_entry(0x010F, b"Polyphony")], gps_pointer_count_zero=True)
    p = probe_file(write(tmp_path, "gps_ptr.jpg", jpeg_with_exif(tiff)), now=NOW)
    assert p.summary.gps is None and "gps_empty" in codes(p)
    assert p.summary.make == "Polyphony"


def test_gps_version_only(tmp_path: Path) -> None:
    tiff = build_tiff([ascii_entry(0x010F, b"Cam")], gps=[byte_entry(0, 2, 2, 0, 0)])
    p = probe_file(write(tmp_path, "gps_ver.jpg", jpeg_with_exif(tiff)), now=NOW)
    assert p.summary.gps is None
    flag = next(f for f in p.flags if f.code == "gps_empty")
    assert "2.2.0.0" in flag.message


def test_gps_signed_degrees_altitude_and_direction(tmp_path: Path) -> None:
    gps = [
        *gps_entries(-33.856784, -151.215297),
        byte_entry(5, 1),
        rational_entry(6, (125, 10)),
        ascii_entry(16, b"T"),
        rational_entry(17, (27150, 100)),
    ]
    p = probe_file(write(tmp_path, "gps.jpg", jpeg_with_exif(build_tiff([], gps=gps))), now=NOW)
    g = p.summary.gps
    assert g is not None
    assert g.lat == pytest.approx(-33.856784, abs=1e-6) and g.lon == pytest.approx(-151.215297, abs=1e-6)
    assert g.alt == pytest.approx(-12.5) and g.direction == pytest.approx(271.5) and g.direction_ref == "T"
    assert p.tags["EXIF:GPS"]["GPSLatitude"] == pytest.approx(-33.856784, abs=1e-6)


def test_gps_null_island_with_piexif(tmp_path: Path) -> None:
    exif = piexif.dump(
        {
            "0th": {piexif.ImageIFD.Make: b"Cam"},
            "GPS": {
                piexif.GPSIFD.GPSLatitudeRef: b"N",
                piexif.GPSIFD.GPSLatitude: ((0, 1), (0, 1), (0, 1)),
                piexif.GPSIFD.GPSLongitudeRef: b"E",
                piexif.GPSIFD.GPSLongitude: ((0, 1), (0, 1), (0, 1)),
            },
        }
    )
    p = probe_file(write(tmp_path, "null.jpg", jpeg_bytes(noisy_image(), exif=exif)), now=NOW)
    assert p.summary.gps is None
    assert "gps_null_island" in codes(p)


def test_editing_software_and_modified_datetime(tmp_path: Path) -> None:
    exif = piexif.dump(
        {
            "0th": {
                piexif.ImageIFD.Make: b"Canon",
                piexif.ImageIFD.Software: b"Adobe Photoshop 25.0 (Windows)",
                piexif.ImageIFD.DateTime: b"2024:05:02 10:00:00",
            },
            "Exif": {
                piexif.ExifIFD.DateTimeOriginal: b"2024:05:01 09:30:00",
                piexif.ExifIFD.OffsetTimeOriginal: b"+02:00",
            },
        }
    )
    p = probe_file(write(tmp_path, "edited.jpg", jpeg_bytes(noisy_image(), exif=exif)), now=NOW)
    assert {"editing_software", "datetime_modified"} <= codes(p)
    assert p.summary.software == "Adobe Photoshop 25.0 (Windows)"
    assert p.summary.capture_time == "2024-05-01T09:30:00+02:00"
    assert p.summary.capture_time_zone == "offset"


def test_same_datetimes_raise_no_modified_flag(tmp_path: Path) -> None:
    exif = piexif.dump(
        {
            "0th": {piexif.ImageIFD.DateTime: b"2024:05:01 09:30:00"},
            "Exif": {piexif.ExifIFD.DateTimeOriginal: b"2024:05:01 09:30:00"},
        }
    )
    p = probe_file(write(tmp_path, "same.jpg", jpeg_bytes(noisy_image(), exif=exif)), now=NOW)
    assert "datetime_modified" not in codes(p) and "editing_software" not in codes(p)


def test_future_capture_time_and_before_model_release(tmp_path: Path) -> None:
    future = build_tiff([ascii_entry(0x0110, b"Cam")], exif=[ascii_entry(0x9003, b"2031:01:01 00:00:00")])
    p = probe_file(write(tmp_path, "future.jpg", jpeg_with_exif(future)), now=NOW)
    assert "capture_time_future" in codes(p)
    # the same file checked in 2032 is fine
    assert "capture_time_future" not in codes(probe_file(tmp_path / "future.jpg", now=datetime(2032, 1, 1)))

    early = build_tiff([ascii_entry(0x0110, b"iPhone 13 Pro Max")], exif=[ascii_entry(0x9003, b"2015:03:01 10:00:00")])
    p = probe_file(write(tmp_path, "early.jpg", jpeg_with_exif(early)), now=NOW)
    assert "capture_before_model" in codes(p)
    assert "capture_time_future" not in codes(p)


def test_orientation_only_in_xmp(tmp_path: Path) -> None:
    xmp = xmp_packet(' tiff:Orientation="6" xmp:CreatorTool="Snapseed 2.0">')
    p = probe_file(write(tmp_path, "xmp.jpg", jpeg_bytes(noisy_image(), xmp=xmp)), now=NOW)
    assert p.summary.orientation == 6
    assert p.tags["File"]["OrientationSource"] == "XMP tiff:Orientation"
    assert "orientation_xmp_only" in codes(p)
    assert "editing_software" in codes(p)


def test_xmp_history_dates_and_gps(tmp_path: Path) -> None:
    xmp = xmp_packet(
        ' xmp:CreateDate="2019-03-04T05:06:07-05:00" exif:GPSLatitude="48,51.5N" exif:GPSLongitude="2,21.05E">'
        "<xmpMM:History><rdf:Seq>"
        '<rdf:li stEvt:action="created" stEvt:softwareAgent="Camera 1.0" stEvt:when="2019-03-04T05:06:07"/>'
        '<rdf:li stEvt:action="saved" stEvt:softwareAgent="Adobe Photoshop Lightroom 6" stEvt:changed="/"/>'
        "</rdf:Seq></xmpMM:History>"
    )
    p = probe_file(write(tmp_path, "hist.jpg", jpeg_bytes(noisy_image(), xmp=xmp)), now=NOW)
    assert p.summary.capture_time == "2019-03-04T05:06:07-05:00"
    assert p.summary.capture_time_source == "XMP xmp:CreateDate"
    g = p.summary.gps
    assert g is not None and g.source == "xmp"
    assert g.lat == pytest.approx(48 + 51.5 / 60) and g.lon == pytest.approx(2 + 21.05 / 60)
    history = p.tags["XMP"]["EditHistory"]
    assert len(history) == 2 and "Lightroom" in history[1]
    assert {"edit_history", "editing_software"} <= codes(p)


def test_png_with_exif_after_idat(tmp_path: Path) -> None:
    tiff = build_tiff([ascii_entry(0x0131, b"Acme-software: 1.0.0.0")])
    p = probe_file(write(tmp_path, "late.png", png_with_exif_after_idat(tiff)), now=NOW)
    assert p.format == "PNG" and (p.summary.width, p.summary.height) == (32, 24)
    assert p.summary.software == "Acme-software: 1.0.0.0"
    assert p.tags["PNG"]["ExifAfterIDAT"] is True
    assert "no_metadata" not in codes(p)


def test_webp_with_exif_and_gps(tmp_path: Path) -> None:
    tiff = build_tiff(
        [ascii_entry(0x010F, b"HTC"), ascii_entry(0x0110, b"HTC Desire")],
        exif=[ascii_entry(0x9003, b"2011:05:06 09:59:48")],
        gps=gps_entries(45.500667, 9.110333),
    )
    p = probe_file(write(tmp_path, "phone.webp", webp_with_exif(tiff)), now=NOW)
    assert p.format == "WebP" and p.mime == "image/webp"
    assert (p.summary.width, p.summary.height) == (40, 30)
    assert p.summary.model == "HTC Desire" and p.summary.capture_time == "2011-05-06T09:59:48"
    assert p.summary.gps is not None and p.summary.gps.lat == pytest.approx(45.500667, abs=1e-6)


def test_truncated_jpeg(tmp_path: Path) -> None:
    data = jpeg_bytes(noisy_image(256, 192))
    p = probe_file(write(tmp_path, "cut.jpg", data[: len(data) * 2 // 3]), now=NOW)
    assert "truncated" in codes(p)
    assert (p.summary.width, p.summary.height) == (256, 192)
    whole = probe_file(write(tmp_path, "whole.jpg", data), now=NOW)
    assert "truncated" not in codes(whole)


def test_corrupt_exif_offsets_become_problems(tmp_path: Path) -> None:
    bad_value = Entry(0x0131, 2, 40, b"x" * 40, offset_override=0x7FFF0000)
    tiff = build_tiff([ascii_entry(0x010F, b"Survivor"), bad_value], exif_pointer=0x00FFFFFF)
    p = probe_file(write(tmp_path, "corrupt.jpg", jpeg_with_exif(tiff)), now=NOW)
    assert p.summary.make == "Survivor"
    assert p.summary.software is None
    assert any("Software" in x and "outside" in x for x in p.problems)
    assert any("ExifIFD" in x for x in p.problems)
    assert "metadata_problems" in codes(p)


def test_garbage_exif_never_raises(tmp_path: Path) -> None:
    for i, garbage in enumerate([b"II*\x00\xff\xff\xff\xff", b"MM\x00*\x00\x00\x00\x08\xff\xff", b"nonsense" * 10]):
        p = probe_file(write(tmp_path, f"g{i}.jpg", jpeg_bytes(noisy_image(), exif=garbage)), now=NOW)
        assert p.kind == "image" and p.problems


def test_ifd_loop_is_detected(tmp_path: Path) -> None:
    tiff = bytearray(build_tiff([ascii_entry(0x010F, b"Loop")]))
    # IFD0's next-IFD pointer -> IFD0 itself
    struct.pack_into("<L", tiff, 8 + 2 + 12, 8)
    p = probe_file(write(tmp_path, "loop.jpg", jpeg_with_exif(bytes(tiff))), now=NOW)
    assert p.summary.make == "Loop" and any("loops" in x for x in p.problems)


def test_zero_byte_file(tmp_path: Path) -> None:
    p = probe_file(write(tmp_path, "empty.jpg", b""), now=NOW)
    assert p.kind == "file" and p.mime == "application/octet-stream"
    assert any("empty" in x for x in p.problems)


def test_unreadable_path_raises_oserror(tmp_path: Path) -> None:
    with pytest.raises(OSError):
        probe_file(tmp_path / "missing.jpg")


def test_png_header_bomb_is_read_without_decoding(tmp_path: Path) -> None:
    p = probe_file(write(tmp_path, "bomb.png", png_bomb()), now=NOW)
    assert (p.summary.width, p.summary.height) == (50_000, 50_000)
    assert "absurd_dimensions" in codes(p)


def test_content_decides_type_and_mislabel_is_flagged(tmp_path: Path) -> None:
    png = png_with_exif_after_idat(build_tiff([ascii_entry(0x010F, b"X")]))
    p = probe_file(write(tmp_path, "photo.jpg", png), now=NOW)
    assert p.format == "PNG" and p.mime == "image/png"
    assert "extension_mismatch" in codes(p)
    assert "extension_mismatch" not in codes(probe_file(write(tmp_path, "photo.png", png), now=NOW))
    other = probe_file(write(tmp_path, "notes.jpg", b"%PDF-1.7\n..."), now=NOW)
    assert other.kind == "file" and other.mime == "application/pdf" and "extension_mismatch" in codes(other)
    posts = probe_file(write(tmp_path, "posts.jpg", b'[{"id": 1, "text": "caf\xc3\xa9"}]'), now=NOW)
    assert posts.mime == "application/json" and "extension_mismatch" in codes(posts)
    blob = probe_file(write(tmp_path, "blob.bin", bytes(range(256))), now=NOW)
    assert (blob.kind, blob.mime, blob.flags) == ("file", "application/octet-stream", ())


def test_no_metadata(tmp_path: Path) -> None:
    p = probe_file(write(tmp_path, "bare.jpg", jpeg_bytes(noisy_image())), now=NOW)
    assert "no_metadata" in codes(p)
    assert p.summary.capture_time is None and p.summary.make is None
    assert p.tags["JPEG"]["QualityEstimate"] == 90 and p.tags["JPEG"]["StandardTables"] is True


def test_thumbnail_shape_mismatch(tmp_path: Path) -> None:
    thumb = jpeg_bytes(noisy_image(40, 40))
    tiff = build_tiff([ascii_entry(0x010F, b"Cam")], ifd1=[short_entry(0x0103, 6)], thumbnail=thumb)
    p = probe_file(write(tmp_path, "thumb.jpg", jpeg_with_exif(tiff, size=(160, 90))), now=NOW)
    assert "thumbnail_mismatch" in codes(p)
    assert p.tags["File"]["ExifThumbnailSize"] == "40x40"
    same = build_tiff(
        [ascii_entry(0x010F, b"Cam")], ifd1=[short_entry(0x0103, 6)], thumbnail=jpeg_bytes(noisy_image(32, 18))
    )
    assert "thumbnail_mismatch" not in codes(
        probe_file(write(tmp_path, "ok.jpg", jpeg_with_exif(same, size=(160, 90))))
    )


def test_offset_time_and_invalid_dates(tmp_path: Path) -> None:
    tiff = build_tiff(
        [],
        exif=[ascii_entry(0x9003, b"0000:00:00 00:00:00"), ascii_entry(0x9004, b"2020:02:30 10:00:00")],
    )
    p = probe_file(write(tmp_path, "zeros.jpg", jpeg_with_exif(tiff)), now=NOW)
    assert p.summary.capture_time is None
    assert any("DateTimeDigitized" in x for x in p.problems)


# ------------------------------------------------------------------------------------------------------------
# Video


def test_mp4_with_xyz_location(tmp_path: Path) -> None:
    path = tmp_path / "clip.mp4"
    write_mp4(path)
    add_to_moov(path, udta_xyz("+51.4169-000.0806/"))
    p = probe_file(path, now=NOW)
    assert p.kind == "video" and p.mime == "video/mp4"
    g = p.summary.gps
    assert g is not None and g.source == "quicktime ©xyz"
    assert (g.lat, g.lon) == pytest.approx((51.4169, -0.0806))
    assert (p.summary.width, p.summary.height) == (64, 48)
    assert p.summary.frame_rate == pytest.approx(12.0) and p.summary.duration == pytest.approx(0.5, abs=0.01)
    assert p.summary.codec == "mpeg4"


def test_mov_apple_keys_and_zoned_creationdate(tmp_path: Path) -> None:
    path = tmp_path / "clip.mov"
    write_mp4(path)
    add_to_moov(
        path,
        apple_meta(
            {
                "com.apple.quicktime.location.ISO6709": "+32.0929+034.8620+028.516/",
                "com.apple.quicktime.creationdate": "2019-07-24T11:25:40+0300",
                "com.apple.quicktime.make": "Apple",
                "com.apple.quicktime.model": "iPhone 6",
                "com.apple.quicktime.software": "12.3",
            }
        ),
    )
    p = probe_file(path, now=NOW)
    s = p.summary
    assert s.capture_time == "2019-07-24T11:25:40+03:00" and s.capture_time_zone == "offset"
    assert (s.make, s.model, s.software) == ("Apple", "iPhone 6", "12.3")
    assert s.gps is not None and s.gps.source == "quicktime mdta"
    assert (s.gps.lat, s.gps.lon, s.gps.alt) == pytest.approx((32.0929, 34.862, 28.516))


def test_3gpp_loci_and_null_island(tmp_path: Path) -> None:
    path = tmp_path / "loci.3gp"
    write_mp4(path)
    add_to_moov(path, udta_loci(-22.9, -43.2, 10.0))
    p = probe_file(path, now=NOW)
    g = p.summary.gps
    assert g is not None and g.source == "3gpp loci"
    assert (g.lat, g.lon) == pytest.approx((-22.9, -43.2), abs=1e-4)

    zero = tmp_path / "zero.mp4"
    write_mp4(zero)
    add_to_moov(zero, udta_xyz("+00.0000+000.0000/"))
    pz = probe_file(zero, now=NOW)
    assert pz.summary.gps is None and "gps_null_island" in codes(pz)


def test_container_time_is_utc_and_flagged(tmp_path: Path) -> None:
    path = tmp_path / "clip.mp4"
    write_mp4(path)
    data = bytearray(path.read_bytes())
    i = data.index(b"mvhd")
    # version 0: creation time (seconds since 1904) right after version/flags
    struct.pack_into(">L", data, i + 8, 3_700_000_000)
    path.write_bytes(bytes(data))
    p = probe_file(path, now=NOW)
    expected = datetime(1904, 1, 1, tzinfo=UTC) + timedelta(seconds=3_700_000_000)
    assert p.summary.capture_time == expected.isoformat() == "2021-03-31T01:46:40+00:00"
    assert p.summary.capture_time_zone == "utc"
    assert "quicktime_time_zone" in codes(p)


def test_garbage_box_sizes_never_raise(tmp_path: Path) -> None:
    path = tmp_path / "bad.mp4"
    write_mp4(path)
    data = bytearray(path.read_bytes())
    i = data.index(b"trak")
    struct.pack_into(">L", data, i - 4, 0xFFFFFF00)
    path.write_bytes(bytes(data))
    p = probe_file(path, now=NOW)
    assert p.kind == "video" and any("bad size" in x for x in p.problems)

    cut = tmp_path / "cut.mp4"
    cut.write_bytes(
        box(b"ftyp", b"isom\x00\x00\x02\x00isom") + struct.pack(">L4s", 10_000_000, b"mdat") + b"\x00" * 100
    )
    pc = probe_file(cut, now=NOW)
    assert pc.kind == "video" and "truncated" in codes(pc)


def test_tiff_file_is_read_as_exif(tmp_path: Path) -> None:
    path = tmp_path / "scan.tif"
    img = noisy_image(30, 20)
    exif = img.getexif()
    exif[0x010F] = "Scanner Co"
    exif[0x0131] = "GIMP 2.10"
    img.save(path, "TIFF", exif=exif)
    p = probe_file(path, now=NOW)
    assert p.format == "TIFF" and (p.summary.width, p.summary.height) == (30, 20)
    assert p.summary.make == "Scanner Co" and "editing_software" in codes(p)


def test_long_value_lists_are_json(tmp_path: Path) -> None:
    tiff = build_tiff([long_entry(0x0111, *range(100))])
    p = probe_file(write(tmp_path, "strips.jpg", jpeg_with_exif(tiff)), now=NOW)
    assert p.tags["EXIF:IFD0"]["StripOffsets"] == "<100 values>"
    json.dumps(p.to_json(), allow_nan=False)


# ------------------------------------------------------------------------------------------------------------
# IPTC, ICC, other containers


def _iim(dataset: int, value: str) -> bytes:
    raw = value.encode()
    return b"\x1c\x02" + bytes([dataset]) + struct.pack(">H", len(raw)) + raw


def test_iptc_and_icc_in_jpeg(tmp_path: Path) -> None:
    from PIL import ImageCms

    iim = b"\x1c\x01\x5a\x00\x03\x1b%G" + b"".join(
        _iim(ds, v)
        for ds, v in [
            (120, "Protest outside the ministry"),
            (80, "Jane Doe"),
            (25, "protest"),
            (25, "Ankara"),
            (90, "Ankara"),
            (92, "Kızılay"),
            (101, "Türkiye"),
            (55, "20230115"),
            (60, "143000+0300"),
        ]
    )
    irb = b"8BIM\x04\x04\x00\x00" + struct.pack(">L", len(iim)) + iim + (b"\x00" if len(iim) % 2 else b"")
    payload = b"Photoshop 3.0\x00" + irb
    app13 = b"\xff\xed" + struct.pack(">H", len(payload) + 2) + payload
    buf = io.BytesIO()
    icc = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    noisy_image().save(buf, "JPEG", icc_profile=icc)
    data = buf.getvalue()
    p = probe_file(write(tmp_path, "iptc.jpg", data[:2] + app13 + data[2:]), now=NOW)
    iptc = p.tags["IPTC"]
    assert iptc["Caption-Abstract"] == "Protest outside the ministry"
    assert iptc["By-line"] == ["Jane Doe"] and iptc["Keywords"] == ["protest", "Ankara"]
    assert (iptc["City"], iptc["Sub-location"], iptc["Country-PrimaryLocationName"]) == ("Ankara", "Kızılay", "Türkiye")
    assert p.summary.capture_time == "2023-01-15T14:30:00+03:00"
    assert p.summary.capture_time_source == "IPTC DateCreated"
    assert p.tags["ICC"]["ProfileDescription"] == "sRGB built-in"
    assert "no_metadata" not in codes(p)


def test_heic_with_exif(tmp_path: Path) -> None:
    from pillow_heif import register_heif_opener

    register_heif_opener()
    tiff = build_tiff(
        [ascii_entry(0x010F, b"Apple"), ascii_entry(0x0110, b"iPhone 13 Pro Max"), short_entry(0x0112, 6)],
        exif=[ascii_entry(0x9003, b"2022:02:16 12:55:41"), ascii_entry(0x9011, b"+01:00")],
        gps=gps_entries(38.699539, -9.207747),
    )
    path = tmp_path / "photo.heic"
    noisy_image(64, 48).save(path, "HEIF", exif=b"Exif\x00\x00" + tiff, quality=50)
    p = probe_file(path, now=NOW)
    assert (p.kind, p.mime, p.format) == ("image", "image/heic", "HEIC")
    s = p.summary
    assert (s.make, s.model, s.capture_time) == ("Apple", "iPhone 13 Pro Max", "2022-02-16T12:55:41+01:00")
    assert s.gps is not None and s.gps.lon == pytest.approx(-9.207747, abs=1e-6)
    assert s.orientation == 6


def test_gif_and_other_containers(tmp_path: Path) -> None:
    import av

    gif = tmp_path / "anim.gif"
    noisy_image(33, 21).save(gif, "GIF")
    p = probe_file(gif, now=NOW)
    assert (p.format, p.summary.width, p.summary.height) == ("GIF", 33, 21)

    avi = tmp_path / "clip.avi"
    with av.open(str(avi), mode="w", format="avi") as out:
        stream = out.add_stream("mpeg4", rate=10)
        stream.width, stream.height, stream.pix_fmt = 48, 32, "yuv420p"
        for i in range(5):
            for packet in stream.encode(av.VideoFrame.from_image(noisy_image(48, 32, seed=i))):
                out.mux(packet)
        for packet in stream.encode(None):
            out.mux(packet)
    pa = probe_file(avi, now=NOW)
    assert (pa.kind, pa.format, pa.summary.width, pa.summary.height) == ("video", "AVI", 48, 32)
    assert pa.summary.codec == "mpeg4" and pa.summary.frame_rate == pytest.approx(10.0)


def test_iphone_with_libjpeg_tables_hints_at_a_resave(tmp_path: Path) -> None:
    tiff = build_tiff([ascii_entry(0x010F, b"Apple"), ascii_entry(0x0110, b"iPhone 12")])
    p = probe_file(write(tmp_path, "iphone.jpg", jpeg_with_exif(tiff)), now=NOW)
    flag = next(f for f in p.flags if f.code == "jpeg_tables_resaved")
    assert "quality 90" in flag.message and "iPhone 12" in flag.message
    other = build_tiff([ascii_entry(0x010F, b"NIKON"), ascii_entry(0x0110, b"COOLPIX P6000")])
    assert "jpeg_tables_resaved" not in codes(probe_file(write(tmp_path, "nikon.jpg", jpeg_with_exif(other))))


def test_container_times_that_disagree_and_bare_video(tmp_path: Path) -> None:
    path = tmp_path / "clip.mov"
    write_mp4(path)
    bare = probe_file(path, now=NOW)
    assert "no_metadata" in codes(bare)
    data = bytearray(path.read_bytes())
    i = data.index(b"mvhd")
    # mvhd says 2019-07-24 11:25:40 "UTC" = the local clock time: the camera wrote local time
    when = datetime(2019, 7, 24, 11, 25, 40, tzinfo=UTC) - datetime(1904, 1, 1, tzinfo=UTC)
    struct.pack_into(">L", data, i + 8, int(when.total_seconds()))
    path.write_bytes(bytes(data))
    add_to_moov(path, apple_meta({"com.apple.quicktime.creationdate": "2019-07-24T11:25:40+0300"}))
    p = probe_file(path, now=NOW)
    flag = next(f for f in p.flags if f.code == "container_times_disagree")
    assert "+3.0 h" in flag.message
    assert p.summary.capture_time == "2019-07-24T11:25:40+03:00"
    assert "no_metadata" not in codes(p)


def test_deeply_nested_xmp_and_unsupported_formats(tmp_path: Path) -> None:
    deep = "<rdf:Bag><rdf:li>" * 900 + "x" + "</rdf:li></rdf:Bag>" * 900
    xmp = xmp_packet(f"><xmp:Label>{deep}</xmp:Label><xmp:Rating>3</xmp:Rating>")
    p = probe_file(write(tmp_path, "deep.jpg", jpeg_bytes(noisy_image(), xmp=xmp)), now=NOW)
    assert p.kind == "image"
    assert p.tags["XMP"]["xmp:Rating"] == "3"
    assert any("nested too deeply" in x for x in p.problems)
    big = probe_file(write(tmp_path, "big.tif", b"II+\x00\x08\x00\x00\x00" + b"\x00" * 64), now=NOW)
    assert big.format == "BigTIFF" and big.kind == "image" and big.problems
    cr3 = probe_file(write(tmp_path, "raw.cr3", box(b"ftyp", b"crx \x00\x00\x00\x01crx isom") + b"\x00" * 32))
    assert cr3.kind == "image" and cr3.format == "CR3" and "extension_mismatch" not in codes(cr3)


def test_png_text_chunks_xmp_and_imagemagick_exif(tmp_path: Path) -> None:
    from PIL import PngImagePlugin

    tiff = build_tiff([ascii_entry(0x010F, b"Magick Cam")], exif=[ascii_entry(0x9003, b"2018:08:08 08:08:08")])
    hexed = "\nexif\n" + f"{len(tiff) + 6:8d}\n" + (b"Exif\x00\x00" + tiff).hex()
    info = PngImagePlugin.PngInfo()
    info.add_text("Raw profile type exif", hexed, zip=True)
    info.add_itxt("XML:com.adobe.xmp", xmp_packet(' tiff:Orientation="3">').decode(), zip=True)
    info.add_text("Software", "Screenshot tool 2.1")
    path = tmp_path / "magick.png"
    noisy_image(20, 10).save(path, "PNG", pnginfo=info)
    p = probe_file(path, now=NOW)
    assert p.summary.make == "Magick Cam" and p.summary.capture_time == "2018-08-08T08:08:08"
    assert p.summary.orientation == 3 and p.tags["File"]["OrientationSource"] == "XMP tiff:Orientation"
    assert p.tags["PNG"]["Text"]["Software"] == "Screenshot tool 2.1"
    assert p.summary.software == "Screenshot tool 2.1"


def test_webm(tmp_path: Path) -> None:
    import av

    path = tmp_path / "clip.webm"
    with av.open(str(path), mode="w", format="webm") as out:
        stream = out.add_stream("libvpx", rate=10)
        stream.width, stream.height, stream.pix_fmt = 48, 32, "yuv420p"
        for i in range(4):
            for packet in stream.encode(av.VideoFrame.from_image(noisy_image(48, 32, seed=i))):
                out.mux(packet)
        for packet in stream.encode(None):
            out.mux(packet)
    p = probe_file(path, now=NOW)
    assert (p.kind, p.mime, p.format) == ("video", "video/webm", "WebM")
    assert (p.summary.width, p.summary.height, p.summary.codec) == (48, 32, "vp8")
    assert "extension_mismatch" not in codes(p)
