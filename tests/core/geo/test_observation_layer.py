"""Observations near the claimed place and time appear on the map as station points with what was observed."""

from __future__ import annotations

from pathlib import Path

from workbench.core.analysis import set_claimed_place_time
from workbench.core.context import import_context_file
from workbench.core.geo.incident_layers import layers_from_incident
from workbench.core.geo.mappage import build_map_page
from workbench.core.incident import Incident


def test_nearby_observations_are_station_points(tmp_path: Path) -> None:
    csv = tmp_path / "weather.csv"
    csv.write_text(
        "time,lat,lon,variable,value,unit,station\n"
        "2025-03-14T07:00:00Z,48.22,16.36,precipitation,4.2,mm/h,Wien Innere Stadt\n"
        "2025-03-14T08:00:00Z,48.22,16.36,precipitation,6.0,mm/h,Wien Innere Stadt\n"
        "2025-03-14T08:00:00Z,47.07,15.44,precipitation,0.0,mm/h,Graz (too far)\n",
        encoding="utf-8",
    )
    with Incident.create(tmp_path / "t.incident", title="t") as inc:
        set_claimed_place_time(inc, lat=48.2082, lon=16.3738, claimed_utc="2025-03-14T07:30:00Z")
        import_context_file(inc, csv)
        layers = layers_from_incident(inc)
    stations = [p for p in layers.points if p.kind == "observation"]
    assert [p.label for p in stations] == ["Wien Innere Stadt"]
    assert "precipitation" in stations[0].note and "km from the claimed place" in stations[0].note
    page = build_map_page(layers)
    served = page.html + "".join(a.read().decode("utf-8", "replace") for a in page.assets if a.data is not None)
    assert "Wien Innere Stadt" in served and "Observations near the claimed place" in served
