"""Command line: ``siteplan demo``, ``siteplan plan CONFIG.toml``.

Every command prints a clear message and exits with status 2 on bad input
(nothing is written), 0 on success.
"""

from __future__ import annotations

import os
import sys
import time
import warnings
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import NoReturn

import click
from rich.console import Console
from rich.text import Text

from siteplan.cli_options import LANG_STATE as _STATE
from siteplan.cli_options import (
    allow_large_option,
    force_option,
    offline_option,
    out_option,
    tiles_for,
    tiles_option,
    time_limit_option,
)
from siteplan.cli_options import command_lang as _lang_now
from siteplan.cli_options import lang_option as _lang  # sets the command's language
from siteplan.cli_options import use_config_lang as _use_config_lang
from siteplan.errors import SiteplanError
from siteplan.messages import Msg

console = Console(stderr=True, log_path=False, soft_wrap=True)  # paths print whole

def _say(text: str) -> str:
    """An English console line in the command's language (as the catalogue knows it)."""
    from siteplan.i18n import translate

    return translate(text, _lang_now())


def _msg(msg_id: str, **params: object) -> str:
    """Catalogue message ``msg_id`` in the command's language."""
    from siteplan.i18n import msg

    return msg(msg_id, _lang_now(), **params)


def _progress() -> tuple[Callable[[str], None], Callable[[], None]]:
    """A live status line with elapsed time, for long steps."""
    start = time.perf_counter()
    status = console.status(_msg("p.starting"), spinner="dots")
    status.start()

    def say(text: str) -> None:
        text = _say(text)
        # one unwrapped line (a long path stays whole and findable), printed literally
        console.print(f"[{time.strftime('%H:%M:%S')}] [{time.perf_counter() - start:6.1f} s] "
                      f"{text}", highlight=False, markup=False)
        status.update(Text(text))

    return say, status.stop


def _fail(exc: BaseException) -> NoReturn:
    """Print an error as literal text (no markup: ``[inputs]`` and ``[/]``
    stay as written) and exit with status 2."""
    from siteplan.i18n import error_text

    if getattr(exc, "config_lang", None):
        _use_config_lang(exc.config_lang)  # a config that fails to validate still says its lang
    lang = _lang_now()
    console.print(Text(_msg("c.error"), style="bold red") + Text(error_text(exc, lang)),
                  soft_wrap=True)
    sys.exit(2)


def _explain(exc: BaseException) -> Msg:
    """A one-line message for an error siteplan did not raise itself."""
    if isinstance(exc, PermissionError):
        return Msg("file.permission", path=exc.filename)
    if isinstance(exc, IsADirectoryError):
        return Msg("file.is_folder", path=exc.filename)
    if isinstance(exc, FileNotFoundError):
        return Msg("file.not_found_check", path=exc.filename)
    if isinstance(exc, OSError):
        detail = exc.strerror or exc
        return (Msg("file.os_error", path=exc.filename, detail=detail) if exc.filename
                else Msg("file.os_error_bare", detail=detail))
    if isinstance(exc, MemoryError):
        return Msg("cli.memory")
    return Msg("cli.bug", name=type(exc).__name__, detail=exc)


#: Exit status after Ctrl-C (128 + SIGINT, as shells report it).
INTERRUPTED = 130


def say_literal(text: str) -> None:
    """Print ``text`` on the console exactly as written (no markup, no
    highlighting): paths and names may hold ``[/]`` or ``[bold]``."""
    console.print(Text(text), highlight=False, soft_wrap=True)


class _Group(click.Group):
    """Every error ends as one literal message and exit status 2; Ctrl-C as
    one line and exit status 130. ``--help`` speaks the command's language,
    and ``--lang`` may come before the subcommand (:mod:`siteplan.cli_help`)."""

    def main(self, args: Sequence[str] | None = None, *rest: object, **kwargs: object) -> object:
        from siteplan.cli_help import help_lang, help_language, split_lead_lang

        given = list(sys.argv[1:] if args is None else args)
        given, flag = split_lead_lang(given, set(self.commands))
        with help_language(self, help_lang(flag)):
            return super().main(given, *rest, **kwargs)  # type: ignore[arg-type]

    def invoke(self, ctx: click.Context) -> object:
        _STATE.update(lang=None, flag=None)  # a fresh command (tests run several in one process)
        try:
            return super().invoke(ctx)
        except KeyboardInterrupt:
            say_literal(_msg("c.interrupted"))
            sys.exit(INTERRUPTED)
        except (click.exceptions.Exit, click.exceptions.Abort, click.ClickException,
                SystemExit):
            raise
        except SiteplanError as exc:
            _fail(exc)
        except Exception as exc:  # noqa: BLE001 - the safety net of the CLI
            if os.environ.get("SITEPLAN_DEBUG"):
                raise
            _fail(SiteplanError(_explain(exc)))


