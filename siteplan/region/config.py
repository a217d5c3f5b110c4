"""The region config: a plan config plus a ``[region]`` table.

Everything a plan config accepts (candidate sources, targets, land use,
milestones, solver, assumptions) applies to the whole province; the
``[region]`` table names the units::

    [region]
    units = "units.gpkg"      # polygons with a code and a name; or leave out and
    code_column = "code"      # give tile_km to plan square tiles instead
    name_column = "name"
    tile_km = 20
    retries = 1               # times a failed unit is tried again
    max_units = 5000          # more units need --allow-large
    keep_border_coverage = "target"  # border demand keeps the units' coverage up to the
                                     # area's target; "all": all of it; "none": whole-area
                                     # targets only (true = "target", false = "none")

Examples
--------
>>> import tempfile, pathlib
>>> from siteplan.datasets import sample_path
>>> folder = pathlib.Path(tempfile.mkdtemp())
>>> text = sample_path("sample_county.toml").read_text().replace('"candidates.gpkg"',
...     repr(str(sample_path("candidates.gpkg")))).replace('"targets.gpkg"',
...     repr(str(sample_path("targets.gpkg")))).replace('"landuse.gpkg"',
...     repr(str(sample_path("landuse.gpkg")))).replace('"roads.gpkg", "boundary.gpkg"', "")
>>> _ = (folder / "r.toml").write_text(text + "\\n[region]\\ntile_km = 10\\n")
>>> cfg = load_region_config(folder / "r.toml")
>>> cfg.units is None, cfg.tile_km, cfg.plan.site_targets[2020]
(True, 10.0, 150)
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from siteplan.config import LayerSpec, PlanConfig, config_from_dict, validator_text
from siteplan.errors import ConfigError
from siteplan.messages import Msg

DEFAULT_TILE_KM = 20.0
#: What the border stitch keeps of the border coverage the units gave
#: (:mod:`siteplan.region.stitch`): up to each area's target share, all of it,
#: or nothing beyond the whole-area targets.
BORDER_MODES = ("target", "all", "none")
#: More units than this (tiles or unit polygons) need ``--allow-large``: each
#: unit is a task with its own partition, plan folder and map (a 200,000 km²
#: province in the default 20 km tiles has about 500; a county layer ~100).
DEFAULT_MAX_UNITS = 5_000


def border_mode(value: Any) -> str:
    """The border mode of a ``keep_border_coverage`` value: ``True`` is
    ``"target"``, ``False`` is ``"none"``, else one of :data:`BORDER_MODES`.

    Raises
    ------
    ValueError
        Any other value (the message lists the allowed ones).

    Examples
    --------
    >>> border_mode(True), border_mode(False), border_mode("all")
    ('target', 'none', 'all')
    """
    if isinstance(value, bool):
        return "target" if value else "none"
    if not isinstance(value, str) or value not in BORDER_MODES:
        raise ValueError(Msg("region.border_mode", value=repr(value)))
    return value


class _RegionTable(BaseModel):
    model_config = ConfigDict(extra="forbid")
    units: LayerSpec | Path | None = None
    code_column: str = "code"
    name_column: str | None = "name"
    tile_km: float | None = Field(default=None, gt=0)
    retries: int = Field(default=1, ge=0, le=10)
    max_units: int = Field(default=DEFAULT_MAX_UNITS, ge=1)
    keep_border_coverage: str = "target"

    @field_validator("keep_border_coverage", mode="before")
    @classmethod
    def _border_mode(cls, value: Any) -> str:
        return border_mode(value)


@dataclass(frozen=True)
class RegionConfig:
    """A loaded region config.

    Attributes
    ----------
    plan : PlanConfig
        The province-wide plan settings and inputs.
    units : LayerSpec or None
        The unit polygons (None: square tiles of ``tile_km``).
    code_column, name_column : str
        Columns of the unit layer holding a unique code and a display name.
    tile_km : float
        Tile side when no unit layer is given.
    retries : int
        Extra tries of a failed unit task.
    max_units : int
        More units than this need ``allow_large`` (counted before partitioning).
    keep_border_coverage : {"target", "all", "none"}
        What the border stitch keeps of the border coverage the units gave
        (:mod:`siteplan.region.stitch`): up to each area's target share
        (``"target"``, the default; ``true`` in the config), all of it
        (``"all"``), or nothing beyond the whole-area targets (``"none"``;
        ``false``).
    source : Path
        The config file.
    """

    plan: PlanConfig
    units: LayerSpec | None
    code_column: str
    name_column: str | None
    tile_km: float
    retries: int
    source: Path
    max_units: int = DEFAULT_MAX_UNITS
    keep_border_coverage: str = "target"


def _region_message(exc: ValidationError, path: Path) -> Msg:
    """One message for pydantic's first error in the ``[region]`` table: an
    unknown key with the closest known one, else the key, what is wrong (a
    validator's own message, translated by its id) and the value.

    Examples
    --------
    >>> try:
    ...     _RegionTable.model_validate({"keep_bordr_coverage": True})
    ... except ValidationError as exc:
    ...     print(_region_message(exc, Path("r.toml")).split(" Known")[0])
    r.toml [region]: unknown key 'keep_bordr_coverage'. Did you mean 'keep_border_coverage'?
    """
    from siteplan.schema import suggest

    first = exc.errors()[0]
    loc = ".".join(str(p) for p in first["loc"])
    if first["type"] == "extra_forbidden":
        known = list(_RegionTable.model_fields)
        return Msg("region.config.unknown_key", path=path, key=repr(loc),
                   hint=suggest(loc, known), names=", ".join(known))
    return Msg("region.config.region_input", path=path, loc=loc, detail=validator_text(first),
               value=repr(first.get("input")))


def load_region_config(path: str | Path) -> RegionConfig:
    """Read and validate a region config (a plan config with a ``[region]`` table).

    Raises
    ------
    ConfigError
        Unreadable TOML, unknown or invalid keys, missing files.
    """
    path = Path(path)
    if not path.is_file():
        raise ConfigError(Msg("region.config.region_config_file", path=path))
    try:
        raw: dict[str, Any] = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(Msg("config.toml", path=path, detail=exc)) from exc
    table = raw.pop("region", None)
    if table is None:
        raise ConfigError(Msg("region.config.no_region_table", path=path))
    try:
        region = _RegionTable.model_validate(table)
    except ValidationError as exc:
        raise ConfigError(_region_message(exc, path)) from None
    plan = config_from_dict(raw, path)
    units = None
    if region.units is not None:
        spec = region.units if isinstance(region.units, LayerSpec) else LayerSpec(path=region.units)
        full = spec.path if spec.path.is_absolute() else path.parent / spec.path
        if not full.exists():
            raise ConfigError(Msg("region.config.region_units_file", path=path, name=repr(str(spec.path)),
                                  full=full))
        units = spec.model_copy(update={"path": full})
    elif region.tile_km is None:
        raise ConfigError(Msg("region.config.region_needs_units", path=path))
    return RegionConfig(plan=plan, units=units, code_column=region.code_column,
                        name_column=region.name_column,
                        tile_km=float(region.tile_km or DEFAULT_TILE_KM),
                        retries=region.retries, source=path, max_units=region.max_units,
                        keep_border_coverage=region.keep_border_coverage)
