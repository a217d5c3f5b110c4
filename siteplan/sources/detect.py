"""Read any candidate source by what it is: OSM extract, OpenCelliD export,
open-resource list, or a GIS/CSV inventory in the canonical columns.

Examples
--------
>>> from siteplan.datasets import data_path
>>> source_type(data_path("opencellid/ocid-diff-2022-09-10.csv"))
'opencellid'
>>> source_type(data_path("osm/helsinki.osm.pbf"))
'osm'
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import geopandas as gpd
import pandas as pd

from siteplan.errors import InputError
from siteplan.messages import Msg
from siteplan.schema import validate_candidates
from siteplan.sources.columns import CANDIDATE_HEADERS, candidate_ids, canonical_columns
from siteplan.sources.files import read_layer
from siteplan.sources.opencellid import first_line, header_row, read_opencellid
from siteplan.sources.openlist import EXCEL_SUFFIXES, HEADERS, _norm, read_open_list
from siteplan.sources.osm import SUFFIXES as OSM_SUFFIXES
from siteplan.sources.osm import read_osm
from siteplan.sources.rows import check_policy, screen_inventory


def source_type(path: str | Path, columns: dict[str, str] | None = None) -> str:
    """``"osm"``, ``"opencellid"``, ``"open_list"`` or ``"inventory"``
    (``columns``: a layer's ``columns`` option, whose names count as
    headers)."""
    path = Path(path)
    name = path.name.lower()
    if name.endswith(OSM_SUFFIXES):
        return "osm"
    if name.endswith(EXCEL_SUFFIXES):
        return "open_list"
    if name.endswith((".csv", ".csv.gz", ".txt", ".tsv")):
        line = first_line(path)
        if header_row(line) is not None:
            return "opencellid"
        if name.endswith(".gz"):
            return "inventory"
        return "open_list" if _is_open_list(path, columns or {}) else "inventory"
    return "inventory"


def _is_open_list(path: Path, columns: dict[str, str]) -> bool:
    """A header (maybe below title rows, in UTF-8 or GBK) with at least three
    open-list headers, one of them a kind (类型 …), and not the canonical
    ``site_id``/``kind`` pair. A point list without kinds (an 奥维 export) is
    read as an inventory (give its kind with ``defaults``)."""
    from siteplan.sources.text import header_row as find_header
    from siteplan.sources.text import read_raw

    try:
        raw, _ = read_raw(path, head_bytes=65536)
    except InputError:
        return False
    known = [h for names in HEADERS.values() for h in names] + list(columns.values())
    at = find_header(raw, known, need=3)
    if at is None:
        return False
    fields = {_norm(c) for c in raw.iloc[at].tolist() if isinstance(c, str)}
    kind_words = {_norm(h) for h in (*HEADERS["kind"], *columns.get("kind", "").split())}
    return bool(fields & kind_words) and not {"site_id", "kind"} <= fields


def read_source(path: str | Path, *, crs: str | None = None, layer: str | None = None,
                lon: str | None = None, lat: str | None = None, radio: Any = None,
                mcc: Any = None, mnc: Any = None, bbox: Any = None,
                site_distance_m: float | None = None, on_bad_rows: str = "raise",
                assumptions: Any = None, encoding: str | None = None,
                sheet: str | int | None = None, columns: dict[str, str] | None = None,
                defaults: dict[str, Any] | None = None) -> gpd.GeoDataFrame:
    """Canonical candidates from one source of any supported type.

    ``crs`` applies to lon/lat lists and inventories; ``encoding`` to text
    and shapefiles; ``sheet`` to workbooks; ``layer``, ``lon`` and ``lat`` to
    inventories (see :func:`siteplan.sources.read_layer`); the
    OpenCelliD options to cell exports; ``columns``/``defaults`` to
    inventories (Chinese headers are recognised, see
    :mod:`siteplan.sources.columns`). ``on_bad_rows="report"`` skips unusable
    rows of every type (inventories: no geometry, no or repeated id, unknown
    kind, bad height). Rejected rows are in ``attrs["rejected"]``, the
    detected type in ``attrs["source_type"]``.
    """
    path = Path(path)
    if not path.exists():
        raise InputError(Msg("file.not_found", path=path))
    check_policy(on_bad_rows)
    kind = source_type(path, columns)
    if kind in ("osm", "opencellid") and (columns or defaults):
        raise InputError(Msg("detect.columns_defaults_apply", path=path, kind=kind))
    if kind == "open_list" and defaults:
        raise InputError(Msg("detect.defaults_apply_inventories", path=path))
    if kind == "osm":
        out = read_osm(path, assumptions=assumptions)
    elif kind == "opencellid":
        out = read_opencellid(path, radio=radio, mcc=mcc, mnc=mnc, bbox=bbox,
                              site_distance_m=site_distance_m, on_bad_rows=on_bad_rows,
                              assumptions=assumptions)
    elif kind == "open_list":
        out = read_open_list(path, crs=crs or "wgs84", on_bad_rows=on_bad_rows,
                             encoding=encoding, sheet=sheet, columns=columns)
    else:
        out = _read_inventory(path, {"crs": crs, "layer": layer, "lon": lon, "lat": lat,
                                     "encoding": encoding, "sheet": sheet},
                              columns=columns, defaults=defaults, on_bad_rows=on_bad_rows)
    out.attrs.setdefault("rejected", pd.DataFrame(columns=["line", "column", "reason"]))
    out.attrs["source_type"] = kind
    return out


def _read_inventory(path: Path, given: dict[str, Any], *, columns: dict[str, str] | None,
                    defaults: dict[str, Any] | None, on_bad_rows: str) -> gpd.GeoDataFrame:
    """A GIS layer or point table in canonical columns; ``columns`` may name
    the ``lon``/``lat`` columns of a point table too."""
    columns = dict(columns or {})
    for axis in ("lon", "lat"):
        if axis in columns:
            if given.get(axis) not in (None, columns[axis]):
                raise InputError(Msg("detect.columns_disagree", path=path, axis=axis,
                                     given=repr(given[axis]), columns=repr(columns[axis])))
            given[axis] = columns.pop(axis)
    frame = read_layer(path, **{k: v for k, v in given.items() if v is not None})
    frame = candidate_ids(canonical_columns(frame, CANDIDATE_HEADERS, columns=columns,
                                            defaults=defaults, source=str(path)), path.stem)
    rejected = None
    if on_bad_rows == "report":
        frame, rejected = screen_inventory(frame, str(path))
        if len(frame) == 0:
            raise InputError(Msg("detect.no_usable_row", path=path, count=len(rejected),
                                 line=rejected['line'].iloc[0], reason=rejected['reason'].iloc[0]))
    out = validate_candidates(frame, source=str(path))
    out["source"] = path.name
    if rejected is not None:
        out.attrs["rejected"] = rejected
    return out


def summary(frame: pd.DataFrame) -> pd.DataFrame:
    """Candidate counts by kind (rows) and source (columns), with totals.

    Examples
    --------
    >>> import pandas as pd
    >>> summary(pd.DataFrame({"kind": ["tower", "tower", "streetlight"],
    ...                       "source": ["osm", "a.csv", "osm"]})).loc["total"].tolist()
    [1, 2, 3]
    """
    table = pd.crosstab(frame["kind"], frame["source"].str.split("+").str[0], margins=True,
                        margins_name="total")
    return table
