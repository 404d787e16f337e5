import time
import zipfile
from pathlib import Path

import numpy as np
import pytest

from workbench.core.errors import BadInput
from workbench.core.geo.gazetteer import Gazetteer, _haversine, normalise


@pytest.mark.parametrize(
    ("query", "name", "country"),
    [
        ("Київ", "Kyiv", "UA"),
        ("Москва", "Moscow", "RU"),
        ("القدس", "Jerusalem", "IL"),
        ("東京", "Tokyo", "JP"),
        ("北京", "Beijing", "CN"),
        ("서울", "Seoul", "KR"),
        ("Αθήνα", "Athens", "GR"),
        ("תל אביב", "Tel Aviv", "IL"),
        ("თბილისი", "Tbilisi", "GE"),
        ("sao paulo", "São Paulo", "BR"),
        ("KYIV", "Kyiv", "UA"),
    ],
)
def test_names_in_many_scripts(gz: Gazetteer, query: str, name: str, country: str) -> None:
    first = gz.search(query)[0]
    assert (first.name, first.country_code) == (name, country)


def test_ambiguous_names_give_a_ranked_list(gz: Gazetteer) -> None:
    cands = gz.search("Pokrovsk")
    # An old name (Engels was Pokrovsk) comes after the place called so today, though more populous.
    assert [(c.name, c.country_code) for c in cands[:2]] == [("Pokrovsk", "UA"), ("Engels", "RU")]
    assert cands[1].population > cands[0].population and cands[1].matched == "Pokrovsk"
    assert {"name", "country", "lat", "lon", "population", "timezone"} <= set(cands[0].to_json())
    paris = gz.search("Paris")
    assert [(c.name, c.country_code) for c in paris[:2]] == [("Paris", "FR"), ("Paris", "US")]


def test_country_filter_and_prefix(gz: Gazetteer) -> None:
    assert all(c.country_code == "RU" for c in gz.search("Pokrovsk", country_code="ru"))
    assert gz.search("Zaporizh")[0].name.startswith("Zaporizhzh")
    assert gz.search("") == [] and gz.search("  -- ") == []


def test_arabic_article_is_optional(gz: Gazetteer) -> None:
    assert normalise("Saint-Pétersbourg") == "saint petersbourg"
    assert gz.search("الخليل")[0].name == "Hebron"


def test_search_is_fast(gz: Gazetteer) -> None:
    gz.search("warmup")
    t = time.perf_counter()
    for q in ("Pokrovsk", "Київ", "Paris", "Springfield", "القدس"):
        gz.search(q)
    assert (time.perf_counter() - t) / 5 < 0.05


def test_nearest_place(gz: Gazetteer) -> None:
    p = gz.nearest(48.2805, 37.1805)
    assert p is not None and p.name == "Pokrovsk" and p.distance_km is not None and p.distance_km < 1


def test_nearest_matches_brute_force(gz: Gazetteer) -> None:
    rng = np.random.default_rng(3)
    lat, lon = rng.uniform(-70, 80, 300), rng.uniform(-180, 180, 300)
    ids, dist = gz.nearest_ids(lat, lon)
    rows = np.asarray(gz._con.execute("SELECT id, lat, lon FROM places").fetchall())
    for i in range(len(lat)):
        d = _haversine(*np.radians([lat[i], lon[i]]), np.radians(rows[:, 1]), np.radians(rows[:, 2]))
        assert dist[i] == pytest.approx(d.min(), abs=1e-6)
        assert int(rows[np.argmin(d), 0]) == ids[i] or d.min() == pytest.approx(d[rows[:, 0] == ids[i]][0])


def test_reverse_many_points(gz: Gazetteer) -> None:
    rng = np.random.default_rng(1)
    lat, lon = rng.uniform(-60, 70, 10_000), rng.uniform(-180, 180, 10_000)
    gz.reverse(lat[:10], lon[:10])
    t = time.perf_counter()
    out = gz.reverse(lat, lon)
    assert time.perf_counter() - t < 2.0  # the benchmark asks < 1 s; tests run on shared machines
    assert len(out) == 10_000
    kyiv = gz.reverse([50.45], [30.52])[0]
    assert (kyiv.country_code, kyiv.country_source) == ("UA", "outline")
    assert kyiv.place is not None and kyiv.place.distance_km is not None and kyiv.place.distance_km < 5
    sea = gz.reverse([0.0], [-30.0])[0]
    assert sea.country_source == "nearest place"


_ROW = (
    "{id}\t{name}\t{ascii}\t{alts}\t{lat}\t{lon}\t{fclass}\tPPL\tUA\t\t14\t\t\t\t{pop}\t\t150\tEurope/Kyiv\t2024-01-01"
)


def _write_geonames(path: Path) -> None:
    rows = [
        _ROW.format(
            id=90000001,
            name="Novohrodivka Mala",
            ascii="Novohrodivka Mala",
            alts="Новогродівка Мала,Novogrodovka Malaya",
            lat=48.201,
            lon=37.351,
            fclass="P",
            pop=120,
        ),
        _ROW.format(id=90000002, name="Some Hill", ascii="Some Hill", alts="", lat=48.3, lon=37.3, fclass="T", pop=0),
    ]
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")


def test_import_geonames_country_file_adds_villages(gazetteer_path: Path, tmp_path: Path) -> None:
    copy = tmp_path / "g.sqlite"
    copy.write_bytes(gazetteer_path.read_bytes())
    txt = tmp_path / "UA.txt"
    _write_geonames(txt)
    zipped = tmp_path / "UA.zip"
    with zipfile.ZipFile(zipped, "w") as zf:
        zf.write(txt, "UA.txt")
        zf.writestr("readme.txt", "GeoNames readme")
    with Gazetteer(copy) as g:
        assert g.search("Новогродівка Мала") == []
        assert g.import_geonames(zipped) == 1  # the hill (class T) is not a populated place
        assert g.search("Новогродівка Мала")[0].name == "Novohrodivka Mala"
        near = g.nearest(48.2011, 37.3511)
        assert near is not None and near.name == "Novohrodivka Mala"
        assert g.import_geonames(txt) == 1  # importing again updates, no duplicates
        assert len(g.search("Novohrodivka Mala")) == 1


def test_import_refuses_other_files(gazetteer_path: Path, tmp_path: Path) -> None:
    bad = tmp_path / "bad.txt"
    bad.write_text("this is not\ta GeoNames file\n", encoding="utf-8")
    with Gazetteer(gazetteer_path) as g, pytest.raises(BadInput):
        g.import_geonames(bad)
    with Gazetteer(gazetteer_path) as g, pytest.raises(BadInput):
        g.import_geonames(tmp_path / "missing.zip")


def test_missing_gazetteer_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(BadInput, match="build it first"):
        Gazetteer(tmp_path / "none.sqlite")
