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
import shutil
import signal
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import geopandas as gpd
import numpy as np
import pandas as pd

from siteplan.errors import ConfigError, SiteplanError, WorkTooLargeError
from siteplan.landuse import local_metric_crs
from siteplan.messages import Msg
from siteplan.region.config import RegionConfig, load_region_config
from siteplan.region.partition import (
    Partition,
    longest_reach_m,
    merge_proposals,
    partition_region,
    read_inputs,
    write_proposals,
)
from siteplan.region.store import load_result, save_result
from siteplan.region.tasks import PLANNED, UnitTask, finalize_unit, plan_unit, propose_unit
from siteplan.region.units import read_units, tile_units

Progress = Callable[[str], None]
#: Seconds to connect to a --scheduler and hear it answer as a Dask scheduler.
SCHEDULER_TIMEOUT_S = 10.0


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
    port. The worker processes ignore Ctrl-C (the driver stops them), so an
    interrupted run prints one line, not a traceback per worker."""
    import dask
    from dask.distributed import LocalCluster

    n = workers or os.cpu_count() or 1
    # non-daemonic workers (the solver runs HiGHS in a child process), and none of the
    # nanny's default worker environment (MALLOC_TRIM_THRESHOLD_, one BLAS thread):
    # with it a unit task ran about 1.5x slower than the same task in a plain process
    with dask.config.set({"distributed.worker.daemon": False,
                          "distributed.nanny.pre-spawn-environ": {}}), _sigint_ignored():
        return LocalCluster(n_workers=n, threads_per_worker=1, processes=True,
                            dashboard_address=":0", silence_logs=logging.ERROR)


@contextmanager
def _sigint_ignored() -> Iterator[None]:
    """Ctrl-C ignored while child processes start (they inherit it); restored
    after. Only in the main thread (elsewhere signals cannot be set)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


def check_scheduler_address(address: str) -> str:
    """A Dask scheduler address checked before any connection: ``tcp://`` or
    ``tls://`` (or none), a host and a port 1-65535.

    Raises
    ------
    ConfigError
        Naming ``--scheduler``, the address and what a valid one looks like.

    Examples
    --------
    >>> check_scheduler_address("tcp://10.0.0.5:8786")
    'tcp://10.0.0.5:8786'
    >>> check_scheduler_address("127.0.0.1:8786")
    'tcp://127.0.0.1:8786'
    >>> check_scheduler_address("tcp://host:99999")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    siteplan.errors.ConfigError: --scheduler 'tcp://host:99999': ...
    """
    text = str(address).strip()
    scheme, sep, rest = text.partition("://")
    if not sep:
        scheme, rest = "tcp", text
    hint = Msg("region.run.address_hint")
    if scheme not in ("tcp", "tls") or not rest or any(c in rest for c in "/?#@ \t"):
        raise ConfigError(Msg("region.run.scheduler_not_dask", address=repr(address), hint=hint))
    try:
        parts = urlsplit(f"//{rest}")
        port, host = parts.port, parts.hostname
    except ValueError:
        port = host = None
    if not host or port is None or not 0 < port < 65536:
        raise ConfigError(Msg("region.run.scheduler_needs_host", address=repr(address), hint=hint))
    return f"{scheme}://{rest}"


def probe_scheduler(address: str, timeout_s: float = SCHEDULER_TIMEOUT_S) -> None:
    """Ask ``address`` who it is, all within ``timeout_s`` seconds: a port
    that accepts and never answers, or answers with bytes that are not a
    Dask scheduler's, fails here with a clear error instead of hanging or
    running out of memory in the client.

    Raises
    ------
    ConfigError
        No connection, no answer within the time, or not a Dask scheduler.
    """
    import asyncio

    from distributed.comm import connect

    async def identity() -> object:
        comm = await connect(address, timeout=timeout_s)
        try:
            await comm.write({"op": "identity", "reply": True})
            return await comm.read()
        finally:
            comm.abort()

    async def bounded() -> object:
        return await asyncio.wait_for(identity(), timeout_s)

    hint = Msg("region.run.start_hint")
    _check_reachable(address, timeout_s, hint)
    try:
        reply = asyncio.run(bounded())
    except TimeoutError:
        raise ConfigError(Msg("region.run.scheduler_no_answer", address=address,
                              timeout_s=format(timeout_s, 'g'), hint=hint)) from None
    except OSError as exc:
        raise ConfigError(Msg("region.run.scheduler_cannot_connect", address=address, detail=exc,
                              hint=hint)) from None
    except Exception as exc:  # noqa: BLE001 - whatever junk the peer sent
        raise ConfigError(Msg("region.run.scheduler_answer_not_2", address=address,
                              name=type(exc).__name__, hint=hint)) from None
    if not (isinstance(reply, dict) and reply.get("type") == "Scheduler"):
        raise ConfigError(Msg("region.run.scheduler_answer_not", address=address, kind=_kind(reply),
                              hint=hint))


