"""Regional planning: a province or prefecture city, one unit per Dask task.

``siteplan plan-region CONFIG --out DIR`` and :func:`plan_region` read the
province's inputs once, write one partition per unit (county polygons from
a layer, or square tiles) with a halo of the longest reach, plan each unit
as its own task on a Dask cluster (local by default), stitch the borders,
and write one merged plan, a province summary, per-unit plan folders and an
overview map.

Modules: :mod:`~siteplan.region.config` (the ``[region]`` table),
:mod:`~siteplan.region.units`, :mod:`~siteplan.region.partition`,
:mod:`~siteplan.region.tasks` (what a worker runs),
:mod:`~siteplan.region.stitch`, :mod:`~siteplan.region.run` (orchestration),
:mod:`~siteplan.region.store` (task results as JSON and Parquet, no pickles),
:mod:`~siteplan.region.outputs`, :mod:`~siteplan.region.cli`. A unit whose
slice of a layer is empty is planned without it, skipped, or reported
unreachable, never failed for it (``docs/regions.md``).

Examples
--------
>>> from siteplan.region import plan_region, load_region_config
>>> plan_region.__module__
'siteplan.region.run'
"""

from __future__ import annotations

import importlib
from typing import Any

_LAZY = {"RegionConfig": "config", "load_region_config": "config", "RegionResult": "run",
         "failures_error": "run", "plan_region": "run"}


def __getattr__(name: str) -> Any:
    """Import the public names on first use (``siteplan --help`` stays fast)."""
    if name in _LAZY:
        return getattr(importlib.import_module(f"siteplan.region.{_LAZY[name]}"), name)
    raise AttributeError(f"module 'siteplan.region' has no attribute {name!r}")


__all__ = ["RegionConfig", "RegionResult", "failures_error", "load_region_config", "plan_region"]
