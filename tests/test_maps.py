"""Maps: escaping, offline self-containment, and a real headless browser."""

from __future__ import annotations

import re
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest
from click.testing import CliRunner
from shapely.geometry import Point, box

from siteplan.cli import main
from siteplan.export import write_plan
from siteplan.maps import safe
from siteplan.planner import plan

from .browser import open_page

EVIL = ["<img src=x onerror=alert(1)>", "`${alert(2)}`", "</script><script>alert(3)</script>"]


def test_safe_escapes_html_and_template_literals():
    for text in EVIL:
        out = safe(text)
        assert not re.search(r"[<>`$]", out)


def _open(page_url: str, shot: Path, extra: str | None = None):
    script = """() => {
        const S = window.siteplan;
        const groups = Object.values(S.layers).map(g => g.getLayers().length);
        const popups = [];
        let markers = 0;
        Object.values(S.layers).filter(g => g.getPopup && g.getPopup()).forEach(g => {
            const on = S.map.hasLayer(g);
            if (!on) { S.map.addLayer(g); }
            g.getLayers().forEach(m => {
                markers += 1;
                m.fire('click', {latlng: m.getLatLng ? m.getLatLng() : m.getBounds().getCenter()},
                       true);
                document.querySelectorAll('.siteplan-popup').forEach(e => popups.push(e.textContent));
            });
            S.map.closePopup();
            if (!on) { S.map.removeLayer(g); }
        });
        return {groups, markers, popups,
                layers: document.querySelectorAll('.leaflet-control-layers-selector').length,
                legend: document.querySelectorAll('.siteplan-legend').length,
                extra: EXTRA};
    }""".replace("EXTRA", f"({extra})()" if extra else "null")
    seen = open_page(page_url, shot, script)
    return seen["result"], seen["errors"], seen["dialogs"], seen["blocked"]


@pytest.fixture(scope="module")
def offline_demo(tmp_path_factory):
    out = tmp_path_factory.mktemp("offline") / "out"
    result = CliRunner().invoke(main, ["demo", "--out", str(out), "--offline", "--time-limit", "3",
                                       "--formats", "csv,maps"])
    assert result.exit_code == 0, result.output
    return out


def test_offline_maps_have_no_remote_references(offline_demo):
    for html_file in offline_demo.glob("map_*.html"):
        text = html_file.read_text(encoding="utf-8")
        assert not re.search(r"""<(script|link|img)[^>]+(src|href)=["']https?://""", text), \
            html_file


@pytest.mark.browser
@pytest.mark.parametrize("year", [2020, 2021, 2022])
def test_each_map_renders_offline_in_chromium(offline_demo, year, tmp_path):
    sites = pd.read_csv(offline_demo / f"sites_{year}.csv")
    info, errors, dialogs, blocked = _open((offline_demo / f"map_{year}.html").as_uri(),
                                           tmp_path / f"map_{year}.png")
    assert errors == [] and dialogs == [] and blocked == []
    assert len(sites) in info["groups"]  # the chosen-sites layer holds every site
    assert info["markers"] >= len(sites)
    # target areas, footprints, sites, uncovered (+ context layers)
    assert info["layers"] >= 4
    assert info["legend"] == 1
    assert (tmp_path / f"map_{year}.png").stat().st_size > 10_000


@pytest.mark.browser
def test_hostile_names_are_shown_as_text_not_run(tmp_path):
    cands = gpd.GeoDataFrame({"site_id": ["x1", "x2", "x3"], "kind": ["tower"] * 3,
                              "name": EVIL, "owner": EVIL[::-1]},
                             geometry=[Point(119.50, 25.90), Point(119.505, 25.90),
                                       Point(119.51, 25.90)], crs=4326)
    area = gpd.GeoDataFrame({"area_id": ["a"], "name": [EVIL[0]], "area_class": ["village"],
                             "environment": ["rural"], "milestone": [2021]},
                            geometry=[box(119.49, 25.895, 119.52, 25.905)], crs=4326)
    p = plan(cands, area, time_limit_s=1)
    write_plan(p, tmp_path / "out", tiles=None, offline=True)
    info, errors, dialogs, blocked = _open((tmp_path / "out" / "map_2021.html").as_uri(),
                                           tmp_path / "evil.png")
    assert dialogs == [] and errors == [] and blocked == []
    joined = " ".join(info["popups"])
    assert any(name in joined for name in EVIL)


@pytest.mark.browser
def test_overview_map_toggles_every_milestone(offline_demo, tmp_path):
    slide = """() => {
        const input = document.querySelector('.siteplan-slider input');
        const map = window.siteplan.map;
        const sites = Object.entries(window.siteplan.layers)
            .filter(([k, l]) => /^sites_/.test(k)).map(([k, l]) => l);
        const seen = [];
        for (const value of ['0', '1', '2']) {
            input.value = value;
            input.dispatchEvent(new Event('input'));
            seen.push(sites.map(l => map.hasLayer(l) ? l.getLayers().length : 0));
        }
        return {seen, text: document.querySelector('.siteplan-slider').textContent};
    }"""
    info, errors, dialogs, blocked = _open((offline_demo / "map_overview.html").as_uri(),
                                           tmp_path / "overview.png", slide)
    assert errors == [] and dialogs == [] and blocked == []
    for year in (2020, 2021, 2022):
        sites = pd.read_csv(offline_demo / f"sites_{year}.csv")
        assert len(sites) in info["groups"]
    # targets, candidates, three milestone layers (+ context layers)
    assert info["layers"] >= 5 and info["legend"] == 1
    # the time slider shows exactly one milestone's sites at each position
    counts = [len(pd.read_csv(offline_demo / f"sites_{y}.csv")) for y in (2020, 2021, 2022)]
    for position, shown in enumerate(info["extra"]["seen"]):
        assert sorted(shown) == sorted([counts[position], 0, 0])
    assert "2022" in info["extra"]["text"]


def test_context_layers_are_styled_as_a_base_map():
    from shapely.geometry import LineString

    from siteplan.maps import _context_specs

    frame = gpd.GeoDataFrame(
        {"name": ["River Road", "county line", "Xi Lake"], "kind": ["road", "boundary", "lake"]},
        geometry=[LineString([(119.5, 25.9), (119.6, 25.9)]), box(119.4, 25.8, 119.7, 26.0),
                  box(119.55, 25.85, 119.56, 25.86)], crs=4326)
    frame.attrs["name"] = "roads"
    spec = _context_specs([frame], None, {"context": "Context"})[0]
    assert spec["name"] == "roads" and spec["tooltips"] == list(frame["name"])
    line, outline, water = (spec["styles"][i] for i in spec["style"])
    assert water["fillColor"] == "#a6cee3"  # the lake, by its kind
    assert outline.get("fill") is False and "fillColor" not in line  # a road is not water


def test_maps_does_not_import_coverage():
    """The map page reads the plan's matrices; it needs nothing of how coverage is computed
    (row_max lives in siteplan.sparse_rows; the SINR layers are imported when drawn), so
    check-landuse's map page loads neither the radio nor the terrain model (rasterio)."""
    from .conftest import modules_loaded_by

    assert modules_loaded_by("siteplan.maps, siteplan.landuse_check", (
        "siteplan.coverage", "siteplan.terrain", "siteplan.radio", "siteplan.sinr",
        "rasterio")) == []