def _check_reachable(address: str, timeout_s: float, hint: str) -> None:
    """A refused or unreachable TCP port fails at once as "cannot connect"
    (Dask's own connect retries it until its timeout)."""
    import socket

    from distributed.comm.addressing import parse_address, parse_host_port

    scheme, location = parse_address(address)
    if scheme not in ("tcp", "tls"):
        return
    host, port = parse_host_port(location)
    try:
        socket.create_connection((host, port), timeout=timeout_s).close()
    except OSError as exc:
        raise ConfigError(Msg("region.run.scheduler_cannot_connect", address=address, detail=exc,
                              hint=hint)) from None


def _kind(reply: object) -> str:
    if isinstance(reply, dict):
        return repr(str(reply.get("type", "nothing known"))[:40])
    return f"a {type(reply).__name__}"


def _client(workers: int | None, scheduler: str | None, timeout_s: float):
    from dask.distributed import Client

    if scheduler:
        probe_scheduler(scheduler, timeout_s)
        try:
            client = Client(scheduler, timeout=f"{timeout_s}s")
        except (OSError, TimeoutError) as exc:
            raise ConfigError(Msg("region.run.scheduler_cannot_connect_2", scheduler=scheduler, detail=exc)) \
                from None
        return client, None
    cluster = local_cluster(workers)
    return Client(cluster), cluster


def _drop_others(result_dir: Path) -> None:
    """Remove a unit's results of earlier settings (other keys) beside ``result_dir``."""
    for old in result_dir.parent.iterdir():
        if old == result_dir:
            continue
        if old.is_dir() and not old.is_symlink():
            shutil.rmtree(old, ignore_errors=True)
        else:
            old.unlink(missing_ok=True)


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


class _Runner:
    """Runs tasks on Dask (or in this process for ``executor="loop"``)."""

    def __init__(self, executor: str, client, retries: int) -> None:
        self.executor, self.client, self.retries = executor, client, retries

    def call(self, fn, *args, **kwargs) -> Any:
        """``fn(*args, **kwargs)`` as one task (on Dask) or here."""
        if self.executor == "loop":
            return fn(*args, **kwargs)
        return self.client.submit(fn, *args, **kwargs, pure=False).result()

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
                            on_done(name, None, task_error(exc))
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
                on_done(name, None, task_error(exc))
            else:
                on_done(name, fut.result(), None)
            fut.release()


@dataclass(frozen=True)
class _Job:
    """One cached task: where its result lives and how to call it."""

    result_dir: Path
    args: tuple
    kwargs: dict = field(default_factory=dict)
    needs: Path | None = None  # a folder the cached result also needs


@dataclass
class _Phase:
    """What one phase of tasks gave: results by unit, which ran, which failed."""

    results: dict[str, dict] = field(default_factory=dict)
    ran: list[str] = field(default_factory=list)
    cached: list[str] = field(default_factory=list)
    failures: dict[str, str] = field(default_factory=dict)


def task_error(exc: BaseException) -> Msg:
    """A failed task's error as a message: its type and its own message (by
    id when it has one, so a Chinese run prints it in Chinese).

    Examples
    --------
    >>> task_error(ValueError("bad"))
    'ValueError: bad'
    """
    return Msg("region.run.task_error", name=type(exc).__name__, detail=exc)


