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

import pandas as pd

from siteplan.errors import InputError

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
        raise InputError(f"on_bad_rows must be one of {ON_BAD_ROWS}, not {on_bad_rows!r}.")
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
            self._parts.append(pd.DataFrame({"line": lines, "column": column, "reason": reason}))

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
            raise InputError(f"{text}. Fix these rows, or pass on_bad_rows='report' "
                             "(--skip-bad-rows) to skip and list them.")
        warnings.warn(f"{text}. Skipped; listed in attrs['rejected'].", stacklevel=3)
        return table
