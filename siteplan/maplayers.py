"""A fast point layer for Leaflet maps: thousands of canvas circles from one
compact JSON array, popups and tooltips built with ``textContent``.

folium's ``GeoJson`` styles each feature through a ``switch`` over every
feature id and creates one JavaScript object per tooltip, which takes tens of
seconds in the browser at 50,000 points. :class:`PointLayer` sends
``[lat, lon, style, radius]`` per point and one style table, draws on a shared
canvas renderer, and builds popup tables and tooltips as DOM text nodes, so a
hostile name is shown as text however it is written (no HTML or template
literal ever sees it). The JSON is embedded with Jinja's ``tojson``, which
escapes ``<``, ``>``, ``&`` and ``'``, so ``</script>`` cannot close the
script element.

Examples
--------
>>> layer = PointLayer([25.9, 25.91], [119.5, 119.51], [0, 1],
...                    styles=[{"fillColor": "#f00"}, {"fillColor": "#00f"}],
...                    name="demo", tooltips=["a", "<b>"])
>>> layer.points
[[25.9, 119.5, 0, None], [25.91, 119.51, 1, None]]
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from branca.element import MacroElement, Template
from folium.map import Layer

__all__ = ["PointLayer", "TimeSlider"]


class PointLayer(Layer):
    """Canvas circles for many points, as one toggleable overlay.

    Parameters
    ----------
    lat, lon : sequence of float
        WGS84 degrees.
    style : sequence of int
        Index into ``styles`` per point.
    styles : list of dict
        Leaflet path options (``radius`` in pixels for circle markers,
        ``color``, ``weight``, ``fillColor``, ``fillOpacity`` …).
    name : str
        Name in the layer control.
    radius_m : sequence of float, optional
        Draw ``L.circle`` of this radius in metres per point (footprints)
        instead of fixed-pixel circle markers.
    fields : list of str, optional
        Popup row headings; ``rows`` gives one list of values per point.
    tooltips : sequence of str, optional
        Hover text per point.
    show, interactive : bool
        Shown on opening; reacts to the mouse.
    """

    _template = Template("""
{% macro script(this, kwargs) %}
var {{ this.get_name() }} = L.featureGroup();
(function () {
  const group = {{ this.get_name() }};
  const renderer = L.canvas({padding: 0.5});
  const styles = {{ this.styles|tojson }};
  const pts = {{ this.points|tojson }};
  const fields = {{ this.fields|tojson }};
  const rows = {{ this.rows|tojson }};
  const tips = {{ this.tooltips|tojson }};
  for (let i = 0; i < pts.length; i++) {
    const p = pts[i];
    const opts = Object.assign({renderer: renderer, interactive: {{ this.interactive|tojson }}},
                               styles[p[2]]);
    const layer = p[3] === null ? L.circleMarker([p[0], p[1]], opts)
                                : L.circle([p[0], p[1]], Object.assign(opts, {radius: p[3]}));
    layer.siteplanIndex = i;
    group.addLayer(layer);
  }
  if (rows.length) {
    group.bindPopup(function (layer) {
      const table = document.createElement('table');
      table.className = 'siteplan-popup';
      rows[layer.siteplanIndex].forEach(function (value, k) {
        const tr = table.insertRow();
        const th = document.createElement('th');
        th.textContent = fields[k];
        tr.appendChild(th);
        tr.insertCell().textContent = value === null ? '' : String(value);
      });
      return table;
    }, {maxWidth: 320});
  }
  if (tips.length) {
    group.bindTooltip(function (layer) {
      const span = document.createElement('span');
      span.textContent = tips[layer.siteplanIndex];
      return span;
    });
  }
})();
{% endmacro %}
""")

    def __init__(self, lat: Sequence[float], lon: Sequence[float], style: Sequence[int], *,
                 styles: list[dict], name: str, radius_m: Sequence[float] | None = None,
                 fields: list[str] | None = None, rows: list[list] | None = None,
                 tooltips: Sequence[str] | None = None, show: bool = True,
                 interactive: bool = True) -> None:
        super().__init__(name=name, overlay=True, control=True, show=show)
        self._name = "PointLayer"
        lat = np.round(np.asarray(lat, dtype=float), 6)
        lon = np.round(np.asarray(lon, dtype=float), 6)
        radius = [None] * lat.size if radius_m is None else np.round(radius_m, 1).tolist()
        self.points = [list(p) for p in zip(lat.tolist(), lon.tolist(),
                                            np.asarray(style, dtype=int).tolist(), radius,
                                            strict=True)]
        self.styles = styles
        self.fields = list(fields or [])
        self.rows = [[v if isinstance(v, int | float | str) else str(v) for v in r]
                     for r in (rows or [])]
        self.tooltips = [str(t) for t in (tooltips if tooltips is not None else [])]
        self.interactive = interactive


class TimeSlider(MacroElement):
    """A range input that shows one milestone's layer at a time.

    Parameters
    ----------
    layers : list of (int, Layer)
        Milestone year and its folium layer, in time order.
    label : str
        Text before the year.

    Examples
    --------
    >>> import folium
    >>> a, b = folium.FeatureGroup(name="2020"), folium.FeatureGroup(name="2021")
    >>> TimeSlider([(2020, a), (2021, b)], label="Milestone").years
    [2020, 2021]
    """

    _template = Template("""
{% macro script(this, kwargs) %}
(function () {
  const map = {{ this._parent.get_name() }};
  const years = {{ this.years|tojson }};
  const layers = [{% for name in this.names %}{{ name }}{{ "," if not loop.last }}{% endfor %}];
  const control = L.control({position: 'topright'});
  control.onAdd = function () {
    const div = L.DomUtil.create('div', 'siteplan-slider leaflet-bar');
    div.style.cssText = 'background:white;padding:6px 8px;font:12px sans-serif';
    const text = document.createElement('span');
    const input = document.createElement('input');
    input.type = 'range'; input.min = 0; input.max = years.length - 1; input.step = 1;
    input.value = years.length - 1; input.style.verticalAlign = 'middle';
    const show = function () {
      const i = Number(input.value);
      text.textContent = {{ this.label|tojson }} + ' ' + years[i] + ' ';
      layers.forEach(function (layer, k) {
        if (k === i) { map.addLayer(layer); } else { map.removeLayer(layer); }
      });
    };
    input.addEventListener('input', show);
    div.appendChild(text); div.appendChild(input);
    L.DomEvent.disableClickPropagation(div);
    text.textContent = {{ this.label|tojson }} + ' ' + years[years.length - 1] + ' ';
    return div;
  };
  control.addTo(map);
})();
{% endmacro %}
""")

    def __init__(self, layers: list[tuple[int, Layer]], *, label: str) -> None:
        super().__init__()
        self._name = "TimeSlider"
        self.years = [int(y) for y, _ in layers]
        self._layers = [layer for _, layer in layers]
        self.label = label

    @property
    def names(self) -> list[str]:
        """JavaScript variable names of the milestone layers."""
        return [layer.get_name() for layer in self._layers]
