"""The public API: ``from siteplan import ...`` gives what docs/api.md documents."""

from __future__ import annotations

import re
import subprocess
import sys
import warnings
from importlib import metadata

import numpy as np
import pytest
import scipy.sparse as sp

import siteplan
from siteplan.errors import SiteplanError

from .conftest import ROOT

ERRORS = ["ConfigError", "InputError", "OutputError", "RadioError", "SiteplanError",
          "SolverError", "WorkTooLargeError"]


def test_documented_names_import_from_the_package():
    from siteplan import (  # noqa: F401  (the README's and docs/api.md's import line)
        __version__,
        build_problem,
        max_cover,
        plan,
        read_plan,
        run,
        set_cover,
        write_plan,
    )

    assert __version__ == metadata.version("siteplan")
    assert run.__module__ == "siteplan.project" and plan.__module__ == "siteplan.planner"
    assert build_problem.__module__ == "siteplan.problem"
    assert read_plan.__module__ == "siteplan.planio"
    assert write_plan.__module__ == "siteplan.export"


def test_all_is_exactly_the_lazy_names_the_errors_and_the_version():
    assert siteplan.__all__ == sorted(siteplan.__all__)
    assert set(siteplan.__all__) == {*siteplan._LAZY, *ERRORS, "__version__"}
    for name in siteplan.__all__:
        assert getattr(siteplan, name) is not None, name
    for name in ERRORS:
        assert issubclass(getattr(siteplan, name), SiteplanError)
    assert set(siteplan.__all__) <= set(dir(siteplan))
    with pytest.raises(AttributeError, match="no attribute 'nonsense'"):
        siteplan.nonsense  # noqa: B018


def test_every_name_in_docs_api_md_is_exported():
    text = (ROOT / "docs" / "api.md").read_text(encoding="utf-8")
    imported = set()
    for names in re.findall(r"from siteplan import ([^\n]+(?:\n\s+[^\n]+)*?)\)?\n", text):
        imported |= {n.strip(" ()") for n in names.replace("\n", " ").split(",") if n.strip(" ()")}
    assert {"run", "plan", "read_plan", "write_plan", "set_cover", "max_cover"} <= imported
    assert imported <= set(siteplan.__all__), imported - set(siteplan.__all__)


def test_import_siteplan_is_cheap_and_loads_the_solver_only_on_use():
    code = ("import sys, siteplan\n"
            "before = sorted(m for m in sys.modules if m.startswith(('siteplan.', 'highspy')))\n"
            "siteplan.set_cover\n"
            "after = 'siteplan.solve' in sys.modules\n"
            "print(before, after)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         cwd=ROOT, check=True).stdout
    assert out.strip() == "['siteplan.errors'] True"


def test_the_solver_through_the_package_names():
    A = sp.csc_array(np.array([[1, 1, 0], [1, 0, 1], [0, 1, 1]]))
    res = siteplan.set_cover(A, [1.0, 1.0, 1.5], options=siteplan.SolveOptions(deterministic=True))
    assert res.selected.tolist() == [0, 1] and res.covered == 1.0
    assert siteplan.max_cover(A, k=1).covered == pytest.approx(2 / 3)


def test_a_deprecation_warning_from_siteplan_code_fails_the_suite():
    # pyproject's filterwarnings: siteplan's own calls may not raise one ...
    with pytest.raises(DeprecationWarning, match="old name"):
        warnings.warn_explicit("old name", DeprecationWarning, "siteplan/x.py", 1,
                               module="siteplan.x")
    # ... while a test calling a deprecated name on purpose still sees a warning
    with pytest.warns(DeprecationWarning, match="old name"):
        warnings.warn_explicit("old name", DeprecationWarning, "tests/x.py", 1, module="tests.x")


def test_milestone_plan_has_one_mask_name(small_plan):
    first = small_plan.milestones[0]
    assert first.covered_mask.dtype == bool
    assert not hasattr(first, "covered")  # a share elsewhere; the mask is covered_mask only


def test_the_solver_example_of_docs_api_md_runs():
    text = (ROOT / "docs" / "api.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```python\n(.*?)```", text, re.S)
    solver = [b for b in blocks if "CapacityConstraints(" in b]
    assert len(solver) == 1
    scope: dict = {}
    exec(compile(solver[0], "docs/api.md", "exec"), scope)  # noqa: S102 - our documented code
    assert scope["res"].selected.tolist() == [0, 1] and scope["res"].cost == 2.0
