"""Online place search through geopy's Nominatim, only when the analyst has turned online mode on.

Nominatim's usage policy: at most 1 request per second summed over the whole application, an identifying
User-Agent, results cached (here: in a cache the caller provides, normally the incident), the endpoint
configurable, no autocomplete. A search reveals what is being investigated, so nothing is sent unless asked.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from workbench import __version__
from workbench.core.errors import WorkbenchError

USER_AGENT = f"VerificationWorkbench/{__version__} (fact-checking desktop tool; user-initiated searches)"
DEFAULT_DOMAIN = "nominatim.openstreetmap.org"
ATTRIBUTION = "Search: Nominatim, © OpenStreetMap contributors (ODbL)"


class OnlineDisabled(WorkbenchError):
    """An online look-up was asked for while online mode is off."""


class OnlineFailed(WorkbenchError):
    """The online service could not answer (network, refusal, time-out)."""


class RateLimiter:
    """At most one call per `min_interval` seconds across every thread that shares this object."""

    def __init__(
        self,
        min_interval: float = 1.0,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.min_interval = min_interval
        self._clock = clock
        self._sleep = sleep
        self._lock = threading.Lock()
        self._last: float | None = None

    def wait(self) -> None:
        with self._lock:
            now = self._clock()
            if self._last is not None:
                delay = self._last + self.min_interval - now
                if delay > 0:
                    self._sleep(delay)
                    now = self._clock()
            self._last = now


# One limiter for the whole application: Nominatim's limit is per application, not per window or thread.
APP_RATE_LIMITER = RateLimiter(1.0)


class GeocodeCache(Protocol):
    def get(self, key: str) -> list[dict[str, Any]] | None: ...

    def put(self, key: str, value: list[dict[str, Any]]) -> None: ...


class MemoryCache:
    def __init__(self) -> None:
        self.data: dict[str, list[dict[str, Any]]] = {}

    def get(self, key: str) -> list[dict[str, Any]] | None:
        return self.data.get(key)

    def put(self, key: str, value: list[dict[str, Any]]) -> None:
        self.data[key] = value


class JsonFileCache(MemoryCache):
    """A cache kept in one JSON file (until the incident stores it)."""

    def __init__(self, path: Path) -> None:
        super().__init__()
        self.path = path
        if path.is_file():
            self.data = json.loads(path.read_text(encoding="utf-8"))

    def put(self, key: str, value: list[dict[str, Any]]) -> None:
        super().put(key, value)
        tmp = self.path.with_suffix(".part")
        tmp.write_text(json.dumps(self.data, ensure_ascii=False), encoding="utf-8")
        tmp.replace(self.path)


@dataclass(frozen=True)
class OnlinePlace:
    name: str
    lat: float
    lon: float
    kind: str
    source: str

    def to_json(self) -> dict[str, Any]:
        return {"name": self.name, "lat": self.lat, "lon": self.lon, "kind": self.kind, "source": self.source}


class NominatimLike(Protocol):
    """The part of geopy's `Nominatim` used here; tests pass a fake with the same methods."""

    def geocode(self, query: str, *, exactly_one: bool, limit: int, language: str | bool) -> Any: ...

    def reverse(self, query: tuple[float, float], *, exactly_one: bool, language: str | bool) -> Any: ...


class OnlineGeocoder:
    """Nominatim search and reverse look-up, refused unless `is_online()`, rate-limited and cached."""

    def __init__(
        self,
        is_online: Callable[[], bool],
        cache: GeocodeCache,
        domain: str = DEFAULT_DOMAIN,
        scheme: str = "https",
        user_agent: str = USER_AGENT,
        limiter: RateLimiter = APP_RATE_LIMITER,
        service: NominatimLike | None = None,
        timeout: float = 10.0,
    ) -> None:
        self.is_online = is_online
        self.cache = cache
        self.domain = domain
        self.limiter = limiter
        self.requests = 0
        if service is None:
            from geopy.geocoders import Nominatim

            service = Nominatim(user_agent=user_agent, domain=domain, scheme=scheme, timeout=timeout)
        self.service: NominatimLike = service

    def _call(self, key: str, run: Callable[[], Any]) -> list[dict[str, Any]]:
        cached = self.cache.get(key)
        if cached is not None:
            return cached
        if not self.is_online():
            raise OnlineDisabled(
                "Online mode is off: turn it on to search Nominatim (the search is sent to "
                f"{self.domain} and reveals what you are looking for)."
            )
        self.limiter.wait()
        self.requests += 1
        try:
            raw = run()
        except Exception as exc:  # geopy raises its own hierarchy plus socket errors
            raise OnlineFailed(f"{self.domain} did not answer: {exc}") from exc
        items = raw if isinstance(raw, list) else ([raw] if raw is not None else [])
        result = [
            OnlinePlace(
                name=str(getattr(i, "address", "")),
                lat=float(i.latitude),
                lon=float(i.longitude),
                kind=str((getattr(i, "raw", None) or {}).get("type", "")),
                source=f"Nominatim ({self.domain})",
            ).to_json()
            for i in items
        ]
        self.cache.put(key, result)
        return result

    def search(self, query: str, limit: int = 10, language: str | bool = False) -> list[dict[str, Any]]:
        text = " ".join(query.split())
        if not text:
            return []
        key = f"nominatim:{self.domain}:search:{limit}:{language}:{text.casefold()}"
        return self._call(key, lambda: self.service.geocode(text, exactly_one=False, limit=limit, language=language))

    def reverse(self, lat: float, lon: float, language: str | bool = False) -> list[dict[str, Any]]:
        key = f"nominatim:{self.domain}:reverse:{language}:{lat:.6f},{lon:.6f}"
        return self._call(key, lambda: self.service.reverse((lat, lon), exactly_one=True, language=language))
