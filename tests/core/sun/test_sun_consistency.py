"""The verdict: shadows against EXIF, post and claimed times, including DST folds and two-zone places."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from workbench.core.sun import consistency, shadows, solve
from workbench.core.sun import ephemeris as eph


def _kyiv(t: datetime) -> solve.WhenResult:
    p = eph.sun_position(50.45, 30.52, t)
    c = shadows.combine([shadows.from_elevation(float(p.apparent_elevation), 0.3)])
    return solve.solve_when_dates(50.45, 30.52, c, date(2024, 4, 10))


def test_plain_verdict_with_local_windows_and_exif() -> None:
    r = _kyiv(datetime(2024, 4, 10, 7, 0, tzinfo=UTC))
    v = consistency.check_times(r, exif_time=datetime(2024, 4, 10, 14, 5))
    assert v.status == consistency.INCONSISTENT
    assert v.text.startswith("The shadows fit ") and " or " in v.text
    assert "local (Europe/Kyiv)" in v.text and "EXIF says 14:05" in v.text and "inconsistent" in v.text
    ok = consistency.check_times(r, exif_time=datetime(2024, 4, 10, 10, 0))  # 07:00 UTC = 10:00 EEST
    assert ok.status == consistency.CONSISTENT


def test_post_before_every_window_is_inconsistent() -> None:
    r = _kyiv(datetime(2024, 4, 10, 12, 0, tzinfo=UTC))
    early = consistency.check_times(r, post_times=[datetime(2024, 4, 10, 6, 0, tzinfo=UTC)])
    assert early.status == consistency.INCONSISTENT and "only after" in early.text
    late = consistency.check_times(r, post_times=[datetime(2024, 4, 10, 18, 0, tzinfo=UTC)])
    assert late.status == consistency.CONSISTENT


def test_claimed_interval_and_outside_dates() -> None:
    r = _kyiv(datetime(2024, 4, 10, 7, 0, tzinfo=UTC))
    w = r.windows[0]
    claim = (w.start_utc - timedelta(hours=1), w.start_utc + timedelta(minutes=5))
    assert consistency.check_times(r, claimed=claim).status == consistency.CONSISTENT
    other_day = consistency.check_times(r, claimed=datetime(2024, 5, 1, 7, 0, tzinfo=UTC))
    assert other_day.status == consistency.UNDETERMINED


def test_naive_exif_in_an_autumn_fold_is_read_both_ways() -> None:
    # Berlin, 2024-10-27 02:30 happened twice (night: the daytime shadows cannot fit either reading).
    c = shadows.combine([shadows.from_elevation(20.0, 1.0)])
    r = solve.solve_when_dates(52.52, 13.40, c, date(2024, 10, 27))
    v = consistency.check_times(r, exif_time=datetime(2024, 10, 27, 2, 30))
    assert "occurred twice" in v.text
    assert len(v.checks[0].instants_utc) == 2
    assert v.status == consistency.INCONSISTENT


def test_two_zone_place_reads_naive_time_in_both() -> None:
    t = datetime(2024, 10, 26, 8, 0, tzinfo=UTC)
    p = eph.sun_position(31.53, 35.12, t)
    c = shadows.combine([shadows.from_elevation(float(p.apparent_elevation), 0.3)])
    r = solve.solve_when_dates(31.53, 35.12, c, date(2024, 10, 26))
    assert r.place_zones.ambiguous
    v = consistency.check_times(r, exif_time=datetime(2024, 10, 26, 11, 0))
    assert "Asia/Hebron" in v.text and "Asia/Jerusalem" in v.text
    assert v.status == consistency.CONSISTENT
