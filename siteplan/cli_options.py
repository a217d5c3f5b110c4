"""Command-line options shared by ``siteplan plan`` and ``siteplan plan-region``
(and ``demo``): defined once, so both commands spell, default and explain
them the same way.

Examples
--------
>>> import click
>>> @click.command()
... @out_option
... @tiles_option
... def cmd(out, tiles):
...     pass
>>> [p.name for p in cmd.params]
['out', 'tiles']
>>> tiles_for(None, offline=True), tiles_for("none", offline=False)
(None, None)
"""

from __future__ import annotations

from pathlib import Path

import click

#: The language of the running command's messages and errors (``--lang`` >
#: ``$SITEPLAN_LANG`` > the config's ``lang`` > English), set as the options are parsed
#: (:func:`set_lang`) and once a config is read (:func:`use_config_lang`); the CLI's one
#: error handler prints in it.
LANG_STATE: dict[str, str | None] = {"lang": None, "flag": None}


def command_lang() -> str:
    """The running command's language (English when even that cannot be told)."""
    from siteplan.errors import SiteplanError
    from siteplan.i18n import resolve_lang

    try:
        return LANG_STATE["lang"] or resolve_lang(LANG_STATE["flag"])
    except SiteplanError:
        return "en"


def set_lang(_ctx: click.Context | None, _param: click.Parameter | None,
             value: str | None) -> str | None:
    """``--lang`` callback: the language from the flag or the environment
    (a config's ``lang`` may follow, see :func:`use_config_lang`)."""
    from siteplan.i18n import resolve_lang

    LANG_STATE["flag"] = value
    LANG_STATE["lang"] = None
    LANG_STATE["lang"] = resolve_lang(value)
    return value


def use_config_lang(config_lang: str | None) -> str:
    """The command's language once a config is read (flag and environment first)."""
    from siteplan.i18n import resolve_lang

    LANG_STATE["lang"] = resolve_lang(LANG_STATE["flag"], config_lang)
    return LANG_STATE["lang"]


out_option = click.option(
    "--out", "out", required=True, type=click.Path(path_type=Path),
    help="Output folder (created; files in it are replaced atomically).")
lang_option = click.option(
    "--lang", type=click.Choice(["en", "zh"]), default=None, callback=set_lang, is_eager=True,
    help="Language of messages and every output (report, CSV/XLSX, maps, KML). Default: "
    "$SITEPLAN_LANG, else the config's [project] lang, else en.")
tiles_option = click.option(
    "--tiles", default=None,
    help="Online base map: openstreetmap, 'cartodb positron', amap, 'amap satellite' (Amap is "
    "GCJ-02: data is shifted to match), a tile URL template with {x} {y} {z}, or 'none'. "
    "Default: OpenStreetMap online, none with --offline (the context layers are the base map).")
time_limit_option = click.option(
    "--time-limit", "time_limit", type=float, default=None,
    help="Solver time limit per milestone in seconds (overrides the config).")
offline_option = click.option(
    "--offline", is_flag=True,
    help="Maps make no network request: no online base map (a local tile folder given with "
    "--tiles is kept); the context layers are the base map. Leaflet is always inlined.")
force_option = click.option(
    "--force", is_flag=True,
    help="Replace an output siteplan did not write (by default refused).")
allow_large_option = click.option(
    "--allow-large", is_flag=True,
    help="Run even when the work estimate (demand points, memory; for plan-region the number "
    "of units) exceeds this machine.")


def tiles_for(tiles: str | None, offline: bool, tiles_crs: str | None = None) -> str | None:
    """The base map a command uses: OpenStreetMap unless ``offline``, none
    for ``'none'``; a bad name or URL fails here, before any work.

    Raises
    ------
    siteplan.errors.ConfigError
        ``tiles`` is neither a known base map nor a tile URL template.
    """
    from siteplan.maplayers import resolve_tiles

    if tiles is None:
        return None if offline else "OpenStreetMap"
    resolve_tiles(tiles, tiles_crs)
    return None if tiles == "none" else tiles


__all__ = ["LANG_STATE", "allow_large_option", "command_lang", "force_option", "lang_option",
           "offline_option", "out_option", "set_lang", "tiles_for", "tiles_option",
           "time_limit_option", "use_config_lang"]