def run_cached(runner: _Runner, fn: Callable, jobs: dict[str, _Job], *, say: Progress,
               header: Callable[[int, int], str], done_line: Callable[[str, dict], str],
               failed_line: Callable[[str, str], str]) -> _Phase:
    """Run ``fn`` for every job whose result is not in the work folder.

    A job's result is read back from ``result_dir`` (JSON and Parquet,
    :func:`siteplan.region.store.load_result`) when it is there (and
    ``needs`` exists); the others run on the runner, each result saved as
    data as it arrives and earlier results of the unit (other keys) dropped.
    ``header(to_run, cached)``, ``done_line(code, result)`` and
    ``failed_line(code, error)`` make the progress lines.
    """
    phase = _Phase()
    todo = []
    for code, job in jobs.items():
        cached = load_result(job.result_dir) if job.needs is None or job.needs.exists() \
            else None
        if cached is None:
            todo.append(code)
        else:
            phase.results[code] = cached
            phase.cached.append(code)
    say(header(len(todo), len(phase.cached)))
    count = [0]

    def on_done(code: str, res: dict | None, error: str | None) -> None:
        count[0] += 1
        if error is not None:
            phase.failures[code] = error
            say(Msg("g.counted", i=count[0], n=len(todo), line=failed_line(code, error)))
            return
        try:
            save_result(res, jobs[code].result_dir)
        except (TypeError, ValueError, OSError) as exc:  # kept for this run, planned again next
            say(Msg("g.not_kept", code=code, detail=exc))
        else:
            _drop_others(jobs[code].result_dir)
        phase.results[code] = res
        phase.ran.append(code)
        say(Msg("g.counted", i=count[0], n=len(todo), line=done_line(code, res)))

    runner.map(fn, [(c, jobs[c].args, jobs[c].kwargs) for c in todo], on_done)
    return phase


@dataclass
class _Region:
    """The state of one regional run, shared by its steps."""

    cfg: RegionConfig
    out: Path
    work: Path
    limit_s: float
    say: Progress
    result: RegionResult
    candidates: gpd.GeoDataFrame
    reach_m: float
    metric: Any
    parts: list[Partition]
    years: tuple[int, ...]
    settings: dict[str, Any]
    tasks: dict[str, UnitTask] = field(default_factory=dict)
    proposal_hash: dict[str, str] = field(default_factory=dict)
    folder_dirs: dict[str, Path] = field(default_factory=dict)

    def unit_task(self, p: Partition, phase: str, key: str) -> UnitTask:
        pc = self.cfg.plan
        return UnitTask(unit_code=p.unit_code, unit_name=p.unit_name, folder=p.folder,
                        partition=p.path, result_dir=self.work / phase / p.folder / key,
                        key=key, years=self.years, assumptions=pc.assumptions.overrides(),
                        method=pc.method, time_limit_s=self.limit_s, seed=pc.seed,
                        name=f"{pc.name}: {p.unit_name}", deterministic=pc.deterministic)


def count_tiles(targets: gpd.GeoDataFrame, tile_km: float) -> int:
    """How many tiles of ``tile_km`` the grid over the target areas has (an
    upper bound on the units :func:`~siteplan.region.units.tile_units` makes),
    counted from the bounds before any tile is built.

    Examples
    --------
    >>> from shapely.geometry import box
    >>> t = gpd.GeoDataFrame(geometry=[box(0, 0, 25_000, 9_000)], crs=32650)
    >>> count_tiles(t, 10), count_tiles(t, 0.05)
    (3, 90000)
    """
    metric = local_metric_crs(targets)  # as tile_units: the data's own zone, never Web Mercator
    minx, miny, maxx, maxy = targets.to_crs(metric).total_bounds
    side = tile_km * 1000.0
    n_cols = np.ceil((maxx - np.floor(minx / side) * side) / side)
    n_rows = np.ceil((maxy - np.floor(miny / side) * side) / side)
    return int(max(n_cols, 1) * max(n_rows, 1))


