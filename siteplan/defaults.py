"""The one table of assumed numbers: costs, heights, radii, radio, power, land.

Every number that is an assumption rather than a fact lives here, can be
overridden (from a config file's ``[assumptions]`` table or from Python), and
is printed in every report. Keys are dotted paths with the unit in the name.

Examples
--------
>>> from siteplan.defaults import Assumptions
>>> a = Assumptions()
>>> a["cost_cny.tower"]
20000.0
>>> b = a.override({"cost_cny": {"tower": 25000}})
>>> b["cost_cny.tower"], a["cost_cny.tower"]
(25000.0, 20000.0)
"""

from __future__ import annotations

import difflib
import math
from collections.abc import ItemsView, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from siteplan.errors import ConfigError
from siteplan.kinds import KIND_INFO, KINDS, value_key
from siteplan.messages import Msg


@dataclass(frozen=True)
class Default:
    """One assumed value with its unit, where it comes from, and what is allowed.

    Attributes
    ----------
    value : float, str or bool
        The default.
    unit : str
        Unit ("m", "CNY", "dBm" …; empty for a share or a choice).
    note : str
        What it is and where the number comes from.
    low, high : float, optional
        Allowed closed range for a number (it must also be finite).
    choices : tuple, optional
        Allowed values (text matched case-insensitively).
    aliases : mapping, optional
        Other names of the choices (``{"禁止": "forbidden"}``), matched
        like the choices.
    """

    value: float | str | bool
    unit: str
    note: str
    low: float | None = None
    high: float | None = None
    choices: tuple[Any, ...] | None = None
    aliases: Mapping[str, str] | None = None

    def check(self, key: str, value: Any) -> Any:
        """Return ``value`` in canonical form, or raise :class:`ConfigError`
        naming the key, the value and what is allowed.

        Examples
        --------
        >>> Default(1.0, "m", "x", low=0, high=300).check("h", 20)
        20.0
        >>> Default(1.0, "m", "x", low=0, high=300).check("h", 1e7)
        Traceback (most recent call last):
        siteplan.errors.ConfigError: assumptions: 'h' = 10000000.0 m is outside [0, 300] m.
        """
        if isinstance(self.value, str):
            return self._check_text(key, value)
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise ConfigError(Msg("assumptions.number", key=repr(key), value=repr(value)))
        value = float(value)
        unit = f" {self.unit}" if self.unit else ""
        if not math.isfinite(value):
            raise ConfigError(Msg("defaults.assumptions_not_finite", key=repr(key), value=repr(value)))
        if self.choices is not None and value not in self.choices:
            raise ConfigError(Msg("assumptions.choice", key=repr(key), value=f'{value:g}{unit}',
                                  choices=', '.join(f'{c:g}' for c in self.choices), hint=''))
        if (self.low is not None and value < self.low) or (
                self.high is not None and value > self.high):
            raise ConfigError(Msg("assumptions.range", key=repr(key), value=f'{value!r}{unit}',
                                  low=format(self.low, 'g'), high=format(self.high, 'g'), unit=unit))
        return value

    def _check_text(self, key: str, value: Any) -> str:
        """A text value: one of the choices (or a choice's alias), any case."""
        if not isinstance(value, str):
            raise ConfigError(Msg("defaults.assumptions_text_got", key=repr(key), value=repr(value)))
        if self.choices is None:
            return value
        folded = {value_key(c): c for c in self.choices}
        folded.update({value_key(a): c for a, c in (self.aliases or {}).items()})
        if value_key(value) not in folded:
            close = difflib.get_close_matches(value_key(value), folded, n=1)
            hint = f" Did you mean {folded[close[0]]!r}?" if close else ""
            names = f" ({'/'.join(self.aliases)})" if self.aliases else ""
            raise ConfigError(Msg("defaults.assumptions_not", key=repr(key), value=repr(value),
                                  map=', '.join(map(repr, self.choices)), names=names, hint=hint))
        return folded[value_key(value)]


