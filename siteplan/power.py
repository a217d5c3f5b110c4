"""Power: load per site, supply type, annual energy and cost, transfer share.

For the grid company: per milestone, every site's location, load (kW) and
supply type; for the tower company: annual energy and cost at the tariffs,
and the share of transfer-supply (转供电) sites against the target (Puyang:
below 5 % by 2022). New builds and public-area poles get direct supply.

Examples
--------
>>> import pandas as pd
>>> from siteplan.defaults import Assumptions
>>> sites = pd.DataFrame({"site_id": ["a", "b"], "kind": ["tower", "streetlight"],
...                       "power_supply": ["transfer", "unknown"], "since": [2020, 2021]})
>>> table = site_power(sites, Assumptions())
>>> table[["load_kw", "supply"]].values.tolist()
[[3.8, 'transfer'], [0.2, 'direct']]
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from siteplan.errors import ConfigError
from siteplan.kinds import kinds_where
from siteplan.schema import INDOOR_KINDS, MACRO_KINDS, POWER_SUPPLY

#: Kinds in public areas that get direct supply from the grid (DOMAIN.md §2).
PUBLIC_AREA_KINDS = kinds_where(public_area=True)


def supply_type(kind: str, declared: str) -> str:
    """Supply of a planned site: public-area and new sites direct, else as declared."""
    return "direct" if kind in PUBLIC_AREA_KINDS else declared


def tariffs(assumptions: Mapping[str, Any]) -> dict[str, float]:
    """Tariff per supply type; every type must have one."""
    if hasattr(assumptions, "section"):
        found = {k: float(v) for k, v in assumptions.section("power.tariff_cny_per_kwh").items()}
    else:
        cut = len("power.tariff_cny_per_kwh.")
        found = {k[cut:]: float(v) for k, v in assumptions.items()
                 if k.startswith("power.tariff_cny_per_kwh.")}
    missing = [s for s in POWER_SUPPLY if s not in found]
    if missing:
        raise ConfigError(f"power: no tariff for supply type(s) {missing}; set "
                          + ", ".join(f"power.tariff_cny_per_kwh.{m}" for m in missing) + ".")
    bad = {k: v for k, v in found.items() if not (np.isfinite(v) and v >= 0)}
    if bad:
        raise ConfigError(f"power: tariffs must be non-negative numbers, got {bad}.")
    return found


def site_power(sites: pd.DataFrame, assumptions: Mapping[str, Any]) -> pd.DataFrame:
    """Per site: ``load_kw``, ``supply``, ``energy_kwh_per_year``, ``cost_cny_per_year``."""
    price = tariffs(assumptions)
    macro_kw = float(assumptions["power.macro_load_kw"])
    micro_kw = float(assumptions["power.micro_load_kw"])
    hours = float(assumptions["power.hours_per_year"]) * float(
        assumptions["power.mean_load_fraction"])
    out = pd.DataFrame({"site_id": sites["site_id"].to_numpy(), "kind": sites["kind"].to_numpy()})
    if "since" in sites:
        out["year"] = sites["since"].to_numpy()
    indoor_kw = float(assumptions["power.indoor_load_kw"])
    out["load_kw"] = np.where(sites["kind"].isin(MACRO_KINDS), macro_kw,
                              np.where(sites["kind"].isin(INDOOR_KINDS), indoor_kw, micro_kw))
    out["supply"] = [supply_type(k, s) for k, s in zip(sites["kind"], sites["power_supply"],
                                                       strict=True)]
    out["energy_kwh_per_year"] = np.round(out["load_kw"] * hours, 1)
    out["cost_cny_per_year"] = np.round(out["energy_kwh_per_year"] * out["supply"].map(price), 2)
    return out


def power_summary(table: pd.DataFrame, assumptions: Mapping[str, Any]) -> dict[str, Any]:
    """Totals and the transfer-supply share against its target."""
    target = float(assumptions["power.transfer_share_target"])
    share = float((table["supply"] == "transfer").mean()) if len(table) else 0.0
    return {
        "sites": int(len(table)), "load_kw": float(table["load_kw"].sum()),
        "energy_mwh_per_year": float(table["energy_kwh_per_year"].sum() / 1000),
        "cost_cny_per_year": float(table["cost_cny_per_year"].sum()),
        "by_supply": {k: int(v) for k, v in table["supply"].value_counts().items()},
        "transfer_share": share, "transfer_share_target": target,
        "transfer_target_met": bool(share <= target),
    }
