"""Leaflet map pages built from data, without any template engine.

A map is one fixed HTML page: Leaflet (inlined from the packaged XStatic
copy, so the page works without network), a fixed script
(``maps_assets/siteplan_map.js``) and one JSON *data island*
(``<script type="application/json">``) that holds every layer, legend and
label. The script builds popups, tooltips, labels and the legend as DOM text
nodes (``textContent``) and HTML-escapes the layer names Leaflet's layer
control writes as HTML. So a name such as ``{{ 7*7 }}``, ``</script>`` or
``<img onerror=…>`` is shown as written: no Jinja (folium/branca render
element output as template source), no ``innerHTML``, no ``eval`` ever sees
it. In the data island ``<``, ``>`` and ``&`` are written as ``\\u003c``,
``\\u003e``, ``\\u0026`` (they occur only inside JSON strings), so no data can
close the script element.

The page has no random element ids: the same plan gives a byte-identical
file.

Examples
--------
>>> spec = points_spec("sites", "Sites", [25.9, 25.91], [119.5, 119.51], [0, 1],
...                    styles=[{"fillColor": "#f00"}, {"fillColor": "#00f"}],
...                    tooltips=["a", "{{ 7*7 }}"])
>>> spec["points"]
[[25.9, 119.5, 0, None], [25.91, 119.51, 1, None]]
>>> script_json({"name": "</script><b>{{ 7*7 }}</b>"})
'{"name":"\\\\u003c/script\\\\u003e\\\\u003cb\\\\u003e{{ 7*7 }}\\\\u003c/b\\\\u003e"}'
"""

from __future__ import annotations

import html
import importlib
import json
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import shapely

from siteplan.errors import ConfigError
from siteplan.messages import Msg

__all__ = ["MapPage", "TILE_PRESETS", "areas_spec", "points_spec", "resolve_tiles",
           "script_json"]

ASSETS = Path(__file__).with_name("maps_assets")

#: Named base maps. ``crs`` is the datum the tiles are drawn in: Amap (高德)
#: tiles are GCJ-02, so data is shifted to GCJ-02 for display on them.
TILE_PRESETS: dict[str, dict[str, Any]] = {
    "openstreetmap": {"url": "https://tile.openstreetmap.org/{z}/{x}/{y}.png",
                      "attribution": "© OpenStreetMap contributors", "subdomains": "abc",
                      "max_zoom": 19, "crs": "wgs84"},
    "cartodb positron": {"url": "https://{s}.basemaps.cartocdn.com/light_all/{z}/{x}/{y}.png",
                         "attribution": "© OpenStreetMap contributors © CARTO",
                         "subdomains": "abcd", "max_zoom": 19, "crs": "wgs84"},
    "amap": {"url": "https://webrd0{s}.is.autonavi.com/appmaptile?lang=zh_cn&size=1&scale=1"
                    "&style=8&x={x}&y={y}&z={z}",
             "attribution": "© 高德地图 AutoNavi", "subdomains": "1234", "max_zoom": 18,
             "crs": "gcj02"},
    "amap satellite": {"url": "https://webst0{s}.is.autonavi.com/appmaptile?style=6"
                              "&x={x}&y={y}&z={z}",
                       "attribution": "© 高德地图 AutoNavi", "subdomains": "1234",
                       "max_zoom": 18, "crs": "gcj02"},
}
_GCJ_HOSTS = ("autonavi.com", "amap.com", "gtimg.com", "qq.com")


def resolve_tiles(tiles: str | None, crs: str | None = None) -> dict[str, Any] | None:
    """A tile-layer description for a preset name or an URL template.

    Parameters
    ----------
    tiles : str or None
        ``None``/``"none"`` (no base map), a name of :data:`TILE_PRESETS`
        (case and ``-``/``_`` ignored, ``OpenStreetMap`` included) or an URL
        template with ``{x}``, ``{y}`` and ``{z}``.
    crs : {"wgs84", "gcj02"}, optional
        Datum of the tiles; default: the preset's, or GCJ-02 for Amap/Tencent
        hosts, else WGS84.

    Examples
    --------
    >>> resolve_tiles("Amap")["crs"], resolve_tiles("OpenStreetMap")["crs"]
    ('gcj02', 'wgs84')
    >>> resolve_tiles("https://example.org/{z}/{x}/{y}.png", "gcj02")["crs"]
    'gcj02'
    >>> resolve_tiles("none") is None
    True
    """
    if tiles is None or str(tiles).strip().lower() in ("", "none"):
        return None
    key = " ".join(str(tiles).strip().lower().replace("-", " ").replace("_", " ").split())
    if key in TILE_PRESETS:
        out = dict(TILE_PRESETS[key])
    elif all(f"{{{c}}}" in str(tiles) for c in "xyz") and str(tiles).startswith(
            ("http://", "https://", "file:", "/", ".")):
        host_gcj = any(h in str(tiles) for h in _GCJ_HOSTS)
        out = {"url": str(tiles), "attribution": "", "subdomains": "abc", "max_zoom": 19,
               "crs": "gcj02" if host_gcj else "wgs84"}
    else:
        raise ConfigError(
            Msg("maplayers.tiles_not_known", tiles=repr(tiles), tile_presets=', '.join(sorted(TILE_PRESETS))))
    if crs is not None:
        crs = str(crs).strip().lower().replace("-", "")
        if crs not in ("wgs84", "gcj02"):
            raise ConfigError(Msg("maplayers.tiles_crs_wgs", crs=repr(crs)))
        out["crs"] = crs
    return out


