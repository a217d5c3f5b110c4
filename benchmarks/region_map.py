"""How fast the region overview map opens: file size and browser load time.

Opens a ``plan-region`` output's ``map.html`` in headless Chromium (network
off) and times ``goto`` until the map is drawn, then switches every
milestone layer on. Also writes a screenshot beside the JSON.

Run: ``python benchmarks/region_map.py OUT_DIR/map.html --shot region_map.png``
"""

from __future__ import annotations

import argparse
import json
import os
import time
from pathlib import Path


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("page", type=Path)
    ap.add_argument("--shot", type=Path, default=Path("region_map.png"))
    args = ap.parse_args()
    from playwright.sync_api import sync_playwright

    chromium = "/usr/bin/chromium"
    out = {"load_before": os.getloadavg(), "html_mb": round(args.page.stat().st_size / 1e6, 2)}
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=chromium, args=["--no-sandbox",
                                                                     "--disable-gpu"])
        page = browser.new_context(offline=True).new_page()
        t = time.perf_counter()
        page.goto(args.page.resolve().as_uri())
        page.wait_for_selector(".leaflet-container")
        page.wait_for_function("() => window.siteplan && window.siteplan.map")
        out["load_s"] = round(time.perf_counter() - t, 2)
        t = time.perf_counter()
        counts = page.evaluate("""() => {
            const S = window.siteplan;
            Object.values(S.layers).forEach(g => S.map.addLayer(g));
            return Object.values(S.layers).map(g => g.getLayers().length);
        }""")
        out["all_layers_on_s"] = round(time.perf_counter() - t, 2)
        out["features_per_layer"] = counts
        page.screenshot(path=str(args.shot))
        browser.close()
    print(json.dumps(out, indent=1))


if __name__ == "__main__":
    main()
