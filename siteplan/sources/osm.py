"""OpenStreetMap street furniture, masts and public buildings as candidates.

Reads ``.osm`` and ``.osm.pbf`` through GDAL's OSM driver (pyogrio) with the
packaged ``osmconf.ini``, which turns the tags below into columns:

=========================================================  =================
OSM tags                                                   kind
=========================================================  =================
``man_made=mast|tower`` + ``tower:type=communication``     tower
``power=pole|tower``, ``man_made=utility_pole``            power_pole
``highway=street_lamp``                                    streetlight
``man_made=surveillance``                                  monitoring_pole
``highway=traffic_signals``, ``traffic_sign=*``            traffic_pole
``amenity=townhall|school|hospital``, ``office=government``,
``building=public|civic``                                  public_building
=========================================================  =================

A feature matching several rules (a lamp post carrying a camera) gives one
candidate per kind, ``#<kind>`` appended to its id; merge them into one
multi-use pole with :func:`siteplan.sources.merge_candidates` (``multi_use``).
Polygons (buildings, campuses) become a point on their surface (the roof);
``height`` (``"48.5 m"``, ``"30 ft"``) or ``building:levels`` × the storey
height (``osm.storey_height_m``) gives ``height_m``. ``site_id`` is
``osm:node/<id>`` or ``osm:way/<id>`` / ``osm:relation/<id>``; ``name`` and
``operator`` (as ``owner``) are kept.

Examples
--------
>>> from siteplan.sources import read_osm
>>> from siteplan.datasets import data_path
>>> osm = read_osm(data_path("osm/helsinki.osm.pbf"))
>>> int((osm["kind"] == "streetlight").sum())
586
"""

from __future__ import annotations

import re
import warnings
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
from pyogrio.errors import DataLayerError, DataSourceError

from siteplan.defaults import Assumptions
from siteplan.errors import InputError
from siteplan.messages import Msg
from siteplan.schema import validate_candidates

CONFIG = Path(__file__).with_name("osmconf.ini")
PUBLIC_AMENITY = ("townhall", "school", "hospital")
SUFFIXES = (".osm", ".pbf")

_HEIGHT = re.compile(r"^\s*([0-9]+(?:[.,][0-9]+)?)\s*(m|metres|meters|ft|feet|')?\s*$", re.I)


def parse_height_m(text: object) -> float:
    """An OSM ``height`` value in metres (NaN when it is not a length).

    Examples
    --------
    >>> parse_height_m("48.5 m"), parse_height_m("30 ft"), parse_height_m("6")
    (48.5, 9.144, 6.0)
    >>> import math; math.isnan(parse_height_m("tall"))
    True
    """
    if text is None or (isinstance(text, float) and np.isnan(text)):
        return float("nan")
    found = _HEIGHT.match(str(text))
    if not found:
        return float("nan")
    value = float(found.group(1).replace(",", "."))
    unit = (found.group(2) or "m").lower()
    return round(value * 0.3048, 4) if unit in ("ft", "feet", "'") else value


def _col(frame: pd.DataFrame, name: str) -> pd.Series:
    if name in frame.columns:
        return frame[name].astype("string").str.strip().str.lower()
    return pd.Series(pd.NA, index=frame.index, dtype="string")


def classify(frame: pd.DataFrame) -> dict[str, np.ndarray]:
    """Per candidate kind, which OSM features carry it (a lamp post with a
    camera carries two kinds).

    Examples
    --------
    >>> import pandas as pd
    >>> f = pd.DataFrame({"highway": ["street_lamp", None, None],
    ...                   "man_made": ["surveillance", "mast", "mast"],
    ...                   "tower_type": [None, "communication", None]})
    >>> {k: v.tolist() for k, v in classify(f).items() if v.any()}
    {'tower': [False, True, False], 'streetlight': [True, False, False], \
'monitoring_pole': [True, False, False]}
    """
    man_made, power, highway = _col(frame, "man_made"), _col(frame, "power"), _col(frame, "highway")
    other = _col(frame, "other_tags").fillna("")
    comm = (_col(frame, "tower_type") == "communication").fillna(False)
    comm |= other.str.contains('"tower:type"=>"communication"', regex=False)
    rules = {
        "tower": man_made.isin(["mast", "tower"]).fillna(False) & comm,
        "power_pole": power.isin(["pole", "tower"]).fillna(False)
        | (man_made == "utility_pole").fillna(False),
        "streetlight": (highway == "street_lamp").fillna(False),
        "monitoring_pole": (man_made == "surveillance").fillna(False),
        "traffic_pole": (highway == "traffic_signals").fillna(False)
        | _col(frame, "traffic_sign").notna(),
        "public_building": _col(frame, "amenity").isin(PUBLIC_AMENITY).fillna(False)
        | (_col(frame, "office") == "government").fillna(False)
        | _col(frame, "building").isin(["public", "civic"]).fillna(False),
    }
    return {kind: mask.to_numpy(dtype=bool) for kind, mask in rules.items()}


