"""The 9,600 km² synthetic region through ``siteplan plan`` end to end (issue 20).

Writes the region (:mod:`siteplan.datasets.bigregion`, SYNTHETIC: a main
city, county seats, towns, villages; ~980k demand points at 45 m, ~66k
candidates, 4 milestones, 20 s per solve), then runs the command line
``python -m siteplan.cli plan CONFIG --out DIR --offline`` in a fresh
process and reads

- the wall time of each stage from the command's own progress lines
  (reading the inputs, demand points, coverage pairs, the rest of
  ``build_problem``, each milestone's solve, the capacity analyses, the
  site-count analysis, the outputs);
- each milestone's solver result from ``report.json`` (cost, bound, reported
  gap, its time against its limit);
- the peak resident memory of the largest process of the run and the CPU
  seconds of all its processes (GNU ``time``: the command and the solver
  children it forks);
- the load average before and after.

``--repo DIR`` runs the command from another checkout (e.g. a ``git
worktree`` of main) for a before/after table in one session; ``--side`` and
``--spacing`` shrink the region.

Run: ``python benchmarks/big_region.py --json benchmarks/results/big_region.json``
(from the repository root; prints JSON).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LINE = re.compile(r"\[\s*([0-9.]+) s\] (.*?)\s*(?:cli\.py:\d+)?\s*$")


def stage_of(text: str) -> str:
    """The stage a progress line starts."""
    rules = [("reading inputs", "read"), ("demand points", "demand"),
             ("coverage of", "coverage_pairs"), ("milestone ", "solve"),
             ("capacity:", "capacity_analyses"), ("site-count", "site_count"),
             ("wrote ", "end")]
    for start, name in rules:
        if text.startswith(start):
            if name == "solve":
                return "solve_" + text.split()[1].rstrip(":")
            return name
    if text.startswith(("traffic", "new-build", "land-use check")):
        return "build_problem_rest"
    return "outputs"


def stages(stderr: str, wall_s: float) -> dict[str, float]:
    """Seconds per stage from the ``[  12.3 s] text`` progress lines."""
    marks = []
    for line in stderr.splitlines():
        m = LINE.search(line)
        if m:
            marks.append((float(m.group(1)), stage_of(m.group(2))))
    out: dict[str, float] = {}
    for (t, name), nxt in zip(marks, [*marks[1:], (wall_s, "end")], strict=True):
        if name != "end":
            out[name] = round(out.get(name, 0.0) + nxt[0] - t, 1)
    return out


def run_plan(repo: Path, config: Path, out: Path) -> dict:
    """``siteplan plan`` from ``repo`` in a fresh process."""
    env = dict(os.environ, COLUMNS="250", PYTHONPATH=str(repo))
    before = os.getloadavg()
    start = time.perf_counter()
    usage = out.parent / f"{out.name}.usage"
    # GNU time: peak RSS of the largest process of the run, CPU seconds of all
    proc = subprocess.run(["/usr/bin/time", "-f", "%M %U %S", "-o", str(usage),
                           sys.executable, "-m", "siteplan.cli", "plan", str(config),
                           "--out", str(out), "--offline", "--force"],
                          cwd=repo, env=env, capture_output=True, text=True)
    wall = time.perf_counter() - start
    peak_kb, user_s, sys_s = usage.read_text().split()[-3:]
    if proc.returncode != 0:
        raise SystemExit(f"siteplan plan failed ({proc.returncode}):\n{proc.stderr[-3000:]}")
    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    limit = report.get("solver", {}).get("time_limit_s") or 20.0
    solves = [{"milestone": m["milestone"], "sites": m["sites"],
               "cost_cny": m["solver"]["cost"], "lower_bound": m["solver"]["lower_bound"],
               "gap": m["solver"]["gap"], "time_s": round(m["solver"]["time_s"], 1),
               "optimal": m["solver"]["optimal"]}
              for m in report["milestones"]]
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=repo,
                            capture_output=True, text=True).stdout.strip()
    return {"repo": str(repo), "commit": commit, "wall_s": round(wall, 1),
            "cpu_s": round(float(user_s) + float(sys_s), 1),
            "peak_rss_mb": round(int(peak_kb) / 1024),
            "time_limit_s": limit, "stages_s": stages(proc.stderr, wall), "solves": solves,
            "max_gap": max(s["gap"] for s in solves),
            "load_before": [round(x, 2) for x in before],
            "load_after": [round(x, 2) for x in os.getloadavg()],
            "demand_points": report.get("demand_points"),
            "candidates": report.get("candidates")}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--side", type=float, default=98.0, help="side of the region in km")
    ap.add_argument("--spacing", type=float, default=45.0, help="demand spacing in m")
    ap.add_argument("--limit", type=float, default=20.0, help="seconds per solve")
    ap.add_argument("--repo", type=Path, action="append", default=None,
                    help="checkout(s) to run from (default: this one); repeat for side by side")
    ap.add_argument("--data", type=Path, default=None, help="folder for the region files")
    ap.add_argument("--json", type=Path, default=None)
    args = ap.parse_args()
    sys.path.insert(0, str(ROOT))
    from siteplan.datasets.bigregion import write_region

    work = Path(tempfile.mkdtemp(prefix="big_region_"))
    data = args.data or work / "region"
    t = time.perf_counter()
    write_region(data, args.side, spacing_m=args.spacing, time_limit_s=args.limit)
    gen_s = time.perf_counter() - t
    runs = []
    for i, repo in enumerate(args.repo or [ROOT]):
        runs.append(run_plan(repo.resolve(), data / "region.toml", work / f"plan-{i}"))
        print(json.dumps(runs[-1], indent=1), file=sys.stderr)
    result = {"command": " ".join(["python", *sys.argv]), "date": time.strftime(
        "%Y-%m-%d %H:%M UTC", time.gmtime()), "side_km": args.side,
        "spacing_m": args.spacing, "generate_s": round(gen_s, 1), "mode": "deterministic "
        "(the config default)", "runs": runs}
    text = json.dumps(result, indent=1)
    print(text)
    if args.json:
        args.json.write_text(text + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
