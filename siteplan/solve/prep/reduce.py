"""Row reduction before solving: drop rows that cannot change the answer.

Coverage matrices from geometry repeat themselves: thousands of demand points
in one town see exactly the same sites, and a point seen by sites {a, b}
makes every point seen by {a, b, c} redundant (covering the first covers the
second). Dropping such rows leaves the set of feasible column choices, hence
the optimum and every bound, unchanged, and makes the LP, the Lagrangian and
HiGHS several times faster on city and county instances.

* Identical rows of one group merge into one carrying their summed weight
  (valid for partial targets too).
* A row whose columns include all columns of another row is dropped when both
  rows must be covered (their groups have a full target). Found by checking,
  for each row, only the rows of its rarest column (containment on bit-packed
  rows when the matrix is narrow enough), within a work budget
  and a deadline (the reduction stays valid when either stops it early:
  the cheapest checks run first).

Examples
--------
>>> import scipy.sparse as sp
>>> from siteplan.solve.instance import build_problem
>>> A = sp.csr_array([[1, 1, 0], [1, 1, 0], [1, 1, 1], [0, 0, 1]])
>>> q, kept = reduce_rows(build_problem(A))
>>> kept.tolist(), q.weights.tolist()
([0, 3], [2.0, 1.0])
"""

from __future__ import annotations

import time

import numpy as np
import scipy.sparse as sp

from siteplan.solve.instance import Problem, _ranges
from siteplan.solve.options import DEFAULTS, SolveOptions


