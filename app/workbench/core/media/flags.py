"""Flags: things a verifier should notice, each a stable code, a severity and a one-line message.

Messages say what was seen and what it may mean, never more: metadata can be stripped, rewritten or forged, and
most oddities have innocent explanations. `CATALOGUE` lists every code this module can produce.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from typing import Any

from workbench.core.media.model import Flag, Severity

CATALOGUE: dict[str, tuple[Severity, str]] = {
    "no_metadata": (
        "info",
        "No camera metadata (no EXIF/XMP/IPTC data, no camera or location in the container). Typical of "
        "platform re-encoding or screenshots; proves nothing either way.",
    ),
    "editing_software": ("notice", "Editing software named in the metadata: {detail}. The file was processed."),
    "edit_history": ("notice", "XMP edit history present ({count} entries): {detail}."),
    "datetime_modified": (
        "notice",
        "DateTime ({modified}) differs from DateTimeOriginal ({original}): the file was rewritten after capture "
        "(often harmless: export, rotation, copy).",
    ),
    "thumbnail_mismatch": (
        "notice",
        "The embedded EXIF thumbnail is {thumb} but the image is {image} (different shape): the image may have "
        "been cropped or edited after the thumbnail was written, or the camera pads thumbnails. Compare them.",
    ),
    "gps_null_island": (
        "warning",
        'GPS position is 0,0 ("null island"): a placeholder written without a fix, not a position.',
    ),
    "gps_empty": ("info", "A GPS block is present but holds no coordinates ({detail})."),
    "capture_time_future": (
        "warning",
        "Capture time {when} is later than the time of this check ({now}): the camera clock was wrong or the "
        "date was changed.",
    ),
    "capture_before_model": (
        "warning",
        "Capture year {year} is before the {model} was released ({released}): the camera clock was wrong or "
        "the date or model was changed.",
    ),
    "orientation_xmp_only": (
        "info",
        "Orientation ({value}) is only in the XMP, not in EXIF: some viewers ignore it, others apply it.",
    ),
    "extension_mismatch": (
        "notice",
        "The file is {actual} but its name ends in .{ext}: renamed or mislabelled (often harmless).",
    ),
    "absurd_dimensions": (
        "warning",
        "The header claims {width} x {height} pixels ({mp:,.0f} megapixels): a decompression bomb or a damaged "
        "header. Its pixels will not be decoded.",
    ),
    "truncated": ("warning", "The file appears truncated ({detail}): part of it may be missing."),
    "container_times_disagree": (
        "notice",
        "QuickTime CreateDate ({create}) and the Apple creation date ({apple}) differ by {hours:+.1f} h: one of "
        "them was written in local time or changed.",
    ),
    "jpeg_tables_resaved": (
        "notice",
        "The JPEG quantisation tables are the standard libjpeg tables at quality {quality}, not the tables "
        "an {camera} writes: the image was probably re-saved by software after capture.",
    ),
    "trailing_data": ("info", "{count} bytes follow the end of the image data (an appended file or padding)."),
    "metadata_problems": ("notice", "Some metadata could not be read ({count} problems): see the problems list."),
    "quicktime_time_zone": (
        "info",
        "QuickTime CreateDate is UTC by specification, but some cameras write local time there: check it "
        "against other evidence.",
    ),
}

# Release years of common camera models, as written in EXIF Model (year of announcement/first sale).
# Source: the manufacturers' announcements as summarised on the English Wikipedia pages "List of iPhone models",
# "Samsung Galaxy S series" and "Google Pixel", and the product pages for the cameras listed (Nikon COOLPIX
# P6000: Aug 2008; Canon IXUS 400: Feb 2004; Kodak EasyShare CX7530: 2005; HTC Desire: 2010). Compiled from
# those widely documented dates, not re-checked against the pages when written: extend with care and cite.
# Matching is exact or on a word prefix ("iPhone 13" matches "iPhone 13 Pro Max"); the longest match wins.
# Only the year is compared, and only "before the release year" is flagged, so an early sample is not flagged.
MODEL_RELEASE_YEARS: dict[str, int] = {
    "iPhone": 2007,
    "iPhone 3G": 2008,
    "iPhone 3GS": 2009,
    "iPhone 4": 2010,
    "iPhone 4S": 2011,
    "iPhone 5": 2012,
    "iPhone 5c": 2013,
    "iPhone 5s": 2013,
    "iPhone 6": 2014,
    "iPhone 6 Plus": 2014,
    "iPhone 6s": 2015,
    "iPhone SE": 2016,
    "iPhone 7": 2016,
    "iPhone 8": 2017,
    "iPhone X": 2017,
    "iPhone XR": 2018,
    "iPhone XS": 2018,
    "iPhone 11": 2019,
    "iPhone 12": 2020,
    "iPhone 13": 2021,
    "iPhone 14": 2022,
    "iPhone 15": 2023,
    "iPhone 16": 2024,
    "Pixel 3": 2018,
    "Pixel 4": 2019,
    "Pixel 5": 2020,
    "Pixel 6": 2021,
    "Pixel 7": 2022,
    "Pixel 8": 2023,
    "Pixel 9": 2024,
    "SM-G950": 2017,  # Galaxy S8
    "SM-G960": 2018,  # Galaxy S9
    "SM-G973": 2019,  # Galaxy S10
    "SM-G980": 2020,  # Galaxy S20
    "SM-G991": 2021,  # Galaxy S21
    "SM-S901": 2022,  # Galaxy S22
    "SM-S911": 2023,  # Galaxy S23
    "SM-S921": 2024,  # Galaxy S24
    "HTC Desire": 2010,
    "COOLPIX P6000": 2008,
    "Canon DIGITAL IXUS 400": 2004,
    "KODAK CX7530 ZOOM DIGITAL CAMERA": 2005,
    "NIKON D850": 2017,
    "Canon EOS 5D Mark IV": 2016,
    "ILCE-7M3": 2018,  # Sony A7 III
}


def make(code: str, **fmt: Any) -> Flag:
    severity, template = CATALOGUE[code]
    return Flag(code=code, severity=severity, message=template.format(**fmt))


def release_year(model: str | None) -> tuple[str, int] | None:
    """The known release year for an EXIF Model, by exact match or longest word-prefix match."""
    if not model:
        return None
    text = model.strip()
    best: tuple[str, int] | None = None
    for name, year in MODEL_RELEASE_YEARS.items():
        word_prefix = text.startswith(name) and (len(text) == len(name) or not text[len(name)].isalnum())
        samsung = name.startswith("SM-") and text.startswith(name)  # SM-G950F, SM-G950U ...
        if (word_prefix or samsung) and (best is None or len(name) > len(best[0])):
            best = (name, year)
    return best


_EDITORS = re.compile(
    r"photoshop|lightroom|gimp|affinity|pixelmator|snapseed|picsart|facetune|paint\.net|paintshop|"
    r"capture one|darktable|rawtherapee|acdsee|luminar|photoscape|canva|inshot|capcut|premiere|after effects|"
    r"final cut|imovie|davinci|vsco|meitu|photopea|fotor|picasa|windows photo editor|photos \d|"
    r"image magick|imagemagick|graphicsmagick|xnview|irfanview",
    re.I,
)


def is_editing_software(text: str | None) -> bool:
    return bool(text) and bool(_EDITORS.search(text or ""))


def capture_time_checks(capture_iso: str | None, zone: str | None, model: str | None, now: datetime) -> list[Flag]:
    """Future capture time (with 14 h of slack when the zone is unknown) and capture before the model existed."""
    flags: list[Flag] = []
    if not capture_iso:
        return flags
    try:
        when = datetime.fromisoformat(capture_iso)
    except ValueError:
        return flags
    now_utc = now if now.tzinfo else now.replace(tzinfo=UTC)
    if when.tzinfo is None:
        future = when.replace(tzinfo=UTC) - timedelta(hours=14) > now_utc
    else:
        future = when > now_utc + timedelta(minutes=5)
    if future:
        flags.append(make("capture_time_future", when=capture_iso, now=now_utc.strftime("%Y-%m-%d %H:%M UTC")))
    known = release_year(model)
    if known and when.year < known[1]:
        flags.append(make("capture_before_model", year=when.year, model=known[0], released=known[1]))
    return flags


def thumbnail_check(thumb: tuple[int, int] | None, image: tuple[int, int] | None) -> Flag | None:
    """Cheap shape check: the aspect ratios of the EXIF thumbnail and the stored image differ by more than 3%."""
    if not thumb or not image or 0 in thumb or 0 in image:
        return None
    r_t = thumb[0] / thumb[1]
    r_i = image[0] / image[1]
    if abs(r_t - r_i) / r_i <= 0.03:
        return None
    return make("thumbnail_mismatch", thumb=f"{thumb[0]}x{thumb[1]}", image=f"{image[0]}x{image[1]}")
