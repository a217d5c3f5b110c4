"""The per-unit tasks a Dask worker runs: propose new builds for a unit,
plan it, then write its folder.

A unit has three tasks: :func:`propose_unit` (new builds for its own
demand, merged by the driver over the province so each proposal has one
id and is offered to every unit within reach of it), :func:`plan_unit`
(coverage and capacity rows) and :func:`finalize_unit` (its plan folder
with the stitched sites). A task gets a small :class:`UnitTask` (paths and settings, no frames), reads
its own partition files, and returns small tables; big things (the unit's
``Plan``, its border strip) go to files in the work folder.

A unit's slice of a layer may be empty: no land-use zone, road or
candidate within reach, no target area, no demand point after clipping.
That is "nothing here" (a county without a satellite earth station), not
an error: the slice is read as no layer (zones, roads), the unit is skipped
and says so (no target, no demand), or its demand is reported unreachable
(no candidate and no new build within reach). Only a user's own empty file
is an error, raised when the province's inputs are read.

Between a unit's tasks, and between runs, results are data (JSON and
Parquet, :mod:`siteplan.region.store`): the unit's plan is kept as its
chosen sites (``unit_plan.json``) and rebuilt from the partition for its
folder, never pickled.

Examples
--------
>>> task = UnitTask(unit_code="C01", unit_name="County 1", folder="001-C01",
...                 partition=Path("p"), result_dir=Path("r"), key="k", years=(2020,),
...                 assumptions={}, method="auto", time_limit_s=1.0, seed=0, name="x")
>>> task.result_dir / PLAN_FILE
PosixPath('r/unit_plan.json')
"""

from __future__ import annotations

import dataclasses
import json
import os
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
from siteplan.messages import Msg
from siteplan.region.partition import CONTEXT_FILE, PROPOSALS_FILE, ROADS_FILE
from siteplan.schema import INDOOR_KINDS

PLAN_FILE = "unit_plan.json"
PROPOSALS_OUT = "proposals.parquet"
#: Solver limit (s per milestone) of the coverage-only comparison that splits
#: a unit's sites into coverage and capacity sites (as ``siteplan plan``'s report).
COVERAGE_ONLY_LIMIT_S = 1.0
STRIP_FILE = "strip.npz"
#: What became of a unit (``status`` of its task result and of its summary rows).
#: Messages (plain text once read back from the work folder, recognised by their English).
PLANNED, NO_TARGETS, NO_DEMAND, UNREACHABLE = (
    Msg("g.planned"), Msg("g.no_target"), Msg("g.no_demand"), Msg("g.unreachable"))


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
    deterministic: bool = True


@dataclass(frozen=True)
class UnitInputs:
    """One unit's slices of the province's layers, as read from its partition.

    Attributes
    ----------
    candidates, targets : geopandas.GeoDataFrame
        May be empty (nothing of the layer within reach of the unit).
    zones, roads : geopandas.GeoDataFrame or None
        None when the plan has no such layer or the unit's slice is empty.
    unit : geopandas.GeoDataFrame
        The unit's polygon, code and name.
    notes : tuple of str
        What was empty in this unit.
    context : tuple of geopandas.GeoDataFrame
        The map context layers with a feature near the unit (named in
        ``attrs["name"]``); a layer with none is left out.
    """

    candidates: gpd.GeoDataFrame
    targets: gpd.GeoDataFrame
    zones: gpd.GeoDataFrame | None
    roads: gpd.GeoDataFrame | None
    unit: gpd.GeoDataFrame
    notes: tuple[str, ...] = ()
    context: tuple[gpd.GeoDataFrame, ...] = ()


def _check_can_fork() -> None:
    """The solver runs HiGHS in a child process; a daemonic Dask worker may not
    start one."""
    import multiprocessing

    if multiprocessing.current_process().daemon:
        raise ConfigError(Msg("region.tasks.dask_worker_daemonic"))


def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def _worker_id() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def _nothing_here(frame: gpd.GeoDataFrame | None) -> gpd.GeoDataFrame | None:
    """A unit's slice of an optional layer: None when empty (nothing of it
    within reach of the unit), else the slice."""
    return frame if frame is not None and len(frame) else None