_KINDS = KINDS
_ENVS = ("dense_urban", "urban", "suburban", "rural")
_BANDS = {"n78": (100.0, 30.0), "n41": (100.0, 30.0), "n28": (30.0, 15.0), "n79": (100.0, 30.0)}
_RULE_CHOICES = ("forbidden", "restricted", "allowed")
#: Chinese names of the land-use rules, accepted wherever a rule is given.
RULE_NAMES: dict[str, tuple[str, ...]] = {
    "forbidden": ("禁止", "禁建", "不允许"), "restricted": ("限制", "限建", "需审批"),
    "allowed": ("允许", "可建"),
}
_RULE_ALIASES = {name: rule for rule, names in RULE_NAMES.items() for name in names}
#: The same words as (word, rule) pairs.
RULE_WORDS = tuple(_RULE_ALIASES.items())

TABLE: dict[str, Default] = {
    "demand.spacing_m": Default(100.0, "m", "grid spacing of demand points in target areas",
                                low=5, high=5000),
    "osm.storey_height_m": Default(3.0, "m", "storey height for OSM building:levels",
                                   low=2, high=10),
    "opencellid.site_distance_m": Default(
        50.0, "m", "cells of one operator closer than this are one physical site",
        low=0, high=5000),
    "merge.same_structure_m": Default(
        5.0, "m", "the same kind within this distance in two sources is one structure",
        low=0, high=1000),
    "merge.multi_use_m": Default(
        3.0, "m", "distinct poles within this distance form one multi-use pole (多杆合一)",
        low=0, high=100),
    "coverage.mode": Default("link_budget", "", "'link_budget' (TR 38.901) or 'radius'",
                             choices=("link_budget", "radius")),
    "coverage.max_pairs": Default(50_000_000.0, "pairs", "memory guard on candidate-demand pairs",
                                  low=1, high=1e10),
    "work.max_demand_points": Default(
        5_000_000.0, "points", "work guard: more demand points need --allow-large",
        low=1, high=1e9),
    "work.max_memory_share": Default(
        0.6, "", "work guard: estimated memory above this share of RAM needs --allow-large",
        low=0.01, high=1),
    "inputs.max_text_mb": Default(
        100.0, "MB", "input guard: a KML or CSV/TXT file, or a KMZ/XLSX/zip member (declared "
        "or inflated size), larger than this needs --allow-large (parsed text takes ~10x in "
        "memory)", low=1, high=1e6),
    "inputs.max_rows": Default(
        500_000.0, "rows", "input guard: a CSV/TXT/XLSX table with more rows (counted while "
        "streaming, before reading) needs --allow-large", low=10, high=1e9),
    "inputs.outlier_km": Default(
        50.0, "km", "a listed point farther than this outside the target areas' extent "
        "(while 90 % of its list is inside) is an outlier: it can serve no target",
        low=1, high=20_000),
    "inputs.stray_part_km": Default(
        200.0, "km", "a part of a target area farther than this from its largest part is "
        "an error (a stray vertex or a lon/lat slip)", low=1, high=20_000),
}
for _k in _KINDS:
    TABLE[f"cost_cny.{_k}"] = Default(
        float(KIND_INFO[_k].cost_cny), "CNY",
        "capital cost of a 5G site on this structure (assumption)", low=0, high=1e8)
for _k in _KINDS:
    TABLE[f"height_m.{_k}"] = Default(
        float(KIND_INFO[_k].height_m), "m",
        "mount height when the candidate has no height_m (docs/DOMAIN.md §4)", low=1, high=300)
for _k in _KINDS:
    for _e in _ENVS:
        TABLE[f"radius_m.{_k}.{_e}"] = Default(
            float(KIND_INFO[_k].radius_m[_e]), "m",
            f"{_k} cell radius in {_e} for coverage.mode='radius'", low=10, high=50_000)
