# The two commands a new user needs. Both create the virtual environment and install the project first.
#   make demo   generate demo extracts, ingest, build (embedded DuckDB) and serve the dashboard
#   make test   lint and run every test (PostgreSQL too when TASKFORCE_TEST_POSTGRES_URL is set)

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed

.PHONY: demo test lint install clean

$(INSTALLED): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e ".[dev]"
	@touch $@

install: $(INSTALLED)

demo: $(INSTALLED)
	$(BIN)/taskforce demo

lint: $(INSTALLED)
	$(BIN)/ruff check .

test: lint
	$(BIN)/pytest

clean:
	rm -rf $(VENV) data dbt_project/target dbt_project/logs .pytest_cache .ruff_cache
