"""Build before demolish (先建后拆): replace sites that must go.

Given a plan folder, a milestone and the sites to remove, find replacement
sites (sharing first: cheapest by the policy costs, never on forbidden land)
that restore the coverage the removed sites gave, the same number where that
restores at least ``restore_share`` of it, and write the work order: build
these, then remove those, with the coverage before, during and after.

Examples
--------
>>> callable(relocate)
True
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
from shapely.geometry import Point

from siteplan.defaults import TABLE, Assumptions
from siteplan.errors import ConfigError, InputError
from siteplan.export import sites_table, staged
from siteplan.io.tables import write_csv
from siteplan.planner import prepare_coverage
from siteplan.schema import MACRO_KINDS, validate_candidates, validate_targets
from siteplan.solve import max_cover, set_cover


def _load(plan_dir: Path, milestone: int) -> tuple[gpd.GeoDataFrame, gpd.GeoDataFrame,
                                                   gpd.GeoDataFrame, Assumptions]:
    gpkg, report = plan_dir / "plan.gpkg", plan_dir / "report.json"
    if not gpkg.exists() or not report.exists():
        raise InputError(f"{plan_dir}: not a plan folder (needs plan.gpkg and report.json from "
                         "`siteplan plan` or `siteplan demo`).")
    layers = {name for name, _ in pyogrio.list_layers(gpkg)}
    if f"sites_{milestone}" not in layers:
        years = sorted(n.split("_", 1)[1] for n in layers if n.startswith("sites_"))
        raise ConfigError(f"{gpkg}: no milestone {milestone}; the plan has {years}.")
    rows = json.loads(report.read_text(encoding="utf-8")).get("assumptions", [])
    values = {r["key"]: r["value"] for r in rows if r["key"] in TABLE}
    candidates = gpd.read_file(gpkg, layer="candidates")
    return (validate_candidates(candidates, str(gpkg)), validate_targets(
        gpd.read_file(gpkg, layer="targets"), str(gpkg)),
        gpd.read_file(gpkg, layer=f"sites_{milestone}"), Assumptions(values))


RING_M = (60.0, 120.0)


def nearby_candidates(candidates: gpd.GeoDataFrame, removed: np.ndarray,
                      assumptions: Assumptions) -> gpd.GeoDataFrame:
    """New-build candidates on rings around each removed site (8 bearings at
    60 m and 120 m): a new ground tower for a macro site, a new smart pole
    for a pole micro site, at the removed site's height. Ids ``<id>-R<n>``."""
    metric = candidates.estimate_utm_crs()
    gone = candidates.iloc[removed].to_crs(metric)
    rows = []
    for row in gone.itertuples():
        kind = "greenfield" if row.kind in MACRO_KINDS else "smart_pole"
        n = 0
        for radius in RING_M:
            for bearing in np.arange(8) * np.pi / 4:
                n += 1
                rows.append({"site_id": f"{row.site_id}-R{n}", "kind": kind,
                             "height_m": row.height_m, "owner": "relocation (new)",
                             "name": f"Replacement {n} for {row.site_id}", "open_access": True,
                             "on_air": False, "power_supply": "direct",
                             "cost_cny": float(assumptions[f"cost_cny.{kind}"]),
                             "geometry": Point(row.geometry.x + radius * np.cos(bearing),
                                               row.geometry.y + radius * np.sin(bearing))})
    extra = gpd.GeoDataFrame(rows, geometry="geometry", crs=metric).to_crs(candidates.crs)
    return extra


