# Lead scoring: `make demo` sets everything up and runs the main job; `make test` runs
# every check. Both create .venv/ on first use and reuse it afterwards.

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.setup-stamp
UV_VERSION := 0.13.8

# Demo data: a fixed seed and a fixed end date, so every run scores the same contacts the
# same way. The demo scores as of that end date (real use leaves `as_of` unset = now).
CONTACTS ?= 5000
DEMO_END_DATE ?= 2026-11-01
DATA_DIR ?= data/raw
WAREHOUSE ?= warehouse/lead_scoring.duckdb
TEST_WAREHOUSE ?= warehouse/test.duckdb
# What BI tools and the reverse-ETL tool read: the copy a passing `dbt build` publishes.
PUBLISHED = $(patsubst %.duckdb,%_published.duckdb,$(WAREHOUSE))
# The one-page HTML report of how well the scores work, written from the published copy.
REPORT = $(patsubst %.duckdb,%_report.html,$(WAREHOUSE))
# Each step's whole output (dbt's per-node lines among it) goes to a log file here; the
# terminal gets one line per step, and the error lines when a step fails.
LOGS = $(dir $(WAREHOUSE))logs/$(basename $(notdir $(WAREHOUSE)))
STEP = $(BIN)/python -m leadscore.cli step
# The headless browser of the report's test (tests/python/test_report.py): Debian's package.
CHROMIUM ?= /usr/bin/chromium

export DBT_PROFILES_DIR := profiles
export DBT_SEND_ANONYMOUS_USAGE_STATS := false
DBT_VARS := --vars '{as_of: "$(DEMO_END_DATE)"}'

.PHONY: help setup browser data build gx report summary demo lint test pytest bench lock clean

help:
	@echo "make demo   set up, generate demo data, build and score it, write the HTML report, print a summary"
	@echo "make test   set up and run every check (sqlfluff, dbt build, Great Expectations, pytest)"
	@echo "make bench  generator and build timings at larger sizes (SIZES='10000 100000' ENGINES=duckdb,postgres)"

$(STAMP): requirements.lock pyproject.toml
	@command -v $(PYTHON) >/dev/null || { echo "need $(PYTHON) on PATH (set PYTHON=...)"; exit 1; }
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)
	$(BIN)/uv pip install --quiet --python $(BIN)/python -r requirements.lock
	$(BIN)/uv pip install --quiet --python $(BIN)/python --no-deps -e .
	touch $(STAMP)

setup: $(STAMP)

# Chromium for the browser test: installed from Debian's packages when missing and we are
# root (as on CI). Otherwise say what to install; the test then fails with the same advice.
browser:
	@if [ -x $(CHROMIUM) ]; then exit 0; fi; \
	if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
		echo "installing Debian's chromium (the browser test of the report needs it) ..."; \
		{ apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; } \
			> $${TMPDIR:-/tmp}/leadscore-chromium-install.log 2>&1 \
			|| true; \
		[ -x $(CHROMIUM) ] || echo "could not install chromium at $(CHROMIUM) (see $${TMPDIR:-/tmp}/leadscore-chromium-install.log): the report's browser test will fail"; \
	else \
		echo "no $(CHROMIUM): install Debian's chromium package (apt-get install -y chromium, as root); the report's browser test needs it"; \
	fi

# Demo data is a new world each time: the old warehouse and its published copy go (a real
# warehouse never does this: its next build is compared with what was published).
data: setup
	@rm -f $(WAREHOUSE) $(WAREHOUSE).wal $(PUBLISHED) $(REPORT)
	@echo "logs of every step: $(LOGS)/"
	@$(STEP) --name generate --log $(LOGS)/generate.log -- \
		$(BIN)/python -m leadscore.cli generate --contacts $(CONTACTS) --end-date $(DEMO_END_DATE) --out $(DATA_DIR)
	@$(STEP) --name load --log $(LOGS)/load.log -- \
		$(BIN)/python -m leadscore.cli load --data-dir $(DATA_DIR) --duckdb $(WAREHOUSE)

build: setup
	@LEADSCORE_DUCKDB_PATH=$(WAREHOUSE) DBT_USE_COLORS=false $(STEP) --name "dbt build" --kind dbt \
		--log $(LOGS)/dbt_build.log -- $(BIN)/dbt build $(DBT_VARS)

gx: setup
	@$(STEP) --name GX --kind gx --log $(LOGS)/gx.log -- $(BIN)/python -m leadscore.gx_check --duckdb $(PUBLISHED)

report: setup
	@$(STEP) --name report --log $(LOGS)/report.log -- \
		$(BIN)/python -m leadscore.cli report --duckdb $(PUBLISHED) --out $(REPORT)

summary: setup
	@$(BIN)/python -m leadscore.cli summary --duckdb $(WAREHOUSE)

demo: setup data build gx report summary
	@echo
	@echo "Report (open it in a browser; it needs no network): $(REPORT)"

lint: setup
	mkdir -p warehouse
	LEADSCORE_DUCKDB_PATH=warehouse/lint.duckdb $(BIN)/sqlfluff lint models tests/staging tests/intermediate tests/marts tests/macros analyses

# PYTEST_ARGS: e.g. -m "not postgres and not spark" runs the DuckDB part alone, without
# the PostgreSQL build (tests/python/test_postgres.py, which needs Debian's postgresql-15
# server binaries) and the Spark build (tests/python/test_spark.py, which needs Java 17).
PYTEST_ARGS ?=
pytest: setup browser
	LEADSCORE_CHROMIUM=$(CHROMIUM) $(BIN)/pytest $(PYTEST_ARGS)

test: setup lint
	$(MAKE) --no-print-directory data build gx WAREHOUSE=$(TEST_WAREHOUSE)
	$(MAKE) --no-print-directory pytest

# ENGINES: duckdb (default), postgres (a throwaway local server), spark (local mode); bench/bench_build.py
ENGINES ?= duckdb
bench: setup
	$(BIN)/python bench/bench_generate.py $(or $(SIZES),10000 100000)
	$(BIN)/python bench/bench_build.py --incremental --reference --engine $(ENGINES) $(or $(SIZES),10000 50000 100000)

lock: setup
	$(BIN)/uv pip freeze --python $(BIN)/python --exclude-editable > requirements.lock

clean:
	rm -rf target logs warehouse data $(VENV)
