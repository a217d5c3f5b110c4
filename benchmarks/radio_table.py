"""Implied cell radius (m) of each site profile per environment and band,
beside the ISD norms of DOMAIN.md (cell radius = ISD / sqrt(3) for hexagons).

Usage::  .venv/bin/python benchmarks/radio_table.py
"""

from __future__ import annotations

import math

from siteplan.defaults import Assumptions
from siteplan.radio import BAND_FREQ_GHZ, LinkBudget, scenario_for

PROFILES = (("tower 40 m (macro)", 40.0, True), ("rooftop 25 m (macro)", 25.0, True),
            ("streetlight 9 m (micro)", 9.0, False))
NORMS = {"dense_urban": 200, "urban": 500, "suburban": 1000, "rural": 1732}


def main() -> None:
    a = Assumptions()
    print("| profile | environment | scenario | " + " | ".join(
        f"{b} {f} GHz" for b, f in BAND_FREQ_GHZ.items()) + " | ISD norm → radius |")
    print("|---|---|---|" + "---|" * len(BAND_FREQ_GHZ) + "---|")
    for name, height, macro in PROFILES:
        for env, isd in NORMS.items():
            sc = scenario_for(env, macro=macro)
            cells = []
            for band in BAND_FREQ_GHZ:
                lb = LinkBudget.from_assumptions(a.override({"radio.band": band}))
                cells.append(f"{lb.max_reach_m(sc, height, macro=macro):,.0f}")
            print(f"| {name} | {env} | {sc} | " + " | ".join(cells)
                  + f" | {isd:,} m → {isd / math.sqrt(3):,.0f} m |")


if __name__ == "__main__":
    main()
