# Two commands do everything on a fresh machine with Python 3.11 and make:
#   make demo   set up, generate realistic extracts, run the nightly DAG, show results
#   make test   set up, run every test (a throwaway PostgreSQL server included)
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

export AIRFLOW_HOME ?= $(CURDIR)/.airflow
export AIRFLOW__CORE__DAGS_FOLDER := $(CURDIR)/dags
export AIRFLOW__CORE__LOAD_EXAMPLES := False
export PYTHONDONTWRITEBYTECODE := 1

.PHONY: help setup postgres-binaries airflow-init demo test lint bench calendar clean

help:
	@echo "make demo    set up, generate an 'la' extract, run the nightly DAG, show the results"
	@echo "make test    set up, run every test (DuckDB and a real PostgreSQL server)"
	@echo "make bench   loader and quality-gate throughput on the 'region' preset"
	@echo "make lint    ruff and sqlfluff"

$(UV):
	$(PYTHON) -m venv $(TOOLS)
	$(TOOLS)/bin/pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)

# uv sync is itself idempotent and fast when nothing changed.
setup: $(UV)
	$(UV) sync --frozen --python $(PYTHON) --quiet

postgres-binaries:
	@bash scripts/ensure-postgres.sh

airflow-init: setup
	@$(BIN)/airflow db migrate > /dev/null
	@$(BIN)/airflow pools set footprint_warehouse 1 "Tasks that write the warehouse run one at a time" > /dev/null

demo: setup airflow-init
	@bash scripts/demo.sh "$(DEMO_DIR)" "$(DEMO_START)"

test: setup postgres-binaries airflow-init lint
	$(BIN)/python -m pytest -q -p no:cacheprovider --durations=15 tests

lint: setup
	$(BIN)/ruff check src dags tests expectations
	$(BIN)/sqlfluff lint dbt_project/models

bench: setup postgres-binaries
	$(BIN)/python -m footprint.devtools.bench

calendar: setup
	$(BIN)/footprint calendar

clean:
	rm -rf $(DEMO_DIR) data .airflow dbt_project/target dbt_project/logs
