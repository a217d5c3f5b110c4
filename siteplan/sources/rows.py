"""Rows a reader could not use: collected with their line numbers, then
either raised as one clear error or reported beside the result.

Examples
--------
>>> bad = BadRows("list.csv")
>>> bad.add([3, 7], "经度", "not a number")
>>> bad.table()["line"].tolist()
[3, 7]
>>> bad.finish("raise")  # doctest: +ELLIPSIS
Traceback (most recent call last):
siteplan.errors.InputError: list.csv: 2 rows cannot be read: line 3, column '经度': not a number; ...
"""

from __future__ import annotations

import warnings
from collections.abc import Iterable

import geopandas as gpd
import numpy as np
import pandas as pd

from siteplan.errors import InputError
from siteplan.messages import Msg
from siteplan.schema import normalise_kind

ON_BAD_ROWS = ("raise", "report")


class Lines(tuple):
    """File line numbers of a table's rows, kept in ``attrs["lines"]``.

    pandas deep-copies ``attrs`` on every operation; this tuple is immutable
    and copies as itself, so 10^5 line numbers cost nothing per step.

    Examples
    --------
    >>> import copy
    >>> lines = Lines([3, 4, 7])
    >>> copy.deepcopy(lines) is lines, lines[2]
    (True, 7)
    """

    __slots__ = ()

    def __deepcopy__(self, memo: dict) -> Lines:
        return self

    def __copy__(self) -> Lines:
        return self


def check_policy(on_bad_rows: str) -> str:
    """Validate an ``on_bad_rows`` argument."""
    if on_bad_rows not in ON_BAD_ROWS:
        raise InputError(Msg("rows.bad_rows_not", choices=ON_BAD_ROWS, value=repr(on_bad_rows)))
    return on_bad_rows


class BadRows:
    """Line numbers, column and reason of the rows a reader rejects."""

    def __init__(self, source: str) -> None:
        self.source = source
        self._parts: list[pd.DataFrame] = []

    def add(self, lines: Iterable[int], column: str, reason: str) -> None:
        """Record rows (file line numbers) rejected for one reason."""
        lines = list(lines)
        if lines:
            self._parts.append(pd.DataFrame({  # object: a Msg reason keeps its catalogue id
                "line": lines, "column": column,
                "reason": pd.Series([reason] * len(lines), dtype=object)}))

    def table(self) -> pd.DataFrame:
        """Every rejected row: ``line``, ``column``, ``reason`` (sorted by line)."""
        if not self._parts:
            return pd.DataFrame({"line": pd.Series(dtype=int), "column": pd.Series(dtype=str),
                                 "reason": pd.Series(dtype=str)})
        return pd.concat(self._parts, ignore_index=True).sort_values("line", kind="stable") \
            .reset_index(drop=True)

    def finish(self, on_bad_rows: str) -> pd.DataFrame:
        """Raise (``"raise"``) or warn and return the table (``"report"``)."""
        table = self.table()
        if table.empty:
            return table
        first = "; ".join(f"line {r.line}, column {r.column!r}: {r.reason}"
                          for r in table.head(5).itertuples())
        text = (f"{self.source}: {len(table)} row{'s' if len(table) > 1 else ''} cannot be read: "
                f"{first}{'; …' if len(table) > 5 else ''}")
        if on_bad_rows == "raise":
            raise InputError(Msg("rows.bad" if len(table) > 1 else "rows.bad_one",
                                 source=self.source, count=len(table),
                                 rows=first + ("; …" if len(table) > 5 else "")))
        warnings.warn(f"{text}. Skipped; listed in attrs['rejected'].", stacklevel=3)
        return table


def screen_inventory(frame: gpd.GeoDataFrame, source: str) -> tuple[gpd.GeoDataFrame,
                                                                     pd.DataFrame]:
    """Drop the rows of a GIS inventory that cannot be candidates (no
    geometry, no or repeated ``site_id``, unknown ``kind``, height not a
    positive number), listing them like a reader's rejected rows.

    Examples
    --------
    >>> from shapely.geometry import Point
    >>> raw = gpd.GeoDataFrame({"site_id": ["a", "a", "b"], "kind": ["铁塔", "tower", "ufo"]},
    ...                        geometry=[Point(0, 0), Point(1, 1), Point(2, 2)], crs=4326)
    >>> kept, rejected = screen_inventory(raw, "inv.gpkg")
    >>> kept["site_id"].tolist(), rejected[["line", "reason"]].values.tolist()
    (['a'], [[2, 'repeated site_id'], [3, "unknown kind 'ufo'"]])
    """
    bad = BadRows(source)
    lines = frame.attrs.get("lines") or list(range(int(frame.attrs.get("row_offset", 1)),
                                                   int(frame.attrs.get("row_offset", 1))
                                                   + len(frame)))
    lines = np.asarray(lines)
    ok = np.ones(len(frame), dtype=bool)
    geometry = frame.geometry
    missing = (geometry.isna() | geometry.is_empty).to_numpy()
    bad.add(lines[missing], "geometry", Msg("row.no_geometry"))
    ok &= ~missing
    if "site_id" in frame.columns:
        ids = frame["site_id"].astype("string").str.strip()
        empty = (ids.isna() | (ids == "")).to_numpy() & ok
        bad.add(lines[empty], "site_id", Msg("row.empty_id"))
        ok &= ~empty
        dup = ids.where(ok).duplicated(keep="first").to_numpy() & ok
        bad.add(lines[dup], "site_id", Msg("row.repeated_id"))
        ok &= ~dup
    if "kind" in frame.columns:
        unknown = frame["kind"].map(lambda k: normalise_kind(k) is None).to_numpy() & ok
        for i in np.flatnonzero(unknown):
            bad.add([lines[i]], "kind", Msg("row.unknown_kind", kind=repr(frame["kind"].iloc[i])))
        ok &= ~unknown
    if "height_m" in frame.columns:
        height = pd.to_numeric(frame["height_m"], errors="coerce")
        wrong = ((height.isna() & frame["height_m"].notna()) | (height <= 0)).to_numpy() & ok
        bad.add(lines[wrong], "height_m", Msg("row.height"))
        ok &= ~wrong
    out = frame[ok].reset_index(drop=True)
    out.attrs = dict(frame.attrs)
    if "lines" in frame.attrs:
        out.attrs["lines"] = Lines(int(n) for n in lines[ok])
    return out, bad.table()
