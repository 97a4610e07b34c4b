# Imprimatur: `make run` serves the demo; `make test` runs the whole suite.
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip -q --disable-pip-version-check
DEV_SETTINGS := config.settings.development
PYTEST_ARGS ?=

.PHONY: run test lint bench bench-quick migrate seed clean help stack

help:
	@echo "make run    set up .venv, migrate, load the demo and serve http://127.0.0.1:8000 (SQLite)"
	@echo "make test   set up .venv and run ruff, the import contracts and the whole pytest suite (PostgreSQL + Redis)"
	@echo "make bench  run the benchmarks under bench/ and print issue 12's target table (full figures)"
	@echo "make bench-quick  only the target table's benchmarks, shorter rounds, data sets reused"
	@echo "make stack  serve the demo as in production: nginx, gunicorn, Celery worker and beat (Ctrl-C stops)"

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

bench-quick: $(VENV)/.dev-deps
	@$(PY) scripts/check_services.py
	$(PY) bench/run.py --quick

# The production-like stack on one machine, without Docker (README "Running the full stack").
STACK_PORT ?= 8080
STACK_APP_PORT ?= 8081
STACK_ENV = DJANGO_SETTINGS_MODULE=config.settings.production \
	DATABASE_URL=$${STACK_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/imprimatur_stack} \
	REDIS_URL=$${STACK_REDIS_URL:-redis://127.0.0.1:6379/1} \
	SECRET_KEY=$$($(PY) scripts/stack.py secret-key) \
	SIGNING_KEY_FILE=$$($(PY) scripts/stack.py signing-key) \
	ALLOWED_HOSTS=127.0.0.1,localhost SITE_URL=http://localhost:$(STACK_PORT) \
	SECURE_SSL_REDIRECT=false SECURE_HSTS_SECONDS=0 TRUSTED_PROXY_COUNT=1 \
	NGINX_PORT=$(STACK_PORT) APP_UPSTREAM=127.0.0.1:$(STACK_APP_PORT) STACK_APP_PORT=$(STACK_APP_PORT)

stack: $(VENV)/.run-deps
	@$(PY) scripts/check_services.py
	@command -v nginx >/dev/null 2>&1 || test -x /usr/sbin/nginx || { echo "nginx is required: apt-get install nginx-light"; exit 1; }
	$(STACK_ENV) $(PY) scripts/stack.py prepare
	@echo "Serving the demo behind nginx at http://localhost:$(STACK_PORT) (Ctrl-C stops every process)"
	$(STACK_ENV) $(VENV)/bin/honcho -f Procfile start

clean:
	rm -rf $(VENV) db.sqlite3 staticfiles .pytest_cache .stack
