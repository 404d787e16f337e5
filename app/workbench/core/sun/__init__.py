"""The sun: where it was, what a shadow says about it, and when/where a measurement fits.

- `ephemeris`: NREL SPA in numpy (geocentric once per instant, local geometry per place); `sun_position`.
- `shadows`: measurements (pixels with ±px, ratio, lengths, angle, direction) → intervals, `combine`, assumptions.
- `solve`: `solve_when` / `solve_when_dates` (UTC windows at a place), `solve_where` / `solve_where_local`
  (bands on a grid, GeoJSON/PNG export).
- `consistency`: the verdict against EXIF, post and claimed times.
- `zones`: offline time zones (tzfpy + zoneinfo) with ambiguities, zone grids for local-time mode.
- `scene`: synthetic pole-and-shadow JPEGs with EXIF, truth known (tests and the demo incident).
- `records`: results as rows for the incident's shadow_measurement, time_window and location_hypothesis tables.

Nothing here imports Qt, and pvlib is only the tests' oracle.
"""
