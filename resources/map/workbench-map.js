/* The workbench map page: draws the layers from window.WB_DATA, talks to the app through one QWebChannel object.
 * Evidence text is only ever set with textContent (never innerHTML); attributions are escaped. */
(function () {
  'use strict';
  var WB = (window.WB = { ready: false, bridge: null, mode: 'pan', layers: {}, markers: {}, selected: null });
  var R = 6371008.8;

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined && text !== null) e.textContent = String(text);
    return e;
  }
  function esc(s) {
    return String(s == null ? '' : s).replace(/[&<>"']/g, function (c) {
      return { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }[c];
    });
  }
  function rad(d) { return (d * Math.PI) / 180; }
  function deg(r) { return (r * 180) / Math.PI; }
  function dest(lat, lon, brg, dist) {
    var d = dist / R, t = rad(brg), p1 = rad(lat), l1 = rad(lon);
    var p2 = Math.asin(Math.sin(p1) * Math.cos(d) + Math.cos(p1) * Math.sin(d) * Math.cos(t));
    var l2 = l1 + Math.atan2(Math.sin(t) * Math.sin(d) * Math.cos(p1), Math.cos(d) - Math.sin(p1) * Math.sin(p2));
    return [deg(p2), ((deg(l2) + 540) % 360) - 180];
  }
  function haversine(a, b) {
    var dp = rad(b.lat - a.lat), dl = rad(b.lng - a.lng);
    var h = Math.sin(dp / 2) * Math.sin(dp / 2) + Math.cos(rad(a.lat)) * Math.cos(rad(b.lat)) * Math.sin(dl / 2) * Math.sin(dl / 2);
    return 2 * R * Math.asin(Math.min(1, Math.sqrt(h)));
  }
  function bearing(a, b) {
    var p1 = rad(a.lat), p2 = rad(b.lat), dl = rad(b.lng - a.lng);
    var y = Math.sin(dl) * Math.cos(p2), x = Math.cos(p1) * Math.sin(p2) - Math.sin(p1) * Math.cos(p2) * Math.cos(dl);
    return (deg(Math.atan2(y, x)) + 360) % 360;
  }
  function fmtDist(m) { return m >= 1000 ? (m / 1000).toFixed(m >= 100000 ? 0 : 2) + ' km' : m.toFixed(0) + ' m'; }
  function tip(lines) {
    return function () {
      var box = el('div', 'wb-tip');
      lines.forEach(function (line, i) { if (line) box.appendChild(el(i === 0 ? 'b' : 'div', null, line)); });
      return box;
    };
  }
  function call(name) {
    var args = Array.prototype.slice.call(arguments, 1);
    if (WB.bridge && typeof WB.bridge[name] === 'function') WB.bridge[name].apply(WB.bridge, args);
  }

  var STATUS_COLOURS = { open: '#1f78b4', supported: '#33a02c', refuted: '#888888', confirmed: '#006d2c' };

  function drawPoints(map, data) {
    var kinds = {};
    var cones = L.featureGroup();
    var coneSpecs = [];
    var renderer = L.canvas({ padding: 0.3 });
    data.points.forEach(function (p) {
      if (!kinds[p.kind]) kinds[p.kind] = L.markerClusterGroup({ chunkedLoading: true, maxClusterRadius: 45, disableClusteringAtZoom: 17 });
      var icon = L.divIcon({ className: 'wb-pt wb-pt-' + p.kind, iconSize: [12, 12] });
      var m = L.marker([p.lat, p.lon], { icon: icon, keyboard: false });
      var lines = [p.label || p.id, p.lat.toFixed(6) + ', ' + p.lon.toFixed(6)];
      if (p.direction !== null && p.direction !== undefined) lines.push('direction ' + Number(p.direction).toFixed(1) + '°');
      if (p.note) lines.push(p.note);
      m.bindTooltip(tip(lines), { direction: 'top', offset: [0, -6] });
      m.on('click', function () { WB.select(p.id, false); call('selectMarker', p.id); });
      m.wbId = p.id;
      WB.markers[p.id] = m;
      kinds[p.kind].addLayer(m);
      if (p.direction !== null && p.direction !== undefined) coneSpecs.push(p);
    });
    // Cones keep a fixed size on screen (~50 px): redrawn on zoom, clipped to the view for speed.
    function drawCones() {
      cones.clearLayers();
      var size = 50 * (40075016.686 * Math.cos(rad(map.getCenter().lat))) / Math.pow(2, map.getZoom() + 8);
      var view = map.getBounds().pad(0.2), drawn = 0;
      for (var j = 0; j < coneSpecs.length && drawn < 3000; j++) {
        var p = coneSpecs[j];
        if (!view.contains([p.lat, p.lon])) continue;
        var pts = [[p.lat, p.lon]], fov = p.fov || 60;
        for (var i = 0; i <= 8; i++) pts.push(dest(p.lat, p.lon, p.direction - fov / 2 + (fov * i) / 8, size));
        L.polygon(pts, { renderer: renderer, color: '#d7301f', weight: 1, fillOpacity: 0.15, interactive: false }).addTo(cones);
        drawn++;
      }
    }
    map.on('zoomend moveend', function () { if (map.hasLayer(cones)) drawCones(); });
    drawCones();
    var titles = WB.options.layer_titles;
    Object.keys(kinds).forEach(function (k) { kinds[k].addTo(map); WB.control.addOverlay(kinds[k], esc(titles[k] || k)); });
    if (cones.getLayers().length) { cones.addTo(map); WB.control.addOverlay(cones, 'Camera directions (GPSImgDirection)'); }
    WB.layers.points = kinds;
    WB.layers.cones = cones;
  }

  function drawHypotheses(map, list) {
    var group = WB.layers.hypotheses;
    if (!group) {
      group = WB.layers.hypotheses = L.featureGroup().addTo(map);
      WB.control.addOverlay(group, esc(WB.options.layer_titles.hypotheses));
    }
    group.clearLayers();
    WB.hypotheses = {};
    list.forEach(function (h) {
      var colour = STATUS_COLOURS[h.status] || '#1f78b4';
      var circle = L.circle([h.lat, h.lon], {
        radius: h.radius_m, color: colour, weight: 2, fillOpacity: 0.12, dashArray: h.status === 'refuted' ? '6 4' : null, interactive: false,
      });
      var icon = L.divIcon({ className: 'wb-hyp wb-hyp-' + h.status, iconSize: [16, 16] });
      var m = L.marker([h.lat, h.lon], { icon: icon, draggable: !!WB.options.interactive, keyboard: false });
      m.bindTooltip(tip([h.label || 'Hypothesis', h.status + ', confidence ' + Math.round(h.confidence * 100) + '%',
        'radius ' + fmtDist(h.radius_m), h.note]), { direction: 'top', offset: [0, -8] });
      m.on('drag', function (e) { circle.setLatLng(e.target.getLatLng()); });
      m.on('dragend', function (e) { var ll = e.target.getLatLng(); call('moveHypothesis', h.id, ll.lat, ll.lng); });
      m.on('click', function () { WB.select(h.id, false); call('selectMarker', h.id); });
      m.wbId = h.id;
      group.addLayer(circle);
      group.addLayer(m);
      WB.markers[h.id] = m;
      WB.hypotheses[h.id] = { marker: m, circle: circle };
    });
  }

  function drawBands(map, bands) {
    var group = WB.layers.bands;
    if (!group) {
      group = WB.layers.bands = L.featureGroup().addTo(map);
      WB.control.addOverlay(group, esc(WB.options.layer_titles.bands));
    }
    group.clearLayers();
    bands.forEach(function (b) {
      var layer = L.geoJSON(b.geojson, {
        style: { color: '#e6550d', weight: 1, fillColor: '#fd8d3c', fillOpacity: 0.25 }, renderer: WB.bandRenderer,
      });
      layer.bindTooltip(tip([b.label || 'Shadow band']), { sticky: true });
      group.addLayer(layer);
    });
  }

  WB.setBands = function (bands) { drawBands(WB.map, bands); return bands.length; };

  function drawSunLines(map, data) {
    if (!data.sun_lines.length) return;
    var group = L.featureGroup();
    data.sun_lines.forEach(function (s) {
      var sun = dest(s.lat, s.lon, s.azimuth, s.length_m);
      var shadow = dest(s.lat, s.lon, s.azimuth + 180, s.length_m);
      var lines = [s.label || 'Sun direction', s.instant, 'sun azimuth ' + Number(s.azimuth).toFixed(2) + '°'];
      if (s.elevation !== null && s.elevation !== undefined) {
        var e = Number(s.elevation);
        lines.push('sun elevation ' + e.toFixed(2) + '°' + (e > 0.5 ? ', shadow = ' + (1 / Math.tan(rad(e))).toFixed(2) + ' × height' : ', sun below or at the horizon'));
      }
      L.polyline([[s.lat, s.lon], sun], { color: '#f0b000', weight: 3 }).bindTooltip(tip(lines)).addTo(group);
      L.polyline([[s.lat, s.lon], shadow], { color: '#444', weight: 2, dashArray: '5 5' })
        .bindTooltip(tip(['Shadow direction'].concat(lines.slice(1)))).addTo(group);
    });
    group.addTo(map);
    WB.control.addOverlay(group, esc(WB.options.layer_titles.sunlines));
    WB.layers.sunlines = group;
  }

  function drawPlaces(map) {
    if (!WB.options.show_places || !window.WB_PLACES) return;
    var renderer = L.canvas({ padding: 0.2 });
    var dots = L.layerGroup();
    var labels = L.layerGroup();
    var places = window.WB_PLACES;
    function refresh() {
      dots.clearLayers();
      labels.clearLayers();
      var z = map.getZoom(), b = map.getBounds().pad(0.1);
      var minPop = z <= 2 ? 5e6 : z <= 3 ? 2e6 : z <= 4 ? 1e6 : z <= 5 ? 4e5 : z <= 6 ? 2e5 : 1e5;
      var shown = 0, taken = [];
      for (var i = 0; i < places.length && shown < 400; i++) {
        var p = places[i];
        if (p[3] < minPop) break;
        if (!b.contains([p[1], p[2]])) continue;
        shown++;
        L.circleMarker([p[1], p[2]], { renderer: renderer, radius: 2.5, color: '#333', weight: 1, fillColor: '#fff', fillOpacity: 1, interactive: false }).addTo(dots);
        var pt = map.latLngToContainerPoint([p[1], p[2]]);
        var free = taken.every(function (q) { return Math.abs(q.x - pt.x) > 90 || Math.abs(q.y - pt.y) > 16; });
        if (free && taken.length < 80) {
          taken.push(pt);
          L.tooltip({ permanent: true, direction: 'right', className: 'wb-place-label', offset: [4, 0], interactive: false })
            .setLatLng([p[1], p[2]]).setContent(el('span', null, p[0])).addTo(labels);
        }
      }
    }
    var group = L.layerGroup([dots, labels]).addTo(map);
    map.on('moveend zoomend', function () { if (map.hasLayer(group)) refresh(); });
    map.on('overlayadd', function (e) { if (e.layer === group) refresh(); });
    refresh();
    WB.control.addOverlay(group, esc(WB.options.places_label));
    WB.layers.places = group;
  }

  function addControls(map) {
    var Coords = L.Control.extend({
      options: { position: 'bottomleft' },
      onAdd: function () { var d = el('div', 'wb-coords', '—'); WB.coordsBox = d; return d; },
    });
    new Coords().addTo(map);
    map.on('mousemove', function (e) {
      WB.coordsBox.textContent = e.latlng.lat.toFixed(5) + ', ' + e.latlng.lng.toFixed(5);
    });
    var Modes = L.Control.extend({
      options: { position: 'topright' },
      onAdd: function () {
        var box = el('div', 'leaflet-bar wb-modes');
        var modes = [['pan', 'Pan'], ['measure', 'Measure']];
        if (WB.options.interactive) modes.push(['inspect', "What's here?"]);
        if (WB.options.interactive) modes.push(['hypothesis', 'Add hypothesis']);
        WB.modeButtons = {};
        modes.forEach(function (m) {
          var a = el('a', m[0] === WB.mode ? 'wb-active' : '', m[1]);
          a.setAttribute('role', 'button');
          a.title = m[1];
          L.DomEvent.on(a, 'click', function (ev) { L.DomEvent.stop(ev); WB.setMode(m[0]); });
          WB.modeButtons[m[0]] = a;
          box.appendChild(a);
        });
        L.DomEvent.disableClickPropagation(box);
        return box;
      },
    });
    new Modes().addTo(map);
  }

  WB.setMode = function (mode) {
    WB.mode = mode;
    WB.measureStart = null;
    Object.keys(WB.modeButtons || {}).forEach(function (k) { WB.modeButtons[k].className = k === mode ? 'wb-active' : ''; });
    WB.map.getContainer().style.cursor = mode === 'pan' ? '' : 'crosshair';
    call('reportMode', mode);
    return mode;
  };

  WB.showMeasurement = function (a, b, distance, brg) {
    var group = WB.layers.measure;
    group.clearLayers();
    var line = L.polyline([a, b], { color: '#000', weight: 2, dashArray: '4 4' }).addTo(group);
    L.circleMarker(a, { radius: 4, color: '#000' }).addTo(group);
    L.circleMarker(b, { radius: 4, color: '#000' }).addTo(group);
    var text = fmtDist(distance) + ', bearing ' + brg.toFixed(1) + '°';
    line.bindTooltip(el('span', 'wb-measure-label', text), { permanent: true, direction: 'center' }).openTooltip();
    WB.lastMeasurement = { from: [a.lat, a.lng], to: [b.lat, b.lng], distance_m: distance, bearing: brg, text: text };
  };

  WB.showInfo = function (lat, lon, lines) {
    var group = WB.layers.info;
    group.clearLayers();
    var box = el('div', 'wb-tip');
    lines.forEach(function (line, i) { box.appendChild(el(i === 0 ? 'b' : 'div', null, line)); });
    L.popup({ maxWidth: 360 }).setLatLng([lat, lon]).setContent(box).openOn(WB.map);
    L.circleMarker([lat, lon], { radius: 4, color: '#000', weight: 2 }).addTo(group);
    WB.lastInfo = lines;
    return true;
  };

  function onClick(e) {
    if (WB.mode === 'inspect') {
      call('whatsHere', e.latlng.lat, e.latlng.lng);
    } else if (WB.mode === 'hypothesis') {
      call('addHypothesis', e.latlng.lat, e.latlng.lng);
    } else if (WB.mode === 'measure') {
      if (!WB.measureStart) {
        WB.measureStart = e.latlng;
        WB.layers.measure.clearLayers();
        L.circleMarker(e.latlng, { radius: 4, color: '#000' }).addTo(WB.layers.measure);
      } else {
        var a = WB.measureStart, b = e.latlng;
        WB.measureStart = null;
        WB.showMeasurement(a, b, haversine(a, b), bearing(a, b));
        if (WB.bridge && WB.bridge.measure) {
          WB.bridge.measure(a.lat, a.lng, b.lat, b.lng, function (json) {
            var m = JSON.parse(json);
            if (m && m.distance_m !== undefined) WB.showMeasurement(a, b, m.distance_m, m.bearing);
          });
        }
      }
    }
  }

  WB.select = function (id, pan) {
    if (WB.selected && WB.markers[WB.selected] && WB.markers[WB.selected]._icon) {
      L.DomUtil.removeClass(WB.markers[WB.selected]._icon, 'wb-selected');
    }
    WB.selected = id;
    var m = WB.markers[id];
    if (!m) return false;
    function mark() { if (m._icon) L.DomUtil.addClass(m._icon, 'wb-selected'); }
    var parent = null;
    Object.keys(WB.layers.points || {}).forEach(function (k) { if (WB.layers.points[k].hasLayer(m)) parent = WB.layers.points[k]; });
    if (pan && parent) parent.zoomToShowLayer(m, mark);
    else { if (pan) WB.map.panTo(m.getLatLng()); mark(); }
    m.once('add', mark);
    return true;
  };

  WB.showPlace = function (lat, lon, label) {
    var group = WB.layers.found;
    group.clearLayers();
    var m = L.circleMarker([lat, lon], { radius: 7, color: '#000', weight: 2, fillColor: '#ffd400', fillOpacity: 0.9 });
    m.bindTooltip(el('span', null, label), { permanent: true, direction: 'right', offset: [8, 0] });
    group.addLayer(m);
    WB.map.setView([lat, lon], Math.max(WB.map.getZoom(), 11));
    return true;
  };

  WB.setHypotheses = function (list) { drawHypotheses(WB.map, list); return list.length; };

  WB.stats = function () {
    var n = 0;
    Object.keys(WB.layers.points || {}).forEach(function (k) { n += WB.layers.points[k].getLayers().length; });
    return JSON.stringify({
      ready: WB.ready, points: n, hypotheses: Object.keys(WB.hypotheses || {}).length,
      world: WB.layers.world ? WB.layers.world.getLayers().length : 0, zoom: WB.map.getZoom(), mode: WB.mode,
      selected: WB.selected, bridge: !!WB.bridge,
    });
  };

  WB.init = function (map) {
    var data = window.WB_DATA, opts = (WB.options = window.WB_OPTIONS);
    WB.map = map;
    map.options.maxZoom = 19;
    map.options.minZoom = 1;
    map.attributionControl.setPrefix('Leaflet');
    var world = L.geoJSON(window.WB_WORLD, {
      style: { color: '#8a8f99', weight: 0.7, fillColor: '#f4f1ea', fillOpacity: 1 },
      renderer: L.canvas({ padding: 0.3 }), interactive: false, attribution: esc(opts.world_attribution),
    }).addTo(map);
    WB.layers.world = world;
    var bases = {};
    bases[esc(opts.world_label)] = world;
    var overlays = {};
    opts.tiles.forEach(function (t) {
      var layer = L.tileLayer('tiles/' + encodeURIComponent(t.id) + '/{z}/{x}/{y}', {
        minZoom: t.min_zoom, maxZoom: t.max_zoom, maxNativeZoom: t.max_native_zoom, attribution: esc(t.attribution),
        opacity: t.overlay ? 0.85 : 1, zIndex: t.overlay ? 10 : 1,
      });
      if (t.overlay) { overlays[esc(t.title)] = layer; layer.addTo(map); }
      else bases[esc(t.title)] = layer;
      WB.layers['tiles:' + t.id] = layer;
    });
    WB.control = L.control.layers(bases, overlays, { collapsed: true }).addTo(map);
    WB.layers.measure = L.featureGroup().addTo(map);
    WB.layers.found = L.featureGroup().addTo(map);
    WB.layers.info = L.featureGroup().addTo(map);
    drawPlaces(map);
    WB.bandRenderer = L.canvas({ padding: 0.3 });
    drawBands(map, data.bands);
    drawSunLines(map, data);
    drawPoints(map, data);
    drawHypotheses(map, data.hypotheses);
    addControls(map);
    map.on('click', onClick);
    map.on('moveend', function () {
      var c = map.getCenter();
      call('reportView', c.lat, c.lng, map.getZoom());
    });
    // Raster basemaps carry their own place names: the bundled labels would only repeat them.
    map.on('baselayerchange', function (e) {
      if (!WB.layers.places) return;
      if (e.layer === world) WB.layers.places.addTo(map);
      else map.removeLayer(WB.layers.places);
    });
    if (opts.center) {
      map.setView(opts.center, opts.zoom === null || opts.zoom === undefined ? 12 : opts.zoom);
    } else if (data.bounds) {
      var b = data.bounds;
      if (b[0] === b[2] && b[1] === b[3]) map.setView([b[0], b[1]], 14);
      else map.fitBounds([[b[0], b[1]], [b[2], b[3]]], { padding: [30, 30], maxZoom: 16 });
    }
    function done() { WB.ready = true; document.title = document.title; call('ready'); }
    if (opts.interactive && window.QWebChannel && window.qt && window.qt.webChannelTransport) {
      new QWebChannel(window.qt.webChannelTransport, function (channel) {
        WB.bridge = channel.objects.bridge;
        done();
      });
    } else {
      done();
    }
  };
})();
