"""The bundled sample county (synthetic) and where to find it.

Examples
--------
>>> from siteplan.datasets import sample_path
>>> sample_path("sample_county.toml").name
'sample_county.toml'
"""

from __future__ import annotations

import os
from pathlib import Path

SAMPLE_NAMES = ("candidates.gpkg", "targets.gpkg", "landuse.gpkg", "roads.gpkg",
                "boundary.gpkg", "sample_county.toml")


def sample_dir() -> Path:
    """Folder of the sample county: the repository's ``data/sample_county``,
    or (for an installed wheel) a cache folder the generator fills once."""
    repo = Path(__file__).resolve().parents[2] / "data" / "sample_county"
    if all((repo / n).exists() for n in SAMPLE_NAMES):
        return repo
    cache = Path(os.environ.get("SITEPLAN_CACHE", Path.home() / ".cache" / "siteplan")) / "sample"
    if not all((cache / n).exists() for n in SAMPLE_NAMES):
        from siteplan.datasets.generate import write

        write(cache)
    return cache


def data_path(name: str) -> Path:
    """A real-data file shipped in the repository's ``data/`` (OSM extract,
    OpenCelliD export; licences in ``data/README.md``).

    Examples
    --------
    >>> data_path("osm/helsinki.osm.pbf").name
    'helsinki.osm.pbf'
    """
    path = Path(__file__).resolve().parents[2] / "data" / name
    if not path.exists():
        raise FileNotFoundError(f"{path}: not found; the real-data files ship with the "
                                "repository (git clone), not with the wheel.")
    return path


def sample_path(name: str) -> Path:
    """Path of one sample-county file."""
    return sample_dir() / name


def load_sample():
    """Candidates, targets and the parsed config of the sample county."""
    from siteplan.config import load_config
    from siteplan.sources import read_candidates, read_targets

    config = load_config(sample_path("sample_county.toml"))
    return (read_candidates(config.candidates[0].path), read_targets(config.targets.path), config)
