"""Border stitching: re-optimise the sites near unit borders together.

Each unit is planned alone, so a site in county A chosen for A's border
villages and a site in county B chosen for B's may together do what one of
them could. After the units are planned, the *free* sites (candidates within
the longest reach of a border between units, and halo sites a unit chose in
its neighbour) are decided again in one set cover per milestone whose rows
are the demand points some free site covers (the border strips of every
unit). Sites away from the borders stay as their unit chose them
(``preselected``), and so does every earlier milestone (nesting). Each
target area is checked as a whole: its target share of the whole area's
weight (or all its coverable weight where that is less, the planner's rule),
less the weight the fixed sites already cover away from the strips, is what
the strip rows must still bring, and (by default) the strip keeps at
least the weight the units' own choice covered in it, so stitching removes
sites that serve demand another site serves and never leaves border demand
out that the units covered. If the stitched choice would cost
more than simply keeping every unit's choice, the units' choice is kept.

Examples
--------
>>> needed_share(np.array([0.9]), np.array([100.0]), np.array([100.0]), np.array([60.0]),
...              np.array([40.0]))
array([0.75])
"""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import scipy.sparse as sp

from siteplan.solve import set_cover

MILESTONE_COLUMNS = ["year", "strip_rows", "rows_solved", "free_sites", "columns",
                     "units_cost_cny", "stitched_cost_cny", "kept", "solve_seconds"]
AREA_COLUMNS = ["year", "area_id", "demand_weight", "coverable_w", "covered_w",
                "coverage_target", "covered_of_coverable", "covered_share", "target_met",
                "limited_by_reach", "reach_met"]


def needed_share(target: np.ndarray, weight: np.ndarray, coverable_w: np.ndarray,
                 fixed_covered_w: np.ndarray, strip_coverable_w: np.ndarray) -> np.ndarray:
    """Share of each area's strip weight the strip must cover so that the
    whole area reaches ``target`` of its whole weight, or all of its
    coverable weight where that is less (the planner's rule,
    :func:`siteplan.problem.area_groups`); 0 when the fixed sites already do,
    at most 1."""
    need = np.minimum(target * weight, coverable_w) - fixed_covered_w
    share = np.divide(need, strip_coverable_w, out=np.zeros_like(need, dtype=float),
                      where=strip_coverable_w > 0)
    return np.clip(share, 0.0, 1.0)


def _covered(matrix: sp.csr_array, columns: np.ndarray) -> np.ndarray:
    """Rows covered by the columns of a bool mask."""
    if not columns.any():
        return np.zeros(matrix.shape[0], bool)
    return np.asarray(matrix[:, np.flatnonzero(columns)].sum(axis=1)).ravel() > 0


def _load(files: Sequence[str]) -> dict[str, Any]:
    parts = [np.load(f, allow_pickle=False) for f in files]
    sites = np.unique(np.concatenate([p["col_site"] for p in parts])) if parts else np.zeros(0, str)
    n = sites.size
    cost = np.zeros(n)
    on_air = np.zeros(n, bool)
    years = parts[0]["years"] if parts else np.zeros(0, np.int64)
    chosen = np.zeros((years.size, n), bool)
    free = np.zeros(n, bool)
    mats, areas, weights, milestones, targets = [], [], [], [], []
    for p in parts:
        col = np.searchsorted(sites, p["col_site"])
        cost[col] = p["col_cost"]
        on_air[col] |= p["col_on_air"]
        free[col] |= p["col_free"]
        chosen[:, col] |= p["col_chosen"]
        shape = tuple(p["shape"])
        sub = sp.csr_array((np.ones(p["indices"].size, bool), p["indices"], p["indptr"]),
                           shape=shape)
        coo = sp.coo_array(sub)
        mats.append(sp.csr_array((coo.data, (coo.row, col[coo.col])), shape=(shape[0], n)))
        areas.append(p["row_area"])
        weights.append(p["row_weight"])
        milestones.append(p["row_milestone"])
        targets.append(p["row_target"])
    matrix = sp.vstack(mats, format="csr") if mats else sp.csr_array((0, n), dtype=bool)
    def cat(xs, dt):
        return (np.concatenate(xs) if xs else np.zeros(0, dt))
    return {"sites": sites, "cost": cost, "on_air": on_air, "free": free, "chosen": chosen,
            "years": years, "matrix": sp.csr_array(matrix),
            "area": cat(areas, str), "weight": cat(weights, float),
            "milestone": cat(milestones, np.int64), "target": cat(targets, float)}


