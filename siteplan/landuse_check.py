"""The bureau's check of any site layer against land-use zones (CLI edge).

- Sites: any point/polygon layer or lon/lat table; of a plan's GeoPackage,
  the last ``sites_<year>`` layer unless ``layer`` is given. Ids from
  ``site_id`` (or 站址编码/编号 …, or ``id_column``); kinds from ``kind`` (or
  站址类型/类型). A site of a kind no name matches, and every site when
  there is no kind column, is judged as a new ground tower (the strictest
  group) and the output says so. A site without geometry is an error.
- Zones: one or more layers (a 三调 parcel layer as it is, control-line
  layers each with one class, a class map for local names), reprojected to
  the sites' CRS with a note.

Examples
--------
>>> plan_sites_layer(["candidates", "sites_2021", "sites_2022", "uncovered_2022"])
'sites_2022'
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio

from siteplan.defaults import Assumptions
from siteplan.deliver.sheets import localise
from siteplan.errors import InputError, where
from siteplan.io.atomic import check_writable_folder, output_folder
from siteplan.io.tables import write_csv
from siteplan.landuse import (
    CONFLICT_COLUMNS,
    ZONE_CLASSES,
    check_rules,
    conflicts,
    local_metric_crs,
    summary,
)
from siteplan.maps import check_map
from siteplan.messages import Msg

#: At most this many zones are drawn besides those in conflict (a county's
#: 三调 layer has 10^5 parcels; the map would not open).
MAP_ZONES_MAX = 5000
OUTPUT_COLUMNS = [*CONFLICT_COLUMNS, "zone_name", "zone_source"]
_SITES_LAYER = re.compile(r"^sites_(\d{4})$")


def plan_sites_layer(layers: Sequence[str]) -> str | None:
    """The last milestone's ``sites_<year>`` layer of a plan GeoPackage, or None."""
    years = sorted((int(m.group(1)), name) for name in layers
                   if (m := _SITES_LAYER.match(name)))
    return years[-1][1] if years else None


def _sites_layer(path: Path, layer: str | None, notes: list[str]) -> str | None:
    """The layer of a GeoPackage to check: ``layer``, else a plan's last
    ``sites_<year>``, else the only layer (several others: an error)."""
    if layer is not None or path.suffix.lower() != ".gpkg":
        return layer
    try:
        names = [str(n) for n, _ in pyogrio.list_layers(path)]
    except Exception as exc:  # noqa: BLE001 - pyogrio raises several kinds
        raise InputError(Msg("check.gpkg", path=path, detail=exc)) from None
    chosen = plan_sites_layer(names)
    if chosen is not None:
        notes.append(Msg("n.checked_layer", path=path, layer=repr(chosen)))
        return chosen
    if len(names) > 1:
        raise InputError(Msg("check.layers", path=path, count=len(names), names=', '.join(names)))
    return None


def _check_located(sites: gpd.GeoDataFrame, source: str, id_column: str) -> None:
    """Refuse sites without a CRS or a location (naming the row)."""
    if len(sites) == 0:
        raise InputError(Msg("check.no_sites", source=source))
    if sites.crs is None:
        raise InputError(Msg("check.no_crs", source=source))
    missing = (sites.geometry.isna() | sites.geometry.is_empty).to_numpy()
    if not missing.any():
        return
    i = int(np.flatnonzero(missing)[0])
    lines = sites.attrs.get("lines")
    row = lines[i] if lines and len(lines) == len(sites) else \
        i + int(sites.attrs.get("row_offset", 1))
    ident = f" (site {sites[id_column].iloc[i]!r})" if id_column in sites.columns else ""
    raise InputError(Msg("check.no_location", where=f"{where(source, row=row, column='geometry')}{ident}",
                         ident='', count=int(missing.sum())))


