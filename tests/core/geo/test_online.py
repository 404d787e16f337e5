from dataclasses import dataclass, field
from typing import Any

import pytest

from workbench.core.geo.online import (
    USER_AGENT,
    MemoryCache,
    OnlineDisabled,
    OnlineFailed,
    OnlineGeocoder,
    RateLimiter,
)


@dataclass
class Location:
    address: str
    latitude: float
    longitude: float
    raw: dict[str, Any] = field(default_factory=dict)


class FakeNominatim:
    """Same methods and keywords as geopy's Nominatim."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, Any]] = []

    def geocode(self, query: str, *, exactly_one: bool, limit: int, language: Any) -> Any:
        self.calls.append(("geocode", query))
        return [Location("Pokrovsk, Donetsk Oblast, Ukraine", 48.28, 37.18, {"type": "town"})]

    def reverse(self, query: tuple[float, float], *, exactly_one: bool, language: Any) -> Any:
        self.calls.append(("reverse", query))
        return Location("somewhere", query[0], query[1])


class Clock:
    def __init__(self) -> None:
        self.now = 100.0
        self.slept: list[float] = []

    def time(self) -> float:
        return self.now

    def sleep(self, s: float) -> None:
        self.slept.append(s)
        self.now += s


def test_refused_offline_and_nothing_sent() -> None:
    service = FakeNominatim()
    geo = OnlineGeocoder(lambda: False, MemoryCache(), service=service, limiter=RateLimiter(1.0))
    with pytest.raises(OnlineDisabled, match="reveals"):
        geo.search("Pokrovsk")
    assert service.calls == []


def test_rate_limited_and_cached() -> None:
    clock = Clock()
    limiter = RateLimiter(1.0, clock=clock.time, sleep=clock.sleep)
    service = FakeNominatim()
    cache = MemoryCache()
    geo = OnlineGeocoder(lambda: True, cache, service=service, limiter=limiter)
    first = geo.search("Pokrovsk")
    assert first[0]["lat"] == 48.28 and first[0]["kind"] == "town"
    geo.search("Bakhmut")
    geo.reverse(48.0, 37.0)
    assert clock.slept == [1.0, 1.0]  # at most one request a second
    assert geo.search("pokrovsk ") == first and len(service.calls) == 3  # answered from the cache
    # Cached answers work offline too.
    offline = OnlineGeocoder(lambda: False, cache, service=service, limiter=limiter)
    assert offline.search("Pokrovsk") == first


def test_failures_are_reported() -> None:
    class Broken(FakeNominatim):
        def geocode(self, query: str, **kw: Any) -> Any:
            raise TimeoutError("timed out")

    geo = OnlineGeocoder(lambda: True, MemoryCache(), service=Broken(), limiter=RateLimiter(0.0))
    with pytest.raises(OnlineFailed):
        geo.search("x")


def test_real_geopy_client_is_configured_not_called() -> None:
    geo = OnlineGeocoder(lambda: False, MemoryCache(), domain="nominatim.example.org", limiter=RateLimiter(0.0))
    assert geo.service.domain == "nominatim.example.org"  # type: ignore[attr-defined]
    assert geo.service.headers["User-Agent"] == USER_AGENT  # type: ignore[attr-defined]
    assert "VerificationWorkbench" in USER_AGENT
