"""``siteplan plan-region CONFIG --out DIR``: plan a province on Dask.

Examples
--------
>>> plan_region_command.name
'plan-region'
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import click
from rich.console import Console

from siteplan.errors import SiteplanError

console = Console(stderr=True)


@click.command("plan-region")
@click.argument("config", type=click.Path(path_type=Path))
@click.option("--out", "out", required=True, type=click.Path(path_type=Path),
              help="Output folder (replaced as a whole when the run ends).")
@click.option("--workers", type=int, default=None,
              help="Local Dask workers (default: one per core; one thread each).")
@click.option("--scheduler", default=None,
              help="Address of a running Dask scheduler (tcp://host:8786) instead of a local "
              "cluster; the work folder must be on storage every worker reads.")
@click.option("--loop", "loop", is_flag=True,
              help="Plan the units one by one in this process (no Dask).")
@click.option("--time-limit", "time_limit", type=float, default=None,
              help="Solver time limit per milestone in seconds (overrides the config).")
@click.option("--work-dir", type=click.Path(path_type=Path), default=None,
              help="Partitions and cached unit results (default: .<out>.region-work beside "
              "--out); a re-run plans only the units that failed or changed.")
@click.option("--lang", type=click.Choice(["en", "zh"]), default=None,
              help="Language of messages and outputs (default: $SITEPLAN_LANG, the config's "
              "[project] lang, else en).")
@click.option("--tiles", default=None, help="Base-map tiles (a folium name or URL), or 'none'.")
@click.option("--offline", is_flag=True, help="Self-contained maps (no CDN).")
@click.option("--force", is_flag=True, help="Replace a non-empty --out siteplan did not write.")
def plan_region_command(config: Path, out: Path, workers: int | None, scheduler: str | None,
                        loop: bool, time_limit: float | None, work_dir: Path | None, lang: str,
                        tiles: str | None, offline: bool, force: bool) -> None:
    """Plan every unit (county, district or tile) of a region CONFIG as its own
    task on Dask, stitch the borders, and write the merged plan, a province
    summary, per-unit plan folders and an overview map into --out.

    CONFIG is a plan config with a [region] table naming the unit layer
    (units = "units.gpkg", code_column, name_column) or a tile size (tile_km).
    Exit status: 0 every unit planned, 1 some unit failed (the others are
    written), 2 bad input.
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
        console.print(f"[{time.perf_counter() - start:7.1f} s] {translate(text, lang)}",
                      markup=False, highlight=False, soft_wrap=True)

    if tiles is None:
        tiles = None if offline else "OpenStreetMap"
    elif tiles == "none":
        tiles = None
    try:
        result = plan_region(config, out, workers=workers, scheduler=scheduler,
                             executor="loop" if loop else "dask", time_limit_s=time_limit,
                             work_dir=work_dir, lang=lang, tiles=tiles, offline=offline,
                             force=force, progress=say)
    except SiteplanError as exc:
        console.print(msg("c.error", lang) + error_text(exc, lang), markup=False,
                      highlight=False, soft_wrap=True)
        sys.exit(2)
    error = failures_error(result)
    if error is not None:
        console.print(msg("c.error", lang) + error_text(error, lang), markup=False,
                      highlight=False, soft_wrap=True)
        sys.exit(1)


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