def _site_ids(sites: gpd.GeoDataFrame, path: Path, source: str,
              id_column: str) -> gpd.GeoDataFrame:
    """Canonical ``site_id`` (from ``id_column``, 站址编码/编号 …, a list's 序号,
    or ``<file>:<line>``) and ``kind`` columns."""
    from siteplan.sources.columns import CANDIDATE_HEADERS, candidate_ids, canonical_columns
    from siteplan.sources.openlist import ROW_NUMBER_HEADERS
    from siteplan.sources.text import norm_header

    columns = [c for c in sites.columns if c != "geometry"]
    if id_column != "site_id":
        if id_column not in sites.columns:
            raise InputError(Msg("check.id_column", source=source, column=repr(id_column), columns=columns))
        sites = sites.drop(columns=[c for c in ("site_id",) if c in sites.columns])
        sites = sites.rename(columns={id_column: "site_id"})
    numbered = next((c for c in sites.columns if norm_header(c) in ROW_NUMBER_HEADERS), None)
    sites = canonical_columns(sites, {"site_id": CANDIDATE_HEADERS["site_id"],
                                      "kind": CANDIDATE_HEADERS["kind"]}, source=source)
    from_numbers = numbered is not None and numbered not in sites.columns \
        and "site_id" in sites.columns \
        and not any(c in sites.columns for c in CANDIDATE_HEADERS["site_id"][:-1])
    if from_numbers:  # ids from a list's own row numbers (序号), as the open-list reader does
        sites["site_id"] = f"{path.stem}:" + sites["site_id"].astype(str)
    sites = candidate_ids(sites, path.stem)  # a point table without ids: <file>:<line>
    if "site_id" not in sites.columns:
        raise InputError(Msg("check.id_column", source=source, column='(site_id, 站址编码, 编号 …)',
                             columns=columns))
    sites["site_id"] = sites["site_id"].astype(str)
    return sites


def read_sites(path: Path, *, layer: str | None = None, id_column: str = "site_id",
               crs: str | None = None, encoding: str | None = None
               ) -> tuple[gpd.GeoDataFrame, list[str]]:
    """Sites to check with canonical ``site_id`` (and ``kind`` when known),
    and notes (the layer chosen, conversions).

    Raises
    ------
    InputError
        The file is missing or unreadable, has no sites, no CRS, a site
        without a location (its row named), or no id column.
    """
    from siteplan.sources.files import read_layer

    notes: list[str] = []
    if not path.exists():
        raise InputError(Msg("file.not_found", path=path))
    layer = _sites_layer(path, layer, notes)
    sites = read_layer(path, layer=layer, crs=crs, encoding=encoding)
    notes += sites.attrs.get("notes", [])
    source = f"{path}" + (f" layer {layer!r}" if layer else "")
    _check_located(sites, source, id_column)
    return _site_ids(sites, path, source, id_column), notes


def split_zone_arg(text: str | Path) -> tuple[Path, str | None]:
    """A ``--zones`` value: ``PATH`` or ``PATH:CLASS`` (one class for the
    whole layer, e.g. ``生态保护红线.shp:生态保护红线``). A path that exists as
    given is taken whole (a colon in a file name stays part of it).

    Examples
    --------
    >>> split_zone_arg("红线.shp:生态保护红线")
    (PosixPath('红线.shp'), '生态保护红线')
    >>> split_zone_arg("dltb.shp")
    (PosixPath('dltb.shp'), None)
    """
    text = str(text)
    if Path(text).exists() or ":" not in text:
        return Path(text), None
    path, _, zone_class = text.rpartition(":")
    if not path or not zone_class.strip() or "/" in zone_class or "\\" in zone_class:
        return Path(text), None
    return Path(path), zone_class.strip()


def zone_layer_specs(values: Sequence[str], *, crs: str | None = None,
                     encoding: str | None = None) -> list[Any]:
    """``--zones FILE[:CLASS]`` values as layer specs, each with its own class
    (none: the layer's class column, e.g. a raw 三调 地类图斑's DLBM/DLMC).

    Examples
    --------
    >>> [(s.path.name, s.zone_class) for s in zone_layer_specs(["dltb.shp", "红线.shp:生态保护红线"])]
    [('dltb.shp', None), ('红线.shp', '生态保护红线')]
    """
    from siteplan.config import LayerSpec

    specs = []
    for value in values:
        path, zone_class = split_zone_arg(value)
        specs.append(LayerSpec(path=path, zone_class=zone_class, crs=crs, encoding=encoding))
    return specs


