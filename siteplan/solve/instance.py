"""Input checking and the compact problem form every solver stage shares.

A problem keeps only the sparsity structure of the coverage matrix, in both
orientations (column → rows and row → columns), as int32 index arrays.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
from numpy.typing import ArrayLike

from siteplan.errors import SolverError
from siteplan.messages import Msg


@dataclass(frozen=True)
class Problem:
    """A (possibly partial, possibly grouped) covering problem.

    Attributes
    ----------
    n_rows, n_cols : int
        Demand points and candidate columns.
    col_ptr, col_rows : numpy.ndarray
        CSC structure: rows of column j are ``col_rows[col_ptr[j]:col_ptr[j+1]]``.
    row_ptr, row_cols : numpy.ndarray
        CSR structure: columns covering row i.
    cost : numpy.ndarray
        Column costs (float64, ≥ 0).
    weights : numpy.ndarray
        Row weights (float64, ≥ 0).
    groups : numpy.ndarray
        Group index per row (int64); one group when the caller gave none.
    required : numpy.ndarray
        Weight each group must reach (fraction of its coverable weight).
    coverable : numpy.ndarray
        True for rows at least one column covers.
    """

    n_rows: int
    n_cols: int
    col_ptr: np.ndarray
    col_rows: np.ndarray
    row_ptr: np.ndarray
    row_cols: np.ndarray
    cost: np.ndarray
    weights: np.ndarray
    groups: np.ndarray
    required: np.ndarray
    coverable: np.ndarray

    @property
    def n_groups(self) -> int:
        return int(self.required.size)

    @property
    def full_cover(self) -> bool:
        """True when every coverable row must be covered."""
        group_weight = np.bincount(self.groups[self.coverable], self.weights[self.coverable],
                                   minlength=self.n_groups)
        return bool(np.all(self.required >= group_weight * (1 - 1e-12)))

    def fix(self, preselected: np.ndarray) -> Problem:
        """The residual problem once ``preselected`` are taken: their rows
        count as covered (weight 0, not to be covered), their cost is 0."""
        if preselected.size == 0:
            return self
        pre_cov = self.covered_rows(preselected)
        cost = self.cost.copy()
        cost[preselected] = 0.0
        return Problem(self.n_rows, self.n_cols, self.col_ptr, self.col_rows, self.row_ptr,
                       self.row_cols, cost, np.where(pre_cov, 0.0, self.weights), self.groups,
                       np.maximum(self.required - self.group_covered(pre_cov), 0.0),
                       self.coverable & ~pre_cov)

    def keep_columns(self, columns: np.ndarray) -> Problem:
        """The same rows and targets with only ``columns`` (sorted global
        indices); column ``k`` of the result is ``columns[k]`` here.

        Examples
        --------
        >>> import scipy.sparse as sp
        >>> p = build_problem(sp.csc_array([[1, 0, 1], [0, 1, 1]]), [1.0, 1.0, 3.0])
        >>> q = p.keep_columns(np.array([0, 2]))
        >>> q.n_cols, q.cost.tolist(), q.row_cols.tolist()
        (2, [1.0, 3.0], [0, 1, 1])
        """
        columns = np.asarray(columns, dtype=np.int64)
        lengths = np.diff(self.col_ptr)[columns]
        col_ptr = np.concatenate(([0], np.cumsum(lengths))).astype(np.int64)
        col_rows = self.col_rows[_ranges(self.col_ptr, columns)]
        csr = sp.csr_array(sp.csc_array((np.ones(col_rows.size, dtype=np.int8), col_rows, col_ptr),
                                        shape=(self.n_rows, columns.size)))
        csr.sort_indices()
        return Problem(self.n_rows, int(columns.size), col_ptr, col_rows,
                       csr.indptr.astype(np.int64), csr.indices.astype(self.row_cols.dtype),
                       self.cost[columns], self.weights, self.groups, self.required,
                       np.diff(csr.indptr) > 0)

    def column_rows(self, j: int) -> np.ndarray:
        return self.col_rows[self.col_ptr[j]:self.col_ptr[j + 1]]

    def covered_rows(self, selected: ArrayLike) -> np.ndarray:
        """Boolean mask of rows covered by the selected columns."""
        covered = np.zeros(self.n_rows, dtype=bool)
        sel = np.asarray(selected, dtype=np.int64)
        if sel.size:
            covered[self.col_rows[_ranges(self.col_ptr, sel)]] = True
        return covered

    def cover_counts(self, selected: ArrayLike) -> np.ndarray:
        """How many selected columns cover each row."""
        sel = np.asarray(selected, dtype=np.int64)
        if not sel.size:
            return np.zeros(self.n_rows, dtype=np.int32)
        return np.bincount(self.col_rows[_ranges(self.col_ptr, sel)],
                           minlength=self.n_rows).astype(np.int32)

    def group_covered(self, covered: np.ndarray) -> np.ndarray:
        """Covered weight per group."""
        return np.bincount(self.groups[covered], self.weights[covered], minlength=self.n_groups)

    def feasible(self, selected: ArrayLike) -> bool:
        """True when the selection reaches every group's required weight."""
        got = self.group_covered(self.covered_rows(selected))
        return bool(np.all(got >= self.required - 1e-9 * np.maximum(1.0, self.required)))

    def transpose_matvec(self, row_values: np.ndarray) -> np.ndarray:
        """``A.T @ row_values`` from the CSC structure."""
        return self.transpose_matvec_columns(row_values, 0, self.n_cols)

    def transpose_matvec_columns(self, row_values: np.ndarray, first: int,
                                 stop: int) -> np.ndarray:
        """``(A.T @ row_values)[first:stop]`` (for splitting the work over threads)."""
        lo, hi = self.col_ptr[first], self.col_ptr[stop]
        return _segment_sums(row_values[self.col_rows[lo:hi]], self.col_ptr[first:stop + 1] - lo)

    def matvec_rows(self, col_values: np.ndarray, first: int, stop: int) -> np.ndarray:
        """``(A @ col_values)[first:stop]`` (for splitting the work over threads)."""
        lo, hi = self.row_ptr[first], self.row_ptr[stop]
        return _segment_sums(col_values[self.row_cols[lo:hi]], self.row_ptr[first:stop + 1] - lo)

    def matvec(self, col_values: np.ndarray) -> np.ndarray:
        """``A @ col_values`` from the CSR structure."""
        return self.matvec_rows(col_values, 0, self.n_rows)


