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
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from siteplan.errors import ConfigError


@dataclass(frozen=True)
class Default:
    """One assumed value with its unit and where it comes from."""

    value: float | str | bool
    unit: str
    note: str


_KINDS = (
    "existing_site", "tower", "rooftop", "streetlight", "monitoring_pole", "power_pole",
    "traffic_pole", "public_building", "smart_pole", "greenfield", "indoor_das",
)
_ENVS = ("dense_urban", "urban", "suburban", "rural")

_COST = {  # sharing-first: existing < social pole / building < smart pole < greenfield
    "existing_site": 15000, "tower": 20000, "rooftop": 40000, "streetlight": 30000,
    "monitoring_pole": 30000, "power_pole": 35000, "traffic_pole": 30000,
    "public_building": 35000, "smart_pole": 120000, "greenfield": 400000,
    "indoor_das": 200000,  # 5G indoor distribution system (室分) for one building (assumption)
}
_HEIGHT = {  # DOMAIN.md section 4: typical mount heights
    "existing_site": 35, "tower": 40, "rooftop": 25, "streetlight": 9,
    "monitoring_pole": 7, "power_pole": 12, "traffic_pole": 7, "public_building": 20,
    "smart_pole": 12, "greenfield": 40, "indoor_das": 3,
}
_MACRO_RADIUS = {"dense_urban": 250, "urban": 350, "suburban": 700, "rural": 1200}
_MICRO_RADIUS = {"dense_urban": 100, "urban": 130, "suburban": 200, "rural": 300}
_RADIUS = {  # fixed-radius model (coverage.mode = "radius"), near the ISD norms / 2
    "existing_site": _MACRO_RADIUS, "tower": _MACRO_RADIUS, "greenfield": _MACRO_RADIUS,
    "rooftop": {"dense_urban": 200, "urban": 300, "suburban": 550, "rural": 900},
    "public_building": {"dense_urban": 200, "urban": 300, "suburban": 550, "rural": 900},
    "streetlight": _MICRO_RADIUS, "monitoring_pole": {"dense_urban": 80, "urban": 110,
                                                       "suburban": 170, "rural": 250},
    "traffic_pole": {"dense_urban": 80, "urban": 110, "suburban": 170, "rural": 250},
    "power_pole": {"dense_urban": 120, "urban": 160, "suburban": 260, "rural": 400},
    "smart_pole": _MICRO_RADIUS,
    # an indoor system serves the indoor demand of one building or complex around it
    "indoor_das": {"dense_urban": 100, "urban": 100, "suburban": 150, "rural": 150},
}

TABLE: dict[str, Default] = {
    "demand.spacing_m": Default(100.0, "m", "grid spacing of demand points in target areas"),
    "osm.storey_height_m": Default(3.0, "m", "storey height for OSM building:levels"),
    "opencellid.site_distance_m": Default(
        50.0, "m", "cells of one operator closer than this are one physical site"),
    "merge.same_structure_m": Default(
        5.0, "m", "the same kind within this distance in two sources is one structure"),
    "merge.multi_use_m": Default(
        3.0, "m", "distinct poles within this distance form one multi-use pole (多杆合一)"),
    "coverage.mode": Default("link_budget", "", "'link_budget' (TR 38.901) or 'radius'"),
    "coverage.max_pairs": Default(50_000_000.0, "pairs", "memory guard on candidate-demand pairs"),
}
for _k in _KINDS:
    TABLE[f"cost_cny.{_k}"] = Default(
        float(_COST[_k]), "CNY", "capital cost of a 5G site on this structure (assumption)"
    )
for _k in _KINDS:
    TABLE[f"height_m.{_k}"] = Default(
        float(_HEIGHT[_k]), "m", "mount height when the candidate has no height_m (DOMAIN 4)"
    )
for _k in _KINDS:
    for _e in _ENVS:
        TABLE[f"radius_m.{_k}.{_e}"] = Default(
            float(_RADIUS[_k][_e]), "m", f"{_k} cell radius in {_e} for coverage.mode='radius'"
        )