TABLE.update(
    {
        "radio.band": Default("n78", "", "n78 3.5 GHz, n41 2.6 GHz, n28 700 MHz, n79 4.9 GHz",
                              choices=tuple(_BANDS)),
        "radio.mode": Default("nlos", "", "'nlos' (conservative), 'expected' (LOS-weighted), 'los'",
                              choices=("nlos", "expected", "los")),
        "radio.rsrp_threshold_dbm": Default(-105.0, "dBm", "SS-RSRP edge; common value, no primary source",
            low=-150, high=-40),
        "radio.edge_probability": Default(0.9, "", "cell-edge coverage probability for the shadow margin",
            low=0.5, high=0.9999),
        "radio.ue_height_m": Default(1.5, "m", "user-equipment height", low=1, high=22.5),
        "radio.noise_figure_db": Default(7.0, "dB", "UE noise figure (edge SNR in reports)", low=0, high=20),
    }
)
for _band, (_bw, _scs) in _BANDS.items():
    TABLE[f"radio.bandwidth_mhz.{_band}"] = Default(
        _bw, "MHz", f"{_band} carrier bandwidth (sets the subcarriers sharing the power)",
        low=5, high=400)
    TABLE[f"radio.scs_khz.{_band}"] = Default(
        _scs, "kHz", f"{_band} subcarrier spacing", choices=(15.0, 30.0, 60.0, 120.0))
TABLE.update(
    {
        "radio.macro.tx_power_dbm": Default(53.0, "dBm", "macro total transmit power (200 W)",
            low=0, high=70),
        "radio.macro.antenna_gain_dbi": Default(17.0, "dBi", "macro SSB beam gain", low=-10, high=40),
        "radio.macro.loss_db": Default(2.0, "dB", "macro feeder and body loss", low=0, high=30),
        "radio.micro.tx_power_dbm": Default(37.0, "dBm", "pole micro total power (5 W, Ranplan)",
            low=0, high=70),
        "radio.micro.antenna_gain_dbi": Default(8.0, "dBi", "pole micro antenna gain", low=-10, high=40),
        "radio.micro.loss_db": Default(1.0, "dB", "micro feeder and body loss", low=0, high=30),
        "radio.o2i_building": Default("low", "", "'low' or 'high' loss buildings for indoor areas",
                                      choices=("low", "high")),
        "radio.indoor_distance_m": Default(5.0, "m", "indoor path length, 0.5 dB/m (TR 38.901 7.4.3)",
            low=0, high=100),
        "radio.street_width_m": Default(20.0, "m", "RMa street width W", low=5, high=50),
        "radio.building_height_m": Default(5.0, "m", "RMa average building height h", low=5, high=50),
        "policy.mode": Default("weighted", "", "'weighted' costs or 'strict' sharing",
                               choices=("weighted", "strict")),
        "policy.national_reuse_share": Default(0.95, "", "China Tower 2023: >95% of 5G builds reused",
            low=0, high=1),
        "power.macro_load_kw": Default(3.8, "kW", "5G macro at full load (CCSA)", low=0, high=100),
        "power.micro_load_kw": Default(0.2, "kW", "micro unit on a smart pole (Guangdong spec)",
            low=0, high=100),
        "power.mean_load_fraction": Default(0.8, "", "average / full load over a year (assumption)",
            low=0, high=1),
        "power.tariff_cny_per_kwh.direct": Default(0.35, "CNY/kWh", "market target (Zezhou)", low=0, high=10),
        "power.tariff_cny_per_kwh.transfer": Default(0.8503, "CNY/kWh", "transfer-supply cap (Yueyang)",
            low=0, high=10),
        "power.tariff_cny_per_kwh.unknown": Default(0.8503, "CNY/kWh", "worst case: transfer cap",
            low=0, high=10),
        "power.transfer_share_target": Default(0.05, "", "Puyang: transfer-supply sites < 5% by 2022",
            low=0, high=1),
        "power.hours_per_year": Default(8760.0, "h", "hours a site runs in a year", low=0, high=8784),
        "subsidy_cny.standalone_site": Default(5000.0, "CNY", "Puyang subsidy per new SA 5G site",
            low=0, high=1e7),
        "landuse.tower_footprint_m": Default(15.0, "m", "side of a new ground tower's compound",
            low=0.1, high=200),
        "landuse.pole_footprint_m": Default(1.0, "m", "side of a new smart pole's base", low=0.1, high=20),
        "landuse.restricted_penalty_cny": Default(100000.0, "CNY", "permit cost/risk on restricted land",
            low=0, high=1e9),
    }
)
# Land-use rules: class x site group -> forbidden / restricted (permit, penalty) / allowed.
# Groups: new_tower (greenfield), new_pole (smart_pole), existing (every reused structure).
_RULES = {
    "basic_farmland": ("forbidden", "restricted", "allowed", 0.0),
    "ecological_red_line": ("forbidden", "forbidden", "allowed", 0.0),
    "forest": ("restricted", "restricted", "allowed", 0.0),
    "water": ("forbidden", "forbidden", "allowed", 0.0),
    "satellite_earth_station": ("forbidden", "forbidden", "forbidden", 1000.0),
    "urban_development": ("allowed", "allowed", "allowed", 0.0),
}
# Classes of the national land survey (三调 parcels, siteplan/landuse_classes.py). Ordinary
# cultivated land is not permanent basic farmland (a control line with its own layer), but
# building on it needs farmland conversion approval: restricted, like the other farm land
# (for towers) and wetland; built-up and unused land is allowed; special land needs consent.
_RULES.update({
    "cultivated": ("restricted", "restricted", "allowed", 0.0),
    "agricultural": ("restricted", "allowed", "allowed", 0.0),
    "wetland": ("restricted", "restricted", "allowed", 0.0),
    "construction": ("allowed", "allowed", "allowed", 0.0),
    "special": ("restricted", "restricted", "allowed", 0.0),
    "unused": ("allowed", "allowed", "allowed", 0.0),
})
for _cls, (_tower, _pole, _existing, _buffer) in _RULES.items():
    for _group, _rule in (("new_tower", _tower), ("new_pole", _pole), ("existing", _existing)):
        TABLE[f"landuse.rule.{_cls}.{_group}"] = Default(
            _rule, "", f"{_group.replace('_', ' ')} sites on {_cls.replace('_', ' ')}",
            choices=_RULE_CHOICES, aliases=_RULE_ALIASES)
    TABLE[f"landuse.buffer_m.{_cls}"] = Default(
        _buffer, "m", f"protection buffer around {_cls.replace('_', ' ')} (assumption)",
        low=0, high=10_000)


