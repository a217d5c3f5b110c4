"""Sites as KML/KMZ for Google Earth and 奥维互动地图 (one file per milestone).

Built with fastkml: a Document with one style per site kind and new vs
shared (colour by kind, a triangle for new builds, a circle for shared
structures), one Folder per status, one Placemark per site with its id as
name, the site's fields as ExtendedData (plain values, for import) and as
an HTML table in the description, whose values are HTML-escaped: Google
Earth shows a description as HTML, so a name such as ``<img onerror=…>`` is
shown as text. The balloon shows only the description (``$[description]``):
the name is never pasted into HTML.

Coordinates are WGS84 (KML's datum) by default; with ``gcj02=True`` they
are shifted to GCJ-02 for 奥维 and Amap, whose maps are drawn in GCJ-02, and
so are the lon/lat (经度/纬度) fields of ExtendedData and the description.

Icons never come from the internet: a ``.kmz`` carries them in ``files/``,
a plain ``.kml`` points at ``icons/new.png`` and ``icons/shared.png``
written beside it (relative links, as Google Earth and 奥维 resolve them),
so a planner's machine without network shows them.

Examples
--------
>>> import geopandas as gpd, tempfile, pathlib
>>> from shapely.geometry import Point
>>> s = gpd.GeoDataFrame({"site_id": ["a"], "name": ["五一路"], "kind": ["tower"],
...                       "status": ["reused"], "since": [2021]},
...                      geometry=[Point(119.5, 25.9)], crs=4326)
>>> p = write_kml(s, pathlib.Path(tempfile.mkdtemp()) / "s.kml", title="demo", lang="zh")
>>> text = p.read_text(encoding="utf-8")
>>> "<coordinates>119.5,25.9</coordinates>" in text and "五一路" in text
True
"""

from __future__ import annotations

import html
import warnings
import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path

import geopandas as gpd
import numpy as np

from siteplan.colours import KIND_COLOURS, OTHER
from siteplan.deliver.sheets import localise, sites_table
from siteplan.i18n import check_lang, term, tr
from siteplan.io.tables import clean_text
from siteplan.sources.coords import wgs84_to_gcj02

KML_NS = "http://www.opengis.net/kml/2.2"
#: Icon links of a plain ``.kml`` (files written beside it by :func:`write_kml`).
ICONS = {"new": "icons/new.png", "shared": "icons/shared.png"}


def kml_colour(rgb: str, alpha: int = 255) -> str:
    """``#rrggbb`` as KML's ``aabbggrr``.

    Examples
    --------
    >>> kml_colour("#d7191c")
    'ff1c19d7'
    """
    r, g, b = rgb[1:3], rgb[3:5], rgb[5:7]
    return f"{alpha:02x}{b}{g}{r}".lower()


def _fastkml():
    with warnings.catch_warnings():  # "lxml missing: pretty print disabled"
        warnings.simplefilter("ignore", UserWarning)
        import fastkml
    return fastkml


def icon_png(shape: str) -> bytes:
    """A white 64 px icon (``"new"``: triangle, else circle) with a dark rim,
    for the KMZ (Google Earth tints white icons with the style's colour).

    Examples
    --------
    >>> icon_png("new")[:8] == b"\\x89PNG\\r\\n\\x1a\\n"
    True
    """
    import io

    import matplotlib

    matplotlib.use("Agg", force=False)
    import matplotlib.pyplot as plt

    fig = plt.figure(figsize=(1, 1), dpi=64)
    ax = fig.add_axes((0, 0, 1, 1))
    ax.set_xlim(-1, 1)
    ax.set_ylim(-1, 1)
    ax.axis("off")
    if shape == "new":
        ax.add_patch(plt.Polygon([(-0.85, -0.75), (0.85, -0.75), (0, 0.85)], fc="white",
                                 ec="#222222", lw=3))
    else:
        ax.add_patch(plt.Circle((0, 0), 0.8, fc="white", ec="#222222", lw=3))
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", transparent=True, metadata={"Software": None})
    plt.close(fig)
    return buffer.getvalue()


