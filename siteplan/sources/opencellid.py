"""OpenCelliD / Mozilla Location Service cell exports as existing-site candidates.

One row per cell (``radio,mcc,net,area,cell,unit,lon,lat,range,samples,
changeable,created,updated,averageSignal``), plain or ``.gz``, with or
without the header row (detected, not assumed). The file is streamed in
chunks and only the filtered cells are kept, so a multi-gigabyte country
export fits in little memory. Cells of one operator (MCC + MNC) within
``site_distance_m`` of each other (single linkage) are one physical site:
one ``existing_site`` candidate at the cells' mean position, with
``n_cells``, ``radios`` and ``operator``.

Examples
--------
>>> from siteplan.sources import read_opencellid
>>> from siteplan.datasets import data_path
>>> sites = read_opencellid(data_path("opencellid/ocid-diff-2022-09-10.csv"), mcc=460)
>>> len(sites), int(sites["n_cells"].sum()), sorted(set(sites["operator"]))
(19, 19, ['China Mobile', 'China Telecom', 'China Unicom'])
"""

from __future__ import annotations

import gzip
from collections.abc import Iterable, Sequence
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd

from siteplan.defaults import Assumptions
from siteplan.errors import InputError
from siteplan.messages import Msg
from siteplan.sources.link import link_within
from siteplan.sources.rows import BadRows, check_policy

COLUMNS = ("radio", "mcc", "net", "area", "cell", "unit", "lon", "lat", "range", "samples",
           "changeable", "created", "updated", "averageSignal")
RADIOS = ("GSM", "UMTS", "CDMA", "LTE", "NR")
RADIO_ALIASES = {"2G": "GSM", "3G": "UMTS", "WCDMA": "UMTS", "4G": "LTE", "5G": "NR"}
#: Chinese operators by MNC (MCC 460), for the ``operator`` column.
CHINA_MNC = {0: "China Mobile", 2: "China Mobile", 4: "China Mobile", 7: "China Mobile",
             8: "China Mobile", 1: "China Unicom", 6: "China Unicom", 9: "China Unicom",
             3: "China Telecom", 5: "China Telecom", 11: "China Telecom", 15: "China Broadnet"}
EARTH_RADIUS_M = 6_371_008.8
CHUNK_ROWS = 200_000
_KEEP = {"radio": np.int8, "mcc": np.int32, "net": np.int32, "area": np.int32,
         "cell": np.int64, "lon": np.float64, "lat": np.float64}


def first_line(path: Path) -> str:
    """The first line of a plain or ``.gz`` text file (BOM and spaces stripped)."""
    opener = gzip.open if path.suffix == ".gz" else open
    try:
        with opener(path, "rt", encoding="utf-8-sig", errors="replace") as handle:
            return handle.readline().strip()
    except (OSError, EOFError) as exc:
        raise InputError(Msg("opencellid.cannot_read_download", path=path, detail=exc)) from exc


def header_row(line: str) -> bool | None:
    """Whether a first line is an OpenCelliD header (True), an OpenCelliD
    data row (False: the file has no header), or neither (None).

    Examples
    --------
    >>> header_row("radio,mcc,net,area"), header_row("LTE" + ",1" * 13), header_row("a,b")
    (True, False, None)
    """
    fields = [f.strip().lower() for f in line.split(",")]
    if fields[:3] == ["radio", "mcc", "net"]:
        return True
    if len(fields) == len(COLUMNS) and fields[0].upper() in RADIOS:
        return False
    return None


def _has_header(path: Path) -> bool:
    first = first_line(path)
    if not first:
        raise InputError(Msg("text.empty", path=path))
    header = header_row(first)
    if header is None:
        raise InputError(Msg("opencellid.not_opencellid_cell", path=path, first=repr(first[:80]),
                             columns=','.join(COLUMNS)))
    return header


def _as_set(values: object, what: str, parse) -> set | None:
    if values is None:
        return None
    items = [values] if isinstance(values, str | int) else list(values)  # type: ignore[arg-type]
    try:
        return {parse(v) for v in items}
    except (TypeError, ValueError) as exc:
        raise InputError(Msg("opencellid.cannot_read", what=what, values=repr(values), detail=exc)) from exc


