# Espace Famille — set-up and everyday commands. See README.md.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test lint install sysdeps messages makemessages lock bench clean

run: sysdeps install messages
	DEBUG=1 $(BIN)/python manage.py migrate --noinput
	DEBUG=1 $(BIN)/python manage.py demo
	@echo "Espace Famille : http://$(HOST):$(PORT)/"
	DEBUG=1 $(BIN)/python manage.py runserver $(HOST):$(PORT)

test: sysdeps install messages
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python scripts/check_translations.py

install: $(VENV)/.installed

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: $(BIN)/python pyproject.toml requirements.lock
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements.lock
	$(BIN)/pip install --quiet --disable-pip-version-check --no-deps -e .
	touch $@

sysdeps:
	@bash scripts/system-deps.sh

messages: install
	$(BIN)/python scripts/check_translations.py --compile

# Refresh the catalogues after adding or changing strings, then translate the new entries.
makemessages: install
	$(BIN)/python scripts/check_translations.py --update

# Re-resolve the pinned dependencies from pyproject.toml (run after changing it).
lock:
	rm -rf .lock-venv && $(PYTHON) -m venv .lock-venv
	.lock-venv/bin/pip install --quiet --disable-pip-version-check '.[dev]'
	.lock-venv/bin/pip freeze --exclude espace-famille | sort > requirements.lock
	rm -rf .lock-venv

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

clean:
	rm -rf $(VENV) staticfiles