def _units(cfg: RegionConfig, targets: gpd.GeoDataFrame, *, allow_large: bool
           ) -> gpd.GeoDataFrame:
    """The region's units (a unit layer or tiles), counted before they are
    partitioned: more than ``[region] max_units`` needs ``allow_large``."""
    def check(n: int, what: str, **params: str) -> None:
        if n > cfg.max_units and not allow_large:
            raise WorkTooLargeError(
                Msg("region.run.makes_units_more", source=cfg.source, what=Msg(
                    what, n=format(n, ","), max_units=format(cfg.max_units, ","), **params)))

    if cfg.units is not None:
        units = read_units(cfg.units, code_column=cfg.code_column, name_column=cfg.name_column)
        check(len(units), "region.run.unit_layer", name=cfg.units.path.name)
        return units
    check(count_tiles(targets, cfg.tile_km), "region.run.tile_km", tile_km=f"{cfg.tile_km:g}")
    return tile_units(targets, tile_km=cfg.tile_km)


def _prepare(cfg: RegionConfig, out: Path, work: Path, limit_s: float, say: Progress, *,
             allow_large: bool) -> _Region:
    """Read the province's inputs once, make the units and write the partitions."""
    t0 = time.perf_counter()
    pc = cfg.plan
    say(Msg("g.reading", name=repr(pc.name)))
    inputs = read_inputs(pc)
    units = _units(cfg, inputs.targets, allow_large=allow_large)
    reach = longest_reach_m(inputs.candidates, pc.assumptions)
    say(Msg("g.units", units=len(units), reach=f"{reach:,.0f}"))
    parts, metric, home = partition_region(units, inputs.candidates, inputs.targets,
                                           inputs.landuse, reach_m=reach, work_dir=work,
                                           roads=inputs.roads, context=inputs.context)
    years = tuple(sorted(int(y) for y in inputs.targets["milestone"].unique()))
    settings = {"assumptions": pc.assumptions.overrides(), "method": pc.method,
                "time_limit_s": limit_s, "seed": pc.seed, "years": years, "reach_m": reach,
                "name": pc.name, "capacity": True, "deterministic": pc.deterministic,
                "version": 6}
    result = RegionResult(out=out, units=units, unit_home=home,
                          timings={"read_and_partition_s": time.perf_counter() - t0})
    return _Region(cfg, out, work, limit_s, say, result, inputs.candidates, reach, metric,
                   parts, years, settings)


def _propose(region: _Region, runner: _Runner) -> None:
    """New builds: each unit proposes for its own demand; merged once over the
    province and written back into every partition within reach."""
    t1 = time.perf_counter()
    say, result = region.say, region.result
    ptasks = {p.unit_code: region.unit_task(p, "proposals", settings_key(
        {**region.settings, "phase": "propose"}, p.content_hash)) for p in region.parts}
    phase = run_cached(
        runner, propose_unit, {c: _Job(t.result_dir, (t,)) for c, t in ptasks.items()}, say=say,
        header=lambda todo, cached: Msg("g.proposing", todo=todo, cached=cached),
        done_line=lambda c, r: Msg("g.unit_proposed", code=c, name=ptasks[c].unit_name,
                                   count=r["proposals"], seconds=f"{r['seconds']:.1f}"),
        failed_line=lambda c, e: Msg("g.proposals_failed", code=c, name=ptasks[c].unit_name,
                                     error=e))
    result.failures.update({c: Msg("g.failed_proposing", error=e)
                            for c, e in phase.failures.items()})
    units_m = region.result.units.to_crs(region.metric).reset_index(drop=True)
    files = {c: r["proposals_file"] for c, r in phase.results.items()}
    proposals_m = merge_proposals([gpd.read_parquet(files[p.unit_code])
                                   for p in region.parts if p.unit_code in files],
                                  units_m, set(region.candidates["site_id"].astype(str)))
    region.proposal_hash = write_proposals(region.parts, proposals_m, units_m,
                                                       reach_m=region.reach_m)
    region.candidates = _with_proposals(region.candidates, proposals_m)
    result.unit_home.update(zip(proposals_m["site_id"], proposals_m["unit_code"], strict=True))
    say(Msg("g.proposed", count=f"{len(proposals_m):,}"))
    result.timings["propose_units_s"] = time.perf_counter() - t1