def _zone_specs(paths: Sequence[Any], specs: list[Any], config: Path | None,
                options: Mapping[str, Any], notes: list[str]) -> list[Any]:
    """The zone layers to check against: those given (plain paths take the
    command-line ``options``; ``LayerSpec`` items carry their own), else the
    config's ``[inputs.landuse]``."""
    from siteplan.config import LayerSpec

    plain = [p for p in paths if not isinstance(p, LayerSpec)]
    given = {k: v for k, v in options.items() if v is not None}
    if len(plain) > 1 and (options.get("zone_class") or options.get("class_column")):
        raise InputError(Msg("landuse_check.class_class_column"))
    if paths and not plain and {"zone_class", "class_column", "class_map"} & set(given):
        raise InputError(Msg("landuse_check.class_class_column_2"))
    if paths:
        if specs:
            notes.append(Msg("n.zones_given", count=len(specs), config=config))
        return [p if isinstance(p, LayerSpec) else LayerSpec(path=Path(p), **options)
                for p in paths]
    if not specs:
        raise InputError(Msg("landuse_check.no_zones_zones"))
    if given:
        raise InputError(Msg("check.options"))
    return specs


def _measure(sites: gpd.GeoDataFrame, zones: gpd.GeoDataFrame, assumptions: Assumptions,
             notes: list[str]) -> pd.DataFrame:
    """The conflict table, every overlap, buffer and distance measured in the
    data's local metric CRS (the zones' own UTM/Gauss-Krüger zone when they
    are in one, so 10^5 parcels do not move; never Web Mercator)."""
    metric = local_metric_crs(zones, sites)
    if zones.crs != sites.crs:
        notes.append(Msg("n.zones_reprojected", a=zones.crs.name, b=sites.crs.name, c=metric.name))
    if "kind" not in sites.columns:
        notes.append(Msg("n.no_kind"))
    zones_m = zones if zones.crs == metric else zones.to_crs(metric)
    table = conflicts(sites if sites.crs == metric else sites.to_crs(metric), zones_m,
                      assumptions)
    unknown = table.attrs.get("unknown_kinds", [])
    if unknown:
        shown = ", ".join(repr(k) for k in unknown[:10]) + (" …" if len(unknown) > 10 else "")
        notes.append(Msg("n.unknown_kinds", kinds=shown))
    by_id = zones.set_index("zone_id")
    table["zone_name"] = table["zone_id"].map(by_id["zone_name"])
    table["zone_source"] = table["zone_id"].map(by_id["source"])
    return table


def _write_outputs(stage: Path, table: pd.DataFrame, sites: gpd.GeoDataFrame,
                   zones: gpd.GeoDataFrame, result: Mapping[str, Any],
                   assumptions: Assumptions, offline: bool, lang: str = "en") -> None:
    """``conflicts.csv``, ``conflicts.gpkg``, ``summary.json``, ``map.html``."""
    write_csv(localise(table[OUTPUT_COLUMNS], lang), stage / "conflicts.csv")
    geo = gpd.GeoDataFrame(table[OUTPUT_COLUMNS].reset_index(drop=True),
                           geometry=sites.geometry.to_numpy()[table["site_index"].to_numpy()]
                           if len(table) else [], crs=sites.crs)
    geo.to_file(stage / "conflicts.gpkg", layer="conflicts", engine="pyogrio")
    involved = zones[zones["zone_id"].isin(set(table["zone_id"]))].to_crs(sites.crs)
    if len(involved):
        involved.to_file(stage / "conflicts.gpkg", layer="zones", engine="pyogrio")
    (stage / "summary.json").write_text(json.dumps(result, indent=2, ensure_ascii=False),
                                        encoding="utf-8")
    shown = _map_zones(geo, zones, assumptions).to_crs(4326)
    shown["zone_id"] = [f"{z} ({n})" if isinstance(n, str) and n else z
                        for z, n in zip(shown["zone_id"], shown["zone_name"], strict=True)]
    check_map(geo, shown, offline=offline, assumptions=check_rules(assumptions), lang=lang).save(
        stage / "map.html")  # data as text, no template engine; popups: class and rules


def _input_paths(sites_path: Path, specs: Sequence[Any], config: Path | None,
                 class_map: object) -> list[Path]:
    """Every file the check reads (an output folder may not be, hold or lie
    inside any of them)."""
    paths = [Path(sites_path), *(s.path for s in specs)]
    paths += [s.class_map for s in specs if isinstance(s.class_map, Path)]
    paths += [p for p in (config, class_map) if isinstance(p, Path)]
    return paths


