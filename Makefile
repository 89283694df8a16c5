# newsdedup — every target installs what it needs into .venv first.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: install demo test lint format eval bench store-size clean

install: $(STAMP)

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

demo: install
	$(BIN)/newsdedup dedup sample_docs/

test: install lint
	$(BIN)/python -m pytest -q

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

bench: install
	$(BIN)/python -m tools.bench

store-size: install
	$(BIN)/python -m tools.store_size

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache *.egg-info build
