# unspin: `make run` sets everything up and analyses a shipped example; `make test` runs every check.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.unspin-installed
DEV_STAMP := $(VENV)/.unspin-dev-installed
DATA ?= ../shared/data

.PHONY: install install-dev run test lint typecheck pytest core-install model model-l6 benchmark clean

# Runtime: onnxruntime + tokenizers inference, CLI, web app, corpus store. No torch.
install: $(STAMP)

$(STAMP): pyproject.toml models/unspin-e5-multilingual/pyproject.toml models/unspin-minilm-l6-ptc/pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e ".[all]"
	# Models beyond the default are packages of their own, found by name (not in the core package).
	$(BIN)/python -m pip install -q -e models/unspin-e5-multilingual -e models/unspin-minilm-l6-ptc
	touch $(STAMP)

# Development: adds training (torch, transformers), Ray (for the batch tests), spaCy and the test tools.
install-dev: $(DEV_STAMP)

$(DEV_STAMP): $(STAMP)
	# torch first, pinned: on these machines 2.13.0 is a local CPU build; anything else pulls CUDA.
	$(BIN)/python -m pip install -q "torch==2.13.0"
	$(BIN)/python -m pip install -q -e ".[all,train,ray,dev,spacy]"
	touch $(DEV_STAMP)

run: install
	$(BIN)/unspin analyze src/unspin/examples/op-ed.txt

lint: install-dev
	$(BIN)/ruff check src tests benchmarks scripts
	$(BIN)/ruff format --check src tests benchmarks scripts
	$(BIN)/lint-imports --no-logo

typecheck: install-dev
	$(BIN)/mypy

pytest: install-dev
	scripts/ensure-chromium.sh
	UNSPIN_LABEL_STUDIO_HOME="$$(scripts/ensure-label-studio.sh)" \
		scripts/with-postgres.sh $(BIN)/pytest -q

# The core package alone (no extras) in a clean throwaway venv: analyze in every format, and no
# web framework, database, torch or plotting import (scripts/check-core-install.sh).
core-install:
	scripts/check-core-install.sh $(PYTHON)

test: lint typecheck pytest core-install

# Reproduce the shipped models from the shared data, in two stages (about 2 hours on 2 CPU cores).
# The 6-layer model (models/unspin-minilm-l6-ptc; `unspin train`'s defaults):
model-l6: install-dev
	$(BIN)/unspin train --ptc $(DATA)/ptc/train --semeval2021 $(DATA)/semeval2021t6 -o runs/l6

# The default model: the bottom 4 of that model's layers, fine-tuned again with it as teacher,
# its token probabilities and last hidden states.
model: install-dev
	test -f runs/l6/training_config.json || $(MAKE) model-l6
	$(BIN)/unspin train --ptc $(DATA)/ptc/train --semeval2021 $(DATA)/semeval2021t6 -o runs/default \
		--layers 4 --init runs/l6 --teacher runs/l6 --hidden-weight 3.0 \
		--name unspin-minilm-ptc --version 2.0.0

benchmark: install-dev
	$(BIN)/python benchmarks/throughput.py --articles $(DATA)/ptc/train/train-articles

clean:
	rm -rf $(VENV) build dist .mypy_cache .ruff_cache .pytest_cache
