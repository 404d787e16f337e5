"""The metadata reader against ExifTool on real files (../shared/corpus/images, `exiftool -json -n -G1`, 12.57).

For every file of the corpus and every summary field ExifTool states, the reader must agree, or the
disagreement must be listed in EXCEPTIONS with its reason (and the exception itself is asserted, so a fixed
reader makes the table fail until it is updated).
"""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from workbench.core.media.model import MediaProbe
from workbench.core.media.probe import probe_file

CORPUS = (Path(__file__).resolve().parents[3] / ".." / "shared" / "corpus" / "images").resolve()
ORACLE = CORPUS / "ORACLE.exiftool.json"

FIELDS = (
    "capture_time",
    "make",
    "model",
    "orientation",
    "gps",
    "width",
    "height",
    "software",
    "lens",
    "gps_alt",
    "gps_direction",
    "duration",
    "frame_rate",
)
TOLERANCES = {"gps_alt": 1e-3, "gps_direction": 1e-6, "duration": 2e-3, "frame_rate": 1e-2}

# (file, field) -> (what we say, why it differs from ExifTool's value). Asserted, not just skipped.
EXCEPTIONS: dict[tuple[str, str], tuple[Any, str]] = {
    # ExifTool reports QuickTime CreateDate (mvhd, UTC) as the video's date; the MOV also carries Apple's
    # zoned com.apple.quicktime.creationdate, which is the capture time in local time WITH its offset. We
    # prefer it: it states the zone. Both are the same instant within the ~17 s the phone took to write.
    ("metadata-extractor-images/mov/with-gps.mov", "capture_time"): (
        "2019-07-24T11:25:40+03:00",
        "Apple creationdate (zoned) preferred over mvhd CreateDate (UTC, written at the end of recording)",
    ),
}


def _load_oracle() -> list[dict[str, Any]]:
    if not ORACLE.exists():
        pytest.skip(
            f"real-world corpus not present at {CORPUS} (it sits beside the project only in the team's checkout)"
        )
    data: list[dict[str, Any]] = json.loads(ORACLE.read_text(encoding="utf-8"))
    return data


def _norm_time(text: Any) -> str | None:
    """ExifTool "YYYY:MM:DD HH:MM:SS[+HH:MM]" → our ISO form "YYYY-MM-DDTHH:MM:SS[+HH:MM]"."""
    if not isinstance(text, str):
        return None
    m = re.match(r"^(\d{4}):(\d{2}):(\d{2}) (\d{2}:\d{2}:\d{2})(?:\.\d+)?(Z|[+-]\d{2}:\d{2})?$", text.strip())
    if not m or m.group(1) == "0000":
        return None  # ExifTool prints an unset QuickTime date as 0000:00:00; we say None
    zone = m.group(5)
    iso = f"{m.group(1)}-{m.group(2)}-{m.group(3)}T{m.group(4)}"
    if zone == "Z":
        zone = "+00:00"
    return iso + (zone or "")


def expected(entry: dict[str, Any]) -> dict[str, Any]:
    """ExifTool's view of the fields our Summary has (None where ExifTool says nothing)."""

    def first(*keys: str) -> Any:
        for key in keys:
            if key in entry and entry[key] not in ("", None):
                return entry[key]
        return None

    out: dict[str, Any] = {}
    if "ExifIFD:DateTimeOriginal" in entry:
        t = _norm_time(entry["ExifIFD:DateTimeOriginal"])
        off = entry.get("ExifIFD:OffsetTimeOriginal")
        out["capture_time"] = t + off if t and isinstance(off, str) else t
    else:
        raw = first(
            "XMP-exif:DateTimeOriginal", "XMP-photoshop:DateCreated", "XMP-xmp:CreateDate", "QuickTime:CreateDate"
        )
        t = _norm_time(raw)
        if t and "QuickTime:CreateDate" in entry and raw == entry["QuickTime:CreateDate"]:
            t += "+00:00"  # QuickTime CreateDate is UTC (ExifTool shows it without a zone)
        out["capture_time"] = t
    out["make"] = first("IFD0:Make", "Keys:Make", "XMP-tiff:Make")
    out["model"] = first("IFD0:Model", "Keys:Model", "XMP-tiff:Model")
    out["orientation"] = first("IFD0:Orientation", "XMP-tiff:Orientation")
    lat, lon = entry.get("Composite:GPSLatitude"), entry.get("Composite:GPSLongitude")
    out["gps"] = (lat, lon) if lat is not None and lon is not None else None
    w = first("File:ImageWidth", "PNG:ImageWidth", "RIFF:ImageWidth")
    h = first("File:ImageHeight", "PNG:ImageHeight", "RIFF:ImageHeight")
    if w is None:  # video: the video track's size
        for key, value in entry.items():
            if key.endswith(":ImageWidth") and key.startswith("Track"):
                w, h = value, entry.get(key.replace("Width", "Height"))
                break
    out["width"], out["height"] = w, h
    out["software"] = first("IFD0:Software", "Keys:Software", "XMP-xmp:CreatorTool")
    out["lens"] = first("ExifIFD:LensModel")
    out["gps_alt"] = entry.get("Composite:GPSAltitude")
    out["gps_direction"] = entry.get("GPS:GPSImgDirection")
    out["duration"] = entry.get("QuickTime:Duration")
    rates = [v for k, v in entry.items() if k.endswith(":VideoFrameRate")]
    out["frame_rate"] = rates[0] if rates else None
    return out


