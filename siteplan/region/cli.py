"""``siteplan plan-region CONFIG --out DIR``: plan a province on Dask.

The options it shares with ``siteplan plan`` (``--out``, ``--lang``,
``--tiles``, ``--time-limit``, ``--offline``, ``--force``, ``--allow-large``)
come from :mod:`siteplan.cli_options`, so both commands spell and explain
them the same way.

Examples
--------
>>> plan_region_command.name
'plan-region'
>>> sorted(p.name for p in plan_region_command.params)[:4]
['allow_large', 'config', 'force', 'lang']
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import click
from rich.console import Console

from siteplan.cli_options import (
    allow_large_option,
    force_option,
    lang_option,
    offline_option,
    out_option,
    tiles_for,
    tiles_option,
    time_limit_option,
)
from siteplan.errors import SiteplanError

console = Console(stderr=True)
#: Exit status of a run stopped with Ctrl-C (128 + SIGINT, as a shell reports it).
INTERRUPTED = 130


def _print(text: str) -> None:
    console.print(text, markup=False, highlight=False, soft_wrap=True)


@click.command("plan-region")
@click.argument("config", type=click.Path(path_type=Path))
@out_option
@click.option("--workers", type=int, default=None,
              help="Local Dask workers (default: one per core; one thread each).")
@click.option("--scheduler", default=None,
              help="Address of a running Dask scheduler (tcp://host:8786) instead of a local "
              "cluster; the work folder must be on storage every worker reads.")
@click.option("--loop", "loop", is_flag=True,
              help="Plan the units one by one in this process (no Dask).")
@time_limit_option
@click.option("--work-dir", type=click.Path(path_type=Path), default=None,
              help="Partitions and cached unit results (default: .<out>.region-work beside "
              "--out); a re-run plans only the units that failed or changed.")
@lang_option
@tiles_option
@offline_option
@force_option
@allow_large_option
def plan_region_command(config: Path, out: Path, workers: int | None, scheduler: str | None,
                        loop: bool, time_limit: float | None, work_dir: Path | None, lang: str,
                        tiles: str | None, offline: bool, force: bool,
                        allow_large: bool) -> None:
    """Plan every unit (county, district or tile) of a region CONFIG as its own
    task on Dask, stitch the borders, and write the merged plan, a province
    summary, per-unit plan folders and an overview map into --out.

    CONFIG is a plan config with a [region] table naming the unit layer
    (units = "units.gpkg", code_column, name_column) or a tile size (tile_km).
    Exit status: 0 every unit planned, 1 some unit failed (the others are
    written), 2 bad input, 130 stopped with Ctrl-C.
    """
    from siteplan.i18n import error_text, msg, resolve_lang, translate
    from siteplan.region.run import failures_error, plan_region

    start = time.perf_counter()
    try:
        lang = resolve_lang(lang, _config_lang(config))
    except SiteplanError as exc:
        console.print(msg("c.error", "en") + str(exc), markup=False, highlight=False)
        sys.exit(2)

    def say(text: str) -> None:
        _print(f"[{time.perf_counter() - start:7.1f} s] {translate(text, lang)}")

    try:
        result = plan_region(config, out, workers=workers, scheduler=scheduler,
                             executor="loop" if loop else "dask", time_limit_s=time_limit,
                             work_dir=work_dir, lang=lang, tiles=tiles_for(tiles, offline),
                             offline=offline, force=force, allow_large=allow_large,
                             progress=say)
    except SiteplanError as exc:
        _print(msg("c.error", lang) + error_text(exc, lang))
        sys.exit(2)
    except KeyboardInterrupt:
        _print(msg("g.interrupted", lang))
        # a Dask future the signal caught mid-__init__ is collected at exit and its
        # __del__ fails ("'Future' object has no attribute '_client'"): after the one
        # line, such leftovers of the interrupted run print nothing
        sys.unraisablehook = _quiet
        sys.exit(INTERRUPTED)
    error = failures_error(result)
    if error is not None:
        _print(msg("c.error", lang) + error_text(error, lang))
        sys.exit(1)


def _quiet(_unraisable: object) -> None:
    """An unraisable-exception hook that prints nothing."""


def _config_lang(config: Path) -> str | None:
    """The ``[project] lang`` of a region config, if it says one (errors in the
    file are reported by the run itself)."""
    import tomllib

    try:
        project = tomllib.loads(Path(config).read_text(encoding="utf-8")).get("project", {})
    except (OSError, ValueError):
        return None
    lang = project.get("lang") if isinstance(project, dict) else None
    return lang if isinstance(lang, str) else None
