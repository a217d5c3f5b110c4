"""The message catalogue: console lines, errors and notes in English and Chinese.

Each entry is ``id -> {"en": template, "zh": template}`` with ``{name}``
placeholders (:meth:`str.format`). A raise site names its message by id,
``raise InputError(Msg("file.not_found", path=path))``: the error's text is
the English template filled in (so ``str(exc)`` reads as before) and the
error carries the id and parameters, so the command line prints it in the
chosen language (:func:`siteplan.i18n.error_text`). :mod:`siteplan.i18n`
also recognises an English line printed as plain text (the English
template, its placeholders matching any text).

Kept as plain data (no siteplan imports) so that any layer may read it.

Examples
--------
>>> MESSAGES["config.not_found"]["zh"].format(path="a.toml")
'a.toml：找不到配置文件。'
>>> text = Msg("config.not_found", path="a.toml")
>>> text, text.msg_id, text.params
('a.toml: config file not found.', 'config.not_found', {'path': 'a.toml'})
"""

from __future__ import annotations

from siteplan.messages.catalogue import FRAGMENTS, PYDANTIC, TERM_PARAMS, WHAT
from siteplan.messages.catalogue import MESSAGES as _LISTED
from siteplan.messages.notes import CLUTTER, NOTE_TEMPLATES, NOTES
from siteplan.messages.raised import RAISED

#: Every message: the listed ones (console, notes, common errors) first, then
#: the errors of the raise sites (:mod:`siteplan.messages.raised`).
MESSAGES: dict[str, dict[str, str]] = {**_LISTED, **RAISED}

__all__ = ["CLUTTER", "FRAGMENTS", "MESSAGES", "NOTES", "NOTE_TEMPLATES", "PYDANTIC", "RAISED",
           "TERM_PARAMS", "WHAT", "Msg"]


class Msg(str):
    """The English text of catalogue message ``msg_id``, carrying its id and
    parameters (a :class:`str`, so it prints and compares as the text).

    Parameters are kept as text (a nested :class:`Msg` stays one, so it is
    translated by its own id; so does the message of an exception raised
    with one, given as a parameter such as ``detail=exc``).

    Parameters
    ----------
    msg_id : str
        A key of :data:`MESSAGES`.
    **params : object
        The template's placeholders, already formatted as the English text
        shows them (``repr(x)`` for a quoted value).

    Raises
    ------
    KeyError
        ``msg_id`` is not in the catalogue (a programming error, found by the
        tests that raise every message).

    Examples
    --------
    >>> err = Msg("file.not_found", path="缺.gpkg")
    >>> str(err), err.msg_id
    ('缺.gpkg: file not found.', 'file.not_found')
    """

    msg_id: str
    params: dict[str, str]

    def __new__(cls, msg_id: str, /, **params: object) -> Msg:
        kept = {k: _inner(v) if isinstance(_inner(v), Msg) else str(v) for k, v in params.items()}
        self = super().__new__(cls, MESSAGES[msg_id]["en"].format(**kept))
        self.msg_id = msg_id
        self.params = kept
        return self

    def cut(self, prefix: str) -> Msg:
        """The same message (id, parameters) whose English text drops
        ``prefix``, for a message nested in another that already says it.

        Examples
        --------
        >>> inner = Msg("assumptions.number", key="'x'", value="'a'")
        >>> inner.cut("assumptions: "), inner.cut("assumptions: ").msg_id
        ("'x' must be a number, got 'a'.", 'assumptions.number')
        """
        out = str.__new__(Msg, self.removeprefix(prefix))
        out.msg_id, out.params = self.msg_id, self.params
        return out

    def __reduce__(self) -> tuple[object, ...]:
        """Pickled as its id, parameters and text (errors cross process boundaries)."""
        return (_rebuild, (self.msg_id, self.params, str(self)))


def _inner(value: object) -> object:
    """An exception's :class:`Msg` (its first argument), else ``value``."""
    if isinstance(value, BaseException) and value.args and isinstance(value.args[0], Msg):
        return value.args[0]
    return value


def _rebuild(msg_id: str, params: dict[str, str], text: str | None = None) -> Msg:
    out = Msg(msg_id, **params)
    return out if text is None or text == out else out.cut(out.removesuffix(text))
