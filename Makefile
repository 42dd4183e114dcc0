# ugig backend. `make dev` runs everything locally; `make test` runs the suites.
# Both install what they need first: the system PostgreSQL 15 server (as root, from Debian),
# a virtualenv with the project, and the pinned Supabase CLI from npm.

VENV ?= .venv
PY := $(VENV)/bin/python
UGIG_DB := $(VENV)/bin/ugig-db
export PATH := $(CURDIR)/node_modules/.bin:$(PATH)
PYTEST_ARGS ?=

.PHONY: install system-deps test dev db-start db-stop migrate status lint advise seed seed-sql types bench clean

install: system-deps $(VENV)/.installed node_modules/.installed

system-deps:
	@bash scripts/install_system_deps.sh

$(VENV)/.installed: pyproject.toml
	python3 -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --upgrade pip
	$(VENV)/bin/pip install --quiet -e '.[dev]'
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

test: install
	$(VENV)/bin/pytest $(PYTEST_ARGS)

dev: install
	$(PY) -m ugig_db.dev

db-start: install
	$(UGIG_DB) db start

db-stop:
	$(UGIG_DB) db stop

migrate: install
	$(UGIG_DB) migrate

status: install
	$(UGIG_DB) status

lint: install
	$(UGIG_DB) lint

advise: install
	$(UGIG_DB) advise

seed: install
	$(UGIG_DB) seed

# Generated files, checked for staleness by tests/tooling/test_generated_files.py.
seed-sql: install
	$(PY) -m ugig_db.seedsql

types: install
	$(PY) -m ugig_db.dbtypes

# Benchmarks: every module in scripts/bench/ (client queries write docs/benchmarks.md).
bench: install
	$(PY) -m ugig_db.bench

clean:
	-$(UGIG_DB) db stop
	rm -rf .ugig $(VENV) node_modules
