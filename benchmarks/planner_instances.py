"""Set-cover instances exactly as the planner builds them, saved for the
solver benchmarks.

The whole plan (``siteplan.project.run``) is run on a config (the sample
county, the Helsinki example) with ``siteplan.planner.set_cover`` wrapped:
every milestone's call (matrix, costs, weights, per-area groups and
targets, preselected on-air and earlier sites, capacity rows and cover
requirements when the plan has them) is saved to
``benchmarks/results/instances/<name>-<year>.npz`` and passed on to the real
solver (deterministic ``auto``), whose answer becomes the next milestone's
preselected sites as in a real run.

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
    """Run the whole plan on ``config`` (``siteplan.project.run``: capacity
    rows, indoor sites and new-build proposals as the CLI plans them) and
    save each milestone's problem."""
    import tempfile

    import siteplan.planner as planner
    from siteplan.project import run
    from siteplan.solve import set_cover

    saved: list[Path] = []

    def wrapped(A, cost, *, weights, target, groups, preselected, seed, method,
                capacity=None, cover_requirement=None, **_):
        path = OUT / f"{name}-{len(saved)}.npz"
        A = sp.csc_array(A)
        extra = {}
        if capacity is not None:
            m = sp.csr_array(capacity.matrix)
            extra.update(cap_data=m.data, cap_indices=m.indices, cap_indptr=m.indptr,
                         cap_shape=np.array(m.shape), cap_demand=np.asarray(capacity.demand))
        if cover_requirement is not None:
            extra["cover_requirement"] = np.asarray(cover_requirement)
        np.savez_compressed(path, data=A.data, indices=A.indices, indptr=A.indptr,
                            shape=np.array(A.shape), cost=np.asarray(cost, float),
                            weights=np.asarray(weights, float),
                            target=np.asarray(target, float).ravel(),
                            groups=np.asarray(groups), preselected=np.asarray(preselected),
                            **extra)
        saved.append(path)
        res = set_cover(A, cost, weights=weights, target=target, groups=groups,
                        preselected=preselected, seed=seed, time_limit_s=limit_s,
                        deterministic=True, capacity=capacity,
                        cover_requirement=cover_requirement)
        print(f"{path.name}: {A.shape[0]:,} x {A.shape[1]:,}, {A.nnz:,} nnz, "
              f"{np.unique(groups).size} groups, {np.asarray(preselected).size} preselected, "
              f"capacity rows {0 if capacity is None else capacity.n_groups}; "
              f"cost {res.cost:,.0f}, gap {100 * res.gap:.2f} %, {res.time_s:.1f} s",
              flush=True)
        return res

    planner.set_cover = wrapped
    with tempfile.TemporaryDirectory() as tmp:
        run(config, Path(tmp) / "out", tiles=None)
    return saved


def load(path: Path) -> dict:
    """A saved instance as keyword arguments of ``set_cover`` (plus ``A``)."""
    z = np.load(path)
    A = sp.csc_array((z["data"], z["indices"], z["indptr"]), shape=tuple(z["shape"]))
    kw = dict(A=A, cost=z["cost"], weights=z["weights"], target=z["target"],
              groups=z["groups"], preselected=z["preselected"])
    if "cap_data" in z:
        from siteplan.solve import CapacityConstraints

        m = sp.csr_array((z["cap_data"], z["cap_indices"], z["cap_indptr"]),
                         shape=tuple(z["cap_shape"]))
        kw["capacity"] = CapacityConstraints(m, z["cap_demand"])
    if "cover_requirement" in z:
        kw["cover_requirement"] = z["cover_requirement"]
    return kw


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
