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
            raise InputError(f"{spec}: a class map needs two columns (local name, class); "
                             f"found {raw.shape[1]}.")
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
            raise InputError(f"{where}: class map entry {local!r} → {cls!r}: unknown class."
                             f"{suggest(cls, names)} Known classes: {', '.join(ZONE_CLASSES)}.")
    return table


def read_zones(spec: LayerSpec, *, several: bool = False) -> tuple[gpd.GeoDataFrame, list[str]]:
    """One zone layer in canonical form (see :class:`PlanInputs`)."""
    from siteplan.sources.files import read_layer

    source = str(spec.path)
    frame = read_layer(spec.path, **spec.read_kwargs())
    notes = list(frame.attrs.get("notes", []))
    if frame.attrs.get("encoding") not in (None, "utf-8", "utf-8-sig"):
        notes.append(f"{source}: text decoded as {frame.attrs['encoding']}.")
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
            notes.append(f"{spec.path}: reprojected from {zones.crs.name} to "
                         f"{parts[0].crs.name}.")
            zones = zones.to_crs(parts[0].crs)
        parts.append(zones)
    combined = pd.concat(parts, ignore_index=True)
    combined = gpd.GeoDataFrame(combined, geometry="geometry", crs=parts[0].crs)
    dup = combined["zone_id"].duplicated()
    if dup.any():
        combined.loc[dup, "zone_id"] = combined.loc[dup, "zone_id"] + "#" + \
            combined.index[dup].astype(str)
        notes.append(f"{int(dup.sum())} repeated zone ids made unique with '#<row>'.")
    return combined, notes


def _read_candidates(spec: LayerSpec, assumptions) -> tuple[gpd.GeoDataFrame, list[str]]:
    from siteplan.sources.detect import read_source

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # rejected rows are returned
        out = read_source(spec.path, **spec.read_kwargs(), on_bad_rows=spec.on_bad_rows,
                          columns=spec.columns or None, defaults=spec.defaults or None,
                          assumptions=assumptions)
    notes = list(out.attrs.get("notes", []))
    if out.attrs.get("encoding") not in (None, "utf-8", "utf-8-sig"):
        notes.append(f"{spec.path}: text decoded as {out.attrs['encoding']}.")
    return out, notes


def shift_warnings(layers: list[gpd.GeoDataFrame], specs: list[LayerSpec], *,
                   match_m: float = 15.0) -> list[str]:
    """Warnings for WGS84 layers whose points sit on another layer's
    structures as they would appear in GCJ-02 (an Amap/奥维 list read without
    ``crs = "gcj02"``, ~500 m off).

    A WGS84 layer is suspect when at least 5 of its points, and half of those
    within 1 km of the other layer, are within ``match_m`` of a point of a
    layer read with ``crs = "gcj02"``/``"bd09"`` *shifted back* to GCJ-02,
    and farther from its true (WGS84) position.
    """
    from scipy.spatial import cKDTree

    from siteplan.sources.coords import out_of_china, shifted_system, wgs84_to_gcj02

    shifted = [(layer, spec) for layer, spec in zip(layers, specs, strict=True)
               if shifted_system(spec.crs) and len(layer)]
    plain = [(layer, spec) for layer, spec in zip(layers, specs, strict=True)
             if not shifted_system(spec.crs) and len(layer)]
    notes = []
    for layer, spec in plain:
        pts = layer.to_crs(4326)
        x, y = pts.geometry.x.to_numpy(), pts.geometry.y.to_numpy()
        inside = ~out_of_china(x, y)
        if inside.sum() < 5:
            continue
        for other, other_spec in shifted:
            ref = other.to_crs(4326)
            tx, ty = ref.geometry.x.to_numpy(), ref.geometry.y.to_numpy()
            gx, gy = wgs84_to_gcj02(tx, ty)
            scale = np.array([111_320.0 * np.cos(np.radians(np.nanmean(y))), 110_540.0])
            here = np.column_stack([x[inside], y[inside]]) * scale
            true_d, _ = cKDTree(np.column_stack([tx, ty]) * scale).query(here)
            gcj_d, _ = cKDTree(np.column_stack([gx, gy]) * scale).query(here)
            near = np.minimum(true_d, gcj_d) < 1000.0
            on_gcj = (gcj_d < match_m) & (true_d > 2 * match_m)
            if on_gcj.sum() >= 5 and on_gcj.sum() >= 0.5 * near.sum():
                notes.append(
                    f"warning: {spec.path.name}: {int(on_gcj.sum())} of its points sit on "
                    f"{other_spec.path.name}'s structures as they appear in "
                    f"{shifted_system(other_spec.crs).upper()}, ~500 m from their WGS84 "
                    "positions: is it an Amap/奥维 export? Give it crs = \"gcj02\".")
    return notes


def _read_targets(spec: LayerSpec) -> tuple[gpd.GeoDataFrame, list[str]]:
    from siteplan.schema import validate_targets
    from siteplan.sources.columns import TARGET_HEADERS, canonical_columns, target_ids
    from siteplan.sources.files import read_layer

    source = str(spec.path)
    frame = read_layer(spec.path, **spec.read_kwargs())
    frame = canonical_columns(frame, TARGET_HEADERS, columns=spec.columns,
                              defaults=spec.defaults, source=source)
    frame = target_ids(frame, spec.path.stem)
    return validate_targets(frame, source=source), list(frame.attrs.get("notes", []))


def load_inputs(cfg: PlanConfig) -> PlanInputs:
    """Read every input of a loaded config (see the module notes).

    Raises
    ------
    InputError, ConfigError
        Any unreadable file, row, column or value, naming where.
    """
    from siteplan.sources.files import read_layer
    from siteplan.sources.merge import concat_candidates, merge_candidates

    notes: list[str] = []
    layers, rejected = [], {}
    for spec in cfg.candidates:
        layer, more = _read_candidates(spec, cfg.assumptions)
        notes += more
        table = layer.attrs.get("rejected")
        if table is not None and len(table):
            rejected[str(spec.path)] = table
            notes.append(f"{spec.path}: {len(table)} unusable rows skipped (first: line "
                         f"{table['line'].iloc[0]}, {table['reason'].iloc[0]}).")
        layers.append(layer)
    notes += shift_warnings(layers, cfg.candidates)
    if all(x.attrs.get("source_type") == "inventory" for x in layers):
        candidates = concat_candidates(layers, [s.path.name for s in cfg.candidates])
    else:  # OSM, OpenCelliD, open lists: merge duplicates across sources
        candidates = merge_candidates([x.to_crs(layers[0].crs) for x in layers],
                                      assumptions=cfg.assumptions)
    targets, more = _read_targets(cfg.targets)
    notes += more
    landuse, more = combine_zones(cfg.landuse)
    notes += more
    context = [read_layer(s.path, **s.read_kwargs()) for s in cfg.context]
    population = (None if cfg.population is None else
                  read_layer(cfg.population.path, **cfg.population.read_kwargs()))
    return PlanInputs(candidates=candidates, targets=targets, landuse=landuse, context=context,
                      rejected=rejected, notes=tuple(dict.fromkeys(notes)),
                      population=population)


__all__ = ["PlanInputs", "combine_zones", "load_inputs", "read_class_map", "read_zones",
           "screen_inventory"]