def run_config(config_path: Path, out: Path, *, lang: str | None, tiles: str | None,
               time_limit_s: float | None = None, offline: bool = False,
               compare_radius: bool = False, force: bool = False,
               allow_large: bool = False,
               outputs: dict[str, object] | None = None) -> list[Path]:
    """Plan from a config and write every output (the body of ``plan``): a
    thin shell over :func:`siteplan.project.run` with a progress line."""
    from siteplan.config import load_config
    from siteplan.project import run

    config = load_config(config_path)
    lang = _use_config_lang(config.lang)
    say, stop = _progress()
    try:
        return run(config, out, lang=lang, tiles=tiles, offline=offline,
                   time_limit_s=time_limit_s, compare_radius=compare_radius, force=force,
                   allow_large=allow_large, outputs=outputs, progress=say).written
    finally:
        stop()


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="siteplan")
def main() -> None:
    """siteplan: sharing-first 5G site planning.

    Loads candidate sites (towers, poles, public buildings), works out which
    demand each can cover, picks the cheapest sharing-first set of sites per
    milestone with a set-cover solver, and writes maps, a GeoPackage and
    reports.
    """


_out, _tiles = out_option, tiles_option  # shared with plan-region
_tiles_crs = click.option("--tiles-crs", type=click.Choice(["wgs84", "gcj02"]), default=None,
                          help="Datum of a --tiles URL template (Amap/Tencent hosts: gcj02).")
_formats = click.option("--formats", default=None,
                        help="Comma-separated outputs besides plan.gpkg, plan.json and "
                        "report.json: csv, xlsx, kml, kmz, maps, md, html (default: all but "
                        "kmz).")
_kml_gcj02 = click.option("--kml-gcj02", is_flag=True,
                          help="Also write sites_<year>_gcj02.kml for 奥维/Amap (GCJ-02).")
_compare = click.option("--compare-radius/--no-compare-radius", default=False, show_default=True,
                        help="Also plan with the radius table and report the site-count change "
                        "(a second plan run).")
_force, _large, _offline = force_option, allow_large_option, offline_option
_tiles_for = tiles_for


def _outputs(formats: str | None, tiles_crs: str | None, kml_gcj02: bool) -> dict[str, object]:
    """The output options of ``plan``/``demo`` for :func:`siteplan.export.write_plan`."""
    from siteplan.export import check_formats

    chosen = None if not formats else sorted(check_formats(formats.split(","),
                                                           kml_gcj02=kml_gcj02))
    return {"formats": chosen, "tiles_crs": tiles_crs, "kml_gcj02": kml_gcj02}
_limit = time_limit_option


@main.command()
@_out
@_lang
@_tiles
@_limit
@_offline
@_compare
@_force
@_tiles_crs
@_formats
@_kml_gcj02
def demo(out: Path, lang: str, tiles: str | None, time_limit: float | None,
         offline: bool, compare_radius: bool, force: bool, tiles_crs: str | None,
         formats: str | None, kml_gcj02: bool) -> None:
    """Plan the bundled sample county (synthetic data) into --out."""
    from siteplan.datasets import sample_path

    run_config(sample_path("sample_county.toml"), out, lang=lang,
               tiles=_tiles_for(tiles, offline, tiles_crs), time_limit_s=time_limit,
               offline=offline, compare_radius=compare_radius, force=force,
               outputs=_outputs(formats, tiles_crs, kml_gcj02))


@main.command("plan")
@click.argument("config", type=click.Path(path_type=Path))
@_out
@_lang
@_tiles
@_limit
@_offline
@_compare
@_force
@_large
@_tiles_crs
@_formats
@_kml_gcj02
def plan_command(config: Path, out: Path, lang: str, tiles: str | None,
                 time_limit: float | None, offline: bool, compare_radius: bool, force: bool,
                 allow_large: bool, tiles_crs: str | None, formats: str | None,
                 kml_gcj02: bool) -> None:
    """Plan from CONFIG (a TOML file naming candidate layers, target areas,
    milestones and assumptions; see data/sample_county/sample_county.toml)."""
    run_config(config, out, lang=lang, tiles=_tiles_for(tiles, offline, tiles_crs),
               time_limit_s=time_limit, offline=offline, compare_radius=compare_radius,
               force=force, allow_large=allow_large,
               outputs=_outputs(formats, tiles_crs, kml_gcj02))