TABLE.update(
    {
        "radio.band": Default("n78", "", "n78 3.5 GHz, n41 2.6 GHz, n28 700 MHz, n79 4.9 GHz"),
        "radio.mode": Default("nlos", "", "'nlos' (conservative), 'expected' (LOS-weighted), 'los'"),
        "radio.rsrp_threshold_dbm": Default(-105.0, "dBm", "SS-RSRP edge; common value, no primary source"),
        "radio.edge_probability": Default(0.9, "", "cell-edge coverage probability for the shadow margin"),
        "radio.ue_height_m": Default(1.5, "m", "user-equipment height"),
        "radio.noise_figure_db": Default(7.0, "dB", "UE noise figure (edge SNR in reports)"),
        "radio.bandwidth_mhz": Default(100.0, "MHz", "carrier bandwidth (n28: capped at 20)"),
        "radio.scs_khz": Default(30.0, "kHz", "subcarrier spacing (n28: 15)"),
        "radio.macro.tx_power_dbm": Default(53.0, "dBm", "macro total transmit power (200 W)"),
        "radio.macro.antenna_gain_dbi": Default(17.0, "dBi", "macro SSB beam gain"),
        "radio.macro.loss_db": Default(2.0, "dB", "macro feeder and body loss"),
        "radio.micro.tx_power_dbm": Default(37.0, "dBm", "pole micro total power (5 W, Ranplan)"),
        "radio.micro.antenna_gain_dbi": Default(8.0, "dBi", "pole micro antenna gain"),
        "radio.micro.loss_db": Default(1.0, "dB", "micro feeder and body loss"),
        "radio.o2i_building": Default("low", "", "'low' or 'high' loss buildings for indoor areas"),
        "radio.indoor_distance_m": Default(5.0, "m", "indoor path length, 0.5 dB/m (TR 38.901 7.4.3)"),
        "radio.street_width_m": Default(20.0, "m", "RMa street width W"),
        "radio.building_height_m": Default(5.0, "m", "RMa average building height h"),
        "policy.mode": Default("weighted", "", "'weighted' costs or 'strict' sharing"),
        "policy.national_reuse_share": Default(0.95, "", "China Tower 2023: >95% of 5G builds reused"),
        "power.macro_load_kw": Default(3.8, "kW", "5G macro at full load (CCSA)"),
        "power.micro_load_kw": Default(0.2, "kW", "micro unit on a smart pole (Guangdong spec)"),
        "power.mean_load_fraction": Default(0.8, "", "average / full load over a year (assumption)"),
        "power.tariff_cny_per_kwh.direct": Default(0.35, "CNY/kWh", "market target (Zezhou)"),
        "power.tariff_cny_per_kwh.transfer": Default(0.8503, "CNY/kWh", "transfer-supply cap (Yueyang)"),
        "power.tariff_cny_per_kwh.unknown": Default(0.8503, "CNY/kWh", "worst case: transfer cap"),
        "power.transfer_share_target": Default(0.05, "", "Puyang: transfer-supply sites < 5% by 2022"),
        "power.hours_per_year": Default(8760.0, "h", "hours a site runs in a year"),
        "subsidy_cny.standalone_site": Default(5000.0, "CNY", "Puyang subsidy per new SA 5G site"),
        "landuse.tower_footprint_m": Default(15.0, "m", "side of a new ground tower's compound"),
        "landuse.pole_footprint_m": Default(1.0, "m", "side of a new smart pole's base"),
        "landuse.restricted_penalty_cny": Default(100000.0, "CNY", "permit cost/risk on restricted land"),
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
for _cls, (_tower, _pole, _existing, _buffer) in _RULES.items():
    for _group, _rule in (("new_tower", _tower), ("new_pole", _pole), ("existing", _existing)):
        TABLE[f"landuse.rule.{_cls}.{_group}"] = Default(
            _rule, "", f"{_group.replace('_', ' ')} sites on {_cls.replace('_', ' ')}")
    TABLE[f"landuse.buffer_m.{_cls}"] = Default(
        _buffer, "m", f"protection buffer around {_cls.replace('_', ' ')} (assumption)")


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
        "(assumption; Chinese county seats 5,000-15,000/km²)")
_SE_PER_LAYER = {"dense_urban": 1.95, "urban": 1.6, "suburban": 1.2, "rural": 0.825}
for _e, _se in _SE_PER_LAYER.items():
    TABLE[f"capacity.se_per_layer_bps_hz.{_e}"] = Default(
        _se, "bit/s/Hz", f"average DL spectral efficiency per MIMO layer in {_e} "
        "(ITU-R M.2410 per-TRxP minimum: dense urban 7.8, rural 3.3, over 4 layers; "
        "urban, suburban interpolated, assumption)")
TABLE.update(
    {
        "traffic.penetration": Default(
            0.5, "", "5G users / population at the milestone (Puyang plan: 1.91M of ~3.8M "
            "people by 2022, about 0.5)"),
        "traffic.operator_share": Default(
            1.0, "", "share of 5G users the planned sites serve (1 = every operator on the "
            "shared sites)"),
        "traffic.gb_per_user_month": Default(
            30.0, "GB/month", "mobile data per 5G user (assumption: about 2x MIIT 2022 "
            "all-user average of 15.2 GB)"),
        "traffic.busy_hour_share": Default(
            0.15, "", "share of a day's traffic in the busy hour (cdcam's constant)"),
        "traffic.days_per_month": Default(30.0, "days", "days per month for daily traffic"),
        "capacity.load_cap": Default(
            0.7, "", "planning load cap: expansion is triggered near 70 % PRB utilisation"),
        "capacity.tdd_dl_share": Default(
            0.743, "", "downlink share of a TDD carrier: DDDSU with S = 10:2:2 symbols "
            "(52 of 70); FDD bands (n28) use 1"),
        "capacity.macro.sectors": Default(3.0, "", "cells per macro site (three sectors)"),
        "capacity.macro.mimo_layers": Default(
            4.0, "", "average DL MIMO layers of a 64T64R macro cell (assumption, M.2410's "
            "per-TRxP figures over 4 layers)"),
        "capacity.micro.sectors": Default(1.0, "", "cells per pole-mounted micro site"),
        "capacity.micro.mimo_layers": Default(2.0, "", "average DL layers of a 4T4R micro cell"),
        "capacity.indoor.sectors": Default(
            2.0, "", "cells per indoor distribution system (a building split in 2 cells)"),
        "capacity.indoor.mimo_layers": Default(2.0, "", "average DL layers of a 2T2R/4T4R "
                                               "indoor system"),
        "capacity.indoor.se_per_layer_bps_hz": Default(
            2.25, "bit/s/Hz", "indoor DL spectral efficiency per layer (ITU-R M.2410 indoor "
            "hotspot 9 over 4 layers)"),
        "proposals.mode": Default(
            "reach", "", "'reach': propose new towers, smart poles and indoor systems where "
            "no listed candidate reaches demand or capacity is short; 'off': none"),
        "proposals.macro_spacing_factor": Default(
            1.5, "x reach", "proposed tower lattice spacing / macro reach (hexagonal "
            "full cover needs <= 1.73)"),
        "proposals.micro_spacing_factor": Default(
            1.5, "x reach", "proposed smart-pole lattice spacing / micro reach"),
        "proposals.indoor_spacing_factor": Default(
            1.4, "x reach", "proposed indoor-system spacing / indoor reach (square full "
            "cover needs <= 1.41)"),
        "proposals.capacity_margin": Default(
            1.2, "", "propose more sites where the listed candidates' capacity is below "
            "this multiple of an area's busy-hour demand"),
        "power.indoor_load_kw": Default(
            1.0, "kW", "5G indoor distribution system head end and remote units (assumption)"),
    }
)

def _flatten(mapping: Mapping[str, Any], prefix: str = "") -> dict[str, Any]:
    flat: dict[str, Any] = {}
    for key, value in mapping.items():
        path = f"{prefix}{key}"
        if isinstance(value, Mapping) and path not in TABLE:
            flat.update(_flatten(value, path + "."))
        else:
            flat[path] = value
    return flat


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
            if key not in TABLE:
                close = difflib.get_close_matches(key, TABLE, n=3)
                hint = f" Did you mean {', '.join(close)}?" if close else ""
                raise ConfigError(
                    f"assumptions: unknown key {key!r}.{hint} "
                    "See the assumptions table in README.md for every key."
                )
            default = TABLE[key].value
            if isinstance(default, str):
                if not isinstance(value, str):
                    raise ConfigError(f"assumptions: {key!r} must be text, got {value!r}")
            else:
                if isinstance(value, bool) or not isinstance(value, int | float):
                    raise ConfigError(f"assumptions: {key!r} must be a number, got {value!r}")
                value = float(value)
            values[key] = value
            self._overridden.add(key)
        self._values = values

    def __getitem__(self, key: str) -> Any:
        try:
            return self._values[key]
        except KeyError:
            raise ConfigError(f"assumptions: unknown key {key!r}") from None

    def __iter__(self) -> Iterator[str]:
        return iter(self._values)

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
        return {k[cut:]: v for k, v in self._values.items() if k.startswith(prefix + ".")}

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


def markdown_table() -> str:
    """The defaults as Markdown rows (used to keep README.md's table true)."""
    return "\n".join(f"| `{r['key']}` | {r['value']} | {r['unit']} | {r['note']} |"
                     for r in Assumptions().table())


if __name__ == "__main__":
    print(markdown_table())
