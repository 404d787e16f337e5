import json

import numpy as np
import pytest

from workbench.core.geo import world


@pytest.mark.parametrize(
    ("lat", "lon", "name"),
    [
        (50.45, 30.52, "Ukraine"),
        (44.95, 34.10, "Russia"),  # Crimea: Natural Earth draws de facto boundaries
        (66.0, 175.0, "Russia"),
        (67.0, -175.0, "Russia"),  # Chukotka, east of the 180th meridian
        (-17.8, 178.0, "Fiji"),
        (-80.0, 0.0, "Antarctica"),
        (-33.87, 151.0, "Australia"),
        (31.9, 35.2, "Palestine"),
    ],
)
def test_country_of_a_point(lat: float, lon: float, name: str) -> None:
    c = world.country_at(lat, lon)
    assert c is not None and c.name == name


def test_sea_is_no_country() -> None:
    assert world.country_at(0.0, -30.0) is None
    assert world.country_at(-60.0, 0.0) is None


def test_outline_never_crosses_the_antimeridian() -> None:
    data = json.loads(world.world_geojson_text())
    assert len(data["features"]) == 241
    for f in data["features"]:
        for poly in f["geometry"]["coordinates"]:
            for ring in poly:
                pts = np.array(ring)
                assert pts[:, 0].min() >= -180 and pts[:, 0].max() <= 180
                jumps = np.abs(np.diff(pts[:, 0])) >= 180
                # The only long edges allowed run along a pole (Antarctica closed along -90), never across the map.
                polar = (np.abs(pts[:-1, 1]) > 89.9) & (np.abs(pts[1:, 1]) > 89.9)
                assert not np.any(jumps & ~polar), f["properties"]["name"]


def test_label_says_de_facto() -> None:
    assert "de facto" in world.WORLD_LABEL and "de facto" in world.WORLD_ATTRIBUTION


def test_many_points_at_once() -> None:
    idx = world.country_indices([50.45, 0.0, -80.0], [30.52, -30.0, 0.0])
    names = [world.countries()[i].name if i >= 0 else None for i in idx]
    assert names == ["Ukraine", None, "Antarctica"]
