"""Terrain and clutter for the propagation model (issue 27, docs/terrain.md).

:class:`~siteplan.terrain.model.PathLossModel` is the one path-loss model of
a plan: flat TR 38.901 without a DEM, profile diffraction and clutter with
one. :func:`~siteplan.terrain.model.load_path_loss_model` builds it from a
config or an assumptions table.
"""

from siteplan.terrain.model import CLUTTER_NAMES, PathLossModel, load_path_loss_model

__all__ = ["CLUTTER_NAMES", "PathLossModel", "load_path_loss_model"]
