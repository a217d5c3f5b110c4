"""The generator rebuilds the shipped sample county with identical content."""

from __future__ import annotations

import geopandas as gpd
import pytest
from geopandas.testing import assert_geodataframe_equal

from siteplan.datasets.generate import build

from .conftest import DATA


@pytest.mark.parametrize("name", ["candidates", "targets", "landuse", "roads", "boundary"])
def test_generator_reproduces_data(name):
    built = build()[name].reset_index(drop=True)
    shipped = gpd.read_file(DATA / "sample_county" / f"{name}.gpkg")
    assert list(built.columns) == list(shipped.columns)
    assert_geodataframe_equal(built, shipped, check_dtype=False, check_less_precise=True,
                              normalize=True)


def test_sample_county_is_county_sized():
    b = build()["boundary"].to_crs(32650)
    assert 1000 < b.area.sum() / 1e6 < 1200
    c = build()["candidates"]
    assert 250 <= (c["kind"] == "tower").sum() <= 400
    assert c["on_air"].sum() > 0