# ---------------------------------------------------------------------------
# Traffic, capacity, indoor systems and new-build proposals (issue 19).
# Formulas: siteplan/traffic.py and siteplan/capacity.py; sources in each note.
# ---------------------------------------------------------------------------
_DENSITY_PER_KM2 = {  # people present in the busy hour when an area gives no population
    "main_urban": 8000, "key_area": 15000, "transport_hub": 8000, "town_seat": 4000,
    "industrial_park": 3000, "scenic_area": 300, "village": 2500, "road_corridor": 100,
}
for _cls, _density in _DENSITY_PER_KM2.items():
    TABLE[f"traffic.density_per_km2.{_cls}"] = Default(
        float(_density), "people/km²",
        f"{_cls.replace('_', ' ')} population density when the area has no population "
        "(assumption; Chinese county seats 5,000-15,000/km²)", low=0, high=200_000)
_SE_PER_LAYER = {"dense_urban": 1.95, "urban": 1.6, "suburban": 1.2, "rural": 0.825}
for _e, _se in _SE_PER_LAYER.items():
    TABLE[f"capacity.se_per_layer_bps_hz.{_e}"] = Default(
        _se, "bit/s/Hz", f"average DL spectral efficiency per MIMO layer in {_e} "
        "(ITU-R M.2410 per-TRxP minimum: dense urban 7.8, rural 3.3, over 4 layers; "
        "urban, suburban interpolated, assumption)", low=0.01, high=30)
