"""The per-unit tasks a Dask worker runs: plan one unit, then write its folder.

A task gets a small :class:`UnitTask` (paths and settings, no frames), reads
its own partition files, and returns small tables; big things (the unit's
``Plan``, its border strip) go to files in the work folder.

Examples
--------
>>> task = UnitTask(unit_code="C01", unit_name="County 1", folder="001-C01",
...                 partition=Path("p"), result_dir=Path("r"), key="k", years=(2020,),
...                 assumptions={}, method="auto", time_limit_s=1.0, seed=0, name="x")
>>> task.result_dir / PLAN_FILE
PosixPath('r/plan.pkl')
"""

from __future__ import annotations

import dataclasses
import json
import os
import pickle
import resource
import socket
import time
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import scipy.sparse as sp

from siteplan.defaults import Assumptions
from siteplan.errors import ConfigError

PLAN_FILE = "plan.pkl"
#: Regional runs plan coverage with the listed candidates only: proposed new
#: sites (ids made per unit) and capacity rows are not stitched across borders
#: yet, so units are planned without them (see README, "A whole province").
UNIT_OVERRIDES = {"proposals.mode": "off"}
STRIP_FILE = "strip.npz"


@dataclass(frozen=True)
class UnitTask:
    """What a worker needs to plan one unit (all small, all picklable)."""

    unit_code: str
    unit_name: str
    folder: str
    partition: Path
    result_dir: Path
    key: str
    years: tuple[int, ...]
    assumptions: Mapping[str, Any]
    method: str
    time_limit_s: float
    seed: int
    name: str


def _check_can_fork() -> None:
    """The solver runs HiGHS in a child process; a daemonic Dask worker may not
    start one."""
    import multiprocessing

    if multiprocessing.current_process().daemon:
        raise ConfigError("this Dask worker is a daemonic process, which may not start the "
                          "solver's HiGHS child process; start the workers with "
                          "DASK_DISTRIBUTED__WORKER__DAEMON=False (siteplan's own local "
                          "cluster does this).")


def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def _worker_id() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def read_partition(folder: Path) -> tuple[gpd.GeoDataFrame, gpd.GeoDataFrame,
                                          gpd.GeoDataFrame | None, gpd.GeoDataFrame]:
    """Candidates, targets, land-use zones (None when the plan has none) and the unit."""
    cands = gpd.read_parquet(folder / "candidates.parquet")
    targets = gpd.read_parquet(folder / "targets.parquet")
    unit = gpd.read_parquet(folder / "unit.parquet")
    zones = gpd.read_parquet(folder / "landuse.parquet") if bool(unit["has_landuse"].iloc[0]) \
        else None
    return cands, targets, zones, unit


def selection_by_year(plan, years: tuple[int, ...]) -> dict[int, np.ndarray]:
    """Positions selected in each province year: the unit's latest milestone
    at or before it (sites on air when the unit has none yet)."""
    on_air = np.flatnonzero(plan.candidates["on_air"].to_numpy(bool))
    out, current = {}, on_air
    by_year = {m.milestone: m.selected for m in plan.milestones}
    for year in years:
        current = by_year.get(year, current)
        out[year] = np.asarray(current, dtype=np.int64)
    return out


