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
from siteplan.io.atomic import output_folder
from siteplan.io.tables import write_csv
from siteplan.landuse import (
    CONFLICT_COLUMNS,
    ZONE_CLASSES,
    check_rules,
    conflicts,
    summary,
)
from siteplan.maps import check_map

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


def read_sites(path: Path, *, layer: str | None = None, id_column: str = "site_id",
               crs: str | None = None, encoding: str | None = None
               ) -> tuple[gpd.GeoDataFrame, list[str]]:
    """Sites to check with canonical ``site_id`` (and ``kind`` when known)."""
    from siteplan.sources.columns import CANDIDATE_HEADERS, candidate_ids, canonical_columns
    from siteplan.sources.files import read_layer
    from siteplan.sources.openlist import ROW_NUMBER_HEADERS
    from siteplan.sources.text import norm_header

    notes: list[str] = []
    if not path.exists():
        raise InputError(f"{path}: file not found.")
    if layer is None and path.suffix.lower() == ".gpkg":
        try:
            names = [str(n) for n, _ in pyogrio.list_layers(path)]
        except Exception as exc:  # noqa: BLE001 - pyogrio raises several kinds
            raise InputError(f"{path}: cannot open as a GeoPackage ({exc}).") from None
        chosen = plan_sites_layer(names)
        if chosen is not None:
            layer = chosen
            notes.append(f"{path}: checked layer {chosen!r} (the plan's last milestone); "
                         "pass --layer to check another.")
        elif len(names) > 1:
            raise InputError(f"{path}: {len(names)} layers ({', '.join(names)}) and none is a "
                             "plan's sites_<year>; pass --layer NAME.")
    sites = read_layer(path, layer=layer, crs=crs, encoding=encoding)
    notes += sites.attrs.get("notes", [])
    source = f"{path}" + (f" layer {layer!r}" if layer else "")
    if len(sites) == 0:
        raise InputError(f"{source}: no sites in the layer.")
    if sites.crs is None:
        raise InputError(f"{source}: the sites have no CRS. Set one in the file, or pass "
                         "--sites-crs EPSG:4326 (or gcj02 / bd09).")
    missing = (sites.geometry.isna() | sites.geometry.is_empty).to_numpy()
    if missing.any():
        i = int(np.flatnonzero(missing)[0])
        lines = sites.attrs.get("lines")
        row = lines[i] if lines and len(lines) == len(sites) else \
            i + int(sites.attrs.get("row_offset", 1))
        ident = f" (site {sites[id_column].iloc[i]!r})" if id_column in sites.columns else ""
        raise InputError(f"{where(source, row=row, column='geometry')}{ident}: the site has no "
                         f"location ({int(missing.sum())} sites in all). A site without a "
                         "location cannot be checked: give it coordinates or remove the row.")
    if id_column != "site_id":
        if id_column not in sites.columns:
            raise InputError(f"{source}: no id column {id_column!r}; columns are "
                             f"{[c for c in sites.columns if c != 'geometry']}. Pass "
                             "--id-column.")
        sites = sites.drop(columns=[c for c in ("site_id",) if c in sites.columns])
        sites = sites.rename(columns={id_column: "site_id"})
    numbered = next((c for c in sites.columns if norm_header(c) in ROW_NUMBER_HEADERS), None)
    sites = canonical_columns(sites, {"site_id": CANDIDATE_HEADERS["site_id"],
                                      "kind": CANDIDATE_HEADERS["kind"]}, source=source)
    if numbered is not None and numbered not in sites.columns and "site_id" in sites.columns \
            and not any(c in sites.columns for c in CANDIDATE_HEADERS["site_id"][:-1]):
        # ids from a list's own row numbers (序号), as the open-list reader makes them
        sites["site_id"] = f"{path.stem}:" + sites["site_id"].astype(str)
    sites = candidate_ids(sites, path.stem)  # a point table without ids: <file>:<line>
    if "site_id" not in sites.columns:
        raise InputError(f"{source}: no id column (site_id, 站址编码, 编号 …); columns are "
                         f"{[c for c in sites.columns if c != 'geometry']}. Pass --id-column.")
    sites["site_id"] = sites["site_id"].astype(str)
    return sites, notes


