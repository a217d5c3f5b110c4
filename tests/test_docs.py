"""README stays true: the assumptions table lists every key with its default."""

from __future__ import annotations

from siteplan.defaults import Assumptions

from .conftest import ROOT


def test_readme_lists_every_assumption_with_its_default():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for row in Assumptions().table():
        assert f"| `{row['key']}` | {row['value']} |" in readme, row["key"]
    assert "make demo" in readme and "make test" in readme
