"""siteplan: sharing-first 5G base-station site planning.

The names a notebook needs, from one place (``from siteplan import ...``):

- :func:`run` plans from a TOML config and writes the plan folder (what
  ``siteplan plan`` does); :func:`read_plan` reads a plan folder back.
- Step by step: :func:`read_candidates`, :func:`read_targets`,
  :func:`build_problem` (a :class:`PlanningProblem`), :func:`plan` (a
  :class:`Plan`), :func:`write_plan`.
- The solver on any sparse coverage matrix: :func:`set_cover`,
  :func:`max_cover`, :class:`SolveOptions`, :class:`CapacityConstraints`.
- Assumed numbers: :class:`Assumptions`; errors: :class:`SiteplanError` and
  its subclasses (every one a ``ValueError`` naming the file, row, column or
  key and what to do).

Everything but the errors is imported on first use, so ``import siteplan``
stays cheap and ``siteplan check-landuse`` never loads the solver.

Examples
--------
>>> import siteplan
>>> from siteplan import set_cover, InputError
>>> set_cover.__module__.startswith("siteplan.solve")
True
>>> issubclass(InputError, ValueError), siteplan.__version__ == siteplan.version()
(True, True)
"""

from __future__ import annotations

import importlib
from importlib import metadata
from typing import TYPE_CHECKING, Any

from siteplan.errors import (
    ConfigError,
    InputError,
    OutputError,
    RadioError,
    SiteplanError,
    SolverError,
    WorkTooLargeError,
)

if TYPE_CHECKING:  # pragma: no cover - for type checkers and IDEs only
    from siteplan.defaults import Assumptions
    from siteplan.export import write_plan
    from siteplan.planio import read_plan
    from siteplan.planner import Plan, plan
    from siteplan.problem import PlanningProblem, build_problem
    from siteplan.project import PlanOutputs, run
    from siteplan.solve import CapacityConstraints, SolveOptions, max_cover, set_cover
    from siteplan.sources import read_candidates, read_targets

#: Public name -> the module that defines it (imported on first access).
_LAZY: dict[str, str] = {
    "run": "siteplan.project",
    "PlanOutputs": "siteplan.project",
    "plan": "siteplan.planner",
    "Plan": "siteplan.planner",
    "build_problem": "siteplan.problem",
    "PlanningProblem": "siteplan.problem",
    "read_plan": "siteplan.planio",
    "write_plan": "siteplan.export",
    "read_candidates": "siteplan.sources",
    "read_targets": "siteplan.sources",
    "set_cover": "siteplan.solve",
    "max_cover": "siteplan.solve",
    "SolveOptions": "siteplan.solve",
    "CapacityConstraints": "siteplan.solve",
    "Assumptions": "siteplan.defaults",
}

__all__ = [
    "Assumptions", "CapacityConstraints", "ConfigError", "InputError", "OutputError", "Plan",
    "PlanOutputs", "PlanningProblem", "RadioError", "SiteplanError", "SolveOptions", "SolverError",
    "WorkTooLargeError", "__version__", "build_problem", "max_cover", "plan", "read_candidates",
    "read_plan", "read_targets", "run", "set_cover", "write_plan",
]


def version() -> str:
    """The installed distribution's version (``pyproject.toml``), or
    ``"0+unknown"`` when siteplan runs from a source tree that was never
    installed.

    Examples
    --------
    >>> version().count(".") >= 1 or version() == "0+unknown"
    True
    """
    try:
        return metadata.version("siteplan")
    except metadata.PackageNotFoundError:
        return "0+unknown"


__version__: str = version()


def __getattr__(name: str) -> Any:
    """Import a public name's module on first access (PEP 562)."""
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'siteplan' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *_LAZY})
