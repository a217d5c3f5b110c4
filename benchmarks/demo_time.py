"""Wall-clock time of `siteplan demo` (the README's first command), this
version against an earlier one side by side in one run.

Usage::

    git worktree add /tmp/siteplan-old a02f7f5      # round 1's last commit
    .venv/bin/python benchmarks/demo_time.py --baseline /tmp/siteplan-old --runs 2

Each run imports the code of its folder (``python -m siteplan.cli`` with that
folder as the working directory); runs alternate between the two versions so
machine load hits both alike. Prints the best time per version and setting
and the ratio new / old.
"""

from __future__ import annotations

import argparse
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def one(folder: Path, flags: list[str]) -> float:
    """Seconds for one ``siteplan demo`` with the code in ``folder``."""
    with tempfile.TemporaryDirectory() as tmp:
        start = time.perf_counter()
        subprocess.run([sys.executable, "-m", "siteplan.cli", "demo", "--out",
                        str(Path(tmp) / "out"), *flags], check=True, capture_output=True,
                       cwd=folder)
        return time.perf_counter() - start


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=2)
    parser.add_argument("--baseline", type=Path, default=None,
                        help="a checkout of an earlier version to compare with")
    args = parser.parse_args()
    print(f"# {platform.node()} python {platform.python_version()} "
          f"{time.strftime('%Y-%m-%d %H:%M')} load {os.getloadavg()[0]:.1f}")
    versions = [("this", REPO)] + ([("baseline", args.baseline)] if args.baseline else [])
    for label, flags in (("default", []), ("--offline", ["--offline"])):
        best = {}
        for _ in range(args.runs):
            for name, folder in versions:
                best[name] = min(best.get(name, float("inf")), one(folder, flags))
        ratio = (f", ratio this/baseline {best['this'] / best['baseline']:.2f}"
                 if "baseline" in best else "")
        print(f"siteplan demo {label:10s} " + ", ".join(
            f"{n} best {t:5.1f} s" for n, t in best.items()) + f" of {args.runs}{ratio}")
    print(f"# load after {os.getloadavg()[0]:.1f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
