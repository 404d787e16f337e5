"""From a measurement to the sun's elevation (and azimuth), with honest uncertainty.

A shadow is cast by the light as it arrives, so what a shadow measures is the sun's *apparent* elevation
(refraction included); `solve` compares it with `SunPosition.apparent_elevation`.

Measurements:
- `measure_pixels`: end points drawn on the photo (object base → top, shadow base → tip), each placed to within
  ±`error_px` (default 3 px). The elevation interval is the worst case over every placement of the three points
  within their error discs (the base is shared by the object and its shadow).
- `from_ratio`, `from_lengths`, `from_elevation`: direct inputs with their errors (defaults stated in the notes).
- `from_shadow_bearing`, `from_sun_azimuth`: the direction of the shadow (or sun) when the image's bearing is
  known from the map or a compass clue.

Several measurements are combined by `combine`: when their intervals overlap the result is their intersection,
widened to contain every measurement's own central value; when they do not overlap, the result spans them all
and says so. Disagreement widens the interval; it is never averaged away.

Each measurement lists the assumptions it rests on (`Assumption`); the analyst confirms them, and results keep
track of any that are not confirmed.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np

from workbench.core.errors import BadInput
from workbench.core.sun.ephemeris import VERSION as MODEL_VERSION

METHOD_VERSION = "shadows-1"

DEFAULT_ERROR_PX = 3.0
DEFAULT_RATIO_RELATIVE_ERROR = 0.05
DEFAULT_LENGTH_RELATIVE_ERROR = 0.02
DEFAULT_ELEVATION_ERROR = 0.5
DEFAULT_AZIMUTH_ERROR = 5.0


@dataclass(frozen=True)
class Assumption:
    """A condition the result depends on. `confirmed` is set when the analyst has checked it on the photo."""

    key: str
    text: str
    confirmed: bool = False

    def to_json(self) -> dict[str, Any]:
        return {"key": self.key, "text": self.text, "confirmed": self.confirmed}


VERTICAL_OBJECT = Assumption("vertical_object", "The object stands vertically (plumb).")
FLAT_GROUND = Assumption("flat_ground", "The ground under the shadow is flat and level (not sloped).")
SAME_PLANE = Assumption("same_plane", "The whole shadow falls on that ground plane (not on a wall, step or kerb).")
SAME_SCALE = Assumption(
    "same_scale",
    "Object and shadow are seen at the same scale: the camera looks square-on to the plane holding both, "
    "or the lengths were measured in a rectified view.",
)
TIP_MATCHES_TOP = Assumption("tip_matches_top", "The marked shadow tip is the shadow of the marked object top.")
IMAGE_BEARING = Assumption("image_bearing", "The bearing of the image (or of the shadow) is known correctly.")

PIXEL_ASSUMPTIONS = (VERTICAL_OBJECT, FLAT_GROUND, SAME_PLANE, SAME_SCALE, TIP_MATCHES_TOP)
LENGTH_ASSUMPTIONS = (VERTICAL_OBJECT, FLAT_GROUND, SAME_PLANE, TIP_MATCHES_TOP)


@dataclass(frozen=True)
class Interval:
    """A closed interval of degrees with the value it was built around."""

    low: float
    high: float
    value: float

    @property
    def width(self) -> float:
        return self.high - self.low

    def contains(self, x: float) -> bool:
        return self.low <= x <= self.high

    def to_json(self) -> dict[str, float]:
        return {"low": self.low, "high": self.high, "value": self.value}


@dataclass(frozen=True)
class Point:
    """A pixel position on the image (x to the right, y down)."""

    x: float
    y: float

    def to_json(self) -> list[float]:
        return [self.x, self.y]


@dataclass(frozen=True)
class ShadowMeasurement:
    """One measurement: what was given, what it says about the sun, and what it assumes."""

    kind: str
    """"pixels", "ratio", "lengths", "elevation", "shadow_bearing" or "sun_azimuth"."""
    inputs: dict[str, Any]
    elevation: Interval | None
    """The sun's apparent elevation, degrees."""
    azimuth: Interval | None
    """The sun's azimuth, degrees clockwise from north; `low` may exceed 360 or be negative across north."""
    assumptions: tuple[Assumption, ...] = ()
    notes: tuple[str, ...] = ()
    label: str = ""

    def confirm(self, *keys: str) -> ShadowMeasurement:
        """A copy with the named assumptions (all when none named) marked as confirmed by the analyst."""
        chosen = set(keys) or {a.key for a in self.assumptions}
        return replace(
            self,
            assumptions=tuple(replace(a, confirmed=True) if a.key in chosen else a for a in self.assumptions),
        )

    @property
    def unconfirmed(self) -> tuple[Assumption, ...]:
        return tuple(a for a in self.assumptions if not a.confirmed)

    def to_json(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "label": self.label,
            "inputs": self.inputs,
            "elevation": None if self.elevation is None else self.elevation.to_json(),
            "azimuth": None if self.azimuth is None else self.azimuth.to_json(),
            "assumptions": [a.to_json() for a in self.assumptions],
            "notes": list(self.notes),
            "method": METHOD_VERSION,
            "model": MODEL_VERSION,
        }


