"""The demo incident: a small, fully synthetic case a newcomer can explore (and tests and screenshots use).

Everything is generated here, so the demo needs no network and carries no one else's photos. The scenario:
a photo said to show flooding in a town square "this morning" circulates; the camera original, a re-posted
copy with its metadata stripped, an edited version, a short video and unrelated photos are the evidence.
"""

from __future__ import annotations

import io
import json
import os
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone
from fractions import Fraction
from pathlib import Path
from typing import Any

import numpy as np

from workbench.core.analysis import add_hypothesis, add_measurement, add_time_window, set_claimed_place_time
from workbench.core.errors import IncidentExists
from workbench.core.incident import Incident
from workbench.core.ingest import add_evidence
from workbench.core.tasks import Progress

DEMO_TITLE = "Flooded square in Riverton"
DEMO_CLAIM = "A photo shows the main square of Riverton flooded on the morning of 14 March 2025."
DEMO_PLACE = (48.2082, 16.3738)  # the demo's fictional Riverton is placed in central Vienna
DEMO_TZ = timezone(timedelta(hours=1))  # CET in March


@dataclass(frozen=True)
class DemoPhoto:
    filename: str
    seed: int
    taken_local: datetime | None
    make: str | None = "Fujifilm"
    model: str | None = "X-T30"
    software: str | None = None
    gps: tuple[float, float] | None = None
    direction: float | None = None
    water: bool = True
    quality: int = 92
    size: tuple[int, int] = (1600, 1200)


PHOTOS: tuple[DemoPhoto, ...] = (
    DemoPhoto(
        "DSCF4021.JPG",
        1,
        datetime(2025, 3, 14, 8, 42, 10, tzinfo=DEMO_TZ),
        gps=DEMO_PLACE,
        direction=212.0,
    ),
    DemoPhoto(
        "DSCF4022.JPG",
        2,
        datetime(2025, 3, 14, 8, 43, 55, tzinfo=DEMO_TZ),
        gps=(48.2084, 16.3741),
        direction=180.0,
    ),
    # A re-post: a platform re-encoded it smaller and dropped every tag.
    DemoPhoto("photo_2025-03-14_10-02-11.jpg", 1, None, make=None, model=None, quality=72, size=(1024, 768)),
    # An edited copy whose DateTimeOriginal claims another day.
    DemoPhoto(
        "riverton_square_edit.jpg",
        1,
        datetime(2025, 3, 13, 17, 5, 0, tzinfo=DEMO_TZ),
        software="Adobe Photoshop 25.4 (Windows)",
        gps=DEMO_PLACE,
    ),
    DemoPhoto(
        "IMG_20240611_121507.jpg",
        7,
        datetime(2024, 6, 11, 12, 15, 7, tzinfo=DEMO_TZ),
        "Google",
        "Pixel 7",
        water=False,
        gps=(48.2090, 16.3700),
    ),
)


def _scene(seed: int, size: tuple[int, int], water: bool) -> Any:
    """A plausible street scene: sky, facades with windows, a sign, cobbles or flood water."""
    from PIL import Image, ImageDraw, ImageFilter

    w, h = 1600, 1200
    rng = np.random.default_rng(seed)
    y = np.linspace(0, 1, h)[:, None]
    sky = np.stack([150 + 60 * y, 180 + 40 * y, 215 + 20 * y], axis=-1).repeat(w, axis=1)
    img = Image.fromarray(np.clip(sky, 0, 255).astype(np.uint8))
    draw = ImageDraw.Draw(img)
    horizon = int(h * 0.62)
    x = 0
    while x < w:
        bw = int(rng.integers(160, 320))
        top = int(rng.integers(int(h * 0.15), int(h * 0.35)))
        colour = tuple(int(c) for c in rng.integers(120, 220, 3))
        draw.rectangle([x, top, x + bw, horizon], fill=colour, outline=(60, 60, 60))
        for wy in range(top + 30, horizon - 60, 70):
            for wx in range(x + 20, x + bw - 40, 55):
                draw.rectangle([wx, wy, wx + 30, wy + 42], fill=(70, 85, 100), outline=(40, 40, 40))
        x += bw
    draw.rectangle([620, 420, 980, 480], fill=(20, 70, 160), outline=(255, 255, 255), width=4)
    from PIL import ImageFont

    draw.text((800, 450), "HAUPTPLATZ", fill=(255, 255, 255), font=ImageFont.load_default(size=40), anchor="mm")
    ground = np.asarray(img).astype(np.float32)
    gy = np.arange(horizon, h)
    if water:
        ripple = 12 * np.sin(gy[:, None] / 6.0 + np.linspace(0, 40, w)[None, :] * 0.3)
        reflect = ground[np.clip(2 * horizon - gy, 0, h - 1)] * 0.45
        ground[horizon:] = reflect + np.array([40, 55, 60]) + ripple[..., None]
    else:
        cob = rng.integers(90, 140, (len(gy), w, 1)).astype(np.float32)
        ground[horizon:] = np.concatenate([cob, cob * 0.95, cob * 0.9], axis=-1)
    noise = rng.normal(0, 4, ground.shape)
    out = Image.fromarray(np.clip(ground + noise, 0, 255).astype(np.uint8)).filter(ImageFilter.GaussianBlur(0.6))
    return out.resize(size) if size != (w, h) else out


