# Espace Famille — set-up and everyday commands. See README.md.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test test-deploy lint install sysdeps messages makemessages lock bench rush-check clean

run: sysdeps install messages
	DEBUG=1 $(BIN)/python manage.py migrate --noinput
	DEBUG=1 $(BIN)/python manage.py demo
	@echo "Espace Famille : http://$(HOST):$(PORT)/"
	DEBUG=1 $(BIN)/python manage.py runserver $(HOST):$(PORT)

test: sysdeps install messages
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# The production stack on loopback (nginx, two gunicorn servers, PostgreSQL, Redis, a worker):
# tests/deploy/, about a minute and a half. Needs PostgreSQL and Redis answering (CI starts them).
test-deploy: sysdeps install
	$(BIN)/python -m pytest -m deploy tests/deploy -p no:randomly $(PYTEST_ARGS)

# mypy reads its configuration (the packages it checks) from pyproject.toml; the settings module
# it loads needs a SECRET_KEY, any value will do. Its cache (.mypy_cache) makes a rerun quick.
lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python scripts/check_translations.py
	SECRET_KEY=mypy-only-not-a-secret $(BIN)/mypy

install: $(VENV)/.installed

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# A checkout gets the production pins plus the test and lint tools (requirements-dev.lock);
# a server installs requirements.lock only (docs/deploy.md).
$(VENV)/.installed: $(BIN)/python pyproject.toml requirements.lock requirements-dev.lock
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements-dev.lock
	$(BIN)/pip install --quiet --disable-pip-version-check --no-deps -e .
	touch $@

sysdeps:
	@bash scripts/system-deps.sh

messages: install
	$(BIN)/python scripts/check_translations.py --compile

# Refresh the catalogues after adding or changing strings, then translate the new entries.
makemessages: install
	$(BIN)/python scripts/check_translations.py --update

# Re-resolve the pinned dependencies from pyproject.toml (run after changing it):
# requirements.lock holds what production installs, requirements-dev.lock adds the dev extra.
lock:
	rm -rf .lock-venv && $(PYTHON) -m venv .lock-venv
	.lock-venv/bin/pip install --quiet --disable-pip-version-check .
	.lock-venv/bin/pip freeze --exclude espace-famille | LC_ALL=C sort > requirements.lock
	.lock-venv/bin/pip install --quiet --disable-pip-version-check '.[dev]'
	{ echo "# Test and lint tools, on top of the production pins (make lock writes both files)."; \
	  echo "-r requirements.lock"; \
	  .lock-venv/bin/pip freeze --exclude espace-famille | LC_ALL=C sort \
	    | LC_ALL=C comm -23 - requirements.lock; } > requirements-dev.lock
	rm -rf .lock-venv build

BENCH_ARGS ?= --families 2000 --requests 100
BENCH_DB := postgres://postgres@127.0.0.1:5432/espace_famille_bench

# Benchmarks on SQLite, then on PostgreSQL if a server answers; writes docs/benchmarks.md.
bench: install
	$(BIN)/python -m benchmarks $(BENCH_ARGS)
	@if pg_isready -q -h 127.0.0.1 -p 5432; then \
	  psql -q -h 127.0.0.1 -U postgres -c "DROP DATABASE IF EXISTS espace_famille_bench" \
	    -c "CREATE DATABASE espace_famille_bench" && \
	  $(BIN)/python -m benchmarks $(BENCH_ARGS) --append --database-url $(BENCH_DB); \
	fi

# A small registration rush through two gunicorn workers: exactly the capacity booked, no error.
RUSH_ARGS ?= --parents 40 --capacity 10 --spread 2
rush-check: install
	$(BIN)/python -m benchmarks.rush $(RUSH_ARGS)

clean:
	rm -rf $(VENV) staticfiles .mypy_cache