def _plan_units(region: _Region, runner: _Runner) -> None:
    """Plan every unit with coverage and capacity rows (cached by content)."""
    t1 = time.perf_counter()
    result, hashes = region.result, region.proposal_hash
    region.tasks = {p.unit_code: region.unit_task(p, "units", settings_key(
        region.settings, p.content_hash, hashes[p.unit_code]))
        for p in region.parts if p.unit_code not in result.failures}
    tasks, last = region.tasks, region.years[-1] if region.years else None

    def done_line(code: str, res: dict) -> Msg:
        name = tasks[code].unit_name
        if res.get("status", PLANNED) != PLANNED:
            return Msg("g.unit_status", code=code, name=name, status=res["status"])
        sites = len(res["selected"][last]) if last is not None else 0
        return Msg("g.unit_done", code=code, name=name, seconds=f"{res['seconds']:.1f}",
                   points=f"{res['demand_points']:,}", sites=sites, year=last)

    phase = run_cached(
        runner, plan_unit, {c: _Job(t.result_dir, (t,)) for c, t in tasks.items()},
        say=region.say,
        header=lambda todo, cached: Msg("g.to_plan", todo=todo, cached=cached),
        done_line=done_line,
        failed_line=lambda c, e: Msg("g.unit_failed", code=c, name=tasks[c].unit_name, error=e))
    result.unit_results.update(phase.results)
    result.planned.extend(phase.ran)
    result.cached.extend(phase.cached)
    result.failures.update(phase.failures)
    for code, res in sorted(phase.results.items()):
        for note in res.get("notes", []):
            region.say(Msg("g.unit_note", code=code, note=note))
    skipped = [c for c, r in phase.results.items() if r.get("status", PLANNED) != PLANNED]
    if skipped:
        region.say(Msg("g.not_planned", count=len(skipped), units=_listed(
            [Msg("region.run.skipped", code=c, reason=phase.results[c]["status"])
             for c in sorted(skipped)])))
    result.timings["plan_units_s"] = time.perf_counter() - t1


def _listed(items: list[Msg]) -> Msg:
    """Messages joined by "; ", each kept by its id (so each is translated).

    Examples
    --------
    >>> _listed([Msg("g.kept_units"), Msg("g.kept_stitched")])
    'units; stitched'
    """
    out = items[-1]
    for item in reversed(items[:-1]):
        out = Msg("region.run.and", detail=item, more=out)
    return out


def _stitch(region: _Region, runner: _Runner, keep_border_coverage: str) -> str:
    """Stitch the borders of the units that were planned (cached); returns its key."""
    from siteplan.region.stitch import stitch

    t2 = time.perf_counter()
    result, pc, years = region.result, region.cfg.plan, region.years
    ok = [c for c in region.tasks if c in result.unit_results]
    strips = [result.unit_results[c]["strip_file"] for c in ok
              if result.unit_results[c]["strip_file"]]
    skey = settings_key({**region.settings, "keep": keep_border_coverage},
                        *[region.tasks[c].key for c in ok])
    folder = region.work / "stitch" / skey
    stitched = load_result(folder)
    if stitched is not None:
        region.say(Msg("g.stitch_same"))
    else:
        tables = [result.unit_results[c]["area_constants"] for c in ok]
        tables = [t for t in tables if len(t)]
        constants = pd.concat(tables, ignore_index=True) if tables else pd.DataFrame()
        fixed = {y: set().union(*[set(result.unit_results[c]["fixed"][y]) for c in ok])
                 for y in years}
        region.say(Msg("g.stitching", count=len(ok)))
        stitched = runner.call(stitch, strips, constants, fixed, years, method=pc.method,
                               time_limit_s=region.limit_s, seed=pc.seed,
                               keep_border_coverage=keep_border_coverage,
                               assumptions=pc.assumptions.overrides(),
                               deterministic=pc.deterministic)
        if folder.parent.exists():
            shutil.rmtree(folder.parent, ignore_errors=True)
        save_result(stitched, folder)
    result.stitch = stitched
    for row in stitched["milestones"].itertuples(index=False):
        region.say(Msg("g.stitch_year", year=row.year, points=f"{row.rows_solved:,}",
                       rows=row.capacity_rows, before=f"{row.units_cost_cny:,.0f}",
                       after=f"{row.stitched_cost_cny:,.0f}",
                       kept=Msg("g.kept_stitched_short" if getattr(row, "units_short", False)
                                else f"g.kept_{row.kept}")))
    result.timings["stitch_s"] = time.perf_counter() - t2
    return skey


