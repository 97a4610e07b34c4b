# Imprimatur: `make run` serves the demo; `make test` runs the whole suite.
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip -q --disable-pip-version-check
DEV_SETTINGS := config.settings.development
PYTEST_ARGS ?=

.PHONY: run test lint bench migrate seed clean help

help:
	@echo "make run    set up .venv, migrate, load the demo and serve http://127.0.0.1:8000 (SQLite)"
	@echo "make test   set up .venv and run ruff, the import contracts and the whole pytest suite (PostgreSQL + Redis)"
	@echo "make bench  run the benchmarks under bench/ and print the figures"

$(VENV)/bin/python:
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "$(PYTHON) is required (see README)"; exit 1; }
	$(PYTHON) -m venv $(VENV)

$(VENV)/.run-deps: requirements.txt | $(VENV)/bin/python
	@echo "Installing runtime dependencies…"
	$(PIP) install -r requirements.txt 2>&1 | grep -v "^WARNING: Location" || true
	@$(PY) -c "import django, django_fsm, celery, nh3, markdown" || { echo "Dependency install failed"; exit 1; }
	@touch $@

$(VENV)/.dev-deps: requirements-dev.txt requirements.txt $(VENV)/.run-deps
	@echo "Installing test dependencies…"
	$(PIP) install -r requirements-dev.txt 2>&1 | grep -v "^WARNING: Location" || true
	@$(PY) -c "import pytest, pytest_django, factory, playwright, importlinter" && $(VENV)/bin/ruff --version >/dev/null || { echo "Dependency install failed"; exit 1; }
	@touch $@

migrate: $(VENV)/.run-deps
	DJANGO_SETTINGS_MODULE=$(DEV_SETTINGS) $(PY) manage.py migrate --no-input

seed: migrate
	DJANGO_SETTINGS_MODULE=$(DEV_SETTINGS) $(PY) manage.py seed_demo

run: seed
	@echo "Serving the demo at http://127.0.0.1:8000 (Ctrl-C to stop)"
	DJANGO_SETTINGS_MODULE=$(DEV_SETTINGS) $(PY) manage.py runserver 127.0.0.1:8000

lint: $(VENV)/.dev-deps
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports

test: $(VENV)/.dev-deps
	@$(PY) scripts/check_services.py
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports
	$(VENV)/bin/pytest --durations=10 $(PYTEST_ARGS)

bench: $(VENV)/.dev-deps
	@$(PY) scripts/check_services.py
	$(PY) bench/run.py

clean:
	rm -rf $(VENV) db.sqlite3 staticfiles .pytest_cache
