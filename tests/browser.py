"""Headless Chromium for output tests: network off, dialogs and errors caught."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"


def browser_or_skip():
    """playwright's ``sync_playwright`` or a skip (a failure on CI)."""
    if not Path(CHROMIUM).exists():
        if os.environ.get("CI"):
            pytest.fail("chromium is missing in CI: .ci/run must install it")
        pytest.skip("chromium not installed (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    return sync_playwright


def open_page(url: str, shot: Path, script: str | None = None, *,
              wait_for: str = ".leaflet-container", full_page: bool = False,
              pdf: Path | None = None) -> dict:
    """Open ``url`` offline, run ``script`` (a JS function source) and screenshot.

    Returns ``{"result", "errors", "dialogs", "blocked"}``; every request
    that is not ``file:`` or ``data:`` is blocked and listed. With ``pdf``
    the page is also printed to that file (A4, print media).
    """
    sync_playwright = browser_or_skip()
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=[
            "--no-sandbox", "--disable-gpu", "--disable-background-networking",
            "--disable-component-update", "--disable-sync", "--no-first-run"])
        try:
            context = browser.new_context(offline=True)
            blocked: list[str] = []

            def route(r):
                if r.request.url.startswith(("file:", "data:")):
                    r.continue_()
                else:
                    blocked.append(r.request.url)
                    r.abort()

            context.route("**/*", route)
            page = context.new_page()
            errors: list[str] = []
            dialogs: list[str] = []
            page.on("pageerror", lambda e: errors.append(str(e)))
            page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
            page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
            page.goto(url)
            page.wait_for_selector(wait_for, timeout=15000)
            result = page.evaluate(script) if script else None
            page.screenshot(path=str(shot), full_page=full_page)
            if pdf is not None:  # the browser's print path (A4, print CSS)
                page.emulate_media(media="print")
                page.pdf(path=str(pdf), format="A4", print_background=True)
        finally:
            browser.close()
    return {"result": result, "errors": errors, "dialogs": dialogs, "blocked": blocked}


#: Opens every popup and tooltip of every layer of a siteplan map page and
#: returns the page's visible text parts (tests assert on them).
COLLECT = """() => {
    const S = window.siteplan;
    const popups = [], tooltips = [];
    for (const [id, group] of Object.entries(S.layers)) {
        const wasOn = S.map.hasLayer(group);
        if (!wasOn) { S.map.addLayer(group); }
        group.eachLayer(function visit(layer) {
            if (layer.eachLayer) { layer.eachLayer(visit); return; }
            if (layer.siteplanIndex === undefined) { return; }
            const pop = group.getPopup && group.getPopup();
            if (pop) {
                group.openPopup(layer.getLatLng ? layer.getLatLng() : layer.getBounds().getCenter());
                layer.fire('click', {latlng: layer.getLatLng ? layer.getLatLng()
                                                      : layer.getBounds().getCenter()}, true);
                document.querySelectorAll('.leaflet-popup-content')
                    .forEach(e => popups.push(e.textContent));
                S.map.closePopup();
            }
            const tip = group.getTooltip && group.getTooltip();
            if (tip) {
                layer.fire('mouseover', {latlng: layer.getLatLng ? layer.getLatLng()
                                                        : layer.getBounds().getCenter()}, true);
                document.querySelectorAll('.leaflet-tooltip:not(.siteplan-label)')
                    .forEach(e => tooltips.push(e.textContent));
                layer.fire('mouseout', {}, true);
            }
        });
        if (!wasOn) { S.map.removeLayer(group); }
    }
    const text = sel => Array.from(document.querySelectorAll(sel)).map(e => e.textContent);
    return {
        popups, tooltips,
        labels: text('.siteplan-label'),
        legend: text('.siteplan-legend'),
        control: text('.leaflet-control-layers'),
        title: text('.siteplan-title'),
        scale: text('.leaflet-control-scale'),
        scripts: document.querySelectorAll('script').length,
        images: Array.from(document.querySelectorAll('img')).map(i => i.getAttribute('src'))
            .filter(s => !/^data:|\\.png$/.test(s || '')),
        pwned: window.__pwned || 0,
        layerCount: Object.keys(S.layers).length,
        counts: Object.fromEntries(Object.entries(S.layers).map(([k, g]) => {
            let n = 0; g.eachLayer(function c(l) { if (l.eachLayer) { l.eachLayer(c); }
                                                   else if (l.siteplanIndex !== undefined) { n++; } });
            return [k, n]; })),
    };
}"""