def read_partition(folder: Path, *, proposals: bool = True) -> UnitInputs:
    """A unit's inputs from its partition folder (:class:`UnitInputs`).

    With ``proposals`` (and once the driver has written them) the candidates
    are the listed ones (``proposed`` False) then the province's proposals
    within the unit's halo (``proposed`` True), so the planner proposes
    nothing more. An empty slice of the zones or the roads is read as no
    layer, with a note; empty candidates or targets are returned empty.

    Examples
    --------
    >>> import tempfile
    >>> from shapely.geometry import Point, box
    >>> folder = Path(tempfile.mkdtemp())
    >>> empty = gpd.GeoDataFrame({"zone_id": [], "zone_class": []}, geometry=[], crs=32650)
    >>> for name in ("candidates", "targets", "landuse"):
    ...     empty.to_parquet(folder / f"{name}.parquet")
    >>> gpd.GeoDataFrame({"unit_code": ["U1"], "unit_name": ["U 1"], "has_landuse": [True]},
    ...                  geometry=[box(0, 0, 1, 1)], crs=32650).to_parquet(folder / "unit.parquet")
    >>> inputs = read_partition(folder)
    >>> inputs.zones is None, inputs.notes
    (True, ('no land-use zone within reach of the unit',))
    """
    cands = gpd.read_parquet(folder / "candidates.parquet")
    if proposals and (folder / PROPOSALS_FILE).exists():
        cands = with_proposals(cands, gpd.read_parquet(folder / PROPOSALS_FILE))
    targets = gpd.read_parquet(folder / "targets.parquet")
    unit = gpd.read_parquet(folder / "unit.parquet")
    notes = []
    zones = None
    if bool(unit["has_landuse"].iloc[0]):
        zones = _nothing_here(gpd.read_parquet(folder / "landuse.parquet"))
        if zones is None:
            notes.append(Msg("g.no_zone"))
    roads = None
    if (folder / ROADS_FILE).exists():
        roads = _nothing_here(gpd.read_parquet(folder / ROADS_FILE))
        if roads is None:
            notes.append(Msg("g.no_road"))
    return UnitInputs(cands, targets, zones, roads, unit, tuple(notes), _context(folder, unit))


def _context(folder: Path, unit: gpd.GeoDataFrame) -> tuple[gpd.GeoDataFrame, ...]:
    """The unit's non-empty slices of the map context layers, named."""
    names = json.loads(unit["context_names"].iloc[0]) if "context_names" in unit else []
    layers = []
    for i, name in enumerate(names):
        path = folder / CONTEXT_FILE.format(i)
        layer = _nothing_here(gpd.read_parquet(path)) if path.exists() else None
        if layer is not None:
            layer.attrs["name"] = str(name)
            layers.append(layer)
    return tuple(layers)


