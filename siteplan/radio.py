"""Radio: 3GPP TR 38.901 path loss, LOS probability, O2I loss, link budget.

All functions are vectorised over numpy arrays of distances (and heights).
Frequencies are in GHz, distances and heights in metres, losses in dB.

Validity (TR 38.901 Table 7.4.1-1) is enforced with
:class:`~siteplan.errors.RadioError` naming the value, except one documented
clamp: 2D distances below 10 m are evaluated at 10 m (a user at the foot of a
mast is covered; the models start at 10 m).

Examples
--------
>>> round(float(path_loss("UMa", 500.0, freq_ghz=3.5, h_bs_m=25.0, h_ut_m=1.5, los=False)), 2)
129.92
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from siteplan.errors import RadioError
from siteplan.messages import Msg
from siteplan.schema import MACRO_KINDS
from siteplan.threads import in_pieces

SPEED_OF_LIGHT_M_S = 3.0e8
SCENARIOS = ("UMa", "UMi", "RMa")
#: Band name -> centre frequency in GHz (n78 is the main 5G band in China).
BAND_FREQ_GHZ: dict[str, float] = {"n78": 3.5, "n41": 2.6, "n28": 0.7, "n79": 4.9}
#: Band name -> (bandwidth MHz, subcarrier spacing kHz) of a typical Chinese carrier.
BAND_CARRIER: dict[str, tuple[float, float]] = {
    "n78": (100.0, 30.0), "n41": (100.0, 30.0), "n28": (30.0, 15.0), "n79": (100.0, 30.0),
}
#: Shadow-fading standard deviations (dB): (LOS before breakpoint, LOS after, NLOS).
SIGMA_SF_DB: dict[str, tuple[float, float, float]] = {
    "UMa": (4.0, 4.0, 6.0), "UMi": (4.0, 4.0, 7.82), "RMa": (4.0, 6.0, 8.0),
}
_D2D_MAX_M = {"UMa": 5000.0, "UMi": 5000.0, "RMa": 10000.0}
_D2D_MAX_NLOS_M = {"UMa": 5000.0, "UMi": 5000.0, "RMa": 5000.0}
_H_UT_RANGE_M = {"UMa": (1.5, 22.5), "UMi": (1.5, 22.5), "RMa": (1.0, 10.0)}
_H_BS_RANGE_M = {"UMa": (1.5, 150.0), "UMi": (1.5, 150.0), "RMa": (10.0, 150.0)}
_FREQ_RANGE_GHZ = {"UMa": (0.5, 100.0), "UMi": (0.5, 100.0), "RMa": (0.5, 30.0)}


def _check_range(name: str, values: np.ndarray, low: float, high: float, scenario: str,
                 unit: str) -> None:
    bad = ~((values >= low) & (values <= high))
    if np.any(bad):
        value = np.asarray(values)[bad].ravel()[0] if np.ndim(values) else float(values)
        raise RadioError(
            Msg("radio.outside_model_s", scenario=scenario, name=name, value=format(value, 'g'), unit=unit,
                low=format(low, 'g'), high=format(high, 'g'))
        )


def _validate(scenario: str, d2d_m: ArrayLike, freq_ghz: float, h_bs_m: ArrayLike,
              h_ut_m: float, los: bool) -> tuple[np.ndarray, np.ndarray]:
    if scenario not in SCENARIOS:
        raise RadioError(Msg("radio.unknown_scenario", scenario=repr(scenario),
                             scenarios=', '.join(SCENARIOS)))
    d = np.asarray(d2d_m, dtype=float)
    h_bs = np.asarray(h_bs_m, dtype=float)
    if np.any(~np.isfinite(d)) or np.any(d < 0):
        bad = d[~(np.isfinite(d) & (d >= 0))].ravel()[0] if d.ndim else float(d)
        raise RadioError(Msg("radio.distance_m_negative", scenario=scenario, bad=repr(bad)))
    d_max = (_D2D_MAX_M if los else _D2D_MAX_NLOS_M)[scenario]
    _check_range("d2d", d, 0.0, d_max, scenario, "m")
    _check_range("freq", np.asarray(freq_ghz, float), *_FREQ_RANGE_GHZ[scenario], scenario, "GHz")
    _check_range("h_ut", np.asarray(h_ut_m, float), *_H_UT_RANGE_M[scenario], scenario, "m")
    _check_range("h_bs", h_bs, *_H_BS_RANGE_M[scenario], scenario, "m")
    if np.any(h_bs <= h_ut_m):
        raise RadioError(Msg("radio.h_bs_above", scenario=scenario, h_ut_m=format(h_ut_m, 'g')))
    return np.maximum(d, 10.0), h_bs


def breakpoint_m(scenario: str, freq_ghz: float, h_bs_m: ArrayLike, h_ut_m: float) -> np.ndarray:
    """Breakpoint distance (m): d'BP for UMa/UMi (h_E = 1 m), dBP for RMa.

    Examples
    --------
    >>> round(float(breakpoint_m("UMa", 3.5, 25.0, 1.5)), 1)
    560.0
    """
    fc_hz = freq_ghz * 1e9
    h_bs = np.asarray(h_bs_m, float)
    if scenario == "RMa":
        return 2.0 * np.pi * h_bs * h_ut_m * fc_hz / SPEED_OF_LIGHT_M_S
    return 4.0 * (h_bs - 1.0) * (h_ut_m - 1.0) * fc_hz / SPEED_OF_LIGHT_M_S


def _pl_los(scenario: str, d2d: np.ndarray, d3d: np.ndarray, freq_ghz: float, h_bs: np.ndarray,
            h_ut: float, street_width_m: float, building_height_m: float) -> np.ndarray:
    lf = 20.0 * np.log10(freq_ghz)
    dbp = breakpoint_m(scenario, freq_ghz, h_bs, h_ut)
    dh2 = (h_bs - h_ut) ** 2
    if scenario == "UMa":
        pl1 = 28.0 + 22.0 * np.log10(d3d) + lf
        pl2 = 28.0 + 40.0 * np.log10(d3d) + lf - 9.0 * np.log10(dbp**2 + dh2)
    elif scenario == "UMi":
        pl1 = 32.4 + 21.0 * np.log10(d3d) + lf
        pl2 = 32.4 + 40.0 * np.log10(d3d) + lf - 9.5 * np.log10(dbp**2 + dh2)
    else:
        h = building_height_m

        def rma_pl1(dist: np.ndarray) -> np.ndarray:
            return (20.0 * np.log10(40.0 * np.pi * dist * freq_ghz / 3.0)
                    + min(0.03 * h**1.72, 10.0) * np.log10(dist)
                    - min(0.044 * h**1.72, 14.77) + 0.002 * np.log10(h) * dist)

        pl1 = rma_pl1(d3d)
        pl2 = rma_pl1(dbp) + 40.0 * np.log10(d3d / dbp)
    return np.where(d2d <= dbp, pl1, pl2)


def _pl_nlos_prime(scenario: str, d3d: np.ndarray, freq_ghz: float, h_bs: np.ndarray,
                   h_ut: float, street_width_m: float, building_height_m: float) -> np.ndarray:
    if scenario == "UMa":
        return 13.54 + 39.08 * np.log10(d3d) + 20.0 * np.log10(freq_ghz) - 0.6 * (h_ut - 1.5)
    if scenario == "UMi":
        return 35.3 * np.log10(d3d) + 22.4 + 21.3 * np.log10(freq_ghz) - 0.3 * (h_ut - 1.5)
    w, h = street_width_m, building_height_m
    return (161.04 - 7.1 * np.log10(w) + 7.5 * np.log10(h)
            - (24.37 - 3.7 * (h / h_bs) ** 2) * np.log10(h_bs)
            + (43.42 - 3.1 * np.log10(h_bs)) * (np.log10(d3d) - 3.0)
            + 20.0 * np.log10(freq_ghz) - (3.2 * np.log10(11.75 * h_ut) ** 2 - 4.97))


def path_loss(scenario: str, d2d_m: ArrayLike, *, freq_ghz: float = 3.5, h_bs_m: ArrayLike = 25.0,
              h_ut_m: float = 1.5, los: bool = False, street_width_m: float = 20.0,
              building_height_m: float = 5.0) -> np.ndarray:
    """Median path loss (dB, no shadow fading) of TR 38.901 §7.4.1.

    Parameters
    ----------
    scenario : {"UMa", "UMi", "RMa"}
        Urban macro, urban micro street canyon, rural macro.
    d2d_m : float or array
        Horizontal distance(s); below 10 m evaluated at 10 m (documented clamp).
    freq_ghz : float
        Carrier frequency, GHz.
    h_bs_m : float or array
        Base-station antenna height (broadcast against ``d2d_m``).
    h_ut_m : float
        User-equipment height.
    los : bool
        Line of sight; NLOS is ``max(PL_LOS, PL'_NLOS)``.
    street_width_m, building_height_m : float
        RMa only: street width W (5-50 m) and building height h (5-50 m).

    Returns
    -------
    numpy.ndarray
        Path loss in dB, same shape as the broadcast inputs.

    Raises
    ------
    RadioError
        Unknown scenario; distance, frequency or heights outside the model range.

    Examples
    --------
    >>> round(float(path_loss("UMi", 100.0, freq_ghz=3.5, h_bs_m=10.0, los=True)), 2)
    85.31
    >>> round(float(path_loss("RMa", 2000.0, freq_ghz=0.7, h_bs_m=35.0, los=False)), 2)
    128.07
    """
    d2d, h_bs = _validate(scenario, d2d_m, freq_ghz, h_bs_m, h_ut_m, los)
    if scenario == "RMa":
        _check_range("street_width", np.asarray(street_width_m), 5.0, 50.0, scenario, "m")
        _check_range("building_height", np.asarray(building_height_m), 5.0, 50.0, scenario, "m")
    d3d = np.sqrt(d2d**2 + (h_bs - h_ut_m) ** 2)
    pl = _pl_los(scenario, d2d, d3d, freq_ghz, h_bs, h_ut_m, street_width_m, building_height_m)
    if not los:
        nlos = _pl_nlos_prime(scenario, d3d, freq_ghz, h_bs, h_ut_m, street_width_m,
                              building_height_m)
        pl = np.maximum(pl, nlos)
    return pl


def los_probability(scenario: str, d2d_m: ArrayLike, *, h_ut_m: float = 1.5) -> np.ndarray:
    """LOS probability of TR 38.901 §7.4.2 (outdoor users).

    Examples
    --------
    >>> round(float(los_probability("UMi", 100.0)), 4)
    0.231
    """
    d = np.maximum(np.asarray(d2d_m, float), 1e-9)
    if scenario == "RMa":
        return np.where(d <= 10.0, 1.0, np.exp(-(d - 10.0) / 1000.0))
    if scenario == "UMi":
        return np.where(d <= 18.0, 1.0, 18.0 / d + np.exp(-d / 36.0) * (1.0 - 18.0 / d))
    if scenario == "UMa":
        c = 0.0 if h_ut_m <= 13.0 else ((h_ut_m - 13.0) / 10.0) ** 1.5
        base = 18.0 / d + np.exp(-d / 63.0) * (1.0 - 18.0 / d)
        p = base * (1.0 + c * 1.25 * (d / 100.0) ** 3 * np.exp(-d / 150.0))
        return np.where(d <= 18.0, 1.0, p)
    raise RadioError(Msg("radio.unknown_scenario", scenario=repr(scenario), scenarios=', '.join(SCENARIOS)))


def o2i_loss_db(freq_ghz: float, *, building: str = "low", indoor_distance_m: float = 0.0) -> float:
    """Outdoor-to-indoor loss (dB) of TR 38.901 §7.4.3, without its random part.

    Examples
    --------
    >>> round(o2i_loss_db(3.5, building="low"), 1), round(o2i_loss_db(3.5, building="high"), 1)
    (12.7, 26.8)
    """
    f = freq_ghz
    l_glass, l_irr, l_concrete = 2.0 + 0.2 * f, 23.0 + 0.3 * f, 5.0 + 4.0 * f
    if building == "low":
        wall = 5.0 - 10.0 * np.log10(0.3 * 10 ** (-l_glass / 10) + 0.7 * 10 ** (-l_concrete / 10))
    elif building == "high":
        wall = 5.0 - 10.0 * np.log10(0.7 * 10 ** (-l_irr / 10) + 0.3 * 10 ** (-l_concrete / 10))
    else:
        raise RadioError(Msg("radio.unknown_o_i", building=repr(building)))
    return float(wall + 0.5 * indoor_distance_m)


def scenario_for(environment: str, *, macro: bool) -> str:
    """TR 38.901 scenario for a demand environment and a site class.

    Examples
    --------
    >>> scenario_for("urban", macro=False), scenario_for("rural", macro=False)
    ('UMi', 'RMa')
    """
    if environment in ("dense_urban", "urban"):
        return "UMa" if macro else "UMi"
    if environment in ("suburban", "rural"):
        return "RMa"
    raise RadioError(
        Msg("radio.unknown_environment_dense", environment=repr(environment))
    )


@dataclass(frozen=True)
class LinkBudget:
    """The radio parameters of one plan, read from the assumptions table.

    Examples
    --------
    >>> from siteplan.defaults import Assumptions
    >>> lb = LinkBudget.from_assumptions(Assumptions())
    >>> lb.freq_ghz, round(float(lb.eirp_per_re_dbm(macro=True)), 1)
    (3.5, 32.8)
    """

    band: str
    freq_ghz: float
    subcarriers: int
    scs_khz: float
    mode: str
    rsrp_threshold_dbm: float
    edge_probability: float
    ue_height_m: float
    noise_figure_db: float
    macro: Mapping[str, float]
    micro: Mapping[str, float]
    o2i_building: str
    indoor_distance_m: float
    street_width_m: float
    building_height_m: float

    @classmethod
    def from_assumptions(cls, assumptions: Mapping[str, Any]) -> LinkBudget:
        """Build from an :class:`~siteplan.defaults.Assumptions` table."""
        band = str(assumptions["radio.band"])
        if band not in BAND_FREQ_GHZ:
            raise RadioError(Msg("radio.unknown_band", band=repr(band),
                                 band_freq_ghz=', '.join(BAND_FREQ_GHZ)))
        mode = str(assumptions["radio.mode"])
        if mode not in ("nlos", "expected", "los"):
            raise RadioError(Msg("radio.unknown_radio_mode", mode=repr(mode)))
        p_edge = float(assumptions["radio.edge_probability"])
        if not 0.5 <= p_edge < 1.0:
            raise RadioError(Msg("radio.radio_edge_probability", p_edge=p_edge))
        bandwidth_mhz = float(assumptions[f"radio.bandwidth_mhz.{band}"])
        scs_khz = float(assumptions[f"radio.scs_khz.{band}"])
        resource_blocks = int(bandwidth_mhz * 1000 * 0.983 // (12 * scs_khz))
        if resource_blocks < 11:
            raise RadioError(Msg("radio.radio_bandwidth_mhz", band=band,
                                 bandwidth_mhz=format(bandwidth_mhz, 'g'), scs_khz=format(scs_khz, 'g'),
                                 resource_blocks=resource_blocks))

        def prof(kind: str) -> dict[str, float]:
            return {k: float(assumptions[f"radio.{kind}.{k}"])
                    for k in ("tx_power_dbm", "antenna_gain_dbi", "loss_db")}

        return cls(
            band=band, freq_ghz=BAND_FREQ_GHZ[band], subcarriers=12 * resource_blocks,
            scs_khz=scs_khz, mode=mode,
            rsrp_threshold_dbm=float(assumptions["radio.rsrp_threshold_dbm"]),
            edge_probability=p_edge, ue_height_m=float(assumptions["radio.ue_height_m"]),
            noise_figure_db=float(assumptions["radio.noise_figure_db"]),
            macro=prof("macro"), micro=prof("micro"),
            o2i_building=str(assumptions["radio.o2i_building"]),
            indoor_distance_m=float(assumptions["radio.indoor_distance_m"]),
            street_width_m=float(assumptions["radio.street_width_m"]),
            building_height_m=float(assumptions["radio.building_height_m"]),
        )

    def eirp_per_re_dbm(self, *, macro: bool) -> float:
        """EIRP per resource element (dBm): power/subcarriers + gain − losses."""
        p = self.macro if macro else self.micro
        return (p["tx_power_dbm"] - 10.0 * np.log10(self.subcarriers)
                + p["antenna_gain_dbi"] - p["loss_db"])

    def indoor_loss_db(self) -> float:
        """O2I loss applied to indoor demand."""
        return o2i_loss_db(self.freq_ghz, building=self.o2i_building,
                           indoor_distance_m=self.indoor_distance_m)

    def edge_snr_db(self) -> float:
        """SNR per resource element at the RSRP threshold (for reports)."""
        noise_dbm = -174.0 + 10.0 * np.log10(1e3 * self._scs_khz())
        return float(self.rsrp_threshold_dbm - noise_dbm - self.noise_figure_db)

    def _scs_khz(self) -> float:
        return self.scs_khz

    def _z(self) -> float:
        from statistics import NormalDist  # not scipy.stats: 0.3 s of every import

        return float(NormalDist().inv_cdf(self.edge_probability))

    def rsrp_dbm(self, scenario: str, d2d_m: np.ndarray, h_bs_m: np.ndarray, *, macro: bool,
                 indoor: np.ndarray | bool = False) -> np.ndarray:
        """Planning RSRP (dBm): median received power minus the shadow margin
        for the cell-edge probability, minus O2I loss for indoor demand.

        Heights outside a scenario's range are clamped into it (pole micro
        sites under 10 m in RMa are evaluated at 10 m); the coverage stage
        never calls beyond the model's maximum distance.
        """
        pl, sigma = self.median_loss_db(scenario, d2d_m, h_bs_m)
        rsrp = self.eirp_per_re_dbm(macro=macro) - pl - self._z() * sigma
        return rsrp - np.where(indoor, self.indoor_loss_db(), 0.0)

    def clamp_height_m(self, scenario: str, h_bs_m: ArrayLike) -> np.ndarray:
        """Mast heights clamped into the scenario's TR 38.901 range (and above the UE)."""
        lo, hi = _H_BS_RANGE_M[scenario]
        return np.clip(h_bs_m, max(lo, self.ue_height_m + 0.5), hi)

    def median_loss_db(self, scenario: str, d2d_m: np.ndarray, h_bs_m: ArrayLike,
                       los: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
        """Median path loss (dB) and shadow-fading sigma (dB) of each pair.

        Parameters
        ----------
        scenario : {"UMa", "UMi", "RMa"}
        d2d_m : numpy.ndarray
            Horizontal distances, within the model's range for the state used.
        h_bs_m : float or array
            Mast heights (clamped into the scenario's range).
        los : numpy.ndarray of bool, optional
            Per-pair line of sight decided by the caller (a terrain profile);
            None uses ``radio.mode`` (``nlos``, ``expected`` or ``los``).

        Examples
        --------
        >>> from siteplan.defaults import Assumptions
        >>> lb = LinkBudget.from_assumptions(Assumptions())
        >>> pl, sigma = lb.median_loss_db("RMa", np.array([1000.0]), 35.0, np.array([True]))
        >>> round(float(pl[0]), 1), float(sigma[0])
        (105.5, 4.0)
        """
        h_bs = self.clamp_height_m(scenario, h_bs_m)
        kw = dict(freq_ghz=self.freq_ghz, h_bs_m=h_bs, h_ut_m=self.ue_height_m,
                  street_width_m=self.street_width_m, building_height_m=self.building_height_m)
        s_los_a, s_los_b, s_nlos = SIGMA_SF_DB[scenario]
        if los is not None:  # each pair in its own state (each formula on its pairs only)
            d = np.asarray(d2d_m, float)
            los = np.broadcast_to(np.asarray(los, bool), d.shape)
            h_b = np.broadcast_to(h_bs, d.shape)
            pl, sigma = np.empty(d.shape), np.full(d.shape, float(s_nlos))
            if los.any():
                kw["h_bs_m"] = h_b[los]
                pl[los] = path_loss(scenario, d[los], los=True, **kw)
                dbp = breakpoint_m(scenario, self.freq_ghz, h_b[los], self.ue_height_m)
                sigma[los] = np.where(d[los] <= dbp, s_los_a, s_los_b)
            if not los.all():
                kw["h_bs_m"] = h_b[~los]
                pl[~los] = path_loss(scenario, np.minimum(d[~los], _D2D_MAX_NLOS_M[scenario]),
                                     los=False, **kw)
            return pl, sigma
        if self.mode == "los":
            pl = path_loss(scenario, d2d_m, los=True, **kw)
            dbp = breakpoint_m(scenario, self.freq_ghz, h_bs, self.ue_height_m)
            sigma = np.where(d2d_m <= dbp, s_los_a, s_los_b)
        elif self.mode == "nlos":
            pl = path_loss(scenario, d2d_m, los=False, **kw)
            sigma = s_nlos
        else:
            d_los = np.minimum(d2d_m, _D2D_MAX_NLOS_M[scenario])
            pl_los = path_loss(scenario, d_los, los=True, **kw)
            d3d = np.sqrt(np.maximum(d_los, 10.0) ** 2 + (h_bs - self.ue_height_m) ** 2)
            pl_nlos = np.maximum(pl_los, _pl_nlos_prime(
                scenario, d3d, self.freq_ghz, h_bs, self.ue_height_m, self.street_width_m,
                self.building_height_m))
            p = los_probability(scenario, d2d_m, h_ut_m=self.ue_height_m)
            # LOS-probability weighting in linear power: p*10^(-PL_los/10) + (1-p)*10^(-PL_nlos/10)
            pl = pl_los - 10 * np.log10(p + (1 - p) * 10 ** ((pl_los - pl_nlos) / 10))
            sigma = p * s_los_a + (1 - p) * s_nlos
        return pl, sigma

    def max_reach_m(self, scenario: str, h_bs_m: float, *, macro: bool) -> float:
        """Largest distance at which an outdoor user can clear the threshold.

        Found by bisection on the monotone planning RSRP; capped at the model's
        maximum distance. Used to bound the spatial-index query.
        """
        return float(self.reach_by_height_m(scenario, np.array([h_bs_m]), macro=macro)[0])

    def reach_by_height_m(self, scenario: str, heights_m: np.ndarray, *, macro: bool) -> np.ndarray:
        """:meth:`max_reach_m` of each mast height (one vectorised pass).

        The reach is *not* monotone in the height: a taller mast is farther
        from a user nearby in 3D (UMi NLOS reaches less from 115 m than from
        10 m), so a bound over masts up to ``H`` takes the running maximum.

        Examples
        --------
        >>> from siteplan.defaults import Assumptions
        >>> lb = LinkBudget.from_assumptions(Assumptions())
        >>> r = lb.reach_by_height_m("UMi", np.array([10.0, 115.0]), macro=False)
        >>> bool(r[0] > r[1])
        True
        """
        d_max = (_D2D_MAX_M if self.mode == "los" else _D2D_MAX_NLOS_M)[scenario]
        grid = np.geomspace(10.0, d_max, 4000)
        h = np.asarray(heights_m, float).reshape(-1)
        dist, mast = np.tile(grid, h.size), np.repeat(h, grid.size)
        rsrp = np.empty(dist.size)

        def evaluate(piece: slice) -> None:
            rsrp[piece] = self.rsrp_dbm(scenario, dist[piece], mast[piece], macro=macro)

        in_pieces(evaluate, dist.size)  # elementwise: the same values on any split
        rsrp = rsrp.reshape(h.size, grid.size)
        ok = rsrp >= self.rsrp_threshold_dbm
        last = grid.size - 1 - np.argmax(ok[:, ::-1], axis=1)
        return np.where(ok.any(axis=1), grid[np.minimum(last + 1, grid.size - 1)], 0.0)


def is_macro(kind: str) -> bool:
    """True when a candidate kind carries a macro site (else a pole micro site)."""
    return kind in MACRO_KINDS
