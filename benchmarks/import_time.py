"""Start-up cost of the public API (issue 26): fresh interpreters, median of N runs.

Measures ``import siteplan`` (the package door: lazy, loads only ``errors``), the
imports behind ``siteplan check-landuse`` (must not load the planner or solver),
and the first use of a public name (``from siteplan import run`` loads the
application layer). Each line also prints how many ``siteplan.*`` modules were
loaded and whether the solver was. Run from the repository root:

    .venv/bin/python benchmarks/import_time.py [N]
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys

CASES = {
    "import siteplan": "import siteplan",
    "check-landuse imports": "import siteplan.landuse_check, siteplan.cli",
    "from siteplan import run": "from siteplan import run",
    "from siteplan import set_cover": "from siteplan import set_cover",
}
PROBE = ("import sys, time, json\nt = time.perf_counter()\n{code}\n"
         "s = time.perf_counter() - t\n"
         "mods = [m for m in sys.modules if m.startswith('siteplan')]\n"
         "print(json.dumps({{'s': s, 'modules': len(mods),"
         " 'solver': any(m.startswith('siteplan.solve') for m in mods)}}))")


def measure(code: str, runs: int) -> dict:
    times, last = [], {}
    for _ in range(runs):
        out = subprocess.run([sys.executable, "-c", PROBE.format(code=code)], check=True,
                             capture_output=True, text=True, env={**os.environ}).stdout
        last = json.loads(out.strip().splitlines()[-1])
        times.append(last["s"])
    return {"median_s": statistics.median(times), "modules": last["modules"],
            "solver_loaded": last["solver"]}


def main(runs: int = 5) -> None:
    print(f"load: {os.getloadavg()[0]:.2f} (1 min), {runs} runs each")
    base = None
    for name, code in CASES.items():
        r = measure(code, runs)
        base = base or r["median_s"]
        print(f"{name:32s} {r['median_s']:7.3f} s  x{r['median_s'] / base:6.1f}  "
              f"{r['modules']:3d} siteplan modules  solver loaded: {r['solver_loaded']}")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 5)