@main.command("check-landuse")
@click.argument("sites", type=click.Path(path_type=Path))
@click.argument("zones", nargs=-1, type=click.Path(path_type=Path))
@_out
@click.option("--layer", default=None,
              help="Layer of SITES (default: a plan GeoPackage's last sites_<year>).")
@click.option("--class-column", default=None,
              help="Column of ZONES holding the land-use class (default: zone_class, or a "
              "land-survey layer's DLBM/DLMC).")
@click.option("--class", "zone_class", default=None,
              help="One class for the whole ZONES layer, e.g. 生态保护红线 (a control line).")
@click.option("--zones", "zone_layers", multiple=True, metavar="FILE[:CLASS]",
              help="A zone layer, with one class for the whole layer after a colon (repeat): "
              "--zones 地类图斑.shp --zones 生态保护红线.shp:生态保护红线.")
@click.option("--class-map", type=click.Path(path_type=Path), default=None,
              help="CSV of local class names and the classes they mean (two columns).")
@click.option("--id-column", default="site_id", show_default=True,
              help="Column of SITES holding the site id (站址编码/编号 are found too).")
@click.option("--sites-crs", default=None,
              help="CRS of SITES when the file has none or is GCJ-02/BD-09 (gcj02, bd09, EPSG).")
@click.option("--zones-crs", default=None, help="CRS of ZONES (same choices).")
@click.option("--encoding", default=None,
              help="Text encoding of the ZONES attribute table (default: detected; gbk, utf-8).")
@click.option("--config", "config", type=click.Path(path_type=Path), default=None,
              help="A plan config whose [assumptions] (rules, buffers, footprints) apply, and "
              "whose [inputs.landuse] layers are used when no ZONES are given.")
@_offline
@_force
@_lang
def check_landuse_command(sites: Path, zones: tuple[Path, ...], out: Path, layer: str | None,
                          class_column: str | None, zone_class: str | None,
                          zone_layers: tuple[str, ...],
                          class_map: Path | None, id_column: str, sites_crs: str | None,
                          zones_crs: str | None, encoding: str | None, config: Path | None,
                          offline: bool, force: bool, lang: str | None) -> None:
    """Check SITES (points or polygons; any plan) against land-use ZONES
    (one or more layers: a 三调 parcel layer, control lines …).

    Writes conflicts.csv, conflicts.gpkg, summary.json and map.html to --out.
    Exit status: 0 no forbidden conflict, 1 at least one, 2 bad input.
    Overlaps, buffers and distances are measured in the data's local UTM or
    Gauss-Krüger zone whatever the layers' CRS; the outputs are in the sites'
    CRS. Sites without a kind column, or of a kind no name matches, are
    checked as new ground towers (said so). --out may not be, hold or lie
    inside an input, nor be another command's folder (--force or not).
    """
    from siteplan.landuse_check import check_landuse, zone_layer_specs

    if config is not None:
        from siteplan.config import load_config

        _use_config_lang(load_config(config).lang)
    layers = [*zones, *zone_layer_specs(zone_layers, crs=zones_crs, encoding=encoding)]
    result = check_landuse(sites, layers, out, class_column=class_column,
                           zone_class=zone_class, class_map=class_map, id_column=id_column,
                           layer=layer, sites_crs=sites_crs, zones_crs=zones_crs,
                           encoding=encoding, config=config, offline=offline, force=force,
                           lang=_lang_now())
    for note in result["notes"]:
        console.print(_msg("c.note", text=_say(note)), highlight=False, markup=False,
                      soft_wrap=True)
    forbidden = result["forbidden_conflicts"]
    console.print(_msg("c.check_result", forbidden=forbidden,
                       restricted=result["restricted_conflicts"], out=out),
                  highlight=False, markup=False)
    sys.exit(1 if forbidden else 0)


@main.command("relocate")
@click.argument("plan_dir", type=click.Path(path_type=Path))
@click.option("--milestone", type=int, required=True, help="Milestone year of the plan.")
@click.option("--remove", "remove", multiple=True, required=True,
              help="Site id to remove (repeat, or comma-separate several).")
