# Two commands do everything on a fresh machine with Python 3.11 and make:
#   make demo   set up, generate realistic extracts, run the nightly DAG, show results
#   make test   set up, run every test (a throwaway PostgreSQL server and headless Chromium included)
SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= python3.11
UV_VERSION := 0.13.9
TOOLS := .tools
UV := $(TOOLS)/bin/uv
VENV := .venv
BIN := $(VENV)/bin
DEMO_DIR ?= demo
DEMO_START ?= 2022-03-01
PYTEST := $(BIN)/python -m pytest -q -p no:cacheprovider

export PYTHONDONTWRITEBYTECODE := 1

.PHONY: help setup postgres-binaries browser airflow-init demo test test-fast lint bench bench-nightly calendar clean

help:
	@echo "make demo       set up, generate an 'la' extract, run the nightly DAG, show the results"
	@echo "make test       set up, lint, run every test (DuckDB, a real PostgreSQL server, headless Chromium)"
	@echo "make test-fast  the tests that need neither PostgreSQL nor Airflow nor many nights (the inner loop)"
	@echo "make lint       ruff, mypy, sqlfluff, the dbt layering check and the house rules"
	@echo "make bench      loader and quality-gate throughput on the 'region' preset"
	@echo "make bench-nightly  initial, nightly and full dbt builds on 'region' with five years of history"

$(UV):
	$(PYTHON) -m venv $(TOOLS)
	$(TOOLS)/bin/pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)

# uv sync is itself idempotent and fast when nothing changed. Bytecode is compiled once, at
# install: with PYTHONDONTWRITEBYTECODE (set below, and by many CI images) every process would
# otherwise compile Great Expectations, dbt and Airflow from source each time it starts.
setup: $(UV)
	$(UV) sync --frozen --python $(PYTHON) --quiet --compile-bytecode

postgres-binaries:
	@bash scripts/ensure-postgres.sh

browser:
	@bash scripts/ensure-chromium.sh

# `footprint airflow` points Airflow at this project (AIRFLOW_HOME=.airflow unless set, the
# DAGs folder, the metadata migrated on first use); the pool keeps warehouse writers apart.
airflow-init: setup
	@$(BIN)/footprint airflow pools set footprint_warehouse 1 "Tasks that write the warehouse run one at a time" > /dev/null

demo: setup airflow-init
	@bash scripts/demo.sh "$(DEMO_DIR)" "$(DEMO_START)"

# Two workers, one per core; a module's tests stay on one worker (its fixtures are built once),
# taken in collection order, where tests/conftest.py puts the longest modules first (xdist's own
# reorder, by number of tests, would leave the single-test ones of several minutes to the end).
PARALLEL := -n 2 --dist loadscope --no-loadscope-reorder

test: setup postgres-binaries browser airflow-init lint
	$(PYTEST) $(PARALLEL) --durations=15 tests

test-fast: setup browser
	$(PYTEST) $(PARALLEL) --durations=10 -m "not postgres and not airflow and not slow" tests

lint: setup
	$(BIN)/ruff check src dags tests expectations
	$(BIN)/mypy
	$(BIN)/sqlfluff lint dbt_project/models
	$(BIN)/python -m footprint.devtools.house_rules
	$(BIN)/python -m footprint.devtools.dbt_checks

bench: setup postgres-binaries
	$(BIN)/python -m footprint.devtools.bench

# A night's cost against history: initial, five nightly builds and a full rebuild of 'region' with
# five years of history (BENCH_NIGHTLY_ARGS="--preset england --memory-limit 8GB" for the national one).
bench-nightly: setup
	$(BIN)/python -m footprint.devtools.bench_nightly $(BENCH_NIGHTLY_ARGS)

calendar: setup
	$(BIN)/footprint calendar

clean:
	rm -rf $(DEMO_DIR) data .airflow dbt_project/target dbt_project/logs