def _radio(value: object) -> str:
    text = str(value).strip().upper()
    text = RADIO_ALIASES.get(text, text)
    if text not in RADIOS:
        raise ValueError(Msg("opencellid.unknown_radio", value=repr(value),
                             radios=", ".join(RADIOS)))
    return text


def _chunks(path: Path, header: bool) -> Iterable[tuple[pd.DataFrame, int]]:
    reader = pd.read_csv(
        path, header=0 if header else None, names=None if header else list(COLUMNS),
        usecols=["radio", "mcc", "net", "area", "cell", "lon", "lat"],
        dtype=str, chunksize=CHUNK_ROWS, compression="infer", keep_default_na=False)
    line_no = 2 if header else 1
    try:
        for chunk in reader:
            yield chunk, line_no
            line_no += len(chunk)
    except pd.errors.ParserError as exc:
        raise InputError(Msg("opencellid.remove_repair_that", path=path, detail=exc)) from exc
    except (OSError, EOFError, UnicodeDecodeError) as exc:
        raise InputError(Msg("opencellid.cannot_read_download", path=path, detail=exc)) from exc
    except ValueError as exc:  # usecols missing: a header without the OpenCelliD names
        raise InputError(Msg("opencellid.expected_columns", path=path, detail=exc,
                             columns=','.join(COLUMNS))) from exc


def read_cells(path: str | Path, *, radio: object = None, mcc: object = None, mnc: object = None,
               bbox: Sequence[float] | None = None, area: object = None,
               on_bad_rows: str = "raise") -> tuple[pd.DataFrame, pd.DataFrame]:
    """Stream the cell rows that pass the filters (see :func:`read_opencellid`).

    Returns
    -------
    cells : pandas.DataFrame
        ``radio`` (categorical), ``mcc, net, area, cell, lon, lat`` in
        compact dtypes (columns concatenated one at a time, so memory stays
        near the size of the kept cells).
    rejected : pandas.DataFrame
        Rows that could not be read (``line``, ``column``, ``reason``).
    """
    path = Path(path)
    if not path.exists():
        raise InputError(Msg("file.not_found", path=path))
    check_policy(on_bad_rows)
    radios = _as_set(radio, "radio", _radio)
    mccs = _as_set(mcc, "mcc", int)
    mncs = _as_set(mnc, "mnc", int)
    if bbox is not None:
        if len(bbox) != 4 or not (bbox[0] < bbox[2] and bbox[1] < bbox[3]):
            raise InputError(Msg("opencellid.bbox_min_lon", bbox=repr(bbox)))
    header = _has_header(path)
    bad = BadRows(str(path))
    kept: dict[str, list[np.ndarray]] = {c: [] for c in _KEEP}
    wanted = (radios, mccs, mncs, bbox)
    for chunk, line_no in _chunks(path, header):
        _screen_chunk(chunk, np.arange(line_no, line_no + len(chunk)), wanted, bad, kept)
        del chunk
    rejected = bad.finish(on_bad_rows)
    cells = _assemble(kept)
    if area is not None and len(cells):
        shape = area.union_all() if hasattr(area, "union_all") else area
        inside = gpd.GeoSeries(gpd.points_from_xy(cells["lon"], cells["lat"]), crs=4326) \
            .within(shape).to_numpy()
        cells = cells[inside].reset_index(drop=True)
    return cells, rejected


