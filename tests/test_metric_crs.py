"""Distances and areas are measured in the data's local metric CRS (UTM or CGCS2000
Gauss-Krüger zone, :func:`siteplan.landuse.local_metric_crs`), never in the input's own
projected CRS when that is Web Mercator (EPSG:3857 metres are 1/cos(lat) long: +15 % at
30°N)."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pytest
from pyproj import Geod
from shapely.geometry import Point, box

from siteplan.region.units import tile_units
from siteplan.sources.merge import merge_candidates

LON, LAT = 113.0, 30.0
GEOD = Geod(ellps="WGS84")


def _pair(distance_m: float, crs) -> list[gpd.GeoDataFrame]:
    """Two sources listing a streetlight ``distance_m`` apart (true ground distance)."""
    lon2, lat2, _ = GEOD.fwd(LON, LAT, 90.0, distance_m)
    layers = []
    for sid, (lon, lat), source in (("A", (LON, LAT), "city.csv"), ("B", (lon2, lat2), "osm")):
        layers.append(gpd.GeoDataFrame({"site_id": [sid], "kind": ["streetlight"],
                                        "source": [source]},
                                       geometry=[Point(lon, lat)], crs=4326).to_crs(crs))
    return layers


@pytest.mark.parametrize("crs", [4326, 3857, 32649, 4546])
def test_merge_distance_is_ground_distance_in_any_input_crs(crs):
    """45 m apart merges and 55 m apart does not (``same_structure_m`` 50 m), whatever
    CRS the layers come in: in Web Mercator 45 m read as 52 m and the pair stayed apart."""
    assert len(merge_candidates(_pair(45.0, crs), same_structure_m=50.0)) == 1
    assert len(merge_candidates(_pair(55.0, crs), same_structure_m=50.0)) == 2


def test_tiles_are_tile_km_on_the_ground_from_web_mercator_targets():
    square = gpd.GeoDataFrame({"area_id": ["A"]}, geometry=[box(LON, LAT, LON + 0.3, LAT + 0.3)],
                              crs=4326)
    for crs in (4326, 3857):
        tiles = tile_units(square.to_crs(crs), tile_km=10)
        ground = [abs(GEOD.geometry_area_perimeter(g)[0])
                  for g in tiles.to_crs(4326).geometry]
        np.testing.assert_allclose(ground, 1e8, rtol=0.01)  # 10 km x 10 km


@pytest.mark.parametrize("crs", [4326, 3857, 32649])
def test_tile_count_guard_counts_the_tiles_tile_units_makes(crs):
    """``plan-region``'s guard counts tiles before building them: in Web Mercator it
    counted in 3857 metres (1/cos(lat) long) and disagreed with the tiles made."""
    from siteplan.region.run import count_tiles

    square = gpd.GeoDataFrame({"area_id": ["A"]}, geometry=[box(LON, LAT, LON + 0.9, LAT + 0.9)],
                              crs=4326).to_crs(crs)
    made = len(tile_units(square, tile_km=5))
    assert count_tiles(square, 5) >= made
    assert count_tiles(square, 5) <= made * 1.05  # an upper bound, not a Web Mercator one
