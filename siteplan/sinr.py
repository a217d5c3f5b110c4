"""Best server, SS-RSRP and SS-SINR of a plan's chosen sites.

Every chosen outdoor site transmits on the same carrier (frequency reuse 1):
a macro site as three sectors (azimuths 0/120/240 degrees, or from the
candidate's ``azimuth_deg``, the first sector's azimuth), a pole micro
site as one omnidirectional cell. A demand point is served by the cell it
receives strongest (SS-RSRP); every other cell within
``sinr.max_distance_m`` interferes, scaled by the stated load
(``sinr.load``)::

    SINR = S / (load * sum(I) + N),   N = -174 dBm/Hz + 10 log10(SCS) + NF

per resource element (RSRP is a per-resource-element power). Sector
pattern: TR 38.901 Table 7.3-1, horizontal 65 degree beamwidth and
``A_max`` 30 dB, with a vertical pattern around the macro downtilt
(``sinr.vertical_beamwidth_deg``, ``sinr.vertical_sidelobe_db``). Path loss
is the median (no shadow margin) of the plan's propagation model; the
flat TR 38.901 model is wrapped in :class:`FlatPathLoss`, which has the
signature agreed for the terrain model
(``path_loss_db(site_xy_m, site_height_m, env, pts_xy_m, freq_ghz,
ue_height_m)``) and its tunable fields (``offset_db``,
``distance_slope_db_per_dec``, ``clutter_offset_db``).

Indoor distribution systems (室分) radiate nothing outdoors and are left
out (neither server nor interferer); indoor demand gets the O2I loss on
every cell, so it changes the noise share only.

Per target area the report gives the share of its area (demand points each
stand for the same grid cell) with SINR >= 0 dB and >= 13 dB, the overlap
KPI (share with ``sinr.overlap_servers`` (4) or more cells within
``sinr.overlap_window_db`` (5 dB) of the best, target < 2 %) and the
overshooting sites: a site whose served points lie, for at least
``sinr.overshoot_share`` of them, beyond ``sinr.overshoot_factor`` times the
distance to its first-tier neighbours (mean of its three nearest chosen
sites) while another chosen site is nearer to the point.

Examples
--------
>>> import numpy as np
>>> from siteplan.defaults import Assumptions
>>> a = Assumptions()
>>> res = best_server_sinr(np.array([[0.0, 0.0], [1000.0, 0.0]]), np.array([30.0, 30.0]),
...     np.array([True, True]), np.array([[300.0, 0.0], [500.0, 0.0]]),
...     np.array(["urban", "urban"]), np.array([False, False]),
...     SinrSettings.from_assumptions(a), FlatPathLoss.from_assumptions(a))
>>> res.best_site.tolist()
[0, 0]
>>> bool(res.sinr_db[0] > res.sinr_db[1])
True
"""

from __future__ import annotations

import inspect
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike
from scipy.spatial import cKDTree

from siteplan.errors import ConfigError
from siteplan.messages import Msg
from siteplan.radio import (
    _D2D_MAX_NLOS_M,
    _H_BS_RANGE_M,
    LinkBudget,
    _pl_nlos_prime,
    los_probability,
    path_loss,
    scenario_for,
)

#: SS-SINR reporting thresholds (dB): field bins, not normative (DOMAIN 9).
SINR_FAIR_DB = 0.0
SINR_GOOD_DB = 13.0
#: Sector azimuths of a three-sector macro site relative to its first sector.
SECTOR_OFFSETS_DEG = (0.0, 120.0, 240.0)
_MACRO_HEIGHT_M = 20.0  # flat adapter: a site this tall or taller is a macro site
#: Key prefix of the per-environment calibration offsets (no clutter raster).
ENVIRONMENT_OFFSET_KEY = "pathloss.environment_offset_db."


