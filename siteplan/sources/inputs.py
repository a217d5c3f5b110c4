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

from siteplan.errors import ConfigError, InputError
from siteplan.landuse import ZONE_CLASSES, normalise_class, prepare_zones
from siteplan.schema import normalise_kind, suggest
from siteplan.sources.rows import BadRows

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
    if frame.attrs.get("encoding"):
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


def screen_inventory(frame: gpd.GeoDataFrame, source: str) -> tuple[gpd.GeoDataFrame,
                                                                     pd.DataFrame]:
    """Drop the rows of a GIS inventory that cannot be candidates (no
    geometry, no or repeated ``site_id``, unknown ``kind``, height not a
    positive number), listing them like a reader's rejected rows."""
    bad = BadRows(source)
    lines = frame.attrs.get("lines") or list(range(int(frame.attrs.get("row_offset", 1)),
                                                   int(frame.attrs.get("row_offset", 1))
                                                   + len(frame)))
    lines = np.asarray(lines)
    ok = np.ones(len(frame), dtype=bool)
    geometry = frame.geometry
    missing = (geometry.isna() | geometry.is_empty).to_numpy()
    bad.add(lines[missing], "geometry", "no geometry")
    ok &= ~missing
    if "site_id" in frame.columns:
        ids = frame["site_id"].astype("string").str.strip()
        empty = (ids.isna() | (ids == "")).to_numpy() & ok
        bad.add(lines[empty], "site_id", "site_id is empty")
        ok &= ~empty
        dup = ids.where(ok).duplicated(keep="first").to_numpy() & ok
        bad.add(lines[dup], "site_id", "repeated site_id")
        ok &= ~dup
    if "kind" in frame.columns:
        unknown = frame["kind"].map(lambda k: normalise_kind(k) is None).to_numpy() & ok
        for i in np.flatnonzero(unknown):
            bad.add([lines[i]], "kind", f"unknown kind {frame['kind'].iloc[i]!r}")
        ok &= ~unknown
    if "height_m" in frame.columns:
        height = pd.to_numeric(frame["height_m"], errors="coerce")
        wrong = ((height.isna() & frame["height_m"].notna()) | (height <= 0)).to_numpy() & ok
        bad.add(lines[wrong], "height_m", "height_m is not a positive number")
        ok &= ~wrong
    out = frame[ok].reset_index(drop=True)
    out.attrs = dict(frame.attrs)
    if "lines" in frame.attrs:
        out.attrs["lines"] = [int(n) for n in lines[ok]]
    return out, bad.table()


def _read_candidates(spec: LayerSpec, assumptions) -> tuple[gpd.GeoDataFrame, list[str]]:
    from siteplan.schema import validate_candidates
    from siteplan.sources.columns import CANDIDATE_HEADERS, canonical_columns
    from siteplan.sources.detect import read_source, source_type
    from siteplan.sources.files import read_layer

    kind = source_type(spec.path)
    source = str(spec.path)
    if kind != "inventory" and (spec.columns or spec.defaults):
        raise ConfigError(f"{source}: columns/defaults apply to GIS inventories; this file is "
                          f"read as {kind.replace('_', ' ')} (its own headers). Remove them.")
    if kind == "inventory":
        frame = read_layer(spec.path, **spec.read_kwargs())
        frame = canonical_columns(frame, CANDIDATE_HEADERS, columns=spec.columns,
                                  defaults=spec.defaults, source=source)
        rejected = pd.DataFrame(columns=["line", "column", "reason"])
        if spec.on_bad_rows == "report":
            frame, rejected = screen_inventory(frame, source)
            if len(frame) == 0:
                raise InputError(f"{source}: no usable row ({len(rejected)} rejected).")
        out = validate_candidates(frame, source=source)
        out["source"] = spec.path.name
        out.attrs["rejected"] = rejected
        out.attrs["source_type"] = kind
    else:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)  # rejected rows are returned
            out = read_source(spec.path, **spec.read_kwargs(), on_bad_rows=spec.on_bad_rows,
                              assumptions=assumptions)
    notes = list(out.attrs.get("notes", []))
    if out.attrs.get("encoding") not in (None, "utf-8", "utf-8-sig"):
        notes.append(f"{source}: text decoded as {out.attrs['encoding']}.")
    return out, notes


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
    if all(x.attrs.get("source_type") == "inventory" for x in layers):
        candidates = concat_candidates(layers, [str(s.path) for s in cfg.candidates])
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
