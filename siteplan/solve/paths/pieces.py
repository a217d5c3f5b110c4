"""Split a grouped partial cover into independent pieces and solve each.

Once the preselected columns are taken (their rows count as covered, the
targets and capacity demand drop by what they give) and the groups they
already satisfy are dropped, a planner's milestone falls apart into pieces
that share nothing: a village's demand is reached only by the sites near
it. The pieces are the connected components of the graph whose nodes are
the free columns, the groups and the capacity rows, with an edge from a
column to the group of every live row it covers and to every capacity row
it gives to (so an area whose target spans several clusters of sites stays
one piece). A cover of the whole is a cover of every piece and back, so the
optimum is the sum of the pieces' optima, and the sum of valid lower bounds
on the pieces is a valid lower bound on the whole.

Each piece is solved by what suits its size:

- pieces of at most ``options.small_piece_nnz`` nonzeros: the exact MILP (``x`` per
  column, ``y`` per row with ``y_i <= sum_j a_ij x_j``, one row per group
  target; shrunk first, capacity rows added only when the coverage-only
  optimum misses them; :func:`exact_piece`) by HiGHS in child processes
  (:class:`PieceRunner`, one per core) that send each piece's answer as it
  finishes and are killed at the deadline, each piece getting a share of
  the time by size; the bound is HiGHS's, at least the LP relaxation's;
- the others (:func:`solve_big`, also a problem that is one large piece
  with capacity rows):
  the whole ``auto`` pipeline (:func:`siteplan.solve.cover.solve_problem`)
  on the coverage-only problem with a share of the time by size, and for
  pieces too large for HiGHS's MILP the LP relaxation in a child beside it
  (killed at the deadline: an LP that does not finish costs the search
  nothing); capacity rows are then checked and, where the coverage-only
  cover misses one, met by adding the columns of least cost per unit of
  capacity (the bound of the coverage-only problem is a bound of the
  problem with capacity rows too: it relaxes it);
- a piece whose exact run did not finish keeps its part of the greedy
  cover of the whole (a cover of the piece) and the bound HiGHS reported,
  or 0.

In deterministic mode each piece's HiGHS run gets a node budget sized from
the time limit (never the clock), and its answer is taken when HiGHS
finished within it (proven, or stopped by the node budget); a piece the
clock cut keeps its greedy part and ``details["deterministic_cut"]`` says
so. The cover then does not depend on timing.

Examples
--------
>>> import scipy.sparse as sp
>>> from siteplan.solve.paths.general import build_general
>>> A = sp.csc_array([[1, 1, 0, 0], [0, 1, 0, 0], [0, 0, 1, 1], [0, 0, 0, 1]])
>>> g = build_general(A, [1.0, 1.5, 1.0, 1.2], weights=None, target=1.0,
...                   groups=[0, 0, 1, 1], cover_requirement=None, capacity=None)
>>> [piece.columns.tolist() for piece in split(g, np.zeros(0, np.int64))]
[[0, 1], [2, 3]]
"""

from __future__ import annotations

import multiprocessing
import multiprocessing.connection
import time
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
from scipy.sparse.csgraph import connected_components

from siteplan.solve.bounds.lagrange import quick_bound
from siteplan.solve.bounds.proof import cost_unit, optimal_at, round_up
from siteplan.solve.clock import Clock, lap
from siteplan.solve.exact.child import ChildRun, can_fork, quiet_child
from siteplan.solve.exact.highs import MipResult, lp_bound, mip_cover
from siteplan.solve.instance import Problem, _ranges
from siteplan.solve.options import SolveOptions
from siteplan.solve.paths.general import (
    General,
    general_greedy,
    meet_capacity,
    prune,
    solve_milp,
)
from siteplan.solve.paths.single import solve_problem
from siteplan.solve.prep.fixing import shrink
from siteplan.solve.results import SetCoverResult
from siteplan.solve.search.greedy import greedy_cover, remove_redundant


@dataclass(frozen=True)
class Piece:
    """One independent part: global ``rows`` (live demand rows), ``columns``
    (free columns), ``groups`` and capacity rows ``caps`` it holds, and its
    nonzeros."""

    rows: np.ndarray
    columns: np.ndarray
    groups: np.ndarray
    caps: np.ndarray
    nnz: int


