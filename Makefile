# The two commands a newcomer needs: `make run` (try the bot) and `make test` (lint, types, tests);
# `make check` is the quick loop while editing (lint, types and the tests not marked slow).
# Both create .venv on first use and install what they need, so a fresh machine needs only Python 3.11+.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test check lint typecheck pytest fast-tests bench image-check clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/paperboy run

test: lint typecheck pytest

# Under a minute on two cores (1,600 tests): no end-to-end test, no PostgreSQL, none of the tests marked slow
# (tests/conftest.py says which). CI runs everything (`make test`).
check: lint typecheck fast-tests

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(STAMP)
	$(BIN)/mypy

pytest: $(STAMP)
	$(BIN)/pytest

fast-tests: $(STAMP)
	PAPERBOY_TEST_BACKENDS=sqlite $(BIN)/pytest -q -m "not slow" tests/unit tests/integration tests/contract

# The Docker image's install and start commands, run in a fresh virtualenv (no Docker engine needed),
# and the Dockerfile linted with hadolint.
image-check: $(STAMP)
	HADOLINT=$(BIN)/hadolint PYTHON=$(PYTHON) scripts/check-image.sh

bench: $(STAMP)
	$(BIN)/python -m bench.ingest
	$(BIN)/python -m bench.search
	$(BIN)/python -m bench.related

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache *.egg-info
