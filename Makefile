# Wirehouse: `make run` and `make test` are all a new user needs.
SHELL := /bin/bash
PYTHON ?= python3
UV_VERSION := 0.13.9
UV := .tools/bin/uv
VENV := .venv
BIN := $(VENV)/bin
ARCHIVE ?= data/sample
export WIREHOUSE_HOME ?= $(CURDIR)/warehouse
# Never let uv fetch a Python build: the machine's Python 3.11 is the one we use.
export UV_PYTHON_DOWNLOADS := never
export DO_NOT_TRACK := 1

.PHONY: install run test lint airflow docs backfill summary clean

$(UV):
	$(PYTHON) -m venv .tools
	.tools/bin/pip install --quiet "uv==$(UV_VERSION)"

$(VENV)/.installed: pyproject.toml uv.lock | $(UV)
	$(UV) sync --frozen --python $(PYTHON)
	touch $@

install: $(VENV)/.installed

## run: install, then run the nightly DAG through Airflow for every date of the sample archive
run: install
	@set -e; for day in $$($(BIN)/wirehouse dates --archive $(ARCHIVE)); do \
		$(BIN)/wirehouse --quiet run --archive $(ARCHIVE) --date $$day; \
	done
	@$(BIN)/wirehouse summary

summary: install
	@$(BIN)/wirehouse summary

## test: install, then the whole suite (pytest exit 5, "no tests collected", is a failure)
test: install
	@$(BIN)/python -m pytest; rc=$$?; \
	if [ $$rc -eq 5 ]; then echo "pytest collected no tests: failing" >&2; fi; exit $$rc

lint: install
	$(BIN)/ruff check extract dags tests scripts
	$(BIN)/sqlfluff lint dbt_project/models

## airflow: Airflow (scheduler, api-server + UI, log server) on 127.0.0.1 with the DAGs unpaused
airflow: install
	$(BIN)/wirehouse airflow

## bench: plain spaCy vs Wirehouse extraction vs a whole nightly run, same texts (docs/benchmarks.md)
BENCH_LIMIT ?= 800
.PHONY: bench
bench: install
	$(BIN)/wirehouse -q bench $(if $(BENCH_ARCHIVE),--archive $(BENCH_ARCHIVE)) --limit $(BENCH_LIMIT) --json $(WIREHOUSE_HOME)/bench.json

## docs: generate the dbt docs against the project-local warehouse and serve them on 127.0.0.1:$(DOCS_PORT)
DOCS_PORT ?= 8081
docs: install
	$(BIN)/wirehouse docs --port $(DOCS_PORT)

## backfill: bulk-load FROM..TO of ARCHIVE (parallel extraction, one dbt build), resumable
backfill: install
	$(BIN)/wirehouse backfill --archive $(ARCHIVE) --from $(FROM) --to $(TO)

clean:
	rm -rf warehouse dbt_project/target dbt_project/logs

## cluster: Airflow CeleryExecutor on PostgreSQL + Redis with WORKERS Celery workers (docs/scale-out.md)
WORKERS ?= 2
.PHONY: cluster cluster-down cluster-status
cluster: install
	$(BIN)/wirehouse cluster up --workers $(WORKERS)
	$(BIN)/wirehouse cluster status

cluster-down: install
	$(BIN)/wirehouse cluster down

cluster-status: install
	$(BIN)/wirehouse cluster status
