"""Maps at city scale: 50,000 candidates and ~5,000 chosen sites.

Usage::  .venv/bin/python benchmarks/map_scale.py [--candidates 50000] [--side-km 20]

Generates a synthetic city (candidates of every reused kind plus towers, two
milestones of target areas covering the square), plans it with the
fixed-radius model, then times, side by side in one run:

- writing ``map_<last>.html`` and ``map_overview.html`` (online and offline),
- opening each offline page in headless Chromium with the network blocked,
  until Leaflet has drawn every layer (``load`` event), and one zoom-in
  redraw (the "stays usable" check),

and reports the HTML sizes. Needs Debian's ``chromium`` and playwright.
"""

from __future__ import annotations

import argparse
import platform
import shutil
import tempfile
import time
from pathlib import Path

import geopandas as gpd
import numpy as np
import shapely

from siteplan.maps import milestone_map, overview_map
from siteplan.planner import plan

KINDS = ["streetlight", "monitoring_pole", "power_pole", "traffic_pole", "rooftop", "tower"]
SHARES = [0.5, 0.2, 0.15, 0.1, 0.04, 0.01]
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"


def city(n: int, side_m: float, seed: int = 0) -> tuple[gpd.GeoDataFrame, gpd.GeoDataFrame]:
    """``n`` candidates over a ``side_m`` square (UTM 50N, near Fuzhou) and two
    milestones of target areas (west half first, then the whole square)."""
    rng = np.random.default_rng(seed)
    x0, y0 = 700_000.0, 2_880_000.0
    pts = shapely.points(x0 + rng.uniform(0, side_m, n), y0 + rng.uniform(0, side_m, n))
    kinds = rng.choice(KINDS, n, p=SHARES)
    cands = gpd.GeoDataFrame({
        "site_id": [f"C{i:06d}" for i in range(n)], "kind": kinds,
        "name": [f"<b>cand {i}</b> `${{x}}`" for i in range(n)],
        "owner": rng.choice(["城市管理局", "公安局", "国网", "铁塔"], n),
    }, geometry=pts, crs=32650)
    half, full = side_m / 2, side_m
    areas = [("west", shapely.box(x0, y0, x0 + half, y0 + full), 2025),
             ("east", shapely.box(x0 + half, y0, x0 + full, y0 + full), 2026)]
    targets = gpd.GeoDataFrame({
        "area_id": [a for a, _, _ in areas], "name": [a for a, _, _ in areas],
        "area_class": ["main_urban", "main_urban"], "environment": ["dense_urban", "dense_urban"],
        "milestone": [m for _, _, m in areas], "coverage_target": [0.95, 0.95],
    }, geometry=[g for _, g, _ in areas], crs=32650)
    return cands, targets


def browser_times(pages: list[Path]) -> list[tuple[float, float]]:
    """Per page: seconds to ``load`` (shown layers drawn), for a zoom redraw, and
    for switching every hidden point layer on (50,000 candidates drawn)."""
    from playwright.sync_api import sync_playwright

    out = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox",
                                                                     "--disable-gpu"])
        for page_path in pages:
            context = browser.new_context(offline=True)
            context.route("**/*", lambda r: r.continue_() if r.request.url.startswith("file:")
                          else r.abort())
            page = context.new_page()
            errors: list[str] = []
            page.on("pageerror", lambda e, errors=errors: errors.append(str(e)))
            t0 = time.perf_counter()
            page.goto(page_path.as_uri(), wait_until="load", timeout=120_000)
            page.wait_for_selector(".leaflet-container")
            t_load = time.perf_counter() - t0
            t0 = time.perf_counter()
            page.evaluate("""() => new Promise(done => {
                const m = window.siteplan.map;
                m.once('zoomend', () => requestAnimationFrame(() => done()));
                m.setZoom(m.getZoom() + 1, {animate: false});
            })""")
            t_zoom = time.perf_counter() - t0
            t0 = time.perf_counter()
            page.evaluate("""() => new Promise(done => {
                const m = window.siteplan.map;
                Object.values(window.siteplan.layers).forEach(l => m.addLayer(l));
                requestAnimationFrame(() => requestAnimationFrame(() => done()));
            })""")
            t_all = time.perf_counter() - t0
            if errors:
                raise RuntimeError(f"{page_path.name}: JavaScript errors {errors[:3]}")
            context.close()
            out.append((t_load, t_zoom, t_all))
        browser.close()
    return out


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--candidates", type=int, default=50_000)
    parser.add_argument("--side-km", type=float, default=20.0)
    args = parser.parse_args()
    cands, targets = city(args.candidates, args.side_km * 1000)
    t0 = time.perf_counter()
    p = plan(cands, targets, assumptions={"coverage.mode": "radius"}, time_limit_s=20)
    t_plan = time.perf_counter() - t0
    last = p.milestones[-1].milestone
    n_sites = p.milestone(last).selected.size
    print(f"# {platform.node()} {platform.processor() or platform.machine()}, "
          f"{time.strftime('%Y-%m-%d')}; {len(cands):,} candidates, {n_sites:,} sites "
          f"in {last} (plan {t_plan:.1f} s)")
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        pages = []
        for label, build in [("milestone", lambda off: milestone_map(p, last, offline=off,
                                                                      tiles=None)),
                             ("overview", lambda off: overview_map(p, offline=off, tiles=None))]:
            for offline in (False, True):
                t0 = time.perf_counter()
                path = Path(tmp) / f"{label}_{'offline' if offline else 'online'}.html"
                build(offline).save(str(path))
                rows.append([label, "offline" if offline else "online",
                             time.perf_counter() - t0, path.stat().st_size / 1e6])
                if offline:
                    pages.append(path)
        loads = browser_times(pages) if Path(CHROMIUM).exists() else [(float("nan"),) * 3] * 2
    print("| map | mode | write (s) | HTML (MB) | browser load (s) | zoom redraw (s) | all layers on (s) |")
    print("|---|---|---:|---:|---:|---:|---:|")
    page_i = 0
    for label, mode, t_write, mb in rows:
        shown = ["", "", ""]
        if mode == "offline":
            shown = [f"{v:.2f}" for v in loads[page_i]]
            page_i += 1
        print(f"| {label} | {mode} | {t_write:.2f} | {mb:.1f} | {' | '.join(shown)} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
