# newsdedup — every target installs what it needs into .venv first.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
BENCH_STAMP := $(VENV)/.installed-bench
BENCH_ARGS ?=

.PHONY: install demo test lint format eval bench store-size clean

# Byte-compiled up front: an editable install compiles nothing, and where PYTHONDONTWRITEBYTECODE is
# set (as on the machines here) every run compiled the package from source again (0.07 s of CPU in
# the command, and again in the worker processes' server). A file edited later is recompiled as usual.
install: $(STAMP)
	$(BIN)/python -m compileall -q core cli

# The compiled parts (setup.py) are rebuilt when their sources change: the C twins, and the cleaning
# modules mypyc compiles with what they import (until then those run from source, core/clean/compiled.py).
COMPILED_SOURCES := setup.py core/_speedups.c core/native.py $(wildcard core/clean/*.py)

$(STAMP): pyproject.toml $(COMPILED_SOURCES)
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev,dask]'  # the Dask engine's tests run in CI too
	touch $(STAMP)

demo: install
	$(BIN)/newsdedup dedup sample_docs/
	@echo "newsdedup is installed in $(BIN)/newsdedup: 'source $(BIN)/activate' puts it on PATH" >&2

# The suite runs twice: with the compiled twins (core/_speedups.c) and on the pure-Python path
# they fall back to; the second pass leaves out the bench tooling, which ran in the first.
test: install lint
	$(BIN)/python -m pytest -q
	NEWSDEDUP_PURE_PYTHON=1 $(BIN)/python -m pytest -q --ignore=tests/test_bench_smoke.py

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	COLUMNS=100 $(BIN)/cog --check README.md

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .
	COLUMNS=100 $(BIN)/cog -r README.md

eval: install
	$(BIN)/python -m tools.evaluate

# The bench extra (rensa) is optional: without it, its rows are skipped with a note.
$(BENCH_STAMP): $(STAMP)
	$(BIN)/python -m pip install --quiet -e '.[dev,dask,bench]' || echo "bench extra not installed: rensa rows will be skipped"
	touch $(BENCH_STAMP)

# Speed figures on the shared speed corpus and zyte pages, peers side by side (under 10 minutes;
# generated corpora without ../shared); BENCH_ARGS=--quick for a tiny run, see
# `python -m tools.bench --help` for sizes and parts.
bench: install $(BENCH_STAMP)
	$(BIN)/python -m tools.bench $(BENCH_ARGS)

store-size: install
	$(BIN)/python -m tools.store_size

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache *.egg-info build
