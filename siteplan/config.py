"""The TOML config of a plan, validated with pydantic.

Relative paths are resolved from the config file's folder. See
``data/sample_county/sample_county.toml`` for a complete example.

Examples
--------
>>> from siteplan.datasets import sample_path
>>> cfg = load_config(sample_path("sample_county.toml"))
>>> cfg.site_targets
{2020: 150, 2021: 400, 2022: 600}
"""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

from siteplan.defaults import Assumptions
from siteplan.errors import ConfigError
from siteplan.messages import Msg


class LayerSpec(BaseModel):
    """One input layer: a path and how to read it.

    ``crs`` is the layer's coordinate system (``"gcj02"``/``"bd09"`` move
    every vertex to WGS84); ``encoding`` a shapefile DBF's or CSV's text
    encoding (detected by default); ``sheet`` an Excel sheet; ``columns``
    canonical column → the file's column; ``defaults`` values for columns
    the layer lacks; ``on_bad_rows = "report"`` (candidates) skips unusable
    rows and lists them. Land-use layers only: ``class`` (one class for the
    whole layer, e.g. ``"生态保护红线"``), ``class_column``, ``class_map``
    (local class names → classes: an inline table or a two-column CSV).
    """

    model_config = ConfigDict(extra="forbid", populate_by_name=True)
    path: Path
    layer: str | None = None
    lon: str | None = None
    lat: str | None = None
    crs: str | None = None
    encoding: str | None = None
    sheet: str | int | None = None
    class_column: str | None = None
    zone_class: str | None = Field(default=None, alias="class")
    class_map: dict[str, str] | Path | None = None
    columns: dict[str, str] = {}
    defaults: dict[str, str | int | float | bool] = {}
    on_bad_rows: Literal["raise", "report"] = "raise"

    def read_kwargs(self) -> dict[str, Any]:
        """Keyword arguments for :func:`siteplan.sources.read_layer`."""
        return {k: v for k, v in (("layer", self.layer), ("lon", self.lon), ("lat", self.lat),
                                  ("crs", self.crs), ("encoding", self.encoding),
                                  ("sheet", self.sheet)) if v is not None}


#: Options that only some input sections read; anywhere else they would be ignored.
_ONLY = {"zone_class": ("landuse",), "class_column": ("landuse",), "class_map": ("landuse",),
         "columns": ("candidates", "targets"), "defaults": ("candidates", "targets"),
         "on_bad_rows": ("candidates",)}
_SHOWN = {"zone_class": "class"}


def _as_spec(item: Any, where: str) -> LayerSpec:
    """One ``[inputs]`` entry (a path or a ``{path = …}`` table) as a LayerSpec, with
    an error naming the entry and the key (and the closest key for a typo)."""
    from siteplan.schema import suggest

    if isinstance(item, LayerSpec):
        return item
    if isinstance(item, str | Path):
        return LayerSpec(path=Path(item))
    if not isinstance(item, dict):
        raise ValueError(Msg("config.layer_table", where=where, item=repr(item)))
    keys = [n if f.alias is None else f.alias for n, f in LayerSpec.model_fields.items()]
    for key in item:
        if key not in keys:
            raise ValueError(Msg("config.layer_unknown_key", where=where, key=repr(key),
                                 hint=suggest(key, keys), names=", ".join(keys)))
    if "path" not in item:
        raise ValueError(Msg("config.layer_no_path", where=where))
    try:
        return LayerSpec.model_validate(item)
    except ValidationError as exc:
        first = exc.errors()[0]
        key = ".".join(str(p) for p in first["loc"])
        raise ValueError(Msg("config.layer_field", where=where, key=repr(key), detail=first["msg"],
                             value=repr(first.get("input")))) from None


