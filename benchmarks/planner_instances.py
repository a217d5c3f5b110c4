"""Set-cover instances exactly as the planner builds them, saved for the
solver benchmarks.

``plan()`` is run on a config (the sample county, the Helsinki example) with
``siteplan.planner.set_cover`` wrapped: every milestone's call (matrix,
costs, weights, per-area groups and targets, preselected on-air and earlier
sites) is saved to ``benchmarks/results/instances/<name>-<year>.npz`` and
passed on to the real solver (deterministic ``auto``), whose answer becomes
the next milestone's preselected sites as in a real run.

Usage::

    .venv/bin/python benchmarks/planner_instances.py [--limit 5]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np
import scipy.sparse as sp

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "benchmarks" / "results" / "instances"
CONFIGS = {"county": ROOT / "data" / "sample_county" / "sample_county.toml",
           "helsinki": ROOT / "data" / "osm" / "helsinki.toml"}


def capture(name: str, config: Path, limit_s: float) -> list[Path]:
    """Run the planner on ``config`` and save each milestone's problem."""
    import siteplan.planner as planner
    from siteplan.config import load_config
    from siteplan.solve import set_cover
    from siteplan.sources import merge_candidates, read_layer, read_targets
    from siteplan.sources.detect import read_source
    from siteplan.sources.merge import concat_candidates

    cfg = load_config(config)
    layers = [read_source(s.path, **s.read_kwargs(), assumptions=cfg.assumptions)
              for s in cfg.candidates]
    if all(x.attrs["source_type"] == "inventory" for x in layers):
        candidates = concat_candidates(layers, [str(s.path) for s in cfg.candidates])
    else:
        candidates = merge_candidates([x.to_crs(layers[0].crs) for x in layers],
                                      assumptions=cfg.assumptions)
    targets = read_targets(cfg.targets.path, **cfg.targets.read_kwargs())
    landuse = None
    if cfg.landuse is not None:
        landuse = read_layer(cfg.landuse.path, **cfg.landuse.read_kwargs())
        if cfg.landuse.class_column:
            landuse = landuse.rename(columns={cfg.landuse.class_column: "zone_class"})
    saved: list[Path] = []

    def wrapped(A, cost, *, weights, target, groups, preselected, seed, method, **_):
        path = OUT / f"{name}-{len(saved)}.npz"
        A = sp.csc_array(A)
        np.savez_compressed(path, data=A.data, indices=A.indices, indptr=A.indptr,
                            shape=np.array(A.shape), cost=np.asarray(cost, float),
                            weights=np.asarray(weights, float),
                            target=np.asarray(target, float).ravel(),
                            groups=np.asarray(groups), preselected=np.asarray(preselected))
        saved.append(path)
        res = set_cover(A, cost, weights=weights, target=target, groups=groups,
                        preselected=preselected, seed=seed, time_limit_s=limit_s,
                        deterministic=True)
        print(f"{path.name}: {A.shape[0]:,} x {A.shape[1]:,}, {A.nnz:,} nnz, "
              f"{np.unique(groups).size} groups, {np.asarray(preselected).size} preselected; "
              f"cost {res.cost:,.0f}, gap {100 * res.gap:.2f} %, {res.time_s:.1f} s",
              flush=True)
        return res

    planner.set_cover = wrapped
    planner.plan(candidates, targets, landuse=landuse, assumptions=cfg.assumptions,
                 site_targets=cfg.site_targets, method=cfg.method, time_limit_s=limit_s,
                 seed=cfg.seed)
    return saved


def load(path: Path) -> dict:
    """A saved instance as keyword arguments of ``set_cover`` (plus ``A``)."""
    z = np.load(path)
    A = sp.csc_array((z["data"], z["indices"], z["indptr"]), shape=tuple(z["shape"]))
    return dict(A=A, cost=z["cost"], weights=z["weights"], target=z["target"],
                groups=z["groups"], preselected=z["preselected"])


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--limit", type=float, default=5.0)
    parser.add_argument("--only", default=",".join(CONFIGS))
    args = parser.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    for name in args.only.split(","):
        capture(name, CONFIGS[name], args.limit)
    return 0


if __name__ == "__main__":
    sys.exit(main())
