"""Finding a place from the map panel: offline gazetteer always, Nominatim only in online mode."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pytest
from PySide6.QtCore import Qt

from tests.gui.map.conftest import js
from workbench.core.geo.online import MemoryCache, OnlineGeocoder, RateLimiter
from workbench.gui.panels.map.widget import MapView


@dataclass
class Location:
    address: str
    latitude: float
    longitude: float
    raw: dict[str, Any] = field(default_factory=dict)


class FakeNominatim:
    """geopy's Nominatim interface, answering without a network."""

    def __init__(self) -> None:
        self.queries: list[str] = []

    def geocode(self, query: str, *, exactly_one: bool, limit: int, language: Any) -> Any:
        self.queries.append(query)
        return [Location("Novohrodivka, Pokrovsk Raion, Ukraine", 48.204, 37.34, {"type": "town"})]

    def reverse(self, query: Any, *, exactly_one: bool, language: Any) -> Any:
        return None


def test_offline_place_search_ranks_and_shows(qtbot: Any, make_map: Any, small_gazetteer: Any) -> None:
    view = make_map(place_search=lambda text: [p.to_json() for p in small_gazetteer.search(text)])
    assert not view.online_button.isVisible()
    qtbot.keyClicks(view.search_box, "Pokrovsk <b>")
    qtbot.keyClick(view.search_box, Qt.Key.Key_Return)
    assert view.results.count() >= 1 and view.results.item(0).text().startswith("No place")
    view.search_box.clear()
    qtbot.keyClicks(view.search_box, "Pokrovsk")
    qtbot.keyClick(view.search_box, Qt.Key.Key_Return)
    assert view.results.item(0).text().startswith("Pokrovsk, Ukraine")
    with qtbot.waitSignal(view.placeChosen) as sig:
        view.results.itemClicked.emit(view.results.item(0))
    assert sig.args[0]["country_code"] == "UA"
    qtbot.waitUntil(lambda: js(qtbot, view, "WB.layers.found.getLayers().length") == 1)
    centre = js(qtbot, view, "JSON.stringify(WB.map.getCenter())")
    assert centre["lat"] == pytest.approx(48.28, abs=0.01) and centre["lng"] == pytest.approx(37.18, abs=0.01)
    assert view.blocked_requests() == []


def test_online_search_only_in_online_mode(qtbot: Any, make_map: Any) -> None:
    service = FakeNominatim()
    holder: dict[str, MapView] = {}
    geocoder = OnlineGeocoder(
        lambda: holder["view"].is_online(), MemoryCache(), service=service, limiter=RateLimiter(0.0)
    )
    view = make_map(online_search=geocoder.search)
    holder["view"] = view
    qtbot.keyClicks(view.search_box, "Novohrodivka")
    assert view.online_button.isVisible() and not view.online_button.isEnabled()
    view.search_online()
    assert service.queries == []  # offline: nothing sent
    with qtbot.waitSignal(view.pageReady, timeout=20000):
        view.set_online(True)
    assert view.online_button.isEnabled() and view.online_label.text() == "ONLINE"
    view.online_button.click()
    qtbot.waitUntil(lambda: view.results.count() > 0, timeout=10000)
    assert service.queries == ["Novohrodivka"] and "Novohrodivka" in view.results.item(0).text()
