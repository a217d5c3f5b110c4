"""Plan a whole province: one Dask task per unit, borders stitched, outputs merged.

The driver reads the province's inputs once, writes one partition per unit
(:mod:`siteplan.region.partition`), and submits one task per unit that
reads its own partition files (:func:`siteplan.region.tasks.plan_unit`);
results come back as small tables. A failed unit is tried again
(``retries``); if it still fails it is reported by name with its error and
the other units' results are kept. Results are cached in a work folder
under a key made of the partition's content hash and the settings, so a
re-run only plans the units that failed or changed. Then the border strips
are stitched (:mod:`siteplan.region.stitch`), each unit's plan folder is
written with the stitched sites (another task per unit), and the merged
outputs are written (:mod:`siteplan.region.outputs`), all into one staging
folder swapped in whole.

Examples
--------
>>> settings_key({"a": 1}, "part-hash") == settings_key({"a": 1}, "part-hash")
True
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import pickle
import shutil
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import geopandas as gpd
import pandas as pd

from siteplan.errors import ConfigError, SiteplanError
from siteplan.region.config import RegionConfig, load_region_config
from siteplan.region.partition import (
    Partition,
    longest_reach_m,
    merge_proposals,
    partition_region,
    read_inputs,
    write_proposals,
)
from siteplan.region.tasks import UnitTask, finalize_unit, plan_unit, propose_unit
from siteplan.region.units import read_units, tile_units

Progress = Callable[[str], None]
RESULT_FILE = "result.pkl"


@dataclass
class RegionResult:
    """What :func:`plan_region` did.

    Attributes
    ----------
    out : Path
        The output folder.
    units : geopandas.GeoDataFrame
        ``unit_code``, ``unit_name``, ``folder``, polygon.
    planned, cached : list of str
        Unit codes planned in this run, and taken from an earlier run's results.
    failures : dict
        Unit code -> error text, for units that failed after their retries.
    unit_results, unit_outputs : dict
        Per unit code: the planning task's and the folder task's small tables.
    stitch : dict or None
        The border stitch's result (see :func:`siteplan.region.stitch.stitch`).
    summary : pandas.DataFrame
        The province summary (per unit and year, and a TOTAL row per year).
    dashboard : str or None
        The Dask dashboard address.
    timings : dict
        Seconds per stage.
    written : list of Path
        Files and folders written.
    unit_home : dict
        Site id -> code of the unit it stands in.
    """

    out: Path
    units: gpd.GeoDataFrame
    planned: list[str] = field(default_factory=list)
    cached: list[str] = field(default_factory=list)
    failures: dict[str, str] = field(default_factory=dict)
    unit_results: dict[str, dict] = field(default_factory=dict)
    unit_outputs: dict[str, dict] = field(default_factory=dict)
    stitch: dict | None = None
    summary: pd.DataFrame | None = None
    dashboard: str | None = None
    timings: dict[str, float] = field(default_factory=dict)
    written: list[Path] = field(default_factory=list)
    unit_home: dict[str, str] = field(default_factory=dict)


def settings_key(settings: dict[str, Any], *parts: str) -> str:
    """A short content key of settings (JSON) and other hashes."""
    text = json.dumps(settings, sort_keys=True, default=str) + "|" + "|".join(parts)
    return hashlib.sha256(text.encode()).hexdigest()[:20]


def local_cluster(workers: int | None = None):
    """A local Dask cluster for unit tasks: ``workers`` processes (default one
    per core), one thread each, non-daemonic (the solver runs HiGHS in a child
    process), the nanny's default worker environment off, dashboard on a free
    port."""
    import dask
    from dask.distributed import LocalCluster

    n = workers or os.cpu_count() or 1
    # non-daemonic workers (the solver runs HiGHS in a child process), and none of the
    # nanny's default worker environment (MALLOC_TRIM_THRESHOLD_, one BLAS thread):
    # with it a unit task ran about 1.5x slower than the same task in a plain process
    with dask.config.set({"distributed.worker.daemon": False,
                          "distributed.nanny.pre-spawn-environ": {}}):
        return LocalCluster(n_workers=n, threads_per_worker=1, processes=True,
                            dashboard_address=":0", silence_logs=logging.ERROR)


def _client(workers: int | None, scheduler: str | None, say: Progress):
    from dask.distributed import Client

    if scheduler:
        try:
            client = Client(scheduler, timeout="10s")
        except OSError as exc:
            raise ConfigError(f"--scheduler {scheduler}: cannot connect ({exc}). Start a Dask "
                              "scheduler there, or leave --scheduler out for a local cluster.") \
                from None
        return client, None
    cluster = local_cluster(workers)
    return Client(cluster), cluster


def _load(path: Path) -> Any:
    with open(path, "rb") as fh:
        return pickle.load(fh)  # our own cache file in the run's work folder


def _drop_others(result_dir: Path) -> None:
    """Remove a unit's results of earlier settings (other keys) beside ``result_dir``."""
    for old in result_dir.parent.iterdir():
        if old != result_dir:
            shutil.rmtree(old, ignore_errors=True)