# -------------------------------------------------------------------------------------------- measurements


def _elevation_from_ratio_range(r_low: float, r_high: float, r: float) -> Interval:
    """Elevation interval for shadow/height ratios in [r_low, r_high] (elevation = atan(1/ratio))."""

    def elev(x: float) -> float:
        return 90.0 if x <= 0 else math.degrees(math.atan2(1.0, x))

    return Interval(low=elev(r_high), high=elev(max(r_low, 0.0)), value=elev(r))


def measure_pixels(
    base: Point | tuple[float, float],
    top: Point | tuple[float, float],
    tip: Point | tuple[float, float],
    *,
    error_px: float = DEFAULT_ERROR_PX,
    object_height_m: float | None = None,
    camera_bearing: float | None = None,
    camera_bearing_error: float = DEFAULT_AZIMUTH_ERROR,
    label: str = "",
    assumptions: Sequence[Assumption] = PIXEL_ASSUMPTIONS,
) -> ShadowMeasurement:
    """The sun's elevation from an object (base → top) and its shadow (base → tip) drawn on the image.

    Each point is placed to within `error_px` pixels; the interval is the worst case over all placements.
    `object_height_m`, when known, only adds the shadow's length in metres to the notes (the angle depends on
    the ratio alone). `camera_bearing` (the direction the camera looks, degrees from north) gives the sun's
    azimuth under the square-on view assumption: a shadow pointing right in the image points to
    camera_bearing + 90°.
    """
    b = base if isinstance(base, Point) else Point(*base)
    t = top if isinstance(top, Point) else Point(*top)
    s = tip if isinstance(tip, Point) else Point(*tip)
    if not (math.isfinite(error_px) and error_px >= 0):
        raise BadInput("The pixel error must be a number of pixels, zero or more.")
    height_px = math.hypot(t.x - b.x, t.y - b.y)
    shadow_px = math.hypot(s.x - b.x, s.y - b.y)
    if height_px <= 2 * error_px or height_px == 0:
        raise BadInput(f"The object is {height_px:.1f} px long: too short to measure with ±{error_px:g} px end points.")
    # Worst case: the base moves within its disc (sampled densely), the top and tip each move ±error along
    # the segment, which changes each length by at most ±error.
    angles = np.linspace(0.0, 2 * math.pi, 72, endpoint=False)
    radii = np.array([0.0, 0.25, 0.5, 0.75, 1.0]) * error_px
    bx = b.x + np.outer(radii, np.cos(angles)).ravel()
    by = b.y + np.outer(radii, np.sin(angles)).ravel()
    h = np.hypot(t.x - bx, t.y - by)
    sh = np.hypot(s.x - bx, s.y - by)
    h_low, h_high = np.maximum(h - error_px, 1e-9), h + error_px
    s_low, s_high = np.maximum(sh - error_px, 0.0), sh + error_px
    low = float(np.degrees(np.arctan2(h_low, s_high)).min())
    high = float(np.degrees(np.arctan2(h_high, s_low)).max())
    value = math.degrees(math.atan2(height_px, shadow_px))
    notes = [
        f"Object {height_px:.1f} px, shadow {shadow_px:.1f} px (ratio {shadow_px / height_px:.4f}); "
        f"each end point ±{error_px:g} px."
    ]
    inputs: dict[str, Any] = {
        "base": b.to_json(),
        "top": t.to_json(),
        "tip": s.to_json(),
        "error_px": error_px,
    }
    if object_height_m is not None:
        if not object_height_m > 0:
            raise BadInput("The object's height must be more than 0 m.")
        inputs["object_height_m"] = object_height_m
        notes.append(
            f"With the object {object_height_m:g} m tall the shadow is {object_height_m * shadow_px / height_px:.2f} m "
            "long; the angle depends only on the ratio."
        )
    azimuth = None
    used = list(assumptions)
    if camera_bearing is not None:
        inputs["camera_bearing"] = camera_bearing
        inputs["camera_bearing_error"] = camera_bearing_error
        direction = 90.0 if s.x >= b.x else -90.0
        shadow_bearing = camera_bearing + direction
        sun = (shadow_bearing + 180.0) % 360.0
        # Pointing error of the shadow segment in the image, from the end point error.
        pointing = math.degrees(math.atan2(2 * error_px, max(shadow_px, 1e-9)))
        spread = camera_bearing_error + pointing
        azimuth = Interval(sun - spread, sun + spread, sun)
        used.append(IMAGE_BEARING)
        notes.append(f"Shadow points {'right' if direction > 0 else 'left'}: bearing {shadow_bearing % 360:.1f}°.")
    return ShadowMeasurement(
        kind="pixels",
        inputs=inputs,
        elevation=Interval(low, high, value),
        azimuth=azimuth,
        assumptions=tuple(used),
        notes=tuple(notes),
        label=label,
    )


