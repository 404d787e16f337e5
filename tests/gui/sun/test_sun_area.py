"""The whole sun area on a rendered scene: photo + EXIF → clicks → the instant and the place come back."""

from __future__ import annotations

import io
from datetime import UTC, datetime

import pytest

pytest.importorskip("pytestqt")

from PIL import Image

from workbench.core.sun import scene
from workbench.gui.panels.sun.area import SunArea


def test_photo_to_when_and_where(qtbot) -> None:  # type: ignore[no-untyped-def]
    s = scene.render_pole_scene(-33.87, 151.21, datetime(2023, 12, 2, 23, 40, tzinfo=UTC), width=900, height=560)
    exif = Image.open(io.BytesIO(s.jpeg)).getexif()
    sub = exif.get_ifd(0x8769)
    taken = datetime.strptime(sub[36867] + sub[36881], "%Y:%m:%d %H:%M:%S%z")
    bearing = float(exif.get_ifd(0x8825)[17])
    area = SunArea()
    qtbot.addWidget(area)
    area.where.resolution.setCurrentText("0.25")
    area.set_media(s.jpeg, lat=s.lat, lon=s.lon, taken=taken, bearing=bearing)
    for p in (s.base, s.top, s.tip):
        area.tool.place_point(p.x, p.y)
    assert area.where.result is not None and area.where.result.contains(s.lat, s.lon)
    assert area.where.instant() == datetime(2023, 12, 2, 23, 40, tzinfo=UTC)
    result = area.when.solve()
    assert result is not None and any(w.contains(s.instant_utc) for w in result.windows)
    assert result.windows[0].to_json()["start_local"].endswith("+11:00")  # Sydney summer time
    assert "CONSISTENT" in area.when.summary.text()