def _unit_folders(region: _Region, runner: _Runner, skey: str, *, lang: str,
                  tiles: str | None, offline: bool) -> None:
    """Each planned unit's plan folder with the stitched sites (cached)."""
    t3 = time.perf_counter()
    result, years = region.result, region.years
    final_file = region.work / "stitch" / skey / "final.json"  # read by each folder task
    if not final_file.exists():
        tmp = final_file.with_name(f".{final_file.name}.tmp")
        tmp.write_text(json.dumps({str(y): result.stitch["selected"][y] for y in years}))
        os.replace(tmp, final_file)
    fsettings = {"lang": lang, "tiles": tiles, "offline": offline, "stitch": skey}
    jobs = {}
    for c, task in region.tasks.items():
        if not result.unit_results.get(c, {}).get("planned"):
            continue
        fdir = region.work / "folders" / task.folder / settings_key(fsettings, task.key)
        region.folder_dirs[c] = fdir
        jobs[c] = _Job(fdir, (task, final_file, fdir / "plan"),
                       {"lang": lang, "tiles": tiles, "offline": offline}, needs=fdir / "plan")
    phase = run_cached(
        runner, finalize_unit, jobs, say=region.say,
        header=lambda todo, cached: Msg("g.folders", todo=todo, cached=cached),
        done_line=lambda c, r: Msg("g.folder_done", code=c, seconds=f"{r['seconds']:.1f}"),
        failed_line=lambda c, e: Msg("g.folder_failed", code=c, error=e))
    result.unit_outputs.update(phase.results)
    result.failures.update({c: Msg("g.failed_folder", error=e)
                            for c, e in phase.failures.items()})
    result.timings["unit_folders_s"] = time.perf_counter() - t3


@contextmanager
def _runner(executor: str, client: Any, workers: int | None, scheduler: str | None,
            retries: int, timeout_s: float, result: dict[str, Any]) -> Iterator[_Runner]:
    """The task runner: ``client``, one made for the run (closed after), or
    none for the loop executor."""
    cluster = None
    own = client is None and executor == "dask"
    try:
        if own:
            client, cluster = _client(workers, scheduler, timeout_s)
        if executor == "dask":
            result["dashboard"] = client.dashboard_link
            result["workers"] = len(client.scheduler_info().get("workers", {}))
        yield _Runner(executor, client, retries)
    finally:
        if own and client is not None:
            client.close()
        if cluster is not None:
            cluster.close()


def _check_arguments(executor: str, workers: int | None, scheduler: str | None,
                     tiles: str | None) -> str | None:
    """Every argument checked before any work; returns the scheduler address."""
    from siteplan.maplayers import resolve_tiles

    if executor not in ("dask", "loop"):
        raise ConfigError(Msg("region.run.executor_dask_loop", executor=repr(executor)))
    if workers is not None and workers < 1:
        raise ConfigError(Msg("region.run.workers_least_worker", workers=workers))
    if tiles is not None:
        try:
            resolve_tiles(tiles)
        except ConfigError as exc:
            raise ConfigError(Msg("region.run.tiles", detail=exc)) from None
    return None if scheduler is None else check_scheduler_address(scheduler)


def _check_border_mode(value: bool | str | None) -> str | None:
    """``plan_region``'s ``keep_border_coverage`` as a border mode (None: the config's)."""
    from siteplan.region.config import border_mode

    if value is None:
        return None
    try:
        return border_mode(value)
    except ValueError as exc:
        raise ConfigError(Msg("region.plan_region", detail=exc)) from None