def residual(g: General, pre: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """What is left once ``pre`` is chosen: the live rows (coverable, weight
    > 0, not covered by ``pre``, in a group not yet met), the weight each
    group still needs, and the capacity each capacity row still needs."""
    p = g.p
    covered = p.covered_rows(pre)
    need = np.maximum(p.required - p.group_covered(covered & p.coverable), 0.0)
    met = need <= 1e-9 * np.maximum(1.0, p.required)
    need[met] = 0.0
    live = p.coverable & (p.weights > 0) & ~covered & ~met[p.groups]
    x = np.zeros(p.n_cols)
    x[pre] = 1.0
    cap_need = np.maximum(g.need - g.cap @ x, 0.0)
    cap_need[cap_need <= 1e-9 * np.maximum(1.0, g.need)] = 0.0
    return np.flatnonzero(live), need, cap_need


def split(g: General, pre: np.ndarray) -> list[Piece]:
    """The independent pieces of ``g`` once ``pre`` is chosen (see the
    module notes), largest first; only rows that still matter and free
    columns appear."""
    p = g.p
    rows, need, cap_need = residual(g, pre)
    free = np.ones(p.n_cols, dtype=bool)
    free[pre] = False
    n, n_groups = p.n_cols, p.n_groups
    lengths = (p.row_ptr[rows + 1] - p.row_ptr[rows]).astype(np.int64)
    starts = np.repeat(p.row_ptr[rows] - np.concatenate(([0], np.cumsum(lengths)[:-1])),
                       lengths)
    cols = p.row_cols[np.arange(int(lengths.sum()), dtype=np.int64) + starts].astype(np.int64)
    row_of = np.repeat(rows, lengths)
    keep = free[cols]
    cols, row_of = cols[keep], row_of[keep]
    cap = sp.csr_array(g.cap)
    cap_rows = np.flatnonzero(cap_need > 0)
    cap_cols, cap_of = [], []
    for h in cap_rows.tolist():
        c = cap.indices[cap.indptr[h]:cap.indptr[h + 1]]
        c = c[free[c] & (cap.data[cap.indptr[h]:cap.indptr[h + 1]] > 0)]
        cap_cols.append(c)
        cap_of.append(np.full(c.size, h))
    cap_c = np.concatenate(cap_cols).astype(np.int64) if cap_cols else np.zeros(0, np.int64)
    cap_h = np.concatenate(cap_of).astype(np.int64) if cap_of else np.zeros(0, np.int64)
    size = n + n_groups + g.need.size
    src = np.concatenate([cols, cap_c])
    dst = np.concatenate([n + p.groups[row_of], n + n_groups + cap_h])
    graph = sp.coo_array((np.ones(src.size, dtype=np.int8), (src, dst)), shape=(size, size))
    _, label = connected_components(graph, directed=False)
    used_cols = np.zeros(n, dtype=bool)
    used_cols[cols] = True
    used_cols[cap_c] = True
    group_live = np.zeros(n_groups, dtype=bool)
    group_live[p.groups[rows]] = True
    col_ids = np.flatnonzero(used_cols)
    group_ids = np.flatnonzero(group_live & (need > 0))
    cap_ids = cap_rows
    row_label = label[n + p.groups[rows]]
    nnz_per_label = np.bincount(label[n + p.groups[row_of]], minlength=size)
    out = []
    by = {}
    for kind, ids, lab in (("rows", rows, row_label), ("columns", col_ids, label[col_ids]),
                           ("groups", group_ids, label[n + group_ids]),
                           ("caps", cap_ids, label[n + n_groups + cap_ids])):
        order = np.argsort(lab, kind="stable")
        lab_sorted = lab[order]
        cuts = np.flatnonzero(np.diff(lab_sorted)) + 1
        for part in np.split(order, cuts):
            if part.size:
                by.setdefault(int(lab[part[0]]), {})[kind] = ids[part]
    empty = np.zeros(0, dtype=np.int64)
    for key, parts in by.items():
        if "columns" not in parts or ("groups" not in parts and "caps" not in parts):
            continue  # nothing to choose, or nothing asked of it
        out.append(Piece(parts.get("rows", empty), parts["columns"],
                         parts.get("groups", empty), parts.get("caps", empty),
                         int(nnz_per_label[key])))
    out.sort(key=lambda piece: (-piece.nnz, int(piece.columns[0])))
    return out


@dataclass(frozen=True)
class Residual:
    """What :func:`residual` says, computed once for every piece."""

    need: np.ndarray
    cap_need: np.ndarray
    cap_rows: sp.csr_array


def piece_general(g: General, piece: Piece, left: Residual) -> General:
    """``piece`` as a problem of its own: its rows and columns renumbered,
    each group needing what is left of its target (``left``), each capacity
    row what is left of its demand."""
    p = g.p
    lengths = p.row_ptr[piece.rows + 1] - p.row_ptr[piece.rows]
    cols = p.row_cols[_ranges(p.row_ptr, piece.rows)]
    mapped = np.searchsorted(piece.columns, cols)  # every live row's columns are the piece's
    indptr = np.concatenate(([0], np.cumsum(lengths))).astype(np.int64)
    a = sp.csr_array((np.ones(mapped.size, dtype=np.int8), mapped, indptr),
                     shape=(piece.rows.size, piece.columns.size))
    a.sort_indices()
    csc = sp.csc_array(a)
    csc.sort_indices()
    groups = np.searchsorted(piece.groups, p.groups[piece.rows]).astype(np.int64)
    q = Problem(piece.rows.size, piece.columns.size, csc.indptr.astype(np.int64),
                csc.indices.astype(np.int32), a.indptr.astype(np.int64),
                a.indices.astype(np.int32), p.cost[piece.columns], p.weights[piece.rows],
                groups, left.need[piece.groups], np.diff(a.indptr) > 0)
    if piece.caps.size:
        cap = sp.csc_array(left.cap_rows[piece.caps][:, piece.columns])
    else:
        cap = sp.csc_array((0, piece.columns.size))
    need_cap = left.cap_need[piece.caps]
    return General(q, np.ones(q.n_rows, dtype=np.int64), cap, need_cap, np.zeros(need_cap.size))


def piece_greedy(sub: General, clock: Clock | None = None,
                 details: dict | None = None) -> np.ndarray:
    """A cover of a piece: the vectorised single-cover greedy when its cover
    meets the capacity rows too (the usual case), else the general greedy;
    with a ``clock`` both stop at the call's soft deadline (their covers
    completed in one pass; ``details`` then gets ``greedy_cut``) and the
    pruning at its prune deadline."""
    none = np.zeros(0, np.int64)
    soft, prune_at = (None, None) if clock is None else (clock.call_soft, clock.call_prune)
    probe_details: dict = {}
    probe = remove_redundant(sub.p, greedy_cover(sub.p, none, deadline=soft,
                                                 details=probe_details),
                             none, deadline=prune_at)
    if sub.feasible(probe):
        if details is not None:
            details.update(probe_details)
        return prune(sub, probe, none, deadline=prune_at)
    return general_greedy(sub, none, deadline=soft, prune_deadline=prune_at, details=details)


def batches(pieces: list[Piece], nnz: int) -> list[Piece]:
    """Small pieces joined into batches of at most ``nnz`` nonzeros (one
    HiGHS model each: a block-diagonal MILP whose optimum is the sum of its
    pieces' optima), in the order given."""
    out, part, size = [], [], 0
    for pc in pieces:
        if part and size + pc.nnz > nnz:
            out.append(_join(part))
            part, size = [], 0
        part.append(pc)
        size += pc.nnz
    if part:
        out.append(_join(part))
    return out


def _join(parts: list[Piece]) -> Piece:
    if len(parts) == 1:
        return parts[0]
    return Piece(*(np.sort(np.concatenate([getattr(pc, f) for pc in parts]))
                   for f in ("rows", "columns", "groups", "caps")),
                 sum(pc.nnz for pc in parts))


def piece_bound(sub: General) -> float:
    """A valid lower bound on a piece without HiGHS: the Lagrangian bound
    at Beasley's multipliers of its single-cover relaxation (capacity rows
    dropped), or each capacity row's cheapest fractional fill, the larger."""
    none = np.zeros(0, np.int64)
    bound = quick_bound(sub.p, none) if sub.p.n_rows else 0.0
    cap = sp.csr_array(sub.cap)
    for h in range(sub.need.size):
        lo, hi = cap.indptr[h], cap.indptr[h + 1]
        amount, cols = cap.data[lo:hi], cap.indices[lo:hi]
        keep = amount > 0
        order = np.argsort(sub.p.cost[cols[keep]] / amount[keep], kind="stable")
        fill = np.cumsum(amount[keep][order])
        k = int(np.searchsorted(fill, sub.need[h] * (1 - 1e-9)))
        paid = float(sub.p.cost[cols[keep][order[:k]]].sum())
        if k < order.size:
            before = fill[k - 1] if k else 0.0
            paid += float(sub.p.cost[cols[keep][order[k]]]) * (sub.need[h] - before) \
                / float(amount[keep][order[k]])
        bound = max(bound, paid)
    return max(bound, 0.0)


def exact_piece(g: General, piece: Piece, left: Residual, deadline: float, seed: int,
                nodes: int | None = None) -> tuple[np.ndarray, MipResult | None, bool]:
    """The greedy cover of ``piece`` (global columns) and HiGHS's answer on
    its exact MILP (``selected`` as global columns; None when HiGHS found
    nothing by ``deadline``), and whether the clock cut HiGHS (with a node
    budget ``nodes`` and not cut, its answer depends only on the inputs).

    HiGHS first sees the coverage-only problem shrunk
    (:func:`siteplan.solve.prep.fixing.shrink`: identical rows merged, dominated
    columns dropped), looking only for covers no dearer than the greedy's;
    its bound holds for the piece (a relaxation), and when its cover meets
    the capacity rows too it is the piece's optimum. Otherwise HiGHS runs on
    the whole model with the capacity rows."""
    sub = piece_general(g, piece, left)
    none = np.zeros(0, np.int64)
    start = piece_greedy(sub)
    known = float(sub.p.cost[start].sum())
    s = shrink(sub.p, none)
    bound = s.fixed_cost
    if s.problem.n_cols:
        found = mip_cover(s.problem, np.arange(s.problem.n_cols), start=None, preselected=none,
                          time_limit_s=max(deadline - time.perf_counter(), 0.01), seed=seed,
                          deadline=deadline, cutoff=known * (1 + 1e-9) + 1e-9, node_limit=nodes)
        if found is None:
            return piece.columns[start], None, True
        chosen, bound = s.lift(found.selected), found.bound + s.fixed_cost
        optimal = found.optimal
    else:
        chosen, optimal = none, True
    if sub.feasible(chosen):
        return piece.columns[start], MipResult(piece.columns[chosen],
                                               float(sub.p.cost[chosen].sum()), bound,
                                               optimal), time.perf_counter() >= deadline
    res = solve_milp(sub, none, start, deadline=deadline, seed=seed,
                     node_limit=nodes)  # capacity binds
    cut = time.perf_counter() >= deadline
    if res is None:
        return piece.columns[start], MipResult(piece.columns[start], known, bound, False), cut
    return piece.columns[start], MipResult(piece.columns[res.selected], res.objective,
                                           max(bound, res.bound), res.optimal), cut


def _solve_many(g: General, left: Residual, pieces: list[Piece], deadline: float, seed: int,
                nodes_total: float | None, stretch: float, conn: object) -> None:
    """Child process: :func:`exact_piece` on each piece in turn, each answer
    sent at once as ``(index, greedy columns, MipResult or None)``."""
    quiet_child()
    try:
        remaining = sum(pc.nnz for pc in pieces)
        for i, piece in enumerate(pieces):
            now = time.perf_counter()
            if now >= deadline:
                break
            # a hard batch does not starve the rest: its share of the time left
            share = piece.nnz / max(remaining, 1)
            # up to ``stretch`` times its share of the time left (the rest adapt)
            until = now + (deadline - now) * min(stretch * share, 1.0)
            remaining -= piece.nnz
            nodes = None if nodes_total is None else max(int(nodes_total * share), 1)
            conn.send((i, *exact_piece(g, piece, left, until, seed, nodes)))
        conn.send(None)
    finally:
        conn.close()


class PieceRunner:
    """The exact MILPs of many small pieces in forked children (``workers``
    of them, pieces dealt round-robin by size), answers collected as they
    come; every child is killed at ``kill_at``. Without fork nothing runs
    and every piece keeps its fallback."""

    def __init__(self, g: General, left: Residual, pieces: list[Piece], *, deadline: float,
                 kill_at: float, seed: int, workers: int, nodes: float | None = None,
                 stretch: float = 3.0) -> None:
        self.kill_at = kill_at
        self.results: dict[int, tuple[np.ndarray, MipResult | None]] = {}
        self._procs: list[tuple[object, object, list[int]]] = []
        if not pieces or not can_fork():
            return
        ctx = multiprocessing.get_context("fork")
        for w in range(max(1, min(workers, len(pieces)))):
            mine = list(range(w, len(pieces), workers))
            recv, send = ctx.Pipe(duplex=False)
            proc = ctx.Process(target=_solve_many, args=(
                g, left, [pieces[i] for i in mine], deadline, seed,
                nodes, stretch, send), daemon=True)
            proc.start()
            send.close()
            self._procs.append((proc, recv, mine))

    def wait(self) -> dict[int, tuple[np.ndarray, MipResult | None]]:
        """Collect answers until every child is done or ``kill_at``; kill the rest."""
        alive = list(self._procs)
        while alive:
            left = self.kill_at - time.perf_counter()
            if left <= 0:
                break
            ready = multiprocessing.connection.wait([r for _, r, _ in alive], timeout=left)
            for proc, recv, mine in list(alive):
                if recv not in ready:
                    continue
                try:
                    msg = recv.recv()
                except (EOFError, OSError):
                    msg = None
                if msg is None:
                    alive.remove((proc, recv, mine))
                    continue
                self.results[mine[msg[0]]] = msg[1:]
        for proc, recv, _ in self._procs:
            if proc.is_alive():
                proc.kill()
            proc.join()
            recv.close()
        self._procs = []
        return self.results


def _lp_value(q: Problem, deadline: float, seed: int) -> float | None:
    """Child process: the LP relaxation's value of ``q`` (None if not solved
    by ``deadline``)."""
    found = lp_bound(q, np.zeros(0, np.int64), time_limit_s=max(deadline - time.perf_counter(),
                                                                0.01), seed=seed,
                     presolve=False)
    return None if found is None else found[0]


def solve_big(sub: General, clock: Clock, seed: int, options: SolveOptions,
              details: dict) -> tuple[np.ndarray, float, bool]:
    """A large piece: its cover (meeting its capacity rows), a lower bound
    and whether it is proven.

    ``auto`` runs on the coverage-only problem here (Lagrangian bound, local
    search) while the LP relaxation of its shrunk form is solved on the
    second core in a child killed at the deadline (an LP that does not
    finish then costs the search nothing); the bound is the better of the
    two (both hold with the capacity rows: a relaxation). Capacity rows the
    cover misses are met by :func:`meet_capacity`."""
    none = np.zeros(0, np.int64)
    lp = None
    # shrinking for the LP is an O(nnz) pass or two that ignores the clock:
    # only with time for it (deterministic mode: judged from the limit)
    time_s = options.nominal_s(clock.limit) if options.deterministic else clock.left()
    if can_fork() and sub.p.col_rows.size > options.exact_nnz_limit \
            and sub.p.col_rows.size * options.reduce_s_per_nnz <= 0.5 * time_s:
        # smaller pieces get HiGHS on the whole MILP beside the search (``improve``)
        s = shrink(sub.p, none)
        if s.problem.n_cols:
            lp = ChildRun(_lp_value, (s.problem, clock.soft, seed), kill_at=clock.soft)
    # the LP is beside: the search's own bound is the subgradient's, with a smaller share
    opts = options if lp is None else options.with_(
        lp_nnz_limit=0, core_nnz_limit=0, lagrange_share=options.big_piece_lagrange_share)
    found, _, lower, found_optimal = solve_problem(sub.p, none, clock, seed, "auto", details,
                                                   opts)
    if lp is not None:
        value = None
        if found_optimal:
            lp.kill()
        else:
            value = lp.result(until=clock.soft)
        if value is not None:
            lower = max(lower, (value + s.fixed_cost) * (1 - 1e-9) - 1e-9)
            details["bound"] = "lp (beside)"
        else:
            details["lp_beside"] = "killed at the deadline"
    local = meet_capacity(sub, found)
    repaired = local.size > found.size
    if repaired:
        local = prune(sub, local, none, deadline=clock.call_prune)
    details["capacity_repaired"] = repaired
    return local, lower, bool(found_optimal and not repaired)


def _solve_big_pieces(g: General, big: list[Piece], left: Residual, clock: Clock, stop: float,
                      seed: int, options: SolveOptions, unit: float, chosen: list,
                      bounds: list, details: dict) -> int:
    """Each large piece by :func:`solve_big` with its share of the time (by
    size; deterministic mode: of the limit, never the clock); its cover and
    bound appended to ``chosen`` and ``bounds``; returns how many were proven."""
    det, proven = options.deterministic, 0
    big_nnz = sum(pc.nnz for pc in big)
    for pc in big:
        sub = piece_general(g, pc, left)
        share = pc.nnz / big_nnz
        if det:  # from the limit, never the clock
            piece_s = share * (1 - options.wrap_up_share) * options.nominal_s(clock.limit) \
                * (1 - options.split_share)
        else:
            piece_s = share * max(stop - time.perf_counter(), 0.01)
        sub_details: dict = {"deterministic": det}
        piece_clock = Clock(time.perf_counter(), max(piece_s, 0.01), options, outer=clock)
        # the pieces' safety stops never pass the call's own
        piece_clock.soft = min(piece_clock.soft, stop)
        piece_clock.hard = min(piece_clock.hard, stop)
        piece_clock.kill = min(piece_clock.kill, stop)
        piece_clock.prune = min(piece_clock.prune, stop)
        local, lower, piece_proven = solve_big(sub, piece_clock, seed, options, sub_details)
        chosen.append(pc.columns[local])
        bounds.append(min(round_up(lower, unit), float(sub.p.cost[local].sum())))
        proven += piece_proven
        details.setdefault("big_pieces", []).append(
            {"rows": int(pc.rows.size), "columns": int(pc.columns.size), "nnz": pc.nnz,
             "time_limit_s": round(piece_s, 2), "cost": float(sub.p.cost[local].sum()),
             "bound": bounds[-1], "capacity_repaired": sub_details["capacity_repaired"],
             "phase_s": sub_details.get("phase_s", {}),
             "bound_kind": sub_details.get("bound")})
        details.setdefault("deterministic_cut", []).extend(
            sub_details.get("deterministic_cut", []))
        if "greedy_cut" in sub_details:  # the call's flag: some greedy was cut by the clock
            details["greedy_cut"] = details.get("greedy_cut", 0) + sub_details["greedy_cut"]
    return proven


def _take_small_pieces(g: General, small: list[Piece], left: Residual, answers: dict,
                       clock: Clock, unit: float, chosen: list, bounds: list,
                       details: dict) -> tuple[int, int]:
    """Each small piece's answer from its child (or its greedy cover, cut at
    the call's deadline, when the child never reached it) appended to
    ``chosen`` and ``bounds``; returns how many were proven and how many
    kept only the greedy."""
    det = details["deterministic"]
    p = g.p
    proven = fallback = clock_cut = 0
    for i, pc in enumerate(small):
        got = answers.get(i)
        sub = None
        if got is None:  # its child never reached it: the greedy here
            sub = piece_general(g, pc, left)
            piece_details: dict = {}
            start, mip = pc.columns[piece_greedy(sub, clock, piece_details)], None
            if "greedy_cut" in piece_details:
                details["greedy_cut"] = details.get("greedy_cut", 0) + piece_details["greedy_cut"]
            fallback += 1
        else:
            start, mip, cut = got
            # deterministic mode: a proven answer, or one HiGHS stopped on its node budget
            if mip is not None and det and cut and not mip.optimal:
                clock_cut += 1
                mip = MipResult(start, float(p.cost[start].sum()), mip.bound, False)
        sel = start
        if mip is not None and mip.objective < float(p.cost[start].sum()) - 1e-9:
            sel = mip.selected
        cost = float(p.cost[sel].sum())
        bound = 0.0 if mip is None or not np.isfinite(mip.bound) else mip.bound
        if mip is None or not mip.optimal:
            bound = max(bound, piece_bound(sub or piece_general(g, pc, left)))
        bound = min(round_up(bound * (1 - 1e-9) - 1e-9, unit), cost)
        proven += bool(mip is not None and mip.optimal and sel is mip.selected) or \
            cost <= optimal_at(bound, unit) - 1e-12
        chosen.append(sel)
        bounds.append(bound)
    if clock_cut:
        details.setdefault("deterministic_cut", []).append(f"highs ({clock_cut} pieces)")
    return proven, fallback


def split_cover(g: General, pre: np.ndarray, clock: Clock, seed: int,
                options: SolveOptions) -> SetCoverResult | None:
    """``set_cover``'s ``auto`` on the pieces of ``g`` (see the module
    notes); None when splitting does not apply (a small problem, one piece
    without capacity rows, nothing left to choose, or no time for the
    split's passes over the matrix: ``split_passes`` times the input's
    time): the caller solves the problem whole. Problems under
    ``options.split_min_nnz`` nonzeros are left whole (their HiGHS run is
    quick as it is)."""
    p = g.p
    if p.col_rows.size < options.split_min_nnz or (p.n_groups == 1 and g.need.size == 0):
        return None  # small, or one group without capacity rows: always one piece
    if not clock.has_time_for_a_pass(options.split_passes):
        return None  # splitting ignores the clock for a few passes: solved whole
    t = clock.start
    details: dict = {"deterministic": options.deterministic, "model": "split"}
    pieces = split(g, pre)
    small_nnz = options.small_piece_nnz
    if len(pieces) < options.min_pieces and not (pieces and pieces[0].nnz > small_nnz
                                         and g.need.size):
        # one piece: solved whole by the caller, unless it is large and has
        # capacity rows (the general model's own path is weak at that size)
        return None
    rows, need, cap_need = residual(g, pre)
    left = Residual(need, cap_need, sp.csr_array(g.cap))
    small = batches([pc for pc in pieces if pc.nnz <= small_nnz][::-1], options.piece_batch_nnz)
    big = [pc for pc in pieces if pc.nnz > small_nnz]
    t = lap(details, "split", t)
    det = options.deterministic
    workers = 1 if big else 2
    # deterministic: each worker's node budget comes from the limit, never the clock
    # the last ``combine_share`` of the time is kept for the fallbacks and the sum
    stop = clock.start + (1 - options.combine_share) * (clock.soft - clock.start)
    runner = PieceRunner(g, left, small, deadline=stop, kill_at=min(clock.kill, stop + 0.5),
                         seed=seed,
                         workers=workers, stretch=options.piece_share_stretch,
                         nodes=options.piece_nodes_per_s * (1 - options.wrap_up_share)
                         * options.nominal_s(clock.limit) if det else None)
    unit = cost_unit(p.cost)
    chosen: list[np.ndarray] = [pre]
    bounds: list[float] = [float(p.cost[pre].sum())]
    proven = _solve_big_pieces(g, big, left, clock, stop, seed, options, unit, chosen, bounds,
                               details)
    t = lap(details, "big_pieces", t)
    answers = runner.wait()
    t = lap(details, "small_pieces_wait", t)
    got = _take_small_pieces(g, small, left, answers, clock, unit, chosen, bounds, details)
    proven += got[0]
    fallback = got[1]
    selected = np.unique(np.concatenate(chosen)).astype(np.int64)
    if not g.feasible(selected):  # a safety net: never return a cover that is not one
        details["split_infeasible"] = True
        return None
    best_cost = float(p.cost[selected].sum())
    bound = min(float(sum(bounds)), best_cost)
    optimal = proven == len(small) + len(big) or best_cost <= optimal_at(bound, unit)
    if details.get("deterministic_cut"):  # each stage named once
        details["deterministic_cut"] = list(dict.fromkeys(details["deterministic_cut"]))
    else:
        details.pop("deterministic_cut", None)
    details.update(pieces=len(pieces), small_batches=len(small), big_pieces_n=len(big),
                   batches_and_big_pieces_proven=proven, small_pieces_greedy_only=fallback,
                   live_rows=int(rows.size))
    lap(details, "combine", t)
    counts = g.counts(selected)
    total_w = float(p.weights.sum())
    covered_w = float(p.weights[(counts >= g.r) & p.coverable].sum())
    return SetCoverResult(
        selected=selected, cost=best_cost, lower_bound=bound,
        covered=covered_w / total_w if total_w > 0 else 1.0,
        uncoverable=np.flatnonzero(~p.coverable), method="auto",
        time_s=time.perf_counter() - clock.start, optimal=bool(optimal), details=details,
        capacity_shortfall=g.shortfall)


__all__ = ["Piece", "PieceRunner", "Residual",
           "meet_capacity", "piece_general", "residual", "split", "split_cover"]