def plan_unit(task: UnitTask) -> dict[str, Any]:
    """Plan one unit from its partition; returns small tables.

    Returns a dict with ``unit_code``, ``seconds``, ``peak_rss_mb``, ``worker``,
    ``demand_points``, ``candidates``, ``selected`` (site ids per year),
    ``area_constants`` (per year and area: coverable weight, weight covered
    away from every border site) and the strip file's path.
    """
    from siteplan.planner import plan
    from siteplan.problem import build_problem

    start = time.perf_counter()
    cands, targets, zones, _ = read_partition(task.partition)
    task.result_dir.mkdir(parents=True, exist_ok=True)
    base = {"unit_code": task.unit_code, "unit_name": task.unit_name, "key": task.key,
            "worker": _worker_id(), "candidates": len(cands)}
    if len(targets) == 0:
        on_air = cands[cands["on_air"].astype(bool)]
        return {**base, "seconds": time.perf_counter() - start, "peak_rss_mb": _peak_rss_mb(),
                "demand_points": 0, "planned": False,
                "selected": {y: on_air["site_id"].tolist() for y in task.years},
                "fixed": {y: on_air.loc[~on_air["near_border"].astype(bool)
                                        & (on_air["unit_code"] == task.unit_code),
                                        "site_id"].tolist() for y in task.years},
                "area_constants": pd.DataFrame(columns=["year", "area_id", "coverable_w",
                                                        "fixed_covered_w", "weight",
                                                        "coverage_target"]),
                "strip_file": None}
    assumptions = Assumptions({**dict(task.assumptions), **UNIT_OVERRIDES})
    _check_can_fork()
    problem = build_problem(cands, targets, landuse=zones, assumptions=assumptions,
                            capacity=False, metric_crs=cands.crs)
    result = plan(problem, method=task.method, time_limit_s=task.time_limit_s, seed=task.seed,
                  name=task.name)
    planned_s = time.perf_counter() - start
    with open(task.result_dir / PLAN_FILE, "wb") as fh:
        pickle.dump(result, fh, protocol=pickle.HIGHEST_PROTOCOL)
    strip_file, constants, selected, fixed = _strip(result, task)
    return {**base, "seconds": time.perf_counter() - start, "plan_seconds": planned_s,
            "peak_rss_mb": _peak_rss_mb(), "demand_points": len(result.demand), "planned": True,
            "selected": selected, "fixed": fixed, "area_constants": constants,
            "strip_file": str(strip_file)}


def solver_matrix(plan) -> sp.csr_array:
    """The matrix the unit's solver saw (land use applied; strict sharing if set)."""
    return sp.csr_array(plan.problem.matrix)


def _strip(plan, task: UnitTask) -> tuple[Path, pd.DataFrame, dict, dict]:
    """Write the unit's border strip and return its per-area constants.

    Free columns: candidates within reach of a border, or whose home is another
    unit. Strip rows: demand points some free column covers. Everything else
    is fixed by the unit's plan and summarised per year and area as the
    coverable weight and the weight covered by the unit's fixed sites.
    """
    cands = plan.candidates
    site_ids = cands["site_id"].astype(str).to_numpy()
    free = cands["near_border"].to_numpy(bool) | (cands["unit_code"].to_numpy() != task.unit_code)
    matrix = solver_matrix(plan)
    csc = sp.csc_array(matrix)
    strip = np.asarray(csc[:, np.flatnonzero(free)].sum(axis=1)).ravel() > 0
    coverable = np.diff(matrix.indptr) > 0
    demand = plan.demand
    weight = demand["weight"].to_numpy(float)
    milestone = demand["milestone"].to_numpy(int)
    area = demand["area_id"].astype(str).to_numpy()
    target = demand["coverage_target"].to_numpy(float)
    selected_pos = selection_by_year(plan, task.years)
    rows = []
    selected, fixed = {}, {}
    for year in task.years:
        pos = selected_pos[year]
        fixed_pos = pos[~free[pos]]
        covered_fixed = np.asarray(csc[:, fixed_pos].sum(axis=1)).ravel() > 0 if fixed_pos.size \
            else np.zeros(len(demand), bool)
        active = milestone <= year
        frame = pd.DataFrame({"area_id": area[active], "weight": weight[active],
                              "coverable_w": weight[active] * coverable[active],
                              "fixed_covered_w": weight[active] * (covered_fixed & ~strip)[active],
                              "coverage_target": target[active]})
        agg = frame.groupby("area_id", sort=True).agg(
            weight=("weight", "sum"), coverable_w=("coverable_w", "sum"),
            fixed_covered_w=("fixed_covered_w", "sum"), coverage_target=("coverage_target", "first"))
        rows.append(agg.reset_index().assign(year=year))
        selected[year] = site_ids[pos].tolist()
        fixed[year] = site_ids[fixed_pos].tolist()
    constants = pd.concat(rows, ignore_index=True) if rows else pd.DataFrame()
    last = selected_pos[task.years[-1]] if task.years else np.zeros(0, np.int64)
    ever = np.zeros(len(cands), bool)
    ever[last] = True
    columns = np.flatnonzero(free | ever)
    sub = sp.csr_array(matrix[np.flatnonzero(strip)][:, columns])
    chosen = np.zeros((len(task.years), columns.size), bool)
    for k, year in enumerate(task.years):
        chosen[k] = np.isin(columns, selected_pos[year])
    path = task.result_dir / STRIP_FILE
    tmp = task.result_dir / f".{STRIP_FILE}.tmp.npz"
    np.savez(tmp, indptr=sub.indptr, indices=sub.indices, shape=np.array(sub.shape),
             col_site=site_ids[columns].astype(str),
             col_cost=np.asarray(plan.problem.cost_cny, float)[columns],
             col_free=free[columns], col_on_air=cands["on_air"].to_numpy(bool)[columns],
             col_chosen=chosen, years=np.array(task.years, dtype=np.int64),
             row_area=area[strip].astype(str), row_weight=weight[strip],
             row_milestone=milestone[strip], row_target=target[strip])
    os.replace(tmp, path)
    return path, constants, selected, fixed