@dataclass(frozen=True)
class SinrSettings:
    """Assumptions of the best-server / SINR analysis (``sinr.*`` keys).

    Examples
    --------
    >>> from siteplan.defaults import Assumptions
    >>> s = SinrSettings.from_assumptions(Assumptions())
    >>> s.load, s.horizontal_beamwidth_deg, s.max_attenuation_db
    (0.5, 65.0, 30.0)
    >>> round(s.noise_per_re_dbm, 1)
    -122.2
    """

    load: float
    horizontal_beamwidth_deg: float
    max_attenuation_db: float
    vertical_beamwidth_deg: float
    vertical_sidelobe_db: float
    macro_downtilt_deg: float
    max_distance_m: float
    overlap_window_db: float
    overlap_servers: int
    overlap_target_share: float
    overlap_min_rsrp_dbm: float
    overshoot_factor: float
    overshoot_share: float
    noise_per_re_dbm: float
    eirp_macro_dbm: float
    eirp_micro_dbm: float
    indoor_loss_db: float
    ue_height_m: float
    freq_ghz: float

    @classmethod
    def from_assumptions(cls, assumptions: Mapping[str, Any]) -> SinrSettings:
        """Read the ``sinr.*`` keys and the link budget's power, noise and band."""
        budget = LinkBudget.from_assumptions(assumptions)
        noise = (-174.0 + 10.0 * np.log10(budget.scs_khz * 1e3) + budget.noise_figure_db)
        get = {k: float(assumptions[f"sinr.{k}"]) for k in (
            "load", "horizontal_beamwidth_deg", "max_attenuation_db", "vertical_beamwidth_deg",
            "vertical_sidelobe_db", "macro_downtilt_deg", "max_distance_m", "overlap_window_db",
            "overlap_servers", "overlap_target_share", "overlap_min_rsrp_dbm",
            "overshoot_factor", "overshoot_share")}
        get["overlap_servers"] = int(get["overlap_servers"])
        return cls(**get, noise_per_re_dbm=float(noise),
                   eirp_macro_dbm=float(budget.eirp_per_re_dbm(macro=True)),
                   eirp_micro_dbm=float(budget.eirp_per_re_dbm(macro=False)),
                   indoor_loss_db=budget.indoor_loss_db(), ue_height_m=budget.ue_height_m,
                   freq_ghz=budget.freq_ghz)

    def attenuation_db(self, off_boresight_deg: ArrayLike, elevation_deg: ArrayLike,
                       downtilt_deg: ArrayLike) -> np.ndarray:
        """Sector pattern attenuation (dB, >= 0), TR 38.901 Table 7.3-1 form.

        ``min(min(12 (phi/phi_3dB)^2, A_max) + min(12 ((theta - tilt)/theta_3dB)^2,
        SLA_V), A_max)`` with ``theta`` the angle below the horizon.

        Examples
        --------
        >>> from siteplan.defaults import Assumptions
        >>> s = SinrSettings.from_assumptions(Assumptions())
        >>> s.attenuation_db([0.0, 32.5, 180.0], 6.0, 6.0).tolist()
        [0.0, 3.0, 30.0]
        """
        phi = np.asarray(off_boresight_deg, float)
        theta = np.asarray(elevation_deg, float) - np.asarray(downtilt_deg, float)
        a_h = np.minimum(12.0 * (phi / self.horizontal_beamwidth_deg) ** 2,
                         self.max_attenuation_db)
        a_v = np.minimum(12.0 * (theta / self.vertical_beamwidth_deg) ** 2,
                         self.vertical_sidelobe_db)
        return np.minimum(a_h + a_v, self.max_attenuation_db)