def from_ratio(
    ratio: float,
    error: float | None = None,
    *,
    label: str = "",
    assumptions: Sequence[Assumption] = LENGTH_ASSUMPTIONS,
) -> ShadowMeasurement:
    """The sun's elevation from shadow length / object height, with an absolute error on the ratio."""
    if not (math.isfinite(ratio) and ratio > 0):
        raise BadInput("The shadow/height ratio must be a number above 0.")
    notes = []
    if error is None:
        error = DEFAULT_RATIO_RELATIVE_ERROR * ratio
        notes.append(f"No error given for the ratio: ±{DEFAULT_RATIO_RELATIVE_ERROR:.0%} assumed (±{error:.4g}).")
    if not (math.isfinite(error) and error >= 0):
        raise BadInput("The ratio error must be zero or more.")
    return ShadowMeasurement(
        kind="ratio",
        inputs={"ratio": ratio, "ratio_error": error},
        elevation=_elevation_from_ratio_range(ratio - error, ratio + error, ratio),
        azimuth=None,
        assumptions=tuple(assumptions),
        notes=tuple(notes),
        label=label,
    )


def from_lengths(
    height_m: float,
    shadow_m: float,
    height_error_m: float | None = None,
    shadow_error_m: float | None = None,
    *,
    label: str = "",
    assumptions: Sequence[Assumption] = LENGTH_ASSUMPTIONS,
) -> ShadowMeasurement:
    """The sun's elevation from an object's height and its shadow's length in metres."""
    if not (math.isfinite(height_m) and height_m > 0 and math.isfinite(shadow_m) and shadow_m > 0):
        raise BadInput("Height and shadow length must be more than 0 m.")
    notes = []
    if height_error_m is None:
        height_error_m = DEFAULT_LENGTH_RELATIVE_ERROR * height_m
        notes.append(f"No error given for the height: ±{DEFAULT_LENGTH_RELATIVE_ERROR:.0%} assumed.")
    if shadow_error_m is None:
        shadow_error_m = DEFAULT_LENGTH_RELATIVE_ERROR * shadow_m
        notes.append(f"No error given for the shadow: ±{DEFAULT_LENGTH_RELATIVE_ERROR:.0%} assumed.")
    if height_error_m < 0 or shadow_error_m < 0 or height_error_m >= height_m:
        raise BadInput("Length errors must be zero or more, and smaller than the height.")
    r = shadow_m / height_m
    r_low = (shadow_m - shadow_error_m) / (height_m + height_error_m)
    r_high = (shadow_m + shadow_error_m) / (height_m - height_error_m)
    return ShadowMeasurement(
        kind="lengths",
        inputs={
            "height_m": height_m,
            "shadow_m": shadow_m,
            "height_error_m": height_error_m,
            "shadow_error_m": shadow_error_m,
        },
        elevation=_elevation_from_ratio_range(r_low, r_high, r),
        azimuth=None,
        assumptions=tuple(assumptions),
        notes=tuple(notes),
        label=label,
    )