def with_proposals(listed: gpd.GeoDataFrame, proposals: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Listed candidates then proposals, one frame, ``proposed`` on every row;
    the listed text columns stay text (empty, not NaN) on proposal rows.

    Examples
    --------
    >>> from shapely.geometry import Point
    >>> a = gpd.GeoDataFrame({"site_id": ["s1"], "owner": ["cm"]}, geometry=[Point(0, 0)],
    ...                      crs=32650)
    >>> b = gpd.GeoDataFrame({"site_id": ["C1-PR-GF-0-0"], "proposal_reason": ["coverage"]},
    ...                      geometry=[Point(1, 1)], crs=32650)
    >>> out = with_proposals(a, b)
    >>> out["proposed"].tolist(), out["owner"].tolist(), out["proposal_reason"].tolist()
    ([False, True], ['cm', ''], ['', 'coverage'])
    """
    listed = listed.assign(proposed=False, proposal_reason="")
    if not len(proposals):
        return listed
    props = proposals.to_crs(listed.crs).assign(proposed=True)
    out = gpd.GeoDataFrame(pd.concat([listed, props], ignore_index=True), geometry="geometry",
                           crs=listed.crs)
    for column in listed.columns:
        if column != "geometry" and (pd.api.types.is_string_dtype(listed[column])
                                     or listed[column].dtype == object):
            out[column] = out[column].fillna("")
    out["proposed"] = out["proposed"].astype(bool)
    return out


def _canonical(inputs: UnitInputs) -> tuple[gpd.GeoDataFrame, gpd.GeoDataFrame]:
    """The unit's candidates and targets in canonical form; an empty slice
    stays empty (the partition was cut from layers checked as a whole)."""
    from siteplan.schema import validate_candidates, validate_targets

    cands, targets = inputs.candidates, inputs.targets
    if len(cands):
        cands = validate_candidates(cands, "candidates")
    if len(targets):
        targets = validate_targets(targets, "targets")
    return cands, targets


def propose_unit(task: UnitTask) -> dict[str, Any]:
    """Propose new builds for one unit's demand (the first of a unit's
    tasks): the listed candidates of its halo (none is fine: then every
    proposal is a new build), its demand and busy-hour traffic, and
    :func:`siteplan.proposals.extend_with_proposals` (coverage proposals
    where no listed candidate reaches, capacity proposals where the area's
    candidates cannot carry its traffic; smart poles along the unit's
    roads), as ``siteplan plan`` does. A unit with no target area proposes
    nothing. The proposals go to ``result_dir/proposals.parquet`` (metric
    CRS); the driver merges every unit's
    (:func:`siteplan.region.partition.merge_proposals`).
    """
    from siteplan.capacity import CapacityModel
    from siteplan.coverage import coverage_matrix
    from siteplan.demand import demand_points
    from siteplan.landuse import prepare_zones
    from siteplan.proposals import extend_with_proposals
    from siteplan.terrain.zones import with_zone_clutter
    from siteplan.traffic import area_traffic, point_demand_mbps

    start = time.perf_counter()
    inputs = read_partition(task.partition, proposals=False)
    cands_m, targets_m = _canonical(inputs)
    task.result_dir.mkdir(parents=True, exist_ok=True)
    assumptions = Assumptions(dict(task.assumptions))
    props = gpd.GeoDataFrame({"site_id": []}, geometry=[], crs=inputs.candidates.crs)
    points = 0
    if len(targets_m):
        demand = demand_points(targets_m, spacing_m=float(assumptions["demand.spacing_m"]))
        points = len(demand)
    if points:
        zones_m = None if inputs.zones is None else prepare_zones(
            inputs.zones, source="landuse")[0].to_crs(cands_m.crs)
        assumptions = with_zone_clutter(assumptions, zones_m)  # clutter = "landuse" reads them
        coverage = coverage_matrix(demand, cands_m, assumptions)
        roads_m = None if inputs.roads is None else inputs.roads.to_crs(cands_m.crs)
        traffic = area_traffic(targets_m, assumptions)
        demand["demand_mbps"] = point_demand_mbps(demand, traffic)
        _, out_m, _, _ = extend_with_proposals(
            cands_m, cands_m, demand, coverage, targets_m, assumptions, zones_m=zones_m,
            roads_m=roads_m, point_mbps=demand["demand_mbps"].to_numpy(),
            model=CapacityModel.from_assumptions(assumptions))
        props = out_m[out_m["proposed"].to_numpy(bool)]
        props = props[[c for c in props.columns if c not in ("unit_code", "near_border")]]
    path = task.result_dir / PROPOSALS_OUT
    tmp = task.result_dir / f".{PROPOSALS_OUT}.tmp"
    gpd.GeoDataFrame(props.reset_index(drop=True), geometry="geometry",
                     crs=inputs.candidates.crs).to_parquet(tmp, index=False)
    os.replace(tmp, path)
    return {"unit_code": task.unit_code, "seconds": time.perf_counter() - start,
            "peak_rss_mb": _peak_rss_mb(), "worker": _worker_id(), "demand_points": points,
            "proposals": len(props), "proposals_file": str(path), "notes": list(inputs.notes)}


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


def _unit_status(task: UnitTask, inputs: UnitInputs
                 ) -> tuple[str, gpd.GeoDataFrame, gpd.GeoDataFrame | None]:
    """Whether the unit has anything to plan: its status (:data:`PLANNED`,
    :data:`NO_TARGETS`, :data:`NO_DEMAND`, :data:`UNREACHABLE`), its
    canonical targets and its demand points (None when it has none)."""
    from siteplan.demand import demand_points

    cands, targets = _canonical(inputs)
    if not len(targets):
        return NO_TARGETS, targets, None
    spacing_m = float(Assumptions(dict(task.assumptions))["demand.spacing_m"])
    demand = demand_points(targets, spacing_m=spacing_m)
    if not len(demand):
        return NO_DEMAND, targets, None
    return (PLANNED if len(cands) else UNREACHABLE), targets, demand


def _unreachable_constants(task: UnitTask, targets: gpd.GeoDataFrame,
                           demand: gpd.GeoDataFrame) -> pd.DataFrame:
    """Per year and area piece of a unit no candidate reaches: its demand
    weight and busy-hour Mbps, none of it coverable or served (so the
    province's area check reports it not met, limited by reach)."""
    from siteplan.traffic import area_traffic, point_demand_mbps

    assumptions = Assumptions(dict(task.assumptions))
    mbps = point_demand_mbps(demand, area_traffic(targets, assumptions))
    frame = pd.DataFrame({"area_id": demand["area_id"].astype(str).to_numpy(),
                          "weight": demand["weight"].to_numpy(float),
                          "milestone": demand["milestone"].to_numpy(int),
                          "coverage_target": demand["coverage_target"].to_numpy(float),
                          "mbps": np.asarray(mbps, float)})
    rows = []
    for year in task.years:
        active = frame[frame["milestone"] <= year]
        if not len(active):
            continue
        agg = active.groupby("area_id", sort=True).agg(
            weight=("weight", "sum"), coverage_target=("coverage_target", "first"),
            mbps=("mbps", "sum"))
        rows.append(pd.DataFrame({
            "year": year, "area_id": agg.index, "unit_code": task.unit_code,
            "coverable_w": 0.0, "fixed_covered_w": 0.0, "weight": agg["weight"].to_numpy(),
            "coverage_target": agg["coverage_target"].to_numpy(),
            "required_mbps": (agg["mbps"] * agg["coverage_target"]).to_numpy(),
            "units_served_mbps": 0.0, "outside_strip_mbps": 0.0}))
    return pd.concat(rows, ignore_index=True)[CONSTANT_COLUMNS] if rows else \
        empty_constants()


def _not_planned(task: UnitTask, inputs: UnitInputs, base: dict[str, Any], status: str,
                 targets: gpd.GeoDataFrame, demand: gpd.GeoDataFrame | None) -> dict[str, Any]:
    """The result of a unit with nothing to plan: its sites on air kept, and
    for unreachable demand the areas' weight and Mbps, none coverable."""
    cands = inputs.candidates
    on_air = cands[cands["on_air"].astype(bool)] if len(cands) else cands
    own = (~on_air["near_border"].astype(bool) & (on_air["unit_code"] == task.unit_code)) \
        if len(on_air) else np.zeros(0, bool)
    constants = (_unreachable_constants(task, targets, demand)
                 if status == UNREACHABLE and demand is not None
                 else empty_constants())
    return {**base, "demand_points": 0 if demand is None else len(demand), "planned": False,
            "status": status,
            "selected": {y: on_air["site_id"].astype(str).tolist() for y in task.years},
            "fixed": {y: on_air.loc[own, "site_id"].astype(str).tolist() for y in task.years},
            "area_constants": constants, "coverage_only": {y: 0 for y in task.years},
            "strip_file": None}


def _unit_problem(task: UnitTask, inputs: UnitInputs):
    """The unit's planning problem, built the same way by :func:`plan_unit`
    and (to write the unit's folder) :func:`finalize_unit`."""
    from siteplan.problem import build_problem

    return build_problem(inputs.candidates, inputs.targets, landuse=inputs.zones,
                         assumptions=Assumptions(dict(task.assumptions)), capacity=True,
                         metric_crs=inputs.candidates.crs)


def save_plan_state(plan, path: Path) -> None:
    """The unit's plan as data: per milestone the chosen and added site ids
    and the solver's figures (what :func:`load_plan` needs to rebuild it)."""
    ids = plan.candidates["site_id"].astype(str).to_numpy()
    milestones = []
    for m in plan.milestones:
        r = m.result
        details = {k: v for k, v in r.details.items() if k == "deterministic_cut"}
        milestones.append({
            "milestone": int(m.milestone), "selected": ids[m.selected].tolist(),
            "added": ids[m.added].tolist(),
            "result": {"cost": float(r.cost), "lower_bound": float(r.lower_bound),
                       "covered": float(r.covered), "method": str(r.method),
                       "uncoverable": np.asarray(r.uncoverable).tolist(),
                       "time_s": float(r.time_s), "optimal": bool(r.optimal),
                       "details": json.loads(json.dumps(details, default=str)),
                       "capacity_shortfall": np.asarray(r.capacity_shortfall, float).tolist()}})
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(json.dumps({"name": plan.name, "solver": plan.solver,
                               "milestones": milestones}, default=str), encoding="utf-8")
    os.replace(tmp, path)


def load_plan(task: UnitTask, inputs: UnitInputs):
    """The unit's ``Plan``: its problem rebuilt from the partition (the same
    inputs and settings as :func:`plan_unit`) with the milestones of
    :func:`save_plan_state`."""
    from siteplan.planner import MilestonePlan, Plan
    from siteplan.solve import SetCoverResult

    state = json.loads((task.result_dir / PLAN_FILE).read_text(encoding="utf-8"))
    problem = _unit_problem(task, inputs)
    position = pd.Series(np.arange(len(problem.candidates)),
                         index=problem.candidates["site_id"].astype(str).to_numpy())
    milestones = []
    for item in state["milestones"]:
        year = int(item["milestone"])
        selected = np.sort(position[item["selected"]].to_numpy()).astype(np.int64)
        added = np.sort(position[item["added"]].to_numpy()).astype(np.int64)
        r = item["result"]
        result = SetCoverResult(selected, float(r["cost"]), float(r["lower_bound"]),
                                float(r["covered"]), np.asarray(r["uncoverable"], np.int64),
                                str(r["method"]), float(r["time_s"]), bool(r["optimal"]),
                                dict(r["details"]), np.asarray(r["capacity_shortfall"], float))
        inst = problem.instance(year)
        covered = problem.coverage.cover_counts(selected) > 0
        milestones.append(MilestonePlan(year, selected, added, inst.active, covered, result,
                                        inst.capacity))
    return Plan(problem, tuple(milestones), {}, name=str(state["name"]),
                solver=dict(state["solver"]))


def plan_unit(task: UnitTask) -> dict[str, Any]:
    """Plan one unit from its partition (coverage and capacity rows, with the
    province's proposals in its halo); returns small tables.

    Returns a dict with ``unit_code``, ``status`` (:data:`PLANNED` or why
    not), ``notes`` (empty slices), ``seconds``, ``peak_rss_mb``, ``worker``,
    ``demand_points``, ``candidates``, ``selected`` (site ids per year),
    ``area_constants`` (per year and area piece: coverable weight, weight
    covered away from every border site, busy-hour Mbps required, capacity
    the units' own sites give and capacity outside the strip's columns),
    ``coverage_only`` (per year: the unit's own outdoor sites in its
    coverage-only plan, for the coverage/capacity split) and the strip file's path.
    A unit with no target area or no demand point is skipped; one whose
    demand no candidate reaches reports it unreachable (nothing planned).
    """
    from siteplan.capacity_report import coverage_only
    from siteplan.planner import plan

    start = time.perf_counter()
    inputs = read_partition(task.partition)
    task.result_dir.mkdir(parents=True, exist_ok=True)
    base = {"unit_code": task.unit_code, "unit_name": task.unit_name, "key": task.key,
            "worker": _worker_id(), "candidates": len(inputs.candidates),
            "notes": list(inputs.notes)}
    status, targets, demand = _unit_status(task, inputs)
    if status != PLANNED:
        out = _not_planned(task, inputs, base, status, targets, demand)
        return {**out, "seconds": time.perf_counter() - start, "peak_rss_mb": _peak_rss_mb()}
    _check_can_fork()
    problem = _unit_problem(task, inputs)
    result = plan(problem, method=task.method, time_limit_s=task.time_limit_s, seed=task.seed,
                  name=task.name, deterministic=task.deterministic)
    planned_s = time.perf_counter() - start
    save_plan_state(result, task.result_dir / PLAN_FILE)
    strip_file, constants, selected, fixed = _strip(result, task)
    cov_only = coverage_only(result, time_limit_s=min(task.time_limit_s, COVERAGE_ONLY_LIMIT_S),
                             seed=task.seed)
    home_outdoor = ((result.candidates["unit_code"].to_numpy() == task.unit_code)
                    & ~np.isin(result.candidates["kind"].to_numpy(), list(INDOOR_KINDS)))
    by_year = {m.milestone: int(home_outdoor[sel].sum())
               for m, sel in zip(result.milestones, cov_only, strict=True)}
    cov_counts, last = {}, 0
    for year in task.years:
        last = by_year.get(year, last)
        cov_counts[year] = last
    return {**base, "seconds": time.perf_counter() - start, "plan_seconds": planned_s,
            "peak_rss_mb": _peak_rss_mb(), "demand_points": len(result.demand), "planned": True,
            "status": PLANNED, "selected": selected, "fixed": fixed, "area_constants": constants,
            "coverage_only": cov_counts, "strip_file": str(strip_file)}


CONSTANT_COLUMNS = ["year", "area_id", "unit_code", "coverable_w", "fixed_covered_w", "weight",
                    "coverage_target", "required_mbps", "units_served_mbps",
                    "outside_strip_mbps"]


def empty_constants() -> pd.DataFrame:
    """No area piece: :data:`CONSTANT_COLUMNS` with their dtypes (so that
    tables of several units concatenate to numbers, not objects).

    Examples
    --------
    >>> empty_constants().dtypes["weight"], len(empty_constants())
    (dtype('float64'), 0)
    """
    frame = pd.DataFrame({c: pd.Series(dtype=float) for c in CONSTANT_COLUMNS})
    return frame.astype({"year": np.int64, "area_id": object, "unit_code": object})


def solver_matrix(plan) -> sp.csr_array:
    """The matrix the unit's solver saw (land use applied; strict sharing if set)."""
    return sp.csr_array(plan.problem.matrix)


def _inner_columns(matrix: sp.csr_array, strip: np.ndarray) -> np.ndarray:
    """Columns that cover some row and only rows of ``strip`` (bool mask).

    Examples
    --------
    >>> a = sp.csr_array(np.array([[1, 0, 1, 0], [0, 1, 1, 0]], bool))
    >>> _inner_columns(a, np.array([True, False])).tolist()
    [True, False, False, False]
    """
    covers = np.zeros(matrix.shape[1], bool)
    covers[matrix.indices] = True
    covers[sp.csr_array(matrix[np.flatnonzero(~strip)]).indices] = False
    return covers


def _strip(plan, task: UnitTask) -> tuple[Path, pd.DataFrame, dict, dict]:
    """Write the unit's border strip and return its per-area constants.

    Free columns: candidates within reach of a border, or whose home is another
    unit. Strip rows: demand points some free column covers, and every point of
    an area that reaches beyond the unit; the strip file holds them with every
    column that covers them. Columns covering strip rows only are free too
    (:func:`_inner_columns`). Everything else is fixed by the unit's plan and
    summarised per year and area as the coverable weight and the weight
    covered by the unit's fixed sites.

    Capacity: per year, the Mbps each strip column that is not free gives
    each area piece of the strip (the unit's own split of a site's capacity
    between the areas it serves, exact for a site that serves only this
    unit), the busy-hour demand of each strip row, and per area piece the
    capacity of the columns left out of the strip. A free column's capacity
    is split again in the stitch over every unit's demand it serves.
    """
    cands = plan.candidates
    site_ids = cands["site_id"].astype(str).to_numpy()
    free = cands["near_border"].to_numpy(bool) | (cands["unit_code"].to_numpy() != task.unit_code)
    matrix = solver_matrix(plan)
    csc = sp.csc_array(matrix)
    strip = np.asarray(csc[:, np.flatnonzero(free)].sum(axis=1)).ravel() > 0
    # every point of an area that reaches beyond the unit goes to the stitch with
    # all the columns that cover it, so the stitch can meet the whole area's target
    targets = plan.targets
    crossing = set(targets.loc[targets["crosses_unit"].astype(bool), "area_id"].astype(str)) \
        if "crosses_unit" in targets else set()
    strip |= plan.demand["area_id"].astype(str).isin(crossing).to_numpy()
    # a column that covers strip rows only is free too: the stitch sees everything it
    # covers, so it can decide it again with the rest (e.g. the sites of a town the border
    # cuts, all of whose points go to the stitch); its unit's choice is no longer fixed
    free |= _inner_columns(matrix, strip)
    coverable = np.diff(matrix.indptr) > 0
    demand = plan.demand
    weight = demand["weight"].to_numpy(float)
    milestone = demand["milestone"].to_numpy(int)
    area = demand["area_id"].astype(str).to_numpy()
    target = demand["coverage_target"].to_numpy(float)
    mbps = (demand["demand_mbps"].to_numpy(float) if "demand_mbps" in demand
            else np.zeros(len(demand)))
    selected_pos = selection_by_year(plan, task.years)
    last = selected_pos[task.years[-1]] if task.years else np.zeros(0, np.int64)
    ever = np.zeros(len(cands), bool)
    ever[last] = True
    on_strip = np.zeros(len(cands), bool)
    on_strip[np.unique(sp.csr_array(matrix[np.flatnonzero(strip)]).indices)] = True
    columns = np.flatnonzero(free | ever | on_strip)
    in_strip_cols = np.zeros(len(cands), bool)
    in_strip_cols[columns] = True
    strip_areas = set(area[strip].tolist())
    rows = []
    selected, fixed = {}, {}
    cap_k, cap_area, cap_col, cap_value = [], [], [], []
    for k, year in enumerate(task.years):
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
        agg["required_mbps"] = 0.0
        agg["units_served_mbps"] = 0.0
        agg["outside_strip_mbps"] = 0.0
        cap = plan.problem.instance(year).capacity if active.any() else None
        if cap is not None:
            ids = np.asarray(cap.area_ids).astype(str)
            agg.loc[ids, "required_mbps"] = cap.required_mbps
            agg.loc[ids, "units_served_mbps"] = cap.served_mbps(pos)
            outside = sp.csr_array(cap.matrix[:, np.flatnonzero(~in_strip_cols)])
            agg.loc[ids, "outside_strip_mbps"] = np.asarray(outside.sum(axis=1)).ravel()
            coo = sp.coo_array(cap.matrix)
            keep = (~free[coo.col] & in_strip_cols[coo.col]
                    & np.isin(ids[coo.row], list(strip_areas)))
            cap_k.append(np.full(int(keep.sum()), k))
            cap_area.append(ids[coo.row[keep]])
            cap_col.append(np.searchsorted(columns, coo.col[keep]))
            cap_value.append(coo.data[keep])
        rows.append(agg.reset_index().assign(year=year, unit_code=task.unit_code))
        selected[year] = site_ids[pos].tolist()
        fixed[year] = site_ids[fixed_pos].tolist()
    constants = pd.concat(rows, ignore_index=True)[CONSTANT_COLUMNS] if rows else \
        empty_constants()
    sub = sp.csr_array(matrix[np.flatnonzero(strip)][:, columns])
    chosen = np.zeros((len(task.years), columns.size), bool)
    for k, year in enumerate(task.years):
        chosen[k] = np.isin(columns, selected_pos[year])
    env = demand["environment"].astype(str).to_numpy()

    def cat(xs: list, dtype: Any) -> np.ndarray:
        return np.concatenate(xs).astype(dtype) if xs else np.zeros(0, dtype)

    path = task.result_dir / STRIP_FILE
    tmp = task.result_dir / f".{STRIP_FILE}.tmp.npz"
    np.savez(tmp, indptr=sub.indptr, indices=sub.indices, shape=np.array(sub.shape),
             unit=np.array(task.unit_code),
             col_site=site_ids[columns].astype(str),
             col_cost=np.asarray(plan.problem.cost_cny, float)[columns],
             col_kind=cands["kind"].astype(str).to_numpy()[columns].astype(str),
             col_free=free[columns], col_on_air=cands["on_air"].to_numpy(bool)[columns],
             col_chosen=chosen, years=np.array(task.years, dtype=np.int64),
             row_area=area[strip].astype(str), row_weight=weight[strip],
             row_milestone=milestone[strip], row_target=target[strip],
             row_mbps=mbps[strip], row_env=env[strip].astype(str),
             cap_k=cat(cap_k, np.int64), cap_area=cat(cap_area, str),
             cap_col=cat(cap_col, np.int64), cap_value=cat(cap_value, float))
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
                                        m.active, covered, m.result, m.capacity))
        previous = chosen
    return dataclasses.replace(plan, milestones=tuple(milestones), _cache={})