def _packed_rows(p: Problem, words_per_row: int, total_words: int) -> np.ndarray | None:
    """Each row's column set as bits, ``n_rows × ceil(n_cols / 64)`` uint64,
    or None when that is too wide (``words_per_row``) or too big
    (``total_words``) to pay."""
    words = -(-p.n_cols // 64)
    if words > words_per_row or p.n_rows * words > total_words:
        return None
    # set each entry's bit straight into its row's word (no dense rows: the
    # sample county's 7,808 × 6,121 rows took 110 ms that way, 5 ms this way)
    out = np.zeros(p.n_rows * words, dtype=np.uint64)
    rows = np.repeat(np.arange(p.n_rows, dtype=np.int64), np.diff(p.row_ptr))
    cols = p.row_cols.astype(np.int64)
    bits = np.left_shift(np.uint64(1), (cols & 63).astype(np.uint64))
    keys = rows * words + (cols >> 6)
    if keys.size and np.any(keys[1:] < keys[:-1]):  # rows not sorted by column
        order = np.argsort(keys, kind="stable")
        keys, bits = keys[order], bits[order]
    if keys.size:
        starts = np.flatnonzero(np.r_[True, keys[1:] != keys[:-1]])
        out[keys[starts]] = np.bitwise_or.reduceat(bits, starts)
    return out.reshape(p.n_rows, words)


def _contained(p: Problem, lengths: np.ndarray, small: np.ndarray, big: np.ndarray,
               bits: np.ndarray | None, keys: np.ndarray | None,
               step_words: int = DEFAULTS.bitset_step_words) -> np.ndarray:
    """For each pair, True when row ``small``'s columns are all in row
    ``big``'s: on the packed rows ``bits`` when given, else by sorted search
    of ``(row, column)`` keys in ``keys`` (``lengths``: columns per row)."""
    if bits is not None:
        out = np.empty(small.size, dtype=bool)
        step = max(1, step_words // bits.shape[1])
        for first in range(0, small.size, step):
            part = slice(first, first + step)
            out[part] = ~np.any(bits[small[part]] & ~bits[big[part]], axis=1)
        return out
    need = lengths[small]
    queries = p.row_cols[_ranges(p.row_ptr, small)].astype(np.int64)
    query_keys = np.repeat(big, need) * p.n_cols + queries
    pos = np.minimum(np.searchsorted(keys, query_keys), keys.size - 1)
    hit = keys[pos] == query_keys
    hits = np.bincount(np.repeat(np.arange(small.size), need), weights=hit,
                       minlength=small.size)
    return hits == need


def _row_hashes(p: Problem, live: np.ndarray) -> np.ndarray:
    """Two 64-bit hashes per row of its column set (sum of random column keys)."""
    rng = np.random.default_rng(12345)
    keys = rng.integers(0, 2**63, size=(2, p.n_cols), dtype=np.uint64)
    lengths = np.diff(p.row_ptr)
    out = np.zeros((p.n_rows, 2), dtype=np.uint64)
    starts = p.row_ptr[:-1][lengths > 0]
    for h in range(2):
        with np.errstate(over="ignore"):
            out[lengths > 0, h] = np.add.reduceat(keys[h][p.row_cols], starts)
    out[~live] = 0
    return out


def _merge_identical(p: Problem, live: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Representative row of every live row (identical column sets, same
    group), checked entry by entry so a hash collision never merges."""
    lengths = np.diff(p.row_ptr)
    rows = np.flatnonzero(live)
    if rows.size == 0:
        return np.arange(p.n_rows), rows
    h = _row_hashes(p, live)
    table = np.column_stack([p.groups[rows].astype(np.uint64), lengths[rows].astype(np.uint64),
                             h[rows, 0], h[rows, 1]])
    _, first, inverse = np.unique(table, axis=0, return_index=True, return_inverse=True)
    rep = rows[first[inverse.ravel()]]
    # confirm: each row's columns equal its representative's
    differ = rep != rows
    check_rows, check_rep = rows[differ], rep[differ]
    if check_rows.size:
        a = p.row_cols[_ranges(p.row_ptr, check_rows)]
        b = p.row_cols[_ranges(p.row_ptr, check_rep)]
        bad_entry = a != b
        owner = np.repeat(np.arange(check_rows.size), lengths[check_rows])
        bad = np.zeros(check_rows.size, dtype=bool)
        bad[owner[bad_entry]] = True
        rep_of = rep.copy()
        rep_of[np.flatnonzero(differ)[bad]] = check_rows[bad]
        rep = rep_of
    representative = np.arange(p.n_rows)
    representative[rows] = rep
    return representative, rows[rep == rows]


def _dominated(p: Problem, rows: np.ndarray, work_limit: float, deadline: float,
               words_per_row: int, options: SolveOptions) -> np.ndarray:
    """Boolean mask of rows (among ``rows``) whose column set strictly
    contains another row's in ``rows``."""
    n_cols = p.n_cols
    dominated = np.zeros(p.n_rows, dtype=bool)
    if rows.size < 2:
        return dominated
    in_set = np.zeros(p.n_rows, dtype=bool)
    in_set[rows] = True
    lengths = np.diff(p.row_ptr)
    col_degree = np.diff(p.col_ptr)
    # each row's rarest column (a containing row must hold it too), found as
    # the least (degree, column) key per row segment
    packed = col_degree[p.row_cols] * np.int64(n_cols) + p.row_cols
    nonempty = lengths > 0
    least = np.zeros(p.n_rows, dtype=np.int64)
    least[nonempty] = np.minimum.reduceat(packed, p.row_ptr[:-1][nonempty])
    del packed
    rarest = least[rows] % n_cols
    work = col_degree[rarest].astype(np.float64) * lengths[rows]
    by_work = np.argsort(work, kind="stable")
    cum = np.cumsum(work[by_work])
    bits, keys = _packed_rows(p, words_per_row, options.bitset_words), None
    if bits is None:
        keys = np.repeat(np.arange(p.n_rows, dtype=np.int64) * n_cols, lengths) + p.row_cols
    i = 0
    while i < by_work.size and time.perf_counter() < deadline:
        done = cum[i - 1] if i else 0.0
        if done >= work_limit:
            break
        end = max(i + 1, int(np.searchsorted(cum, done + options.reduce_chunk_tests)))
        chunk = by_work[i:end]
        i = end
        small = rows[chunk]
        # candidate containers: rows of the rarest column, longer, in the set
        cand_entries = _ranges(p.col_ptr, rarest[chunk])
        pair_small = np.repeat(small, p.col_ptr[rarest[chunk] + 1] - p.col_ptr[rarest[chunk]])
        pair_big = p.col_rows[cand_entries].astype(np.int64)
        ok = in_set[pair_big] & (lengths[pair_big] > lengths[pair_small]) & ~dominated[pair_big]
        pair_small, pair_big = pair_small[ok], pair_big[ok]
        if not pair_small.size:
            continue
        dominated[pair_big[_contained(p, lengths, pair_small, pair_big, bits, keys,
                                           options.bitset_step_words)]] = True
    return dominated


def reduce_rows(p: Problem, *, dominance: bool = True, deadline: float = np.inf,
                bitset_words_per_row: int | None = None,
                options: SolveOptions = DEFAULTS) -> tuple[Problem, np.ndarray]:
    """The problem on fewer rows with the same feasible column sets.

    Parameters
    ----------
    p : Problem
    dominance : bool
        Also drop rows containing another row that must be covered.
    deadline : float
        ``time.perf_counter()`` value after which no more dominance checks
        start.
    bitset_words_per_row : int, optional
        Widest row (64-bit words) tested on bit-packed rows (default
        ``options.bitset_words_per_row``); both tests drop the same rows.
    options : SolveOptions
        ``dominance_work_per_nnz``, ``bitset_words``, ``bitset_step_words``,
        ``reduce_chunk_tests``.

    Returns
    -------
    reduced : Problem
        Same columns and costs; rows merged or dropped. Rows no column covers
        and zero-weight rows are dropped too (they never constrain a choice).
    kept : numpy.ndarray
        Original index of each reduced row.
    """
    live = p.coverable & (p.weights > 0)
    representative, kept = _merge_identical(p, live)
    weights = np.bincount(representative[live], p.weights[live], minlength=p.n_rows)
    group_weight = np.bincount(p.groups[p.coverable], p.weights[p.coverable],
                               minlength=p.n_groups)
    full_group = p.required >= group_weight * (1 - 1e-12)
    if dominance and full_group.any():
        must = kept[full_group[p.groups[kept]]]
        limit = options.dominance_work_per_nnz * p.row_cols.size
        words = options.bitset_words_per_row if bitset_words_per_row is None \
            else bitset_words_per_row
        drop = _dominated(p, must, limit, deadline, words, options)
        kept = kept[~drop[kept]]
    csr = sp.csr_array((np.ones(p.row_cols.size, dtype=np.int8), p.row_cols, p.row_ptr),
                       shape=(p.n_rows, p.n_cols))[kept]
    csr.sort_indices()
    csc = sp.csc_array(csr)
    csc.sort_indices()
    groups = p.groups[kept]
    new_weights = weights[kept]
    new_group_weight = np.bincount(groups, new_weights, minlength=p.n_groups)
    required = np.where(full_group, new_group_weight, p.required)
    index_type = p.col_rows.dtype
    return Problem(
        n_rows=int(kept.size), n_cols=p.n_cols,
        col_ptr=csc.indptr.astype(np.int64), col_rows=csc.indices.astype(index_type),
        row_ptr=csr.indptr.astype(np.int64), row_cols=csr.indices.astype(index_type),
        cost=p.cost, weights=new_weights, groups=groups, required=required,
        coverable=np.ones(kept.size, dtype=bool),
    ), kept


__all__ = ["reduce_rows"]