def _segment_sums(values: np.ndarray, ptr: np.ndarray) -> np.ndarray:
    """Sum of ``values[ptr[i]:ptr[i+1]]`` for every i (0 for empty segments)."""
    out = np.zeros(ptr.size - 1, dtype=float)
    nonempty = np.flatnonzero(np.diff(ptr) > 0)
    if nonempty.size:
        out[nonempty] = np.add.reduceat(values, ptr[nonempty])
    return out


def _ranges(ptr: np.ndarray, items: np.ndarray) -> np.ndarray:
    """Concatenated index ranges ``ptr[i]:ptr[i+1]`` for each i in ``items``."""
    starts = ptr[items]
    lengths = ptr[items + 1] - starts
    total = int(lengths.sum())
    if total == 0:
        return np.zeros(0, dtype=np.int64)
    offsets = np.repeat(starts - np.concatenate(([0], np.cumsum(lengths)[:-1])), lengths)
    return np.arange(total, dtype=np.int64) + offsets


METHODS = ("greedy", "auto", "exact")


def _vector(values: ArrayLike | None, size: int, name: str, default: float) -> np.ndarray:
    if values is None:
        return np.full(size, default, dtype=float)
    arr = np.asarray(values, dtype=float).ravel()
    if arr.size != size:
        raise SolverError(Msg("solve.instance.has_entries_but", name=name, size=arr.size, expected=size))
    bad = ~np.isfinite(arr) | (arr < 0)
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        raise SolverError(
            Msg("solve.instance.finite_non_negative", name=name, i=i, value=arr[i],
                count=int(bad.sum())))
    return arr


def _canonical(m: sp.csr_array | sp.csc_array) -> sp.csr_array | sp.csc_array:
    """``m`` without explicit zeros or duplicates, indices sorted; the
    caller's matrix is never changed (a copy is made only when needed)."""
    if not (m.has_canonical_format and m.has_sorted_indices) or \
            np.count_nonzero(m.data) < m.data.size:
        m = m.copy()
        m.eliminate_zeros()
        m.sum_duplicates()
        m.sort_indices()
    return m


