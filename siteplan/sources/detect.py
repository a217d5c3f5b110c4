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
from siteplan.sources.files import read_candidates
from siteplan.sources.opencellid import first_line, header_row, read_opencellid
from siteplan.sources.openlist import EXCEL_SUFFIXES, HEADERS, _norm, read_open_list
from siteplan.sources.osm import SUFFIXES as OSM_SUFFIXES
from siteplan.sources.osm import read_osm


def source_type(path: str | Path) -> str:
    """``"osm"``, ``"opencellid"``, ``"open_list"`` or ``"inventory"``."""
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
        return "open_list" if _is_open_list(path) else "inventory"
    return "inventory"


def _is_open_list(path: Path) -> bool:
    """A header (maybe below title rows, in UTF-8 or GBK) with at least three
    open-list headers and no canonical ``site_id``/``kind`` pair."""
    from siteplan.sources.text import header_row as find_header
    from siteplan.sources.text import read_raw

    try:
        raw, _ = read_raw(path)
    except InputError:
        return False
    at = find_header(raw, [h for names in HEADERS.values() for h in names], need=3)
    if at is None:
        return False
    fields = {_norm(c) for c in raw.iloc[at].tolist() if isinstance(c, str)}
    return not {"site_id", "kind"} <= fields


def read_source(path: str | Path, *, crs: str | None = None, layer: str | None = None,
                lon: str | None = None, lat: str | None = None, radio: Any = None,
                mcc: Any = None, mnc: Any = None, bbox: Any = None,
                site_distance_m: float | None = None, on_bad_rows: str = "raise",
                assumptions: Any = None, encoding: str | None = None,
                sheet: str | int | None = None) -> gpd.GeoDataFrame:
    """Canonical candidates from one source of any supported type.

    ``crs`` applies to lon/lat lists and inventories; ``encoding`` to text
    and shapefiles; ``sheet`` to workbooks; ``layer``, ``lon`` and ``lat`` to
    inventories (see :func:`siteplan.sources.read_layer`); the
    OpenCelliD options to cell exports. Rejected rows are in
    ``attrs["rejected"]``, the detected type in ``attrs["source_type"]``.
    """
    path = Path(path)
    if not path.exists():
        raise InputError(f"{path}: file not found.")
    kind = source_type(path)
    if kind == "osm":
        out = read_osm(path, assumptions=assumptions)
    elif kind == "opencellid":
        out = read_opencellid(path, radio=radio, mcc=mcc, mnc=mnc, bbox=bbox,
                              site_distance_m=site_distance_m, on_bad_rows=on_bad_rows,
                              assumptions=assumptions)
    elif kind == "open_list":
        out = read_open_list(path, crs=crs or "wgs84", on_bad_rows=on_bad_rows,
                             encoding=encoding, sheet=sheet)
    else:
        given = {"crs": crs, "layer": layer, "lon": lon, "lat": lat, "encoding": encoding,
                 "sheet": sheet}
        out = read_candidates(path, **{k: v for k, v in given.items() if v is not None})
        out["source"] = path.name
    out.attrs.setdefault("rejected", pd.DataFrame(columns=["line", "column", "reason"]))
    out.attrs["source_type"] = kind
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
