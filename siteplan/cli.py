"""Command line: ``siteplan demo``, ``siteplan plan CONFIG.toml``.

Every command prints a clear message and exits with status 2 on bad input
(nothing is written), 0 on success.
"""

from __future__ import annotations

import sys
import time
import warnings
from collections.abc import Callable
from pathlib import Path

import click
from rich.console import Console

from siteplan.errors import SiteplanError

console = Console(stderr=True)


def _progress() -> tuple[Callable[[str], None], Callable[[], None]]:
    """A live status line with elapsed time, for long steps."""
    start = time.perf_counter()
    status = console.status("starting", spinner="dots")
    status.start()

    def say(text: str) -> None:
        console.log(f"[{time.perf_counter() - start:6.1f} s] {text}", highlight=False)
        status.update(text)

    return say, status.stop


def _fail(exc: SiteplanError) -> None:
    console.print(f"[bold red]error:[/] {exc}", highlight=False, soft_wrap=True)
    sys.exit(2)


def run_config(config_path: Path, out: Path, *, lang: str, tiles: str | None,
               time_limit_s: float | None = None, offline: bool = False,
               compare_radius: bool = True) -> list[Path]:
    """Load a config, plan, and write every output (the body of ``plan``)."""
    from siteplan.capacity_report import capacity_section
    from siteplan.config import load_config
    from siteplan.export import write_plan
    from siteplan.planner import plan
    from siteplan.report import radio_comparison
    from siteplan.sitecount import site_count_analysis
    from siteplan.sources import merge_candidates, read_layer, read_targets
    from siteplan.sources.detect import read_source
    from siteplan.sources.merge import concat_candidates

    say, stop = _progress()
    try:
        cfg = load_config(config_path)
        say(f"reading inputs of {cfg.name!r}")
        layers = [read_source(s.path, **s.read_kwargs(), assumptions=cfg.assumptions)
                  for s in cfg.candidates]
        if all(x.attrs["source_type"] == "inventory" for x in layers):
            candidates = concat_candidates(layers, [str(s.path) for s in cfg.candidates])
        else:  # OSM, OpenCelliD, open lists: merge duplicates across sources
            candidates = merge_candidates([x.to_crs(layers[0].crs) for x in layers],
                                          assumptions=cfg.assumptions)
        targets = read_targets(cfg.targets.path, **cfg.targets.read_kwargs())
        context = [read_layer(s.path, **s.read_kwargs()) for s in cfg.context]
        landuse = None
        if cfg.landuse is not None:
            landuse = read_layer(cfg.landuse.path, **cfg.landuse.read_kwargs())
            if cfg.landuse.class_column:
                landuse = landuse.rename(columns={cfg.landuse.class_column: "zone_class"})
        limit_s = time_limit_s or cfg.time_limit_s
        roads = next((c for c in context if len(c) and c.geom_type.isin(
            ["LineString", "MultiLineString"]).all()), None)
        population = (None if cfg.population is None else
                      read_layer(cfg.population.path, **cfg.population.read_kwargs()))
        result = plan(candidates, targets, landuse=landuse, assumptions=cfg.assumptions,
                      site_targets=cfg.site_targets, method=cfg.method,
                      time_limit_s=limit_s, seed=cfg.seed,
                      name=cfg.name, progress=say, roads=roads, population=population)
        extra = {}
        if compare_radius and cfg.assumptions["coverage.mode"] == "link_budget":
            say("comparison plan with the radius table")
            radius = plan(candidates, targets, landuse=landuse,
                          assumptions=cfg.assumptions.override({"coverage.mode": "radius"}),
                          site_targets=cfg.site_targets, method=cfg.method,
                          time_limit_s=limit_s, seed=cfg.seed)
            extra["radio_comparison"] = radio_comparison(result, radius)
        say("capacity: coverage-only comparison and traffic sensitivity")
        extra["capacity"] = capacity_section(result, time_limit_s=min(limit_s or 2.0, 2.0),
                                             sensitivity_time_limit_s=1.0, seed=cfg.seed)
        if cfg.site_targets:
            say("site-count targets: what each count buys")
            extra["site_targets"] = site_count_analysis(
                result, time_limit_s=limit_s, seed=cfg.seed)
        written = write_plan(result, out, lang=lang, tiles=tiles, context=context,
                             offline=offline, extra_report=extra, progress=say)
        say(f"wrote {len(written)} files to {out}")
        return written
    finally:
        stop()


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="siteplan")
def main() -> None:
    """siteplan: sharing-first 5G site planning.

    Loads candidate sites (towers, poles, public buildings), works out which
    demand each can cover, picks the cheapest sharing-first set of sites per
    milestone with a set-cover solver, and writes maps, a GeoPackage and
    reports.
    """


