"""``siteplan calibrate MEASUREMENTS --config CONFIG --out FOLDER``.

Reads the drive-test / MR points, the config's candidates (the measured
sites) and target areas (the environment of points without a clutter
column), fits the model (:func:`siteplan.calibrate.calibrate`) and writes,
as one folder replaced as a whole:

- ``calibration.md`` / ``calibration.json``: errors before and after (all
  points and per clutter class), the parameters with 95 % confidence
  intervals, notes;
- ``tuned_assumptions.toml``: the ``[assumptions]`` table for ``plan``;
- ``residuals.csv``: per measurement, measured and predicted RSRP.

Examples
--------
>>> from click.testing import CliRunner
>>> CliRunner().invoke(calibrate_command, ["--help"]).output.splitlines()[0]
'Usage: calibrate [OPTIONS] MEASUREMENTS'
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import click
import pandas as pd

from siteplan.calibrate import Calibration, calibrate, read_measurements, tuned_toml
from siteplan.cli_options import command_lang, lang_option, use_config_lang

_PARAM_COLUMNS = ("key", "before", "change", "after", "std_error", "ci_low", "ci_high")
_ERROR_COLUMNS = ("clutter", "points", "mean_before", "std_before", "rmse_before",
                  "mean_after", "std_after", "rmse_after")


def _cell(value: Any) -> str:
    if isinstance(value, float):
        return "–" if not math.isfinite(value) else f"{value:.2f}"
    return str(value)


def _md_table(frame: pd.DataFrame, columns: tuple[str, ...], headings: list[str]) -> list[str]:
    """``frame``'s ``columns`` as a Markdown table under ``headings``."""
    lines = ["| " + " | ".join(headings) + " |", "|" + "---|" * len(columns)]
    lines += ["| " + " | ".join(_cell(row[c]) for c in columns) + " |"
              for _, row in frame.iterrows()]
    return lines


def calibration_markdown(fit: Calibration, measurements: int, lang: str = "en") -> str:
    """The calibration report in ``lang`` (assumption keys stay as they are;
    clutter classes and notes are translated for ``zh``).

    Examples
    --------
    >>> errors = pd.DataFrame([dict.fromkeys(_ERROR_COLUMNS, 1.0) | {"clutter": "crop"}])
    >>> fit = Calibration(pd.DataFrame(columns=list(_PARAM_COLUMNS)), errors, {},
    ...                   pd.DataFrame(), "crop", [])
    >>> text = calibration_markdown(fit, 3, "zh")
    >>> text.splitlines()[0], "| 耕地 | 1.00 |" in text
    ('# 传播模型校准', True)
    """
    from siteplan.i18n import clutter_name, tr, translate

    def name(value: object) -> str:
        return tr("cal.all", lang) if value == "all" else clutter_name(str(value), lang)

    errors = fit.errors.assign(clutter=fit.errors["clutter"].map(name))
    keys = fit.parameters["key"].astype(str) if "key" in fit.parameters else pd.Series(dtype=str)
    per_class = keys.str.startswith("clutter.offset_db.").any()  # else no class is relative
    lines = [f"# {tr('cal.title', lang)}", "",
             tr("cal.intro" if per_class else "cal.intro_common", lang).format(
                 measurements=f"{measurements:,}", reference=name(fit.reference_class)),
             "", f"## {tr('cal.errors', lang)}", ""]
    lines += _md_table(errors, _ERROR_COLUMNS, tr("cal.error_columns", lang).split("|"))
    lines += ["", f"## {tr('cal.parameters', lang)}", ""]
    lines += _md_table(fit.parameters, _PARAM_COLUMNS, tr("cal.param_columns", lang).split("|"))
    if fit.notes:
        lines += ["", f"## {tr('cal.notes', lang)}", ""] + [f"- {translate(n, lang)}"
                                                            for n in fit.notes]
    lines += ["", tr("cal.paste", lang)]
    return "\n".join(lines) + "\n"


