# unspin: `make run` sets everything up and analyses a shipped example; `make test` runs every check.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.unspin-installed

.PHONY: install run test lint typecheck pytest clean

install: $(STAMP)

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	# torch first, pinned: on these machines 2.13.0 is a local CPU build; anything else pulls CUDA.
	$(BIN)/python -m pip install -q "torch==2.13.0"
	$(BIN)/python -m pip install -q -e ".[all,train,dev]"
	touch $(STAMP)

run: install
	$(BIN)/unspin analyze src/unspin/examples/op-ed.txt

lint: install
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks

typecheck: install
	$(BIN)/mypy

pytest: install
	scripts/ensure-chromium.sh
	$(BIN)/pytest -q

test: lint typecheck pytest

clean:
	rm -rf $(VENV) build dist .mypy_cache .ruff_cache .pytest_cache