def _coverage_row(year: int, a: pd.DataFrame, conflicts: pd.DataFrame) -> dict[str, Any]:
    """A unit's coverage figures of one year from its area table (``Plan.area_coverage``)."""
    return {"year": year, "demand_weight": float(a["demand_weight"].sum()),
            "coverable_w": float((a["coverable_share"] * a["demand_weight"]).sum()),
            "covered_w": float((a["covered_share"] * a["demand_weight"]).sum()),
            "area_pieces": len(a), "area_pieces_met": int(a["target_met"].sum()),
            "landuse_conflicts": int(conflicts["site_id"].nunique())}


def _between_coverage(stitched, final: Mapping[int, set[str]],
                      task: UnitTask) -> list[dict[str, Any]]:
    """Coverage rows of the province years after the unit's first milestone
    that are not milestones of the unit (its demand is that of its latest
    earlier milestone; its sites those of the stitched province selection of
    that year): without them the summary showed nothing covered there."""
    from siteplan.planner import MilestonePlan

    own = {m.milestone: m for m in stitched.milestones}
    site_ids = stitched.candidates["site_id"].astype(str).to_numpy()
    home = stitched.candidates.loc[stitched.candidates["unit_code"] == task.unit_code,
                                   "site_id"].astype(str)
    rows = []
    for year in task.years:
        before = [y for y in own if y < year]
        if year in own or not before or int(year) not in final:
            continue
        prev = own[max(before)]
        chosen = np.union1d(np.flatnonzero(np.isin(site_ids, list(final[int(year)]))),
                            prev.selected)
        m = MilestonePlan(year, chosen, np.setdiff1d(chosen, prev.selected), prev.active,
                          stitched.coverage.cover_counts(chosen) > 0, prev.result, prev.capacity)
        p = dataclasses.replace(stitched, milestones=(*stitched.milestones, m), _cache={})
        conflicts = p.site_conflicts(year)
        rows.append(_coverage_row(year, p.area_coverage(year),
                                  conflicts[conflicts["site_id"].isin(home)]))
    return rows