def _clean(value: Any) -> Any:
    """Plain JSON types; NaN/inf become null."""
    if isinstance(value, dict):
        return {str(k): _clean(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_clean(v) for v in value]
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return str(value)


def _plain(value: Any) -> Any:
    """JSON ``default``: numpy scalars and arrays as Python values, else text."""
    if isinstance(value, np.generic | np.ndarray):
        return value.tolist()
    return str(value)


def script_json(value: Any) -> str:
    """``value`` as compact JSON that is safe inside a ``<script>`` element.

    ``<``, ``>`` and ``&`` appear in JSON only inside strings, so replacing
    them by their ``\\uXXXX`` escapes keeps the JSON equal and makes
    ``</script>`` and ``<!--`` impossible.
    """
    try:  # the layer builders make plain, finite data: no walk over it needed
        text = json.dumps(value, ensure_ascii=False, allow_nan=False, separators=(",", ":"),
                          default=_plain)
    except ValueError:  # NaN or infinity somewhere: null them
        text = json.dumps(_clean(value), ensure_ascii=False, allow_nan=False,
                          separators=(",", ":"))
    return (text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
            .replace("\u2028", "\\u2028").replace("\u2029", "\\u2029"))


def _text(values: Sequence[Any] | None) -> list[str]:
    out = []
    for v in values if values is not None else []:
        if v is None or (isinstance(v, float) and not math.isfinite(v)):
            out.append("")
        else:
            out.append(str(v))
    return out


def points_spec(layer_id: str, name: str, lat: Sequence[float], lon: Sequence[float],
                style: Sequence[int], *, styles: list[dict], radius_m: Sequence[float] | None = None,
                fields: list[str] | None = None, rows: list[list] | None = None,
                tooltips: Sequence[str] | None = None, show: bool = True,
                interactive: bool = True) -> dict[str, Any]:
    """A canvas point layer: ``[lat, lon, style, radius_m|None]`` per point.

    Parameters
    ----------
    layer_id : str
        Key of the layer in the page (``window.siteplan.layers``).
    name : str
        Name in the layer control (shown as text).
    lat, lon : sequence of float
        Display coordinates (degrees).
    style : sequence of int
        Index into ``styles`` per point.
    styles : list of dict
        Leaflet path options (``radius`` in pixels, ``color``, ``fillColor`` …).
    radius_m : sequence of float, optional
        Draw circles of this radius in metres (footprints) instead of markers.
    fields, rows : optional
        Popup row headings and one list of values per point.
    tooltips : sequence of str, optional
        Hover text per point.
    show, interactive : bool
        Shown on opening; reacts to the mouse.
    """
    lat = np.round(np.asarray(lat, dtype=float), 6)
    lon = np.round(np.asarray(lon, dtype=float), 6)
    radius = [None] * lat.size if radius_m is None else np.round(
        np.asarray(radius_m, dtype=float), 1).tolist()
    points = [list(p) for p in zip(lat.tolist(), lon.tolist(),
                                   np.asarray(style, dtype=int).tolist(), radius, strict=True)]
    return {"type": "points", "id": layer_id, "name": str(name), "show": bool(show),
            "interactive": bool(interactive), "styles": styles, "points": points,
            "fields": _text(fields), "rows": [_text(r) for r in rows or []],
            "tooltips": _text(tooltips)}


def areas_spec(layer_id: str, name: str, geometries: Sequence[Any], style: Sequence[int], *,
               styles: list[dict], fields: list[str] | None = None,
               rows: list[list] | None = None, tooltips: Sequence[str] | None = None,
               labels: Sequence[str] | None = None, show: bool = True,
               interactive: bool = True) -> dict[str, Any]:
    """A vector layer of polygons or lines (display coordinates, degrees).

    ``labels`` are drawn as permanent text at a point inside each shape,
    away from the smaller labelled shapes inside it (:func:`label_points`).
    """
    geoms = np.asarray(geometries, dtype=object)
    rounded = shapely.transform(geoms, lambda xy: np.round(xy, 6))
    geo = [json.loads(g) for g in shapely.to_geojson(rounded)]
    spec = {"type": "areas", "id": layer_id, "name": str(name), "show": bool(show),
            "interactive": bool(interactive), "styles": styles, "geometries": geo,
            "style": np.asarray(style, dtype=int).tolist(), "fields": _text(fields),
            "rows": [_text(r) for r in rows or []], "tooltips": _text(tooltips), "labels": []}
    if labels is not None:
        where = label_points(geoms)
        spec["labels"] = [[round(p.y, 6), round(p.x, 6), t]
                          for p, t in zip(where, _text(labels), strict=True)]
    return spec


def label_points(geometries: Sequence[Any]) -> list[Any]:
    """A label point inside each shape, outside the smaller shapes that lie
    in it, so nested areas (城区核心区 inside 主城区) get labels at distinct
    places instead of one text over the other; the point is the shape's
    pole of inaccessibility (its most central inside point).

    Examples
    --------
    >>> from shapely.geometry import box
    >>> outer, inner = box(0, 0, 10, 10), box(3, 3, 7, 7)
    >>> a, b = label_points([outer, inner])
    >>> inner.contains(b), outer.contains(a) and not inner.contains(a)
    (True, True)
    """
    geoms = np.asarray(geometries, dtype=object)
    tree = shapely.STRtree(geoms)
    areas = shapely.area(geoms)
    out = []
    for i, geom in enumerate(geoms):
        if geom is None or geom.is_empty:
            out.append(shapely.Point(0, 0) if geom is None else shapely.point_on_surface(geom))
            continue
        region = geom
        inside = [j for j in tree.query(geom, predicate="intersects")
                  if j != i and areas[j] < areas[i]]
        if inside and areas[i] > 0:
            rest = shapely.difference(geom, shapely.union_all(geoms[inside]))
            if not rest.is_empty and rest.area > 0.02 * areas[i]:
                region = rest
        out.append(_central_point(region))
    return out


def _central_point(geom: Any) -> Any:
    """The pole of inaccessibility of the largest polygon part, else a point on it."""
    from shapely.ops import polylabel

    parts = [p for p in getattr(geom, "geoms", [geom]) if p.geom_type == "Polygon"]
    if not parts:
        return shapely.point_on_surface(geom)
    largest = max(parts, key=lambda p: p.area)
    return polylabel(largest, tolerance=max(largest.area ** 0.5 / 50, 1e-9))


def _asset(package: str, name: str) -> str:
    module = importlib.import_module(f"xstatic.pkg.{package}")
    text = (Path(module.BASE_DIR) / name).read_text(encoding="utf-8")
    return "\n".join(line for line in text.splitlines() if not line.startswith("//# sourceMappingURL"))


def _inline_script(code: str) -> str:
    return "<script>" + code.replace("</script", "<\\/script") + "</script>"


@dataclass
class MapPage:
    """A self-contained Leaflet page (data island + fixed script).

    Attributes
    ----------
    title : str
        Page title and the map's caption (text).
    bounds : list
        ``[[south, west], [north, east]]`` to fit on opening.
    layers : list of dict
        :func:`points_spec` / :func:`areas_spec` layers, in drawing order.
    legends : list of dict
        ``{"title": str, "entries": [{"text", "fill", "border", "shape"}]}``;
        the last one is shown, the time slider switches between them.
    slider : dict, optional
        ``{"label": str, "years": [...], "layers": [[layer ids] per year],
        "legend": [legend index per year]}``.
    tiles : dict, optional
        :func:`resolve_tiles` output.
    lang : str
        ``lang`` attribute of the page.
    """

    title: str
    bounds: list
    layers: list[dict] = field(default_factory=list)
    legends: list[dict] = field(default_factory=list)
    slider: dict | None = None
    tiles: dict | None = None
    lang: str = "en"

    def data(self) -> dict[str, Any]:
        """The page's data island as plain data."""
        return {"title": self.title, "bounds": self.bounds, "tiles": self.tiles,
                "layers": self.layers, "legends": self.legends, "slider": self.slider}

    def render(self) -> str:
        """The complete HTML document (deterministic: same data, same bytes)."""
        css = _asset("leaflet", "leaflet.css") + (ASSETS / "siteplan_map.css").read_text("utf-8")
        return "".join([
            "<!DOCTYPE html>\n<html lang=\"", html.escape("zh-CN" if self.lang == "zh"
                                                     else self.lang), "\">\n<head>\n",
            "<meta charset=\"utf-8\">\n",
            "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n",
            "<title>", html.escape(self.title), "</title>\n",
            "<style>", css.replace("</style", "<\\/style"), "</style>\n",
            _inline_script(_asset("leaflet", "leaflet.js")), "\n</head>\n<body>\n",
            "<div id=\"siteplan-map\"></div>\n",
            "<script type=\"application/json\" id=\"siteplan-data\">", script_json(self.data()),
            "</script>\n",
            _inline_script((ASSETS / "siteplan_map.js").read_text("utf-8")),
            "\n</body>\n</html>\n"])

    def save(self, path: str | Path) -> Path:
        """Write the page to ``path`` (UTF-8)."""
        path = Path(path)
        path.write_text(self.render(), encoding="utf-8")
        return path

    def _repr_html_(self) -> str:
        """Notebook display: the page in a sandboxed iframe."""
        return (f"<iframe srcdoc=\"{html.escape(self.render(), quote=True)}\" "
                "sandbox=\"allow-scripts\" style=\"width:100%;height:520px;border:0\"></iframe>")