def check_landuse(sites_path: Path, zones_paths: Path | Sequence[Any] | None, out: Path, *,
                  class_column: str | None = None, zone_class: str | None = None,
                  class_map: Mapping[str, str] | Path | None = None,
                  id_column: str = "site_id", layer: str | None = None,
                  sites_crs: str | None = None, zones_crs: str | None = None,
                  encoding: str | None = None, config: Path | None = None,
                  offline: bool = False, force: bool = False,
                  say: Callable[[str], None] | None = None, lang: str = "en") -> dict[str, Any]:
    """Write ``conflicts.csv``, ``conflicts.gpkg``, ``summary.json`` and
    ``map.html`` to ``out``; return the summary (``forbidden_conflicts`` …,
    ``notes``).

    ``zones_paths`` holds paths (read with ``class_column``, ``zone_class``,
    ``class_map``, ``zones_crs`` and ``encoding``) and/or
    :class:`~siteplan.config.LayerSpec` items carrying their own class (the
    CLI's ``--zones FILE:CLASS``); it may be empty when ``config`` names
    ``[inputs.landuse]`` layers. Overlaps, buffers and distances are measured
    in the data's local metric CRS whatever CRS the layers are in.

    Raises
    ------
    InputError, ConfigError
        Bad sites, zones, classes or rules (named); no zones.
    OutputError
        ``out`` is, holds or lies inside an input, or is a siteplan folder of
        another kind (checked before any reading).
    """
    from siteplan.config import load_config
    from siteplan.sources.inputs import combine_zones

    say = say or (lambda _t: None)
    notes: list[str] = []
    assumptions, specs = Assumptions(), []
    if config is not None:
        cfg = load_config(config)
        assumptions, specs = cfg.assumptions, list(cfg.landuse)
    check_rules(assumptions)
    paths = [zones_paths] if isinstance(zones_paths, str | Path) else list(zones_paths or [])
    options = {"class_column": class_column, "zone_class": zone_class, "class_map": class_map,
               "crs": zones_crs, "encoding": encoding}
    specs = _zone_specs(paths, specs, config, options, notes)
    check_writable_folder(Path(out).absolute(), kind="check-landuse", force=force,
                          inputs=_input_paths(sites_path, specs, config, class_map))
    sites, more = read_sites(Path(sites_path), layer=layer, id_column=id_column, crs=sites_crs)
    notes += more
    zones, more = combine_zones(specs)
    notes += more
    say(Msg("p.checking", sites=format(len(sites), ','), zones=format(len(zones), ',')))
    table = _measure(sites, zones, assumptions, notes)
    result = summary(table)
    result.update(sites=int(len(sites)), zones=int(len(zones)), notes=notes,
                  unknown_kinds=table.attrs.get("unknown_kinds", []),
                  rules={k: v for k, v in assumptions.items() if k.startswith("landuse.")})
    for note in notes:
        say(note)
    with output_folder(out, kind="check-landuse", force=force,
                       inputs=_input_paths(sites_path, specs, config, class_map)) as stage:
        _write_outputs(stage, table, sites, zones, result, assumptions, offline, lang)
    return result


def _map_zones(geo: gpd.GeoDataFrame, zones: gpd.GeoDataFrame,
               assumptions: Mapping[str, Any]) -> gpd.GeoDataFrame:
    """The zones the map draws: every zone in conflict, then zones whose rules
    restrict something, up to :data:`MAP_ZONES_MAX` (a county's 三调 layer
    has 10^5 parcels; the page would not open)."""
    involved = zones["zone_id"].isin(set(geo["zone_id"]))
    rules = check_rules(assumptions)
    strict = {c for c in ZONE_CLASSES
              if any(rules[f"landuse.rule.{c}.{g}"] != "allowed"
                     for g in ("new_tower", "new_pole", "existing"))}
    others = zones[~involved & zones["zone_class"].isin(strict)]
    shown = pd.concat([zones[involved], others.head(max(0, MAP_ZONES_MAX - int(involved.sum())))])
    shown = gpd.GeoDataFrame(shown, geometry=zones.geometry.name, crs=zones.crs)
    shown["rules"] = shown["zone_class"].map(
        lambda c: "; ".join(f"{g.replace('_', ' ')}: {rules[f'landuse.rule.{c}.{g}']}"
                            for g in ("new_tower", "new_pole", "existing")))
    return shown