@dataclass
class FlatPathLoss:
    """The flat-earth TR 38.901 median path loss behind the agreed model interface.

    ``path_loss_db(site_xy_m, site_height_m, env, pts_xy_m, freq_ghz,
    ue_height_m=1.5)`` gives the loss (dB) from one site to many points:
    the TR 38.901 median of :mod:`siteplan.radio` (``radio.mode`` decides
    NLOS, LOS-probability weighted or LOS; no shadow margin), plus the tuned
    terms ``offset_db + distance_slope_db_per_dec * log10(d / 1 km) +
    clutter_offset_db[class]``. Without a clutter raster a point's clutter
    class is its environment (``dense_urban``, ``urban``, ``suburban``,
    ``rural``).

    Examples
    --------
    >>> from siteplan.defaults import Assumptions
    >>> m = FlatPathLoss.from_assumptions(Assumptions())
    >>> pl = m.path_loss_db((0.0, 0.0), 25.0, "urban", [[500.0, 0.0]], 3.5)
    >>> round(float(pl[0]), 2)
    129.92
    >>> m.offset_db = 3.0
    >>> round(float(m.path_loss_db((0.0, 0.0), 25.0, "urban", [[500.0, 0.0]], 3.5)[0]), 2)
    132.92
    """

    budget: LinkBudget
    offset_db: float = 0.0
    distance_slope_db_per_dec: float = 0.0
    clutter_offset_db: dict[str, float] = field(default_factory=dict)
    #: this model adds ``pathloss.environment_offset_db.<environment>`` (calibration fits them)
    environment_offsets: bool = True

    @classmethod
    def from_assumptions(cls, assumptions: Mapping[str, Any]) -> FlatPathLoss:
        """The plan's flat model with its calibration terms (``pathloss.*``)."""
        from siteplan.defaults import PATHLOSS_ENVIRONMENTS

        return cls(LinkBudget.from_assumptions(assumptions),
                   float(assumptions["pathloss.offset_db"]),
                   float(assumptions["pathloss.distance_slope_db_per_dec"]),
                   {c: float(assumptions[f"{ENVIRONMENT_OFFSET_KEY}{c}"])
                    for c in PATHLOSS_ENVIRONMENTS})

    def clutter_class(self, env: ArrayLike, pts_xy_m: ArrayLike) -> np.ndarray:
        """Clutter class per point: the environment (the flat model has no raster)."""
        n = np.asarray(pts_xy_m, float).reshape(-1, 2).shape[0]
        env = np.asarray(env)
        return np.broadcast_to(env if env.dtype.kind == "U" else env.astype(str), (n,))

    def base_loss_db(self, site_xy_m: ArrayLike, site_height_m: float, env: ArrayLike,
                     pts_xy_m: ArrayLike, freq_ghz: float, ue_height_m: float = 1.5, *,
                     macro: bool | None = None) -> np.ndarray:
        """The untuned median loss (dB): TR 38.901 by each point's environment."""
        return self._losses(site_xy_m, site_height_m, env, pts_xy_m, freq_ghz, ue_height_m,
                            macro)[0]

    def _losses(self, site_xy_m: ArrayLike, site_height_m: float, env: ArrayLike,
                pts_xy_m: ArrayLike, freq_ghz: float, ue_height_m: float,
                macro: bool | None) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """Untuned loss, 2D distance, the classes present and each point's class index."""
        pts = np.asarray(pts_xy_m, float).reshape(-1, 2)
        d2d = np.hypot(*(pts - np.asarray(site_xy_m, float)).T)
        classes, inverse = np.unique(self.clutter_class(env, pts), return_inverse=True)
        macro = bool(site_height_m >= _MACRO_HEIGHT_M) if macro is None else bool(macro)
        out = np.empty(d2d.size)
        for k, e in enumerate(classes):
            at = inverse.reshape(-1) == k
            out[at] = _median_loss(self.budget, scenario_for(str(e), macro=macro), d2d[at],
                                   float(site_height_m), freq_ghz, ue_height_m)
        return out, d2d, classes, inverse.reshape(-1)

    def path_loss_db(self, site_xy_m: ArrayLike, site_height_m: float, env: ArrayLike,
                     pts_xy_m: ArrayLike, freq_ghz: float, ue_height_m: float = 1.5, *,
                     macro: bool | None = None) -> np.ndarray:
        """Median loss (dB) from one site to each point, tuned terms included."""
        base, d2d, classes, inverse = self._losses(site_xy_m, site_height_m, env, pts_xy_m,
                                                   freq_ghz, ue_height_m, macro)
        extra = np.array([self.clutter_offset_db.get(str(c), 0.0) for c in classes])
        d_km = np.maximum(d2d, 10.0) / 1000.0
        return (base + self.offset_db + self.distance_slope_db_per_dec * np.log10(d_km)
                + (extra[inverse] if extra.size else 0.0))