def ours(probe: MediaProbe) -> dict[str, Any]:
    s = probe.summary
    return {
        "capture_time": s.capture_time,
        "make": s.make,
        "model": s.model,
        "orientation": s.orientation,
        "gps": (s.gps.lat, s.gps.lon) if s.gps else None,
        "width": s.width,
        "height": s.height,
        "software": s.software,
        "lens": s.lens,
        "gps_alt": s.gps.alt if s.gps else None,
        "gps_direction": s.gps.direction if s.gps else None,
        "duration": s.duration,
        "frame_rate": s.frame_rate,
    }


def agrees(field: str, theirs: Any, mine: Any) -> bool:
    if field == "gps":
        if theirs is None or mine is None:
            return theirs is mine
        return abs(theirs[0] - mine[0]) <= 1e-6 and abs(theirs[1] - mine[1]) <= 1e-6
    if field in TOLERANCES:
        return mine is not None and abs(float(theirs) - float(mine)) <= TOLERANCES[field]
    if isinstance(mine, str) and isinstance(theirs, int | float):
        theirs = str(theirs)  # exiftool -json turns numeric-looking strings ("8.3") into numbers
    if isinstance(theirs, str) and isinstance(mine, str):
        return theirs.strip() == mine.strip()
    return bool(theirs == mine)


@pytest.mark.corpus
def test_every_corpus_file_agrees_with_exiftool() -> None:
    oracle = _load_oracle()
    totals: Counter[str] = Counter()
    agreed: Counter[str] = Counter()
    failures: list[str] = []
    used_exceptions: set[tuple[str, str]] = set()
    for entry in oracle:
        rel = entry["SourceFile"]
        path = CORPUS / rel
        assert path.exists(), f"{rel} is in the oracle but not in the corpus"
        probe = probe_file(path)
        json.dumps(probe.to_json())
        theirs, mine = expected(entry), ours(probe)
        for field in FIELDS:
            if theirs[field] is None:
                continue  # ExifTool states nothing: nothing to compare
            totals[field] += 1
            if (rel, field) in EXCEPTIONS:
                said, _reason = EXCEPTIONS[(rel, field)]
                used_exceptions.add((rel, field))
                assert mine[field] == said, f"{rel} {field}: exception table says {said!r}, reader says {mine[field]!r}"
                continue
            if agrees(field, theirs[field], mine[field]):
                agreed[field] += 1
            else:
                failures.append(f"{rel} {field}: exiftool {theirs[field]!r}, workbench {mine[field]!r}")
    report = ", ".join(f"{f} {agreed[f]}/{totals[f]}" for f in FIELDS)
    n_exc = len(used_exceptions)
    print(f"\nExifTool agreement over {len(oracle)} files: {report}; documented exceptions: {n_exc}")
    assert not failures, "\n".join(failures)
    assert used_exceptions == set(EXCEPTIONS), "stale exceptions: " + repr(set(EXCEPTIONS) - used_exceptions)
    assert sum(totals.values()) > 100


