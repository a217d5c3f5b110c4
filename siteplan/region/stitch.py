"""Border stitching: re-optimise the sites near unit borders together.

Each unit is planned alone, so a site in county A chosen for A's border
villages and a site in county B chosen for B's may together do what one of
them could. After the units are planned, the *free* sites (candidates within
the longest reach of a border between units, halo sites a unit chose in its
neighbour, and sites whose every covered point is in the strips, such as the
sites of a town the border cuts) are decided again in one set cover per
milestone whose rows are the demand points some free site covers (the border
strips of every unit) and every point of an area that reaches beyond a unit.
Sites away from the borders stay as their unit chose them (``preselected``),
and so does every earlier milestone (nesting). Each target area is checked
as a whole: its target share of the whole area's weight (or all its
coverable weight where that is less, the planner's rule), less the weight
the fixed sites already cover away from the strips, is what the strip rows
must still bring.

Border coverage (``keep_border_coverage``, :data:`BORDER_MODES`): by default
(``"target"``, also ``true``) each area's border strip also keeps the weight
the units covered there, up to the area's target share of the strip's
weight. So the demand near a border keeps the area's target share (or what
the units gave it, where that is less) and an area's uncovered demand never
piles up at a border because the units were planned apart; coverage the
units bought beyond the target there (mostly sites of two units reaching
the same points) is not kept, as a whole-region plan would not buy it.
``"all"`` keeps every bit of weight the units covered in each area's strip
(the default before issue 29's stitch; it costs more than a whole plan),
``"none"`` (``false``) only the whole-area targets. If the stitched choice
would cost more than simply keeping every unit's choice, the units' choice
is kept.

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

from siteplan.region.config import BORDER_MODES, border_mode
from siteplan.solve import CapacityConstraints, set_cover

__all__ = ["BORDER_MODES", "border_mode", "capacity_rows", "needed_share", "stitch"]

MILESTONE_COLUMNS = ["year", "strip_rows", "rows_solved", "capacity_rows", "free_sites", "columns",
                     "units_cost_cny", "stitched_cost_cny", "kept", "units_short", "solve_seconds"]
AREA_COLUMNS = ["year", "area_id", "demand_weight", "coverable_w", "covered_w",
                "coverage_target", "covered_of_coverable", "covered_share", "target_met",
                "limited_by_reach", "reach_met", "required_mbps", "capacity_mbps", "in_stitch",
                "capacity_met"]
PIECE_COLUMNS = ["year", "area_id", "unit_code", "required_mbps", "served_mbps"]


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


def _meets(matrix: sp.csr_array, choice: np.ndarray, active: np.ndarray, data: dict,
           c: pd.DataFrame, area_active: np.ndarray, caps: dict | None = None) -> bool:
    """Whether ``choice`` gives every area its required covered weight (and,
    with ``caps``, every border area its capacity)."""
    if caps is not None:
        served = caps["per_area"] @ choice.astype(float)
        if (served < caps["demand"] * (1 - 1e-6) - 1e-9).any():
            return False
    covered = _covered(matrix, choice)
    strip_cov = pd.Series((data["weight"] * covered)[active]).groupby(area_active).sum()
    got = c["fixed_covered_w"] + strip_cov.reindex(c.index).fillna(0.0)
    need = np.minimum(c["coverage_target"] * c["weight"], c["coverable_w"])
    return bool((got >= need - 1e-9 * np.maximum(c["weight"], 1.0)).all())


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
    kind = np.full(n, "", dtype=object)
    mats, areas, weights, milestones, targets = [], [], [], [], []
    units, mbps, envs, caps = [], [], [], []
    for p in parts:
        col = np.searchsorted(sites, p["col_site"])
        cost[col] = p["col_cost"]
        kind[col] = p["col_kind"]
        unit = str(p["unit"])
        units.append(np.full(p["row_area"].size, unit, dtype=object))
        mbps.append(p["row_mbps"])
        envs.append(p["row_env"])
        caps.append(pd.DataFrame({"k": p["cap_k"], "area_id": p["cap_area"].astype(str),
                                  "unit_code": unit, "col": col[p["cap_col"]],
                                  "mbps": p["cap_value"]}))
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
            "years": years, "matrix": sp.csr_array(matrix), "kind": kind.astype(str),
            "area": cat(areas, str), "weight": cat(weights, float),
            "milestone": cat(milestones, np.int64), "target": cat(targets, float),
            "unit": cat(units, object).astype(str), "mbps": cat(mbps, float),
            "env": cat(envs, str),
            "caps": pd.concat(caps, ignore_index=True) if caps else pd.DataFrame(
                columns=["k", "area_id", "unit_code", "col", "mbps"])}


def capacity_rows(data: dict[str, Any], k: int, active: np.ndarray, pieces: pd.DataFrame,
                  model: Any, *, strict: bool = False) -> dict[str, Any] | None:
    """The stitch's capacity rows of milestone ``k``: one per whole area
    with demand in the strips, over the strip columns.

    A free column (near a border) serves demand in several units, and each
    unit split its capacity over its own demand only, so its Mbps are split
    again here over every unit's strip demand it covers (the share rule of
    :func:`siteplan.capacity.area_capacity`, per area piece: area and unit);
    every other column keeps the unit's split (``data["caps"]``: exact, it
    serves one unit). A whole area's row is the sum of its pieces; its
    requirement is the sum of its pieces' (``pieces``: ``required_mbps``,
    ``outside_strip_mbps`` per area and unit), capped at what every
    column can give (the strip's and the capacity left outside the strips).

    Returns None when there is nothing to check (no active strip rows).
    """
    from siteplan.capacity import area_capacity
    from siteplan.policy import is_new_build

    rows = np.flatnonzero(active)
    if rows.size == 0 or model is None:
        return None
    key = pd.Series(data["area"][rows]).str.cat(pd.Series(data["unit"][rows]), sep="\x1f")
    pcodes, piece_keys = pd.factorize(key.to_numpy(), sort=True)
    first = pd.Series(np.arange(rows.size)).groupby(pcodes).first().to_numpy()
    piece_area = data["area"][rows][first]
    piece_unit = data["unit"][rows][first]
    n_cols = data["sites"].size
    cap = area_capacity(data["matrix"][rows], data["mbps"][rows], pcodes, np.asarray(piece_keys),
                        data["target"][rows][first], data["env"][rows][first], data["kind"],
                        model, new_build=is_new_build(data["kind"]) if strict else None)
    coo = sp.coo_array(cap.matrix)
    keep = data["free"][coo.col]
    free_part = sp.csr_array((coo.data[keep], (coo.row[keep], coo.col[keep])),
                             shape=(piece_keys.size, n_cols))
    c = data["caps"][data["caps"]["k"] == k]
    idx = pd.Index(piece_keys).get_indexer(
        (c["area_id"].astype(str) + "\x1f" + c["unit_code"].astype(str)).to_numpy())
    ok = (idx >= 0) & ~data["free"][c["col"].to_numpy(np.int64)]
    fixed_part = sp.csr_array((c["mbps"].to_numpy(float)[ok],
                               (idx[ok], c["col"].to_numpy(np.int64)[ok])),
                              shape=(piece_keys.size, n_cols))
    per_piece = sp.csr_array(free_part + fixed_part)
    acodes, areas = pd.factorize(piece_area, sort=True)
    to_area = sp.csr_array((np.ones(piece_keys.size), (acodes, np.arange(piece_keys.size))),
                           shape=(areas.size, piece_keys.size))
    per_area = sp.csr_array(to_area @ per_piece)
    p = pieces.set_index(["area_id", "unit_code"]).reindex(
        pd.MultiIndex.from_arrays([piece_area, piece_unit])).fillna(0.0)
    required = np.bincount(acodes, p["required_mbps"].to_numpy(float), minlength=areas.size)
    outside = np.bincount(acodes, p["outside_strip_mbps"].to_numpy(float), minlength=areas.size)
    available = outside + np.asarray(per_area.sum(axis=1)).ravel()
    return {"areas": np.asarray(areas, dtype=str), "per_area": per_area,
            "per_piece": per_piece, "piece_area": piece_area, "piece_unit": piece_unit,
            "piece_required": p["required_mbps"].to_numpy(float), "required": required,
            "demand": np.minimum(required, available)}


def stitch(strip_files: Sequence[str | Path], area_constants: pd.DataFrame,
           fixed: Mapping[int, set[str]], years: Sequence[int], *, method: str = "auto",
           time_limit_s: float | None = 10.0, seed: int = 0,
           keep_border_coverage: bool | str = "target",
           assumptions: Mapping[str, Any] | None = None,
           deterministic: bool | None = None) -> dict[str, Any]:
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
    keep_border_coverage : {"target", "all", "none"} or bool
        What each area's strip keeps of the weight the units' own choice
        covered there: ``"target"`` (default, also ``True``) up to the area's
        target share of the strip's weight; ``"all"`` all of it; ``"none"``
        (``False``) nothing beyond the whole-area target (see the module).
    assumptions : mapping, optional
        The plan's assumption overrides: with them the stitch also meets
        every border area's busy-hour capacity (:func:`capacity_rows`);
        without, coverage only.
    deterministic : bool, optional
        The solver's deterministic mode (the plan config's ``[solver]
        deterministic``; None: the solver's default).

    Returns
    -------
    dict
        ``selected`` (year -> sorted site ids: fixed and stitched), ``milestones``
        (a table per year: strip size, units' cost, stitched cost, kept choice),
        ``areas`` (per year and area: whole-area coverable and covered weight,
        target, met; busy-hour Mbps required and served, capacity met),
        ``pieces`` (per year, area and unit, for the areas in the strips:
        Mbps required and served, each site's capacity split over every
        unit's demand it serves).
    """
    start = time.perf_counter()
    if not len(area_constants):  # no unit was planned
        return {"selected": {y: sorted(fixed.get(y, ())) for y in years},
                "milestones": pd.DataFrame(columns=MILESTONE_COLUMNS),
                "areas": pd.DataFrame(columns=AREA_COLUMNS),
                "pieces": pd.DataFrame(columns=PIECE_COLUMNS), "seconds": 0.0}
    mode = border_mode(keep_border_coverage)
    model, strict = _capacity_model(assumptions)
    data = _load([str(f) for f in strip_files])
    pieces_c, consts = _constants(area_constants)
    solver = {"method": method, "time_limit_s": time_limit_s, "seed": seed,
              "deterministic": deterministic}
    previous = data["on_air"].copy()
    selected: dict[int, list[str]] = {}
    rows_out, areas_out, pieces_out = [], [], []
    for k, year in enumerate(years):
        pre = previous | np.isin(data["sites"], list(fixed.get(year, ()))) | data["on_air"]
        c = consts[consts["year"] == year].set_index("area_id")
        caps = capacity_rows(data, k, data["milestone"] <= year,
                             pieces_c[pieces_c["year"] == year], model, strict=strict)
        choice, row = _stitch_year(data, k, year, c, pre, caps, mode, solver)
        previous = choice
        areas, pieces = _year_tables(data, year, c, choice, caps)
        areas_out.append(areas)
        if pieces is not None:
            pieces_out.append(pieces)
        selected[year] = sorted(set(data["sites"][choice].tolist()) | set(fixed.get(year, ())))
        rows_out.append(row)
    areas = pd.concat(areas_out, ignore_index=True) if areas_out else pd.DataFrame()
    pieces = pd.concat(pieces_out, ignore_index=True) if pieces_out else pd.DataFrame(
        columns=PIECE_COLUMNS)
    return {"selected": selected, "milestones": pd.DataFrame(rows_out),
            "areas": _area_verdicts(areas), "pieces": pieces,
            "seconds": time.perf_counter() - start}


def _capacity_model(assumptions: Mapping[str, Any] | None) -> tuple[Any, bool]:
    """The capacity model of the plan's assumptions (None: coverage only) and
    whether strict sharing is on."""
    if assumptions is None:
        return None, False
    from siteplan.capacity import CapacityModel
    from siteplan.defaults import Assumptions

    full = Assumptions(dict(assumptions))
    return CapacityModel.from_assumptions(full), str(full["policy.mode"]) == "strict"


def _constants(area_constants: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Every unit's area pieces (capacity columns filled) and their sums per
    year and whole area."""
    pieces_c = area_constants.copy()
    for column in ("required_mbps", "units_served_mbps", "outside_strip_mbps"):
        if column not in pieces_c:
            pieces_c[column] = 0.0
    consts = pieces_c.groupby(["year", "area_id"], sort=True).agg(
        coverable_w=("coverable_w", "sum"), fixed_covered_w=("fixed_covered_w", "sum"),
        weight=("weight", "sum"), coverage_target=("coverage_target", "first"),
        required_mbps=("required_mbps", "sum"),
        units_served_mbps=("units_served_mbps", "sum")).reset_index()
    return pieces_c, consts


def _strip_share(data: dict[str, Any], active: np.ndarray, c: pd.DataFrame,
                 units_choice: np.ndarray, mode: str) -> pd.Series:
    """Per area: the share of its coverable strip weight the stitch must
    cover: the whole-area requirement, and with ``mode`` ``"target"`` or
    ``"all"`` what the units covered in the strip (``"target"``: at most
    the area's target share of the strip's whole weight)."""
    row_coverable = np.diff(data["matrix"].indptr) > 0
    area_active = data["area"][active]

    def per_area(values: np.ndarray) -> np.ndarray:
        return pd.Series(values[active]).groupby(area_active).sum().reindex(
            c.index).fillna(0.0).to_numpy()

    # the solver's targets are shares of the weight some column covers
    strip_w = per_area(data["weight"] * row_coverable)
    share = needed_share(c["coverage_target"].to_numpy(), c["weight"].to_numpy(),
                         c["coverable_w"].to_numpy(), c["fixed_covered_w"].to_numpy(), strip_w)
    if mode != "none":  # the strip keeps what the units covered there
        units_w = per_area(data["weight"] * _covered(data["matrix"], units_choice))
        if mode == "target":  # ... up to the area's target share of the strip
            units_w = np.minimum(units_w, c["coverage_target"].to_numpy()
                                 * per_area(data["weight"]))
        kept = np.divide(units_w, strip_w, out=np.zeros_like(units_w), where=strip_w > 0)
        share = np.maximum(share, np.clip(kept - 1e-12, 0.0, 1.0))
    return pd.Series(share, index=c.index)


def _stitch_year(data: dict[str, Any], k: int, year: int, c: pd.DataFrame, pre: np.ndarray,
                 caps: dict[str, Any] | None, mode: str,
                 solver: dict[str, Any]) -> tuple[np.ndarray, dict[str, Any]]:
    """One milestone: the strip re-solved with ``pre`` fixed; the units' own
    choice kept where it is cheaper and still meets every whole area.
    Returns the chosen columns and the milestone's row of the table."""
    sites, cost, matrix = data["sites"], data["cost"], data["matrix"]
    active = data["milestone"] <= year
    units_choice = pre | data["chosen"][k]
    share = _strip_share(data, active, c, units_choice, mode)
    row_share = share.reindex(data["area"][active]).fillna(0.0).to_numpy()
    row_coverable = np.diff(matrix.indptr) > 0
    rows = np.flatnonzero(active)[(row_share > 0) & row_coverable[active]]
    constraints = None
    if caps is not None and (caps["demand"] > 1e-9).any():
        need = caps["demand"] > 1e-9
        constraints = CapacityConstraints(caps["per_area"][np.flatnonzero(need)],
                                          caps["demand"][need])
    solved_s = 0.0
    stitched = pre.copy()
    if rows.size or constraints is not None:
        codes, uniques = pd.factorize(data["area"][rows])
        t0 = time.perf_counter()
        res = set_cover(matrix[rows], cost, weights=data["weight"][rows],
                        target=share.loc[uniques].to_numpy() if rows.size else 1.0,
                        groups=codes if rows.size else None,
                        preselected=np.flatnonzero(pre), capacity=constraints, **solver)
        solved_s = time.perf_counter() - t0
        stitched = np.zeros(sites.size, bool)
        stitched[res.selected] = True
    units_cost, stitched_cost = float(cost[units_choice].sum()), float(cost[stitched].sum())
    # the units' own choice is kept only where it is cheaper and still meets
    # every whole area's requirement (pieces meeting theirs need not)
    units_short = stitched_cost > units_cost and not _meets(
        matrix, units_choice, active, data, c, data["area"][active], caps)
    keep_stitched = stitched_cost <= units_cost or units_short
    row = {"year": year, "strip_rows": int(active.sum()), "rows_solved": int(rows.size),
           "capacity_rows": 0 if constraints is None else constraints.n_groups,
           "free_sites": int(data["free"].sum()), "columns": int(sites.size),
           "units_cost_cny": units_cost, "stitched_cost_cny": stitched_cost,
           "kept": "stitched" if keep_stitched else "units",
           # the stitch costs more because the units' own choice misses a whole area's target
           "units_short": bool(units_short), "solve_seconds": solved_s}
    return (stitched if keep_stitched else units_choice), row


def _year_tables(data: dict[str, Any], year: int, c: pd.DataFrame, choice: np.ndarray,
                 caps: dict[str, Any] | None) -> tuple[pd.DataFrame, pd.DataFrame | None]:
    """Per whole area (and per area piece, for capacity) what ``choice`` gives."""
    active = data["milestone"] <= year
    covered = _covered(data["matrix"], choice)
    strip_cov = pd.Series((data["weight"] * covered)[active]).groupby(
        data["area"][active]).sum()
    covered_w = c["fixed_covered_w"] + strip_cov.reindex(c.index).fillna(0.0)
    served = c["units_served_mbps"].copy()
    x = choice.astype(float)
    pieces = None
    if caps is not None:
        served.loc[caps["areas"]] = caps["per_area"] @ x
        pieces = pd.DataFrame({
            "year": year, "area_id": caps["piece_area"], "unit_code": caps["piece_unit"],
            "required_mbps": caps["piece_required"], "served_mbps": caps["per_piece"] @ x})
    areas = pd.DataFrame({
        "year": year, "area_id": c.index, "demand_weight": c["weight"].to_numpy(),
        "coverable_w": c["coverable_w"].to_numpy(), "covered_w": covered_w.to_numpy(),
        "coverage_target": c["coverage_target"].to_numpy(),
        "required_mbps": c["required_mbps"].to_numpy(), "capacity_mbps": served.to_numpy(),
        "in_stitch": c.index.isin(caps["areas"] if caps is not None else [])})
    return areas, pieces


def _area_verdicts(areas: pd.DataFrame) -> pd.DataFrame:
    """Whole areas' shares and verdicts, as :meth:`siteplan.planner.Plan.area_coverage`."""
    if not len(areas):
        return areas
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
    # as Plan.area_coverage: served against the whole requirement (no cap)
    areas["capacity_met"] = areas["capacity_mbps"] >= areas["required_mbps"] * (1 - 1e-6)
    return areas