def load_model(assumptions: Mapping[str, Any], crs: Any = None,
               points_xy_m: np.ndarray | None = None) -> Any:
    """The plan's path-loss model: the terrain/clutter model of
    :mod:`siteplan.terrain` (flat 38.901 without a DEM), the one coverage uses;
    per-environment offsets it does not apply are refused."""
    from siteplan.terrain import load_path_loss_model  # late: keeps rasterio out of start-up

    flat = FlatPathLoss.from_assumptions(assumptions)  # reads every pathloss.* key
    model = load_path_loss_model(assumptions, crs, points_xy_m=points_xy_m)
    set_keys = [f"{ENVIRONMENT_OFFSET_KEY}{e}" for e, v in flat.clutter_offset_db.items() if v]
    if set_keys and not getattr(model, "environment_offsets", False):
        raise ConfigError(
            Msg("sinr.assumptions_set_but", set_keys=', '.join(set_keys)))
    return model


def model_classes(model: Any, env: np.ndarray, pts_xy_m: np.ndarray
                  ) -> tuple[np.ndarray, str | None]:
    """Calibration class per point and the key prefix of its offsets.

    A model with a clutter raster (``model.clutter.nearest``) gives land-cover
    classes (``clutter.offset_db.<class>``, points without data: ``no_data``);
    otherwise the class is the point's environment, with the prefix
    ``pathloss.environment_offset_db.`` when the model applies those offsets
    (``model.environment_offsets``), else None (errors are still reported
    per environment, but no class offset is fitted: the plan would not use it).

    Examples
    --------
    >>> from siteplan.defaults import Assumptions
    >>> model_classes(FlatPathLoss.from_assumptions(Assumptions()), np.array(["urban"]),
    ...               np.zeros((1, 2)))[1]
    'pathloss.environment_offset_db.'
    """
    grid = getattr(model, "clutter", None)
    if grid is not None and hasattr(grid, "nearest"):
        from siteplan.terrain.model import CLUTTER_NAMES

        idx = np.asarray(grid.nearest(pts_xy_m[:, 0], pts_xy_m[:, 1]), dtype=np.int64)
        names = np.array([*CLUTTER_NAMES, "no_data"], dtype=object)
        return names[np.where(idx >= 0, idx, len(CLUTTER_NAMES))].astype(str), \
            "clutter.offset_db."
    prefix = ENVIRONMENT_OFFSET_KEY if getattr(model, "environment_offsets", False) else None
    return np.asarray(env).astype(str), prefix


def _median_loss(budget: LinkBudget, scenario: str, d2d_m: np.ndarray, h_bs_m: float,
                 freq_ghz: float, ue_height_m: float) -> np.ndarray:
    """TR 38.901 median loss in the link budget's mode (heights clamped as
    :meth:`LinkBudget.rsrp_dbm` does)."""
    lo, hi = _H_BS_RANGE_M[scenario]
    h_bs = float(np.clip(h_bs_m, max(lo, ue_height_m + 0.5), hi))
    kw = dict(freq_ghz=freq_ghz, h_bs_m=h_bs, h_ut_m=ue_height_m,
              street_width_m=budget.street_width_m, building_height_m=budget.building_height_m)
    if budget.mode in ("los", "nlos"):
        return path_loss(scenario, d2d_m, los=budget.mode == "los", **kw)
    d_los = np.minimum(d2d_m, _D2D_MAX_NLOS_M[scenario])
    pl_los = path_loss(scenario, d_los, los=True, **kw)
    d3d = np.sqrt(np.maximum(d_los, 10.0) ** 2 + (h_bs - ue_height_m) ** 2)
    pl_nlos = np.maximum(pl_los, _pl_nlos_prime(scenario, d3d, freq_ghz, h_bs, ue_height_m,
                                                budget.street_width_m,
                                                budget.building_height_m))
    p = los_probability(scenario, d2d_m, h_ut_m=ue_height_m)
    return pl_los - 10 * np.log10(p + (1 - p) * 10 ** ((pl_los - pl_nlos) / 10))