TABLE.update(
    {
        "traffic.penetration": Default(
            0.5, "", "5G users / population at the milestone (Puyang plan: 1.91M of ~3.8M "
            "people by 2022, about 0.5)", low=0, high=1),
        "traffic.operator_share": Default(
            1.0, "", "share of 5G users the planned sites serve (1 = every operator on the "
            "shared sites)", low=0, high=1),
        "traffic.gb_per_user_month": Default(
            30.0, "GB/month", "mobile data per 5G user (assumption: about 2x MIIT 2022 "
            "all-user average of 15.2 GB)", low=0, high=10_000),
        "traffic.busy_hour_share": Default(
            0.15, "", "share of a day's traffic in the busy hour (cdcam's constant)",
            low=0, high=1),
        "traffic.days_per_month": Default(30.0, "days", "days per month for daily traffic",
                                          low=28, high=31),
        "capacity.load_cap": Default(
            0.7, "", "planning load cap: expansion is triggered near 70 % PRB utilisation",
            low=0.05, high=1),
        "capacity.tdd_dl_share": Default(
            0.743, "", "downlink share of a TDD carrier: DDDSU with S = 10:2:2 symbols "
            "(52 of 70); FDD bands (n28) use 1", low=0.05, high=1),
        "capacity.macro.sectors": Default(3.0, "", "cells per macro site (three sectors)",
                                          low=1, high=12),
        "capacity.macro.mimo_layers": Default(
            4.0, "", "average DL MIMO layers of a 64T64R macro cell (assumption, M.2410's "
            "per-TRxP figures over 4 layers)", low=1, high=16),
        "capacity.micro.sectors": Default(1.0, "", "cells per pole-mounted micro site",
                                          low=1, high=12),
        "capacity.micro.mimo_layers": Default(2.0, "", "average DL layers of a 4T4R micro cell",
                                              low=1, high=16),
        "capacity.indoor.sectors": Default(
            2.0, "", "cells per indoor distribution system (a building split in 2 cells)",
            low=1, high=64),
        "capacity.indoor.mimo_layers": Default(2.0, "", "average DL layers of a 2T2R/4T4R "
                                               "indoor system", low=1, high=16),
        "capacity.indoor.se_per_layer_bps_hz": Default(
            2.25, "bit/s/Hz", "indoor DL spectral efficiency per layer (ITU-R M.2410 indoor "
            "hotspot 9 over 4 layers)", low=0.01, high=30),
        "proposals.mode": Default(
            "reach", "", "'reach': propose new towers, smart poles and indoor systems where "
            "no listed candidate reaches demand or capacity is short; 'off': none",
            choices=("reach", "off")),
        "proposals.macro_spacing_factor": Default(
            1.5, "x reach", "proposed tower lattice spacing / macro reach (hexagonal "
            "full cover needs <= 1.73)", low=0.2, high=10),
        "proposals.micro_spacing_factor": Default(
            1.5, "x reach", "proposed smart-pole lattice spacing / micro reach", low=0.2,
            high=10),
        "proposals.indoor_spacing_factor": Default(
            1.4, "x reach", "proposed indoor-system spacing / indoor reach (square full "
            "cover needs <= 1.41)", low=0.2, high=10),
        "proposals.capacity_margin": Default(
            1.2, "", "propose more sites where the listed candidates' capacity is below "
            "this multiple of an area's busy-hour demand", low=0, high=10),
        "power.indoor_load_kw": Default(
            1.0, "kW", "5G indoor distribution system head end and remote units (assumption)",
            low=0, high=100),
    }
)
# --- best server / SINR analysis and model tuning (issue 27, siteplan/sinr.py, calibrate.py)
TABLE.update(
    {
        "sinr.analysis": Default(
            "on", "", "best-server / SINR analysis after the plan ('off' skips it)",
            choices=("on", "off")),
        "sinr.load": Default(
            0.5, "", "share of resource elements the interfering cells transmit on "
            "(network load, assumption)", low=0.0, high=1.0),
        "sinr.horizontal_beamwidth_deg": Default(
            65.0, "deg", "sector horizontal 3 dB beamwidth (TR 38.901 Table 7.3-1)",
            low=10, high=360),
        "sinr.max_attenuation_db": Default(
            30.0, "dB", "sector front-to-back limit A_max (TR 38.901 Table 7.3-1)",
            low=0, high=60),
        "sinr.vertical_beamwidth_deg": Default(
            10.0, "deg", "sector vertical 3 dB beamwidth of a macro panel (TR 36.814 "
            "Table A.2.1.1-2)", low=2, high=90),
        "sinr.vertical_sidelobe_db": Default(
            20.0, "dB", "vertical side-lobe limit SLA_V (TR 36.814 Table A.2.1.1-2)",
            low=0, high=60),
        "sinr.macro_downtilt_deg": Default(
            6.0, "deg", "macro sector downtilt (assumption; micro cells omni, untilted)",
            low=-10, high=30),
        "sinr.max_distance_m": Default(
            5000.0, "m", "cells farther than this neither serve nor interfere (TR 38.901 "
            "NLOS range)", low=100, high=5000),
        "sinr.overlap_window_db": Default(
            5.0, "dB", "overlap KPI: cells within this of the best server", low=0, high=30),
        "sinr.overlap_servers": Default(
            4.0, "cells", "overlap KPI: this many cells in the window is overlap (target: "
            "< 2 % of the area)", low=2, high=20),
        "sinr.overlap_target_share": Default(
            0.02, "", "overlap KPI target: at most this share of the area in overlap "
            "(planners' rule of thumb)", low=0.0, high=1.0),
        "sinr.overlap_min_rsrp_dbm": Default(
            -110.0, "dBm", "overlap KPI counts only cells above this (out-of-service level)",
            low=-150, high=-40),
        "sinr.overshoot_factor": Default(
            1.5, "x", "overshooting: serving beyond this multiple of the first-tier "
            "neighbour distance while a nearer site exists", low=0.1, high=10),
        "sinr.overshoot_share": Default(
            0.05, "", "overshooting: share of a site's served points beyond it that flags "
            "the site", low=0.0, high=1.0),
    }
)