@pytest.mark.corpus
def test_corpus_traps_are_flagged() -> None:
    """The named traps of the corpus give the flags a verifier should see."""
    _load_oracle()

    def flags(rel: str) -> set[str]:
        return {f.code for f in probe_file(CORPUS / rel).flags}

    assert "gps_empty" in flags("exif-samples/jpg/tests/45-gps_ifd.jpg")
    assert "orientation_xmp_only" in flags("exif-samples/jpg/Canon_DIGITAL_IXUS_400.jpg")
    assert "editing_software" in flags("exif-samples/jpg/Kodak_CX7530.jpg")  # Software: GIMP 2.4.5
    png = probe_file(CORPUS / "metadata-extractor-images/png/sampleWithExifData.png")
    assert png.tags["PNG"]["ExifAfterIDAT"] is True
    mp4 = probe_file(CORPUS / "metadata-extractor-images/mp4/with-gps.mp4")
    assert mp4.summary.capture_time_zone == "utc" and "quicktime_time_zone" in {f.code for f in mp4.flags}
    heic = probe_file(CORPUS / "exif-samples/heic/mobile/iphone_13_pro_max.HEIC")
    assert heic.summary.capture_time == "2022-02-16T12:55:41+01:00" and heic.summary.capture_time_zone == "offset"
    for entry in _load_oracle():
        p = probe_file(CORPUS / entry["SourceFile"])
        assert "truncated" not in {f.code for f in p.flags}, entry["SourceFile"]
        assert not p.problems, (entry["SourceFile"], p.problems)


@pytest.mark.corpus
def test_oracle_covers_every_corpus_file() -> None:
    oracle = {e["SourceFile"] for e in _load_oracle()}
    on_disk = {p.relative_to(CORPUS).as_posix() for p in CORPUS.rglob("*") if p.is_file() and p.name != ORACLE.name}
    assert on_disk == oracle


def test_own_trap_files_agree_with_live_exiftool(tmp_path: Path) -> None:
    """The same comparison on files built here, against the exiftool installed on this machine (if any)."""
    import shutil
    import subprocess

    from .builders import (
        add_to_moov,
        apple_meta,
        ascii_entry,
        build_tiff,
        gps_entries,
        jpeg_with_exif,
        png_with_exif_after_idat,
        short_entry,
        udta_xyz,
        webp_with_exif,
        write_mp4,
    )

    exiftool = shutil.which("exiftool")
    if exiftool is None:
        pytest.skip("exiftool is not installed (apt: libimage-exiftool-perl)")
    ifd0 = [
        ascii_entry(0x010F, b"EASTMAN KODAK COMPANY", nul=False),
        ascii_entry(0x0110, b"ION230\x00F"),
        short_entry(0x0112, 6),
    ]
    tiff = build_tiff(
        ifd0,
        exif=[ascii_entry(0x9003, b"2005:08:13 09:47:23", nul=False), ascii_entry(0x9011, b"-05:00")],
        gps=gps_entries(-0.3713, 36.0564167),
    )
    files = {
        "a.jpg": jpeg_with_exif(tiff),
        "b.png": png_with_exif_after_idat(tiff),
        "c.webp": webp_with_exif(tiff),
    }
    for name, data in files.items():
        (tmp_path / name).write_bytes(data)
    write_mp4(tmp_path / "d.mp4")
    add_to_moov(tmp_path / "d.mp4", udta_xyz("+51.4169-000.0806/"))
    write_mp4(tmp_path / "e.mov")
    add_to_moov(
        tmp_path / "e.mov",
        apple_meta({"com.apple.quicktime.location.ISO6709": "+32.0929+034.8620+028.516/"}),
    )
    out = subprocess.run(
        [exiftool, "-json", "-n", "-G1", *sorted(str(p) for p in tmp_path.iterdir())],
        capture_output=True,
        check=True,
        text=True,
        timeout=60,
    ).stdout
    for entry in json.loads(out):
        probe = probe_file(Path(entry["SourceFile"]))
        theirs, mine = expected(entry), ours(probe)
        for field in FIELDS:
            if theirs[field] is not None:
                assert agrees(field, theirs[field], mine[field]), (entry["SourceFile"], field, theirs, mine)
