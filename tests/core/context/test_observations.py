"""Observations from CSV: zones stated or refused, never guessed; the ones near the incident's place and time."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from tests.core.context.conftest import actions
from tests.core.context.makers import OBSERVATIONS_CSV

from workbench.core.context.observations import import_observations, observations_near, read_csv, spells
from workbench.core.errors import BadInput
from workbench.core.incident import Incident

AT = datetime(2024, 5, 3, 10, 0, tzinfo=UTC)


def test_import_and_near_query(inc: Incident, tmp_path: Path) -> None:
    (tmp_path / "obs.csv").write_text(OBSERVATIONS_CSV, encoding="utf-8")
    report = import_observations(inc, tmp_path / "obs.csv")
    assert (report.rows, report.added, report.errors) == (6, 6, ())
    near = observations_near(inc, lat=50.0, lon=10.0, at=AT, radius_km=10, window=timedelta(hours=3))
    assert {o.station for o in near} == {"Kestrel North"}  # the London station and the April row are out
    temp = next(o for o in near if o.variable == "temperature")
    assert temp.time_utc == "2024-05-03T10:00:00+00:00"  # 12:00+02:00 converted
    assert temp.distance_km == pytest.approx(1.81, abs=0.02)
    texts = [s.text for s in spells(near)]
    assert "observed: precipitation (4.2-6 mm/h) 09:00-10:00 UTC at Kestrel North 1.8 km away" in texts
    again = import_observations(inc, tmp_path / "obs.csv")
    assert again.already_imported and again.added == 0
    assert actions(inc).count("context.observations_import") == 1
    assert observations_near(inc, lat=50.0, lon=10.0, at=AT, radius_km=1) == []
    assert [o.variable for o in observations_near(inc, lat=50, lon=10, at=AT, variable="temperature")] == [
        "temperature"
    ]


def test_near_defaults_to_the_claim_or_asks(inc: Incident) -> None:
    with pytest.raises(BadInput, match="claimed place"):
        observations_near(inc)
    with pytest.raises(BadInput, match="zone"):
        observations_near(inc, lat=50, lon=10, at=datetime(2024, 5, 3, 10))


def test_naive_times_are_refused_unless_the_zone_is_stated(inc: Incident, tmp_path: Path) -> None:
    csv_text = "time,lat,lon,variable,value\n2024-05-03 09:00,50,10,rain,1\n2024-05-03 10:00,50,10,rain,2\n"
    (tmp_path / "naive.csv").write_text(csv_text)
    with pytest.raises(BadInput, match="never guessed"):
        import_observations(inc, tmp_path / "naive.csv")
    assert inc.media_items() == []  # refused before anything was kept
    report = import_observations(inc, tmp_path / "naive.csv", zone="Europe/Berlin")
    assert report.added == 2
    times = [o.time_utc for o in observations_near(inc, lat=50, lon=10, at=AT, window=timedelta(hours=5))]
    assert times == ["2024-05-03T07:00:00+00:00", "2024-05-03T08:00:00+00:00"]  # CEST is UTC+2


def test_clock_change_times_are_reported_per_row() -> None:
    text = (
        "time,lat,lon,variable,value\n"
        "2024-10-27 02:30,50,10,rain,1\n"  # happens twice in Berlin
        "2024-03-31 02:30,50,10,rain,1\n"  # never happens in Berlin
        "2024-03-31 04:30,50,10,rain,1\n"
    )
    rows, errors = read_csv(text, zone="Europe/Berlin")
    assert [r.time for r in rows] == ["2024-03-31T02:30:00+00:00"]
    assert [n for n, _ in errors] == [2, 3]
    assert "twice" in errors[0][1] and "does not exist" in errors[1][1]
    rows, errors = read_csv(text, zone="+01:00")  # a fixed offset has no clock change
    assert len(rows) == 3 and not errors


def test_wide_layout_semicolons_epoch_and_bad_rows() -> None:
    text = (
        "Station;Latitude;Longitude;Timestamp;rain_mm;temp_c\n"
        "A;50,0;10;1714726800;1,5;12\n"  # decimal comma in the value
        "A;50.0;10.0;1714730400;;13\n"
        "B;95;10;1714730400;1;1\n"
        "C;50;10;yesterday;1;1\n"
    )
    rows, errors = read_csv(text)
    assert [(r.variable, r.value) for r in rows] == [("rain_mm", 1.5), ("temp_c", 12.0), ("temp_c", 13.0)]
    assert rows[0].time == "2024-05-03T09:00:00+00:00"
    assert [n for n, _ in errors] == [4, 5]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "empty"),
        ("a,b,c\n1,2,3\n", "no time, lat, lon"),
        ("time,lat,lon,variable\n2024-05-03T10:00Z,1,1,x\n", "no value column"),
    ],
)
def test_unreadable_csv_is_refused(text: str, message: str) -> None:
    with pytest.raises(BadInput, match=message):
        read_csv(text)


def test_bad_zone_name_is_refused() -> None:
    with pytest.raises(BadInput, match="not a time zone"):
        read_csv("time,lat,lon,variable,value\n2024-05-03 10:00,1,1,x,1\n", zone="Mars/Olympus")
