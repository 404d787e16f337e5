from datetime import UTC, datetime

import pytest

from workbench.core.errors import BadInput
from workbench.core.geo.timezones import local_to_utc, zones_at


def test_several_zones_at_one_point() -> None:
    a = zones_at(31.53, 35.11)  # Kiryat Arba
    assert set(a.zones) == {"Asia/Hebron", "Asia/Jerusalem"} and a.ambiguous
    u = zones_at(43.8, 87.6)  # Urumqi
    assert "Asia/Urumqi" in u.zones and any("Beijing" in n for n in u.notes)


def test_plain_point_and_border_point() -> None:
    kyiv = zones_at(50.45, 30.52)
    assert kyiv.zone == "Europe/Kyiv" and not kyiv.ambiguous and kyiv.notes == ()
    rafah = zones_at(31.29, 34.25)
    assert rafah.nearby_zones and rafah.ambiguous


def test_practice_note_and_override() -> None:
    donetsk = zones_at(48.0, 37.8)
    assert donetsk.zone == "Europe/Kyiv" and any("Moscow" in n for n in donetsk.notes)
    over = zones_at(48.0, 37.8, override="Europe/Moscow")
    assert over.zone == "Europe/Moscow" and over.to_json()["override"] == "Europe/Moscow"
    with pytest.raises(BadInput):
        zones_at(48.0, 37.8, override="Mars/Olympus")
    with pytest.raises(BadInput):
        zones_at(91.0, 0.0)


def test_dst_gap_and_overlap_are_said() -> None:
    gap = local_to_utc(datetime(2021, 3, 28, 3, 30), "Europe/Kyiv")
    assert gap.status == "nonexistent" and "never happened" in gap.message
    twice = local_to_utc(datetime(2021, 10, 31, 3, 30), "Europe/Kyiv")
    assert twice.status == "ambiguous" and len(twice.utc) == 2
    assert twice.utc[1] - twice.utc[0] == (twice.utc[1] - twice.utc[0]).__class__(hours=1)
    ok = local_to_utc(datetime(2021, 6, 1, 12, 0), "Europe/Kyiv")
    assert ok.status == "ok" and ok.utc == (datetime(2021, 6, 1, 9, 0, tzinfo=UTC),)
    with pytest.raises(BadInput):
        local_to_utc(datetime(2021, 6, 1, tzinfo=UTC), "Europe/Kyiv")
