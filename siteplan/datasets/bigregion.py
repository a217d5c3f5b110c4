"""A synthetic 9,600 km² region (SYNTHETIC DATA) for the regional benchmark.

Issue 20's regional target: one ``siteplan plan`` over a square region of
``side_km`` × ``side_km`` (98 km: 9,604 km²) holding a main city, county
seats, towns and villages as target areas with per-area coverage targets in
four milestones (2020 main city, 2021 county seats and industrial parks,
2022 towns, 2023 villages, scenic areas and expressway corridors), about 7
candidates per km² of every site kind (denser in the built-up areas, towers,
greenfield sites and power poles along the roads in the country), a few
land-use zones, and a config with 45 m demand spacing and 20 s per solve.
At full size that is about 970,000 demand points and 66,000 candidates.

Nothing here is a real place: the positions, sizes and counts are chosen to
match the numbers the issue reports (983k demand points, 66k candidates).
Every count scales with the area, so ``side_km=10`` gives a small region of
the same shape for tests. The geometry helpers and the coordinate frame are
those of the sample county (:mod:`siteplan.datasets.generate`). Seeded: the
same arguments give identical layers.

Run ``python -m siteplan.datasets.bigregion OUT_DIR [SIDE_KM [SPACING_M]]``
to write ``candidates.gpkg``, ``targets.gpkg``, ``landuse.gpkg`` and
``region.toml``.

Examples
--------
>>> layers = build_region(side_km=8.0)
>>> sorted(layers)
['candidates', 'landuse', 'targets']
>>> sorted(set(layers["targets"]["milestone"]))
[2020, 2021, 2022, 2023]
>>> bool(layers["candidates"]["site_id"].is_unique)
True
"""

from __future__ import annotations

import sys
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from shapely.geometry import LineString, Point

from siteplan.datasets.generate import (
    CENTRE_E,
    CENTRE_N,
    METRIC_CRS,
    _ellipse,
    _wgs84,
    write_layers,
)
from siteplan.kinds import KIND_INFO

SEED = 20260096
#: side of the full-size region (98 km: 9,604 km²)
FULL_SIDE_KM = 98.0
#: share of the main city's area at full size, per km² of region
CITY_KM2_PER_KM2 = 0.045
#: county seats, towns and villages per 1,000 km² of region
SEATS_PER_1000_KM2 = 0.85
TOWNS_PER_1000_KM2 = 9.5
VILLAGES_PER_1000_KM2 = 115.0
#: candidates per km² of built-up land (main city, county seats, towns), by kind
URBAN_DENSITY = {"streetlight": 14.0, "monitoring_pole": 3.8, "traffic_pole": 2.6,
                 "rooftop": 2.7, "public_building": 1.6, "smart_pole": 1.3, "tower": 1.2,
                 "existing_site": 0.8}
#: candidates per km² of the country outside them, by kind (power poles are on roads)
RURAL_DENSITY = {"tower": 0.42, "existing_site": 0.2}
GREENFIELD_SPACING_M = 1_100.0
POWER_POLE_SPACING_M = 220.0
OWNERS = {"tower": "China Tower", "existing_site": "China Mobile", "rooftop": "Property owner",
          "streetlight": "Urban Management Bureau", "monitoring_pole": "Public Security Bureau",
          "traffic_pole": "Traffic Police", "public_building": "Government Offices",
          "smart_pole": "China Tower", "greenfield": "China Tower (new)",
          "power_pole": "State Grid"}
#: Site-id prefix per kind, from the kind registry.
PREFIX = {k: info.id_prefix for k, info in KIND_INFO.items()}