def check_landuse(sites_path: Path, zones_paths: Path | Sequence[Path] | None, out: Path, *,
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

    ``zones_paths`` may be empty when ``config`` names ``[inputs.landuse]``
    layers; ``class_column``, ``zone_class``, ``class_map``, ``zones_crs``
    and ``encoding`` apply to zone files given here.
    """
    from siteplan.config import LayerSpec, load_config
    from siteplan.sources.inputs import combine_zones

    say = say or (lambda _t: None)
    pre_notes: list[str] = []
    assumptions = Assumptions()
    specs: list[LayerSpec] = []
    if config is not None:
        cfg = load_config(config)
        assumptions = cfg.assumptions
        specs = list(cfg.landuse)
    check_rules(assumptions)
    paths = [zones_paths] if isinstance(zones_paths, str | Path) else list(zones_paths or [])
    if paths:
        if len(paths) > 1 and (zone_class or class_column):
            raise InputError("--class and --class-column apply to one zone file; with several, "
                             "list the layers in a config's [inputs.landuse] (each with its own "
                             "class) and pass --config.")
        if specs:
            pre_notes.append(f"ZONES given: the {len(specs)} [inputs.landuse] layer(s) of "
                             f"{config} are not used (its assumptions are).")
        specs = [LayerSpec(path=Path(p), class_column=class_column, zone_class=zone_class,
                           class_map=class_map, crs=zones_crs, encoding=encoding)
                 for p in paths]
    elif not specs:
        raise InputError("no zones: give a ZONES file, or --config with [inputs.landuse].")
    elif zone_class or class_column or class_map or zones_crs or encoding:
        raise InputError("--class, --class-column, --class-map, --zones-crs and --encoding apply "
                         "to ZONES given on the command line; the config's [inputs.landuse] "
                         "layers carry their own (class, class_column, class_map, crs, "
                         "encoding). Give ZONES, or set them in the config.")
    sites, notes = read_sites(Path(sites_path), layer=layer, id_column=id_column,
                              crs=sites_crs)
    notes = pre_notes + notes
    zones, more = combine_zones(specs)
    notes += more
    # measure in the zones' own projected CRS when they have one (a 三调 layer in its
    # Gauss-Kruger zone): only the sites move, not 10^5 parcels
    if zones.crs.is_projected:
        metric = zones.crs
    elif sites.crs.is_projected:
        metric = sites.crs
    else:
        metric = sites.to_crs(4326).estimate_utm_crs()
    if zones.crs != sites.crs:
        notes.append(f"zones reprojected from {zones.crs.name} to {sites.crs.name} (the sites' "
                     f"CRS) for the outputs; overlaps and distances measured in {metric.name}.")
    if "kind" not in sites.columns:
        notes.append("the sites have no kind column: every site is judged as a new ground "
                     "tower (the strictest group).")
    say(f"checking {len(sites):,} sites against {len(zones):,} zones")
    zones_m = zones if zones.crs == metric else zones.to_crs(metric)
    table = conflicts(sites if sites.crs == metric else sites.to_crs(metric), zones_m,
                      assumptions)
    unknown = table.attrs.get("unknown_kinds", [])
    if unknown:
        shown = ", ".join(repr(k) for k in unknown[:10]) + (" …" if len(unknown) > 10 else "")
        notes.append(f"kinds no name matches ({shown}): those sites are judged as new ground "
                     "towers (the strictest group). Fix the kinds to check them as what they "
                     "are.")
    by_id = zones.set_index("zone_id")
    table["zone_name"] = table["zone_id"].map(by_id["zone_name"])
    table["zone_source"] = table["zone_id"].map(by_id["source"])
    result = summary(table)
    result.update(sites=int(len(sites)), zones=int(len(zones)), notes=notes,
                  unknown_kinds=unknown,
                  rules={k: v for k, v in assumptions.items() if k.startswith("landuse.")})
    for note in notes:
        say(note)
    with output_folder(out, kind="check-landuse", force=force) as stage:
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
        check_map(geo, shown, offline=offline, assumptions=check_rules(assumptions),
                  lang=lang).save(
            stage / "map.html")  # data as text, no template engine; popups: class and rules
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
