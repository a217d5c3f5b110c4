"""Plan folders that round-trip: :func:`write_state` and :func:`read_plan`.

A plan folder holds ``plan.gpkg`` (layers ``candidates``, ``targets``,
``landuse_zones`` when zones were given, ``sites_<year>`` …; ``cost_cny``
and ``landuse_flag`` of the candidates are recomputed on reading) and
``plan.json``: the exact assumption overrides (no rounding), the site
targets, the solver settings, each milestone's chosen site ids and solver
figures, and a fingerprint of the input layers as stored. :func:`read_plan`
rebuilds the same :class:`~siteplan.planner.Plan` (the same planning
problem, the same sites) from it; a folder written by an older version, or
whose layers were edited by hand since, is refused with a clear error.

Examples
--------
>>> import tempfile, pathlib
>>> from siteplan.datasets import load_sample
>>> from siteplan.planner import plan
>>> c, t, cfg = load_sample()
>>> p = plan(c, t, assumptions={"demand.spacing_m": 400.0}, time_limit_s=2)
>>> folder = pathlib.Path(tempfile.mkdtemp()) / "p"
>>> from siteplan.io.atomic import output_folder
>>> with output_folder(folder, kind="plan") as stage:
...     _ = write_state(p, stage)
>>> q = read_plan(folder)
>>> [list(m.selected) == list(n.selected) for m, n in zip(p.milestones, q.milestones)]
[True, True, True]
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
from pydantic import BaseModel, ConfigDict, ValidationError

from siteplan.defaults import Assumptions
from siteplan.errors import ConfigError, InputError
from siteplan.io.tables import gpkg_ready
from siteplan.messages import Msg
from siteplan.planner import MilestonePlan, Plan
from siteplan.problem import build_problem
from siteplan.solve import SetCoverResult

STATE_FILE = "plan.json"
FORMAT = "siteplan-plan/2"
INPUT_LAYERS = ("candidates", "targets", "landuse_zones")
_DERIVED = ("cost_cny", "landuse_flag")


def _frame_hash(frame: gpd.GeoDataFrame) -> str:
    """A content hash of a layer as read back (columns, values, geometry WKB)."""
    digest = hashlib.sha256()
    table = pd.DataFrame(frame.drop(columns=frame.geometry.name))
    digest.update(json.dumps([str(c) for c in table.columns]).encode())
    digest.update(pd.util.hash_pandas_object(table.astype(str), index=False).to_numpy()
                  .tobytes())
    digest.update(b"".join(frame.geometry.to_wkb()))
    digest.update(str(frame.crs.to_epsg() or frame.crs.to_wkt()).encode())
    return digest.hexdigest()


def _input_layers(plan: Plan) -> dict[str, gpd.GeoDataFrame]:
    layers = {"candidates": plan.candidates, "targets": plan.targets}
    if plan.problem.zones is not None:
        layers["landuse_zones"] = plan.problem.zones
    return layers


def write_state(plan: Plan, folder: str | Path) -> list[Path]:
    """Write the input layers into ``folder/plan.gpkg`` and ``plan.json``.

    Other layers (sites, uncovered demand) may be added to the same
    GeoPackage by the caller before or after.
    """
    folder = Path(folder)
    gpkg = folder / "plan.gpkg"
    hashes = {}
    for name, frame in _input_layers(plan).items():
        gpkg_ready(frame).to_file(gpkg, layer=name, engine="pyogrio")
        hashes[name] = _frame_hash(gpd.read_file(gpkg, layer=name, engine="pyogrio"))
    since: dict[int, int] = {}
    milestones = []
    ids = plan.candidates["site_id"].to_numpy()
    for m in plan.milestones:
        for j in m.added.tolist():
            since.setdefault(j, m.milestone)
        r = m.result
        milestones.append({
            "milestone": m.milestone, "selected": ids[m.selected].tolist(),
            "added": ids[m.added].tolist(),
            "result": {"cost": r.cost, "lower_bound": r.lower_bound, "covered": r.covered,
                       "uncoverable": np.asarray(r.uncoverable).tolist(), "method": r.method,
                       "time_s": r.time_s, "optimal": bool(r.optimal)},
        })
    state = {"format": FORMAT, "name": plan.name,
             "assumptions": plan.assumptions.overrides(),
             "site_targets": {str(k): v for k, v in plan.site_targets.items()},
             "solver": plan.solver, "layers": hashes, "milestones": milestones}
    path = folder / STATE_FILE
    path.write_text(json.dumps(state, indent=1, ensure_ascii=False), encoding="utf-8")
    return [gpkg, path]


class _Result(BaseModel):
    model_config = ConfigDict(extra="ignore", strict=False)
    cost: float
    lower_bound: float
    covered: float
    uncoverable: list[int]
    method: str
    time_s: float
    optimal: bool


class _Milestone(BaseModel):
    model_config = ConfigDict(extra="ignore")
    milestone: int
    selected: list[str]
    added: list[str]
    result: _Result


class _StateFile(BaseModel):
    """The shape of ``plan.json`` (checked before anything is built)."""

    model_config = ConfigDict(extra="ignore")
    format: str
    name: str = "site plan"
    assumptions: dict[str, Any] = {}
    site_targets: dict[int, int] = {}
    solver: dict[str, Any] = {}
    layers: dict[str, str]
    milestones: list[_Milestone]


def _state(folder: Path) -> dict[str, Any]:
    """``plan.json`` of a plan folder, checked key by key: a wrong type, a
    missing key or a list where a table belongs is an :class:`InputError`
    naming plan.json and the key."""
    path = folder / STATE_FILE
    if not folder.is_dir():
        raise InputError(Msg("plan.not_folder", folder=folder))
    if not path.exists():
        old = (folder / "report.json").exists()
        raise InputError(Msg("plan.old" if old else "plan.not_plan", folder=folder))
    try:
        state = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise InputError(Msg("planio.unreadable_re_run", path=path, detail=exc)) from None
    if not isinstance(state, dict):
        raise InputError(Msg("planio.holds_not_table", path=path, name=type(state).__name__))
    if state.get("format") != FORMAT:
        raise InputError(Msg("planio.format_not_another", path=path, state=repr(state.get('format')),
                             format=repr(FORMAT)))
    try:
        return _StateFile.model_validate(state).model_dump()
    except ValidationError as exc:
        first = exc.errors()[0]
        key = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in first["loc"])
        shown = "missing" if first["type"] == "missing" else \
            f"{first['msg'].lower()} (found {first.get('input')!r:.80})"
        raise InputError(Msg("planio.key_file_was", path=path, key=repr(key.lstrip('.')),
                             shown=shown)) from None


def _read_layer(gpkg: Path, name: str, expected_hash: str) -> gpd.GeoDataFrame:
    try:
        frame = gpd.read_file(gpkg, layer=name, engine="pyogrio")
    except Exception as exc:  # noqa: BLE001 - pyogrio raises several kinds
        raise InputError(Msg("planio.layer_unreadable_re", gpkg=gpkg, name=repr(name), detail=exc)
                         ) from None
    if _frame_hash(frame) != expected_hash:
        raise InputError(
            Msg("plan.edited", gpkg=gpkg, name=repr(name)))
    return frame


@dataclass(frozen=True)
class PlanState:
    """A plan folder as stored, checked but not rebuilt: the input layers
    (fingerprints verified), the assumptions and each milestone's chosen
    site ids. :func:`read_plan` builds the planning problem from it;
    :mod:`siteplan.relocate` builds its own (one problem, not two)."""

    folder: Path
    layers: dict[str, gpd.GeoDataFrame]
    assumptions: Assumptions
    state: dict[str, Any]

    @property
    def candidates(self) -> gpd.GeoDataFrame:
        """The candidates layer without the derived columns (recomputed)."""
        cands = self.layers["candidates"]
        return cands.drop(columns=[c for c in _DERIVED if c in cands])

    def selected_ids(self, year: int) -> list[str]:
        """Site ids chosen for milestone ``year`` (InputError if the plan has none)."""
        years = [m["milestone"] for m in self.state["milestones"]]
        if int(year) not in years:
            raise InputError(Msg("planio.no_milestone_plan", folder=self.folder / STATE_FILE, year=year,
                                 years=years))
        return list(self.state["milestones"][years.index(int(year))]["selected"])


def read_state(folder: str | Path) -> PlanState:
    """Read and check a plan folder without building anything (cheap).

    Raises
    ------
    InputError, ConfigError
        Not a plan folder, an older format, a malformed ``plan.json`` (the
        key named), missing layers, or layers edited since writing.
    """
    folder = Path(folder)
    state = _state(folder)
    gpkg = folder / "plan.gpkg"
    if not gpkg.exists():
        raise InputError(Msg("plan.gpkg_missing", folder=folder))
    try:
        present = {n for n, _ in pyogrio.list_layers(gpkg)}
    except Exception as exc:  # noqa: BLE001
        raise InputError(Msg("planio.not_readable_geopackage", gpkg=gpkg, detail=exc)) from None
    layers = {}
    for name, expected in state["layers"].items():
        if name not in INPUT_LAYERS or name not in present:
            raise InputError(Msg("plan.layer_missing", gpkg=gpkg, name=repr(name)))
        layers[name] = _read_layer(gpkg, name, expected)
    for name in ("candidates", "targets"):
        if name not in layers:
            raise InputError(Msg("planio.key_layers_no", folder=folder / STATE_FILE, name=repr(name)))
    try:
        assumptions = Assumptions(state["assumptions"])
    except ConfigError as exc:
        raise InputError(Msg("planio.key_assumptions", folder=folder / STATE_FILE, detail=exc)) from None
    return PlanState(folder, layers, assumptions, state)


def read_plan(folder: str | Path, *, progress: Any = None) -> Plan:
    """Rebuild the :class:`~siteplan.planner.Plan` a plan folder holds.

    Raises
    ------
    InputError
        Not a plan folder, an older format, a malformed ``plan.json``, or
        layers edited since writing.
    """
    stored = read_state(folder)
    folder, state = stored.folder, stored.state
    problem = build_problem(stored.candidates, stored.layers["targets"],
                            landuse=stored.layers.get("landuse_zones"),
                            assumptions=stored.assumptions, allow_large=True, progress=progress)
    position = pd.Series(np.arange(len(problem.candidates)),
                         index=problem.candidates["site_id"].to_numpy())
    milestones = []
    for item in state["milestones"]:
        year = int(item["milestone"])
        unknown = [s for s in item["selected"] + item["added"] if s not in position.index]
        if unknown:
            raise InputError(Msg("relocate.milestone_names_sites", plan_dir=folder / STATE_FILE,
                                 milestone=year, unknown=unknown[:3]))
        selected = np.sort(position[item["selected"]].to_numpy())
        added = np.sort(position[item["added"]].to_numpy())
        r = item["result"]
        result = SetCoverResult(selected, r["cost"], r["lower_bound"], r["covered"],
                                np.asarray(r["uncoverable"], dtype=np.int64), r["method"],
                                r["time_s"], r["optimal"])
        covered = problem.coverage.cover_counts(selected) > 0
        inst = problem.instance(year)
        milestones.append(MilestonePlan(year, selected, added, inst.active, covered, result,
                                        inst.capacity))
    if [m.milestone for m in milestones] != problem.years:
        raise ConfigError(Msg("planio.milestones_do_not", folder=folder / STATE_FILE,
                              milestones=[m.milestone for m in milestones], years=problem.years))
    return Plan(problem, tuple(milestones), dict(state["site_targets"]),
                name=state["name"], solver=state["solver"])