def _screen_chunk(chunk: pd.DataFrame, lines: np.ndarray, wanted: tuple, bad: BadRows,
                  kept: dict[str, list[np.ndarray]]) -> None:
    """Record a chunk's unreadable rows in ``bad`` and append the cells that
    pass the filters ``wanted`` (radios, mccs, mncs, bbox) to ``kept``."""
    radios, mccs, mncs, bbox = wanted
    text = chunk["radio"].str.strip().str.upper()
    unknown = ~text.isin(RADIOS)
    bad.add(lines[unknown.to_numpy()], "radio", Msg("row.radio", radios=", ".join(RADIOS)))
    nums = {c: pd.to_numeric(chunk[c], errors="coerce") for c in
            ("mcc", "net", "area", "cell", "lon", "lat")}
    ok = ~unknown.to_numpy()
    for c in ("mcc", "net", "lon", "lat"):
        miss = nums[c].isna().to_numpy() & ok
        bad.add(lines[miss], c, Msg("row.nan", column=c))
        ok &= ~miss
    lon, lat = nums["lon"].to_numpy(), nums["lat"].to_numpy()
    off = ok & ((np.abs(lon) > 180) | (np.abs(lat) > 90))
    bad.add(lines[off], "lon/lat", Msg("row.outside"))
    ok &= ~off
    for allowed, values in ((radios, text), (mccs, nums["mcc"]), (mncs, nums["net"])):
        if allowed is not None:
            ok &= values.isin(allowed).to_numpy()
    if bbox is not None:
        ok &= (lon >= bbox[0]) & (lon <= bbox[2]) & (lat >= bbox[1]) & (lat <= bbox[3])
    if not ok.any():
        return
    codes = pd.Categorical(text[ok], categories=RADIOS).codes
    for c, values in (("radio", codes), ("mcc", nums["mcc"][ok]), ("net", nums["net"][ok]),
                      ("area", nums["area"][ok].fillna(-1)),
                      ("cell", nums["cell"][ok].fillna(-1)), ("lon", lon[ok]),
                      ("lat", lat[ok])):
        kept[c].append(np.asarray(values).astype(_KEEP[c]))


def _assemble(kept: dict[str, list[np.ndarray]]) -> pd.DataFrame:
    """The kept cells as one frame, columns concatenated one at a time."""
    columns = {}
    for c in _KEEP:
        parts = kept.pop(c)
        columns[c] = np.concatenate(parts) if parts else np.zeros(0, _KEEP[c])
        del parts
    columns["radio"] = pd.Categorical.from_codes(columns["radio"], categories=RADIOS)
    return pd.DataFrame(columns, copy=False)


def group_sites(cells: pd.DataFrame, site_distance_m: float) -> np.ndarray:
    """Site label per cell: one operator's cells linked within ``site_distance_m``.

    Examples
    --------
    >>> import pandas as pd
    >>> cells = pd.DataFrame({"mcc": [460] * 4, "net": [0, 0, 0, 1],
    ...                       "lon": [119.3, 119.3002, 119.31, 119.3],
    ...                       "lat": [26.1, 26.1, 26.1, 26.1]})
    >>> group_sites(cells, 50.0).tolist()  # 20 m apart: one site; 1 km; other operator
    [0, 0, 1, 2]
    """
    operator = cells["mcc"].to_numpy(np.int64) * 1000 + cells["net"].to_numpy(np.int64)
    lat = np.radians(cells["lat"].to_numpy())
    # local east/north metres (distance error < 0.1 % at site scale)
    xy = np.column_stack([EARTH_RADIUS_M * np.radians(cells["lon"].to_numpy()) * np.cos(lat),
                          EARTH_RADIUS_M * lat])
    return link_within(xy, operator, site_distance_m)