def _with_proposals(candidates: gpd.GeoDataFrame, proposals_m: gpd.GeoDataFrame
                    ) -> gpd.GeoDataFrame:
    """The province's candidates (input CRS) with the merged proposals after
    them, for the merged outputs (``proposed`` marks them)."""
    listed = candidates.assign(proposed=False)
    if not len(proposals_m):
        return listed
    props = proposals_m.drop(columns=["near_border"], errors="ignore").to_crs(candidates.crs)
    return gpd.GeoDataFrame(pd.concat([listed, props.assign(proposed=True)], ignore_index=True),
                            geometry="geometry", crs=candidates.crs)


def _save(obj: Any, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    with open(tmp, "wb") as fh:
        pickle.dump(obj, fh, protocol=pickle.HIGHEST_PROTOCOL)
    os.replace(tmp, path)


class _Runner:
    """Runs tasks on Dask (or in this process for ``executor="loop"``)."""

    def __init__(self, executor: str, client, retries: int) -> None:
        self.executor, self.client, self.retries = executor, client, retries

    def map(self, fn, items: list[tuple[str, tuple, dict]], on_done) -> None:
        """Run ``fn(*args, **kwargs)`` for each ``(name, args, kwargs)``;
        ``on_done(name, result, error)`` as each finishes."""
        if self.executor == "loop":
            for name, args, kwargs in items:
                for attempt in range(self.retries + 1):
                    try:
                        result = fn(*args, **kwargs)
                    except Exception as exc:  # noqa: BLE001 - reported per unit
                        if attempt == self.retries:
                            on_done(name, None, f"{type(exc).__name__}: {exc}")
                    else:
                        on_done(name, result, None)
                        break
            return
        from dask.distributed import as_completed

        futures = {}
        for name, args, kwargs in items:
            fut = self.client.submit(fn, *args, **kwargs, key=f"{fn.__name__}-{name}-"
                                     f"{time.monotonic_ns()}", retries=self.retries, pure=False)
            futures[fut] = name
        for fut in as_completed(list(futures)):
            name = futures[fut]
            if fut.status == "error":
                exc = fut.exception()
                on_done(name, None, f"{type(exc).__name__}: {exc}")
            else:
                on_done(name, fut.result(), None)
            fut.release()


def plan_region(config: str | Path | RegionConfig, out: str | Path, *,
                workers: int | None = None, scheduler: str | None = None,
                executor: str = "dask", time_limit_s: float | None = None,
                work_dir: str | Path | None = None, lang: str = "en",
                tiles: str | None = None, offline: bool = False, force: bool = False,
                client: Any = None, keep_border_coverage: bool = True,
                progress: Progress | None = None) -> RegionResult:
    """Plan every unit of a region config and write the province outputs.

    Parameters
    ----------
    config : path or RegionConfig
        A plan config with a ``[region]`` table.
    out : path
        Output folder (replaced as a whole).
    workers : int, optional
        Local cluster workers (default: one per core), one thread each.
    scheduler : str, optional
        Address of a running Dask scheduler (``tcp://host:8786``); the work
        folder must then be on storage every worker can read.
    executor : {"dask", "loop"}
        ``loop`` plans the units one by one in this process (for comparison).
    time_limit_s : float, optional
        Solver time limit per milestone (overrides the config).
    work_dir : path, optional
        Partitions and cached results (default: ``.<out>.region-work`` beside ``out``).
    lang, tiles, offline
        As for ``siteplan plan``.
    force : bool
        Replace a non-empty ``out`` that siteplan did not write.
    client : dask.distributed.Client, optional
        A client to use (left open); else one is made for this run and closed.
    keep_border_coverage : bool
        The stitch keeps the border demand the units covered (default); False
        lets it trade border coverage for cost within each area's target.
    progress : callable, optional
        Called with one line of text per step and per unit.

    Returns
    -------
    RegionResult
    """
    from siteplan.io.atomic import check_writable_folder, output_folder
    from siteplan.region.outputs import write_region_outputs
    from siteplan.region.stitch import stitch

    say = progress or (lambda _t: None)
    if executor not in ("dask", "loop"):
        raise ConfigError(f"executor {executor!r} must be 'dask' or 'loop'.")
    if workers is not None and workers < 1:
        raise ConfigError(f"--workers {workers}: give at least 1 worker.")
    cfg = config if isinstance(config, RegionConfig) else load_region_config(config)
    out = Path(out).absolute()
    check_writable_folder(out, kind="region", force=force)
    work = Path(work_dir) if work_dir else out.parent / f".{out.name}.region-work"
    timings: dict[str, float] = {}
    t0 = time.perf_counter()
    pc = cfg.plan
    from siteplan.project import resolve_time_limit  # 0 is refused, not replaced

    limit = resolve_time_limit(time_limit_s, pc.time_limit_s)
    say(f"reading the inputs of {pc.name!r}")
    candidates, targets, landuse = read_inputs(pc)
    if cfg.units is not None:
        units = read_units(cfg.units, code_column=cfg.code_column, name_column=cfg.name_column)
    else:
        units = tile_units(targets, tile_km=cfg.tile_km)
    reach = longest_reach_m(candidates, pc.assumptions)
    say(f"{len(units)} units; halo (longest reach) {reach:,.0f} m; writing partitions")
    parts, metric, home = partition_region(units, candidates, targets, landuse, reach_m=reach,
                                           work_dir=work)
    timings["read_and_partition_s"] = time.perf_counter() - t0
    years = tuple(sorted(int(y) for y in targets["milestone"].unique()))
    settings = {"assumptions": pc.assumptions.overrides(), "method": pc.method,
                "time_limit_s": limit, "seed": pc.seed, "years": years, "reach_m": reach,
                "name": pc.name, "capacity": True, "deterministic": pc.deterministic,
                "version": 4}
    result = RegionResult(out=out, units=units, timings=timings, unit_home=home)
    by_code = {p.unit_code: p for p in parts}

    def unit_task(p: Partition, phase: str, key: str) -> UnitTask:
        return UnitTask(unit_code=p.unit_code, unit_name=p.unit_name, folder=p.folder,
                        partition=p.path, result_dir=work / phase / p.folder / key, key=key,
                        years=years, assumptions=pc.assumptions.overrides(), method=pc.method,
                        time_limit_s=limit, seed=pc.seed, name=f"{pc.name}: {p.unit_name}",
                        deterministic=pc.deterministic)

    own_client = client is None
    cluster = None
    folder_dirs: dict[str, Path] = {}
    try:
        if executor == "dask":
            if own_client:
                client, cluster = _client(workers, scheduler, say)
            result.dashboard = client.dashboard_link
            n_workers = len(client.scheduler_info().get("workers", {}))
            say(f"Dask dashboard: {result.dashboard} ({n_workers} workers)")
        runner = _Runner(executor, client, cfg.retries)
        # 1. new builds: each unit proposes for its own demand; merged once over the province
        t1 = time.perf_counter()
        ptasks = {p.unit_code: unit_task(p, "proposals", settings_key(
            {**settings, "phase": "propose"}, p.content_hash)) for p in parts}
        proposal_files: dict[str, str] = {}
        ptodo = []
        for code, task in ptasks.items():
            cache = task.result_dir / RESULT_FILE
            if cache.exists():
                proposal_files[code] = _load(cache)["proposals_file"]
            else:
                ptodo.append(code)
        say(f"proposing new builds in {len(ptodo)} units ({len(proposal_files)} unchanged)")
        pdone = [0]

        def proposed(code: str, res: dict | None, error: str | None) -> None:
            pdone[0] += 1
            if error is not None:
                result.failures[code] = f"proposing new builds: {error}"
                say(f"[{pdone[0]}/{len(ptodo)}] proposals of unit {code} "
                    f"({ptasks[code].unit_name}) FAILED: {error}")
                return
            _save(res, ptasks[code].result_dir / RESULT_FILE)
            _drop_others(ptasks[code].result_dir)
            proposal_files[code] = res["proposals_file"]
            say(f"[{pdone[0]}/{len(ptodo)}] unit {code} ({ptasks[code].unit_name}): "
                f"{res['proposals']} new builds proposed ({res['seconds']:.1f} s)")

        runner.map(propose_unit, [(c, (ptasks[c],), {}) for c in ptodo], proposed)
        units_m = units.to_crs(metric).reset_index(drop=True)
        proposals_m = merge_proposals([gpd.read_parquet(proposal_files[p.unit_code])
                                       for p in parts if p.unit_code in proposal_files],
                                      units_m, set(candidates["site_id"].astype(str)))
        proposal_hash = write_proposals(parts, proposals_m, units_m, reach_m=reach)
        candidates = _with_proposals(candidates, proposals_m)
        home.update(zip(proposals_m["site_id"], proposals_m["unit_code"], strict=True))
        say(f"{len(proposals_m)} new builds proposed in the province (after merging the "
            "units' proposals at the same place)")
        timings["propose_units_s"] = time.perf_counter() - t1
        # 2. plan every unit with coverage and capacity rows
        tasks = {p.unit_code: unit_task(p, "units", settings_key(
            settings, p.content_hash, proposal_hash[p.unit_code]))
            for p in parts if p.unit_code not in result.failures}
        todo = []
        for code, task in tasks.items():
            cache = task.result_dir / RESULT_FILE
            if cache.exists():
                result.unit_results[code] = _load(cache)
                result.cached.append(code)
            else:
                todo.append(code)
        say(f"{len(result.cached)} units unchanged since the last run, {len(todo)} to plan")
        t1 = time.perf_counter()
        done = [0]

        def unit_done(code: str, res: dict | None, error: str | None) -> None:
            done[0] += 1
            name = tasks[code].unit_name
            if error is not None:
                result.failures[code] = error
                say(f"[{done[0]}/{len(todo)}] unit {code} ({name}) FAILED: {error}")
                return
            _save(res, tasks[code].result_dir / RESULT_FILE)
            _drop_others(tasks[code].result_dir)
            result.unit_results[code] = res
            result.planned.append(code)
            sites = len(res["selected"][years[-1]]) if years else 0
            say(f"[{done[0]}/{len(todo)}] unit {code} ({name}): {res['seconds']:.1f} s, "
                f"{res['demand_points']:,} demand points, {sites} sites by {years[-1]}")

        runner.map(plan_unit, [(c, (tasks[c],), {}) for c in todo], unit_done)
        timings["plan_units_s"] = time.perf_counter() - t1
        ok = [c for c in tasks if c in result.unit_results]
        # stitch the borders of the units that were planned
        t2 = time.perf_counter()
        strips = [result.unit_results[c]["strip_file"] for c in ok
                  if result.unit_results[c]["strip_file"]]
        skey = settings_key({**settings, "keep": keep_border_coverage},
                            *[tasks[c].key for c in ok])
        scache = work / "stitch" / f"{skey}.pkl"
        if scache.exists():
            stitched = _load(scache)
            say("border stitch unchanged since the last run")
        else:
            constants = pd.concat([result.unit_results[c]["area_constants"] for c in ok],
                                  ignore_index=True) if ok else pd.DataFrame()
            fixed = {y: set().union(*[set(result.unit_results[c]["fixed"][y]) for c in ok])
                     for y in years}
            say(f"stitching the borders of {len(ok)} units")
            if executor == "dask":
                fut = client.submit(stitch, strips, constants, fixed, years, method=pc.method,
                                    time_limit_s=limit, seed=pc.seed,
                                    keep_border_coverage=keep_border_coverage,
                                    assumptions=pc.assumptions.overrides(),
                                    deterministic=pc.deterministic, pure=False)
                stitched = fut.result()
            else:
                stitched = stitch(strips, constants, fixed, years, method=pc.method,
                                  time_limit_s=limit, seed=pc.seed,
                                  keep_border_coverage=keep_border_coverage,
                                  assumptions=pc.assumptions.overrides(),
                                  deterministic=pc.deterministic)
            if scache.parent.exists():
                shutil.rmtree(scache.parent, ignore_errors=True)
            _save(stitched, scache)
        result.stitch = stitched
        for row in stitched["milestones"].itertuples(index=False):
            say(f"stitch {row.year}: {row.rows_solved:,} border demand points, "
                f"{row.capacity_rows} border areas' capacity rows, units' border "
                f"sites {row.units_cost_cny:,.0f} CNY -> stitched {row.stitched_cost_cny:,.0f} CNY "
                f"(kept {row.kept})")
        timings["stitch_s"] = time.perf_counter() - t2
        # per-unit plan folders with the stitched sites
        t3 = time.perf_counter()
        final_file = work / "stitch" / f"{skey}.final.json"  # read by each folder task
        if not final_file.exists():
            tmp = final_file.with_name(f".{final_file.name}.tmp")
            tmp.write_text(json.dumps({str(y): stitched["selected"][y] for y in years}))
            os.replace(tmp, final_file)
        fsettings = {"lang": lang, "tiles": tiles, "offline": offline, "stitch": skey}
        folder_todo = []
        for c in ok:
            if not result.unit_results[c].get("planned"):
                continue
            fkey = settings_key(fsettings, tasks[c].key)
            fdir = work / "folders" / tasks[c].folder / fkey
            folder_dirs[c] = fdir
            if (fdir / RESULT_FILE).exists() and (fdir / "plan").is_dir():
                result.unit_outputs[c] = _load(fdir / RESULT_FILE)
            else:
                folder_todo.append(c)
        say(f"writing {len(folder_todo)} unit plan folders "
            f"({len(folder_dirs) - len(folder_todo)} unchanged)")
        fdone = [0]

        def folder_done(code: str, res: dict | None, error: str | None) -> None:
            fdone[0] += 1
            if error is not None:
                result.failures[code] = f"writing its plan folder: {error}"
                say(f"[{fdone[0]}/{len(folder_todo)}] folder of {code} FAILED: {error}")
                return
            _save(res, folder_dirs[code] / RESULT_FILE)
            for old in folder_dirs[code].parent.iterdir():
                if old != folder_dirs[code]:
                    shutil.rmtree(old, ignore_errors=True)
            result.unit_outputs[code] = res
            say(f"[{fdone[0]}/{len(folder_todo)}] folder of unit {code} written "
                f"({res['seconds']:.1f} s)")

        runner.map(finalize_unit, [
            (c, (tasks[c], final_file, folder_dirs[c] / "plan"),
             {"lang": lang, "tiles": tiles, "offline": offline}) for c in folder_todo],
            folder_done)
        timings["unit_folders_s"] = time.perf_counter() - t3
    finally:
        if client is not None and own_client:
            client.close()
        if cluster is not None:
            cluster.close()
    t4 = time.perf_counter()
    with output_folder(out, kind="region", force=force) as stage:
        result.written = write_region_outputs(
            stage, result, candidates=candidates, parts=by_code, folder_dirs=folder_dirs,
            years=years, site_targets=pc.site_targets, name=pc.name, tiles=tiles,
            offline=offline, lang=lang, reach_m=reach)
    result.written = [out / p.relative_to(stage) for p in result.written]
    timings["outputs_s"] = time.perf_counter() - t4
    timings["total_s"] = time.perf_counter() - t0
    say(f"wrote {out} in {timings['total_s']:.1f} s"
        + (f"; {len(result.failures)} unit(s) FAILED: {', '.join(result.failures)}"
           if result.failures else ""))
    return result


def failures_error(result: RegionResult) -> SiteplanError | None:
    """A SiteplanError listing failed units by code and error (None if none)."""
    if not result.failures:
        return None
    lines = "; ".join(f"{code}: {err}" for code, err in result.failures.items())
    return SiteplanError(f"{len(result.failures)} unit(s) failed after retries ({lines}). The "
                         "other units' results are kept; fix the cause and run again to plan "
                         "only these.")


__all__ = ["Partition", "RegionResult", "failures_error", "local_cluster", "plan_region"]
