"""The application layer: a config in, a plan and its outputs out.

:func:`run` is what ``siteplan plan`` and ``siteplan demo`` do, callable from
Python: read the inputs a config names, build the planning problem once,
plan every milestone, run the analyses the config asks for (policy
site-count targets; the radius-table comparison only on request), and write
the plan folder. A notebook calling :func:`run` gets the same ``report.json``
as the command line.

Examples
--------
>>> import tempfile, pathlib
>>> from siteplan.datasets import sample_path
>>> out = pathlib.Path(tempfile.mkdtemp()) / "plan"
>>> result = run(sample_path("sample_county.toml"), out, time_limit_s=2,
...              overrides={"demand.spacing_m": 400.0}, tiles=None)
>>> [m["milestone"] for m in result.report["milestones"]]
[2020, 2021, 2022]
>>> (out / "report.json").exists()
True
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from siteplan.config import PlanConfig, load_config
from siteplan.errors import ConfigError
from siteplan.messages import Msg
from siteplan.planner import Plan, plan
from siteplan.problem import build_problem
from siteplan.sources.inputs import PlanInputs, load_inputs  # the one input loader

__all__ = ["PlanInputs", "PlanOutputs", "analyses", "load_inputs", "run"]

Progress = Callable[[str], None]

#: seconds per max-cover solve of the site-count analysis (at most the plan's
#: own limit): what a count buys is reported with its upper bound, and a
#: region's three or four of them at 20 s each would double a plan's time
SITE_COUNT_TIME_LIMIT_S = 5.0


@dataclass(frozen=True)
class PlanOutputs:
    """What :func:`run` produced.

    Attributes
    ----------
    plan : Plan
    report : dict
        The report as written to ``report.json`` (computed if not written).
    written : list of Path
        Files written (empty when ``out`` is None).
    config : PlanConfig
    """

    plan: Plan
    report: dict[str, Any]
    written: list[Path]
    config: PlanConfig


def resolve_time_limit(given: float | None, configured: float) -> float:
    """The solver's limit per milestone: ``given`` (``--time-limit``) or,
    when None, the config's ``[solver] time_limit_s``.

    A limit of 0 (or negative, NaN, infinite) is refused, not replaced by
    the config's: no solve can keep it, and the config refuses it too. A
    limit too short for the search still returns the greedy cover.

    Examples
    --------
    >>> resolve_time_limit(None, 10.0), resolve_time_limit(2, 10.0)
    (10.0, 2.0)
    >>> resolve_time_limit(0, 10.0)
    Traceback (most recent call last):
    ...
    siteplan.errors.ConfigError: --time-limit 0: give a positive number of seconds (the \
config's [solver] time_limit_s is 10 s); a limit too short for the search returns the greedy cover.
    """
    if given is None:
        return float(configured)
    if isinstance(given, bool) or not isinstance(given, int | float) or not (
            math.isfinite(given) and given > 0):
        raise ConfigError(Msg("project.time_limit_positive", given=repr(given),
                              configured=format(configured, 'g')))
    return float(given)


def analyses(result: Plan, inputs: PlanInputs, cfg: PlanConfig, *, time_limit_s: float,
             compare_radius: bool = False, progress: Progress | None = None
             ) -> dict[str, Any]:
    """The report sections beyond the plan itself (capacity: coverage-only
    comparison, per-area sizing, traffic sensitivity; best server and SINR
    unless ``sinr.analysis = "off"``; site-count targets; and the
    radius-table comparison on request)."""
    from siteplan.capacity_report import capacity_section
    from siteplan.report import radio_comparison
    from siteplan.sinr_report import sinr_enabled, sinr_section
    from siteplan.sitecount import site_count_analysis

    say = progress or (lambda _t: None)
    extra: dict[str, Any] = {}
    if inputs.notes:
        extra["input_notes"] = list(inputs.notes)
    if inputs.rejected:
        extra["rejected_rows"] = {name: table.to_dict("records")
                                  for name, table in inputs.rejected.items()}
    if compare_radius and result.assumptions["coverage.mode"] == "link_budget":
        say(Msg("p.radius"))
        radius_problem = build_problem(
            inputs.candidates, inputs.targets, landuse=inputs.landuse,
            assumptions=result.assumptions.override({"coverage.mode": "radius"}),
            allow_large=True, population=inputs.population, roads=inputs.roads)
        radius = plan(radius_problem, site_targets=result.site_targets, method=cfg.method,
                      time_limit_s=time_limit_s, seed=cfg.seed,
                      deterministic=cfg.deterministic)
        extra["radio_comparison"] = radio_comparison(result, radius)
    if result.capacity_model is not None:
        say(Msg("p.capacity"))
        extra["capacity"] = capacity_section(result, time_limit_s=min(time_limit_s, 1.0),
                                             sensitivity_time_limit_s=1.0, seed=cfg.seed)
    if sinr_enabled(result.assumptions):  # issue 27: opt out with sinr.analysis = "off"

        say(Msg("p.sinr"))
        extra["sinr"] = sinr_section(result)
    if result.site_targets:
        say(Msg("p.site_targets"))
        extra["site_targets"] = site_count_analysis(
            result, time_limit_s=min(time_limit_s, SITE_COUNT_TIME_LIMIT_S), seed=cfg.seed)
    return extra


def run(config: str | Path | PlanConfig, out: str | Path | None = None, *,
        lang: str = "en", tiles: str | None = "OpenStreetMap", offline: bool = False,
        time_limit_s: float | None = None, compare_radius: bool = False,
        overrides: Mapping[str, Any] | None = None, force: bool = False,
        allow_large: bool = False, progress: Progress | None = None,
        outputs: Mapping[str, Any] | None = None) -> PlanOutputs:
    """Plan from a config and (with ``out``) write the plan folder.

    Parameters
    ----------
    config : path or PlanConfig
        A TOML config (see ``data/sample_county/sample_county.toml``).
    out : path, optional
        Output folder, replaced as a whole; None writes nothing.
    lang, tiles, offline
        Map and report options (see :func:`siteplan.export.write_plan`).
    time_limit_s : float, optional
        Solver time limit per milestone (default: the config's).
    compare_radius : bool
        Also plan with the radius table and report the change (a second
        plan: off by default).
    overrides : mapping, optional
        Assumption overrides on top of the config's ``[assumptions]``.
    force : bool
        Replace an ``out`` folder siteplan did not write.
    allow_large : bool
        Run even when the work estimate exceeds the machine.
    progress : callable, optional
    outputs : mapping, optional
        More :func:`siteplan.export.write_plan` options (``formats``,
        ``tiles_crs``, ``kml_gcj02``).

    Returns
    -------
    PlanOutputs
    """
    from siteplan.export import write_plan
    from siteplan.report import plan_report

    say = progress or (lambda _t: None)
    cfg = config if isinstance(config, PlanConfig) else load_config(config)
    if overrides:
        cfg = cfg.model_copy(update={"assumptions": cfg.assumptions.override(overrides)})
    if out is not None:
        from siteplan.io.atomic import check_writable_folder

        check_writable_folder(Path(out).absolute(), kind="plan", force=force,
                              inputs=cfg.input_paths())
    limit_s = resolve_time_limit(time_limit_s, cfg.time_limit_s)  # before any heavy work
    say(Msg("p.reading", name=repr(cfg.name)))
    inputs = load_inputs(cfg, allow_large=allow_large)
    for note in inputs.notes:
        say(note)
    problem = build_problem(inputs.candidates, inputs.targets, landuse=inputs.landuse,
                            assumptions=cfg.assumptions, allow_large=allow_large,
                            progress=say, population=inputs.population, roads=inputs.roads)
    result = plan(problem, site_targets=cfg.site_targets, method=cfg.method,
                  time_limit_s=limit_s, seed=cfg.seed, name=cfg.name, progress=say,
                  deterministic=cfg.deterministic)
    extra = analyses(result, inputs, cfg, time_limit_s=limit_s, compare_radius=compare_radius,
                     progress=say)
    if out is None:
        return PlanOutputs(result, plan_report(result, extra), [], cfg)
    for layer, source in zip(inputs.context, cfg.context, strict=True):
        layer.attrs.setdefault("name", Path(source.path).stem)  # its name on the maps
    written = write_plan(result, out, lang=lang, tiles=tiles, context=inputs.context,
                         offline=offline, extra_report=extra, progress=say, force=force,
                         zones=inputs.landuse, inputs=cfg.input_paths(),
                         **dict(outputs or {}))
    report = json.loads((Path(out) / "report.json").read_text(encoding="utf-8"))
    say(Msg("p.wrote", count=len(written), out=out))
    return PlanOutputs(result, report, written, cfg)