def read_opencellid(path: str | Path, *, radio: object = None, mcc: object = None,
                    mnc: object = None, bbox: Sequence[float] | None = None, area: object = None,
                    site_distance_m: float | None = None, on_bad_rows: str = "raise",
                    assumptions: Assumptions | dict | None = None) -> gpd.GeoDataFrame:
    """Existing sites from an OpenCelliD/MLS cell export, one row per site.

    Parameters
    ----------
    path : str or Path
        ``.csv`` or ``.csv.gz``, header row optional.
    radio : str or list, optional
        Keep these technologies (``"NR"``, ``"LTE"``, ``"GSM"``, ``"UMTS"``,
        ``"CDMA"``; ``"5G"``/``"4G"`` accepted).
    mcc, mnc : int or list, optional
        Keep these country / network codes (460 = China).
    bbox : (min lon, min lat, max lon, max lat), optional
        Keep cells inside (WGS84).
    area : shapely geometry or GeoDataFrame (EPSG:4326), optional
        Keep cells inside.
    site_distance_m : float, optional
        Cells of one operator closer than this are one site (default
        ``opencellid.site_distance_m``, 50 m).
    on_bad_rows : {"raise", "report"}
        Unreadable rows raise an error naming their lines, or are skipped and
        listed in ``attrs["rejected"]`` (``line``, ``column``, ``reason``).

    Returns
    -------
    geopandas.GeoDataFrame
        Canonical candidates (``kind`` = ``existing_site``, EPSG:4326) with
        ``n_cells``, ``radios``, ``mcc``, ``mnc``, ``operator``, ``source``.

    Raises
    ------
    InputError
        Missing, empty, corrupt or non-OpenCelliD file; bad rows with
        ``on_bad_rows="raise"``; no cell left after the filters.
    """
    if not isinstance(assumptions, Assumptions):
        assumptions = Assumptions(assumptions)
    if site_distance_m is None:
        site_distance_m = float(assumptions["opencellid.site_distance_m"])
    if not np.isfinite(site_distance_m) or site_distance_m <= 0:
        raise InputError(Msg("opencellid.site_distance_m", site_distance_m=repr(site_distance_m)))
    cells, rejected = read_cells(path, radio=radio, mcc=mcc, mnc=mnc, bbox=bbox, area=area,
                                 on_bad_rows=on_bad_rows)
    if len(cells) == 0:
        raise InputError(Msg("opencellid.no_cell_left", path=path, radio=radio, mcc=mcc, mnc=mnc, bbox=bbox))
    site = group_sites(cells, site_distance_m)
    order = np.argsort(site, kind="stable")
    site = site[order]
    starts = np.flatnonzero(np.r_[True, site[1:] != site[:-1]])
    n_cells = np.diff(np.r_[starts, site.size])
    first = order[starts]
    bits = np.left_shift(1, cells["radio"].cat.codes.to_numpy(np.int64))[order]
    mask = np.bitwise_or.reduceat(bits, starts)
    names = {m: ",".join(r for k, r in enumerate(RADIOS) if m >> k & 1) for m in np.unique(mask)}
    lon = np.add.reduceat(cells["lon"].to_numpy()[order], starts) / n_cells
    lat = np.add.reduceat(cells["lat"].to_numpy()[order], starts) / n_cells
    mcc_v, mnc_v = cells["mcc"].to_numpy()[first], cells["net"].to_numpy()[first]
    area_v, cell_v = cells["area"].to_numpy()[first], cells["cell"].to_numpy()[first]
    del cells, site, order, bits, first  # the cells are summarised: free them before the table
    ops = {(m, n): CHINA_MNC.get(int(n), f"MCC {m} MNC {n}") if m == 460 else f"MCC {m} MNC {n}"
           for m, n in set(zip(mcc_v.tolist(), mnc_v.tolist(), strict=True))}
    operator = pd.Categorical([ops[k] for k in zip(mcc_v.tolist(), mnc_v.tolist(), strict=True)])
    n = n_cells.size

    def category(values: object) -> pd.Categorical:
        if isinstance(values, str):
            return pd.Categorical.from_codes(np.zeros(n, dtype=np.int8), categories=[values])
        return pd.Categorical(values)

    # canonical columns built directly; repeated text as categoricals, so a
    # country export with millions of sites stays small in memory
    out = gpd.GeoDataFrame({
        "site_id": [f"ocid:{m}-{k}-{a}-{c}" for m, k, a, c in zip(
            mcc_v.tolist(), mnc_v.tolist(), area_v.tolist(), cell_v.tolist(), strict=True)],
        "kind": category("existing_site"), "height_m": np.full(n, np.nan),
        "owner": category(operator), "open_access": np.zeros(n, dtype=bool),
        "on_air": np.zeros(n, dtype=bool), "power_supply": category("unknown"),
        "name": category(""), "operator": category(operator), "n_cells": n_cells,
        "radios": pd.Categorical.from_codes(np.searchsorted(sorted(names), mask),
                                            categories=[names[m] for m in sorted(names)]),
        "mcc": mcc_v, "mnc": mnc_v, "source": category("opencellid"),
    }, geometry=gpd.points_from_xy(lon, lat), crs=4326)
    dup = out["site_id"].duplicated(keep="first")
    if dup.any():
        out.loc[dup, "site_id"] = out.loc[dup, "site_id"] + "#" + out.index[dup].astype(str)
    out.attrs["rejected"] = rejected
    return out
