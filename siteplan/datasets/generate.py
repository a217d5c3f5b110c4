"""Generate the synthetic sample county (SYNTHETIC DATA, modelled on Changle).

About 1,100 km² around a county seat with 8 town seats, a road network, and
candidates of every kind; target areas for the 2020/2021/2022 milestones of
the Changle plan (150 / 400 / 600+ sites); land-use zones. Seeded: running it
twice writes identical features, attributes and coordinates.

Run ``python -m siteplan.datasets.generate OUT_DIR`` to rebuild ``data/sample_county``.
"""

from __future__ import annotations

import sys
from collections.abc import Mapping
from pathlib import Path

import geopandas as gpd
import numpy as np
from shapely import affinity
from shapely.geometry import LineString, MultiLineString, MultiPolygon, Point, Polygon, box
from shapely.ops import unary_union

from siteplan.kinds import KIND_INFO

SEED = 20200101
METRIC_CRS = "EPSG:32650"  # UTM 50N
CENTRE_E, CENTRE_N = 752_000.0, 2_874_000.0  # near lon 119.52, lat 25.96 (synthetic place)
HALF_SIDE_M = 16_600.0
OPERATORS = ("China Mobile", "China Unicom", "China Telecom")


def _ellipse(x: float, y: float, rx: float, ry: float, angle: float = 0.0) -> Polygon:
    return affinity.rotate(affinity.scale(Point(x, y).buffer(1.0, 64), rx, ry), angle)