def finalize_unit(task: UnitTask, final_file: Path, out_dir: Path, *,
                  lang: str = "en", tiles: str | None = None,
                  offline: bool = False) -> dict[str, Any]:
    """Write the unit's plan folder with the stitched selection and return
    the unit's figures: its own sites (home unit) per year with status, kind,
    proposed and cost, land-use conflicts, power, the coverage of its own
    demand, and per area piece the busy-hour Mbps required and served (the
    unit's own split of each site's capacity).
    ``final_file`` is the stitch's JSON (year -> site ids), read from the work
    folder rather than sent through the scheduler; the unit's plan is rebuilt
    from its partition and ``unit_plan.json`` (:func:`load_plan`).

    ``sites`` lists every site of the unit's plan (``home`` marks those in the
    unit), so a site chosen in a unit that has no plan of its own still has a row.
    """
    from siteplan.export import write_plan
    from siteplan.power import site_power

    start = time.perf_counter()
    inputs = read_partition(task.partition)
    plan = load_plan(task, inputs)
    final = json.loads(Path(final_file).read_text(encoding="utf-8"))
    final_sets = {int(y): set(v) for y, v in final.items()}
    stitched = with_selection(plan, final_sets)
    write_plan(stitched, out_dir, lang=lang, tiles=tiles, offline=offline,
               context=list(inputs.context), zones=inputs.zones)
    sites, coverage, pieces = [], [], []
    for m in stitched.milestones:
        s = stitched.sites(m.milestone)
        home = (s["unit_code"] == task.unit_code).to_numpy()
        power = site_power(s, stitched.assumptions)
        conflicts = stitched.site_conflicts(m.milestone)
        conflicts = conflicts[conflicts["site_id"].isin(s.loc[home, "site_id"])]
        sites.append(pd.DataFrame({
            "year": m.milestone, "site_id": s["site_id"].astype(str).to_numpy(), "home": home,
            "status": s["status"].to_numpy(), "since": s["since"].to_numpy(),
            "kind": s["kind"].astype(str).to_numpy(),
            "proposed": (s["proposed"].to_numpy(bool) if "proposed" in s
                         else np.zeros(len(s), bool)),
            "cost_cny": s["cost_cny"].to_numpy(float),
            "landuse_flag": (s["landuse_flag"].to_numpy() if "landuse_flag" in s
                             else np.full(len(s), "")),
            "load_kw": power["load_kw"].to_numpy(float),
            "energy_kwh_per_year": power["energy_kwh_per_year"].to_numpy(float),
            "power_cost_cny_per_year": power["cost_cny_per_year"].to_numpy(float),
        }))
        a = stitched.area_coverage(m.milestone)
        if "demand_mbps" in a:
            pieces.append(pd.DataFrame({"year": m.milestone, "area_id": a["area_id"].astype(str),
                                        "required_mbps": a["demand_mbps"].to_numpy(float),
                                        "served_mbps": a["capacity_mbps"].to_numpy(float)}))
        coverage.append(_coverage_row(m.milestone, a, conflicts))
    coverage.extend(_between_coverage(stitched, final_sets, task))
    return {"unit_code": task.unit_code, "seconds": time.perf_counter() - start,
            "peak_rss_mb": _peak_rss_mb(), "worker": _worker_id(),
            "sites": pd.concat(sites, ignore_index=True) if sites else pd.DataFrame(),
            "coverage": pd.DataFrame(coverage),
            "capacity_pieces": (pd.concat(pieces, ignore_index=True) if pieces else
                                pd.DataFrame(columns=["year", "area_id", "required_mbps",
                                                      "served_mbps"]))}