def _rational(value: float, denominator: int = 1_000_000) -> tuple[int, int]:
    frac = Fraction(value).limit_denominator(denominator)
    return frac.numerator, frac.denominator


def _dms(value: float) -> tuple[tuple[int, int], tuple[int, int], tuple[int, int]]:
    value = abs(value)
    deg = int(value)
    minutes = int((value - deg) * 60)
    seconds = (value - deg - minutes / 60) * 3600
    return (deg, 1), (minutes, 1), (round(seconds * 1000), 1000)


def exif_bytes(
    *,
    taken_local: datetime | None,
    make: str | None,
    model: str | None,
    software: str | None = None,
    gps: tuple[float, float] | None = None,
    direction: float | None = None,
    modified_local: datetime | None = None,
    size: tuple[int, int] | None = None,
) -> bytes:
    """EXIF with the fields a verifier reads, written with piexif (also used by tests and scenes)."""
    import piexif

    zeroth: dict[int, Any] = {}
    exif: dict[int, Any] = {}
    gps_ifd: dict[int, Any] = {}
    if make:
        zeroth[piexif.ImageIFD.Make] = make.encode()
    if model:
        zeroth[piexif.ImageIFD.Model] = model.encode()
    if software:
        zeroth[piexif.ImageIFD.Software] = software.encode()
    if taken_local is not None:
        stamp = taken_local.strftime("%Y:%m:%d %H:%M:%S").encode()
        exif[piexif.ExifIFD.DateTimeOriginal] = stamp
        exif[piexif.ExifIFD.DateTimeDigitized] = stamp
        zeroth[piexif.ImageIFD.DateTime] = (modified_local or taken_local).strftime("%Y:%m:%d %H:%M:%S").encode()
        offset = taken_local.utcoffset()
        if offset is not None:
            minutes = int(offset.total_seconds() // 60)
            sign = "+" if minutes >= 0 else "-"
            text = f"{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}".encode()
            exif[piexif.ExifIFD.OffsetTimeOriginal] = text
            exif[piexif.ExifIFD.OffsetTime] = text
    if size is not None:
        exif[piexif.ExifIFD.PixelXDimension] = size[0]
        exif[piexif.ExifIFD.PixelYDimension] = size[1]
    if gps is not None:
        lat, lon = gps
        gps_ifd[piexif.GPSIFD.GPSVersionID] = (2, 3, 0, 0)
        gps_ifd[piexif.GPSIFD.GPSLatitudeRef] = b"N" if lat >= 0 else b"S"
        gps_ifd[piexif.GPSIFD.GPSLatitude] = _dms(lat)
        gps_ifd[piexif.GPSIFD.GPSLongitudeRef] = b"E" if lon >= 0 else b"W"
        gps_ifd[piexif.GPSIFD.GPSLongitude] = _dms(lon)
        if direction is not None:
            gps_ifd[piexif.GPSIFD.GPSImgDirectionRef] = b"T"
            gps_ifd[piexif.GPSIFD.GPSImgDirection] = _rational(direction, 100)
    if not (zeroth or exif or gps_ifd):
        return b""
    result: bytes = piexif.dump({"0th": zeroth, "Exif": exif, "GPS": gps_ifd, "1st": {}, "thumbnail": None})
    return result


def photo_bytes(photo: DemoPhoto) -> bytes:
    img = _scene(photo.seed, photo.size, photo.water)
    exif = exif_bytes(
        taken_local=photo.taken_local,
        make=photo.make,
        model=photo.model,
        software=photo.software,
        gps=photo.gps,
        direction=photo.direction,
        modified_local=(photo.taken_local + timedelta(days=1)) if photo.software and photo.taken_local else None,
        size=photo.size if photo.make else None,  # a platform re-encode keeps no EXIF at all
    )
    buf = io.BytesIO()
    if exif:
        img.save(buf, "JPEG", quality=photo.quality, exif=exif)
    else:
        img.save(buf, "JPEG", quality=photo.quality)
    return buf.getvalue()


def video_bytes(seconds: float = 3.0, fps: int = 10, size: tuple[int, int] = (320, 240)) -> bytes:
    """A short MP4 with three visibly different scenes (for keyframe extraction)."""
    import av

    buf = io.BytesIO()
    with av.open(buf, mode="w", format="mp4") as container:
        stream = container.add_stream("mpeg4", rate=fps)
        stream.width, stream.height = size
        stream.pix_fmt = "yuv420p"
        frames = int(seconds * fps)
        colours = [(200, 60, 40), (40, 160, 70), (40, 80, 200)]
        for i in range(frames):
            scene = min(i * len(colours) // frames, len(colours) - 1)
            arr = np.empty((size[1], size[0], 3), dtype=np.uint8)
            arr[:] = colours[scene]
            x = (i * 7) % size[0]
            arr[100:140, x : x + 30] = 255
            frame = av.VideoFrame.from_ndarray(arr, format="rgb24")
            for packet in stream.encode(frame):
                container.mux(packet)
        for packet in stream.encode():
            container.mux(packet)
    return buf.getvalue()


POLE_FILE = "DSCF4030.JPG"
POLE_INSTANT = datetime(2025, 3, 14, 7, 42, 0, tzinfo=UTC)  # 08:42 CET, the morning the claim names


def pole_scene() -> Any:
    """A street pole and its shadow in the square at the claimed morning, rendered with the true sun."""
    from workbench.core.sun.scene import render_pole_scene

    return render_pole_scene(DEMO_PLACE[0], DEMO_PLACE[1], POLE_INSTANT, pole_height_m=3.0, zone_name="Europe/Vienna")


def write_demo_files(folder: Path) -> list[Path]:
    """The demo's evidence files, written into `folder`, in the order they are added."""
    folder.mkdir(parents=True, exist_ok=True)
    paths: list[Path] = []
    pole = folder / POLE_FILE
    pole.write_bytes(pole_scene().jpeg)
    paths.append(pole)
    for photo in PHOTOS:
        path = folder / photo.filename
        path.write_bytes(photo_bytes(photo))
        paths.append(path)
    video = folder / "square_walk.mp4"
    video.write_bytes(video_bytes())
    paths.append(video)
    return paths


def build_demo(path: Path | str, *, progress: Progress | None = None, analyst: str = "Demo Analyst") -> Path:
    """Write the demo incident to `path` (which must not exist) and return it."""
    path = Path(path)
    if path.exists():
        raise IncidentExists(f"{path} already exists; choose another name for the demo incident.")
    # Built under a temporary name and renamed at the end, so a failure never leaves half a demo behind.
    building = path.with_name(f".{path.name}.building")
    building.unlink(missing_ok=True)
    with Incident.create(
        building,
        title=DEMO_TITLE,
        claim=DEMO_CLAIM,
        description="A synthetic incident for learning the workbench. Every file in it was generated.",
        analyst=analyst,
    ) as inc:
        with tempfile.TemporaryDirectory(prefix="workbench-demo-") as tmp:
            files = write_demo_files(Path(tmp))
            add_evidence(inc, files, progress=progress, acquired_by=analyst, note="demo evidence", workers=1)
        claimed = datetime(2025, 3, 14, 8, 30, tzinfo=DEMO_TZ).astimezone(UTC)
        set_claimed_place_time(
            inc, lat=DEMO_PLACE[0], lon=DEMO_PLACE[1], time_zone="Europe/Vienna", claimed_utc=claimed.isoformat()
        )
        _demo_analysis(inc)
    os.replace(building, path)
    return path


def _demo_analysis(inc: Incident) -> None:
    """What an analyst would have done first: measure the pole's shadow, solve for the time, mark the square."""
    from workbench.core.sun.records import measurement_record, window_records
    from workbench.core.sun.shadows import combine, measure_pixels
    from workbench.core.sun.solve import solve_when_dates

    scene = pole_scene()
    pole_item = next(m for m in inc.media_items() if m.filename == POLE_FILE)
    measurement = measure_pixels(
        scene.base, scene.top, scene.tip, error_px=3.0, label="Lamp pole by the fountain"
    ).confirm()  # the scene is rendered square-on on flat ground: they hold
    add_measurement(inc, measurement_record(measurement), media_id=pole_item.id)
    when = solve_when_dates(DEMO_PLACE[0], DEMO_PLACE[1], combine([measurement]), POLE_INSTANT.date())
    for record in window_records(when, label="Shadow of the lamp pole fits"):
        add_time_window(
            inc,
            record["start_utc"],
            record["end_utc"],
            label=record["label"],
            kind=record["kind"],
            method=record["method"],
            inputs=json.loads(record["inputs_json"]),
            media_id=pole_item.id,
            note=record["note"],
        )
    add_hypothesis(
        inc,
        DEMO_PLACE[0],
        DEMO_PLACE[1],
        label="Hauptplatz (the claimed square)",
        radius_m=120.0,
        status="candidate",
        confidence=0.6,
        note="Facades and the blue HAUPTPLATZ sign match DSCF4021; the EXIF GPS of the camera originals is here.",
    )
