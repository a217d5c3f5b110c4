"""Grouped partial covers split into independent pieces (``solve/components.py``):
the split gives the optimum of the unsplit problem, bounds stay valid."""

from __future__ import annotations

import itertools
import time

import numpy as np
import pytest
import scipy.sparse as sp
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from siteplan.solve import CapacityConstraints, set_cover
from siteplan.solve.clock import Clock
from siteplan.solve.options import SolveOptions
from siteplan.solve.paths.general import build_general, plain
from siteplan.solve.paths.pieces import split, split_cover


@st.composite
def clustered(draw, max_blocks=4):
    """Blocks of rows and columns (towns), sometimes a column shared by two
    blocks or a group spanning two blocks, so pieces merge."""
    blocks = draw(st.integers(1, max_blocks))
    dense_parts, groups, costs = [], [], []
    for b in range(blocks):
        m, n = draw(st.integers(1, 4)), draw(st.integers(1, 3))
        cells = draw(st.lists(st.booleans(), min_size=m * n, max_size=m * n))
        dense_parts.append(np.array(cells, dtype=bool).reshape(m, n))
        g = b if not draw(st.booleans()) or b == 0 else b - 1  # some groups span two blocks
        groups += [g] * m
        costs += draw(st.lists(st.integers(1, 9), min_size=n, max_size=n))
    rows = sum(d.shape[0] for d in dense_parts)
    cols = sum(d.shape[1] for d in dense_parts)
    dense = np.zeros((rows, cols), dtype=bool)
    r0 = c0 = 0
    for d in dense_parts:
        dense[r0:r0 + d.shape[0], c0:c0 + d.shape[1]] = d
        r0, c0 = r0 + d.shape[0], c0 + d.shape[1]
    if cols > 1 and draw(st.booleans()):  # a column reaching into another block
        dense[draw(st.integers(0, rows - 1)), draw(st.integers(0, cols - 1))] = True
    groups = np.unique(np.array(groups), return_inverse=True)[1]
    weights = np.array(draw(st.lists(st.integers(1, 4), min_size=rows, max_size=rows)), float)
    target = np.array(draw(st.lists(st.sampled_from([1.0, 0.7, 0.4]),
                                    min_size=int(groups.max()) + 1,
                                    max_size=int(groups.max()) + 1)))
    capacity = None
    if draw(st.booleans()):
        mbps = np.array(draw(st.lists(st.sampled_from([0.0, 100.0, 300.0]), min_size=cols,
                                      max_size=cols))).reshape(1, cols)
        capacity = CapacityConstraints(sp.csr_array(mbps), [draw(st.sampled_from(
            [100.0, 400.0]))])
    pre = draw(st.lists(st.integers(0, cols - 1), max_size=1, unique=True))
    return dense, np.array(costs, float), weights, groups, target, capacity, pre


def brute_force(dense, cost, weights, groups, target, capacity, pre):
    """The cheapest feasible selection, by enumeration (the definition)."""
    n = dense.shape[1]
    coverable = dense.any(axis=1)
    best = np.inf
    free = [j for j in range(n) if j not in pre]
    for k in range(len(free) + 1):
        for extra in itertools.combinations(free, k):
            chosen = list(pre) + list(extra)
            covered = dense[:, chosen].any(axis=1) if chosen else np.zeros(len(dense), bool)
            ok = all(weights[(groups == g) & covered].sum()
                     >= target[g] * weights[(groups == g) & coverable].sum() - 1e-9
                     for g in range(groups.max() + 1))
            if ok and capacity is not None:
                m = capacity.matrix.toarray()
                x = np.zeros(n)
                x[chosen] = 1
                ok = bool(np.all(m @ x >= np.minimum(capacity.demand, m.sum(axis=1)) - 1e-9))
            if ok:
                best = min(best, float(cost[chosen].sum()))
    return best


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(clustered())
def test_split_gives_the_unsplit_optimum_and_a_valid_bound(inst):
    dense, cost, weights, groups, target, capacity, pre = inst
    A = sp.csc_array(dense.astype(np.int8))
    g = build_general(A, cost, weights=weights, target=target, groups=groups,
                      cover_requirement=None, capacity=capacity)
    opts = SolveOptions(deterministic=True)
    pre_arr = np.array(sorted(pre), dtype=np.int64)
    opts = opts.with_(split_min_nnz=0)
    res = split_cover(g, pre_arr, Clock(time.perf_counter(), 10.0, opts), 0, opts)
    best = brute_force(dense, cost, weights, groups, target, capacity, pre)
    if res is None:  # one piece or nothing left: the whole problem as usual
        res = set_cover(A, cost, weights=weights, target=target, groups=groups,
                        capacity=capacity, preselected=pre, time_limit_s=10, deterministic=True)
    assert g.feasible(res.selected)
    assert set(pre) <= set(res.selected.tolist())
    assert res.lower_bound <= best + 1e-9
    assert res.cost == pytest.approx(best)  # tiny pieces are solved exactly
    assert res.optimal


@settings(max_examples=30, deadline=None)
@given(clustered())
def test_pieces_partition_the_live_rows_and_columns(inst):
    dense, cost, weights, groups, target, capacity, pre = inst
    A = sp.csc_array(dense.astype(np.int8))
    g = build_general(A, cost, weights=weights, target=target, groups=groups,
                      cover_requirement=None, capacity=capacity)
    pre_arr = np.array(sorted(pre), dtype=np.int64)
    pieces = split(g, pre_arr)
    cols = np.concatenate([pc.columns for pc in pieces]) if pieces else np.zeros(0)
    assert np.unique(cols).size == cols.size  # no column in two pieces
    assert not set(cols.tolist()) & set(pre)
    owner = {int(j): k for k, pc in enumerate(pieces) for j in pc.columns}
    for k, pc in enumerate(pieces):
        for i in pc.rows:  # every column of a live row lies in its piece
            assert {owner.get(int(j), k) for j in np.flatnonzero(dense[i]) if j not in pre} \
                == {k}
        for grp in pc.groups:  # a group's live rows all lie in one piece
            assert {owner.get(int(j)) for i in np.flatnonzero(groups == grp)
                    for i in [i] if i in set(pc.rows.tolist())
                    for j in np.flatnonzero(dense[i])} <= {k, None}


def test_towns_split_into_pieces_solved_exactly():
    """Thirty separate towns (a milestone of a region): one piece each, each
    proven, the cost the sum of the towns' own optima."""
    rng = np.random.default_rng(3)
    blocks = [(rng.random((300, 8)) < 0.35) for _ in range(30)]
    A = sp.block_diag([sp.csr_array(b.astype(np.int8)) for b in blocks], format="csc")
    cost = rng.integers(1, 5, A.shape[1]).astype(float) * 10_000
    groups = np.repeat(np.arange(30), 300)
    res = set_cover(A, cost, groups=groups, target=0.8, time_limit_s=30, deterministic=True)
    assert res.details.get("model") == "split" and res.details["pieces"] == 30
    each = [set_cover(sp.csc_array(b.astype(np.int8)), cost[8 * k:8 * k + 8], target=0.8,
                      method="exact").cost for k, b in enumerate(blocks)]
    assert res.optimal and res.cost == pytest.approx(sum(each))
    assert res.lower_bound == pytest.approx(res.cost)


def test_plain_general_has_no_capacity_rows():
    g = plain(build_general(sp.csc_array(np.eye(2, dtype=np.int8)), None, weights=None,
                            target=1.0, groups=None, cover_requirement=None,
                            capacity=None).p)
    assert g.need.size == 0 and g.cap.shape == (0, 2)