def plan_region(config: str | Path | RegionConfig, out: str | Path, *,
                workers: int | None = None, scheduler: str | None = None,
                executor: str = "dask", time_limit_s: float | None = None,
                work_dir: str | Path | None = None, lang: str = "en",
                tiles: str | None = None, offline: bool = False, force: bool = False,
                client: Any = None, keep_border_coverage: bool | str | None = None,
                allow_large: bool = False, scheduler_timeout_s: float = SCHEDULER_TIMEOUT_S,
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
        As for ``siteplan plan`` (``tiles`` is checked before any work).
    force : bool
        Replace a non-empty ``out`` that siteplan did not write.
    client : dask.distributed.Client, optional
        A client to use (left open); else one is made for this run and closed.
    keep_border_coverage : {"target", "all", "none"} or bool, optional
        What the stitch keeps of the border coverage the units gave: up to
        each area's target share (``"target"`` or True), all of it
        (``"all"``), nothing beyond the whole-area targets (``"none"`` or
        False); default: the config's ``[region] keep_border_coverage``
        (``"target"``). See :mod:`siteplan.region.stitch`.
    allow_large : bool
        Run even with more units than ``[region] max_units``.
    scheduler_timeout_s : float
        Seconds to connect to ``scheduler`` and hear it answer.
    progress : callable, optional
        Called with one line of text per step and per unit.

    Returns
    -------
    RegionResult

    Examples
    --------
    >>> plan_region("region.toml", "out", scheduler="tcp://host:port")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    siteplan.errors.ConfigError: --scheduler 'tcp://host:port': needs a host and a port ...
    """
    from siteplan.io.atomic import check_writable_folder

    say = progress or (lambda _t: None)
    scheduler = _check_arguments(executor, workers, scheduler, tiles)
    keep = _check_border_mode(keep_border_coverage)
    cfg = config if isinstance(config, RegionConfig) else load_region_config(config)
    out = Path(out).absolute()
    check_writable_folder(out, kind="region", force=force)
    work = Path(work_dir) if work_dir else out.parent / f".{out.name}.region-work"
    from siteplan.project import resolve_time_limit  # 0 is refused, not replaced

    limit = resolve_time_limit(time_limit_s, cfg.plan.time_limit_s)
    t0 = time.perf_counter()
    info: dict[str, Any] = {}
    with _runner(executor, client, workers, scheduler, cfg.retries, scheduler_timeout_s,
                 info) as runner:
        if "dashboard" in info:
            say(Msg("g.dashboard", link=info["dashboard"], workers=info["workers"]))
        region = _prepare(cfg, out, work, limit, say, allow_large=allow_large)
        region.result.dashboard = info.get("dashboard")
        _propose(region, runner)
        _plan_units(region, runner)
        skey = _stitch(region, runner, cfg.keep_border_coverage if keep is None else keep)
        _unit_folders(region, runner, skey, lang=lang, tiles=tiles, offline=offline)
    _write_outputs(region, lang=lang, tiles=tiles, offline=offline, force=force)
    result = region.result
    result.timings["total_s"] = time.perf_counter() - t0
    seconds = f"{result.timings['total_s']:.1f}"
    say(Msg("g.wrote_failed" if result.failures else "g.wrote", out=out, seconds=seconds,
            count=len(result.failures), units=", ".join(result.failures)))
    return result


def _write_outputs(region: _Region, *, lang: str, tiles: str | None, offline: bool,
                   force: bool) -> None:
    """The merged outputs, written into a staging folder swapped in whole."""
    from siteplan.io.atomic import output_folder
    from siteplan.region.outputs import write_region_outputs

    t4 = time.perf_counter()
    result, pc = region.result, region.cfg.plan
    with output_folder(region.out, kind="region", force=force) as stage:
        written = write_region_outputs(
            stage, result, candidates=region.candidates,
            parts={p.unit_code: p for p in region.parts}, folder_dirs=region.folder_dirs,
            years=region.years, site_targets=pc.site_targets, name=pc.name, tiles=tiles,
            offline=offline, lang=lang, reach_m=region.reach_m)
    result.written = [region.out / p.relative_to(stage) for p in written]
    result.timings["outputs_s"] = time.perf_counter() - t4


def failures_error(result: RegionResult) -> SiteplanError | None:
    """A SiteplanError listing failed units by code and error (None if none)."""
    if not result.failures:
        return None
    lines = _listed([Msg("region.run.failure", code=code, detail=err)
                     for code, err in result.failures.items()])
    return SiteplanError(Msg("g.failures", count=len(result.failures), lines=lines))


__all__ = ["Partition", "RegionResult", "check_scheduler_address", "count_tiles",
           "failures_error", "local_cluster", "plan_region", "probe_scheduler", "run_cached"]