def _read(path: Path, layer: str) -> gpd.GeoDataFrame:
    pyogrio.set_gdal_config_options({"OSM_CONFIG_FILE": str(CONFIG)})
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # GDAL notes on clipped rings
        return pyogrio.read_dataframe(path, layer=layer, on_invalid="fix")


def read_osm(path: str | Path, *,
             assumptions: Assumptions | dict | None = None) -> gpd.GeoDataFrame:
    """Candidates from an OpenStreetMap extract (``.osm`` or ``.osm.pbf``).

    Parameters
    ----------
    path : str or Path
        The extract.
    assumptions : Assumptions or mapping, optional
        Overrides; ``osm.storey_height_m`` turns ``building:levels`` into metres.

    Returns
    -------
    geopandas.GeoDataFrame
        Canonical candidates in EPSG:4326 with ``osm_id``, ``osm_type``
        (node/way/relation), ``source`` = ``"osm"``.

    Raises
    ------
    InputError
        Missing, corrupt or non-OSM file, or no candidate structure in it.
    """
    path = Path(path)
    if not path.exists():
        raise InputError(Msg("file.not_found", path=path))
    if not path.name.lower().endswith(SUFFIXES):
        raise InputError(Msg("osm.not_openstreetmap_file", path=path))
    if not isinstance(assumptions, Assumptions):
        assumptions = Assumptions(assumptions)
    storey_m = float(assumptions["osm.storey_height_m"])
    try:
        points = _read(path, "points")
        polygons = _read(path, "multipolygons")
    except (DataSourceError, DataLayerError) as exc:
        if "not recognized as being in a supported file format" in str(exc):
            raise InputError(Msg("osm.unrecognised", path=path)) from exc
        raise InputError(Msg("osm.cannot_read_openstreetmap", path=path, detail=exc)) from exc
    points["osm_type"] = "node"
    is_way = polygons["osm_way_id"].notna() if "osm_way_id" in polygons else False
    polygons["osm_type"] = np.where(is_way, "way", "relation")
    polygons["osm_id"] = polygons["osm_way_id"].where(is_way, polygons["osm_id"])
    frame = pd.concat([points, polygons], ignore_index=True)
    rules = classify(frame)
    matched = np.column_stack(list(rules.values()))
    if not matched.any():
        raise InputError(
            Msg("osm.no_candidate_structures", path=path))
    broken = (frame.geometry.isna() | frame.geometry.is_empty).to_numpy() & matched.any(axis=1)
    if broken.any():
        ids = ", ".join(f"{t}/{i}" for t, i in zip(frame["osm_type"][broken],
                                                   frame["osm_id"][broken], strict=True))
        warnings.warn(f"{path}: skipped {int(broken.sum())} OSM features with broken geometry "
                      f"(clipped at the extract's edge): {ids}", stacklevel=2)
        matched[broken] = False
    rows, which = np.nonzero(matched)
    n_uses = matched.sum(axis=1)
    kinds = np.array(list(rules))[which]
    frame = frame.iloc[rows].reset_index(drop=True)
    suffix = np.where(n_uses[rows] > 1, "#" + kinds.astype(object), "")
    height = frame.get("height", pd.Series(np.nan, index=frame.index)).map(parse_height_m)
    levels = pd.to_numeric(frame.get("building_levels"), errors="coerce")
    height = height.fillna(levels * storey_m)
    out = gpd.GeoDataFrame({
        "site_id": "osm:" + frame["osm_type"] + "/" + frame["osm_id"].astype(str) + suffix,
        "kind": kinds, "name": frame["name"].fillna("").astype(str),
        "owner": frame.get("operator", pd.Series("", index=frame.index)).fillna("").astype(str),
        "height_m": height.astype(float), "osm_id": frame["osm_id"].astype("int64"),
        "osm_type": frame["osm_type"], "source": "osm",
    }, geometry=frame.geometry.to_numpy(), crs=frame.crs or 4326)
    return validate_candidates(out, source=str(path))