# Terrain and clutter (issue 27, docs/terrain.md). Paths come from [inputs] dem / clutter.
TABLE.update(
    {
        "terrain.dem": Default(
            "", "", "DEM GeoTIFF(s), ';'-separated (set by [inputs] dem); empty: flat earth", ),
        "terrain.clutter": Default(
            "", "", "land-cover GeoTIFF, ESA WorldCover codes (set by [inputs] clutter); empty: none"),
        "terrain.k_factor": Default(
            4.0 / 3.0, "", "effective earth-radius factor (ITU-R P.526/P.452 median 4/3)",
            low=0.5, high=10),
        "terrain.profile_step_m": Default(
            30.0, "m", "spacing of profile samples (about a 1-arc-second DEM cell)",
            low=1, high=1000),
        "terrain.max_samples": Default(
            256.0, "samples", "most samples on one profile (longer paths are sampled coarser)",
            low=8, high=4096),
        "terrain.fresnel_clearance": Default(
            0.6, "", "LOS when the profile clears this share of the first Fresnel zone",
            low=0, high=2),
        "pathloss.offset_db": Default(
            0.0, "dB", "calibration: added to every path loss (siteplan calibrate)", low=-60, high=60),
        "pathloss.distance_slope_db_per_dec": Default(
            0.0, "dB/decade", "calibration: slope x log10(d / 1 km) added to the path loss",
            low=-60, high=60),
    }
)
# ESA WorldCover classes (code, nominal clutter height m after ITU-R P.452 Table 4 / P.2108,
# extra end loss dB for what TR 38.901 does not model: foliage).
CLUTTER_CLASSES: dict[str, tuple[int, float, float]] = {
    "tree": (10, 15.0, 8.0), "shrub": (20, 3.0, 2.0), "grass": (30, 0.0, 0.0),
    "crop": (40, 1.0, 0.0), "built": (50, 12.0, 0.0), "bare": (60, 0.0, 0.0),
    "snow": (70, 0.0, 0.0), "water": (80, 0.0, 0.0), "wetland": (90, 0.0, 0.0),
    "mangrove": (95, 10.0, 8.0), "moss": (100, 0.0, 0.0),
}
for _c, (_code, _h, _loss) in CLUTTER_CLASSES.items():
    TABLE[f"clutter.height_m.{_c}"] = Default(
        _h, "m", f"representative height of {_c} (WorldCover {_code}) along a profile",
        low=0, high=300)
    TABLE[f"clutter.loss_db.{_c}"] = Default(
        _loss, "dB", f"extra loss when the user stands in {_c} (TR 38.901 models buildings only)",
        low=0, high=60)
    TABLE[f"clutter.offset_db.{_c}"] = Default(
        0.0, "dB", f"calibration offset for users in {_c} (siteplan calibrate)", low=-60, high=60)