def _along(line: LineString, spacing: float, offset: float = 0.0) -> list[Point]:
    if offset:
        line = line.offset_curve(offset)
    n = max(int(line.length // spacing), 1)
    return [line.interpolate(spacing * (i + 0.5)) for i in range(n)]


def _add(rows: list[dict], kind: str, pts: list[Point], **attrs: object) -> None:
    """Append one candidate row per point: id ``<id_prefix><n>`` numbered per kind
    (the prefix from the kind registry), attributes called when callable (one random
    draw per point and attribute)."""
    prefix = KIND_INFO[kind].id_prefix
    for p in pts:
        i = sum(1 for r in rows if r["kind"] == kind) + 1
        row = {"site_id": f"{prefix}{i:04d}", "kind": kind, "geometry": p}
        row.update({k: (v() if callable(v) else v) for k, v in attrs.items()})
        row.setdefault("name", f"{kind.replace('_', ' ').title()} {prefix}{i:04d}")
        rows.append(row)


class _County:
    """One synthetic county around ``centre`` (metres, UTM 50N), seeded by ``seed``.

    The defaults give the shipped sample county; :mod:`siteplan.datasets.province`
    places many of them side by side with other centres and seeds.
    """

    def __init__(self, centre: tuple[float, float] = (CENTRE_E, CENTRE_N),
                 seed: int = SEED) -> None:
        self.seed = seed
        rng = np.random.default_rng(seed)
        self.rng = rng
        c = np.array(centre, dtype=float)
        self.c = c
        angles = np.linspace(0, 2 * np.pi, 40, endpoint=False)
        radius = HALF_SIDE_M * 1.13 * (1 + 0.06 * np.sin(3 * angles) + 0.03 * np.cos(5 * angles))
        self.boundary = Polygon(np.column_stack([c[0] + radius * np.cos(angles),
                                                 c[1] + radius * np.sin(angles)]))
        self.cbd = Point(*c).buffer(1000.0, 64)
        self.urban = _ellipse(c[0], c[1], 3000.0, 2400.0, 15.0)
        town_angles = np.deg2rad(np.arange(8) * 45.0 + 20.0)
        town_dist = np.array([9, 12, 10, 13, 8.5, 11, 12.5, 9.5]) * 1000.0
        self.towns = [Point(c[0] + d * np.cos(a), c[1] + d * np.sin(a))
                      for a, d in zip(town_angles, town_dist, strict=True)]
        self.town_radius = np.array([1100, 900, 1000, 1200, 800, 950, 1050, 850], float)
        self.station = Point(c[0] - 4200.0, c[1] - 800.0)
        self.mountain = Point(c[0] + 2000.0, c[1] + 11500.0).buffer(4200.0, 64)
        self.reservoir = _ellipse(c[0] - 9000.0, c[1] + 6000.0, 2200.0, 1200.0, 30.0)

    # -- roads -----------------------------------------------------------------
    def roads(self) -> gpd.GeoDataFrame:
        c, rows = self.c, []
        for i, x in enumerate(np.arange(-3600, 3601, 400.0)):
            line = LineString([(c[0] + x, c[1] - 3000), (c[0] + x, c[1] + 3000)])
            rows.append(("urban", f"Urban street N{i}", line.intersection(self.urban)))
        for i, y in enumerate(np.arange(-2800, 2801, 400.0)):
            line = LineString([(c[0] - 3600, c[1] + y), (c[0] + 3600, c[1] + y)])
            rows.append(("urban", f"Urban street E{i}", line.intersection(self.urban)))
        for t, (town, r) in enumerate(zip(self.towns, self.town_radius, strict=True)):
            disc = town.buffer(r)
            for k, off in enumerate((-400.0, 0.0, 400.0)):
                rows.append(("urban", f"Town {t + 1} street A{k}", LineString(
                    [(town.x + off, town.y - r), (town.x + off, town.y + r)]).intersection(disc)))
                rows.append(("urban", f"Town {t + 1} street B{k}", LineString(
                    [(town.x - r, town.y + off), (town.x + r, town.y + off)]).intersection(disc)))
            rows.append(("trunk", f"County road {t + 1}", LineString([(c[0], c[1]), (town.x, town.y)])))
        ring = [(t.x, t.y) for t in self.towns]
        for t in range(8):
            rows.append(("trunk", f"Ring road {t + 1}", LineString([ring[t], ring[(t + 1) % 8]])))
        rows.append(("trunk", "Station road", LineString([(c[0], c[1]), (self.station.x, self.station.y)])))
        frame = gpd.GeoDataFrame(
            {"road_class": [r[0] for r in rows], "name": [r[1] for r in rows]},
            geometry=[r[2] for r in rows], crs=METRIC_CRS)
        frame = frame[~frame.geometry.is_empty & (frame.geom_type.isin(["LineString", "MultiLineString"]))]
        trunk = frame["road_class"] == "trunk"
        frame.loc[trunk, "geometry"] = frame.loc[trunk, "geometry"].difference(self.urban)
        frame = frame.explode(index_parts=False)
        frame = frame[~frame.geometry.is_empty & (frame.length > 50)]
        return frame.reset_index(drop=True)

    # -- candidates --------------------------------------------------------------
    def _scatter(self, n: int, region, avoid) -> list[Point]:
        """``n`` uniform random points in ``region`` outside ``avoid``."""
        minx, miny, maxx, maxy = region.bounds
        pts: list[Point] = []
        while len(pts) < n:
            p = Point(self.rng.uniform(minx, maxx), self.rng.uniform(miny, maxy))
            if region.contains(p) and not avoid.contains(p):
                pts.append(p)
        return pts

    def _supply(self, p_direct: float, p_transfer: float):
        return lambda: str(self.rng.choice(["direct", "transfer", "unknown"],
                                           p=[p_direct, p_transfer, 1 - p_direct - p_transfer]))

    def _operator_structures(self, rows: list[dict], no_go) -> None:
        """Existing towers (denser in town, sparse in the country, none in the
        reservoir), operator sites and rooftops."""
        rng = self.rng
        urban_union = unary_union([self.urban, *[t.buffer(r) for t, r in
                                                 zip(self.towns, self.town_radius, strict=True)]])
        towers = (self._scatter(70, self.urban, no_go)
                  + [p for t, r in zip(self.towns, self.town_radius, strict=True)
                     for p in self._scatter(8, t.buffer(r * 1.3), no_go)]
                  + self._scatter(170, self.boundary.difference(urban_union), no_go))
        _add(rows, "tower", towers, owner="China Tower",
             height_m=lambda: float(rng.integers(30, 46)), open_access=True,
             power_supply=self._supply(0.7, 0.25))
        operator_sites = self._scatter(40, self.urban, no_go) + self._scatter(20, self.boundary, no_go)
        _add(rows, "existing_site", operator_sites, owner=lambda: str(rng.choice(OPERATORS)),
             height_m=lambda: float(rng.integers(20, 36)), open_access=True,
             power_supply=self._supply(0.6, 0.35))
        _add(rows, "rooftop", self._scatter(45, self.urban, no_go), owner="Property owner",
             height_m=lambda: float(rng.integers(22, 50)), open_access=False,
             power_supply=self._supply(0.3, 0.6))

    def _street_furniture(self, rows: list[dict], roads: gpd.GeoDataFrame) -> None:
        """Streetlights, monitoring and traffic poles at junctions, power poles."""
        rng = self.rng
        urban_roads = roads[roads["road_class"] == "urban"].geometry
        trunk_roads = roads[roads["road_class"] == "trunk"].geometry
        lights = [p for line in urban_roads for p in _along(line, 60.0, 8.0)]
        _add(rows, "streetlight", lights, owner="County Urban Management Bureau",
             height_m=lambda: float(rng.choice([8.0, 10.0, 12.0])),
             open_access=lambda: bool(rng.random() < 0.85), power_supply="direct")
        junctions = _junctions(urban_roads)
        pick = rng.random(len(junctions))
        _add(rows, "monitoring_pole",
             [p for p, u in zip(junctions, pick, strict=True) if u < 0.35],
             owner="County Public Security Bureau",
             height_m=lambda: float(rng.choice([6.0, 7.0, 8.0])),
             open_access=lambda: bool(rng.random() < 0.7), power_supply="direct")
        _add(rows, "traffic_pole",
             [p for p, u in zip(junctions, pick, strict=True) if 0.35 <= u < 0.6],
             owner="County Traffic Police", height_m=7.0,
             open_access=lambda: bool(rng.random() < 0.7), power_supply="direct")
        poles = [p for line in trunk_roads for p in _along(line, 120.0, 30.0)]
        _add(rows, "power_pole", poles, owner="State Grid County Power Supply Co.",
             height_m=lambda: float(rng.choice([10.0, 12.0, 15.0])),
             open_access=lambda: bool(rng.random() < 0.6), power_supply="direct")

    def _public_buildings(self, rows: list[dict], no_go) -> None:
        rng, c = self.rng, self.c
        kinds = ["县政府 County Government", "Middle School", "Primary School", "医院 Hospital",
                 "Bus Station", "Township Office", "Health Centre"]
        buildings = self._scatter(60, self.urban, no_go) + [
            p for t, r in zip(self.towns, self.town_radius, strict=True)
            for p in self._scatter(6, t.buffer(r), no_go)]
        names = [f"{kinds[i % len(kinds)]} {i + 1}" for i in range(len(buildings))]
        buildings.append(Point(c[0] + 1500.0, c[1] - 1200.0))
        names.append("County Stadium 体育场")
        name_iter = iter(names)
        _add(rows, "public_building", buildings,
             owner="County Government Offices Administration",
             name=lambda: next(name_iter), height_m=lambda: float(rng.integers(15, 31)),
             open_access=True, power_supply="direct")

    def _new_builds(self, rows: list[dict], roads: gpd.GeoDataFrame) -> None:
        """Smart poles along long arterials, a jittered greenfield grid off forbidden land."""
        rng, c = self.rng, self.c
        urban_roads = roads[roads["road_class"] == "urban"].geometry
        arterials = [line for line in urban_roads if line.length > 3000]
        _add(rows, "smart_pole", [p for line in arterials for p in _along(line, 300.0, 8.0)],
             owner="China Tower", height_m=12.0, open_access=True, power_supply="direct")
        gx = np.arange(-HALF_SIDE_M * 1.2, HALF_SIDE_M * 1.2, 1500.0)
        grid = [Point(c[0] + x + rng.uniform(-200, 200), c[1] + y + rng.uniform(-200, 200))
                for x in gx for y in gx]
        forbidden = unary_union([self.reservoir, self.mountain.buffer(-1200.0)])
        grid = [p for p in grid if self.boundary.contains(p) and not forbidden.contains(p)]
        _add(rows, "greenfield", grid, owner="China Tower (new)", height_m=40.0,
             open_access=True, power_supply="direct")

    def candidates(self, roads: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
        """Every kind of candidate, in a fixed order of random draws (the shipped
        files are reproduced exactly)."""
        rows: list[dict] = []
        no_go = unary_union([self.reservoir, self.mountain.buffer(-1500)])
        self._operator_structures(rows, no_go)
        self._street_furniture(rows, roads)
        self._public_buildings(rows, no_go)
        self._new_builds(rows, roads)
        frame = gpd.GeoDataFrame(rows, geometry="geometry", crs=METRIC_CRS)
        frame["on_air"] = False
        cbd_towers = frame.index[(frame["kind"] == "tower")
                                 & frame.geometry.within(self.urban)][:20]
        frame.loc[cbd_towers, "on_air"] = True
        for col, default in (("owner", ""), ("open_access", False)):
            frame[col] = frame[col].fillna(default)
        return frame[["site_id", "kind", "height_m", "owner", "open_access", "on_air",
                      "power_supply", "name", "geometry"]]

    # -- targets -------------------------------------------------------------------
    def targets(self, roads: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
        c, rows = self.c, []

        def add(area_id, name, area_class, env, milestone, geom, target=0.95, indoor=False,
                weight=1.0, population=0):
            rows.append(dict(area_id=area_id, name=name, area_class=area_class,
                             environment=env, milestone=milestone, coverage_target=target,
                             indoor=indoor, weight=weight, population=population,
                             geometry=geom))

        # Populations (people present in the busy hour; SYNTHETIC, assumed): a county of
        # about 600,000 people like Changle, a third of them in the county seat, the
        # rest in town seats, villages and the countryside outside any target area.
        add("A01", "County seat centre 城区核心", "key_area", "dense_urban", 2020, self.cbd,
            indoor=True, weight=3.0, population=45_000)
        add("A02", "County seat main urban area 主城区", "main_urban", "urban", 2020,
            self.urban.difference(self.cbd), population=150_000)
        add("A03", "High-speed rail station 高铁站", "transport_hub", "suburban", 2020,
            self.station.buffer(600.0, 32), indoor=True, weight=2.0, population=3_000)
        town_people = (15_000, 10_000, 12_000, 18_000, 8_000, 11_000, 14_000, 9_000)
        for t, (town, r) in enumerate(zip(self.towns, self.town_radius, strict=True)):
            add(f"B{t + 1:02d}", f"Town seat {t + 1} 镇区", "town_seat", "suburban", 2021,
                town.buffer(r, 48), population=town_people[t])
        add("C01", "North industrial park 工业园区", "industrial_park", "suburban", 2022,
            box(c[0] - 1500, c[1] + 3200, c[0] + 1500, c[1] + 5000), population=12_000)
        add("C02", "South industrial park 工业园区", "industrial_park", "suburban", 2022,
            box(c[0] + 2500, c[1] - 5500, c[0] + 5000, c[1] - 3800), population=9_000)
        add("C03", "Mountain scenic area 风景区", "scenic_area", "rural", 2022,
            _ellipse(c[0] + 2000.0, c[1] + 9000.0, 2600.0, 1600.0, 10.0), target=0.9,
            population=2_000)
        corridor = roads[roads["name"].isin(["Station road", "County road 1", "County road 5"])]
        add("C04", "Trunk road corridor 干线公路", "road_corridor", "rural", 2022,
            unary_union(corridor.geometry.buffer(150.0)).difference(
                unary_union([self.urban, *[t.buffer(r) for t, r in
                                           zip(self.towns, self.town_radius, strict=True)]])),
            target=0.9, population=1_000)
        rng = np.random.default_rng(self.seed + 1)
        placed = 0
        taken = unary_union([r["geometry"] for r in rows]).buffer(500)
        while placed < 10:
            p = Point(c[0] + rng.uniform(-14000, 14000), c[1] + rng.uniform(-14000, 14000))
            if (self.boundary.contains(p) and not taken.contains(p)
                    and not self.reservoir.buffer(300).contains(p)):
                placed += 1
                add(f"V{placed:02d}", f"Village {placed} 行政村", "village", "rural", 2022,
                    p.buffer(350.0, 24), target=0.9, population=1_200)
                taken = taken.union(p.buffer(900))
        frame = gpd.GeoDataFrame(rows, geometry="geometry", crs=METRIC_CRS)
        frame["geometry"] = frame.geometry.intersection(self.boundary)
        return frame

    # -- land use ------------------------------------------------------------------
    def landuse(self) -> gpd.GeoDataFrame:
        rng, c, rows = np.random.default_rng(self.seed + 2), self.c, []
        rows.append(("Z001", "ecological_red_line", "Reservoir red line 水源保护区",
                     self.reservoir.buffer(400.0, 32)))
        rows.append(("Z002", "ecological_red_line", "Mountain scenic red line 风景名胜区",
                     self.mountain.buffer(-1200.0, 32)))
        rows.append(("Z003", "forest", "Mountain forest 林地", self.mountain.difference(
            self.mountain.buffer(-1200.0, 32))))
        rows.append(("Z004", "satellite_earth_station", "Satellite earth station 卫星地球站",
                     Point(c[0] - 12000.0, c[1] - 9000.0).buffer(60.0, 16)))
        rows.append(("Z005", "water", "Reservoir 水库", self.reservoir))
        urban = unary_union([self.urban, *[t.buffer(r * 1.2) for t, r in
                                           zip(self.towns, self.town_radius, strict=True)]])
        rows.append(("Z006", "urban_development", "Urban development boundary 城镇开发边界",
                     urban))
        k = 7
        taken = unary_union([r[3] for r in rows]).buffer(300)
        while k < 47:
            x, y = rng.uniform(-15000, 15000), rng.uniform(-15000, 15000)
            field = _ellipse(c[0] + x, c[1] + y, rng.uniform(500, 1200), rng.uniform(300, 700),
                             float(rng.uniform(0, 180)))
            if self.boundary.contains(field) and not taken.intersects(field):
                rows.append((f"Z{k:03d}", "basic_farmland", f"Basic farmland {k - 6} 永久基本农田",
                             field))
                taken = taken.union(field.buffer(200))
                k += 1
        return gpd.GeoDataFrame({"zone_id": [r[0] for r in rows],
                                 "zone_class": [r[1] for r in rows],
                                 "name": [r[2] for r in rows]},
                                geometry=[r[3] for r in rows], crs=METRIC_CRS)


def _junctions(lines: gpd.GeoSeries) -> list[Point]:
    geoms = list(lines)
    pts: list[Point] = []
    seen: set[tuple[int, int]] = set()
    for i, a in enumerate(geoms):
        for b in geoms[i + 1:]:
            x = a.intersection(b)
            for p in getattr(x, "geoms", [x]):
                if isinstance(p, Point) and not p.is_empty:
                    key = (round(p.x), round(p.y))
                    if key not in seen:
                        seen.add(key)
                        pts.append(p)
    return pts


def _wgs84(frame: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    out = frame.to_crs("EPSG:4326")
    out["geometry"] = out.geometry.set_precision(1e-7)
    if out.geom_type.str.startswith("Multi").any():  # GeoPackage stores one type per layer
        out["geometry"] = [g if g.geom_type.startswith("Multi") else
                           {"Polygon": MultiPolygon, "LineString": MultiLineString}[g.geom_type]([g])
                           for g in out.geometry]
    return out


def build() -> dict[str, gpd.GeoDataFrame]:
    """Build every layer in memory (WGS84): candidates, targets, landuse, roads."""
    county = _County()
    roads = county.roads()
    layers = {
        "candidates": county.candidates(roads),
        "targets": county.targets(roads),
        "landuse": county.landuse(),
        "roads": roads,
        "boundary": gpd.GeoDataFrame({"name": ["Sample county (synthetic)"]},
                                     geometry=[county.boundary], crs=METRIC_CRS),
    }
    return {name: _wgs84(frame) for name, frame in layers.items()}


CONFIG_TOML = """\
# Sample county (SYNTHETIC data, modelled on the Changle 5G plan). Copy and edit.
[project]
name = "Sample county (synthetic)"

[inputs]
candidates = ["candidates.gpkg"]
targets = "targets.gpkg"
landuse = "landuse.gpkg"
context = ["roads.gpkg", "boundary.gpkg"]

# policy site-count targets per milestone (Changle: 150 / 400 / 600+)
[milestones]
2020 = 150
2021 = 400
2022 = 600

[solver]
method = "auto"
time_limit_s = 5

# any key of the assumptions table (docs/assumptions.md) can be overridden here
[assumptions]
"demand.spacing_m" = 100
"""


TERRAIN_SEED_OFFSET = 27  # issue 27; its own generator, so the vector layers stay unchanged
DEM_STEP_DEG = 3.0 / 3600.0  # SRTM 3-arc-second tiles (~90 m)
CLUTTER_STEP_DEG = 1.0 / 3600.0  # ~30 m land cover (ESA WorldCover codes)
TERRAIN_MARGIN_M = 8_000.0  # beyond the boundary: candidates and proposals reach out


def _gaussian(x: np.ndarray, y: np.ndarray, x0: float, y0: float, sigma_m: float,
              height_m: float) -> np.ndarray:
    return height_m * np.exp(-((x - x0) ** 2 + (y - y0) ** 2) / (2.0 * sigma_m**2))


def county_heights_m(county: _County, x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Ground height (m) of the synthetic county at metric points (UTM 50N).

    A coastal plain rising inland, the mountain north of the seat (~560 m),
    a 200 m ridge south-west of the seat between it and two towns, seeded
    hills in the country (none in the towns) and a flat reservoir surface.
    """
    c = county.c
    rng = np.random.default_rng(county.seed + TERRAIN_SEED_OFFSET)
    dx, dy = x - c[0], y - c[1]
    z = 8.0 + 0.0025 * np.hypot(dx, dy + 8000.0)
    z = z + _gaussian(x, y, county.mountain.centroid.x, county.mountain.centroid.y, 2600.0, 540.0)
    # the ridge: a line at 120 degrees through (-5.5 km, -3.5 km), 9 km long, tapered ends
    u, v = np.cos(np.deg2rad(120.0)), np.sin(np.deg2rad(120.0))
    along = (dx + 5500.0) * u + (dy + 3500.0) * v
    across = -(dx + 5500.0) * v + (dy + 3500.0) * u
    taper = np.clip((4500.0 - np.abs(along)) / 1500.0, 0.0, 1.0)
    z = z + 200.0 * taper * np.exp(-(across**2) / (2.0 * 300.0**2))
    settled = unary_union([county.urban.buffer(1500.0), *[
        t.buffer(r + 1500.0) for t, r in zip(county.towns, county.town_radius, strict=True)]])
    hills = 0
    while hills < 30:
        hx, hy = rng.uniform(-19000.0, 19000.0, 2)
        sigma, height = rng.uniform(500.0, 1600.0), rng.uniform(30.0, 170.0)
        if settled.intersects(Point(c[0] + hx, c[1] + hy).buffer(sigma)):
            continue
        z = z + _gaussian(x, y, c[0] + hx, c[1] + hy, sigma, height)
        hills += 1
    return z


def _lonlat_grid(bounds_deg: tuple[float, float, float, float], step_deg: float):
    lon0, lat0, lon1, lat1 = (np.floor(b / step_deg) * step_deg for b in bounds_deg)
    cols, rows = int(round((lon1 - lon0) / step_deg)) + 1, int(round((lat1 - lat0) / step_deg)) + 1
    lon = lon0 + (np.arange(cols) + 0.5) * step_deg
    lat = lat0 + rows * step_deg - (np.arange(rows) + 0.5) * step_deg
    return lon, lat, (lon0, lat0 + rows * step_deg)


def terrain_rasters(county: _County | None = None) -> dict[str, tuple[np.ndarray, tuple[float, float],
                                                                         float]]:
    """The county's DEM (int16 m, 3") and land cover (uint8 WorldCover codes, 1").

    Returns ``{"dem": (array, (west, north), step_deg), "clutter": (...)}``, EPSG:4326.
    """
    from pyproj import Transformer
    from rasterio.features import rasterize
    from rasterio.transform import from_origin

    county = county or _County()
    area = gpd.GeoSeries([county.boundary.buffer(TERRAIN_MARGIN_M)], crs=METRIC_CRS).to_crs(4326)
    to_m = Transformer.from_crs(4326, METRIC_CRS, always_xy=True)
    out = {}
    lon, lat, origin = _lonlat_grid(tuple(area.total_bounds), DEM_STEP_DEG)
    x, y = to_m.transform(*np.meshgrid(lon, lat))
    z = county_heights_m(county, x, y)
    water = shapely_contains(county.reservoir, x, y)
    z[water] = np.floor(z[water].min())
    out["dem"] = (np.rint(z).astype(np.int16), origin, DEM_STEP_DEG)
    lon, lat, origin = _lonlat_grid(tuple(area.total_bounds), CLUTTER_STEP_DEG)
    shape = (lat.size, lon.size)
    transform = from_origin(origin[0], origin[1], CLUTTER_STEP_DEG, CLUTTER_STEP_DEG)
    x, y = to_m.transform(*np.meshgrid(lon, lat))
    hills_wooded = county_heights_m(county, x, y) > 110.0
    codes = np.where(hills_wooded, 10, 40).astype(np.uint8)  # woods on the hills, crops below
    rng = np.random.default_rng(county.seed + TERRAIN_SEED_OFFSET + 1)
    grass = [Point(county.c[0] + gx, county.c[1] + gy).buffer(rng.uniform(300, 900))
             for gx, gy in rng.uniform(-18000, 18000, (25, 2))]
    layers = [(grass, 30), ([county.mountain], 10), ([county.urban], 50),
              ([t.buffer(r) for t, r in zip(county.towns, county.town_radius, strict=True)], 50),
              ([county.reservoir], 80)]
    for shapes, code in layers:
        geoms = gpd.GeoSeries(shapes, crs=METRIC_CRS).to_crs(4326)
        mask = rasterize(((g, 1) for g in geoms), out_shape=shape, transform=transform,
                         fill=0, dtype="uint8").astype(bool)
        codes[mask] = code
    out["clutter"] = (codes, origin, CLUTTER_STEP_DEG)
    return out


def shapely_contains(polygon: Polygon, x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Which metric points lie inside ``polygon`` (vectorised)."""
    import shapely

    return shapely.contains_xy(polygon, x, y)


def write_terrain(out_dir: str | Path) -> list[Path]:
    """Write ``dem.tif``, ``clutter.tif`` and ``sample_county_terrain.toml`` (new files)."""
    import rasterio
    from rasterio.transform import from_origin

    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for name, (array, (west, north), step) in terrain_rasters().items():
        path, tmp = out / f"{name}.tif", out / f".{name}.tmp.tif"
        with rasterio.open(tmp, "w", driver="GTiff", width=array.shape[1], height=array.shape[0],
                           count=1, dtype=array.dtype.name, crs="EPSG:4326",
                           transform=from_origin(west, north, step, step), compress="deflate",
                           predictor=2, nodata=(-32768 if name == "dem" else 0)) as ds:
            ds.write(array, 1)
            ds.update_tags(SOURCE="siteplan synthetic sample county (SYNTHETIC, not survey data)")
        tmp.replace(path)
        written.append(path)
    config = out / "sample_county_terrain.toml"
    config.write_text(CONFIG_TOML.replace(
        'context = ["roads.gpkg", "boundary.gpkg"]\n',
        'context = ["roads.gpkg", "boundary.gpkg"]\n'
        '# synthetic SRTM-like 3" DEM and ESA WorldCover-coded land cover (docs/terrain.md)\n'
        'dem = ["dem.tif"]\nclutter = "clutter.tif"\n').replace(
        'name = "Sample county (synthetic)"', 'name = "Sample county (synthetic), terrain"'),
        encoding="utf-8")
    written.append(config)
    return written


def write_layers(out_dir: str | Path, layers: Mapping[str, gpd.GeoDataFrame], config_name: str,
                 config_text: str) -> list[Path]:
    """Write each layer as ``<name>.gpkg`` (through a temporary file, so a reader never
    sees half a layer) and the config ``config_name`` into ``out_dir``; returns the paths
    (the config last). The sample county, province and big region writers share it."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for name, frame in layers.items():
        path = out / f"{name}.gpkg"
        tmp = out / f".{name}.tmp.gpkg"
        frame.to_file(tmp, layer=name, driver="GPKG", engine="pyogrio")
        tmp.replace(path)
        written.append(path)
    config = out / config_name
    config.write_text(config_text, encoding="utf-8")
    return [*written, config]


def write(out_dir: str | Path) -> list[Path]:
    """Write the sample county files into ``out_dir``; returns the paths."""
    from siteplan.datasets.drive_test import write_drive_test  # reads the files written first

    written = write_layers(out_dir, build(), "sample_county.toml", CONFIG_TOML) + write_terrain(
        Path(out_dir))
    return [*written, write_drive_test(out_dir)]


if __name__ == "__main__":
    target = sys.argv[1] if len(sys.argv) > 1 else "data/sample_county"
    for p in write(target):
        print(p)
