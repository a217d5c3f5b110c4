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

from siteplan.errors import ConfigError, InputError
from siteplan.kinds import KIND_INFO, kinds_where
from siteplan.messages import Msg
from siteplan.schema import POWER_SUPPLY

#: Kinds in public areas that get direct supply from the grid (docs/DOMAIN.md §2).
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
        raise ConfigError(Msg("power.no_tariff", missing=missing, keys=", ".join(
            f"power.tariff_cny_per_kwh.{m}" for m in missing)))
    bad = {k: v for k, v in found.items() if not (np.isfinite(v) and v >= 0)}
    if bad:
        raise ConfigError(Msg("power.power_tariffs_non", bad=bad))
    return found


def load_kw(kinds: pd.Series, assumptions: Mapping[str, Any]) -> np.ndarray:
    """Full load (kW) per site: ``power.<profile>_load_kw`` of its kind's power
    profile (:attr:`siteplan.kinds.SiteKind.power_profile`: macro, micro or indoor).

    Examples
    --------
    >>> from siteplan.defaults import Assumptions
    >>> load_kw(pd.Series(["tower", "smart_pole", "indoor_das"]), Assumptions()).tolist()
    [3.8, 0.2, 1.0]
    """
    profiles = {k: info.power_profile for k, info in KIND_INFO.items()}
    unknown = sorted(set(kinds) - set(profiles))
    if unknown:
        raise InputError(Msg("power.power_unknown_site", unknown=unknown, profiles=', '.join(profiles)))
    per_profile = {p: float(assumptions[f"power.{p}_load_kw"]) for p in set(profiles.values())}
    return np.array([per_profile[profiles[k]] for k in kinds], dtype=float)


def site_power(sites: pd.DataFrame, assumptions: Mapping[str, Any]) -> pd.DataFrame:
    """Per site: ``load_kw``, ``supply``, ``energy_kwh_per_year``, ``cost_cny_per_year``."""
    price = tariffs(assumptions)
    hours = float(assumptions["power.hours_per_year"]) * float(
        assumptions["power.mean_load_fraction"])
    out = pd.DataFrame({"site_id": sites["site_id"].to_numpy(), "kind": sites["kind"].to_numpy()})
    if "since" in sites:
        out["year"] = sites["since"].to_numpy()
    out["load_kw"] = load_kw(sites["kind"], assumptions)
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
