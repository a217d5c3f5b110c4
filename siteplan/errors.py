"""One exception hierarchy for everything a user can get wrong.

Every message names the file (or object), the row or id, the column and what
to do about it, so that a planner can fix the input without reading code.
Every class also subclasses :class:`ValueError` (as osmnx's errors do), so
``except ValueError`` catches bad input in a notebook.

Examples
--------
>>> from siteplan.errors import InputError, SiteplanError
>>> issubclass(InputError, SiteplanError), issubclass(InputError, ValueError)
(True, True)
"""

from __future__ import annotations


class SiteplanError(ValueError):
    """Base class of every error siteplan raises on purpose.

    ``msg_id`` and ``params`` name the message in the catalogue
    (:mod:`siteplan.messages`), so the command line can print it in the
    chosen language; the English text stays the exception's ``str``. Raise
    sites give a :class:`siteplan.messages.Msg` as the message, which
    carries both: ``raise InputError(Msg("file.not_found", path=p))``.

    Examples
    --------
    >>> e = SiteplanError("a.toml: config file not found.", msg_id="config.not_found",
    ...                   params={"path": "a.toml"})
    >>> str(e), e.msg_id, e.params
    ('a.toml: config file not found.', 'config.not_found', {'path': 'a.toml'})
    """

    def __init__(self, *args: object, msg_id: str | None = None,
                 params: dict[str, object] | None = None) -> None:
        super().__init__(*args)
        first = args[0] if args else None
        if msg_id is None and getattr(first, "msg_id", None):  # a siteplan.messages.Msg
            msg_id, params = first.msg_id, first.params  # type: ignore[union-attr]
        self.msg_id = msg_id
        self.params = dict(params or {})


class InputError(SiteplanError):
    """A data file or table is unusable: missing column, bad row, bad CRS."""


class ConfigError(SiteplanError):
    """A configuration file or parameter is wrong or names a missing file."""


class OutputError(SiteplanError):
    """An output path cannot be written (a file, a foreign folder, no permission)."""


class SolverError(SiteplanError):
    """A solver was called with an invalid matrix, cost vector or target."""


class RadioError(SiteplanError):
    """A radio-model parameter is outside the model's valid range."""


class WorkTooLargeError(ConfigError):
    """The estimated work (demand points, pairs, memory) exceeds the machine."""


def where(source: str | None = None, *, row: object = None, column: str | None = None) -> str:
    """Format the location part of an error message.

    Parameters
    ----------
    source : str, optional
        File path or layer name.
    row : object, optional
        Row number (1-based, as a spreadsheet shows it) or feature id.
    column : str, optional
        Column name.

    Returns
    -------
    str
        For example ``"candidates.gpkg, row 12, column 'kind'"``.

    Examples
    --------
    >>> where("a.csv", row=3, column="lon")
    "a.csv, row 3, column 'lon'"
    """
    parts: list[str] = []
    if source:
        parts.append(str(source))
    if row is not None:
        parts.append(f"row {row}")
    if column:
        parts.append(f"column {column!r}")
    return ", ".join(parts) if parts else "input"
