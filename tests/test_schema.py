"""Validation of candidate and target layers; readers for GIS and CSV files."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pytest
from shapely.geometry import Point, Polygon, box

from siteplan.errors import InputError
from siteplan.schema import validate_candidates, validate_targets
from siteplan.sources import (
    bd09_to_wgs84,
    gcj02_to_wgs84,
    read_candidates,
    read_layer,
    wgs84_to_bd09,
    wgs84_to_gcj02,
)


def cands(**overrides):
    data = {"site_id": ["a", "b"], "kind": ["tower", "streetlight"]}
    data.update({k: v for k, v in overrides.items() if k != "geometry"})
    geometry = overrides.get("geometry", [Point(119.5, 25.9), Point(119.51, 25.91)])
    return gpd.GeoDataFrame(data, geometry=geometry, crs=overrides.get("crs", 4326))


def test_canonical_defaults_filled():
    out = validate_candidates(cands())
    assert list(out.columns[:8]) == ["site_id", "kind", "height_m", "owner", "open_access",
                                     "on_air", "power_supply", "name"]
    assert out["power_supply"].tolist() == ["unknown", "unknown"]
    assert not out["on_air"].any()


@pytest.mark.parametrize(("frame", "needle"), [
    (cands(crs=None), "no coordinate reference system"),
    (cands(site_id=["a", "a"]), "row 2, column 'site_id': duplicate site_id 'a'"),
    (cands(kind=["tower", "lamp"]), "row 2, column 'kind': unknown kind 'lamp'"),
    (cands(geometry=[Point(25.9, 119.5), Point(25.9, 119.5)]), "swapped"),
    (cands(geometry=[Point(119.5, 25.9), Point()]), "row 2, column 'geometry': geometry is empty"),
    (cands(geometry=[Point(119.5, 25.9), None]), "geometry is missing"),
    (cands(height_m=[10, -3]), "height_m must be"),
    (cands(on_air=["yes", "maybe"]), "on_air must be true/false"),
    (cands().iloc[0:0], "empty"),
])
def test_bad_candidates(frame, needle):
    with pytest.raises(InputError, match=needle.replace("(", r"\(")):
        validate_candidates(frame, source="c.gpkg")


def test_invalid_polygon_target_is_rejected():
    bow = Polygon([(0, 0), (1, 1), (1, 0), (0, 1)])
    frame = gpd.GeoDataFrame({"area_id": ["x"], "area_class": ["village"],
                              "environment": ["rural"], "milestone": [2021]},
                             geometry=[bow], crs=4326)
    with pytest.raises(InputError, match="invalid"):
        validate_targets(frame, "t.gpkg")


def test_target_checks():
    base = {"area_id": ["x"], "area_class": ["village"], "environment": ["rural"],
            "milestone": [2021]}
    geom = [box(119.5, 25.9, 119.51, 25.91)]
    with pytest.raises(InputError, match="environment"):
        validate_targets(gpd.GeoDataFrame({**base, "environment": ["moon"]}, geometry=geom,
                                          crs=4326))
    with pytest.raises(InputError, match="coverage_target"):
        validate_targets(gpd.GeoDataFrame({**base, "coverage_target": [1.5]}, geometry=geom,
                                          crs=4326))
    with pytest.raises(InputError, match="milestone"):
        validate_targets(gpd.GeoDataFrame({**base, "milestone": ["soon"]}, geometry=geom,
                                          crs=4326))


def test_csv_lon_lat_with_line_numbers(tmp_path):
    good = tmp_path / "c.csv"
    good.write_text("site_id,kind,经度,纬度\na,tower,119.5,25.9\nb,tower,119.6,25.8\n",
                    encoding="utf-8")
    out = read_candidates(good)
    assert out.crs.to_epsg() == 4326 and len(out) == 2
    bad = tmp_path / "d.csv"
    bad.write_text("site_id,kind,lon,lat\na,tower,119.5,25.9\nb,tower,25.8,119.6\n")
    with pytest.raises(InputError, match=r"row 3.*swapped"):
        read_candidates(bad)
    missing = tmp_path / "e.csv"
    missing.write_text("site_id,kind,x_coord,y_coord\na,tower,1,2\n")
    with pytest.raises(InputError, match="longitude"):
        read_candidates(missing)


def test_missing_and_corrupt_files(tmp_path):
    with pytest.raises(InputError, match="not found"):
        read_layer(tmp_path / "nope.gpkg")
    junk = tmp_path / "junk.gpkg"
    junk.write_bytes(b"this is not a geopackage")
    with pytest.raises(InputError, match="cannot read"):
        read_layer(junk)


def test_gcj02_round_trip_under_a_metre_inside_china():
    rng = np.random.default_rng(0)
    lon, lat = rng.uniform(75, 134, 2000), rng.uniform(18, 53, 2000)
    glon, glat = wgs84_to_gcj02(lon, lat)
    offset_m = np.hypot((glon - lon) * 111e3 * np.cos(np.radians(lat)), (glat - lat) * 111e3)
    assert offset_m.max() < 1000 and np.median(offset_m) > 100
    blon, blat = gcj02_to_wgs84(glon, glat)
    err = np.hypot((blon - lon) * 111e3 * np.cos(np.radians(lat)), (blat - lat) * 111e3)
    assert err.max() < 1.0
    dlon, dlat = bd09_to_wgs84(*wgs84_to_bd09(lon, lat))
    assert np.hypot((dlon - lon) * 111e3, (dlat - lat) * 111e3).max() < 1.0


def test_gcj02_is_identity_outside_china():
    assert wgs84_to_gcj02(24.94, 60.17) == (24.94, 60.17)
    assert gcj02_to_wgs84(-74.0, 40.7) == (-74.0, 40.7)