@_out
@click.option("--restore-share", type=click.FloatRange(0, 1, min_open=True), default=0.99,
              show_default=True,
              help="Share of the lost covered demand the replacements must restore, in (0, 1].")
@_force
@_lang
def relocate_command(plan_dir: Path, milestone: int, remove: tuple[str, ...], out: Path,
                     restore_share: float, force: bool, lang: str | None) -> None:
    """Build before demolish (先建后拆): replacements for sites that must go.

    PLAN_DIR is the output folder of a plan. Writes work_order.csv (build
    these, then remove those) and relocation.json (removed, replacements,
    lost_weight, restored_weight, coverage before/during/after) into --out.
    """
    from siteplan.relocate import relocate

    _use_config_lang(_plan_lang(plan_dir))
    result = relocate(plan_dir, milestone, list(remove), out, restore_share=restore_share,
                      force=force, lang=_lang_now())
    console.print(_msg("c.relocate_result", replacements=result["replacement_count"],
                       removed=result["removed_count"],
                       share=f"{100 * result['restored_share']:.1f}", out=out),
                  highlight=False, markup=False)


def _plan_lang(plan_dir: Path) -> str | None:
    """The language a plan folder was written in (its ``report.json``), if any:
    ``relocate`` answers in it unless ``--lang`` or ``$SITEPLAN_LANG`` say otherwise."""
    import json

    try:
        lang = json.loads((Path(plan_dir) / "report.json").read_text(encoding="utf-8")).get("lang")
    except (OSError, ValueError, AttributeError):
        return None
    return lang if lang in ("en", "zh") else None


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
@click.option("--encoding", default=None,
              help="Text encoding of CSV sources and shapefile attributes (default: detected, "
              "UTF-8 or GBK).")
@click.option("--skip-bad-rows", is_flag=True,
              help="Skip unreadable rows and list them in <out>_rejected.csv (default: stop).")
@_force
@_lang
def candidates_command(sources: tuple[Path, ...], out: Path, crs: str | None,
                       to_crs: str | None, radio: str | None, mcc: str | None, mnc: str | None,
                       bbox: str | None, site_distance: float | None,
                       same_structure: float | None, multi_use: bool, encoding: str | None,
                       skip_bad_rows: bool, force: bool, lang: str | None) -> None:
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
                   "site_distance_m": site_distance, "encoding": encoding,
                   "on_bad_rows": "report" if skip_bad_rows else "raise"}
        layers, rejected = [], []
        for path in sources:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", UserWarning)  # rejected rows are listed below
                layer = read_source(path, **options)
            table = layer.attrs.get("rejected")
            skipped = "" if table is None or not len(table) else _msg(
                "c.candidates_skipped", count=len(table), line=table["line"].iloc[0],
                reason=_say(str(table["reason"].iloc[0])))
            console.print(_msg("c.candidates_read", path=path, count=len(layer),
                               source_type=layer.attrs["source_type"], skipped=skipped),
                          highlight=False, markup=False)
            if skipped:
                rejected.append(table.assign(file=str(path)))
            layers.append(layer.to_crs(to_crs) if to_crs else layer)
        merged = merge_candidates(layers, same_structure_m=same_structure, multi_use=multi_use)
        written = write_candidates(merged, out, rejected, force=force, inputs=tuple(sources),
                                   lang=_lang_now())
    except SiteplanError as exc:
        _fail(exc)
    counts = summary(merged)
    table = Table(title=_msg("c.candidates_title", count=len(merged),
                             read=sum(len(x) for x in layers)))
    table.add_column(_msg("c.kind"))
    for col in counts.columns:
        table.add_column(_msg("c.total") if col == "total" else str(col), justify="right")
    for kind, row in counts.iterrows():
        table.add_row(Text(_term(kind)), *[str(v) for v in row])
    Console().print(table)
    for path in written:
        console.print(_msg("c.wrote", path=path), highlight=False, markup=False)


def _term(value: object) -> str:
    from siteplan.i18n import term

    return _msg("c.total") if value == "total" else term(value, _lang_now())


from siteplan.region.cli import plan_region_command  # noqa: E402  (issue 21: regional planning)

main.add_command(plan_region_command)
from siteplan.calibrate_cli import calibrate_command  # noqa: E402  (issue 27: model tuning)

main.add_command(calibrate_command)

if __name__ == "__main__":
    main()
