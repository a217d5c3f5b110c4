"""The message catalogue: console lines, errors and notes in English and Chinese.

Each entry is ``id -> {"en": template, "zh": template}`` with ``{name}``
placeholders (:meth:`str.format`). :mod:`siteplan.i18n` fills them
(:func:`siteplan.i18n.msg`) and also recognises an English message that a
module raised or printed as text (the English template, its placeholders
matching any text), so a message the catalogue knows is shown in Chinese
even when its raiser did not give its id.

Kept as plain data (no imports) so that any layer may read it.

Examples
--------
>>> MESSAGES["config.not_found"]["zh"].format(path="a.toml")
'a.toml：找不到配置文件。'
"""

from __future__ import annotations

from siteplan.messages.catalogue import FRAGMENTS, MESSAGES, PYDANTIC, TERM_PARAMS, WHAT
from siteplan.messages.notes import CLUTTER, NOTE_TEMPLATES, NOTES

__all__ = ["CLUTTER", "FRAGMENTS", "MESSAGES", "NOTES", "NOTE_TEMPLATES", "PYDANTIC", "TERM_PARAMS",
           "WHAT"]
