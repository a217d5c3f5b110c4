"""Every input a plan config names, read into canonical tables.

:func:`load_inputs` is the one place a config's ``[inputs]`` are read:
candidate sources (merged), target areas, land-use zones (every zone layer
combined into one table with canonical ``zone_id``/``zone_class``), context
layers, the rows each source rejected, and notes (conversions, encodings,
reprojections) for the report.

Examples
--------
>>> from siteplan.config import load_config
>>> from siteplan.datasets import sample_path
>>> inputs = load_inputs(load_config(sample_path("sample_county.toml")))
>>> len(inputs.candidates) > 0, sorted(inputs.landuse["zone_class"].unique())[:2]
(True, ['basic_farmland', 'ecological_red_line'])
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import geopandas as gpd
import numpy as np
import pandas as pd

from siteplan.errors import InputError
from siteplan.landuse import ZONE_CLASSES, normalise_class, prepare_zones
from siteplan.messages import Msg
from siteplan.schema import suggest
from siteplan.sources.rows import screen_inventory

if TYPE_CHECKING:
    from siteplan.config import LayerSpec, PlanConfig

#: Columns of a zone layer shown as the zone's name (三调: DLMC).
ZONE_NAME_COLUMNS = ("zone_name", "DLMC", "地类名称", "name", "名称", "MC")


@dataclass(frozen=True)
class PlanInputs:
    """What :func:`load_inputs` read.

    Attributes
    ----------
    candidates, targets : GeoDataFrame
        Canonical candidates (merged across sources) and target areas.
    landuse : GeoDataFrame or None
        Every zone layer in one table: ``zone_id`` (prefixed with the file
        name when there are several layers), ``zone_class`` (canonical),
        ``zone_name``, ``source``, geometry in the first layer's CRS.
    context : list of GeoDataFrame
        Map context layers.
    population : GeoDataFrame or None
        Population polygons with a ``population`` count (``[inputs]
        population``), for the traffic model.
    rejected : dict
        File name → rows it rejected (``line, column, reason``), for sources
        read with ``on_bad_rows = "report"``.
    notes : tuple of str
        What was converted or assumed on the way.
    """

    candidates: gpd.GeoDataFrame
    targets: gpd.GeoDataFrame
    landuse: gpd.GeoDataFrame | None
    context: list[gpd.GeoDataFrame] = field(default_factory=list)
    rejected: dict[str, pd.DataFrame] = field(default_factory=dict)
    notes: tuple[str, ...] = ()
    population: gpd.GeoDataFrame | None = None

    @property
    def roads(self) -> gpd.GeoDataFrame | None:
        """The first context layer made only of lines (where proposed smart
        poles go), or None."""
        for layer in self.context:
            if len(layer) and layer.geom_type.isin(["LineString", "MultiLineString"]).all():
                return layer
        return None


def layer_notes(frame: pd.DataFrame, source: object) -> list[str]:
    """What reading one layer converted or left out: its readers' notes
    (CRS, GCJ-02/BD-09, total rows) and a text encoding other than UTF-8."""
    notes = list(frame.attrs.get("notes", []))
    if frame.attrs.get("encoding") not in (None, "utf-8", "utf-8-sig"):
        notes.append(Msg("n.decoded", source=source, encoding=frame.attrs['encoding']))
    return notes


def read_class_map(spec: Mapping[str, str] | Path | None, source: str) -> dict[str, str]:
    """A class map from an inline table or a two-column CSV (local name, class).

    Examples
    --------
    >>> read_class_map({"基本农田保护区": "永久基本农田"}, "c.toml")
    {'基本农田保护区': '永久基本农田'}
    """
    if spec is None:
        return {}
    if isinstance(spec, Mapping):
        table = dict(spec)
        where = source
    else:
        from siteplan.sources.text import read_raw

        raw, _ = read_raw(Path(spec))
        raw = raw.dropna(how="all")
        if raw.shape[1] < 2:
            raise InputError(Msg("inputs.class_map_needs", spec=spec, columns=raw.shape[1]))
        first = raw.iloc[0]
        words = ("类", "class", "名称", "name", "本地", "local", "编码", "code")
        header = normalise_class(first.iloc[1]) is None and any(
            w in str(cell).lower() for cell in first.iloc[:2] for w in words)
        rows = raw.iloc[1:] if header else raw
        table = {str(r.iloc[0]).strip(): str(r.iloc[1]).strip() for _, r in rows.iterrows()
                 if r.iloc[0] is not None and not pd.isna(r.iloc[0])}
        where = str(spec)
    names = [a for c, n in ZONE_CLASSES.items() for a in (c, *n)]
    for local, cls in table.items():
        if normalise_class(cls) is None:
            raise InputError(Msg("zone.class_map_entry", where=where, local=repr(local), cls=repr(cls),
                                 hint=suggest(cls, names), known=', '.join(ZONE_CLASSES)))
    return table


def read_zones(spec: LayerSpec, *, several: bool = False) -> tuple[gpd.GeoDataFrame, list[str]]:
    """One zone layer in canonical form (see :class:`PlanInputs`)."""
    from siteplan.sources.files import read_layer

    source = str(spec.path)
    frame = read_layer(spec.path, **spec.read_kwargs())
    notes = layer_notes(frame, source)
    zones, more = prepare_zones(frame, source=source, class_column=spec.class_column,
                                zone_class=spec.zone_class,
                                class_map=read_class_map(spec.class_map, source))
    name_col = next((c for c in ZONE_NAME_COLUMNS if c in zones.columns), None)
    out = gpd.GeoDataFrame({
        "zone_id": (spec.path.stem + ":" + zones["zone_id"]) if several else zones["zone_id"],
        "zone_class": zones["zone_class"],
        "zone_name": zones[name_col].fillna("").astype(str) if name_col else "",
        "source": spec.path.name,
    }, geometry=zones.geometry.to_numpy(), crs=zones.crs)
    return out, notes + more


def combine_zones(specs: list[LayerSpec]) -> tuple[gpd.GeoDataFrame | None, list[str]]:
    """Every zone layer in one table, in the first layer's CRS (others are
    reprojected, with a note)."""
    if not specs:
        return None, []
    parts, notes = [], []
    for spec in specs:
        zones, more = read_zones(spec, several=len(specs) > 1)
        notes += more
        if parts and zones.crs != parts[0].crs:
            notes.append(Msg("n.reprojected", source=spec.path, a=zones.crs.name, b=parts[0].crs.name))
            zones = zones.to_crs(parts[0].crs)
        parts.append(zones)
    combined = pd.concat(parts, ignore_index=True)
    combined = gpd.GeoDataFrame(combined, geometry="geometry", crs=parts[0].crs)
    dup = combined["zone_id"].duplicated()
    if dup.any():
        combined.loc[dup, "zone_id"] = combined.loc[dup, "zone_id"] + "#" + \
            combined.index[dup].astype(str)
        notes.append(Msg("n.zone_ids", count=int(dup.sum())))
    return combined, notes


def _read_candidates(spec: LayerSpec, assumptions) -> tuple[gpd.GeoDataFrame, list[str]]:
    from siteplan.sources.detect import read_source

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # rejected rows are returned
        out = read_source(spec.path, **spec.read_kwargs(), on_bad_rows=spec.on_bad_rows,
                          columns=spec.columns or None, defaults=spec.defaults or None,
                          assumptions=assumptions)
    return out, layer_notes(out, spec.path)


def gcj02_warnings(layers: list[gpd.GeoDataFrame], specs: list[LayerSpec],
                   context: list[gpd.GeoDataFrame]) -> list[str]:
    """Warnings for candidate lists read as WGS84 (no ``crs`` given) whose
    points sit on the other candidate layers' structures, or their roadside
    kinds on the context's roads, only once moved from GCJ-02 (see
    :func:`siteplan.sources.sanity.looks_gcj02`). An explicit ``crs``
    silences the check; OSM and OpenCelliD are WGS84 by definition."""
    from siteplan.sources.sanity import gcj02_warning, looks_gcj02

    roads = [c for c in context
             if len(c) and c.geom_type.isin(["LineString", "MultiLineString"]).all()]
    notes = []
    for i, (layer, spec) in enumerate(zip(layers, specs, strict=True)):
        if spec.crs is not None or layer.attrs.get("source_type") in ("osm", "opencellid"):
            continue
        others = [x for j, x in enumerate(layers) if j != i]
        found = looks_gcj02(layer, [*others, *roads])
        if found is not None:
            notes.append(gcj02_warning(str(spec.path), found))
    return notes


def _line_numbers(layer: gpd.GeoDataFrame) -> np.ndarray:
    """The line (or feature) number a user sees for each row of a layer."""
    lines = layer.attrs.get("lines")
    if lines is not None and len(lines) == len(layer):
        return np.asarray(lines, dtype=int)
    if "line" in layer.columns:
        return layer["line"].to_numpy(int)
    return np.arange(len(layer)) + int(layer.attrs.get("row_offset", 1))


def screen_points(layer: gpd.GeoDataFrame, spec: LayerSpec, extent, assumptions
                  ) -> tuple[gpd.GeoDataFrame, pd.DataFrame]:
    """A candidate layer without its coordinate outliers (see
    :func:`siteplan.sources.sanity.point_outliers`) and the table of those
    rows (``line, column, reason``); with ``on_bad_rows = "raise"`` an
    outlier is an :class:`InputError` naming the file and lines."""
    from siteplan.sources.rows import BadRows, Lines
    from siteplan.sources.sanity import point_outliers

    found = point_outliers(layer, extent, outlier_km=float(assumptions["inputs.outlier_km"]))
    if not found:
        return layer, BadRows(str(spec.path)).table()
    lines = _line_numbers(layer)
    bad = BadRows(str(spec.path))
    for i, why in found:
        bad.add([int(lines[i])], "geometry", why)
    if spec.on_bad_rows == "raise":
        table = bad.table()
        first = "; ".join(f"line {r.line}: {r.reason}" for r in table.head(3).itertuples())
        raise InputError(Msg("inputs.points_wrong" if len(table) > 1 else "inputs.point_wrong",
                             path=spec.path, count=len(table),
                             rows=first + ("; …" if len(table) > 3 else "")))
    keep = np.ones(len(layer), bool)
    keep[[i for i, _ in found]] = False
    if not keep.any():
        raise InputError(Msg("inputs.no_usable_row", path=spec.path, lines=lines[found[0][0]],
                             reason=found[0][1]))
    out = layer[keep].reset_index(drop=True)
    out.attrs = dict(layer.attrs)
    out.attrs["lines"] = Lines(int(n) for n in lines[keep])
    return out, bad.table()


def _read_targets(spec: LayerSpec, assumptions) -> tuple[gpd.GeoDataFrame, list[str]]:
    from siteplan.schema import validate_targets
    from siteplan.sources.columns import TARGET_HEADERS, canonical_columns, target_ids
    from siteplan.sources.files import read_layer
    from siteplan.sources.sanity import check_target_parts

    source = str(spec.path)
    frame = read_layer(spec.path, **spec.read_kwargs())
    frame = canonical_columns(frame, TARGET_HEADERS, columns=spec.columns,
                              defaults=spec.defaults, source=source)
    frame = target_ids(frame, spec.path.stem)
    targets = validate_targets(frame, source=source)
    check_target_parts(targets, source,
                       stray_part_km=float(assumptions["inputs.stray_part_km"]))
    return targets, layer_notes(frame, source)


def _extent(targets: gpd.GeoDataFrame) -> tuple[float, float, float, float] | None:
    bounds = targets.to_crs(4326).total_bounds if targets.crs is not None else None
    if bounds is None or not np.isfinite(bounds).all():
        return None
    return tuple(float(b) for b in bounds)  # type: ignore[return-value]


def _candidate_layers(cfg: PlanConfig, extent) -> tuple[list[gpd.GeoDataFrame], dict[str, pd.DataFrame],
                                                       list[str]]:
    """Every candidate source read and screened: layers, rejected rows by file, notes."""
    notes: list[str] = []
    layers, rejected = [], {}
    for spec in cfg.candidates:
        layer, more = _read_candidates(spec, cfg.assumptions)
        notes += more
        outliers = None
        if layer.attrs.get("source_type") not in ("osm", "opencellid"):  # typed by people
            layer, outliers = screen_points(layer, spec, extent, cfg.assumptions)
        table = layer.attrs.get("rejected")
        if outliers is not None and len(outliers):
            table = outliers if table is None or not len(table) else \
                pd.concat([table, outliers], ignore_index=True).sort_values("line", kind="stable")
            layer.attrs["rejected"] = table.reset_index(drop=True)
        if table is not None and len(table):
            rejected[str(spec.path)] = table.reset_index(drop=True)
            notes.append(Msg("n.skipped", source=spec.path, count=len(table), line=table['line'].iloc[0],
                             reason=table['reason'].iloc[0]))
        own = layer["own_cost_cny"].notna().sum() if "own_cost_cny" in layer.columns else 0
        if own:
            notes.append(Msg("n.own_cost", source=spec.path, count=int(own), total=len(layer)))
        layers.append(layer)
    return layers, rejected, notes


def load_inputs(cfg: PlanConfig, *, allow_large: bool = False) -> PlanInputs:
    """Read every input of a loaded config (see the module notes).

    Files are size-checked before they are read (``inputs.max_text_mb``,
    ``inputs.max_rows``; :mod:`siteplan.sources.limits`); ``allow_large``
    (``--allow-large``) lifts the caps.

    Targets are read first and checked for stray parts; every candidate
    source is then screened for coordinate outliers (rejected rows, or an
    error with ``on_bad_rows = "raise"``) and checked for GCJ-02 read as
    WGS84 (a warning in the notes).

    Raises
    ------
    InputError, ConfigError
        Any unreadable file, row, column or value, naming where.
    """
    from siteplan.sources.limits import limits

    with limits(max_text_mb=float(cfg.assumptions["inputs.max_text_mb"]),
                max_rows=float(cfg.assumptions["inputs.max_rows"]), allow_large=allow_large):
        return _load(cfg)


def _load(cfg: PlanConfig) -> PlanInputs:
    from siteplan.sources.files import read_layer
    from siteplan.sources.merge import concat_candidates, merge_candidates

    targets, notes = _read_targets(cfg.targets, cfg.assumptions)
    context = [read_layer(s.path, **s.read_kwargs()) for s in cfg.context]
    for spec, layer in zip(cfg.context, context, strict=True):
        notes += layer_notes(layer, spec.path)
    layers, rejected, more = _candidate_layers(cfg, _extent(targets))
    notes += more
    notes += gcj02_warnings(layers, cfg.candidates, context)
    notes += [f"{spec.path}: reprojected from {x.crs.name} to {layers[0].crs.name} (the first "
              "candidate source's CRS)." for x, spec in zip(layers, cfg.candidates, strict=True)
              if x.crs != layers[0].crs]
    if all(x.attrs.get("source_type") == "inventory" for x in layers):
        candidates = concat_candidates(layers, [s.path.name for s in cfg.candidates])
    else:  # OSM, OpenCelliD, open lists: merge duplicates across sources
        candidates = merge_candidates([x.to_crs(layers[0].crs) for x in layers],
                                      assumptions=cfg.assumptions)
    landuse, more = combine_zones(cfg.landuse)
    notes += more
    population = (None if cfg.population is None else
                  read_layer(cfg.population.path, **cfg.population.read_kwargs()))
    if population is not None:
        notes += layer_notes(population, cfg.population.path)
    return PlanInputs(candidates=candidates, targets=targets, landuse=landuse, context=context,
                      rejected=rejected, notes=tuple(dict.fromkeys(notes)),
                      population=population)


__all__ = ["PlanInputs", "combine_zones", "gcj02_warnings", "layer_notes", "load_inputs",
           "read_class_map",
           "read_zones", "screen_inventory", "screen_points"]
