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

# Two workers (two cores; the suite is mostly dbt builds and browsers), one test file per worker so a
# module's warehouse is built once. The fault tests restart PostgreSQL and fill disks: they run alone.
test: lint
	$(BIN)/pytest -n 2 --dist loadfile --ignore=tests/test_faults.py
	$(BIN)/pytest tests/test_faults.py

clean:
	rm -rf $(VENV) data dbt_project/target dbt_project/logs .pytest_cache .ruff_cache
