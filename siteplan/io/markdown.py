"""User text made inert for Markdown reports (imports nothing above the
standard library, so every report module can use it)."""

from __future__ import annotations

_MD_SPECIAL = "\\`*_{}[]()#+-!|~<>&"
_MD_REPLACE = {c: "\\" + c for c in _MD_SPECIAL} | {"<": "&lt;", ">": "&gt;", "&": "&amp;"}


def md(text: object) -> str:
    """User text as inert Markdown: HTML and Markdown syntax escaped, line
    breaks (which could start a heading or a list) turned into spaces.

    Examples
    --------
    >>> print(md("<b>x</b>|#1\\n# h"))
    &lt;b&gt;x&lt;/b&gt;\\|\\#1 \\# h
    >>> print(md("[a](javascript:x) `c` *d*"))
    \\[a\\]\\(javascript:x\\) \\`c\\` \\*d\\*
    """
    flat = " ".join(str(text).splitlines()) if text is not None else ""
    return "".join(_MD_REPLACE.get(c, c) for c in flat)
