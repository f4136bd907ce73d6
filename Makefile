# The two commands a newcomer needs: `make run` (try the bot) and `make test` (lint, types, tests).
# Both create .venv on first use and install what they need, so a fresh machine needs only Python 3.11+.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test lint typecheck pytest bench image-check clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/paperboy run

test: lint typecheck pytest

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(STAMP)
	$(BIN)/mypy

pytest: $(STAMP)
	$(BIN)/pytest

# The Docker image's install and start commands, run in a fresh virtualenv (no Docker engine needed),
# and the Dockerfile linted with hadolint.
image-check: $(STAMP)
	HADOLINT=$(BIN)/hadolint PYTHON=$(PYTHON) scripts/check-image.sh

bench: $(STAMP)
	$(BIN)/python -m bench.ingest
	$(BIN)/python -m bench.search

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache *.egg-info
