"""End to end with the real readers: EXIF capture times and perceptual hashes made by ingest, then the timeline's
checks and provenance on them (the other timeline tests set these values directly)."""

from __future__ import annotations

import io
import json
from pathlib import Path

import numpy as np
import piexif
from PIL import Image

from workbench.core.incident import Incident
from workbench.core.ingest import compute_missing_pixels
from workbench.core.posts import queries
from workbench.core.posts.store import import_export
from workbench.core.timeline import checks, events, provenance


def _scene(seed: int = 4) -> Image.Image:
    rng = np.random.default_rng(seed)
    base = rng.integers(0, 255, (12, 16, 3), dtype=np.uint8)
    return Image.fromarray(base).resize((640, 480), Image.Resampling.BICUBIC)


def _exif(when: str, offset: str) -> bytes:
    return piexif.dump(
        {"Exif": {piexif.ExifIFD.DateTimeOriginal: when.encode(), piexif.ExifIFD.OffsetTimeOriginal: offset.encode()}}
    )


def test_capture_times_and_copies_across_posts(tmp_path: Path) -> None:
    folder = tmp_path / "export"
    (folder / "photos").mkdir(parents=True)
    scene = _scene()
    scene.save(folder / "photos" / "original.jpg", "JPEG", quality=92, exif=_exif("2024:03:01 12:30:00", "+02:00"))
    w, h = scene.size
    copy = scene.crop((8, 6, w - 8, h - 6)).resize((480, 357), Image.Resampling.BILINEAR)
    buf = io.BytesIO()
    copy.save(buf, "JPEG", quality=60)  # resized, recompressed, cropped a little, metadata stripped
    (folder / "photos" / "repost.jpg").write_bytes(buf.getvalue())
    doc = {
        "id": 5,
        "messages": [
            {"id": 1, "type": "message", "date_unixtime": "1709287200", "from_id": "user1", "from": "A",
             "photo": "photos/original.jpg", "text": "first"},  # 10:00Z, before its own capture at 10:30Z
            {"id": 2, "type": "message", "date_unixtime": "1709294400", "from_id": "user2", "from": "B",
             "photo": "photos/repost.jpg", "text": "again"},  # 12:00Z
        ],
    }  # fmt: skip
    (folder / "result.json").write_text(json.dumps(doc))
    with Incident.create(tmp_path / "c.incident", title="e2e") as inc:
        import_export(inc, folder)
        original = next(m for m in inc.media_items() if m.filename == "original.jpg")
        assert original.summary.capture_time == "2024-03-01T12:30:00+02:00"
        capture = next(e for e in events.build_events(inc) if e.kind == "capture")
        assert capture.start.isoformat() == "2024-03-01T10:30:00+00:00" and not capture.uncertain
        found = checks.run_checks(inc)
        assert [c.code for c in found if c.severity == "warning"] == ["capture-after-post"]
        made, failed = compute_missing_pixels(inc, workers=1)
        assert made == 3 - 1 and not failed  # two photos (result.json is not an image)
        groups = provenance.image_groups(inc)
        assert len(groups) == 1 and set(groups[0].media_ids) == {m.id for m in inc.media_items() if m.kind == "image"}
        first = groups[0].first_seen
        p1 = queries.find_post(inc, "telegram", "5/1")
        assert first is not None and p1 is not None and first.post_id == p1.id
        assert groups[0].spread_seconds == 7200.0
        assert 0 < groups[0].appearances[1].distance <= provenance.DEFAULT_THRESHOLD