def kml_document(sites: gpd.GeoDataFrame, *, title: str, lang: str = "en",
                 gcj02: bool = False, icons: dict[str, str] | None = None) -> str:
    """The KML text (UTF-8 XML, default namespace) of ``sites``; ``icons``
    overrides the icon hrefs (``{"new": …, "shared": …}``)."""
    hrefs = {**ICONS, **(icons or {})}
    fk = _fastkml()
    import pygeoif

    check_lang(lang)
    table = sites_table(sites)
    lon, lat = table["lon"].to_numpy(float), table["lat"].to_numpy(float)
    if gcj02:
        lon, lat = wgs84_to_gcj02(lon, lat)
    lon, lat = np.round(lon, 8), np.round(lat, 8)
    # the fields say where the placemark is: GCJ-02 in the GCJ-02 file
    shown = localise(table.assign(lon=np.round(lon, 7), lat=np.round(lat, 7)), lang)
    status = table["status"].astype(str).to_numpy() if "status" in table else \
        np.full(len(table), "reused")
    kinds = table["kind"].astype(str).to_numpy()
    styles, style_ids = [], {}
    for kind, st in sorted(set(zip(kinds, status, strict=True))):
        new = st == "new"
        sid = f"{kind}-{'new' if new else 'shared'}"
        style_ids[(kind, st)] = sid
        styles.append(fk.Style(id=sid, styles=[
            fk.IconStyle(color=kml_colour(KIND_COLOURS.get(kind, OTHER)),
                         scale=1.3 if new else 1.0, icon_href=hrefs["new" if new else "shared"]),
            fk.LabelStyle(scale=0.7),
            fk.BalloonStyle(text="$[description]")]))
    folders = []
    records = shown.to_dict("records")  # one pass, not a row lookup per site
    site_ids = table["site_id"].astype(str).tolist()
    for st in ("new", "reused", "on_air"):
        rows = np.flatnonzero(status == st)
        if not rows.size:
            continue
        placemarks = []
        for i in rows.tolist():
            record = records[i]
            fields = [(clean_text(str(k)), "" if _missing(v) else clean_text(str(v)))
                      for k, v in record.items()]
            description = "<table>" + "".join(
                f"<tr><th>{html.escape(k)}</th><td>{html.escape(v)}</td></tr>"
                for k, v in fields) + "</table>"
            placemarks.append(fk.Placemark(
                name=clean_text(site_ids[i]), description=description,
                style_url=fk.StyleUrl(url=f"#{style_ids[(kinds[i], st)]}"),
                extended_data=fk.ExtendedData(elements=[fk.Data(name=k, value=v)
                                                        for k, v in fields]),
                geometry=pygeoif.Point(float(lon[i]), float(lat[i]))))
        folders.append(fk.Folder(name=f"{term(st, lang)} ({rows.size})", features=placemarks))
    datum = "GCJ-02" if gcj02 else "WGS84"
    doc = fk.Document(name=clean_text(f"{title} ({datum})"), styles=styles, features=folders,
                      description=f"{tr('sites', lang)}: {len(table)}; {datum}")
    text = fk.KML(features=[doc]).to_string(prettyprint=False)
    root = ET.fromstring(text)
    for element in root.iter():  # KML namespace as the default one (<kml xmlns=…>), as
        element.tag = element.tag.rpartition("}")[2]  # Google Earth and 奥维 write it
    root.set("xmlns", KML_NS)
    return ET.tostring(root, encoding="unicode")


def _missing(value: object) -> bool:
    return value is None or (isinstance(value, float) and not np.isfinite(value))


def write_kml(sites: gpd.GeoDataFrame, path: str | Path, *, title: str, lang: str = "en",
              gcj02: bool = False) -> Path:
    """Write ``sites`` to ``path``: ``.kml`` as text with its icons in
    ``icons/`` beside it, ``.kmz`` zipped with ``doc.kml`` and its own icons
    in ``files/``, as Google Earth writes it; neither needs the network."""
    path = Path(path)
    kmz = path.suffix.lower() == ".kmz"
    icons = {"new": "files/new.png", "shared": "files/shared.png"} if kmz else None
    text = '<?xml version="1.0" encoding="UTF-8"?>\n' + kml_document(
        sites, title=title, lang=lang, gcj02=gcj02, icons=icons) + "\n"
    if kmz:
        with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as zf:
            entries = [("doc.kml", text.encode("utf-8")), ("files/new.png", icon_png("new")),
                       ("files/shared.png", icon_png("shared"))]
            for name, data in entries:
                info = zipfile.ZipInfo(name, date_time=(2000, 1, 1, 0, 0, 0))
                info.compress_type = zipfile.ZIP_DEFLATED
                zf.writestr(info, data)
    else:
        path.write_text(text, encoding="utf-8")
        folder = path.parent / "icons"
        folder.mkdir(exist_ok=True)
        for shape, href in ICONS.items():
            icon = path.parent / href
            if not icon.exists():
                icon.write_bytes(icon_png(shape))
    return path
