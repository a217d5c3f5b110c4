"""Repeatable results (issue 17): ``siteplan demo`` twice, once on a quiet
machine and once beside two CPU-bound processes, must give byte-identical
CSVs and maps, the same GeoPackage layers and XLSX cells, and the same
report.json, report.md and report.html apart from timings and the solver's
certificate (lower bound, gap, proven, clock cut: since issue 20 the clock
stops every solve within max(1 s, 10 %) of its limit, so a busy machine may
get a weaker bound for the same sites); the certificates are printed side
by side.

Run: ``.venv/bin/python benchmarks/repeatable.py [--out DIR] [--busy N]``
(prints each file as same/DIFFERENT and exits 1 on any difference).
"""

from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import re
import subprocess
import sys
import time
from pathlib import Path

TIMING_KEYS = {"time_s", "timings", "elapsed_s"}
#: the solver's certificate: in deterministic mode the clock still stops a
#: solve (issue 20), and HiGHS's dual bound at that moment depends on load;
#: the chosen sites do not unless the clock cut the counted work itself
CERTIFICATE_KEYS = {"lower_bound", "gap", "optimal", "clock_cut"}


def burn(stop_at: float) -> None:
    """Keep one core busy until ``stop_at``."""
    x = 0
    while time.time() < stop_at:
        x = (x * 31 + 7) % 1_000_003


def _strip(value: object, keys: frozenset[str] | set[str] = TIMING_KEYS | CERTIFICATE_KEYS
           ) -> object:
    if isinstance(value, dict):
        return {k: _strip(v, keys) for k, v in value.items() if k not in keys}
    if isinstance(value, list):
        return [_strip(v, keys) for v in value]
    return value


def certificates(folder: Path) -> list[tuple]:
    """Per milestone: (year, lower bound, gap, proven, stages the clock cut)."""
    report = json.loads((folder / "report.json").read_text())
    return [(m["milestone"], m["solver"]["lower_bound"], round(m["solver"]["gap"], 5),
             m["solver"]["optimal"], m["solver"].get("clock_cut", []))
            for m in report["milestones"]]


def demo(out: Path, extra: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "siteplan.cli", "demo", "--out", str(out), "--force",
                    *extra], check=True, capture_output=True)
    return time.perf_counter() - start


_TIMING = re.compile(r"\d[\d,.]* s\b|lower bound [\d,.]+, gap [\d.,]+ ?%?|"
                     r"The clock stopped part of this solve.*?another plan\.")


def _cells(path: Path) -> list:
    import openpyxl

    book = openpyxl.load_workbook(path, read_only=True)
    return [[list(row) for row in sheet.iter_rows(values_only=True)] for sheet in book]


def compare(a: Path, b: Path) -> list[str]:
    """Names of files that differ (report.json compared without timings)."""
    differ = []
    names = sorted({p.name for p in a.iterdir()} | {p.name for p in b.iterdir()})
    for name in names:
        pa, pb = a / name, b / name
        if not (pa.exists() and pb.exists()):
            differ.append(name)
        elif pa.is_dir() or pb.is_dir():  # e.g. icons/ beside the KML files
            if not (pa.is_dir() and pb.is_dir()):
                differ.append(name)
            else:
                differ += [f"{name}/{d}" for d in compare(pa, pb)]
        elif name == "report.json":
            if _strip(json.loads(pa.read_text())) != _strip(json.loads(pb.read_text())):
                differ.append(name)
        elif name == "plan.json":
            ja, jb = json.loads(pa.read_text()), json.loads(pb.read_text())
            if _strip(ja) != _strip(jb):
                differ.append(name)
        elif name.endswith((".md", ".html")) and name.startswith("report"):
            if _TIMING.sub("", pa.read_text()) != _TIMING.sub("", pb.read_text()):
                differ.append(name)
        elif name.endswith(".xlsx"):  # cells, not the zip's timestamps
            if _cells(pa) != _cells(pb):
                differ.append(name)
        elif name.endswith(".gpkg"):
            import geopandas as gpd
            import pyogrio

            for layer, _ in pyogrio.list_layers(pa):
                fa, fb = gpd.read_file(pa, layer=layer), gpd.read_file(pb, layer=layer)
                if not fa.equals(fb):
                    differ.append(f"{name}:{layer}")
        elif pa.read_bytes() != pb.read_bytes():
            differ.append(name)
    return differ


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", type=Path, default=Path("out/repeatable"))
    parser.add_argument("--busy", type=int, default=2, help="CPU-bound processes beside run 2")
    parser.add_argument("extra", nargs="*", help="more options for siteplan demo")
    args = parser.parse_args()
    quiet = demo(args.out / "quiet", args.extra)
    stop_at = time.time() + 3600
    burners = [mp.Process(target=burn, args=(stop_at,), daemon=True) for _ in range(args.busy)]
    for p in burners:
        p.start()
    try:
        busy = demo(args.out / "busy", args.extra)
    finally:
        for p in burners:
            p.terminate()
    differ = compare(args.out / "quiet", args.out / "busy")
    files = sorted(p.name for p in (args.out / "quiet").iterdir())
    for name in files:
        print(f"{'DIFFERENT' if any(d.split(':')[0] == name for d in differ) else 'same':9s} "
              f"{name}")
    for name, folder in (("quiet", args.out / "quiet"), ("busy", args.out / "busy")):
        for row in certificates(folder):
            print(f"{name:5s} milestone {row[0]}: lower bound {row[1]:,.0f}, gap {row[2]:.3%}, "
                  f"proven {row[3]}, clock cut {row[4] or 'nothing'}")
    print(f"quiet run {quiet:.1f} s, beside {args.busy} busy processes {busy:.1f} s "
          f"(ratio {busy / quiet:.2f}); {len(differ)} differing: {differ}")
    return 1 if differ else 0


if __name__ == "__main__":
    sys.exit(main())