@dataclass(frozen=True)
class SinrResult:
    """Best server and SINR per demand point, and the overshooting check per site.

    Attributes
    ----------
    best_site : numpy.ndarray of int
        Index into the sites given (-1: no cell within reach).
    best_sector : numpy.ndarray of int
        Sector of the serving cell (0 for an omnidirectional micro cell).
    rsrp_dbm, sinr_db : numpy.ndarray of float
        Serving SS-RSRP and SS-SINR (``-inf`` without a cell).
    servers_in_window : numpy.ndarray of int
        Cells within ``overlap_window_db`` of the best (best included) and
        above ``overlap_min_rsrp_dbm``.
    overshot : numpy.ndarray of bool
        Served beyond the server's first-tier distance while a chosen site is nearer.
    sites : pandas.DataFrame
        Per site: ``served_points``, ``neighbour_distance_m``,
        ``p95_served_distance_m``, ``overshot_points``, ``overshooting``.
    pairs : int
        Cell-point pairs evaluated.
    """

    best_site: np.ndarray
    best_sector: np.ndarray
    rsrp_dbm: np.ndarray
    sinr_db: np.ndarray
    servers_in_window: np.ndarray
    overshot: np.ndarray
    sites: pd.DataFrame
    pairs: int


def _site_pairs(sites_xy: np.ndarray, pts_xy: np.ndarray, max_distance_m: float
                ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(site, point, distance) of every pair within ``max_distance_m``, sorted by site."""
    pairs = cKDTree(sites_xy).sparse_distance_matrix(cKDTree(pts_xy), max_distance_m,
                                                     output_type="ndarray")
    order = np.argsort(pairs["i"], kind="stable")
    return (pairs["i"][order].astype(np.int64), pairs["j"][order].astype(np.int64),
            pairs["v"][order])


def takes_macro(model: Any) -> bool:
    """Whether ``model.path_loss_db`` takes the ``macro`` keyword (both
    siteplan models do; the agreed interface does not require it)."""
    return "macro" in inspect.signature(model.path_loss_db).parameters


def _pair_loss(model: Any, sites_xy: np.ndarray, heights_m: np.ndarray, macro: np.ndarray,
               pts_xy: np.ndarray, env: np.ndarray, site: np.ndarray, point: np.ndarray,
               settings: SinrSettings) -> np.ndarray:
    """Median path loss of every pair, one model call per site (vectorised over points)."""
    loss = np.empty(site.size)
    bounds = np.searchsorted(site, np.arange(sites_xy.shape[0] + 1))
    macro_kw = takes_macro(model)
    for s in range(sites_xy.shape[0]):
        a, b = bounds[s], bounds[s + 1]
        if a == b:
            continue
        pts = point[a:b]
        kw = {"macro": bool(macro[s])} if macro_kw else {}
        loss[a:b] = model.path_loss_db(sites_xy[s], float(heights_m[s]), env[pts],
                                       pts_xy[pts], settings.freq_ghz,
                                       settings.ue_height_m, **kw)
    return loss


def _cell_power(settings: SinrSettings, sites_xy: np.ndarray, heights_m: np.ndarray,
                macro: np.ndarray, azimuth_deg: np.ndarray, pts_xy: np.ndarray,
                indoor: np.ndarray, site: np.ndarray, point: np.ndarray, dist: np.ndarray,
                loss: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Received power per (cell, point): macro pairs become three cell pairs."""
    n_sec = len(SECTOR_OFFSETS_DEG)
    is_macro = macro[site]
    sector = np.tile(np.arange(n_sec), site.size)
    rep = np.repeat(np.arange(site.size), n_sec)
    keep = is_macro[rep] | (sector == 0)
    rep, sector = rep[keep], sector[keep]
    s, p = site[rep], point[rep]
    d = np.maximum(dist[rep], 1.0)
    delta = pts_xy[p] - sites_xy[s]
    bearing = np.degrees(np.arctan2(delta[:, 0], delta[:, 1]))
    azimuth = azimuth_deg[s] + np.asarray(SECTOR_OFFSETS_DEG)[sector]
    off = (bearing - azimuth + 180.0) % 360.0 - 180.0
    elevation = np.degrees(np.arctan2(heights_m[s] - settings.ue_height_m, d))
    att = np.where(macro[s], settings.attenuation_db(off, elevation, settings.macro_downtilt_deg),
                   0.0)
    eirp = np.where(macro[s], settings.eirp_macro_dbm, settings.eirp_micro_dbm)
    rx = eirp - loss[rep] - att - np.where(indoor[p], settings.indoor_loss_db, 0.0)
    return s, sector, p, rx


def best_server_sinr(sites_xy_m: np.ndarray, heights_m: np.ndarray, macro: np.ndarray,
                     pts_xy_m: np.ndarray, env: np.ndarray, indoor: np.ndarray,
                     settings: SinrSettings, model: Any, *,
                     azimuth_deg: np.ndarray | None = None) -> SinrResult:
    """Best server, SS-RSRP and SS-SINR at each point from the given sites.

    Parameters
    ----------
    sites_xy_m, pts_xy_m : numpy.ndarray, shape (n, 2)
        Metric coordinates of the (outdoor) sites and the demand points.
    heights_m : numpy.ndarray
        Antenna height per site.
    macro : numpy.ndarray of bool
        Three-sector macro site (True) or omnidirectional micro cell.
    env : numpy.ndarray of str
        Environment per point (the path-loss model's ``env``).
    indoor : numpy.ndarray of bool
        Indoor demand (O2I loss on every cell).
    settings : SinrSettings
    model : object
        ``path_loss_db(site_xy_m, site_height_m, env, pts_xy_m, freq_ghz, ue_height_m)``.
    azimuth_deg : numpy.ndarray, optional
        First sector's azimuth per site (degrees clockwise from grid north); 0 by default.

    Returns
    -------
    SinrResult
    """
    sites_xy = np.asarray(sites_xy_m, float).reshape(-1, 2)
    pts_xy = np.asarray(pts_xy_m, float).reshape(-1, 2)
    n_pts, n_sites = pts_xy.shape[0], sites_xy.shape[0]
    heights = np.asarray(heights_m, float)
    macro = np.asarray(macro, bool)
    az = np.zeros(n_sites) if azimuth_deg is None else np.nan_to_num(
        np.asarray(azimuth_deg, float))
    if n_sites == 0 or n_pts == 0:
        return _empty_result(n_pts, n_sites)
    site, point, dist = _site_pairs(sites_xy, pts_xy, settings.max_distance_m)
    env = np.asarray(env)
    loss = _pair_loss(model, sites_xy, heights, macro, pts_xy,
                      env if env.dtype.kind == "U" else env.astype(str), site, point, settings)
    s, sector, p, rx = _cell_power(settings, sites_xy, heights, macro, az, pts_xy,
                                   np.asarray(indoor, bool), site, point, dist, loss)
    # strongest cell per point (ties: the first pair), without sorting the pairs
    rsrp = np.full(n_pts, -np.inf)
    np.maximum.at(rsrp, p, rx)
    top = np.flatnonzero(rx == rsrp[p])
    first = np.full(n_pts, rx.size, np.int64)
    np.minimum.at(first, p[top], top)
    has = np.flatnonzero(first < rx.size)
    best_site = np.full(n_pts, -1, np.int64)
    best_sector = np.zeros(n_pts, np.int64)
    best_site[has], best_sector[has] = s[first[has]], sector[first[has]]
    lin = 10.0 ** (rx / 10.0)
    total = np.bincount(p, weights=lin, minlength=n_pts)
    signal = np.where(np.isfinite(rsrp), 10.0 ** (rsrp / 10.0), 0.0)
    noise = 10.0 ** (settings.noise_per_re_dbm / 10.0)
    interference = settings.load * np.maximum(total - signal, 0.0)
    with np.errstate(divide="ignore"):
        sinr = 10.0 * np.log10(signal / (interference + noise))
    window = (rx >= rsrp[p] - settings.overlap_window_db) & (rx >= settings.overlap_min_rsrp_dbm)
    servers = np.bincount(p[window], minlength=n_pts)
    nearest = np.full(n_pts, np.inf)
    np.minimum.at(nearest, point, dist)
    sites_table, overshot = _overshooting(sites_xy, pts_xy, best_site, nearest, settings)
    return SinrResult(best_site, best_sector, rsrp, sinr, servers, overshot, sites_table,
                      int(rx.size))


def _empty_result(n_pts: int, n_sites: int) -> SinrResult:
    table = pd.DataFrame({"served_points": np.zeros(n_sites, np.int64),
                          "neighbour_distance_m": np.full(n_sites, np.nan),
                          "p95_served_distance_m": np.full(n_sites, np.nan),
                          "overshot_points": np.zeros(n_sites, np.int64),
                          "overshooting": np.zeros(n_sites, bool)})
    return SinrResult(np.full(n_pts, -1, np.int64), np.zeros(n_pts, np.int64),
                      np.full(n_pts, -np.inf), np.full(n_pts, -np.inf),
                      np.zeros(n_pts, np.int64), np.zeros(n_pts, bool), table, 0)


def _overshooting(sites_xy: np.ndarray, pts_xy: np.ndarray, best_site: np.ndarray,
                  nearest_m: np.ndarray, settings: SinrSettings
                  ) -> tuple[pd.DataFrame, np.ndarray]:
    """Per site: first-tier distance, served points beyond it, overshooting flag."""
    n_sites = sites_xy.shape[0]
    k = min(3, n_sites - 1)
    if k >= 1:
        dists, _ = cKDTree(sites_xy).query(sites_xy, k=k + 1)
        tier = np.asarray(dists, float).reshape(n_sites, -1)[:, 1:].mean(axis=1)
    else:
        tier = np.full(n_sites, np.inf)
    served = best_site >= 0
    srv = best_site[served]
    d_served = np.hypot(*(pts_xy[served] - sites_xy[srv]).T)
    beyond = (d_served > settings.overshoot_factor * tier[srv]) & (
        nearest_m[served] < d_served - 1e-6)
    overshot = np.zeros(best_site.size, bool)
    overshot[np.flatnonzero(served)[beyond]] = True
    count = np.bincount(srv, minlength=n_sites)
    over = np.bincount(srv[beyond], minlength=n_sites)
    p95 = np.full(n_sites, np.nan)
    if srv.size:
        order = np.argsort(srv, kind="stable")
        cuts = np.searchsorted(srv[order], np.arange(n_sites + 1))
        for i in np.flatnonzero(count):
            p95[i] = float(np.percentile(d_served[order][cuts[i]:cuts[i + 1]], 95))
    share = np.divide(over, count, out=np.zeros(n_sites), where=count > 0)
    table = pd.DataFrame({"served_points": count, "neighbour_distance_m": tier,
                          "p95_served_distance_m": p95, "overshot_points": over,
                          "overshooting": (share >= settings.overshoot_share) & (over > 0)})
    return table, overshot
