"""Build before demolish (先建后拆): replace sites that must go.

Given a plan folder, a milestone and the sites to remove, find replacement
sites (sharing first: cheapest by the policy costs, never on forbidden land)
that restore the coverage the removed sites gave, the same number where that
restores at least ``restore_share`` of it, and write the work order: build
these, then remove those, with the coverage before, during and after.

Examples
--------
>>> import tempfile, pathlib
>>> from siteplan.datasets import load_sample
>>> from siteplan.export import write_plan
>>> from siteplan.planner import plan
>>> c, t, _ = load_sample()
>>> p = plan(c, t, assumptions={"demand.spacing_m": 400.0}, time_limit_s=2)
>>> root = pathlib.Path(tempfile.mkdtemp())
>>> _ = write_plan(p, root / "plan", tiles=None)
>>> gone = p.sites(2020)["site_id"].iloc[0]
>>> r = relocate(root / "plan", 2020, [gone], root / "reloc", time_limit_s=2)
>>> r["removed"] == [gone] and r["restored_share"] >= 0.99
True
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import scipy.sparse as sp
from shapely.geometry import Point

from siteplan.defaults import Assumptions
from siteplan.deliver.sheets import localise
from siteplan.errors import ConfigError, InputError
from siteplan.export import sites_table
from siteplan.io.atomic import check_writable_folder, output_folder
from siteplan.io.tables import write_csv
from siteplan.kinds import KIND_INFO
from siteplan.messages import Msg
from siteplan.planio import read_state
from siteplan.problem import build_problem
from siteplan.solve import max_cover, set_cover

RING_M = (60.0, 120.0)


def nearby_candidates(candidates: gpd.GeoDataFrame, removed: np.ndarray,
                      assumptions: Assumptions) -> gpd.GeoDataFrame:
    """New-build candidates on rings around each removed site (8 bearings at
    60 m and 120 m): a new ground tower for a macro site, a new smart pole
    for a pole micro site, an indoor system in a building nearby for an
    indoor system (室分), at the removed site's height. Ids ``<id>-R<n>``."""
    metric = candidates.estimate_utm_crs()
    gone = candidates.iloc[removed].to_crs(metric)
    rows = []
    for row in gone.itertuples():
        info = KIND_INFO[row.kind]
        kind = "greenfield" if info.macro else "indoor_das" if info.indoor else "smart_pole"
        n = 0
        for radius in RING_M:
            for bearing in np.arange(8) * np.pi / 4:
                n += 1
                rows.append({"site_id": f"{row.site_id}-R{n}", "kind": kind,
                             "height_m": row.height_m, "owner": "relocation (new)",
                             "name": f"Replacement {n} for {row.site_id}", "open_access": True,
                             "on_air": False, "power_supply": "direct",
                             "geometry": Point(row.geometry.x + radius * np.cos(bearing),
                                               row.geometry.y + radius * np.sin(bearing))})
    extra = gpd.GeoDataFrame(rows, geometry="geometry", crs=metric).to_crs(candidates.crs)
    return extra


