"""Property tests of the inert-text writers: CSV/XLSX cells (OWASP formula
neutralisation) and Markdown escaping, on arbitrary text."""

from __future__ import annotations

import csv
import html

import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from siteplan.io.tables import TRIGGERS, is_risky, neutralise, write_csv
from siteplan.report import md

TEXT = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=40)
TRICKY = st.one_of(TEXT, st.builds(lambda t, s: t + s, st.sampled_from(TRIGGERS), TEXT))


@settings(max_examples=300, deadline=None)
@given(st.lists(TRICKY, min_size=1, max_size=8))
def test_csv_cells_round_trip_neutralised(tmp_path_factory, values):
    path = tmp_path_factory.mktemp("csv") / "t.csv"
    write_csv(pd.DataFrame({"text": values, "n": range(-len(values), 0)}), path)
    with path.open(encoding="utf-8-sig", newline="") as f:
        rows = list(csv.reader(f))
    assert rows[0] == ["text", "n"]
    for value, row in zip(values, rows[1:], strict=True):
        assert row[0] == ("'" + value if is_risky(value) else value)
        assert not (row[0].startswith(TRIGGERS) and is_risky(row[0]))
        assert int(row[1]) < 0  # numbers stay numbers, negative ones too


@given(TEXT)
def test_neutralise_only_prefixes(value):
    out = neutralise(value)
    assert out in (value, "'" + value)
    assert (out != value) == (value[:1] in "".join(TRIGGERS) and is_risky(value))


PRINTABLE = st.text(alphabet=st.characters(min_codepoint=32, max_codepoint=0x9FFF,
                                           blacklist_categories=("Cs", "Zl", "Zp", "Cc")),
                    max_size=40)


@settings(max_examples=300, deadline=None)
@given(PRINTABLE)
def test_markdown_escape_renders_the_text_itself(value):
    """Inside a sentence and a table cell, md(text) renders as the text, no markup."""
    from markdown_it import MarkdownIt

    renderer = MarkdownIt("commonmark").enable("table")
    sentence = renderer.render("Name: " + md(value) + " end")
    assert sentence.startswith("<p>") and sentence.endswith("</p>\n")
    inner = sentence[3:-5]
    assert "<" not in inner.replace("&lt;", "")  # no element of any kind
    expected = " ".join(("Name: " + value + " end").split())
    assert " ".join(html.unescape(inner).split()) == expected
    table = renderer.render("| a | b |\n|---|---|\n| " + md(value) + " | x |\n")
    cells = table.count("<td")
    assert cells == 2, table


def test_markdown_escape_removes_line_breaks():
    assert md("a\n# b\r\nc") == "a \\# b c" and md("a\rb") == "a b"