# Land-use (三调) zone classes read as clutter with [inputs] clutter = "landuse" (issue 27,
# docs/terrain.md): the clutter class each canonical zone class stands for ("" = no clutter).
# Control lines and boundaries are not land cover, so they map to no clutter.
ZONE_CLUTTER: dict[str, str] = {
    "basic_farmland": "crop",  # permanent basic farmland is cultivated land
    "ecological_red_line": "",  # a protection boundary, not a land cover
    "forest": "tree",  # 林地
    "water": "water",  # 水域
    "satellite_earth_station": "",  # a protection zone, not a land cover
    "urban_development": "",  # a planning boundary, not a land cover
    "cultivated": "crop",  # 耕地
    "agricultural": "crop",  # 其他农用地: orchards, farm roads, ponds
    "wetland": "wetland",  # 湿地
    "construction": "built",  # 建设用地: villages, towns, industry
    "special": "",  # 特殊用地: mixed (military, religious, scenic)
    "unused": "bare",  # 未利用地
}
for _z, _clutter in ZONE_CLUTTER.items():
    TABLE[f"clutter.zone.{_z}"] = Default(
        _clutter, "", f"clutter class of {_z} zones when [inputs] clutter = \"landuse\"; "
        "empty: no clutter", choices=("", *CLUTTER_CLASSES))
TABLE["clutter.zone.unzoned"] = Default(
    "", "", "clutter class of cells in no mapped land-use zone when [inputs] clutter = "
    "\"landuse\"; empty: open land (LOS where the terrain clears)", choices=("", *CLUTTER_CLASSES))


def _flatten(mapping: Mapping[str, Any], prefix: str = "") -> dict[str, Any]:
    flat: dict[str, Any] = {}
    for key, value in mapping.items():
        path = f"{prefix}{key}"
        if isinstance(value, Mapping) and path not in TABLE:
            flat.update(_flatten(value, path + "."))
        else:
            flat[path] = value
    return flat


#: Key prefixes that are no longer keys (older configs and calibration outputs may still
#: carry them): the plan's path-loss model has no per-environment offset (an older siteplan
#: calibrate wrote it, but plan never applied it); the message says what to do instead.
RETIRED: tuple[str, ...] = ("pathloss.environment_offset_db.",)

READ_KEYS: set[str] = set()
"""Keys some code has read (by key or by section) in this process; a test
checks that every key of the table is read by some code."""


def check_value(key: str, value: Any) -> Any:
    """The one validator of an assumption: ``value`` for ``key`` in canonical
    form, or a :class:`ConfigError` naming the key, the value and what is
    allowed (an unknown key with the closest ones). :class:`Assumptions` and
    every reader of a plain mapping call it.

    Examples
    --------
    >>> check_value("landuse.rule.forest.new_tower", "禁止")
    'forbidden'
    >>> check_value("radio.bnd", "n28")
    Traceback (most recent call last):
    siteplan.errors.ConfigError: assumptions: unknown key 'radio.bnd'. Did you mean radio.band, \
radio.mode? See docs/assumptions.md for every key.
    """
    if key not in TABLE:
        if key.startswith(RETIRED):
            raise ConfigError(Msg("assumptions.retired_offset", key=repr(key)))
        close = difflib.get_close_matches(key, TABLE, n=3)
        hint = f" Did you mean {', '.join(close)}?" if close else ""
        raise ConfigError(Msg("assumptions.unknown", key=repr(key), hint=hint))
    return TABLE[key].check(key, value)