def relocate(plan_dir: str | Path, milestone: int, remove: list[str], out: str | Path, *,
             restore_share: float = 0.99, time_limit_s: float = 10.0,
             force: bool = False, lang: str = "en") -> dict[str, Any]:
    """Plan replacements for ``remove`` and write ``work_order.csv`` and
    ``relocation.json`` into ``out``; returns the relocation summary.

    The plan folder is read back and checked (:func:`siteplan.planio.read_state`);
    the plan's candidates and the ring candidates go through the problem
    builder once (one planning problem, not two), so land use
    (never forbidden land, restricted land penalised) and strict sharing
    apply to them as to the plan's candidates. The removed sites are out of
    the candidate pool (their structure is going).

    Raises
    ------
    InputError, ConfigError
        Not a plan folder, unknown milestone, a removed id not in the plan,
        ``restore_share`` outside (0, 1].
    """
    plan_dir, out = Path(plan_dir), Path(out)
    if not 0 < float(restore_share) <= 1:
        raise ConfigError(Msg("relocate.share", share=format(restore_share, 'g')))
    remove = [r.strip() for item in remove for r in str(item).split(",") if r.strip()]
    if not remove:
        raise ConfigError(Msg("relocate.none"))
    stored = read_state(plan_dir)  # checked, nothing built yet
    check_writable_folder(out, kind="relocation", force=force, inputs=(plan_dir,))
    chosen = stored.selected_ids(int(milestone))
    missing = [r for r in remove if r not in set(chosen)]
    if missing:
        raise InputError(Msg("relocate.unknown", gpkg=plan_dir / "plan.gpkg", year=milestone,
                             ids=missing))
    base = stored.candidates
    position = pd.Series(np.arange(len(base)), index=base["site_id"].to_numpy())
    removed_old = position[remove].to_numpy()
    rings = nearby_candidates(base, removed_old, stored.assumptions)
    pool = gpd.GeoDataFrame(pd.concat([base, rings], ignore_index=True), crs=base.crs)
    # one planning problem (issue 26): the plan's candidates and the ring candidates; the
    # removed sites stay in it for the coverage before removal, but may not be chosen
    problem = build_problem(pool, stored.layers["targets"],
                            landuse=stored.layers.get("landuse_zones"),
                            assumptions=stored.assumptions, allow_large=True)
    new_pos = pd.Series(np.arange(len(problem.candidates)),
                        index=problem.candidates["site_id"].to_numpy())
    unknown = [c for c in chosen if c not in new_pos.index]
    if unknown:
        raise InputError(Msg("relocate.milestone_names_sites", plan_dir=plan_dir / 'plan.json',
                             milestone=milestone, unknown=unknown[:3]))
    selected = np.sort(new_pos[chosen].to_numpy())
    gone = new_pos[remove].to_numpy()
    kept = np.setdiff1d(selected, gone)
    active = problem.instance(int(milestone)).active
    w = problem.weights[active]

    def covered(cols: np.ndarray) -> np.ndarray:
        return problem.coverage.cover_counts(cols)[active] > 0

    before = covered(selected)
    after_removal = covered(kept)
    lost = before & ~after_removal
    lost_weight = float(w[lost].sum())
    free = ~problem.excluded
    free[selected] = False  # kept sites are there already; removed ones are going
    cols = np.flatnonzero(free)
    replacements = np.zeros(0, dtype=int)
    method = "nothing to restore"
    rows = np.flatnonzero(lost)
    coverable_w = 0.0
    if rows.size and cols.size:
        sub = sp.csc_array(problem.matrix[active][rows])[:, cols]
        cost = problem.cost_cny[cols]
        coverable_w = float(w[rows][np.diff(sub.tocsr().indptr) > 0].sum())
        share = min(1.0, restore_share * lost_weight / coverable_w) if coverable_w else 1.0
        cheapest = set_cover(sub, cost, weights=w[rows], target=share, time_limit_s=time_limit_s,
                             deterministic=True)
        same = max_cover(sub, k=min(removed_old.size, cols.size), weights=w[rows], cost=cost,
                         time_limit_s=time_limit_s, deterministic=True)
        if cheapest.selected.size <= removed_old.size:
            pick, method = cheapest.selected, "cheapest replacements, no more than removed"
        elif same.covered_weight >= restore_share * lost_weight - 1e-9:
            pick, method = same.selected, "same number of replacements"
        else:
            pick = cheapest.selected
            method = "more replacements than removed sites (same number cannot restore enough)"
        replacements = cols[pick]
    during = before | covered(replacements)
    after = covered(np.union1d(kept, replacements))
    restored_weight = float(w[lost & after].sum())
    total = float(w.sum())
    summary = {
        "milestone": int(milestone), "removed": remove,
        "replacements": problem.candidates["site_id"].to_numpy()[replacements].tolist(),
        "replacement_count": int(replacements.size), "removed_count": len(remove),
        "method": method, "lost_weight": lost_weight, "restored_weight": restored_weight,
        # lost demand some allowed candidate can reach (ring builds on forbidden land excluded)
        "restorable_weight": coverable_w,
        "restored_share": restored_weight / lost_weight if lost_weight else 1.0,
        "coverage_before": float(w[before].sum() / total),
        "coverage_during": float(w[during].sum() / total),
        "coverage_after": float(w[after].sum() / total),
    }
    build = sites_table(problem.candidates.iloc[replacements])
    build.insert(0, "action", "build")
    demolish = sites_table(problem.candidates.iloc[gone])
    demolish.insert(0, "action", "remove")
    order = pd.concat([build, demolish], ignore_index=True)
    order.insert(0, "step", np.arange(1, len(order) + 1))
    keep_cols = ["step", "action", "site_id", "kind", "name", "owner", "height_m",
                 "power_supply", "landuse_flag", "cost_cny", "lon", "lat"]
    with output_folder(out, kind="relocation", force=force, inputs=(plan_dir,)) as stage:
        write_csv(localise(order[[c for c in keep_cols if c in order]], lang),
                  stage / "work_order.csv")
        (stage / "relocation.json").write_text(json.dumps(summary, indent=2, ensure_ascii=False),
                                               encoding="utf-8")
    return summary
