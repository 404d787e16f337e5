"""Do the shadows fit the times we were told? A plain verdict for the analyst.

The windows of a `WhenResult` are checked against the item's EXIF capture time, the times it was posted and the
claimed time. A capture or claimed time fits when it falls in a window (with a tolerance). A post fits when some
window begins before it (the photo was taken before it was posted). A wall-clock time without a zone is read in
each of the place's zones; at a DST change it may be ambiguous or may not exist, and the check says so.

Example text: "The shadows fit 09:10-09:40 or 15:20-15:55 local (Europe/Kyiv); EXIF says 14:05: inconsistent."
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from workbench.core.sun import zones
from workbench.core.sun.solve import WhenResult

CONSISTENT = "consistent"
INCONSISTENT = "inconsistent"
UNDETERMINED = "undetermined"


@dataclass(frozen=True)
class Check:
    source: str
    """"exif", "post" or "claim"."""
    label: str
    given: str
    status: str
    text: str
    instants_utc: tuple[datetime, ...] = ()

    def to_json(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "label": self.label,
            "given": self.given,
            "status": self.status,
            "text": self.text,
            "instants_utc": [i.isoformat() for i in self.instants_utc],
        }


@dataclass(frozen=True)
class Verdict:
    status: str
    text: str
    fit_text: str
    checks: tuple[Check, ...]

    def to_json(self) -> dict[str, Any]:
        return {
            "status": self.status,
            "text": self.text,
            "fit": self.fit_text,
            "checks": [c.to_json() for c in self.checks],
        }


def _candidates(result: WhenResult, t: datetime) -> tuple[list[datetime], list[str]]:
    if t.tzinfo is not None and t.utcoffset() is not None:
        return [t], []
    out: list[datetime] = []
    notes: list[str] = []
    for z in result.place_zones.zones:
        w = zones.resolve_wall_time(t, z)
        if w.note():
            notes.append(w.note())
        for i in w.instants:
            if i not in out:
                out.append(i)
    if result.place_zones.ambiguous:
        notes.append(f"read in each zone at the place ({', '.join(result.place_zones.zones)})")
    return out, notes


def _show(result: WhenResult, t: datetime) -> str:
    multi = (result.end_utc - result.start_utc) > timedelta(hours=25)
    fmt = "%Y-%m-%d %H:%M" if multi else "%H:%M"
    if t.tzinfo is None:
        return t.strftime(fmt) + " (no zone)"
    return zones.to_local(t, result.place_zones.primary).strftime(fmt)


def _in_span(result: WhenResult, t: datetime, tol: timedelta) -> bool:
    return result.start_utc - tol <= t <= result.end_utc + tol


def _check_moment(result: WhenResult, source: str, label: str, t: datetime, tol: timedelta) -> Check:
    cands, notes = _candidates(result, t)
    shown = _show(result, t)
    extra = f" ({'; '.join(notes)})" if notes else ""
    if not cands:
        return Check(
            source, label, t.isoformat(), UNDETERMINED, f"{label} says {shown}: that time never existed here{extra}"
        )
    fits = [c for c in cands if any(w.contains(c, tol.total_seconds()) for w in result.windows)]
    inside = [c for c in cands if _in_span(result, c, tol)]
    if fits:
        status = CONSISTENT
    elif inside:
        status = INCONSISTENT
    else:
        status = UNDETERMINED
        extra += " (outside the searched dates)"
    return Check(source, label, t.isoformat(), status, f"{label} says {shown}: {status}{extra}", tuple(cands))


def _check_claim_interval(result: WhenResult, label: str, start: datetime, end: datetime, tol: timedelta) -> Check:
    s_c, n1 = _candidates(result, start)
    e_c, n2 = _candidates(result, end)
    if not s_c or not e_c:
        return Check(
            "claim",
            label,
            f"{start.isoformat()}/{end.isoformat()}",
            UNDETERMINED,
            f"{label}: a bound never existed here",
        )
    s, e = min(s_c), max(e_c)
    overlap = any(w.start_utc - tol <= e and s <= w.end_utc + tol for w in result.windows)
    status = CONSISTENT if overlap else INCONSISTENT
    notes = n1 + n2
    extra = f" ({'; '.join(dict.fromkeys(notes))})" if notes else ""
    text = f"{label} says {_show(result, start)}-{_show(result, end)}: {status}{extra}"
    return Check("claim", label, f"{start.isoformat()}/{end.isoformat()}", status, text, (s, e))


def _check_post(result: WhenResult, label: str, t: datetime, tol: timedelta) -> Check:
    shown = _show(result, t) if t.tzinfo is not None else t.isoformat()
    if t.tzinfo is None:
        return Check("post", label, t.isoformat(), UNDETERMINED, f"{label} at {shown}: the post time has no zone")
    if t < result.start_utc - tol:
        return Check(
            "post",
            label,
            t.isoformat(),
            UNDETERMINED,
            f"{label} at {shown}: posted before the searched dates, which therefore cannot be the capture dates",
            (t,),
        )
    earlier = [w for w in result.windows if w.start_utc - tol <= t]
    if earlier:
        return Check(
            "post",
            label,
            t.isoformat(),
            CONSISTENT,
            f"{label} at {shown}: consistent (a fitting time comes before it)",
            (t,),
        )
    return Check(
        "post",
        label,
        t.isoformat(),
        INCONSISTENT,
        f"{label} at {shown}: inconsistent (the shadows fit only after it was posted)",
        (t,),
    )


def check_times(
    result: WhenResult,
    *,
    exif_time: datetime | None = None,
    post_times: Sequence[datetime] = (),
    claimed: datetime | tuple[datetime, datetime] | None = None,
    tolerance_s: float = 60.0,
) -> Verdict:
    """Check the EXIF capture time, post times and the claimed time against the windows of `result`.

    Naive times are wall-clock times at the place (EXIF without OffsetTimeOriginal); aware times are instants.
    """
    tol = timedelta(seconds=tolerance_s)
    zone_name = result.place_zones.primary
    fit = result.local_text(zone_name)
    fit_text = f"The shadows fit {fit} local ({zone_name})"
    if result.place_zones.ambiguous:
        others = "; ".join(f"{result.local_text(z)} in {z}" for z in result.place_zones.zones[1:])
        fit_text += f", or {others}"
    if not result.windows:
        fit_text = f"The shadows fit no time on the searched dates at this place ({zone_name})"
    checks: list[Check] = []
    if exif_time is not None:
        checks.append(_check_moment(result, "exif", "EXIF", exif_time, tol))
    if isinstance(claimed, tuple):
        checks.append(_check_claim_interval(result, "the claim", claimed[0], claimed[1], tol))
    elif claimed is not None:
        checks.append(_check_moment(result, "claim", "the claim", claimed, tol))
    for k, p in enumerate(post_times):
        checks.append(_check_post(result, f"post {k + 1}" if len(post_times) > 1 else "the post", p, tol))
    statuses = {c.status for c in checks}
    if INCONSISTENT in statuses:
        status = INCONSISTENT
    elif statuses == {CONSISTENT}:
        status = CONSISTENT
    else:
        status = UNDETERMINED
    parts = [fit_text] + [c.text for c in checks]
    text = "; ".join(parts) + "."
    if result.constraint.unconfirmed:
        text += " (Rests on assumptions not yet confirmed.)"
    return Verdict(status=status, text=text, fit_text=fit_text, checks=tuple(checks))
