# Tandem — every target installs what it needs into .venv from scratch.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-$(shell cat pyproject.toml | cksum | cut -d' ' -f1)
PYTEST_ARGS ?=

.DEFAULT_GOAL := help
.PHONY: help demo test lint bench security clean chromium install

help: ## Show this help
	@echo "Tandem — one system of record for the CIO and the CISO"
	@echo
	@grep -E '^[a-z]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'
	@echo
	@echo "Settings are TANDEM_* environment variables (see README). PostgreSQL tests run when"
	@echo "TANDEM_TEST_POSTGRES_URL is set (CI sets it: .ci/run)."

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip setuptools wheel
	$(BIN)/pip install --quiet -e '.[dev]'
	$(BIN)/python -m tandem.risk.fair.warm
	$(BIN)/python -m compileall -q src >/dev/null
	rm -f $(VENV)/.installed-*
	touch $(STAMP)

install: $(STAMP) ## Create .venv and install Tandem with its development tools

chromium: ## Install Debian's Chromium for the browser tests (when missing)
	@if [ ! -x /usr/bin/chromium ]; then \
		if [ "$$(id -u)" = "0" ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
		else echo "Chromium is missing: run 'sudo apt-get install chromium' (browser tests will be skipped)"; fi; \
	fi

demo: $(STAMP) ## Set up and run Tandem with the Northwind Health sample organisation on http://127.0.0.1:8000
	$(BIN)/python -m compileall -q src >/dev/null
	$(BIN)/tandem db upgrade
	$(BIN)/tandem demo

# compileall: every `tandem` run in the tests (and every demo start) reads bytecode instead of compiling ~600 modules,
# even where PYTHONDONTWRITEBYTECODE keeps Python from caching it on its own.
# Four test workers on two cores: most of the long tests wait (for a served demo, a fuzzer's answer, a browser, a CLI
# process), measured 132 % CPU with four. One test at a time per hand-out keeps each fuzzing run on its own worker.
TEST_WORKERS ?= 4
test: $(STAMP) chromium ## Run the test suite (SQLite always; PostgreSQL when TANDEM_TEST_POSTGRES_URL is set)
	$(BIN)/python -m compileall -q src >/dev/null
	$(BIN)/pytest -n $(TEST_WORKERS) --maxschedchunk 1 -q $(PYTEST_ARGS)

lint: $(STAMP) ## ruff (lint + format check), mypy on src/, import-linter architecture contracts
	$(BIN)/ruff check src tests bench security
	$(BIN)/ruff format --check src tests bench security
	$(BIN)/mypy
	$(BIN)/lint-imports

bench: $(STAMP) ## Run the benchmarks in bench/ and print figures against their baselines (installs the bench extra)
	$(BIN)/pip install --quiet -e '.[dev,bench]'
	$(BIN)/python -m bench.run

security: $(STAMP) chromium ## bandit, pip-audit (fails when its database is unreachable), ASVS-tagged tests with the full authorisation matrix (report in var/asvs-report.md), API fuzzing with 1,000 examples per operation, kill -9 durability
	mkdir -p var
	$(BIN)/bandit -q -r src -ll
	$(BIN)/python -m security.pip_audit
	TANDEM_SECURITY_FULL=1 TANDEM_FUZZ_EXAMPLES=1000 TANDEM_FUZZ_PHASES=examples,coverage,fuzzing $(BIN)/pytest -q -n $(TEST_WORKERS) --maxschedchunk 1 -m "asvs or authz_full or reliability_full or fuzz" --junitxml=var/security-junit.xml $(PYTEST_ARGS)
	$(BIN)/python -m security.asvs_report var/security-junit.xml --out var/asvs-report.md
	$(BIN)/python -m security.durability --rounds 25 --writers 8

clean: ## Remove the virtualenv, caches and local data (var/)
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache .hypothesis build dist src/*.egg-info
	find . -name __pycache__ -type d -prune -exec rm -rf {} +