def _checked_matrix(A: object) -> sp.csr_array | sp.csc_array:
    """``A`` canonical in the orientation it comes in (CSR stays CSR, every
    other format becomes CSC), without copies when it is canonical already.
    Non-finite entries are refused: a NaN is not a clear "covers"."""
    if not (sp.issparse(A)):
        raise SolverError(Msg("solve.instance.scipy_sparse_matrix", name=type(A).__name__))
    if A.ndim != 2 or A.shape[0] == 0 or A.shape[1] == 0:
        raise SolverError(Msg("solve.instance.d_least_row", shape=A.shape))
    m = _canonical(sp.csr_array(A, copy=False) if A.format == "csr"
                   else sp.csc_array(A, copy=False))
    if m.data.dtype.kind in "fc":
        bad = ~np.isfinite(m.data)
        if bad.any():
            k = int(np.flatnonzero(bad)[0])
            outer = int(np.searchsorted(m.indptr, k, side="right") - 1)
            i, j = (outer, int(m.indices[k])) if m.format == "csr" else (int(m.indices[k]), outer)
            raise SolverError(Msg("solve.instance.coverage_matrix_hold", i=i, j=j,
                                  value=m.data[k], count=int(bad.sum())))
    return m


def transpose(m: sp.csr_array | sp.csc_array) -> tuple[np.ndarray, np.ndarray]:
    """The other orientation's ``(indptr, indices)`` of a canonical ``m``
    (CSR → CSC, CSC → CSR), sorted: the one conversion of the input, about
    a second at 30 M nonzeros on a quiet core."""
    other = m.tocsc() if m.format == "csr" else m.tocsr()
    other.sort_indices()  # a no-op: scipy's conversion sorts
    return other.indptr, other.indices


@dataclass(frozen=True)
class Checked:
    """A checked input before its conversion: the matrix canonical in the
    orientation it came in, the costs, weights, groups and absolute
    targets, and which rows any column covers."""

    m: sp.csr_array | sp.csc_array
    cost: np.ndarray
    weights: np.ndarray
    groups: np.ndarray
    required: np.ndarray
    coverable: np.ndarray


def check_input(A: object, cost: ArrayLike | None = None, *, weights: ArrayLike | None = None,
                target: float | ArrayLike = 1.0, groups: ArrayLike | None = None) -> Checked:
    """Every check of :func:`build_problem`, in the orientation ``A`` comes
    in (no conversion yet); see there."""
    m = _checked_matrix(A)
    n_rows, n_cols = m.shape
    cost_arr = _vector(cost, n_cols, "cost", 1.0)
    weight_arr = _vector(weights, n_rows, "weights", 1.0)
    if groups is None:
        group_arr = np.zeros(n_rows, dtype=np.int64)
    else:
        group_arr = np.asarray(groups).ravel()
        if group_arr.size != n_rows or not np.issubdtype(group_arr.dtype, np.integer) \
                or (group_arr.size and group_arr.min() < 0):
            raise SolverError(Msg("solve.instance.groups_hold_non"))
        group_arr = group_arr.astype(np.int64)
    n_groups = int(group_arr.max()) + 1 if group_arr.size else 1
    target_arr = np.asarray(target, dtype=float).ravel()
    if target_arr.size == 1:
        target_arr = np.full(n_groups, float(target_arr[0]))
    if target_arr.size != n_groups:
        raise SolverError(Msg("solve.instance.target_has_entries", size=target_arr.size,
                              n_groups=n_groups))
    bad = ~np.isfinite(target_arr) | (target_arr <= 0) | (target_arr > 1)
    if bad.any():
        raise SolverError(Msg("solve.instance.target_outside_fraction",
                              target=repr(target_arr[bad][0])))
    if m.format == "csr":
        coverable = np.diff(m.indptr) > 0
    else:
        coverable = np.zeros(n_rows, dtype=bool)
        coverable[m.indices] = True
    group_weight = np.bincount(group_arr[coverable], weight_arr[coverable], minlength=n_groups)
    required = np.where(target_arr >= 1.0, group_weight, target_arr * group_weight)
    return Checked(m, cost_arr, weight_arr, group_arr, required, coverable)


