"""The path-loss model of a plan: flat TR 38.901, or over terrain and clutter.

Without a DEM :class:`PathLossModel` is exactly the flat link budget of
:class:`siteplan.radio.LinkBudget` (``radio.mode`` decides LOS/NLOS from the
distance). With a DEM (``[inputs] dem``) each candidate-demand pair gets a
terrain profile (bilinear samples every ``terrain.profile_step_m``, the 4/3
earth bulge added) and

``PL = PL_38.901(state, d, h_eff) + L_Bullington(terrain) + L_clutter(user's class)
+ offset + slope · log10(d / 1 km) + offset(user's class)``

* ``h_eff``: the mast height plus the ground height at the site minus the
  mean ground height along the profile (a hilltop mast counts higher, one in
  a valley lower), clamped to the scenario's range.
* ``state``: NLOS when the bare-earth profile intrudes into
  ``terrain.fresnel_clearance`` (0.6) of the first Fresnel zone. With a
  clutter raster, clutter heights are added along the profile and the pair
  is LOS when that profile is clear, NLOS otherwise. Without one, a clear
  terrain path keeps ``radio.mode`` (the distance probability).
* ``L_Bullington``: ITU-R P.526 Bullington over the bare-earth profile
  (:mod:`siteplan.terrain.diffraction`); 38.901's NLOS formulas model
  buildings near the user, not hills, so the two add.
* ``L_clutter``: ``clutter.loss_db.<class>`` of the user's cell (foliage,
  which 38.901 lacks); the calibration terms default to 0.

Examples
--------
>>> from siteplan.defaults import Assumptions
>>> m = load_path_loss_model(Assumptions(), crs=32650)
>>> m.has_terrain
False
>>> round(float(m.path_loss_db((0.0, 0.0), 35.0, "rural", np.array([[1000.0, 0.0]]), 3.5)[0]), 1)
130.4
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from siteplan.defaults import CLUTTER_CLASSES, Assumptions
from siteplan.errors import InputError
from siteplan.messages import Msg
from siteplan.radio import _D2D_MAX_M, _D2D_MAX_NLOS_M, SPEED_OF_LIGHT_M_S, LinkBudget, scenario_for
from siteplan.terrain.bound import LossBound, floor_radius_m, ground_floor, loss_bound
from siteplan.terrain.diffraction import bullington_db, earth_bulge_m, profile_nu
from siteplan.terrain.raster import Grid, read_grid, split_paths
from siteplan.terrain.zones import uses_zones, zone_clutter_grid
from siteplan.threads import in_pieces, one_thread_below

#: Profile samples evaluated per chunk (pairs x samples); bounds the memory (~10 arrays of 8 B).
CHUNK_SAMPLES = 2_000_000
#: Pairs per call of the compiled kernel in :meth:`PathLossModel.pair_rsrp_dbm` (bounds its outputs).
PAIR_CHUNK = 2_000_000
CLUTTER_NAMES = tuple(CLUTTER_CLASSES)
_CODE_TO_INDEX = {code: i for i, (code, _h, _l) in enumerate(CLUTTER_CLASSES.values())}


@dataclass(frozen=True)
class ProfileTerms:
    """What the profiles say about each pair (all ``(pairs,)`` arrays)."""

    diffraction_db: np.ndarray
    terrain_blocked: np.ndarray
    los: np.ndarray | None
    h_eff_m: np.ndarray
    ue_class: np.ndarray
    dead: np.ndarray | None = None


@dataclass
class PathLossModel:
    """Path loss of candidate-demand pairs; flat 38.901 when ``dem`` is None.

    Attributes
    ----------
    budget : LinkBudget
    dem, clutter : Grid or None
        Ground heights (m) and clutter class indices into ``CLUTTER_NAMES``
        (-1: no data), both in the planning CRS.
    offset_db, distance_slope_db_per_dec : float
        Calibration terms (``pathloss.*``).
    clutter_offset_db : dict
        Calibration offset per clutter class (``clutter.offset_db.*``).
    """

    budget: LinkBudget
    dem: Grid | None = None
    clutter: Grid | None = None
    k_factor: float = 4.0 / 3.0
    step_m: float = 30.0
    max_samples: int = 256
    fresnel_clearance: float = 0.6
    offset_db: float = 0.0
    distance_slope_db_per_dec: float = 0.0
    clutter_offset_db: dict[str, float] = field(default_factory=dict)
    clutter_height_m: dict[str, float] = field(default_factory=dict)
    clutter_loss_db: dict[str, float] = field(default_factory=dict)

    @property
    def has_terrain(self) -> bool:
        """True when a DEM (and maybe clutter) is used."""
        return self.dem is not None

    @property
    def is_flat(self) -> bool:
        """Exactly today's flat link budget: no DEM, no clutter, no calibration terms."""
        return (self.dem is None and self.clutter is None and self.offset_db == 0.0
                and self.distance_slope_db_per_dec == 0.0
                and not any(self.clutter_offset_db.values()))

    def _class_table(self, values: dict[str, float]) -> np.ndarray:
        """Per class index (and a trailing 0 for no data, index -1)."""
        return np.array([float(values.get(c, 0.0)) for c in CLUTTER_NAMES] + [0.0])

    def profile_terms(self, site_xy_m: np.ndarray, site_height_m: np.ndarray, pts_xy_m: np.ndarray,
                      ue_height_m: float, freq_ghz: float,
                      los_only: np.ndarray | None = None, *, bound: LossBound | None = None,
                      need_db: np.ndarray | None = None,
                      ue_class: np.ndarray | None = None) -> ProfileTerms:
        """Profiles of many pairs by the compiled kernel (:mod:`siteplan.terrain.kernels`).

        Same results as :meth:`profile_terms_numpy`. Pairs marked ``los_only``
        (only line of sight could cover them) whose profile the clutter
        blocks are returned ``dead`` (their other terms are not computed), and
        so are pairs whose ``bound`` (:mod:`siteplan.terrain.bound`) at the
        highest effective mast their ground floor allows stays below
        ``need_db`` (per pair; -inf: never dropped).
        """
        from siteplan.terrain import kernels

        n = pts_xy_m.shape[0]
        f64 = np.ascontiguousarray
        out = self._kernel_outputs(site_height_m)
        if ue_class is None:
            ue_class = self.user_class(pts_xy_m)
        flags = np.zeros(n, bool) if los_only is None else np.asarray(los_only, bool)
        need = None if bound is None or need_db is None else f64(need_db, float)
        grids, prm = self._kernel_inputs(ue_height_m, freq_ghz, bound if need is not None else None)
        # the indexed kernel with pair i joining user i and site i (one compiled kernel:
        # a pair is LOS-only when its site's "NLOS reach" is -inf; no distance slope)
        pair = np.arange(n, dtype=np.int64)
        with one_thread_below(n, kernels.PARALLEL_MIN_PAIRS):
            kernels.profiles_indexed(
                pair, pair, np.zeros(n), f64(pts_xy_m[:, 0], float), f64(pts_xy_m[:, 1], float),
                np.full(n, -np.inf) if need is None else need, f64(site_xy_m[:, 0], float),
                f64(site_xy_m[:, 1], float), f64(site_height_m, float),
                np.where(flags, -np.inf, np.inf), 0.0, *grids, prm, *out)
        return self._terms(out, ue_class)

    def _kernel_outputs(self, site_height_m: ArrayLike) -> tuple[np.ndarray, ...]:
        """The kernel's ``out_*`` arrays (diffraction, blocked, LOS, h_eff, dead) of pairs."""
        h = np.asarray(site_height_m, float)
        n = h.shape[0]
        return np.zeros(n), np.zeros(n, bool), np.zeros(n, bool), h.copy(), np.zeros(n, bool)

    def _terms(self, out: tuple[np.ndarray, ...], ue_class: np.ndarray) -> ProfileTerms:
        diff, block, los, heff, dead = out
        return ProfileTerms(diff, block, los if self.clutter is not None else None, heff, ue_class,
                            dead)

    def _kernel_inputs(self, ue_height_m: float, freq_ghz: float,
                       bound: LossBound | None) -> tuple[tuple[np.ndarray, ...], np.ndarray]:
        """The kernel's grids ``(dem, floor, clutter codes, clutter heights, bound
        table)`` and its scalars (:func:`~siteplan.terrain.kernels.pack_params`)."""
        from siteplan.terrain import kernels

        clutter = self.clutter or Grid(np.full((1, 1), -1, np.int32), 0.0, 0.0, 1.0, ())
        geometry = dict(dem_origin=(self.dem.x0_m, self.dem.y0_m, self.dem.res_m),
                        clutter_origin=(clutter.x0_m, clutter.y0_m, clutter.res_m))
        geometry["same_grid"] = (self.clutter is not None
                                 and clutter.values.shape == self.dem.values.shape
                                 and geometry["clutter_origin"] == geometry["dem_origin"])
        if bound is None:
            low, table = self.dem.values[:1, :1], np.zeros((2, 1, 1))
        else:
            table = bound.table_db
            geometry.update(radius=floor_radius_m(self.step_m), bound=(
                bound.h0_m, bound.dh_m, bound.ln_d0, bound.dln, bound.margin_db))
            low = self._floor(geometry["radius"]).values
        prm = kernels.pack_params(
            h_ue=float(ue_height_m), has_clutter=self.clutter is not None, step=float(self.step_m),
            max_intervals=float(max(2, self.max_samples - 1)), k_factor=float(self.k_factor),
            wavelength=SPEED_OF_LIGHT_M_S / (freq_ghz * 1e9),
            limit=-self.fresnel_clearance * np.sqrt(2.0), **geometry)
        grids = (np.ascontiguousarray(self.dem.values, np.float32),
                 np.ascontiguousarray(low, np.float32), self._class_codes(clutter),
                 self._class_table(self.clutter_height_m), table)
        return grids, prm

    def pair_rsrp_dbm(self, scenario: str, site_xy_m: np.ndarray, site_height_m: np.ndarray,
                      pts_xy_m: np.ndarray, rows: np.ndarray, cols: np.ndarray, d2d_m: np.ndarray,
                      *, macro: bool, indoor: np.ndarray, site_nlos_m: np.ndarray,
                      cutoff_dbm: float) -> np.ndarray:
        """:meth:`rsrp_dbm` over terrain of pairs given as indices (user ``rows[i]``,
        site ``cols[i]``, ``d2d_m[i]`` apart), without a per-pair copy of
        their coordinates, heights or classes.

        Each pair at or above ``cutoff_dbm`` gets exactly :meth:`rsrp_dbm`'s
        value; a pair that provably stays below it is -inf, its profile
        unwalked or cut short (by the bound, or, beyond its site's
        ``site_nlos_m``, by the clutter blocking its only chance, a clear
        path). Only the pairs the kernel leaves alive reach the 38.901
        formulas.

        Parameters
        ----------
        site_xy_m, site_height_m : numpy.ndarray
            ``(sites, 2)`` positions and ``(sites,)`` mast heights.
        pts_xy_m, indoor : numpy.ndarray
            ``(users, 2)`` positions and ``(users,)`` indoor flags.
        site_nlos_m : numpy.ndarray
            ``(sites,)``: no NLOS path of the site covers a user farther away.
        """
        from siteplan.terrain import kernels

        lb, f64 = self.budget, np.ascontiguousarray
        ue_class = self.user_class(pts_xy_m)
        eirp, z = lb.eirp_per_re_dbm(macro=macro), lb._z()
        o2i = np.where(indoor, lb.indoor_loss_db(), 0.0)
        # the user's part of the kernel's need: its clutter and calibration terms
        # beyond the most loss the pair may have (the distance slope is added per pair)
        need = self._class_extra_db(ue_class) - (eirp - o2i - cutoff_dbm)
        bound = loss_bound(lb, scenario, clutter=self.clutter is not None)
        grids, prm = self._kernel_inputs(lb.ue_height_m, lb.freq_ghz, bound)
        pt_x, pt_y = f64(pts_xy_m[:, 0], float), f64(pts_xy_m[:, 1], float)
        site_x, site_y = f64(site_xy_m[:, 0], float), f64(site_xy_m[:, 1], float)
        h_site, nlos_m = f64(site_height_m, float), f64(site_nlos_m, float)
        rsrp = np.full(rows.size, -np.inf)
        for a in range(0, rows.size, PAIR_CHUNK):
            r, c, d = rows[a:a + PAIR_CHUNK], cols[a:a + PAIR_CHUNK], d2d_m[a:a + PAIR_CHUNK]
            out = self._kernel_outputs(h_site[c])
            with one_thread_below(r.size, kernels.PARALLEL_MIN_PAIRS):
                kernels.profiles_indexed(f64(r), f64(c), f64(d, float), pt_x, pt_y, need, site_x,
                                         site_y, h_site, nlos_m,
                                         float(self.distance_slope_db_per_dec), *grids, prm, *out)
            alive = np.flatnonzero(~out[4])

            def finish(piece: slice, alive: np.ndarray = alive, out: tuple = out, a: int = a,
                       r: np.ndarray = r, d: np.ndarray = d) -> None:
                pick = alive[piece]
                user = r[pick]
                terms = self._terms(tuple(o[pick] for o in out), ue_class[user])
                pl, sigma = self._terrain_loss(scenario, lb, d[pick], terms)
                pl = self._add_extra(pl, terms.ue_class, d[pick])
                rsrp[a + pick] = eirp - pl - z * sigma - o2i[user]

            in_pieces(finish, alive.size)  # the 38.901 numpy on the cores
        return rsrp

    def user_class(self, pts_xy_m: np.ndarray) -> np.ndarray:
        """Clutter class index of each user's cell (-1: none or no clutter raster)."""
        if self.clutter is None:
            return np.full(pts_xy_m.shape[0], -1, np.int64)
        return self.clutter.nearest(pts_xy_m[:, 0], pts_xy_m[:, 1])

    def _class_codes(self, clutter: Grid) -> np.ndarray:
        """The clutter class indices as int8 (a quarter of the memory the profile
        walk reads; kept per process for the same grid)."""
        if self.clutter is None:
            return np.full((1, 1), -1, np.int8)
        if len(CLUTTER_NAMES) >= 127:  # pragma: no cover - the class list is short
            return np.ascontiguousarray(clutter.values, np.int32)
        return _derived(clutter, ("int8",),
                        lambda: np.ascontiguousarray(clutter.values, np.int8))

    def _floor(self, radius_m: float) -> Grid:
        """:func:`~siteplan.terrain.bound.ground_floor` of the DEM (kept per model)."""
        return _derived(self.dem, ("floor", radius_m), lambda: ground_floor(self.dem, radius_m))

    def profile_terms_numpy(self, site_xy_m: np.ndarray, site_height_m: np.ndarray,
                            pts_xy_m: np.ndarray, ue_height_m: float,
                            freq_ghz: float) -> ProfileTerms:
        """Profiles of many pairs as numpy arrays (chunks of :data:`CHUNK_SAMPLES` samples);
        the reference the compiled kernel is tested against.

        Parameters
        ----------
        site_xy_m, pts_xy_m : numpy.ndarray
            ``(pairs, 2)`` site and user positions.
        site_height_m : numpy.ndarray
            ``(pairs,)`` mast heights above ground.
        """
        n = pts_xy_m.shape[0]
        d = np.maximum(np.hypot(*(pts_xy_m - site_xy_m).T), 1.0)
        # intervals per pair: one per step_m (at least 2, at most max_samples - 1); a chunk's
        # arrays are as wide as its longest profile, shorter ones repeat their last interior
        # sample (which changes no maximum), so a pair's result never depends on its chunk
        intervals = np.clip(np.ceil(d / self.step_m), 2, max(2, self.max_samples - 1)).astype(np.int64)
        out_diff, out_block = np.zeros(n), np.zeros(n, bool)
        out_los = np.zeros(n, bool) if self.clutter is not None else None
        out_heff = np.asarray(site_height_m, float).copy()
        ue_class = (self.clutter.nearest(pts_xy_m[:, 0], pts_xy_m[:, 1]) if self.clutter is not None
                    else np.full(n, -1, np.int64))
        heights = self._class_table(self.clutter_height_m)
        wavelength = SPEED_OF_LIGHT_M_S / (freq_ghz * 1e9)
        limit = -self.fresnel_clearance * np.sqrt(2.0)
        order = np.argsort(intervals, kind="stable")  # similar lengths share a chunk
        per_chunk = max(1, CHUNK_SAMPLES // (int(intervals.max(initial=2)) + 1))
        for a in range(0, n, per_chunk):
            sl = order[a:a + per_chunk]
            k = int(intervals[sl[-1]]) + 1
            m = intervals[sl][:, None]
            j = np.arange(k)[None, :]
            t = np.where(j == k - 1, 1.0, np.minimum(j, m - 1) / m)
            real = (j < m) | (j == k - 1)
            sx, sy = site_xy_m[sl, 0][:, None], site_xy_m[sl, 1][:, None]
            xs = sx + t * (pts_xy_m[sl, 0][:, None] - sx)
            ys = sy + t * (pts_xy_m[sl, 1][:, None] - sy)
            ground = self.dem.bilinear(xs, ys)
            dd = d[sl]
            s = t * dd[:, None]
            terrain = ground + earth_bulge_m(s, dd[:, None], self.k_factor)
            h_tx = ground[:, 0] + site_height_m[sl]
            h_rx = ground[:, -1] + ue_height_m
            mean_ground = (ground * real).sum(axis=1) / real.sum(axis=1)
            out_heff[sl] = site_height_m[sl] + ground[:, 0] - mean_ground
            out_diff[sl] = bullington_db(terrain, s, dd, h_tx, h_rx, wavelength)
            out_block[sl] = profile_nu(terrain, s, dd, h_tx, h_rx, wavelength) > limit
            if out_los is not None:
                cls = self.clutter.nearest(xs, ys)
                cluttered = terrain + heights[cls]
                out_los[sl] = profile_nu(cluttered, s, dd, h_tx, h_rx, wavelength) <= limit
        return ProfileTerms(out_diff, out_block, out_los, out_heff, ue_class)

    def loss_sigma_db(self, scenario: str, site_xy_m: np.ndarray, site_height_m: ArrayLike,
                      pts_xy_m: np.ndarray, d2d_m: np.ndarray | None = None,
                      budget: LinkBudget | None = None,
                      los_only: np.ndarray | None = None,
                      max_loss_db: ArrayLike | None = None) -> tuple[np.ndarray, np.ndarray]:
        """Median path loss and shadow sigma (dB) of pairs; +inf beyond the model's range.

        ``site_xy_m`` is one site ``(2,)`` or one per pair ``(pairs, 2)``.
        With ``max_loss_db`` (per pair or one value), a pair whose loss plus
        the shadow margin ``z·σ`` provably exceeds it is returned +inf without
        its profile (:mod:`siteplan.terrain.bound`); every other pair is exact.
        """
        lb = budget or self.budget
        pts = np.asarray(pts_xy_m, float).reshape(-1, 2)
        sites = np.broadcast_to(np.asarray(site_xy_m, float).reshape(-1, 2), pts.shape)
        h_site = np.broadcast_to(np.asarray(site_height_m, float), pts.shape[:1]).astype(float)
        d = np.hypot(*(pts - sites).T) if d2d_m is None else np.asarray(d2d_m, float)
        ue_class = self.user_class(pts)
        if self.dem is None:
            d_ok = np.minimum(d, (_D2D_MAX_M if lb.mode == "los" else _D2D_MAX_NLOS_M)[scenario])
            pl, sigma = lb.median_loss_db(scenario, d_ok, h_site)
            pl = np.where(d > d_ok, np.inf, pl)
        else:
            bound = need = None
            if max_loss_db is not None:
                bound = loss_bound(lb, scenario, clutter=self.clutter is not None)
                need = self._extra_db(ue_class, d) - np.asarray(max_loss_db, float)
            terms = self.profile_terms(sites, h_site, pts, lb.ue_height_m, lb.freq_ghz, los_only,
                                       bound=bound, need_db=need, ue_class=ue_class)
            pl, sigma = self._terrain_loss(scenario, lb, d, terms)
        return self._add_extra(pl, ue_class, d), sigma

    def _extra_db(self, ue_class: np.ndarray, d: np.ndarray) -> np.ndarray:
        """The loss known before any profile: the user's clutter loss and
        offset, the calibration offset and distance slope."""
        return self._add_extra(np.zeros(d.shape), ue_class, d)

    def _class_extra_db(self, ue_class: np.ndarray) -> np.ndarray:
        """The user's clutter loss and offset plus the calibration offset (dB)."""
        return self._add_extra(np.zeros(np.shape(ue_class)), ue_class, None)

    def _add_extra(self, pl: np.ndarray, ue_class: np.ndarray, d: np.ndarray | None) -> np.ndarray:
        """``pl`` plus the user's clutter loss and offset and the calibration terms
        (without the distance slope when ``d`` is None)."""
        by_class = (self._class_table(self.clutter_loss_db)[ue_class]
                    + self._class_table(self.clutter_offset_db)[ue_class]) \
            if self.clutter is not None else self._class_table(self.clutter_offset_db)[ue_class]
        pl = pl + by_class + self.offset_db
        if d is None:
            return pl
        if self.distance_slope_db_per_dec == 0.0:  # adding 0 · log10(...) changes nothing
            return pl
        return pl + self.distance_slope_db_per_dec * np.log10(np.maximum(d, 10.0) / 1000.0)

    def _terrain_loss(self, scenario: str, lb: LinkBudget, d: np.ndarray,
                      terms: ProfileTerms) -> tuple[np.ndarray, np.ndarray]:
        """38.901 in the profile's state plus the terrain diffraction loss."""
        # state per pair: NLOS where the terrain blocks; else LOS/NLOS from the clutter
        # profile, or radio.mode without clutter; dead pairs are not evaluated
        alive = np.ones(d.shape, bool) if terms.dead is None else ~terms.dead
        blocked = terms.terrain_blocked
        pl, sigma = np.full(d.shape, np.inf), np.zeros(d.shape)
        if terms.los is None:
            fixed, los = alive & blocked, np.zeros(d.shape, bool)
            mode = alive & ~blocked
            d_max = (_D2D_MAX_M if lb.mode == "los" else _D2D_MAX_NLOS_M)[scenario]
            ok = mode & (d <= d_max)
            if ok.any():
                pl[ok], sigma[ok] = lb.median_loss_db(scenario, d[ok], terms.h_eff_m[ok])
        else:
            fixed, los = alive, terms.los & ~blocked
        ok = fixed & (d <= np.where(los, _D2D_MAX_M[scenario], _D2D_MAX_NLOS_M[scenario]))
        if ok.any():
            pl[ok], sigma[ok] = lb.median_loss_db(scenario, d[ok], terms.h_eff_m[ok], los[ok])
        return pl + terms.diffraction_db, sigma

    def rsrp_dbm(self, scenario: str, site_xy_m: np.ndarray, site_height_m: ArrayLike,
                 pts_xy_m: np.ndarray, d2d_m: np.ndarray, *, macro: bool,
                 indoor: np.ndarray | bool = False, cutoff_dbm: float | None = None) -> np.ndarray:
        """Planning RSRP (dBm) of pairs: EIRP − PL − z·σ − O2I (−inf out of range).

        Identical to :meth:`LinkBudget.rsrp_dbm` when :attr:`is_flat`. With
        ``cutoff_dbm`` (the coverage threshold) pairs that provably stay below
        it come back −inf without their profile; every pair at or above it,
        and its RSRP, is exactly as without.
        """
        if self.is_flat:
            return self.budget.rsrp_dbm(scenario, d2d_m, site_height_m, macro=macro, indoor=indoor)
        los_only = None
        if self.dem is not None and self.clutter is not None:
            # beyond the NLOS reach of the most favourable mast only a clear (LOS) path covers
            reach, _far = self.search_radii_m(scenario, float(np.max(site_height_m)), macro=macro)
            los_only = np.asarray(d2d_m) > reach
        eirp = self.budget.eirp_per_re_dbm(macro=macro)
        o2i = np.where(indoor, self.budget.indoor_loss_db(), 0.0)
        max_loss = None if cutoff_dbm is None else eirp - o2i - cutoff_dbm
        pl, sigma = self.loss_sigma_db(scenario, site_xy_m, site_height_m, pts_xy_m, d2d_m,
                                       los_only=los_only, max_loss_db=max_loss)
        return eirp - pl - self.budget._z() * sigma - o2i

    def path_loss_db(self, site_xy_m: ArrayLike, site_height_m: ArrayLike, env: str | np.ndarray,
                     pts_xy_m: ArrayLike, freq_ghz: float, ue_height_m: float = 1.5, *,
                     macro: bool = True) -> np.ndarray:
        """Median path loss (dB, no shadow margin) from a site to points.

        Parameters
        ----------
        site_xy_m : array
            One site ``(2,)`` or one per point ``(n, 2)``, planning CRS.
        site_height_m : float or array
            Mast height(s) above ground.
        env : str or array of str
            Demand environment(s) (``dense_urban`` … ``rural``): the 38.901 scenario.
        pts_xy_m : array
            ``(n, 2)`` user positions.
        freq_ghz, ue_height_m : float
        macro : bool
            Macro (UMa in cities) or micro (UMi) site.

        Returns
        -------
        numpy.ndarray
            ``(n,)`` loss in dB; +inf beyond the model's distance range.
        """
        pts = np.asarray(pts_xy_m, float).reshape(-1, 2)
        lb = dataclasses.replace(self.budget, freq_ghz=float(freq_ghz), ue_height_m=float(ue_height_m))
        envs = np.broadcast_to(np.asarray(env, dtype=object), pts.shape[:1])
        sites = np.broadcast_to(np.asarray(site_xy_m, float).reshape(-1, 2), pts.shape)
        h = np.broadcast_to(np.asarray(site_height_m, float), pts.shape[:1])
        out = np.full(pts.shape[0], np.inf)
        for environment in np.unique(envs.astype(str)):
            sel = envs == environment
            out[sel], _ = self.loss_sigma_db(scenario_for(environment, macro=macro), sites[sel],
                                             h[sel], pts[sel], budget=lb)
        return out

    def search_radii_m(self, scenario: str, h_bs_m: float, *, macro: bool,
                       relief: bool = True) -> tuple[float, float]:
        """Spatial-index radii: ``(every user, users in open land cover)``.

        With a clutter raster a clear profile is LOS and reaches much further
        than NLOS; only users standing in open classes (clutter no taller than
        the user) are searched that far (:meth:`open_mask`), the others out to
        the NLOS reach of the most favourable mast. Without clutter both are
        :meth:`max_reach_m`.
        """
        far = self.max_reach_m(scenario, h_bs_m, macro=macro, relief=relief)
        if self.clutter is None or self.dem is None:
            return far, far
        near = dataclasses.replace(self, budget=dataclasses.replace(self.budget, mode="nlos"),
                                   clutter=None).max_reach_m(scenario, h_bs_m, macro=macro,
                                                             relief=relief)
        return min(near, far), far

    def site_reach_m(self, scenario: str, site_xy_m: np.ndarray, site_height_m: np.ndarray, *,
                     macro: bool, window_m: float) -> tuple[np.ndarray, np.ndarray]:
        """Per-site search radii ``(every user, users in open land)`` from a bound
        on each site's effective height: mast + ground at the site − the lowest
        ground within ``window_m`` (the mean ground along any profile of at most
        ``window_m`` is no lower). Diffraction and clutter losses are never
        negative, so no pair beyond them can clear the threshold."""
        ground = self.dem.bilinear(site_xy_m[:, 0], site_xy_m[:, 1])
        lowest = self._window_min_m(site_xy_m, window_m)
        bound = np.minimum(150.0, site_height_m + np.maximum(ground - lowest, 0.0))
        key = (repr(self.budget), self.offset_db, self.distance_slope_db_per_dec,
               tuple(sorted(self.clutter_offset_db.items())), self.clutter is None, scenario, macro)
        if key not in _REACH_TABLES:  # radii for masts of 0..150 m (5 m steps), flat ground
            if len(_REACH_TABLES) > 64:
                _REACH_TABLES.clear()
            _REACH_TABLES[key] = np.array([
                self.search_radii_m(scenario, max(h, 1.0), macro=macro, relief=False)
                for h in _REACH_HEIGHTS_M]).T
        near, far = _REACH_TABLES[key]
        # radii grow with the mast: take the next tabulated height up
        upper = np.searchsorted(_REACH_HEIGHTS_M, np.minimum(bound, 150.0))
        return near[upper], far[upper]

    def _window_min_m(self, site_xy_m: np.ndarray, window_m: float) -> np.ndarray:
        """The DEM's lowest cell within ``window_m`` + two cells (each axis) of each
        site, never above the true lowest: a compiled scan of the blocks of
        ``block`` x ``block`` cells the window touches (a power of two, at most
        about 16 blocks across the window; the block minima kept per DEM)."""
        from siteplan.terrain import kernels

        reach = window_m + 2.0 * self.dem.res_m
        block = 1
        while 2.0 * reach / (self.dem.res_m * block) > 16.0:
            block *= 2
        xy = np.ascontiguousarray(site_xy_m, float)
        with one_thread_below(xy.shape[0] * 256, kernels.PARALLEL_MIN_PAIRS):
            return kernels.window_min_at(_block_min(self.dem, block), float(self.dem.x0_m),
                                         float(self.dem.y0_m), float(self.dem.res_m), block,
                                         xy[:, 0].copy(), xy[:, 1].copy(), float(reach))

    def open_mask(self, pts_xy_m: np.ndarray) -> np.ndarray:
        """Users whose own clutter cell is no taller than the user (or has no class)."""
        if self.clutter is None:
            return np.ones(len(pts_xy_m), bool)
        heights = self._class_table(self.clutter_height_m)
        cls = self.clutter.nearest(pts_xy_m[:, 0], pts_xy_m[:, 1])
        return heights[cls] <= self.budget.ue_height_m

    def bonus_budget(self) -> LinkBudget:
        """The budget with its threshold lowered by the most the calibration terms
        can lower a loss: negative offsets; ``slope · log10(max(d, 10 m) / 1 km)``
        is -2 · slope at 10 m and -slope at 10 km (a positive slope lowers the
        loss of every pair nearer than 1 km)."""
        slope = self.distance_slope_db_per_dec
        bonus = max(0.0, -self.offset_db - min([0.0, *self.clutter_offset_db.values()])
                    + max(0.0, 2.0 * slope, -slope))
        return dataclasses.replace(self.budget,
                                   rsrp_threshold_dbm=self.budget.rsrp_threshold_dbm - bonus)

    def max_reach_m(self, scenario: str, h_bs_m: float, *, macro: bool, relief: bool = True) -> float:
        """Radius for the spatial index: the flat reach, or with terrain the
        reach of the most favourable case (mast raised by the DEM's relief,
        LOS when clutter can make a path clear), capped at the model's range."""
        lb = self.bonus_budget()
        if self.dem is None:
            return lb.max_reach_m(scenario, h_bs_m, macro=macro)
        rise = _relief_m(self.dem) if relief else 0.0
        if self.clutter is not None:
            lb = dataclasses.replace(lb, mode="los")
        # over terrain the effective height is anything from the scenario's lowest
        # up to mast + rise, and the reach is not monotone in it: the best of them
        return _reach_up_to_m(lb, scenario, macro, min(150.0, h_bs_m + rise))


_GRID_CACHE: dict[tuple, Grid] = {}
_DERIVED: dict[tuple, tuple[np.ndarray, Any]] = {}


def _derived(dem: Grid, key: tuple, make: Any) -> Any:
    """Something derived from ``dem`` (floor, window minimum, relief), kept per
    process for the same DEM array (models are rebuilt per coverage call; the
    DEM grid is cached)."""
    full = (id(dem.values), *key)
    hit = _DERIVED.get(full)
    if hit is not None and hit[0] is dem.values:
        return hit[1]
    if len(_DERIVED) > 16:
        _DERIVED.clear()
    grid = make()
    _DERIVED[full] = (dem.values, grid)
    return grid


def _relief_m(dem: Grid) -> float:
    """Highest minus lowest valid height of the DEM (kept per process)."""
    def relief() -> float:
        values = dem.values[np.isfinite(dem.values)]
        return float(values.max() - values.min()) if values.size else 0.0

    return _derived(dem, ("relief",), relief)


def _block_min(dem: Grid, block: int) -> np.ndarray:
    """The lowest value of each ``block`` x ``block`` cells of the DEM (NaN where
    every cell is; kept per DEM, each level from the one below)."""
    if block == 1:
        return np.ascontiguousarray(dem.values, np.float32)

    def make() -> np.ndarray:
        below = _block_min(dem, block // 2)
        rows, cols = -(-below.shape[0] // 2), -(-below.shape[1] // 2)
        padded = np.full((rows * 2, cols * 2), np.nan, np.float32)
        padded[:below.shape[0], :below.shape[1]] = below
        quads = padded.reshape(rows, 2, cols, 2)
        return np.fmin(np.fmin(quads[:, 0, :, 0], quads[:, 0, :, 1]),
                       np.fmin(quads[:, 1, :, 0], quads[:, 1, :, 1]))

    return _derived(dem, ("blocks", block), make)


_REACH_TABLES: dict[tuple, np.ndarray] = {}
_REACH_HEIGHTS_M = np.arange(0.0, 151.0, 5.0)
#: Mast heights (m) of :func:`_reach_up_to_m`'s running maximum.
_FINE_HEIGHTS_M = np.arange(0.0, 150.01, 1.0)
_UP_TO: dict[tuple, np.ndarray] = {}


def _reach_up_to_m(lb: LinkBudget, scenario: str, macro: bool, h_max_m: float) -> float:
    """The farthest reach of any mast up to ``h_max_m``: the running maximum of
    :meth:`LinkBudget.reach_by_height_m` over 1 m heights, read at the first
    height at or above ``h_max_m`` (kept per process and budget), widened by
    0.25 % for what peaks between two rows."""
    key = (repr(lb), scenario, macro)
    table = _UP_TO.get(key)
    if table is None:
        if len(_UP_TO) > 64:
            _UP_TO.clear()
        # +0.25 %: a reach can peak between two whole-metre heights (where the LOS
        # breakpoint crosses it); measured 0.01 % above the table, a grid step is 0.17 %
        table = np.maximum.accumulate(
            lb.reach_by_height_m(scenario, _FINE_HEIGHTS_M, macro=macro)) * 1.0025
        _UP_TO[key] = table
    return float(table[min(int(np.searchsorted(_FINE_HEIGHTS_M, h_max_m)), table.size - 1)])


def _cached_grid(paths: tuple[str, ...], crs: Any, bounds_m: tuple[float, float, float, float],
                 res_m: float, categorical: bool, what: str) -> Grid:
    """Read a grid once per process for the same files, CRS and a covering extent."""
    from pyproj import CRS

    wkt = CRS.from_user_input(crs).to_wkt()
    stamp = tuple((p, os.path.getmtime(p) if os.path.exists(p) else 0.0) for p in paths)
    key = (stamp, wkt, res_m, categorical)
    grid = _GRID_CACHE.get(key)
    if grid is not None:
        xmin, ymin, xmax, ymax = grid.bounds_m()
        if (xmin <= bounds_m[0] and ymin <= bounds_m[1] and xmax >= bounds_m[2]
                and ymax >= bounds_m[3]):
            return grid
    pad = 2000.0
    snapped = (np.floor(bounds_m[0] / pad) * pad - pad, np.floor(bounds_m[1] / pad) * pad - pad,
               np.ceil(bounds_m[2] / pad) * pad + pad, np.ceil(bounds_m[3] / pad) * pad + pad)
    grid = read_grid(paths, crs, snapped, res_m=res_m, categorical=categorical, what=what)
    if len(_GRID_CACHE) > 8:
        _GRID_CACHE.clear()
    _GRID_CACHE[key] = grid
    return grid


def _to_class_index(grid: Grid) -> tuple[Grid, list[int]]:
    """WorldCover codes -> class indices (-1: no data); the unknown codes found."""
    codes = grid.values
    lookup = np.full(max(256, int(codes.max(initial=0)) + 1), -2, np.int32)
    for code, index in _CODE_TO_INDEX.items():
        lookup[code] = index
    lookup[0] = -1
    idx = np.where(codes >= 0, lookup[np.clip(codes, 0, lookup.size - 1)], -1)
    unknown = sorted(set(np.unique(codes[idx == -2]).tolist()))
    return dataclasses.replace(grid, values=np.where(idx == -2, -1, idx).astype(np.int32)), unknown


def _check_cover(dem: Grid, points_xy_m: np.ndarray, crs: Any) -> None:
    """Every point must lie on valid DEM cells; then interior holes are filled."""
    x, y = points_xy_m[:, 0], points_xy_m[:, 1]
    vals = dem.bilinear(x, y)
    bad = ~dem.inside(x, y) | ~np.isfinite(vals)
    if not bad.any():
        return
    from pyproj import Transformer

    to_ll = Transformer.from_crs(crs, 4326, always_xy=True)
    lon, lat = to_ll.transform(x, y)
    valid = np.isfinite(dem.values)
    if valid.any():
        r, c = np.nonzero(valid)
        gx, gy = dem.x0_m + c * dem.res_m, dem.y0_m - r * dem.res_m
        glon, glat = to_ll.transform(np.array([gx.min(), gx.max()]), np.array([gy.min(), gy.max()]))
        covers = Msg("terrain.model.dem_covers", lon_min=f"{glon[0]:.3f}", lon_max=f"{glon[1]:.3f}",
                     lat_min=f"{glat[0]:.3f}", lat_max=f"{glat[1]:.3f}")
    else:
        covers = Msg("terrain.model.dem_no_heights")
    raise InputError(
        Msg("terrain.model.dem_but_demand", sources='; '.join(dem.sources), covers=covers,
            count=format(int(bad.sum()), ','), size=format(bad.size, ','), lon=format(lon[bad][0], '.4f'),
            lat=format(lat[bad][0], '.4f'), lon_min=format(np.min(lon), '.3f'),
            lon_max=format(np.max(lon), '.3f'), lat_min=format(np.min(lat), '.3f'),
            lat_max=format(np.max(lat), '.3f')))


def _fill_holes(grid: Grid) -> Grid:
    """No-data cells between valid ones take the nearest valid height."""
    holes = ~np.isfinite(grid.values)
    if not holes.any() or holes.all():
        return grid
    from scipy.ndimage import distance_transform_edt

    _, (ri, ci) = distance_transform_edt(holes, return_indices=True)
    return dataclasses.replace(grid, values=grid.values[ri, ci])


def load_path_loss_model(cfg_or_paths: Any, crs: Any = None, *,
                         points_xy_m: np.ndarray | None = None) -> PathLossModel:
    """The path-loss model of a plan.

    Parameters
    ----------
    cfg_or_paths : PlanConfig, Assumptions, mapping or dict
        A loaded config (its assumptions), an assumptions table, or
        ``{"dem": path or [paths], "clutter": path}`` (defaults for the rest).
    crs : CRS
        The planning (metric) CRS; needed with a DEM.
    points_xy_m : numpy.ndarray, optional
        ``(n, 2)`` demand points and candidates in ``crs``: the DEM is read
        over their extent and must cover them all (else :class:`InputError`).
        Without it the DEM's whole extent is read.

    Raises
    ------
    InputError
        Unreadable rasters, a DEM that does not cover the points, unknown
        land-cover codes.
    """
    assumptions = _assumptions_of(cfg_or_paths)
    model = _model_without_rasters(assumptions)
    dem_paths = split_paths(assumptions["terrain.dem"])
    from_zones = uses_zones(assumptions)
    clutter_paths = () if from_zones else split_paths(assumptions["terrain.clutter"])
    if not dem_paths and not clutter_paths:
        if from_zones:
            zone_clutter_grid(assumptions, None, crs)  # raises: needs a DEM
        return model
    if crs is None:
        raise InputError(Msg("terrain.model.load_path_loss"))
    bounds = _bounds(points_xy_m, dem_paths or clutter_paths, crs)
    if dem_paths:
        dem = _cached_grid(dem_paths, crs, bounds, model.step_m, False, "DEM")
        if points_xy_m is not None:
            _check_cover(dem, np.asarray(points_xy_m, float), crs)
        model.dem = _fill_holes(dem)
    if from_zones:  # 三调 zones as clutter, on the DEM's grid (siteplan.terrain.zones)
        model.clutter = zone_clutter_grid(assumptions, model.dem, crs)
    if clutter_paths:
        raw = _cached_grid(clutter_paths, crs, bounds, model.step_m, True, "clutter raster")
        model.clutter, unknown = _to_class_index(raw)
        if unknown:
            raise InputError(
                Msg("terrain.model.land_cover_codes", clutter_paths='; '.join(clutter_paths),
                    unknown=unknown[:10],
                    items=', '.join((f'{v[0]} {k}' for k, v in CLUTTER_CLASSES.items()))))
    return model


def _model_without_rasters(assumptions: Mapping[str, Any]) -> PathLossModel:
    """The plan's path-loss model before any raster is read (budget, calibration
    and clutter tables)."""
    return PathLossModel(
        budget=LinkBudget.from_assumptions(assumptions),
        k_factor=float(assumptions["terrain.k_factor"]),
        step_m=float(assumptions["terrain.profile_step_m"]),
        max_samples=int(assumptions["terrain.max_samples"]),
        fresnel_clearance=float(assumptions["terrain.fresnel_clearance"]),
        offset_db=float(assumptions["pathloss.offset_db"]),
        distance_slope_db_per_dec=float(assumptions["pathloss.distance_slope_db_per_dec"]),
        clutter_offset_db={c: float(assumptions[f"clutter.offset_db.{c}"]) for c in CLUTTER_NAMES},
        clutter_height_m={c: float(assumptions[f"clutter.height_m.{c}"]) for c in CLUTTER_NAMES},
        clutter_loss_db={c: float(assumptions[f"clutter.loss_db.{c}"]) for c in CLUTTER_NAMES},
    )


def reach_bound_m(assumptions: Mapping[str, Any], scenario: str, h_bs_m: float, *,
                  macro: bool) -> float:
    """The farthest the plan's path-loss model could cover from a mast of
    ``h_bs_m``, without reading its rasters: the budget's reach widened by what
    the calibration terms can give; with a DEM, the best effective mast up to
    150 m (the ground around a site can raise it that far), in line of sight
    when clutter (a raster or the zones) can make a path clear. The regional
    halo (:func:`siteplan.coverage.longest_reach_m`).

    Examples
    --------
    >>> flat = reach_bound_m(Assumptions(), "RMa", 35.0, macro=True)
    >>> hills = reach_bound_m(Assumptions({"terrain.dem": "dem.tif"}), "RMa", 35.0, macro=True)
    >>> bool(hills > flat > 0)
    True
    """
    model = _model_without_rasters(assumptions)
    if not split_paths(assumptions["terrain.dem"]):
        return model.max_reach_m(scenario, h_bs_m, macro=macro, relief=False)
    lb = model.bonus_budget()
    if uses_zones(assumptions) or split_paths(assumptions["terrain.clutter"]):
        lb = dataclasses.replace(lb, mode="los")
    return _reach_up_to_m(lb, scenario, macro, 150.0)


def _assumptions_of(cfg_or_paths: Any) -> Mapping[str, Any]:
    if hasattr(cfg_or_paths, "assumptions") and isinstance(cfg_or_paths.assumptions, Assumptions):
        return cfg_or_paths.assumptions
    if isinstance(cfg_or_paths, Assumptions):
        return cfg_or_paths
    raw = dict(cfg_or_paths or {})
    if set(raw) <= {"dem", "clutter"}:
        dem = raw.get("dem") or ""
        dem = ";".join(map(str, dem)) if isinstance(dem, list | tuple) else str(dem)
        return Assumptions({"terrain.dem": dem, "terrain.clutter": str(raw.get("clutter") or "")})
    return Assumptions(raw)


def _bounds(points_xy_m: np.ndarray | None, paths: tuple[str, ...],
            crs: Any) -> tuple[float, float, float, float]:
    if points_xy_m is not None and len(points_xy_m):
        p = np.asarray(points_xy_m, float)
        return (float(p[:, 0].min()), float(p[:, 1].min()), float(p[:, 0].max()),
                float(p[:, 1].max()))
    import rasterio
    from rasterio.warp import transform_bounds

    boxes = []
    for path in paths:
        with rasterio.open(path) as ds:
            boxes.append(transform_bounds(ds.crs, crs, *ds.bounds))
    b = np.array(boxes)
    return float(b[:, 0].min()), float(b[:, 1].min()), float(b[:, 2].max()), float(b[:, 3].max())
