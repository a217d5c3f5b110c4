"""Split a province's inputs into one partition per unit, written once.

Each unit's partition holds the target areas clipped to the unit, the
candidates within reach of it (a halo of the longest reach beyond its
border, so a site across a county line can serve both sides) and the
land-use zones near it, as GeoParquet files in the province's metric CRS.
Candidates carry their home unit (``unit_code``) and ``near_border``: within the
longest reach of a border between two units, i.e. sites the border stitch
may re-decide. A partition is rewritten only when its content hash changes.

Examples
--------
>>> from siteplan.defaults import Assumptions
>>> import geopandas as gpd
>>> from shapely.geometry import Point
>>> cands = gpd.GeoDataFrame({"kind": ["tower", "streetlight"], "height_m": [40.0, 8.0]},
...     geometry=[Point(0, 0), Point(1, 1)], crs=32650)
>>> reach = longest_reach_m(cands, Assumptions())
>>> 500 < reach < 5000
True
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from siteplan.config import PlanConfig
from siteplan.coverage import longest_reach_m  # noqa: F401 (re-exported: the one reach function)
from siteplan.schema import validate_candidates, validate_targets

PARTITION_FILES = ("candidates.parquet", "targets.parquet", "landuse.parquet", "unit.parquet")
ROADS_FILE = "roads.parquet"  # only when the plan has a road layer (smart poles along roads)
CONTEXT_FILE = "context_{}.parquet"  # the map context layers near the unit, by position


def context_slice(layer: gpd.GeoDataFrame, metric: object) -> gpd.GeoDataFrame:
    """A map context layer as stored in partitions: metric CRS, every
    attribute as text (any file's columns store as Parquet), its name kept.

    Examples
    --------
    >>> from shapely.geometry import Point
    >>> layer = gpd.GeoDataFrame({"名称": ["村委会"], "n": [1]}, geometry=[Point(0, 0)],
    ...                          crs=32650)
    >>> layer.attrs["name"] = "poi"
    >>> out = context_slice(layer, 32650)
    >>> out["n"].tolist(), out.attrs["name"]
    (['1'], 'poi')
    """
    geometry = layer.geometry.to_crs(metric)
    columns = {str(c): layer[c].astype(object).where(layer[c].notna(), "").astype(str).to_numpy()
               for c in layer.columns if c != layer.geometry.name}
    out = gpd.GeoDataFrame(columns, geometry=geometry.to_numpy(), crs=metric)
    out.attrs["name"] = str(layer.attrs.get("name", "context"))
    return out
ZONE_MARGIN_M = 2_000.0  # land-use zones this far beyond the halo are kept (rule buffers)


@dataclass(frozen=True)
class Partition:
    """Where one unit's inputs are, and their content hash.

    Attributes
    ----------
    unit_code, unit_name, folder : str
    path : Path
        Folder holding ``PARTITION_FILES``.
    content_hash : str
        SHA-256 of the partition's data (not of the file bytes).
    targets, candidates : int
        Row counts.
    written : bool
        Whether this call (re)wrote the files.
    """

    unit_code: str
    unit_name: str
    folder: str
    path: Path
    content_hash: str
    targets: int
    candidates: int
    written: bool


class RegionInputs(NamedTuple):
    """The province's layers: candidates, targets, land-use zones, road lines
    (None when the plan has none) and the map context layers (each named in
    ``attrs["name"]``)."""

    candidates: gpd.GeoDataFrame
    targets: gpd.GeoDataFrame
    landuse: gpd.GeoDataFrame | None
    roads: gpd.GeoDataFrame | None = None
    context: tuple[gpd.GeoDataFrame, ...] = ()


def read_inputs(cfg: PlanConfig) -> RegionInputs:
    """Candidates, targets, land-use zones and roads named by a plan config, read by
    the one input loader ``siteplan plan`` uses
    (:func:`siteplan.sources.inputs.load_inputs`). With a population layer
    (``[inputs] population``), each target area without its own
    ``population`` gets the people the layer puts in the WHOLE area, so that
    :func:`partition_region` can split them between the units by area."""
    from siteplan.sources.inputs import load_inputs
    from siteplan.traffic import layer_population

    inputs = load_inputs(cfg)
    targets = inputs.targets
    if inputs.population is not None:
        targets = targets.copy()
        metric = targets.estimate_utm_crs()
        own = (pd.to_numeric(targets["population"], errors="coerce").to_numpy(float)
               if "population" in targets else np.full(len(targets), np.nan))
        missing = np.isnan(own)
        if missing.any():
            layer = inputs.population.to_crs(metric)
            own[missing] = layer_population(targets.to_crs(metric)[missing], layer,
                                            column="population")
        targets["population"] = own
    for layer, source in zip(inputs.context, cfg.context, strict=True):
        layer.attrs.setdefault("name", Path(source.path).stem)  # its name on the maps
    return RegionInputs(inputs.candidates, targets, inputs.landuse, inputs.roads,
                        tuple(inputs.context))


def frame_hash(frame: gpd.GeoDataFrame | pd.DataFrame) -> str:
    """SHA-256 of a frame's columns, values, geometry (WKB) and CRS.

    Examples
    --------
    >>> a = pd.DataFrame({"x": [1, 2]})
    >>> frame_hash(a) == frame_hash(a.copy()), frame_hash(a) == frame_hash(a.iloc[:1])
    (True, False)
    """
    digest = hashlib.sha256()
    digest.update(json.dumps([str(c) for c in frame.columns]).encode())
    for column in frame.columns:
        values = frame[column]
        if isinstance(values, gpd.GeoSeries):
            digest.update(str(values.crs).encode())
            for wkb in shapely.to_wkb(values.to_numpy(), hex=False):
                digest.update(wkb or b"")
        else:
            digest.update(pd.util.hash_pandas_object(values.astype(str), index=False)
                          .to_numpy().tobytes())
    return digest.hexdigest()


def border_lines(units_m: gpd.GeoDataFrame) -> shapely.Geometry:
    """The borders between units (each unit's boundary without the province's
    outer boundary)."""
    outline = shapely.union_all(units_m.geometry.to_numpy()).boundary
    inner = shapely.union_all([g.boundary for g in units_m.geometry])
    return inner.difference(outline.buffer(1.0))


def home_units(points_m: gpd.GeoDataFrame, units_m: gpd.GeoDataFrame) -> np.ndarray:
    """Code of the unit holding each point (the nearest unit for points outside all)."""
    codes = units_m["unit_code"].to_numpy()
    inside, unit_pos = units_m.sindex.query(points_m.geometry, predicate="intersects")
    home = np.full(len(points_m), -1)
    home[inside[::-1]] = unit_pos[::-1]  # first unit wins on a shared border
    outside = np.flatnonzero(home < 0)
    if outside.size:
        near_pts, near_unit = units_m.sindex.nearest(points_m.geometry.iloc[outside])
        home[outside[near_pts]] = near_unit
    return codes[home]


def _polygonal(geom: shapely.Geometry) -> shapely.Geometry:
    """The polygonal part of a clipped geometry (empty if none)."""
    if geom.geom_type in ("Polygon", "MultiPolygon"):
        return geom
    parts = [g for g in getattr(geom, "geoms", []) if g.geom_type in ("Polygon", "MultiPolygon")]
    return shapely.union_all(parts) if parts else shapely.Polygon()


def split_population(pieces_m: gpd.GeoDataFrame, whole_m2: np.ndarray) -> gpd.GeoDataFrame:
    """An area's own ``population`` shared between its pieces by area.

    Traffic is counted once: an area crossing a unit border brings each unit
    the share of its people that lives on the unit's side (people spread
    evenly over the area, as :func:`siteplan.traffic.area_traffic` spreads an
    area's traffic over its demand points). Areas without a population take
    the class density times the piece's own km², which splits the same way.
    A value that is not a number is left as it is (the planner reports it).

    Examples
    --------
    >>> from shapely.geometry import box
    >>> t = gpd.GeoDataFrame({"population": [1000, None, "many"]},
    ...                      geometry=[box(0, 0, 10, 10)] * 3, crs=32650)
    >>> split_population(t, np.array([400.0, 400.0, 400.0]))["population"].tolist()
    [250.0, nan, 'many']
    """
    if "population" not in pieces_m or not len(pieces_m):
        return pieces_m
    raw = pieces_m["population"]
    people = pd.to_numeric(raw, errors="coerce").to_numpy(float)
    share = np.divide(pieces_m.geometry.area.to_numpy(), whole_m2,
                      out=np.ones(len(pieces_m)), where=whole_m2 > 0)
    number = np.isfinite(people)
    out = pieces_m.copy()
    values = raw.to_numpy(object).copy()
    values[number] = people[number] * np.minimum(share[number], 1.0)
    values[~number & raw.isna().to_numpy()] = np.nan
    out["population"] = values if (~number & raw.notna().to_numpy()).any() \
        else values.astype(float)
    return out


def _write_atomic(frame: gpd.GeoDataFrame, path: Path) -> None:
    tmp = path.with_name(f".{path.name}.tmp")
    frame.to_parquet(tmp, index=False)
    os.replace(tmp, path)


def partition_region(units: gpd.GeoDataFrame, candidates: gpd.GeoDataFrame,
                     targets: gpd.GeoDataFrame, landuse: gpd.GeoDataFrame | None, *,
                     reach_m: float, work_dir: str | Path,
                     roads: gpd.GeoDataFrame | None = None,
                     context: Sequence[gpd.GeoDataFrame] = ()
                     ) -> tuple[list[Partition], object, dict[str, str]]:
    """Write each unit's partition under ``work_dir/partitions/<folder>/``.

    Parameters
    ----------
    units : geopandas.GeoDataFrame
        ``unit_code``, ``unit_name``, ``folder``, polygons (any CRS).
    candidates, targets, landuse
        Province inputs (any CRS; validated here).
    reach_m : float
        Halo width: candidates this close to a unit belong to its partition.
    work_dir : path
        The run's work folder (partitions are kept between runs).
    roads : geopandas.GeoDataFrame, optional
        Road lines (where proposed smart poles go): each unit gets those
        within its halo (``roads.parquet``, possibly empty).
    context : list of geopandas.GeoDataFrame
        Map context layers (named in ``attrs["name"]``): each unit gets the
        features within its halo (``context_<i>.parquet``) for its folder's maps.

    A unit's slice of a layer may be empty (no zone, road or candidate near
    it, no target area in it): it is written empty and read as "nothing
    here" by the unit's tasks (:func:`siteplan.region.tasks.read_partition`).

    Returns
    -------
    (list of Partition, metric CRS, {site_id: home unit code})
    """
    candidates = validate_candidates(candidates, "candidates")
    targets = validate_targets(targets, "targets")
    metric = targets.estimate_utm_crs()
    units_m = units.to_crs(metric).reset_index(drop=True)
    cands_m = candidates.to_crs(metric).reset_index(drop=True)
    targets_m = targets.to_crs(metric).reset_index(drop=True)
    zones_m = None if landuse is None else landuse.to_crs(metric).reset_index(drop=True)
    roads_m = None if roads is None else gpd.GeoDataFrame(
        geometry=roads.to_crs(metric).geometry.to_numpy(), crs=metric)  # lines only
    context_m = [context_slice(layer, metric) for layer in context]
    names = json.dumps([layer.attrs["name"] for layer in context_m], ensure_ascii=False)
    cands_m["unit_code"] = home_units(cands_m, units_m)
    borders = border_lines(units_m)
    cands_m["near_border"] = (shapely.dwithin(cands_m.geometry.to_numpy(), borders, reach_m)
                          if not borders.is_empty else False)
    root = Path(work_dir) / "partitions"
    out: list[Partition] = []
    for unit in units_m.itertuples(index=False):
        geom = unit.geometry
        halo = cands_m.sindex.query(geom, predicate="dwithin", distance=reach_m)
        part_c = cands_m.iloc[np.sort(halo)]
        hit = targets_m.sindex.query(geom, predicate="intersects")
        part_t = targets_m.iloc[np.sort(hit)].copy()
        # areas that reach beyond the unit: the stitch checks their target as a whole
        part_t["crosses_unit"] = ~part_t.geometry.within(geom.buffer(1.0))
        whole_m2 = part_t.geometry.area.to_numpy()
        part_t["geometry"] = [_polygonal(g.intersection(geom)) for g in part_t.geometry]
        part_t = split_population(part_t, whole_m2)
        part_t = part_t[~part_t.geometry.is_empty]
        if zones_m is not None:
            near = zones_m.sindex.query(geom, predicate="dwithin",
                                        distance=reach_m + ZONE_MARGIN_M)
            part_z = zones_m.iloc[np.sort(near)]
        else:
            part_z = gpd.GeoDataFrame({"zone_id": [], "zone_class": []}, geometry=[], crs=metric)
        part_u = gpd.GeoDataFrame({"unit_code": [unit.unit_code], "unit_name": [unit.unit_name],
                                   "has_landuse": [zones_m is not None],
                                   "context_names": [names]},
                                  geometry=[geom], crs=metric)
        frames = dict(zip(PARTITION_FILES, (part_c, part_t, part_z, part_u), strict=True))
        if roads_m is not None:
            near = roads_m.sindex.query(geom, predicate="dwithin", distance=reach_m)
            frames[ROADS_FILE] = roads_m.iloc[np.sort(near)]
        for i, layer in enumerate(context_m):
            near = layer.sindex.query(geom, predicate="dwithin", distance=reach_m)
            frames[CONTEXT_FILE.format(i)] = layer.iloc[np.sort(near)]
        content = hashlib.sha256("".join(frame_hash(f) for f in frames.values()).encode()) \
            .hexdigest()
        folder = root / unit.folder
        marker = folder / "hash.txt"
        written = False
        if not (marker.exists() and marker.read_text().strip() == content
                and all((folder / n).exists() for n in frames)):
            folder.mkdir(parents=True, exist_ok=True)
            marker.unlink(missing_ok=True)
            for old in [folder / ROADS_FILE, *folder.glob(CONTEXT_FILE.format("*"))]:
                old.unlink(missing_ok=True)
            for name, frame in frames.items():
                _write_atomic(gpd.GeoDataFrame(frame.reset_index(drop=True)), folder / name)
            marker.write_text(content)
            written = True
        out.append(Partition(unit.unit_code, unit.unit_name, unit.folder, folder, content,
                             len(part_t), len(part_c), written))
    home = dict(zip(cands_m["site_id"].astype(str), cands_m["unit_code"], strict=True))
    return out, metric, home


PROPOSALS_FILE = "proposals.parquet"


def merge_proposals(frames: list[gpd.GeoDataFrame], units_m: gpd.GeoDataFrame,
                    taken_ids: set[str]) -> gpd.GeoDataFrame:
    """The province's proposed new builds, from every unit's own.

    Each unit proposes for its own demand (:func:`siteplan.region.tasks.propose_unit`),
    so two units may propose the same kind at the same place near their
    border: it is kept once (places to the metre; the lattices are aligned
    to the origin, so the same lattice point is the same place). Each kept
    proposal gets its home unit (the unit it stands in) and a province-wide
    id: the home unit's code before the planner's own proposal id
    (``C07-PR-GF-<x>-<y>``), with a suffix if a listed candidate already
    has that id.

    Parameters
    ----------
    frames : list of geopandas.GeoDataFrame
        Proposals per unit, metric CRS (as :func:`siteplan.proposals.propose_sites`
        returns them), in unit order.
    units_m : geopandas.GeoDataFrame
        Units (``unit_code``), same CRS.
    taken_ids : set of str
        Ids of the listed candidates.

    Returns
    -------
    geopandas.GeoDataFrame
        One row per proposed place and kind, with ``site_id`` and ``unit_code``.

    Examples
    --------
    >>> from shapely.geometry import Point, box
    >>> u = gpd.GeoDataFrame({"unit_code": ["A", "B"]}, geometry=[box(0, 0, 10, 10),
    ...                      box(10, 0, 20, 10)], crs=32650)
    >>> p = gpd.GeoDataFrame({"site_id": ["PR-GF-9-5"], "kind": ["greenfield"],
    ...                       "name": ["x"]}, geometry=[Point(9, 5)], crs=32650)
    >>> merge_proposals([p, p.copy()], u, {"A-PR-GF-9-5"})["site_id"].tolist()
    ['A-PR-GF-9-5-2']
    """
    from siteplan.proposals import PREFIX

    frames = [f for f in frames if len(f)]
    if not frames:
        return gpd.GeoDataFrame({"site_id": [], "kind": [], "unit_code": []}, geometry=[],
                                crs=units_m.crs)
    props = gpd.GeoDataFrame(pd.concat(frames, ignore_index=True), geometry="geometry",
                             crs=frames[0].crs).to_crs(units_m.crs)
    x = np.round(props.geometry.x.to_numpy()).astype(np.int64)
    y = np.round(props.geometry.y.to_numpy()).astype(np.int64)
    props = props.assign(_x=x, _y=y).drop_duplicates(["kind", "_x", "_y"]).reset_index(drop=True)
    props["unit_code"] = home_units(props, units_m)
    ids, used = [], set(taken_ids)
    for code, kind, xi, yi in zip(props["unit_code"], props["kind"], props["_x"], props["_y"],
                                  strict=True):
        base = f"{code}-{PREFIX[kind]}-{xi}-{yi}"
        candidate, k = base, 1
        while candidate in used:
            k += 1
            candidate = f"{base}-{k}"
        used.add(candidate)
        ids.append(candidate)
    props["site_id"] = ids
    props["name"] = [f"Proposed {k.replace('_', ' ')} {i}" for k, i in
                     zip(props["kind"], props["site_id"], strict=True)]
    return props.drop(columns=["_x", "_y"])


def write_proposals(parts: list[Partition], proposals_m: gpd.GeoDataFrame,
                    units_m: gpd.GeoDataFrame, *, reach_m: float) -> dict[str, str]:
    """Write into each unit's partition the proposals within its halo
    (``proposals.parquet``, with ``near_border`` as for listed candidates),
    so every unit plans with every proposal that can serve it, its
    neighbours' included. Returns unit code -> hash of what was written
    (the file is rewritten only when it changes)."""
    proposals_m = proposals_m.to_crs(units_m.crs).reset_index(drop=True)
    borders = border_lines(units_m)
    if len(proposals_m):
        proposals_m["near_border"] = (shapely.dwithin(proposals_m.geometry.to_numpy(), borders,
                                                      reach_m)
                                      if not borders.is_empty else False)
    else:
        proposals_m["near_border"] = pd.Series(dtype=bool)
    geoms = dict(zip(units_m["unit_code"], units_m.geometry, strict=True))
    hashes = {}
    for part in parts:
        near = proposals_m.sindex.query(geoms[part.unit_code], predicate="dwithin",
                                        distance=reach_m) if len(proposals_m) else []
        frame = proposals_m.iloc[np.sort(np.asarray(near, dtype=np.int64))]
        content = frame_hash(frame)
        marker = part.path / "proposals.hash.txt"
        if not (marker.exists() and marker.read_text().strip() == content
                and (part.path / PROPOSALS_FILE).exists()):
            marker.unlink(missing_ok=True)
            _write_atomic(gpd.GeoDataFrame(frame.reset_index(drop=True)),
                          part.path / PROPOSALS_FILE)
            marker.write_text(content)
        hashes[part.unit_code] = content
    return hashes