def stitch(strip_files: Sequence[str | Path], area_constants: pd.DataFrame,
           fixed: Mapping[int, set[str]], years: Sequence[int], *, method: str = "auto",
           time_limit_s: float | None = 10.0, seed: int = 0,
           keep_border_coverage: bool = True) -> dict[str, Any]:
    """Re-decide the free sites of every border strip, milestone by milestone.

    Parameters
    ----------
    strip_files : list of path
        The ``strip.npz`` each unit task wrote.
    area_constants : pandas.DataFrame
        Every unit's per-year, per-area ``coverable_w`` and ``fixed_covered_w``
        (weight covered away from the strips by fixed sites) and target.
    fixed : mapping year -> set of site ids
        Sites the units chose away from every border (kept).
    years : list of int
        Province milestone years, ascending.
    keep_border_coverage : bool
        Each area's strip must keep at least the weight the units' own choice
        covered there (so the stitch removes double service and never trades
        border coverage for cost); False: only the whole-area target binds.

    Returns
    -------
    dict
        ``selected`` (year -> sorted site ids: fixed and stitched), ``milestones``
        (a table per year: strip size, units' cost, stitched cost, kept choice),
        ``areas`` (per year and area: whole-area coverable and covered weight,
        target, met).
    """
    start = time.perf_counter()
    if not len(area_constants):  # no unit was planned
        return {"selected": {y: sorted(fixed.get(y, ())) for y in years},
                "milestones": pd.DataFrame(columns=MILESTONE_COLUMNS),
                "areas": pd.DataFrame(columns=AREA_COLUMNS), "seconds": 0.0}
    data = _load([str(f) for f in strip_files])
    sites, cost, matrix = data["sites"], data["cost"], data["matrix"]
    consts = area_constants.groupby(["year", "area_id"], sort=True).agg(
        coverable_w=("coverable_w", "sum"), fixed_covered_w=("fixed_covered_w", "sum"),
        weight=("weight", "sum"), coverage_target=("coverage_target", "first")).reset_index()
    previous = data["on_air"].copy()
    selected: dict[int, list[str]] = {}
    rows_out, areas_out = [], []
    for k, year in enumerate(years):
        active = data["milestone"] <= year
        fixed_cols = np.isin(sites, list(fixed.get(year, ())))
        pre = previous | fixed_cols | data["on_air"]
        units_choice = pre | data["chosen"][k]
        c = consts[consts["year"] == year].set_index("area_id")
        area_active = data["area"][active]
        strip_w = pd.Series(data["weight"][active]).groupby(area_active).sum()
        strip_w = strip_w.reindex(c.index).fillna(0.0).to_numpy()
        share = needed_share(c["coverage_target"].to_numpy(), c["weight"].to_numpy(),
                             c["coverable_w"].to_numpy(), c["fixed_covered_w"].to_numpy(),
                             strip_w)
        if keep_border_coverage:  # the strip keeps what the units covered there
            by_units = _covered(matrix, units_choice)
            units_w = pd.Series((data["weight"] * by_units)[active]).groupby(area_active).sum()
            units_w = units_w.reindex(c.index).fillna(0.0).to_numpy()
            kept = np.divide(units_w, strip_w, out=np.zeros_like(units_w), where=strip_w > 0)
            share = np.maximum(share, np.clip(kept - 1e-12, 0.0, 1.0))
        share = pd.Series(share, index=c.index)
        row_share = share.reindex(area_active).fillna(0.0).to_numpy()
        rows = np.flatnonzero(active)[row_share > 0]
        solved_s = 0.0
        if rows.size:
            codes, uniques = pd.factorize(data["area"][rows])
            t0 = time.perf_counter()
            res = set_cover(matrix[rows], cost, weights=data["weight"][rows],
                            target=share.loc[uniques].to_numpy(), groups=codes,
                            preselected=np.flatnonzero(pre), time_limit=time_limit_s,
                            seed=seed, method=method)
            solved_s = time.perf_counter() - t0
            stitched = np.zeros(sites.size, bool)
            stitched[res.selected] = True
        else:
            stitched = pre.copy()
        units_cost, stitched_cost = float(cost[units_choice].sum()), float(cost[stitched].sum())
        keep_stitched = stitched_cost <= units_cost
        choice = stitched if keep_stitched else units_choice
        previous = choice
        covered = _covered(matrix, choice)
        strip_cov = pd.Series((data["weight"] * covered)[active]).groupby(area_active).sum()
        covered_w = c["fixed_covered_w"] + strip_cov.reindex(c.index).fillna(0.0)
        areas_out.append(pd.DataFrame({
            "year": year, "area_id": c.index, "demand_weight": c["weight"].to_numpy(),
            "coverable_w": c["coverable_w"].to_numpy(), "covered_w": covered_w.to_numpy(),
            "coverage_target": c["coverage_target"].to_numpy()}))
        selected[year] = sorted(set(sites[choice].tolist()) | set(fixed.get(year, ())))
        rows_out.append({"year": year, "strip_rows": int(active.sum()), "rows_solved": int(rows.size),
                         "free_sites": int(data["free"].sum()), "columns": int(sites.size),
                         "units_cost_cny": units_cost, "stitched_cost_cny": stitched_cost,
                         "kept": "stitched" if keep_stitched else "units",
                         "solve_seconds": solved_s})
    areas = pd.concat(areas_out, ignore_index=True) if areas_out else pd.DataFrame()
    if len(areas):
        areas["covered_of_coverable"] = np.where(areas["coverable_w"] > 0,
                                                 areas["covered_w"] / areas["coverable_w"], 1.0)
        # as Plan.area_coverage: the target share of the WHOLE area's weight
        share = areas["covered_w"] / areas["demand_weight"].where(areas["demand_weight"] > 0)
        areas["covered_share"] = share.fillna(1.0)
        areas["target_met"] = areas["covered_share"] >= areas["coverage_target"] - 1e-9
        areas["limited_by_reach"] = (areas["coverable_w"] < areas["coverage_target"]
                                     * areas["demand_weight"] - 1e-9)
        areas["reach_met"] = areas["covered_w"] >= np.minimum(
            areas["coverage_target"] * areas["demand_weight"], areas["coverable_w"]) - 1e-9
    return {"selected": selected, "milestones": pd.DataFrame(rows_out), "areas": areas,
            "seconds": time.perf_counter() - start}
