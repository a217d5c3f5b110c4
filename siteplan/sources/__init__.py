"""Readers: GIS files, lon/lat CSV, OpenStreetMap, OpenCelliD, open-resource
lists (开放清单), Chinese coordinate systems; merging sources into one table.

Examples
--------
>>> from siteplan import sources
>>> from siteplan.datasets import sample_path
>>> cands = sources.read_candidates(sample_path("candidates.gpkg"))
>>> len(cands), cands.crs.to_epsg()
(5905, 4326)
>>> merged = sources.merge_candidates([cands.iloc[:10], cands.iloc[5:15]])
>>> len(merged)  # rows 5-9 are in both sources: one candidate each
15
"""

from siteplan.sources.coords import (
    bd09_to_wgs84,
    gcj02_to_wgs84,
    wgs84_to_bd09,
    wgs84_to_gcj02,
)
from siteplan.sources.files import read_candidates, read_csv_points, read_layer, read_targets
from siteplan.sources.merge import merge_candidates
from siteplan.sources.opencellid import read_opencellid
from siteplan.sources.openlist import read_open_list
from siteplan.sources.osm import read_osm

__all__ = [
    "bd09_to_wgs84", "gcj02_to_wgs84", "merge_candidates", "read_candidates", "read_csv_points",
    "read_layer", "read_open_list", "read_opencellid", "read_osm", "read_targets",
    "wgs84_to_bd09", "wgs84_to_gcj02",
]