def assemble(c: Checked, other: tuple[np.ndarray, np.ndarray]) -> Problem:
    """The :class:`Problem` of a checked input and its other orientation
    (:func:`transpose`'s ``(indptr, indices)``)."""
    n_rows, n_cols = c.m.shape
    if c.m.format == "csr":
        (col_ptr, col_rows), (row_ptr, row_cols) = other, (c.m.indptr, c.m.indices)
    else:
        (col_ptr, col_rows), (row_ptr, row_cols) = (c.m.indptr, c.m.indices), other
    index_type = np.int32 if max(n_rows, n_cols, c.m.nnz) < 2**31 - 1 else np.int64
    return Problem(
        n_rows=n_rows, n_cols=n_cols,
        col_ptr=np.asarray(col_ptr).astype(np.int64, copy=False),
        col_rows=np.asarray(col_rows).astype(index_type, copy=False),
        row_ptr=np.asarray(row_ptr).astype(np.int64, copy=False),
        row_cols=np.asarray(row_cols).astype(index_type, copy=False),
        cost=c.cost, weights=c.weights, groups=c.groups, required=c.required,
        coverable=c.coverable,
    )


def build_problem(A: object, cost: ArrayLike | None = None, *, weights: ArrayLike | None = None,
                  target: float | ArrayLike = 1.0, groups: ArrayLike | None = None) -> Problem:
    """Check inputs and build a :class:`Problem`.

    Every input is checked before the matrix is converted (the orientation
    it comes in is used as is; the other is made once, by :func:`transpose`).

    Parameters
    ----------
    A : scipy.sparse matrix or array
        Rows are demand points, columns candidates; any nonzero means "covers".
    cost : array, optional
        Column costs, default 1.
    weights : array, optional
        Row weights, default 1.
    target : float or array
        Fraction of the coverable weight to reach, in (0, 1]; one per group
        when ``groups`` is given.
    groups : array of int, optional
        Group label (0..G-1) per row; each group reaches its own target.

    Raises
    ------
    SolverError
        Dense or wrong-shaped matrix, NaN or infinite entries in it, bad
        costs/weights, target outside (0, 1].

    Examples
    --------
    >>> import scipy.sparse as sp
    >>> p = build_problem(sp.csr_array([[1, 0], [0, 1], [0, 0]]))
    >>> p.coverable.tolist()
    [True, True, False]
    """
    checked = check_input(A, cost, weights=weights, target=target, groups=groups)
    return assemble(checked, transpose(checked.m))


def check_preselected(preselected: ArrayLike | None, n_cols: int) -> np.ndarray:
    """Validate and normalise preselected column indices (sorted, unique)."""
    if preselected is None:
        return np.zeros(0, dtype=np.int64)
    arr = np.asarray(preselected)
    if arr.dtype == bool:
        if arr.size != n_cols:
            raise SolverError(Msg("solve.instance.preselected_mask_has", size=arr.size, n_cols=n_cols))
        return np.flatnonzero(arr).astype(np.int64)
    arr = arr.ravel()
    if arr.size and (not np.issubdtype(arr.dtype, np.integer) or arr.min() < 0
                     or arr.max() >= n_cols):
        raise SolverError(Msg("solve.instance.preselected_column_indices", n_cols=n_cols))
    return np.unique(arr.astype(np.int64))


def check_method(method: str) -> None:
    """A clear error for a method that is not one of ``METHODS``."""
    if method not in METHODS:
        raise SolverError(Msg("solve.instance.method_not", method=repr(method),
                              methods=", ".join(METHODS)))


def check_time(time_limit_s: float | None) -> None:
    """A clear error for a limit that is not a positive finite number of seconds."""
    if time_limit_s is not None and not (
            isinstance(time_limit_s, int | float) and np.isfinite(time_limit_s)
            and time_limit_s > 0):
        raise SolverError(Msg("solve.instance.time_limit_s", time_limit_s=repr(time_limit_s)))
