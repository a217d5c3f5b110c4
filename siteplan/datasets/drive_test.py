"""The sample county's synthetic drive test (``data/sample_county/drive_test.csv``).

Measurements around eight of the sample county's towers, made by
:func:`siteplan.calibrate.synthetic_drive_test` from known tuning
parameters (``TRUTH``: the plan's flat model read 5 dB too pessimistic at
1 km, 3 dB per decade of distance) plus log-normal shadowing of
``SIGMA_DB``, written in WGS84 lon/lat as a planner's drive-test export
is. ``siteplan calibrate`` on it should recover ``TRUTH`` within its
intervals (docs/sinr-calibration.md).

Examples
--------
>>> from siteplan.datasets import sample_path
>>> frame = sample_drive_test(sample_path("sample_county.toml"), points_per_site=5)
>>> list(frame.columns), len(frame)
(['lon', 'lat', 'site_id', 'rsrp_dbm', 'environment'], 40)
"""

from __future__ import annotations

from pathlib import Path

#: The tuning the drive test was made with (what ``calibrate`` should find).
TRUTH = {"offset_db": 5.0, "distance_slope_db_per_dec": 3.0}
#: Log-normal shadowing of the synthetic measurements, dB.
SIGMA_DB = 6.0


def sample_drive_test(config: str | Path, *, points_per_site: int = 150,
                      sigma_db: float = SIGMA_DB, seed: int = 4, towers: int = 8):
    """The drive test as a WGS84 frame with ``lon``, ``lat``, ``site_id``,
    ``rsrp_dbm`` and ``environment`` (the first ``towers`` towers of the
    county ``config``, 100 m - 4 km from them)."""
    from siteplan.calibrate import synthetic_drive_test  # late: the radio model is heavy
    from siteplan.config import load_config
    from siteplan.defaults import Assumptions
    from siteplan.sources.inputs import load_inputs

    cands = load_inputs(load_config(config)).candidates
    sites = cands[cands["kind"] == "tower"].head(towers).to_crs(cands.estimate_utm_crs())
    meas = synthetic_drive_test(sites, Assumptions(), TRUTH, sigma_db=sigma_db,
                                points_per_site=points_per_site, seed=seed,
                                distance_m=(100.0, 4000.0))
    wgs = meas.to_crs(4326)
    return wgs.assign(lon=wgs.geometry.x.round(7), lat=wgs.geometry.y.round(7),
                      rsrp_dbm=wgs["rsrp_dbm"].round(2))[
        ["lon", "lat", "site_id", "rsrp_dbm", "environment"]]


def write_drive_test(out_dir: str | Path, **kwargs) -> Path:
    """Write :func:`sample_drive_test` of the county in ``out_dir`` (its
    ``sample_county.toml``) as ``drive_test.csv`` there."""
    path = Path(out_dir) / "drive_test.csv"
    frame = sample_drive_test(Path(out_dir) / "sample_county.toml", **kwargs)
    frame.to_csv(path, index=False, lineterminator="\n")
    return path