class Assumptions(Mapping[str, Any]):
    """Immutable view of the defaults table with user overrides applied.

    Parameters
    ----------
    overrides : mapping, optional
        Nested (``{"cost_cny": {"tower": 1}}``) or dotted (``{"cost_cny.tower": 1}``)
        values that replace defaults. Unknown keys and wrong types raise
        :class:`~siteplan.errors.ConfigError`.

    Examples
    --------
    >>> Assumptions({"radio.band": "n28"})["radio.band"]
    'n28'
    """

    def __init__(self, overrides: Mapping[str, Any] | None = None) -> None:
        values = {key: d.value for key, d in TABLE.items()}
        self._overridden: set[str] = set()
        for key, value in _flatten(overrides or {}).items():
            values[key] = check_value(key, value)
            self._overridden.add(key)
        self._values = values

    def __getitem__(self, key: str) -> Any:
        try:
            value = self._values[key]
            READ_KEYS.add(key)
            return value
        except KeyError:
            raise ConfigError(Msg("defaults.assumptions_unknown_key_2", key=repr(key))) from None

    def __iter__(self) -> Iterator[str]:
        return iter(self._values)

    def items(self) -> ItemsView[str, Any]:  # noqa: D102 - iterating is not reading a key
        return self._values.items()

    def overrides(self) -> dict[str, Any]:
        """The overridden keys with their exact values (what a plan folder stores).

        Examples
        --------
        >>> Assumptions({"cost_cny": {"tower": 25000}}).overrides()
        {'cost_cny.tower': 25000.0}
        """
        return {k: self._values[k] for k in TABLE if k in self._overridden}

    def __len__(self) -> int:
        return len(self._values)

    def override(self, overrides: Mapping[str, Any]) -> Assumptions:
        """Return a copy with more overrides applied (this one is unchanged)."""
        merged = {k: self._values[k] for k in self._overridden}
        merged.update(_flatten(overrides))
        return Assumptions(merged)

    def section(self, prefix: str) -> dict[str, Any]:
        """Values under ``prefix.`` with the prefix stripped.

        Examples
        --------
        >>> Assumptions().section("power.tariff_cny_per_kwh")["direct"]
        0.35
        """
        cut = len(prefix) + 1
        found = {k: v for k, v in self._values.items() if k.startswith(prefix + ".")}
        READ_KEYS.update(found)
        return {k[cut:]: v for k, v in found.items()}

    def table(self) -> list[dict[str, Any]]:
        """Rows ``key, value, unit, note, overridden`` for reports."""
        return [
            {
                "key": key,
                "value": self._values[key],
                "unit": TABLE[key].unit,
                "note": TABLE[key].note,
                "overridden": key in self._overridden,
            }
            for key in TABLE
        ]


def allowed(default: Default) -> str:
    """The allowed values of a default as text (``[0, 300]``, ``a / b``).

    Examples
    --------
    >>> allowed(TABLE["policy.mode"]), allowed(TABLE["height_m.tower"])
    ('weighted / strict', '[1, 300]')
    """
    if default.choices is not None:
        return " / ".join(f"{c:g}" if isinstance(c, float) else str(c) for c in default.choices)
    if default.low is not None or default.high is not None:
        low = "-inf" if default.low is None else f"{default.low:g}"
        high = "inf" if default.high is None else f"{default.high:g}"
        return f"[{low}, {high}]"
    return "any"


def markdown_table() -> str:
    """The defaults as Markdown rows (``docs/assumptions.md``'s table; a test keeps it true).

    Examples
    --------
    >>> markdown_table().splitlines()[2].startswith("| `demand.spacing_m` | 100.0 | m |")
    True
    """
    head = "| key | default | unit | allowed | note |\n|---|---|---|---|---|\n"
    return head + "\n".join(
        f"| `{r['key']}` | {r['value']} | {r['unit']} | {allowed(TABLE[r['key']])} | {r['note']} |"
        for r in Assumptions().table())


#: The page whose table :func:`update_docs` rewrites, and the heading above the table.
DOCS_PAGE = "docs/assumptions.md"
DOCS_HEADING = "## The defaults table"


def update_docs(path: str = DOCS_PAGE) -> None:
    """Rewrite the defaults table of ``docs/assumptions.md`` from :data:`TABLE`
    (``python -m siteplan.defaults`` from the repository root)."""
    from pathlib import Path

    page = Path(path)
    text = page.read_text(encoding="utf-8")
    start = text.index("\n| ", text.index(DOCS_HEADING)) + 1
    end = text.find("\n\n", start)
    end = len(text) - 1 if end < 0 else end
    page.write_text(text[:start] + markdown_table() + text[end:], encoding="utf-8")


if __name__ == "__main__":
    update_docs()
