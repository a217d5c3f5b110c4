"""Readers: GIS files, lon/lat CSV, OpenStreetMap, OpenCelliD, open-resource
lists (开放清单), Chinese coordinate systems; merging sources into one table.

Examples
--------
>>> from siteplan import sources
>>> callable(sources.read_osm) and callable(sources.merge_candidates)
True
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
