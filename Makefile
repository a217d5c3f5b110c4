# siteplan: the two commands are `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: demo test lint bench clean data docs

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[dev]"
	touch $(STAMP)

demo: $(STAMP)
	$(VENV)/bin/siteplan demo --out out/demo

test: $(STAMP)
	$(PY) -m pytest -q -p no:cacheprovider --doctest-modules siteplan tests

lint: $(STAMP)
	$(VENV)/bin/ruff check siteplan tests benchmarks

# rewrite docs/assumptions.md's defaults table from siteplan/defaults.py (a test checks it)
docs: $(STAMP)
	$(PY) -m siteplan.defaults

data: $(STAMP)
	$(PY) -m siteplan.datasets.generate data/sample_county

bench: $(STAMP)
	$(PY) benchmarks/orlib_bench.py

clean:
	rm -rf out .pytest_cache