def relocate(plan_dir: str | Path, milestone: int, remove: list[str], out: str | Path, *,
             restore_share: float = 0.99, time_limit_s: float = 10.0) -> dict[str, Any]:
    """Plan replacements for ``remove`` and write ``work_order.csv`` and
    ``relocation.json`` into ``out``; returns the relocation summary.

    Raises
    ------
    InputError, ConfigError
        Not a plan folder, unknown milestone, a removed id not in the plan.
    """
    plan_dir, out = Path(plan_dir), Path(out)
    candidates, targets, sites, assumptions = _load(plan_dir, int(milestone))
    remove = [r.strip() for item in remove for r in str(item).split(",") if r.strip()]
    if not remove:
        raise ConfigError("give at least one site to remove (--remove ID).")
    in_plan = set(sites["site_id"].astype(str))
    missing = [r for r in remove if r not in in_plan]
    if missing:
        raise InputError(f"{plan_dir / 'plan.gpkg'}, layer sites_{milestone}, column 'site_id': "
                         f"{missing} not in the {milestone} plan. Use ids from "
                         f"sites_{milestone}.csv.")
    position = pd.Series(np.arange(len(candidates)), index=candidates["site_id"])
    chosen = position[sites["site_id"].astype(str)].to_numpy()
    removed = position[remove].to_numpy()
    candidates = gpd.GeoDataFrame(pd.concat(
        [candidates, nearby_candidates(candidates, removed, assumptions)], ignore_index=True),
        crs=candidates.crs)
    _, _, demand, coverage = prepare_coverage(candidates, targets, assumptions, lambda _t: None)
    active = np.flatnonzero(demand["milestone"].to_numpy() <= int(milestone))
    A = coverage.matrix[active].tocsc()
    w = demand["weight"].to_numpy()[active]

    def covered(cols: np.ndarray) -> np.ndarray:
        return coverage.cover_counts(cols)[active] > 0

    kept = np.setdiff1d(chosen, removed)
    before, after_removal = covered(chosen), covered(kept)
    lost = before & ~after_removal
    lost_weight = float(w[lost].sum())
    pool = np.ones(len(candidates), bool)
    pool[chosen] = False
    if "landuse_flag" in candidates:
        pool &= candidates["landuse_flag"].fillna("").to_numpy() != "forbidden"
    cols = np.flatnonzero(pool)
    replacements = np.zeros(0, dtype=int)
    method = "nothing to restore"
    rows = np.flatnonzero(lost)
    if rows.size and cols.size:
        sub = A[rows][:, cols]
        cost = candidates["cost_cny"].to_numpy(float)[cols] if "cost_cny" in candidates \
            else None
        coverable_w = float(w[rows][np.diff(sub.tocsr().indptr) > 0].sum())
        share = min(1.0, restore_share * lost_weight / coverable_w) if coverable_w else 1.0
        cheapest = set_cover(sub, cost, weights=w[rows], target=share, time_limit=time_limit_s)
        same = max_cover(sub, k=min(removed.size, cols.size), weights=w[rows], cost=cost,
                         time_limit=time_limit_s)
        if cheapest.selected.size <= removed.size:
            pick, method = cheapest.selected, "cheapest replacements, no more than removed"
        elif same.covered_weight >= restore_share * lost_weight - 1e-9:
            pick, method = same.selected, "same number of replacements"
        else:
            pick = cheapest.selected
            method = "more replacements than removed sites (same number cannot restore enough)"
        replacements = cols[pick]
    during, after = covered(np.union1d(chosen, replacements)), covered(
        np.union1d(kept, replacements))
    restored_weight = float(w[lost & after].sum())
    total = float(w.sum())
    summary = {
        "milestone": int(milestone), "removed": remove,
        "replacements": candidates["site_id"].to_numpy()[replacements].tolist(),
        "replacement_count": int(replacements.size), "removed_count": len(remove),
        "method": method, "lost_weight": lost_weight, "restored_weight": restored_weight,
        "restored_share": restored_weight / lost_weight if lost_weight else 1.0,
        "coverage_before": float(w[before].sum() / total),
        "coverage_during": float(w[during].sum() / total),
        "coverage_after": float(w[after].sum() / total),
    }
    build = sites_table(candidates.iloc[replacements])
    build.insert(0, "action", "build")
    gone = sites_table(candidates.iloc[removed])
    gone.insert(0, "action", "remove")
    order = pd.concat([build, gone], ignore_index=True)
    order.insert(0, "step", np.arange(1, len(order) + 1))
    keep_cols = ["step", "action", "site_id", "kind", "name", "owner", "height_m",
                 "power_supply", "cost_cny", "lon", "lat"]
    with staged(out) as stage:
        write_csv(order[[c for c in keep_cols if c in order]], stage / "work_order.csv")
        (stage / "relocation.json").write_text(json.dumps(summary, indent=2, ensure_ascii=False),
                                               encoding="utf-8")
    return summary