_out = click.option("--out", "out", required=True, type=click.Path(path_type=Path),
                    help="Output folder (created; files in it are replaced atomically).")
_lang = click.option("--lang", type=click.Choice(["en", "zh"]), default="en", show_default=True,
                     help="Language of map labels.")
_tiles = click.option("--tiles", default=None,
                      help="Base-map tiles: a folium tile name or URL template, or 'none'. "
                      "Default: OpenStreetMap online, none with --offline.")
_compare = click.option("--compare-radius/--no-compare-radius", default=True, show_default=True,
                        help="Also plan with the radius table and report the site-count change.")
_offline = click.option("--offline", is_flag=True,
                        help="Self-contained maps: Leaflet inlined, no CDN (for intranets).")


def _tiles_for(tiles: str | None, offline: bool) -> str | None:
    if tiles is None:
        return None if offline else "OpenStreetMap"
    return None if tiles == "none" else tiles
_limit = click.option("--time-limit", "time_limit", type=float, default=None,
                      help="Solver time limit per milestone in seconds (overrides the config).")


@main.command()
@_out
@_lang
@_tiles
@_limit
@_offline
@_compare
def demo(out: Path, lang: str, tiles: str | None, time_limit: float | None,
         offline: bool, compare_radius: bool) -> None:
    """Plan the bundled sample county (synthetic data) into --out."""
    from siteplan.datasets import sample_path

    try:
        run_config(sample_path("sample_county.toml"), out, lang=lang,
                   tiles=_tiles_for(tiles, offline), time_limit_s=time_limit, offline=offline,
                   compare_radius=compare_radius)
    except SiteplanError as exc:
        _fail(exc)


@main.command("plan")
@click.argument("config", type=click.Path(path_type=Path))
@_out
@_lang
@_tiles
@_limit
@_offline
@_compare
def plan_command(config: Path, out: Path, lang: str, tiles: str | None,
                 time_limit: float | None, offline: bool, compare_radius: bool) -> None:
    """Plan from CONFIG (a TOML file naming candidate layers, target areas,
    milestones and assumptions; see data/sample_county/sample_county.toml)."""
    try:
        run_config(config, out, lang=lang, tiles=_tiles_for(tiles, offline),
                   time_limit_s=time_limit, offline=offline, compare_radius=compare_radius)
    except SiteplanError as exc:
        _fail(exc)


@main.command("check-landuse")
@click.argument("sites", type=click.Path(path_type=Path))
@click.argument("zones", type=click.Path(path_type=Path))
@_out
@click.option("--class-column", default="zone_class", show_default=True,
              help="Column of ZONES holding the land-use class (Chinese or English names).")
@click.option("--id-column", default="site_id", show_default=True,
              help="Column of SITES holding the site id.")
@click.option("--config", "config", type=click.Path(path_type=Path), default=None,
              help="A plan config whose [assumptions] (rules, buffers, footprints) apply.")
@_offline
def check_landuse_command(sites: Path, zones: Path, out: Path, class_column: str,
                          id_column: str, config: Path | None, offline: bool) -> None:
    """Check SITES (points or polygons; any plan) against land-use ZONES.

    Writes conflicts.csv, conflicts.gpkg, summary.json and map.html to --out.
    Exit status: 0 no forbidden conflict, 1 at least one, 2 bad input.
    Sites without a 'kind' column are checked as new ground towers.
    """
    from siteplan.landuse_check import check_landuse

    try:
        forbidden = check_landuse(sites, zones, out, class_column=class_column,
                                  id_column=id_column, config=config, offline=offline)
    except SiteplanError as exc:
        _fail(exc)
    console.print(f"{forbidden} forbidden conflict(s); outputs in {out}")
    sys.exit(1 if forbidden else 0)


@main.command("relocate")
@click.argument("plan_dir", type=click.Path(path_type=Path))
@click.option("--milestone", type=int, required=True, help="Milestone year of the plan.")
@click.option("--remove", "remove", multiple=True, required=True,
              help="Site id to remove (repeat, or comma-separate several).")
@_out
@click.option("--restore-share", type=float, default=0.99, show_default=True,
              help="Share of the lost covered demand the replacements must restore.")