class _Inputs(BaseModel):
    model_config = ConfigDict(extra="forbid")
    candidates: list[LayerSpec] = Field(min_length=1)
    targets: LayerSpec
    landuse: list[LayerSpec] = []
    population: LayerSpec | None = None
    context: list[LayerSpec] = []
    #: terrain (issue 27, docs/terrain.md): DEM GeoTIFF tile(s) and a WorldCover-coded land cover
    #: (or "landuse": the [inputs.landuse] zones as clutter, siteplan.terrain.zones)
    dem: list[Path] = []
    clutter: Path | None = None

    @model_validator(mode="before")
    @classmethod
    def _specs(cls, raw: Any) -> Any:
        if not isinstance(raw, dict):
            return raw
        out = dict(raw)
        for section in ("candidates", "landuse", "context"):
            value = out.get(section)
            if value is None:
                continue
            items = value if isinstance(value, list) else [value]
            if section == "candidates" and not isinstance(value, list):
                items = [value]
            out[section] = [_as_spec(item, f"[inputs.{section}]" + (
                f" item {i + 1}" if len(items) > 1 else "")) for i, item in enumerate(items)]
        if isinstance(out.get("dem"), str):
            out["dem"] = [out["dem"]]
        if "targets" in out:
            if isinstance(out["targets"], list):
                raise ValueError(Msg("config.targets_one"))
            out["targets"] = _as_spec(out["targets"], "[inputs.targets]")
        if out.get("population") is not None:
            out["population"] = _as_spec(out["population"], "[inputs.population]")
        return out


class _Solver(BaseModel):
    model_config = ConfigDict(extra="forbid")
    method: str = "auto"
    time_limit_s: float = Field(default=10.0, gt=0, allow_inf_nan=False)
    seed: int = 0
    #: count work, not seconds (the same plan on a loaded machine); false keeps the
    #: time limit strictly (for city-scale runs on a busy machine)
    deterministic: bool = True

    @field_validator("method")
    @classmethod
    def _method(cls, value: str) -> str:
        if value not in ("auto", "greedy", "exact"):
            raise ValueError(Msg("config.method"))
        return value


