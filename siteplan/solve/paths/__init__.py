"""The solving paths :func:`siteplan.solve.set_cover` chooses between (the
choice itself is :mod:`siteplan.solve.strategy`): one single-cover instance
(:mod:`.single`, improved by :mod:`.auto`), independent pieces
(:mod:`.pieces`), multicover and capacity rows (:mod:`.general`)."""
