"""One source per fact: kind words, profiles, prefixes and colours from the registry; one
validator per assumption key."""

from __future__ import annotations

import ast
import inspect

import pandas as pd
import pytest

from siteplan import colours, kinds, planner, power, project, proposals, schema
from siteplan.defaults import Assumptions
from siteplan.errors import ConfigError, InputError
from siteplan.kinds import KIND_INFO, KINDS, PROPOSAL_KINDS, REGISTRY, find_kind
from siteplan.schema import KIND_NAMES, normalise_kind
from siteplan.sources.openlist import KIND_WORDS


def test_every_kind_name_resolves_to_its_kind_everywhere():
    for kind in REGISTRY:
        for name in (kind.name, kind.zh, *kind.aliases):
            assert find_kind(name) == kind.name, name
            assert normalise_kind(name) == kind.name, name
            assert normalise_kind(f" {name.upper()} ") == kind.name, name
            assert KIND_WORDS[name] == kind.name, name
    assert KIND_NAMES == {k.name: tuple(dict.fromkeys((k.zh, *k.aliases))) for k in REGISTRY}


@pytest.mark.parametrize(("word", "kind"), [("新建", "greenfield"), ("学校", "public_building"),
                                            ("灯杆", "streetlight"), ("ＳＭＡＲＴ－ＰＯＬＥ", "smart_pole")])
def test_words_that_once_disagreed_agree(word, kind):
    # 新建/学校/灯杆 were only in schema.EXTRA_KIND_WORDS: find_kind did not know them
    assert find_kind(word) == normalise_kind(word) == kind


def test_no_second_kind_table_or_unused_kind_fact():
    for gone in ("EXTRA_KIND_WORDS", "SHARING_RANK"):
        assert not hasattr(schema, gone), gone
    assert not hasattr(kinds, "canonical_kind")
    assert not hasattr(REGISTRY[0], "sharing_rank")
    assert colours.KIND_COLOURS == {k.name: k.colour for k in REGISTRY}


def test_power_load_follows_the_kind_power_profile():
    a = Assumptions({"power.indoor_load_kw": 2.5, "power.micro_load_kw": 0.3})
    sites = pd.Series(["indoor_das", "streetlight", "greenfield"])
    expect = [{"macro": 3.8, "micro": 0.3, "indoor": 2.5}[KIND_INFO[k].power_profile]
              for k in sites]
    assert power.load_kw(sites, a).tolist() == expect == [2.5, 0.3, 3.8]
    with pytest.raises(InputError, match="unknown site kind.*windmill"):
        power.load_kw(pd.Series(["windmill"]), a)


def test_proposed_kinds_and_id_prefixes_come_from_the_registry():
    assert PROPOSAL_KINDS == {"macro": "greenfield", "micro": "smart_pole", "indoor": "indoor_das"}
    assert proposals.PREFIX == {"greenfield": "PR-GF", "smart_pole": "PR-SP", "indoor_das": "PR-DAS"}
    assert {k.name for k in REGISTRY if k.proposed} == set(PROPOSAL_KINDS.values())
    assert all(KIND_INFO[k].power_profile == p for p, k in PROPOSAL_KINDS.items())


def _code_strings(module) -> set[str]:
    """String constants of a module's code (docstrings left out)."""
    tree = ast.parse(inspect.getsource(module))
    docs = {id(node.body[0].value) for node in ast.walk(tree)
            if isinstance(node, (ast.Module, ast.FunctionDef, ast.ClassDef))
            and node.body and isinstance(node.body[0], ast.Expr)
            and isinstance(node.body[0].value, ast.Constant)}
    return {node.value for node in ast.walk(tree)
            if isinstance(node, ast.Constant) and isinstance(node.value, str)
            and id(node) not in docs}


@pytest.mark.parametrize("module", [proposals, power, planner, project, schema, colours])
def test_no_kind_names_spelled_outside_the_registry(module):
    assert not (_code_strings(module) & set(KINDS)), module.__name__


def test_assumptions_and_the_land_use_reader_accept_the_same_rule_names():
    from siteplan.defaults import RULE_NAMES, check_value
    from siteplan.landuse import check_rules

    key = "landuse.rule.forest.new_tower"
    for rule, names in RULE_NAMES.items():
        for name in (rule, rule.upper(), *names):
            # 禁止 was accepted by landuse.check_rules and refused by Assumptions
            assert Assumptions({key: name})[key] == check_value(key, name) == rule
            assert check_rules({key: name})[key] == rule
    with pytest.raises(ConfigError, match=r"Did you mean 'forbidden'"):
        check_value(key, "forbiden")
