/* siteplan map page: every layer is built from the JSON data island
 * (the JSON element #siteplan-data). User text (names, ids,
 * classes, layer names, legend entries) only ever reaches the page as DOM text
 * nodes (textContent) or, where Leaflet insists on HTML (layer-control names,
 * attribution), HTML-escaped first. No template engine or eval sees it. */
(function () {
  'use strict';
  var D = JSON.parse(document.getElementById('siteplan-data').textContent);
  var ESC = {'&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;'};
  function esc(s) { return String(s).replace(/[&<>"']/g, function (c) { return ESC[c]; }); }
  function el(tag, text, cls) {
    var e = document.createElement(tag);
    if (text !== undefined && text !== null) { e.textContent = String(text); }
    if (cls) { e.className = cls; }
    return e;
  }
  function table(fields, row) {
    var t = el('table', null, 'siteplan-popup');
    row.forEach(function (value, k) {
      var tr = t.insertRow();
      tr.appendChild(el('th', fields[k]));
      tr.insertCell().textContent = value === null ? '' : String(value);
    });
    return t;
  }
  var map = L.map('siteplan-map', {preferCanvas: true});
  map.fitBounds(D.bounds);
  map.attributionControl.setPrefix('Leaflet');
  if (D.tiles) {
    L.tileLayer(D.tiles.url, {attribution: esc(D.tiles.attribution || ''),
                              subdomains: D.tiles.subdomains || 'abc',
                              maxZoom: D.tiles.max_zoom || 19}).addTo(map);
  }
  L.control.scale({metric: true, imperial: false}).addTo(map);
  var renderer = L.canvas({padding: 0.5});
  var layers = {};

  function bindText(group, spec) {
    if (spec.rows && spec.rows.length) {
      group.bindPopup(function (layer) { return table(spec.fields, spec.rows[layer.siteplanIndex]); },
                      {minWidth: 220, maxWidth: 360});
    }
    if (spec.tooltips && spec.tooltips.length) {
      group.bindTooltip(function (layer) { return el('span', spec.tooltips[layer.siteplanIndex]); },
                        {sticky: spec.type === 'areas'});
    }
  }

  function points(spec) {
    var group = L.featureGroup();
    spec.points.forEach(function (p, i) {
      var opts = Object.assign({renderer: renderer, interactive: spec.interactive},
                               spec.styles[p[2]]);
      var layer = p[3] === null ? L.circleMarker([p[0], p[1]], opts)
                                : L.circle([p[0], p[1]], Object.assign(opts, {radius: p[3]}));
      layer.siteplanIndex = i;
      group.addLayer(layer);
    });
    bindText(group, spec);
    return group;
  }

  function areas(spec) {
    var group = L.featureGroup();
    spec.geometries.forEach(function (geometry, i) {
      // the parts go straight into the group (Leaflet's group tooltips need
      // leaf layers)
      L.geoJSON(geometry, {style: spec.styles[spec.style[i]], interactive: spec.interactive})
        .eachLayer(function (part) { part.siteplanIndex = i; group.addLayer(part); });
    });
    bindText(group, spec);
    // labels live in their own group that follows the area layer on and off
    var labels = L.layerGroup();
    (spec.labels || []).forEach(function (label) {
      if (label[2] === null || label[2] === '') { return; }
      labels.addLayer(L.tooltip({permanent: true, direction: 'center', interactive: false,
                                 className: 'siteplan-label'})
        .setLatLng([label[0], label[1]]).setContent(el('span', label[2])));
    });
    group.on('add', function () { map.addLayer(labels); declutter(); });
    group.on('remove', function () { map.removeLayer(labels); declutter(); });
    allLabels.push(labels);
    return group;
  }

  // labels that would overlap on screen are moved down, one below the other
  var allLabels = [];
  function overlaps(a, b) {
    return a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom;
  }
  function declutter() {
    var placed = [];
    allLabels.forEach(function (group) {
      if (!map.hasLayer(group)) { return; }
      group.eachLayer(function (tip) {
        var box = tip.getElement && tip.getElement();
        if (!box) { return; }
        box.style.marginTop = '0px';
        var shift = 0;
        var rect = box.getBoundingClientRect();
        for (var n = 0; n < 50; n++) {
          var hit = null;
          for (var k = 0; k < placed.length; k++) {
            if (overlaps(rect, placed[k])) { hit = placed[k]; break; }
          }
          if (!hit) { break; }
          shift += hit.bottom - rect.top + 1;
          box.style.marginTop = shift + 'px';
          rect = box.getBoundingClientRect();
        }
        placed.push(rect);
      });
    });
  }
  map.on('zoomend', declutter);

  var overlays = {};
  D.layers.forEach(function (spec) {
    var layer = spec.type === 'points' ? points(spec) : areas(spec);
    layers[spec.id] = layer;
    if (spec.show) { layer.addTo(map); }
    overlays[esc(spec.name)] = layer;
  });
  L.control.layers(null, overlays, {collapsed: D.layers.length > 12}).addTo(map);

  if (D.title) {
    var title = L.control({position: 'topleft'});
    title.onAdd = function () { return el('div', D.title, 'siteplan-title'); };
    title.addTo(map);
  }

  var legendBox = null;
  function setLegend(k) {
    var legend = D.legends[k];
    while (legendBox.firstChild) { legendBox.removeChild(legendBox.firstChild); }
    legendBox.appendChild(el('b', legend.title));
    legend.entries.forEach(function (entry) {
      var row = el('div');
      var swatch = el('span', null, 'swatch');
      swatch.style.background = entry.fill;
      swatch.style.border = entry.border;
      swatch.style.borderRadius = entry.shape === 'circle' ? '50%' : '2px';
      row.appendChild(swatch);
      row.appendChild(document.createTextNode(entry.text));
      legendBox.appendChild(row);
    });
    legendBox.setAttribute('data-index', String(k));
  }
  if (D.legends && D.legends.length) {
    var legend = L.control({position: 'bottomleft'});
    legend.onAdd = function () {
      legendBox = el('div', null, 'siteplan-legend');
      L.DomEvent.disableScrollPropagation(legendBox);
      return legendBox;
    };
    legend.addTo(map);
    setLegend(D.legends.length - 1);
  }

  var slider = null;
  if (D.slider) {
    var S = D.slider;
    var control = L.control({position: 'topright'});
    control.onAdd = function () {
      var div = el('div', null, 'siteplan-slider leaflet-bar');
      var caption = el('span');
      var input = document.createElement('input');
      input.type = 'range'; input.min = 0; input.max = S.years.length - 1; input.step = 1;
      input.value = S.years.length - 1; input.style.verticalAlign = 'middle';
      var show = function () {
        var i = Number(input.value);
        caption.textContent = S.label + ' ' + S.years[i] + ' ';
        S.layers.forEach(function (ids, k) {
          ids.forEach(function (id) {
            if (k === i) { map.addLayer(layers[id]); } else { map.removeLayer(layers[id]); }
          });
        });
        if (legendBox) { setLegend(S.legend[i]); }
      };
      input.addEventListener('input', show);
      div.appendChild(caption); div.appendChild(input);
      L.DomEvent.disableClickPropagation(div);
      caption.textContent = S.label + ' ' + S.years[S.years.length - 1] + ' ';
      slider = {input: input, show: show};
      return div;
    };
    control.addTo(map);
  }
  window.siteplan = {map: map, layers: layers, data: D, setLegend: setLegend,
                     slider: function () { return slider; }};
})();