def relocate_command(plan_dir: Path, milestone: int, remove: tuple[str, ...], out: Path,
                     restore_share: float) -> None:
    """Build before demolish (先建后拆): replacements for sites that must go.

    PLAN_DIR is the output folder of a plan. Writes work_order.csv (build
    these, then remove those) and relocation.json (removed, replacements,
    lost_weight, restored_weight, coverage before/during/after) into --out.
    """
    from siteplan.relocate import relocate

    try:
        result = relocate(plan_dir, milestone, list(remove), out, restore_share=restore_share)
    except SiteplanError as exc:
        _fail(exc)
    console.print(f"{result['replacement_count']} replacement(s) for {result['removed_count']} "
                  f"removed site(s) restore {100 * result['restored_share']:.1f}% of the lost "
                  f"covered demand; work order in {out}")


def _csv_list(value: str | None, parse) -> list | None:
    if not value:
        return None
    try:
        return [parse(v) for v in value.split(",") if v.strip()]
    except ValueError as exc:
        raise click.BadParameter(f"{value!r}: {exc}") from exc


@main.command("candidates")
@click.argument("sources", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--out", "out", required=True, type=click.Path(path_type=Path),
              help="Output file: .gpkg, .geojson or .csv (lon/lat, WGS84).")
@click.option("--crs", default=None,
              help="Coordinate system of lon/lat lists: wgs84, gcj02, bd09 or an EPSG code.")
@click.option("--to-crs", default=None,
              help="Reproject every source to this CRS before merging (else mixed CRS is an "
              "error).")
@click.option("--radio", default=None, help="OpenCelliD: keep these radios, e.g. NR,LTE.")
@click.option("--mcc", default=None, help="OpenCelliD: keep these country codes, e.g. 460.")
@click.option("--mnc", default=None, help="OpenCelliD: keep these network codes, e.g. 0,1.")
@click.option("--bbox", default=None, help="OpenCelliD: min_lon,min_lat,max_lon,max_lat.")
@click.option("--site-distance", type=float, default=None,
              help="OpenCelliD: cells of one operator within this many metres are one site "
              "(default 50).")
@click.option("--same-structure", type=float, default=None,
              help="Same kind within this many metres in two sources is one candidate "
              "(default 5).")
@click.option("--multi-use", is_flag=True,
              help="Merge distinct poles on one spot into one multi-use pole (多杆合一).")
@click.option("--skip-bad-rows", is_flag=True,
              help="Skip unreadable rows and list them in <out>_rejected.csv (default: stop).")
def candidates_command(sources: tuple[Path, ...], out: Path, crs: str | None,
                       to_crs: str | None, radio: str | None, mcc: str | None, mnc: str | None,
                       bbox: str | None, site_distance: float | None,
                       same_structure: float | None, multi_use: bool,
                       skip_bad_rows: bool) -> None:
    """Read candidate SOURCES (OSM .osm/.osm.pbf, OpenCelliD .csv/.csv.gz,
    open-resource lists .csv/.xlsx, GIS inventories), merge them and write
    one canonical candidate table with a summary by kind and source."""
    from rich.table import Table

    from siteplan.export import write_candidates
    from siteplan.sources import merge_candidates
    from siteplan.sources.detect import read_source, summary

    if out.suffix.lower() not in (".gpkg", ".geojson", ".csv"):
        _fail(SiteplanError(f"{out}: choose a .gpkg, .geojson or .csv output file."))
    try:
        options = {"crs": crs, "radio": _csv_list(radio, str), "mcc": _csv_list(mcc, int),
                   "mnc": _csv_list(mnc, int), "bbox": _csv_list(bbox, float),
                   "site_distance_m": site_distance,
                   "on_bad_rows": "report" if skip_bad_rows else "raise"}
        layers, rejected = [], []
        for path in sources:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", UserWarning)  # rejected rows are listed below
                layer = read_source(path, **options)
            table = layer.attrs.get("rejected")
            skipped = "" if table is None or not len(table) else (
                f", {len(table)} unreadable rows skipped (first: line {table['line'].iloc[0]}:"
                f" {table['reason'].iloc[0]})")
            console.print(f"{path}: {len(layer)} candidates ({layer.attrs['source_type']})"
                          f"{skipped}", highlight=False)
            if skipped:
                rejected.append(table.assign(file=str(path)))
            layers.append(layer.to_crs(to_crs) if to_crs else layer)
        merged = merge_candidates(layers, same_structure_m=same_structure, multi_use=multi_use)
        written = write_candidates(merged, out, rejected)
    except SiteplanError as exc:
        _fail(exc)
    counts = summary(merged)
    table = Table(title=f"{len(merged)} candidates after merging "
                        f"({sum(len(x) for x in layers)} read)")
    table.add_column("kind")
    for col in counts.columns:
        table.add_column(str(col), justify="right")
    for kind, row in counts.iterrows():
        table.add_row(str(kind), *[str(v) for v in row])
    Console().print(table)
    for path in written:
        console.print(f"wrote {path}")


if __name__ == "__main__":
    main()