def from_elevation(elevation: float, error: float | None = None, *, label: str = "") -> ShadowMeasurement:
    """A sun elevation angle measured some other way (degrees, apparent), with its error."""
    if not (math.isfinite(elevation) and -5.0 <= elevation <= 90.0):
        raise BadInput("The sun's elevation must be between -5 and 90 degrees.")
    notes = []
    if error is None:
        error = DEFAULT_ELEVATION_ERROR
        notes.append(f"No error given for the elevation: ±{error:g}° assumed.")
    if not (math.isfinite(error) and error >= 0):
        raise BadInput("The elevation error must be zero or more degrees.")
    return ShadowMeasurement(
        kind="elevation",
        inputs={"elevation": elevation, "elevation_error": error},
        elevation=Interval(elevation - error, min(elevation + error, 90.0), elevation),
        azimuth=None,
        notes=tuple(notes),
        label=label,
    )


def from_sun_azimuth(azimuth: float, error: float | None = None, *, label: str = "") -> ShadowMeasurement:
    """The sun's azimuth (degrees clockwise from north) with its error."""
    notes = []
    if error is None:
        error = DEFAULT_AZIMUTH_ERROR
        notes.append(f"No error given for the azimuth: ±{error:g}° assumed.")
    if not (math.isfinite(azimuth) and math.isfinite(error) and 0 <= error < 180):
        raise BadInput("The azimuth must be a number of degrees and its error between 0 and 180.")
    a = azimuth % 360.0
    return ShadowMeasurement(
        kind="sun_azimuth",
        inputs={"azimuth": azimuth, "azimuth_error": error},
        elevation=None,
        azimuth=Interval(a - error, a + error, a),
        assumptions=(IMAGE_BEARING,),
        notes=tuple(notes),
        label=label,
    )


def from_shadow_bearing(bearing: float, error: float | None = None, *, label: str = "") -> ShadowMeasurement:
    """The direction a shadow points (base → tip, degrees from north): the sun is opposite."""
    m = from_sun_azimuth((bearing + 180.0) % 360.0, error, label=label)
    return replace(
        m, kind="shadow_bearing", inputs={"shadow_bearing": bearing, "azimuth_error": m.inputs["azimuth_error"]}
    )


# ---------------------------------------------------------------------------------------------- combining


@dataclass(frozen=True)
class SunConstraint:
    """What all the measurements together say about the sun: the intervals `solve` searches for."""

    elevation: Interval | None
    azimuth: Interval | None
    measurements: tuple[ShadowMeasurement, ...] = ()
    disagreement: tuple[str, ...] = ()
    """Plain statements of measurements that disagree beyond their stated precision."""
    notes: tuple[str, ...] = field(default=())

    @property
    def assumptions(self) -> tuple[Assumption, ...]:
        seen: dict[str, Assumption] = {}
        for m in self.measurements:
            for a in m.assumptions:
                if a.key not in seen or not a.confirmed:
                    seen[a.key] = a
        return tuple(seen.values())

    @property
    def unconfirmed(self) -> tuple[Assumption, ...]:
        return tuple(a for a in self.assumptions if not a.confirmed)

    def describe(self) -> str:
        parts = []
        if self.elevation is not None:
            parts.append(f"sun elevation {self.elevation.low:.2f}°-{self.elevation.high:.2f}°")
        if self.azimuth is not None:
            parts.append(f"azimuth {self.azimuth.low % 360:.1f}°-{self.azimuth.high % 360:.1f}°")
        return ", ".join(parts) or "no constraint"

    def to_json(self) -> dict[str, Any]:
        return {
            "elevation": None if self.elevation is None else self.elevation.to_json(),
            "azimuth": None if self.azimuth is None else self.azimuth.to_json(),
            "measurements": [m.to_json() for m in self.measurements],
            "disagreement": list(self.disagreement),
            "assumptions": [a.to_json() for a in self.assumptions],
            "notes": list(self.notes),
        }


