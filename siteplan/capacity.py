"""Cell capacity per site and the capacity rows of a milestone's plan.

**Site capacity** (busy-hour Mbps a site can carry at the planning load):

``sectors × bandwidth_MHz × dl_share × se_per_layer(environment) ×
mimo_layers × load_cap``

with the profile (macro, micro, indoor) from the candidate's kind, the
carrier bandwidth from ``radio.bandwidth_mhz`` capped at what the band
allows (n28: 30 MHz), the downlink share of a TDD pattern
(``capacity.tdd_dl_share``; FDD bands: 1), the average spectral efficiency
per layer of the environment served (ITU-R M.2410's per-TRxP minimum
averages divided by 4 layers) and the load cap (``capacity.load_cap``,
expansion near 70 % PRB use). The peak rate of TS 38.306 §4.1.2
(``peak_cell_mbps``, with ``radio.scs_khz.<band>``) bounds a cell's average.

**Sharing a site among areas** (the modelling choice of this module): a
site's capacity is split between the target areas it covers in proportion
to the busy-hour traffic of the demand points it covers in each
(``share[g, j] = traffic of g's points j covers / traffic of all points j
covers``). The split is fixed before solving, so the capacity condition of
area ``g`` is the linear row ``Σ_j share[g, j] · capacity_g(j) · x_j ≥
target_g · demand_g``; a chosen set that meets every row can carry every
area's demand with each site loaded to at most ``load_cap``. It is
conservative (a real network re-balances load between areas) and valid
for a solver's lower bound, which is what a plan needs.

Examples
--------
>>> from siteplan.defaults import Assumptions
>>> cap = CapacityModel.from_assumptions(Assumptions())
>>> cap.bandwidth_mhz, round(cap.site_mbps("macro", "dense_urban"))
(100.0, 1217)
>>> round(CapacityModel.from_assumptions(Assumptions({"radio.band": "n28"})).bandwidth_mhz)
30
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
import scipy.sparse as sp

from siteplan.errors import ConfigError
from siteplan.messages import Msg
from siteplan.schema import ENVIRONMENTS, INDOOR_KINDS, MACRO_KINDS

#: Largest NR channel bandwidth per band (MHz, TS 38.101-1 Table 5.3.5-1; n28
#: carriers in China are 2 × 30 MHz FDD).
BAND_MAX_BANDWIDTH_MHZ: dict[str, float] = {"n78": 100.0, "n41": 100.0, "n79": 100.0,
                                            "n28": 30.0}
#: FDD bands: the downlink carrier is all downlink.
FDD_BANDS: frozenset[str] = frozenset({"n28"})
PROFILES = ("macro", "micro", "indoor")


def site_profile(kinds: np.ndarray | pd.Series) -> np.ndarray:
    """Capacity profile of each kind: ``macro``, ``micro`` or ``indoor``.

    Examples
    --------
    >>> site_profile(np.array(["tower", "streetlight", "indoor_das"])).tolist()
    ['macro', 'micro', 'indoor']
    """
    kinds = np.asarray(kinds, dtype=object)
    return np.where(np.isin(kinds, list(MACRO_KINDS)), "macro",
                    np.where(np.isin(kinds, list(INDOOR_KINDS)), "indoor", "micro"))


def peak_cell_mbps(bandwidth_mhz: float, scs_khz: float, *, layers: float,
                   modulation_bits: int = 8, overhead: float = 0.14) -> float:
    """Peak rate of one carrier, TS 38.306 §4.1.2 (Mbps, DL and UL slots alike).

    ``1e-6 · layers · Q_m · (948/1024) · N_PRB · 12 / T_s · (1 − OH)`` with
    ``T_s = 1e-3 / (14 · 2^µ)`` and ``N_PRB`` the largest whole number of
    resource blocks in the bandwidth at 98.3 % occupancy (273 at 100 MHz and
    30 kHz).

    Examples
    --------
    >>> round(peak_cell_mbps(100.0, 30.0, layers=4))
    2337
    """
    mu = int(round(np.log2(scs_khz / 15.0)))
    if scs_khz not in (15.0, 30.0, 60.0, 120.0) or mu < 0:
        raise ConfigError(Msg("capacity.radio_scs_khz", scs_khz=repr(scs_khz)))
    n_prb = int(bandwidth_mhz * 1000 * 0.983 // (12 * scs_khz))
    symbol_s = 1e-3 / (14 * 2**mu)
    return 1e-6 * layers * modulation_bits * (948 / 1024) * n_prb * 12 / symbol_s * (1 - overhead)


@dataclass(frozen=True)
class CapacityModel:
    """Capacity assumptions of one plan (read from the assumptions table).

    Attributes
    ----------
    band : str
    bandwidth_mhz : float
        Carrier bandwidth actually used (``radio.bandwidth_mhz`` capped by the band).
    scs_khz : float
    dl_share : float
        Downlink share of air time (TDD pattern; 1 for FDD bands).
    load_cap : float
    sectors, layers : dict
        Per profile (``macro``, ``micro``, ``indoor``).
    se_per_layer : dict
        Spectral efficiency per layer per environment, and ``indoor``.
    notes : list of str
        What was capped or adapted (shown in reports).
    """

    band: str
    bandwidth_mhz: float
    scs_khz: float
    dl_share: float
    load_cap: float
    sectors: Mapping[str, float]
    layers: Mapping[str, float]
    se_per_layer: Mapping[str, float]
    notes: list[str] = field(default_factory=list)

    @classmethod
    def from_assumptions(cls, assumptions: Mapping[str, Any]) -> CapacityModel:
        """Read ``radio.band``, ``radio.bandwidth_mhz.<band>``, ``radio.scs_khz.<band>`` and
        ``capacity.*``; check every value."""
        band = str(assumptions["radio.band"])
        if band not in BAND_MAX_BANDWIDTH_MHZ:
            raise ConfigError(Msg("capacity.radio_band_not", band=repr(band),
                                  bands=', '.join(BAND_MAX_BANDWIDTH_MHZ)))
        notes = []
        asked = float(assumptions[f"radio.bandwidth_mhz.{band}"])
        if not (np.isfinite(asked) and asked > 0):
            raise ConfigError(Msg("capacity.radio_bandwidth_mhz", band=band, asked=repr(asked)))
        bandwidth = min(asked, BAND_MAX_BANDWIDTH_MHZ[band])
        if bandwidth < asked:
            notes.append(Msg("n.bandwidth_capped", band=band, asked=f"{asked:g}",
                             bandwidth=f"{bandwidth:g}"))
        scs = float(assumptions[f"radio.scs_khz.{band}"])
        peak_check = peak_cell_mbps(bandwidth, scs, layers=1)  # validates the spacing
        if peak_check <= 0:
            raise ConfigError(Msg("capacity.radio_bandwidth_mhz_2", bandwidth=format(bandwidth, 'g'),
                                  scs=format(scs, 'g')))

        def positive(key: str) -> float:
            value = float(assumptions[key])
            if not (np.isfinite(value) and value > 0):
                raise ConfigError(Msg("capacity.assumptions_number", key=key, value=repr(value)))
            return value

        def share(key: str) -> float:
            value = float(assumptions[key])
            if not (np.isfinite(value) and 0 < value <= 1):
                raise ConfigError(Msg("capacity.assumptions_share", key=key, value=repr(value)))
            return value

        dl_share = 1.0 if band in FDD_BANDS else share("capacity.tdd_dl_share")
        se = {e: positive(f"capacity.se_per_layer_bps_hz.{e}") for e in ENVIRONMENTS}
        se["indoor"] = positive("capacity.indoor.se_per_layer_bps_hz")
        return cls(band=band, bandwidth_mhz=bandwidth, scs_khz=scs, dl_share=dl_share,
                   load_cap=share("capacity.load_cap"),
                   sectors={p: positive(f"capacity.{p}.sectors") for p in PROFILES},
                   layers={p: positive(f"capacity.{p}.mimo_layers") for p in PROFILES},
                   se_per_layer=se, notes=notes)

    def cell_mbps(self, profile: str, environment: str) -> float:
        """Average busy-hour DL Mbps of one cell at the planning load cap,
        never above the TS 38.306 peak times the DL share and the load cap.

        Examples
        --------
        >>> from siteplan.defaults import Assumptions
        >>> m = CapacityModel.from_assumptions(Assumptions())
        >>> round(m.cell_mbps("micro", "urban"), 1)
        166.4
        """
        se = self.se_per_layer["indoor" if profile == "indoor" else environment]
        layers = self.layers[profile]
        average = self.bandwidth_mhz * self.dl_share * se * layers
        peak = peak_cell_mbps(self.bandwidth_mhz, self.scs_khz, layers=layers) * self.dl_share
        return min(average, peak) * self.load_cap

    def site_mbps(self, profile: str, environment: str) -> float:
        """Busy-hour DL Mbps of one site: cells × :meth:`cell_mbps`.

        Examples
        --------
        >>> from siteplan.defaults import Assumptions
        >>> m = CapacityModel.from_assumptions(Assumptions({"capacity.macro.sectors": 6}))
        >>> round(m.site_mbps("macro", "urban"))  # 6 cells × 100 MHz × 0.743 × 1.6 × 4 × 0.7
        1997
        """
        return self.sectors[profile] * self.cell_mbps(profile, environment)

    def table(self) -> pd.DataFrame:
        """Site capacity (Mbps) per profile and environment, for reports.

        Examples
        --------
        >>> from siteplan.defaults import Assumptions
        >>> t = CapacityModel.from_assumptions(Assumptions()).table()
        >>> float(t.loc["macro", "rural"].round(1))
        514.9
        """
        return pd.DataFrame({e: [self.site_mbps(p, e) for p in PROFILES] for e in ENVIRONMENTS},
                            index=list(PROFILES))


@dataclass(frozen=True)
class AreaCapacity:
    """Capacity rows of one milestone: one row per target area.

    Attributes
    ----------
    area_ids : numpy.ndarray
        Area of each row (the solver's capacity group).
    matrix : scipy.sparse.csr_array
        ``(areas × candidates)`` Mbps candidate ``j`` gives area ``g`` when chosen.
    demand_mbps : numpy.ndarray
        Busy-hour Mbps each area must be served: ``coverage_target × demand``,
        capped at ``available_mbps`` (what every allowed candidate together gives).
    required_mbps : numpy.ndarray
        ``coverage_target × demand`` before the cap.
    available_mbps : numpy.ndarray
        Row sums of ``matrix``.
    """

    area_ids: np.ndarray
    matrix: sp.csr_array
    demand_mbps: np.ndarray
    required_mbps: np.ndarray
    available_mbps: np.ndarray

    @property
    def shortfall_mbps(self) -> np.ndarray:
        """Demand no allowed candidate can carry, per area."""
        return np.maximum(self.required_mbps - self.available_mbps, 0.0)

    def served_mbps(self, selected: np.ndarray) -> np.ndarray:
        """Capacity the ``selected`` columns give each area.

        Examples
        --------
        >>> c = AreaCapacity(np.array(["a", "b"]), sp.csr_array([[5.0, 3.0], [0.0, 2.0]]),
        ...                  np.array([4.0, 1.0]), np.array([4.0, 1.0]), np.array([8.0, 2.0]))
        >>> c.served_mbps(np.array([1])).tolist(), c.shortfall_mbps.tolist()
        ([3.0, 2.0], [0.0, 0.0])
        """
        x = np.zeros(self.matrix.shape[1])
        x[np.asarray(selected, dtype=np.int64)] = 1.0
        return self.matrix @ x

    def sites_needed(self, columns: np.ndarray | None = None) -> np.ndarray:
        """Per area, the fewest sites whose capacity reaches its demand (the
        largest contributions first; a lower bound on the sites that area
        needs for capacity alone, counting only ``columns`` if given).

        Examples
        --------
        >>> c = AreaCapacity(np.array(["a"]), sp.csr_array([[5.0, 3.0, 3.0]]),
        ...                  np.array([7.0]), np.array([7.0]), np.array([11.0]))
        >>> c.sites_needed().tolist()
        [2]
        """
        m = sp.csr_array(self.matrix)
        if columns is not None:
            keep = np.zeros(m.shape[1], bool)
            keep[np.asarray(columns, dtype=np.int64)] = True
            m = sp.csr_array(m.multiply(keep[None, :].astype(float)))
        out = np.zeros(m.shape[0], dtype=np.int64)
        for g in range(m.shape[0]):
            need = self.demand_mbps[g]
            if need <= 0:
                continue
            values = np.sort(m.data[m.indptr[g]:m.indptr[g + 1]])[::-1]
            reached = np.searchsorted(np.cumsum(values), need * (1 - 1e-9))
            out[g] = min(int(reached) + 1, values.size)
        return out


def area_capacity(coverage: sp.sparray, point_mbps: np.ndarray, area_of_row: np.ndarray,
                  area_ids: np.ndarray, area_target: np.ndarray, area_environment: np.ndarray,
                  kinds: np.ndarray, model: CapacityModel, *,
                  new_build: np.ndarray | None = None) -> AreaCapacity:
    """Capacity rows of one milestone.

    Parameters
    ----------
    coverage : scipy.sparse matrix
        Active demand rows × candidates (True where the candidate serves the point),
        with excluded candidates' columns already emptied.
    point_mbps : numpy.ndarray
        Busy-hour Mbps of each active row.
    area_of_row : numpy.ndarray of int
        Index into ``area_ids`` of each row.
    area_ids, area_target, area_environment : numpy.ndarray
        Per area: id, coverage target (share of demand to serve), environment.
    kinds : numpy.ndarray
        Kind of every candidate (column).
    model : CapacityModel
    new_build : numpy.ndarray of bool, optional
        Strict sharing: new-build columns count only in areas whose reused
        candidates cannot carry the demand (能共享的不得新建).

    Returns
    -------
    AreaCapacity

    Examples
    --------
    >>> from siteplan.defaults import Assumptions
    >>> m = CapacityModel.from_assumptions(Assumptions())
    >>> cov = sp.csr_array(np.array([[1, 0], [1, 1], [0, 1]], bool))
    >>> cap = area_capacity(cov, np.array([100.0, 100.0, 200.0]), np.array([0, 0, 1]),
    ...                     np.array(["a", "b"]), np.array([1.0, 1.0]),
    ...                     np.array(["urban", "urban"]), np.array(["tower", "streetlight"]), m)
    >>> cap.matrix.toarray().round(1).tolist()  # the streetlight gives a third to a
    [[998.6, 55.5], [0.0, 111.0]]
    """
    a = sp.csr_array(coverage, dtype=float)
    n_rows, n_cols = a.shape
    n_areas = len(area_ids)
    area_of_row = np.asarray(area_of_row, dtype=np.int64)
    point_mbps = np.asarray(point_mbps, dtype=float)
    membership = sp.csr_array((point_mbps, (area_of_row, np.arange(n_rows))),
                              shape=(n_areas, n_rows))
    traffic = sp.csr_array(membership @ a)  # Mbps of g's points j covers
    per_column = np.asarray(traffic.sum(axis=0)).ravel()
    traffic.eliminate_zeros()
    coo = sp.coo_array(traffic)
    share = coo.data / per_column[coo.col]
    profiles = site_profile(np.asarray(kinds))
    table = {(p, e): model.site_mbps(p, e) for p in PROFILES for e in ENVIRONMENTS}
    site = np.array([table[(profiles[j], area_environment[g])]
                     for g, j in zip(coo.row.tolist(), coo.col.tolist(), strict=True)])
    values = share * site if site.size else np.zeros(0)
    matrix = sp.csr_array((values, (coo.row, coo.col)), shape=(n_areas, n_cols))
    area_mbps = np.bincount(area_of_row, point_mbps, minlength=n_areas)
    required = np.asarray(area_target, float) * area_mbps
    if new_build is not None:
        new_build = np.asarray(new_build, bool)
        reused = matrix @ (~new_build).astype(float)
        short = reused < required * (1 - 1e-9)
        keep = ~new_build[coo.col] | short[coo.row]
        matrix = sp.csr_array((values[keep], (coo.row[keep], coo.col[keep])),
                              shape=(n_areas, n_cols))
    available = np.asarray(matrix.sum(axis=1)).ravel()
    return AreaCapacity(np.asarray(area_ids), matrix, np.minimum(required, available), required,
                        available)


def milestone_capacity(matrix: sp.sparray, demand: pd.DataFrame, active: np.ndarray,
                       kinds: np.ndarray, model: CapacityModel, *,
                       new_build: np.ndarray | None = None) -> AreaCapacity:
    """Capacity rows of the areas due by a milestone (one row per area, in
    the order areas first appear among the ``active`` demand rows, which is
    the order of the planner's coverage groups).

    Parameters
    ----------
    matrix : scipy.sparse matrix
        Every demand row × candidates (excluded candidates emptied).
    demand : pandas.DataFrame
        Demand points with ``area_id``, ``environment``, ``coverage_target``
        and ``demand_mbps``.
    active : numpy.ndarray
        Demand rows due by the milestone.
    kinds : numpy.ndarray
        Kind of every candidate.
    model : CapacityModel
    new_build : numpy.ndarray of bool, optional
        Strict sharing (see :func:`area_capacity`).

    Examples
    --------
    >>> from siteplan.defaults import Assumptions
    >>> d = pd.DataFrame({"area_id": ["a", "a", "b"], "environment": ["urban"] * 3,
    ...     "coverage_target": [1.0] * 3, "demand_mbps": [600.0, 600.0, 10.0]})
    >>> cap = milestone_capacity(sp.csr_array(np.ones((3, 1), bool)), d, np.array([0, 1]),
    ...     np.array(["tower"]), CapacityModel.from_assumptions(Assumptions()))
    >>> cap.area_ids.tolist(), cap.required_mbps.tolist(), cap.sites_needed().tolist()
    (['a'], [1200.0], [1])
    """
    d = demand.iloc[np.asarray(active, dtype=np.int64)]
    codes, ids = pd.factorize(d["area_id"].astype(str).to_numpy(), sort=False)
    first = pd.Series(np.arange(len(codes))).groupby(codes).first().to_numpy()
    return area_capacity(sp.csr_array(matrix)[np.asarray(active, dtype=np.int64)],
                         d["demand_mbps"].to_numpy(float), codes, np.asarray(ids),
                         d["coverage_target"].to_numpy(float)[first],
                         d["environment"].to_numpy()[first], kinds, model, new_build=new_build)
