"""Readers: GIS files, lon/lat CSV, Chinese coordinate systems.

Examples
--------
>>> from siteplan import sources
>>> callable(sources.read_candidates)
True
"""

from siteplan.sources.coords import (
    bd09_to_wgs84,
    gcj02_to_wgs84,
    wgs84_to_bd09,
    wgs84_to_gcj02,
)
from siteplan.sources.files import read_candidates, read_csv_points, read_layer, read_targets

__all__ = [
    "bd09_to_wgs84", "gcj02_to_wgs84", "read_candidates", "read_csv_points", "read_layer",
    "read_targets", "wgs84_to_bd09", "wgs84_to_gcj02",
]
