# The two commands a new user needs. Both create the virtual environment and install the project first.
#   make demo   generate demo extracts, ingest, build (embedded DuckDB) and serve the dashboard
#   make test   lint and run every test (PostgreSQL too when TASKFORCE_TEST_POSTGRES_URL is set)
# Benchmarks (docs/benchmarks.md; they create the virtual environment too):
#   make bench        every stage, quick (about 10 min on 2 shared cores): docs/benchmarks.md, docs/benchmarks/
#   make bench-full   every stage at 100k, 1M and 10M rows (hours; BENCH_ARGS=--list shows the plan only)

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed

.PHONY: demo test lint install clean bench bench-full

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
# module's warehouse is built once. The fault tests restart PostgreSQL and fill disks: given a server of
# their own (TASKFORCE_FAULT_POSTGRES_URL, which .ci/run sets up) they run beside the suite, else after it.
SUITE := $(BIN)/pytest -n 2 --dist loadfile --no-loadscope-reorder --durations=15 --ignore=tests/test_faults.py
test: lint
ifdef TASKFORCE_FAULT_POSTGRES_URL
	@log=$$(mktemp); \
	TASKFORCE_TEST_POSTGRES_URL="$(TASKFORCE_FAULT_POSTGRES_URL)" $(BIN)/pytest -p no:cacheprovider \
		--basetemp="$$(mktemp -d)" tests/test_faults.py >"$$log" 2>&1 & faults=$$!; \
	trap 'kill $$faults 2>/dev/null' INT TERM; \
	$(SUITE); suite=$$?; \
	wait $$faults; faults=$$?; \
	echo "--- tests/test_faults.py, run beside the suite on its own PostgreSQL ---"; cat "$$log"; rm -f "$$log"; \
	exit $$((suite || faults))
else
	$(SUITE)
	$(BIN)/pytest tests/test_faults.py
endif

# PostgreSQL is measured when TASKFORCE_BENCH_POSTGRES_URL is set (a role that may create databases), e.g.
#   make bench TASKFORCE_BENCH_POSTGRES_URL=postgresql://taskforce:taskforce@127.0.0.1:5432/postgres
# (without it the PostgreSQL rows say "not measured"). BENCH_ARGS adds harness options, e.g.
# BENCH_ARGS="--work /big/disk/bench" (python -m benchmarks.harness --help).
export TASKFORCE_BENCH_POSTGRES_URL
bench: $(INSTALLED)
	$(BIN)/python -m benchmarks.harness --mode quick $(BENCH_ARGS)

bench-full: $(INSTALLED)
	$(BIN)/python -m benchmarks.harness --mode full $(BENCH_ARGS)

clean:
	rm -rf $(VENV) data dbt_project/target dbt_project/logs .pytest_cache .ruff_cache
