"""Dask scheduler overhead per task on this machine (local cluster, 2 workers).

Measures (1) throughput: N no-op tasks submitted at once, wall / N; (2)
latency: one no-op task submitted and awaited, repeated; (3) a task whose
argument is a small ``UnitTask``-sized object and whose result is a
``plan_unit``-sized dict (about 50 kB), to include serialisation. These are
the per-task costs the 100-county model in BENCHMARKS.md adds to each unit.

Run: ``python benchmarks/region_overhead.py --tasks 500``
"""

from __future__ import annotations

import argparse
import json
import os
import time

import numpy as np


def noop(x: int) -> int:
    """Return the argument (a task that does nothing)."""
    return x


def result_sized(x: int, kb: int = 50) -> dict:
    """A dict about the size of a unit task's result."""
    return {"x": x, "selected": {2022: [f"C01-T{i:04d}" for i in range(kb * 1000 // 12)]}}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--tasks", type=int, default=500)
    ap.add_argument("--latency-rounds", type=int, default=50)
    args = ap.parse_args()
    from dask.distributed import Client, wait

    from siteplan.region.run import local_cluster

    out = {"load_before": os.getloadavg()}
    t0 = time.perf_counter()
    cluster = local_cluster(2)
    client = Client(cluster)
    client.wait_for_workers(2)
    out["cluster_start_s"] = round(time.perf_counter() - t0, 2)
    client.submit(noop, -1, pure=False).result()  # warm up
    t = time.perf_counter()
    futures = [client.submit(noop, i, pure=False) for i in range(args.tasks)]
    wait(futures)
    out["throughput_ms_per_task"] = round(1000 * (time.perf_counter() - t) / args.tasks, 2)
    lat = []
    for i in range(args.latency_rounds):
        t = time.perf_counter()
        client.submit(noop, i, pure=False).result()
        lat.append(time.perf_counter() - t)
    out["latency_ms_median"] = round(1000 * float(np.median(lat)), 2)
    sized = []
    for i in range(args.latency_rounds):
        t = time.perf_counter()
        client.submit(result_sized, i, pure=False).result()
        sized.append(time.perf_counter() - t)
    out["latency_50kB_result_ms_median"] = round(1000 * float(np.median(sized)), 2)
    client.close()
    cluster.close()
    out["load_after"] = os.getloadavg()
    print(json.dumps(out, indent=1))


if __name__ == "__main__":
    main()