def with_selection(plan, final: Mapping[int, set[str]]):
    """The unit's ``Plan`` with each milestone's sites replaced by the
    stitched province selection (restricted to the unit's candidates)."""
    from siteplan.planner import MilestonePlan

    site_ids = plan.candidates["site_id"].astype(str).to_numpy()
    milestones, previous = [], np.flatnonzero(plan.candidates["on_air"].to_numpy(bool))
    for m in plan.milestones:
        chosen = np.flatnonzero(np.isin(site_ids, list(final[m.milestone])))
        chosen = np.union1d(chosen, previous)
        covered = plan.coverage.cover_counts(chosen) > 0
        milestones.append(MilestonePlan(m.milestone, chosen, np.setdiff1d(chosen, previous),
                                        m.active, covered, m.result))
        previous = chosen
    return dataclasses.replace(plan, milestones=tuple(milestones), _cache={})


def finalize_unit(task: UnitTask, final_file: Path, out_dir: Path, *,
                  lang: str = "en", tiles: str | None = None,
                  offline: bool = False) -> dict[str, Any]:
    """Write the unit's plan folder with the stitched selection and return
    the unit's figures: its own sites (home unit) per year with status and
    cost, land-use conflicts, power, and the coverage of its own demand.
    ``final_file`` is the stitch's JSON (year -> site ids), read from the work
    folder rather than sent through the scheduler.

    ``sites`` lists every site of the unit's plan (``home`` marks those in the
    unit), so a site chosen in a unit that has no plan of its own still has a row.
    """
    from siteplan.export import write_plan
    from siteplan.power import site_power

    start = time.perf_counter()
    with open(task.result_dir / PLAN_FILE, "rb") as fh:
        plan = pickle.load(fh)  # written by plan_unit for this key, in the run's work folder
    final = json.loads(Path(final_file).read_text(encoding="utf-8"))
    final_sets = {int(y): set(v) for y, v in final.items()}
    stitched = with_selection(plan, final_sets)
    write_plan(stitched, out_dir, lang=lang, tiles=tiles, offline=offline)
    sites, coverage = [], []
    for m in stitched.milestones:
        s = stitched.sites(m.milestone)
        home = (s["unit_code"] == task.unit_code).to_numpy()
        power = site_power(s, stitched.assumptions)
        conflicts = stitched.site_conflicts(m.milestone)
        conflicts = conflicts[conflicts["site_id"].isin(s.loc[home, "site_id"])]
        sites.append(pd.DataFrame({
            "year": m.milestone, "site_id": s["site_id"].astype(str).to_numpy(), "home": home,
            "status": s["status"].to_numpy(), "since": s["since"].to_numpy(),
            "cost_cny": s["cost_cny"].to_numpy(float),
            "landuse_flag": (s["landuse_flag"].to_numpy() if "landuse_flag" in s
                             else np.full(len(s), "")),
            "load_kw": power["load_kw"].to_numpy(float),
            "energy_kwh_per_year": power["energy_kwh_per_year"].to_numpy(float),
            "power_cost_cny_per_year": power["cost_cny_per_year"].to_numpy(float),
        }))
        a = stitched.area_coverage(m.milestone)
        coverage.append({"year": m.milestone, "demand_weight": float(a["demand_weight"].sum()),
                         "coverable_w": float((a["coverable_share"] * a["demand_weight"]).sum()),
                         "covered_w": float((a["covered_share"] * a["demand_weight"]).sum()),
                         "area_pieces": len(a), "area_pieces_met": int(a["target_met"].sum()),
                         "landuse_conflicts": int(conflicts["site_id"].nunique())})
    return {"unit_code": task.unit_code, "seconds": time.perf_counter() - start,
            "peak_rss_mb": _peak_rss_mb(), "worker": _worker_id(),
            "sites": pd.concat(sites, ignore_index=True) if sites else pd.DataFrame(),
            "coverage": pd.DataFrame(coverage)}