def run_calibration(measurements: Path, config: Any, out: Path, *, pci_map: Path | None = None,
                    sheet: str | None = None, crs: str = "EPSG:4326",
                    force: bool = False, lang: str | None = None) -> list[Path]:
    """Read, fit and write the calibration folder; returns the files written.

    ``config`` is the plan config's path or the config already loaded
    (:func:`siteplan.config.load_config`). ``calibration.md`` is in ``lang``
    (``--lang``, else ``$SITEPLAN_LANG``, else the config's ``lang``, else
    English); the JSON, TOML and CSV files keep canonical names."""
    from siteplan.config import load_config
    from siteplan.i18n import resolve_lang
    from siteplan.io.atomic import check_writable_folder, output_folder
    from siteplan.io.tables import write_csv
    from siteplan.sources.inputs import load_inputs
    from siteplan.terrain.zones import with_zone_clutter

    check_writable_folder(Path(out).absolute(), kind="calibration", force=force)
    cfg = load_config(config) if isinstance(config, str | Path) else config
    lang = resolve_lang(lang, cfg.lang)
    inputs = load_inputs(cfg)
    meas = read_measurements(measurements, pci_map=pci_map, sheet=sheet, crs=crs)
    metric = inputs.targets.estimate_utm_crs()  # the plan's metric CRS (problem.build_problem)
    zones_m = None if inputs.landuse is None else inputs.landuse.to_crs(metric)
    assumptions = with_zone_clutter(cfg.assumptions, zones_m)  # clutter = "landuse" reads them
    fit = calibrate(meas.to_crs(metric), inputs.candidates.to_crs(metric), assumptions,
                    targets_m=inputs.targets.to_crs(metric), source=str(measurements))
    names = ["calibration.md", "calibration.json", "tuned_assumptions.toml", "residuals.csv"]
    with output_folder(out, kind="calibration", force=force) as stage:
        (stage / names[0]).write_text(calibration_markdown(fit, len(meas), lang), encoding="utf-8")
        doc = {"measurements": len(meas), "reference_class": fit.reference_class,
               "parameters": fit.parameters.to_dict("records"),
               "errors": fit.errors.to_dict("records"), "tuned": fit.tuned,
               "notes": fit.notes}
        (stage / names[1]).write_text(json.dumps(doc, indent=1, ensure_ascii=False,
                                                 allow_nan=False, default=_plain),
                                      encoding="utf-8")
        (stage / names[2]).write_text(tuned_toml(fit, lang), encoding="utf-8")
        write_csv(fit.points, stage / names[3])
    return [Path(out) / n for n in names]


def _plain(value: Any) -> Any:
    return None if isinstance(value, float) and not math.isfinite(value) else str(value)


@click.command("calibrate")
@click.argument("measurements", type=click.Path(path_type=Path))
@click.option("--config", "config", required=True, type=click.Path(path_type=Path),
              help="The plan config: its candidates are the measured sites, its "
              "[assumptions] the starting model.")
@click.option("--out", "out", required=True, type=click.Path(path_type=Path),
              help="Output folder (replaced as a whole).")
@click.option("--pci-map", type=click.Path(path_type=Path), default=None,
              help="CSV/XLSX with pci and site_id, when the measurements name cells by PCI.")
@click.option("--sheet", default=None, help="Excel sheet of the measurements (the first).")
@click.option("--crs", default="EPSG:4326", show_default=True,
              help="Coordinates of the measurements: an EPSG code, gcj02 or bd09.")
@click.option("--force", is_flag=True, help="Replace an --out folder siteplan did not write.")
@lang_option
def calibrate_command(measurements: Path, config: Path, out: Path, pci_map: Path | None,
                      sheet: str | None, crs: str, force: bool, lang: str | None) -> None:
    """Tune the propagation model to drive-test or MR points (MEASUREMENTS:
    CSV/XLSX with lon, lat, site_id or pci, rsrp_dbm; optional clutter) by
    least squares, and write the tuned [assumptions] for plan."""
    from siteplan.config import load_config
    from siteplan.i18n import msg

    # errors go to the CLI's one handler (siteplan.cli._Group): exit status 2, in the
    # language of --lang, $SITEPLAN_LANG or the config's [project] lang, like plan
    cfg = load_config(config)
    use_config_lang(cfg.lang)
    paths = run_calibration(measurements, cfg, out, pci_map=pci_map, sheet=sheet, crs=crs,
                            force=force, lang=lang)
    for path in paths:
        click.echo(msg("c.wrote", command_lang(), path=path), err=True)
