"""Which path solves which call: the solver's strategy in one table.

``set_cover`` looks at the shape of its call (method, multicover, capacity
rows, groups, size) and tries the paths of :data:`SET_COVER_PATHS` whose
condition holds, in order, until one answers (the ``pieces`` path declines a
problem that is one piece). Inside the single-cover path, ``auto``
(:mod:`siteplan.solve.paths.auto`) chooses its bound and what runs beside
its local search by :func:`bound_kind` and :func:`beside_kind`. Every size
limit is a :class:`~siteplan.solve.options.SolveOptions` field.

=============  ===========================================================
path           taken when
=============  ===========================================================
``pieces``     ``auto``, no cover requirement, at least ``split_min_nnz``
               nonzeros, and several groups or capacity rows: independent
               pieces, small ones proven by HiGHS in children, large ones
               by ``auto`` (:mod:`siteplan.solve.paths.pieces`)
``general``    a cover requirement or capacity rows
               (:mod:`siteplan.solve.paths.general`)
``single``     everything else (:mod:`siteplan.solve.paths.single`)
=============  ===========================================================

``auto``'s bound (:func:`bound_kind`): the LP relaxation up to
``lp_nnz_limit`` nonzeros when its share of the time covers ``lp_s_per_nnz``
per nonzero; beyond it the smoothed dual ascent for full
covers of at least ``dual_ascent_nnz`` nonzeros when the compiled kernels are
loaded or ``compile_s`` are left, else the subgradient.

Beside ``auto``'s local search (:func:`beside_kind`): for full covers beyond
``regional_nnz_limit`` nonzeros (kernels ready, not deterministic) the
regional search alone; else HiGHS on the whole MILP up to
``exact_nnz_limit`` nonzeros (partial covers: started before the bound), a
second local search when a full cover's LP gap exceeds ``highs_gap_limit``,
or HiGHS on a core of at most ``core_nnz_limit`` nonzeros.

Examples
--------
>>> from siteplan.solve.options import SolveOptions
>>> shape = Shape(method="auto", multicover=False, capacity=False, groups=3, nnz=50_000)
>>> set_cover_paths(shape, SolveOptions())
['pieces', 'single']
>>> set_cover_paths(Shape("greedy", False, True, 1, 10), SolveOptions())
['general']
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from siteplan.solve.options import SolveOptions


@dataclass(frozen=True)
class Shape:
    """What the strategy looks at in a ``set_cover`` call."""

    method: str
    multicover: bool
    capacity: bool
    groups: int
    nnz: int


#: (path, condition) in the order they are tried; see the module table
SET_COVER_PATHS: tuple[tuple[str, Callable[[Shape, SolveOptions], bool]], ...] = (
    ("pieces", lambda s, o: s.method == "auto" and not s.multicover
     and s.nnz >= o.split_min_nnz and (s.groups > 1 or s.capacity)),
    ("general", lambda s, o: s.multicover or s.capacity),
    ("single", lambda s, o: not (s.multicover or s.capacity)),
)


def set_cover_paths(shape: Shape, options: SolveOptions) -> list[str]:
    """The paths to try for ``shape``, in order (see the module table)."""
    return [name for name, applies in SET_COVER_PATHS if applies(shape, options)]


def bound_kind(nnz: int, full_cover: bool, compiled_ready: bool, lp_time_s: float,
               options: SolveOptions) -> str:
    """``auto``'s bound: ``"lp"``, ``"dual ascent"`` or ``"subgradient"``.

    Examples
    --------
    >>> o = SolveOptions()
    >>> bound_kind(1_000, True, False, 1.0, o), bound_kind(10**8, True, True, 1.0, o)
    ('lp', 'dual ascent')
    >>> bound_kind(10**8, False, True, 1.0, o)
    'subgradient'
    >>> bound_kind(1_500_000, False, False, 0.1, o), bound_kind(1_500_000, False, False, 1.0, o)
    ('subgradient', 'lp')
    """
    # HiGHS's model set-up and crash ignore its time limit: only with time for them
    if nnz <= options.lp_nnz_limit and lp_time_s >= max(options.min_highs_s,
                                                        nnz * options.lp_s_per_nnz):
        return "lp"
    if full_cover and nnz >= options.dual_ascent_nnz and compiled_ready:
        return "dual ascent"
    return "subgradient"


def beside_kind(nnz: int, full_cover: bool, lp_gap: float, remaining_s: float,
                can_fork: bool, options: SolveOptions) -> str:
    """What runs beside ``auto``'s local search once the bound is known:
    ``"highs (whole MILP)"``, ``"local search"``, ``"highs (core)"`` or
    ``"nothing"`` (the regional search is decided before, see the module).

    Examples
    --------
    >>> o = SolveOptions()
    >>> beside_kind(1_000, True, 0.01, 5.0, True, o)
    'highs (whole MILP)'
    >>> beside_kind(10**7, True, 0.5, 5.0, True, o), beside_kind(10**7, True, 0.01, 5.0, True, o)
    ('local search', 'highs (core)')
    >>> beside_kind(10**7, True, 0.01, 5.0, False, o)
    'nothing'
    """
    if not can_fork:
        return "nothing"
    if full_cover and lp_gap > options.highs_gap_limit and remaining_s >= options.min_fork_s:
        return "local search"
    if remaining_s < options.min_highs_s:
        return "nothing"
    return "highs (whole MILP)" if nnz <= options.exact_nnz_limit else "highs (core)"


def regional(nnz: int, full_cover: bool, compiled_ready: bool, options: SolveOptions) -> bool:
    """Whether ``auto`` improves region by region (city-scale full covers;
    its slices are timed, so not in deterministic mode)."""
    return (full_cover and nnz > options.regional_nnz_limit and not options.deterministic
            and compiled_ready)


__all__ = ["SET_COVER_PATHS", "Shape", "beside_kind", "bound_kind", "regional",
           "set_cover_paths"]