def _combine_intervals(items: list[tuple[str, Interval]], what: str) -> tuple[Interval, list[str]]:
    lows = [i.low for _, i in items]
    highs = [i.high for _, i in items]
    values = [i.value for _, i in items]
    if len(items) == 1:
        return items[0][1], []
    low, high = max(lows), min(highs)
    if low <= high:
        low, high = min(low, min(values)), max(high, max(values))
        messages = []
        if high - low > min(highs[k] - lows[k] for k in range(len(items))) + 1e-9:
            messages.append(
                f"The {what} measurements overlap but their central values spread over "
                f"{max(values) - min(values):.2f}°: the interval was widened to contain them all."
            )
        value = 0.5 * (low + high)
        return Interval(low, high, value), messages
    names = ", ".join(f"{name or f'#{k + 1}'} {i.low:.2f}°-{i.high:.2f}°" for k, (name, i) in enumerate(items))
    return Interval(min(lows), max(highs), 0.5 * (min(lows) + max(highs))), [
        f"The {what} measurements disagree beyond their stated precision ({names}): the interval spans them all."
    ]


def combine(measurements: Iterable[ShadowMeasurement]) -> SunConstraint:
    """Combine measurements of one image (same instant) into one constraint on the sun."""
    ms = tuple(measurements)
    if not ms:
        raise BadInput("Give at least one measurement of the sun (a shadow, a ratio, an angle or a direction).")
    disagreement: list[str] = []
    elevation = None
    elev_items = [(m.label, m.elevation) for m in ms if m.elevation is not None]
    if elev_items:
        elevation, msgs = _combine_intervals(elev_items, "elevation")
        disagreement += msgs
    azimuth = None
    az_items = [(m.label, m.azimuth) for m in ms if m.azimuth is not None]
    if az_items:
        ref = az_items[0][1].value
        unwrapped = []
        for name, i in az_items:
            shift = round((i.value - ref) / 360.0) * 360.0
            unwrapped.append((name, Interval(i.low - shift, i.high - shift, i.value - shift)))
        azimuth, msgs = _combine_intervals(unwrapped, "azimuth")
        disagreement += msgs
    return SunConstraint(elevation=elevation, azimuth=azimuth, measurements=ms, disagreement=tuple(disagreement))


def constraint(
    *,
    elevation: float | None = None,
    elevation_error: float | None = None,
    ratio: float | None = None,
    ratio_error: float | None = None,
    height_m: float | None = None,
    shadow_m: float | None = None,
    height_error_m: float | None = None,
    shadow_error_m: float | None = None,
    azimuth: float | None = None,
    azimuth_error: float | None = None,
) -> SunConstraint:
    """Build a constraint from direct inputs (what the command line takes)."""
    ms: list[ShadowMeasurement] = []
    given = sum(x is not None for x in (elevation, ratio)) + (height_m is not None or shadow_m is not None)
    if given > 1:
        raise BadInput("Give one of: an elevation, a ratio, or a height and a shadow length.")
    if (height_m is None) != (shadow_m is None):
        raise BadInput("Give both the object's height and its shadow's length.")
    if elevation is not None:
        ms.append(from_elevation(elevation, elevation_error))
    elif ratio is not None:
        ms.append(from_ratio(ratio, ratio_error))
    elif height_m is not None and shadow_m is not None:
        m = from_lengths(height_m, shadow_m, height_error_m, shadow_error_m)
        if ratio_error is not None:
            m = replace(from_ratio(shadow_m / height_m, ratio_error), kind="lengths")
        ms.append(m)
    if azimuth is not None:
        ms.append(from_sun_azimuth(azimuth, azimuth_error))
    if not ms:
        raise BadInput("Give a measurement: --ratio, --height and --shadow, --elevation, or --azimuth.")
    return combine(ms)
