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
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from siteplan.defaults import Assumptions
from siteplan.errors import ConfigError


class LayerSpec(BaseModel):
    """One input layer: a path, and for CSV the lon/lat columns and CRS."""

    model_config = ConfigDict(extra="forbid")
    path: Path
    layer: str | None = None
    lon: str | None = None
    lat: str | None = None
    crs: str | None = None
    class_column: str | None = None

    def read_kwargs(self) -> dict[str, Any]:
        """Keyword arguments for :func:`siteplan.sources.read_layer`."""
        return {k: v for k, v in (("layer", self.layer), ("lon", self.lon), ("lat", self.lat),
                                  ("crs", self.crs)) if v is not None}


class _Inputs(BaseModel):
    model_config = ConfigDict(extra="forbid")
    candidates: list[LayerSpec | Path] = Field(min_length=1)
    targets: LayerSpec | Path
    landuse: LayerSpec | Path | None = None
    population: LayerSpec | Path | None = None
    context: list[LayerSpec | Path] = []


class _Solver(BaseModel):
    model_config = ConfigDict(extra="forbid")
    method: str = "auto"
    time_limit_s: float = Field(default=10.0, gt=0)
    seed: int = 0

    @field_validator("method")
    @classmethod
    def _method(cls, value: str) -> str:
        if value not in ("auto", "greedy", "exact"):
            raise ValueError("must be 'auto', 'greedy' or 'exact'")
        return value


class _Project(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str = "site plan"


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
                raise ValueError(f"site target for {year} must be a positive whole number")
        return value


class PlanConfig(BaseModel):
    """A loaded, validated config with absolute paths."""

    name: str
    source: Path
    candidates: list[LayerSpec]
    targets: LayerSpec
    landuse: LayerSpec | None
    context: list[LayerSpec]
    site_targets: dict[int, int]
    population: LayerSpec | None = None
    method: str
    time_limit_s: float
    seed: int
    assumptions: Assumptions

    model_config = ConfigDict(arbitrary_types_allowed=True)


def _spec(item: LayerSpec | Path, base: Path, where: str) -> LayerSpec:
    spec = item if isinstance(item, LayerSpec) else LayerSpec(path=item)
    path = spec.path if spec.path.is_absolute() else (base / spec.path)
    if not path.exists():
        raise ConfigError(f"{where}: file {str(spec.path)!r} not found (looked at {path}). "
                          "Fix the path; relative paths start at the config file's folder.")
    return spec.model_copy(update={"path": path})


def load_config(path: str | Path) -> PlanConfig:
    """Read and validate a plan config.

    Raises
    ------
    ConfigError
        Unreadable TOML, unknown or invalid keys, missing input files.
    """
    path = Path(path)
    if not path.exists():
        raise ConfigError(f"{path}: config file not found.")
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: not valid TOML ({exc}).") from exc
    try:
        cfg = _ConfigFile.model_validate(raw)
    except ValidationError as exc:
        first = exc.errors()[0]
        loc = ".".join(str(p) for p in first["loc"])
        raise ConfigError(f"{path}: [{loc}] {first['msg']} (input {first.get('input')!r}). "
                          "See data/sample_county/sample_county.toml for a valid example.") \
            from None
    base = path.parent
    inputs = cfg.inputs
    return PlanConfig(
        name=cfg.project.name, source=path,
        candidates=[_spec(c, base, f"{path} [inputs.candidates]") for c in inputs.candidates],
        targets=_spec(inputs.targets, base, f"{path} [inputs.targets]"),
        landuse=None if inputs.landuse is None else _spec(inputs.landuse, base,
                                                          f"{path} [inputs.landuse]"),
        context=[_spec(c, base, f"{path} [inputs.context]") for c in inputs.context],
        population=None if inputs.population is None else _spec(
            inputs.population, base, f"{path} [inputs.population]"),
        site_targets=dict(cfg.milestones), method=cfg.solver.method,
        time_limit_s=cfg.solver.time_limit_s, seed=cfg.solver.seed,
        assumptions=Assumptions(cfg.assumptions),
    )