class _Project(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str = "site plan"
    lang: Literal["en", "zh"] | None = None  # messages and outputs (--lang and $SITEPLAN_LANG first)


class _ConfigFile(BaseModel):
    model_config = ConfigDict(extra="forbid")
    project: _Project = _Project()
    inputs: _Inputs
    milestones: dict[int, int] = {}
    solver: _Solver = _Solver()
    assumptions: dict[str, Any] = {}

    @field_validator("milestones")
    @classmethod
    def _positive(cls, value: dict[int, int]) -> dict[int, int]:
        for year, count in value.items():
            if count <= 0:
                raise ValueError(Msg("config.site_target", year=year))
        return value


#: The tables of a config and the model holding each one's keys (for "did you mean").
_TABLES: dict[str, type[BaseModel]] = {"project": _Project, "inputs": _Inputs,
                                       "solver": _Solver}


class PlanConfig(BaseModel):
    """A loaded, validated config with absolute paths."""

    name: str
    source: Path
    lang: str | None = None
    candidates: list[LayerSpec]
    targets: LayerSpec
    landuse: list[LayerSpec]
    context: list[LayerSpec]
    site_targets: dict[int, int]
    population: LayerSpec | None = None
    method: str
    time_limit_s: float
    seed: int
    deterministic: bool = True
    assumptions: Assumptions

    model_config = ConfigDict(arbitrary_types_allowed=True)

    def input_paths(self) -> list[Path]:
        """The config file and every file it reads (layers, class maps): an
        output folder may not be, hold or lie inside any of them."""
        specs = [*self.candidates, self.targets, *self.landuse, *self.context,
                 *([self.population] if self.population is not None else [])]
        paths = [self.source, *(s.path for s in specs)]
        return paths + [s.class_map for s in specs if isinstance(s.class_map, Path)]


def _spec(item: LayerSpec | Path, base: Path, where: str, section: str) -> LayerSpec:
    spec = item if isinstance(item, LayerSpec) else LayerSpec(path=item)
    path = spec.path if spec.path.is_absolute() else (base / spec.path)
    if not path.exists():
        raise ConfigError(Msg("config.layer_missing", where=where, name=repr(str(spec.path)), path=path))
    for option, sections in _ONLY.items():
        value = getattr(spec, option)
        default = LayerSpec.model_fields[option].default
        if value != default and section not in sections:
            raise ConfigError(
                Msg("config.not_read_inputs", where=where, shown=_SHOWN.get(option, option),
                    value=repr(value), section=section,
                    sections=', '.join(f'[inputs.{s}]' for s in sections)))
    if spec.zone_class is not None and spec.class_column is not None:
        raise ConfigError(Msg("config.both_class_class", where=where, zone_class=repr(spec.zone_class),
                              class_column=repr(spec.class_column)))
    update: dict[str, Any] = {"path": path}
    if isinstance(spec.class_map, Path):
        table = spec.class_map if spec.class_map.is_absolute() else base / spec.class_map
        if not table.exists():
            raise ConfigError(Msg("config.class_map_missing", where=where, name=repr(str(spec.class_map)),
                                  path=table))
        update["class_map"] = table
    return spec.model_copy(update=update)


def validator_text(error: Any) -> str:
    """A validator's message: the :class:`~siteplan.messages.Msg` it raised
    (translated by its id), else pydantic's own text."""
    raised = (error.get("ctx") or {}).get("error")
    first = raised.args[0] if isinstance(raised, Exception) and raised.args else None
    return first if getattr(first, "msg_id", None) else str(error["msg"]).removeprefix(
        "Value error, ")


def _validation_message(exc: ValidationError, path: Path) -> Msg:
    """One message for pydantic's first error: the config file, the table and
    key, what is wrong, and for an unknown key the closest known one.

    Examples
    --------
    >>> raw = {"inputs": {"candidates": "c.csv", "targets": "t.gpkg"},
    ...        "solver": {"time_limt_s": 5}}
    >>> try:
    ...     _ConfigFile.model_validate(raw)
    ... except ValidationError as exc:
    ...     print(_validation_message(exc, Path("c.toml")).split(" Known")[0])
    c.toml [solver]: unknown key 'time_limt_s'. Did you mean 'time_limit_s'?
    """
    from siteplan.schema import suggest

    errors = exc.errors()  # a typo'd key first: its missing twin would hide it
    first = next((e for e in errors if e["type"] == "extra_forbidden"), errors[0])
    loc = [str(p) for p in first["loc"]]
    msg = str(first["msg"])
    if first["type"] == "value_error" and msg.startswith("Value error, ["):
        # an [inputs] entry's own message names the section, item and key already
        return Msg("config.entry", path=path, detail=validator_text(first))
    table = ".".join(loc[:-1])
    where = f"{path}" + (f" [{table}]" if table else "")
    if first["type"] == "extra_forbidden":
        model = _TABLES.get(table, _ConfigFile if not table else None)
        known = list(model.model_fields) if model is not None else []
        if not known:
            return Msg("config.unknown_key_bare", path=where, key=repr(loc[-1]),
                       hint=suggest(loc[-1], known))
        hint = suggest(loc[-1], known)
        if not table and loc[-1] == "region":  # a region config given to siteplan plan
            return Msg("config.region_table", path=where)
        return Msg("config.unknown_table" if not table else "config.unknown_key", path=where,
                   key=repr(loc[-1]), hint=hint, names=", ".join(known))
    if first["type"] == "missing":
        return Msg("config.missing_key", path=where, key=repr(loc[-1]))
    return Msg("config.bad_value", path=where, key=repr(loc[-1]),
               detail=validator_text(first), value=format(repr(first.get("input")), ".80"))


def load_config(path: str | Path) -> PlanConfig:
    """Read and validate a plan config.

    Raises
    ------
    ConfigError
        Unreadable TOML, unknown or invalid keys, missing input files.
    """
    path = Path(path)
    if not path.exists():
        raise ConfigError(Msg("config.not_found", path=path))
    if path.is_dir():
        raise ConfigError(Msg("config.is_folder", path=path))
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(Msg("config.toml", path=path, detail=exc)) from exc
    return config_from_dict(raw, path)


def config_from_dict(raw: dict[str, Any], path: Path) -> PlanConfig:
    """Validate an already parsed config (``path`` names it in errors and
    anchors its relative paths); used by configs that add their own tables,
    such as the ``[region]`` table of :mod:`siteplan.region`."""
    try:
        cfg = _ConfigFile.model_validate(raw)
    except ValidationError as exc:
        error = ConfigError(_validation_message(exc, path))
        # the config's own language, for the command line to print this very error in
        wanted = (raw.get("project") or {}).get("lang") if isinstance(raw, dict) else None
        error.config_lang = wanted if wanted in ("en", "zh") else None
        raise error from None
    base = path.parent
    inputs = cfg.inputs
    landuse = inputs.landuse

    def where(section: str, i: int, n: int) -> str:
        return f"{path} [inputs.{section}]" + (f" item {i + 1}" if n > 1 else "")

    return PlanConfig(
        name=cfg.project.name, source=path, lang=cfg.project.lang,
        candidates=[_spec(c, base, where("candidates", i, len(inputs.candidates)), "candidates")
                    for i, c in enumerate(inputs.candidates)],
        targets=_spec(inputs.targets, base, f"{path} [inputs.targets]", "targets"),
        landuse=[_spec(c, base, where("landuse", i, len(landuse)), "landuse")
                 for i, c in enumerate(landuse)],
        context=[_spec(c, base, where("context", i, len(inputs.context)), "context")
                 for i, c in enumerate(inputs.context)],
        population=None if inputs.population is None else _spec(
            inputs.population, base, f"{path} [inputs.population]", "population"),
        site_targets=dict(cfg.milestones), method=cfg.solver.method,
        time_limit_s=cfg.solver.time_limit_s, seed=cfg.solver.seed,
        deterministic=cfg.solver.deterministic,
        assumptions=_with_terrain(_assumptions(cfg.assumptions, path), inputs, base, path),
    )


def _with_terrain(assumptions: Assumptions, inputs: _Inputs, base: Path, path: Path) -> Assumptions:
    """``[inputs] dem`` / ``clutter`` as absolute paths in ``terrain.dem`` / ``terrain.clutter``
    (assumptions travel with the plan: relocation and regional units read the same rasters)."""
    found: dict[str, str] = {}
    clutter = [inputs.clutter] if inputs.clutter else []
    if clutter and str(clutter[0]).strip().lower() == "landuse":  # 三调 zones as clutter
        if not inputs.landuse or not inputs.dem:
            raise ConfigError(Msg("config.inputs_clutter_landuse", path=path))
        found["terrain.clutter"], clutter = "landuse", []
    for key, items in (("dem", inputs.dem), ("clutter", clutter)):
        full = []
        for item in items:
            file = item if item.is_absolute() else base / item
            if not file.exists():
                raise ConfigError(Msg("config.layer_missing", where=f'{path} [inputs] {key}',
                                      name=repr(str(item)), path=file))
            full.append(str(file.resolve()))
        if full:
            found[f"terrain.{key}"] = ";".join(full)
    return assumptions.override(found) if found else assumptions


def _assumptions(values: dict[str, Any], path: Path) -> Assumptions:
    """The ``[assumptions]`` table checked by each key's one validator; an
    error names the config file."""
    try:
        return Assumptions(values)
    except ConfigError as exc:
        inner = exc.args[0]
        detail = (inner.cut("assumptions: ") if isinstance(inner, Msg)
                  else str(exc).removeprefix("assumptions: "))
        raise ConfigError(Msg("config.assumptions", path=path, detail=detail)) from None