class _Region:
    """The region's places; ``side_km`` scales every count and the city."""

    def __init__(self, side_km: float = FULL_SIDE_KM, seed: int = SEED) -> None:
        if not side_km >= 4.0:
            raise ValueError("side_km must be at least 4 km")
        self.rng = np.random.default_rng(seed)
        self.side_m = side_km * 1000.0
        self.area_km2 = side_km**2
        half = self.side_m / 2
        self.c = np.array([CENTRE_E, CENTRE_N])
        self.bounds = (self.c[0] - half, self.c[1] - half, self.c[0] + half, self.c[1] + half)
        city_km2 = CITY_KM2_PER_KM2 * self.area_km2
        ry = np.sqrt(city_km2 * 1e6 / (np.pi * 1.3))
        self.city = _ellipse(self.c[0], self.c[1], 1.3 * ry, ry, 20.0)
        self.core = Point(*self.c).buffer(0.2 * ry, 48)
        self.station = Point(self.c[0] - 0.8 * ry, self.c[1] - 0.9 * ry)
        taken: list[tuple[float, float, float]] = [(self.c[0], self.c[1], 1.4 * ry)]
        n_seats = max(int(round(SEATS_PER_1000_KM2 * self.area_km2 / 1000)), 1)
        n_towns = max(int(round(TOWNS_PER_1000_KM2 * self.area_km2 / 1000)), 2)
        n_villages = max(int(round(VILLAGES_PER_1000_KM2 * self.area_km2 / 1000)), 6)
        scale = min(1.0, side_km / 30.0)  # small regions: smaller seats and towns
        angles = np.deg2rad(np.arange(n_seats) * 360.0 / n_seats + 15.0)
        dist = 0.32 * self.side_m
        self.seats = [(self.c[0] + dist * np.cos(a), self.c[1] + dist * np.sin(a))
                      for a in angles]
        self.seat_r = (4_000.0 * scale, 3_000.0 * scale)
        taken += [(x, y, 1.3 * self.seat_r[0]) for x, y in self.seats]
        self.towns = self._place(n_towns, 1_400.0 * scale, taken, gap_m=1_500.0 * scale)
        taken += [(x, y, 1_400.0 * scale) for x, y in self.towns]
        self.town_r = 1_400.0 * scale
        self.villages = self._place(n_villages, 420.0, taken, gap_m=300.0)
        self.village_r = 420.0

    def _place(self, n: int, r: float, taken: list, *, gap_m: float) -> list[tuple[float, float]]:
        """``n`` centres of discs of radius ``r`` apart from ``taken`` discs."""
        minx, miny, maxx, maxy = self.bounds
        xy = np.array([(x, y) for x, y, _ in taken], dtype=float).reshape(-1, 2)
        rad = np.array([t[2] for t in taken], dtype=float)
        out: list[tuple[float, float]] = []
        tries = 0
        while len(out) < n and tries < 200 * n:
            tries += 1
            p = self.rng.uniform([minx + r, miny + r], [maxx - r, maxy - r])
            if np.all(np.hypot(*(xy - p).T) > rad + r + gap_m):
                out.append((float(p[0]), float(p[1])))
                xy = np.vstack([xy, p])
                rad = np.append(rad, r)
        return out

    def roads(self) -> list[LineString]:
        """Expressways city → seat, a ring of seats, roads seat → town, town → village."""
        lines = [LineString([tuple(self.c), s]) for s in self.seats]
        if len(self.seats) > 2:
            lines += [LineString([self.seats[i], self.seats[(i + 1) % len(self.seats)]])
                      for i in range(len(self.seats))]
        hubs = np.array([tuple(self.c), *self.seats])
        for x, y in self.towns:
            h = hubs[np.argmin(np.hypot(hubs[:, 0] - x, hubs[:, 1] - y))]
            lines.append(LineString([tuple(h), (x, y)]))
        towns = np.array(self.towns + [tuple(self.c)])
        for x, y in self.villages[::3]:
            t = towns[np.argmin(np.hypot(towns[:, 0] - x, towns[:, 1] - y))]
            lines.append(LineString([tuple(t), (x, y)]))
        return lines

    def built_up(self) -> list[shapely.Geometry]:
        return ([self.city]
                + [_ellipse(x, y, *self.seat_r, 30.0) for x, y in self.seats]
                + [Point(x, y).buffer(self.town_r, 32) for x, y in self.towns])

    # -- targets ---------------------------------------------------------------
    def targets(self) -> gpd.GeoDataFrame:
        rows: list[dict] = []

        def add(area_id: str, name: str, area_class: str, env: str, milestone: int,
                geom: shapely.Geometry, target: float = 0.95, indoor: bool = False,
                weight: float = 1.0, population: int = 0) -> None:
            rows.append(dict(area_id=area_id, name=name, area_class=area_class,
                             environment=env, milestone=milestone, coverage_target=target,
                             indoor=indoor, weight=weight, population=population,
                             geometry=geom))

        people_per_km2 = {"dense_urban": 20_000, "urban": 8_000, "suburban": 3_000,
                          "rural": 800}

        def pop(geom: shapely.Geometry, env: str) -> int:
            return int(round(geom.area / 1e6 * people_per_km2[env]))

        add("M01", "Main city centre 市中心", "key_area", "dense_urban", 2020, self.core,
            indoor=True, weight=3.0, population=pop(self.core, "dense_urban"))
        urban = self.city.difference(self.core)
        add("M02", "Main city urban area 主城区", "main_urban", "urban", 2020, urban,
            population=pop(urban, "urban"))
        hub = self.station.buffer(700.0, 32)
        add("M03", "Main railway station 火车站", "transport_hub", "suburban", 2020, hub,
            indoor=True, weight=2.0, population=pop(hub, "suburban"))
        for i, (x, y) in enumerate(self.seats, 1):
            seat = _ellipse(x, y, *self.seat_r, 30.0)
            add(f"S{i:02d}", f"County seat {i} 县城", "main_urban", "urban", 2021, seat,
                population=pop(seat, "urban"))
            park = shapely.box(x + self.seat_r[0] * 1.05, y - 1000.0,
                               x + self.seat_r[0] * 1.05 + 2500.0, y + 1000.0)
            add(f"P{i:02d}", f"County {i} industrial park 工业园区", "industrial_park",
                "suburban", 2021, park, population=pop(park, "suburban"))
        for i, (x, y) in enumerate(self.towns, 1):
            town = Point(x, y).buffer(self.town_r, 32)
            add(f"T{i:03d}", f"Town {i} 镇区", "town_seat", "suburban", 2022, town,
                population=pop(town, "suburban"))
        for i, (x, y) in enumerate(self.villages, 1):
            village = Point(x, y).buffer(self.village_r, 16)
            add(f"V{i:04d}", f"Village {i} 行政村", "village", "rural", 2023, village,
                target=0.9, population=pop(village, "rural"))
        built = shapely.union_all(self.built_up())
        for i, s in enumerate(self.seats, 1):
            road = LineString([tuple(self.c), s]).buffer(150.0).difference(built)
            if not road.is_empty:
                add(f"R{i:02d}", f"Expressway to county seat {i} 高速公路", "road_corridor",
                    "rural", 2023, road, target=0.9, population=pop(road, "rural"))
        frame = gpd.GeoDataFrame(rows, geometry="geometry", crs=METRIC_CRS)
        return frame[~frame.geometry.is_empty].reset_index(drop=True)

    # -- candidates --------------------------------------------------------------
    def _inside(self, geom: shapely.Geometry, n: int) -> np.ndarray:
        """``n`` uniform points inside ``geom`` (rejection sampling)."""
        minx, miny, maxx, maxy = geom.bounds
        out = np.zeros((0, 2))
        shapely.prepare(geom)
        while out.shape[0] < n:
            xy = self.rng.uniform([minx, miny], [maxx, maxy], size=(2 * n + 16, 2))
            out = np.vstack([out, xy[shapely.contains_xy(geom, xy[:, 0], xy[:, 1])]])
        return out[:n]

    def candidates(self, water: shapely.Geometry) -> gpd.GeoDataFrame:
        parts: list[tuple[str, np.ndarray]] = []
        built = self.built_up()
        for kind, per_km2 in URBAN_DENSITY.items():
            pts = [self._inside(g, int(self.rng.poisson(per_km2 * g.area / 1e6)))
                   for g in built]
            parts.append((kind, np.vstack(pts)))
        minx, miny, maxx, maxy = self.bounds
        country = shapely.box(*self.bounds).difference(shapely.union_all(built))
        for kind, per_km2 in RURAL_DENSITY.items():
            parts.append((kind, self._inside(country, int(per_km2 * country.area / 1e6))))
        gx = np.arange(minx + GREENFIELD_SPACING_M / 2, maxx, GREENFIELD_SPACING_M)
        gy = np.arange(miny + GREENFIELD_SPACING_M / 2, maxy, GREENFIELD_SPACING_M)
        xx, yy = np.meshgrid(gx, gy)
        grid = np.column_stack([xx.ravel(), yy.ravel()])
        grid += self.rng.uniform(-200.0, 200.0, size=grid.shape)
        parts.append(("greenfield", grid))
        poles = []
        for line in self.roads():
            d = np.arange(POWER_POLE_SPACING_M / 2, line.length, POWER_POLE_SPACING_M)
            pts = shapely.line_interpolate_point(line, d)
            poles.append(np.column_stack([shapely.get_x(pts), shapely.get_y(pts)]))
        poles_xy = np.vstack(poles) + self.rng.normal(0.0, 25.0, size=(sum(map(len, poles)), 2))
        parts.append(("power_pole", poles_xy))
        frames = []
        numbered: dict[str, int] = {}
        for kind, xy in parts:
            keep = ~shapely.contains_xy(water, xy[:, 0], xy[:, 1])
            keep &= (xy[:, 0] > minx) & (xy[:, 0] < maxx) & (xy[:, 1] > miny) & (xy[:, 1] < maxy)
            xy = xy[keep]
            n = xy.shape[0]
            first = numbered.get(kind, 0)
            numbered[kind] = first + n
            ids = [f"{PREFIX[kind]}{i:06d}" for i in range(first + 1, first + n + 1)]
            height = {"tower": self.rng.integers(30, 46, n).astype(float),
                      "existing_site": self.rng.integers(20, 36, n).astype(float),
                      "rooftop": self.rng.integers(22, 50, n).astype(float),
                      "public_building": self.rng.integers(15, 31, n).astype(float),
                      "greenfield": np.full(n, 40.0)}.get(
                kind, self.rng.choice([7.0, 8.0, 10.0, 12.0], n))
            open_access = (np.ones(n, bool) if kind in ("tower", "existing_site", "smart_pole",
                                                          "greenfield", "public_building")
                           else self.rng.random(n) < 0.8)
            supply = self.rng.choice(["direct", "transfer", "unknown"], n, p=[0.6, 0.3, 0.1])
            frames.append(pd.DataFrame({
                "site_id": ids, "kind": kind, "height_m": height, "owner": OWNERS[kind],
                "open_access": open_access, "on_air": False, "power_supply": supply,
                "name": [f"{kind.replace('_', ' ').title()} {s}" for s in ids],
                "x": xy[:, 0], "y": xy[:, 1]}))
        table = pd.concat(frames, ignore_index=True)
        towers_in_city = np.flatnonzero((table["kind"] == "tower").to_numpy() & shapely.contains_xy(
            self.city, table["x"].to_numpy(), table["y"].to_numpy()))
        table.loc[towers_in_city[: max(len(towers_in_city) // 3, 1)], "on_air"] = True
        geometry = gpd.points_from_xy(table.pop("x"), table.pop("y"))
        return gpd.GeoDataFrame(table, geometry=geometry, crs=METRIC_CRS)

    # -- land use ------------------------------------------------------------------
    def landuse(self) -> tuple[gpd.GeoDataFrame, shapely.Geometry]:
        """Reservoirs (water with a red line around), forest, farmland; and the water."""
        rng = np.random.default_rng(self.rng.integers(2**31))
        minx, miny, maxx, maxy = self.bounds
        built = shapely.union_all(self.built_up() + [Point(x, y).buffer(self.village_r + 200)
                                                     for x, y in self.villages])
        rows = []
        n = max(int(self.area_km2 / 400), 1)
        for k in range(n):
            x, y = rng.uniform([minx, miny], [maxx, maxy])
            lake = _ellipse(x, y, rng.uniform(600, 2000), rng.uniform(300, 900),
                            float(rng.uniform(0, 180))).difference(built)
            if lake.is_empty:
                continue
            rows.append((f"W{k + 1:03d}", "water", f"Reservoir {k + 1} 水库", lake))
            rows.append((f"E{k + 1:03d}", "ecological_red_line", f"Reservoir {k + 1} red line",
                         lake.buffer(300.0).difference(lake)))
        for k in range(2 * n):
            x, y = rng.uniform([minx, miny], [maxx, maxy])
            field = _ellipse(x, y, rng.uniform(500, 1500), rng.uniform(300, 800),
                             float(rng.uniform(0, 180))).difference(built)
            if not field.is_empty:
                cls = "basic_farmland" if k % 2 else "forest"
                rows.append((f"F{k + 1:03d}", cls, f"{cls.replace('_', ' ')} {k + 1}", field))
        frame = gpd.GeoDataFrame({"zone_id": [r[0] for r in rows],
                                  "zone_class": [r[1] for r in rows],
                                  "name": [r[2] for r in rows]},
                                 geometry=[r[3] for r in rows], crs=METRIC_CRS)
        water = shapely.union_all([r[3] for r in rows if r[1] == "water"])
        return frame, water


def build_region(side_km: float = FULL_SIDE_KM, *,
                 seed: int = SEED) -> dict[str, gpd.GeoDataFrame]:
    """Every layer of the region in memory (WGS84): ``candidates``,
    ``targets`` and ``landuse`` (SYNTHETIC)."""
    region = _Region(side_km, seed)
    zones, water = region.landuse()
    layers = {"candidates": region.candidates(water), "targets": region.targets(),
              "landuse": zones}
    return {name: _wgs84(frame).reset_index(drop=True) for name, frame in layers.items()}


def site_targets(side_km: float = FULL_SIDE_KM) -> dict[int, int]:
    """Policy site counts per milestone (they scale with the area): the
    early ones below what full coverage needs, the last above it, so the
    site-count analysis runs both max cover (what the count buys) and the
    fill (where the extra sites go)."""
    per_1000_km2 = {2020: 110, 2021: 190, 2022: 330, 2023: 1_000}
    area = side_km**2 / 1000
    return {year: max(int(round(n * area)), 1) for year, n in per_1000_km2.items()}


def region_toml(side_km: float = FULL_SIDE_KM, *, spacing_m: float = 45.0,
                time_limit_s: float = 20.0) -> str:
    """The plan config of a written region."""
    targets = "\n".join(f"{y} = {n}" for y, n in site_targets(side_km).items())
    return f"""\
# Synthetic region of {side_km ** 2:,.0f} km² (SYNTHETIC data: a main city, county seats,
# towns and villages; issue 20's regional benchmark). Copy and edit.
[project]
name = "Synthetic region {side_km:g} km × {side_km:g} km"

[inputs]
candidates = ["candidates.gpkg"]
targets = "targets.gpkg"
landuse = "landuse.gpkg"

[milestones]
{targets}

[solver]
method = "auto"
time_limit_s = {time_limit_s:g}

[assumptions]
"demand.spacing_m" = {spacing_m:g}
"""


def write_region(out_dir: str | Path, side_km: float = FULL_SIDE_KM, *, seed: int = SEED,
                 spacing_m: float = 45.0, time_limit_s: float = 20.0) -> list[Path]:
    """Write the region layers and ``region.toml`` into ``out_dir``."""
    return write_layers(out_dir, build_region(side_km, seed=seed), "region.toml",
                        region_toml(side_km, spacing_m=spacing_m, time_limit_s=time_limit_s))

if __name__ == "__main__":
    args = sys.argv[1:]
    target = args[0] if args else "out/bigregion"
    side = float(args[1]) if len(args) > 1 else FULL_SIDE_KM
    spacing = float(args[2]) if len(args) > 2 else 45.0
    for p in write_region(target, side, spacing_m=spacing):
        print(p)
