"""Wall-clock time of `siteplan demo` after set-up (the README's first command).

Usage::  .venv/bin/python benchmarks/demo_time.py [--runs 2]
"""

from __future__ import annotations

import argparse
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=2)
    args = parser.parse_args()
    exe = Path(sys.executable).with_name("siteplan")
    print(f"# {platform.node()} python {platform.python_version()} {time.strftime('%Y-%m-%d')}")
    for flags in ([], ["--no-compare-radius"], ["--offline"]):
        times = []
        for _ in range(args.runs):
            with tempfile.TemporaryDirectory() as tmp:
                t = time.perf_counter()
                subprocess.run([str(exe), "demo", "--out", tmp, *flags], check=True,
                               capture_output=True)
                times.append(time.perf_counter() - t)
        print(f"siteplan demo {' '.join(flags) or '(default)':22} best {min(times):6.1f} s "
              f"of {args.runs}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
