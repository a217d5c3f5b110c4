"""Catalogue entries of the errors raised as ``XError(Msg(id, ...))``
(plain data; see :mod:`siteplan.messages`), grouped by the module raising
them. English templates reproduce the text the raise site wrote before it
named its message by id; their parameters are kept as given (user text,
paths, values) except ``detail`` and ``hint`` (a library's reason, a "did
you mean"), which are translated where the catalogue knows their pieces.
"""

from __future__ import annotations

RAISED: dict[str, dict[str, str]] = {
}
