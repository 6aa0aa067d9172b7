# ALTM: one Makefile for the whole project. `make run` serves the demo, `make test` proves it works.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
PG_URL ?= postgres://postgres@127.0.0.1:5432/altm
DEB_PACKAGES := chromium poppler-utils libharfbuzz-subset0 fonts-dejavu-core gettext postgresql-client
PYTEST_ARGS ?= -n 2

.PHONY: run worker install sysdeps test test-sqlite test-postgres lint format bench bench-import load fault backup restore clean

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e ".[dev]"
	touch $(STAMP)

# The French catalogue (plural forms: "0 résolu", "1 engagement tenu sur 6"), compiled by the build; the .mo is
# not committed.
MO := locale/fr/LC_MESSAGES/django.mo
$(MO): locale/fr/LC_MESSAGES/django.po $(STAMP)
	$(PY) manage.py compilemessages -l fr -v 0

install: $(STAMP) $(MO)

# Debian packages the PDF and browser tests need; installed only when run as root on Debian.
sysdeps:
	@if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	  missing=""; for p in $(DEB_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	  if [ -n "$$missing" ]; then \
	    echo "Installation des paquets Debian :$$missing"; \
	    apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q $$missing; \
	  fi; \
	else \
	  for p in $(DEB_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || echo "Attention : paquet $$p absent (installez-le en root)."; done; \
	fi

# `make run` serves the demo and runs the background worker next to it (stopped with the server); the demo's
# e-mails are written as files in sent_emails/ (set EMAIL_BACKEND to change it, e.g. the console backend).
RUN_ADDR ?= 127.0.0.1:8000
run: install
	$(PY) manage.py migrate --noinput
	$(PY) manage.py load_demo --if-empty
	@echo "E-mails de la démonstration : dossier $${EMAIL_FILE_PATH:-sent_emails}/ (un fichier par envoi)."
	export EMAIL_BACKEND=$${EMAIL_BACKEND:-django.core.mail.backends.filebased.EmailBackend} \
	  SITE_URL=$${SITE_URL:-http://$(RUN_ADDR)}; \
	$(PY) manage.py db_worker --no-startup-delay & worker=$$!; \
	trap 'kill $$worker 2>/dev/null; wait $$worker 2>/dev/null' EXIT; \
	$(PY) manage.py runserver $(RUN_ADDR)

# The background worker alone (production: the altm-worker systemd unit, see README).
worker: install
	$(PY) manage.py db_worker

test: install sysdeps
	$(MAKE) test-sqlite
	@if DATABASE_URL=$(PG_URL) $(PY) scripts/ensure_pg.py; then \
	  $(MAKE) test-postgres; \
	elif [ "$${CI:-}" = "true" ]; then \
	  echo "PostgreSQL est obligatoire en CI."; exit 1; \
	else \
	  echo "PostgreSQL injoignable : suite lancée sur SQLite seulement."; \
	fi

test-sqlite: install
	@echo "== Suite de tests sur SQLite =="
	env -u DATABASE_URL $(PY) -m pytest $(PYTEST_ARGS)

test-postgres: install
	@echo "== Suite de tests sur PostgreSQL ($(PG_URL)) =="
	DATABASE_URL=$(PG_URL) $(PY) -m pytest $(PYTEST_ARGS)

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(PY) manage.py makemigrations --check --dry-run

format: install
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

# Load test: gunicorn on 127.0.0.1 + PostgreSQL (demo data + 1M interventions), 50 locust users for LOAD_TIME seconds.
LOAD_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/altm_load
LOAD_USERS ?= 50
LOAD_TIME ?= 60
LOAD_WORKERS ?= 3
LOAD_ROWS ?= 1000000
LOAD_PORT ?= 8006
load: install
	LOAD_DATABASE_URL=$(LOAD_DATABASE_URL) $(PY) -W ignore scripts/load_test.py --users $(LOAD_USERS) \
	  --time $(LOAD_TIME) --workers $(LOAD_WORKERS) --rows $(LOAD_ROWS) --port $(LOAD_PORT)

# Same run, PostgreSQL restarted FAULT_AFTER seconds in (pg_ctlcluster PG_CLUSTER restart).
PG_CLUSTER ?= 15 main
FAULT_AFTER ?= 20
fault: install
	PG_CLUSTER="$(PG_CLUSTER)" FAULT_AFTER=$(FAULT_AFTER) LOAD_DATABASE_URL=$(LOAD_DATABASE_URL) LOAD_USERS=$(LOAD_USERS) LOAD_TIME=$(LOAD_TIME) LOAD_WORKERS=$(LOAD_WORKERS) \
	  LOAD_ROWS=$(LOAD_ROWS) LOAD_PORT=$(LOAD_PORT) PY=$(PY) scripts/fault_test.sh

# Backups of the database named by DATABASE_URL (pg_dump -Fc for PostgreSQL, online backup API for SQLite).
backup: install
	$(PY) scripts/backup.py backup $(if $(KEEP),--keep $(KEEP))

restore: install
	@test -n "$(FILE)" || { echo "Usage : make restore FILE=backups/altm-AAAAMMJJ-HHMMSS.dump [YES=1]"; exit 1; }
	$(PY) scripts/backup.py restore "$(FILE)" $(if $(YES),--yes)

# Reporting at BENCH_ROWS interventions (PostgreSQL, database altm_bench rebuilt each run), then the import bench on
# PostgreSQL; the last line sums the run up: BENCH rows=… sql_s=… html_s=… html_x_sql=… pdf_s=… csv_s=…
# import_rows_per_s=… peak_rss_mb=…  (BENCH_ROWS=10000000 make bench: ten agencies' years).
BENCH_PG_URL ?= postgres://postgres@127.0.0.1:5432/altm_bench
BENCH_ROWS ?= 1000000
BENCH_RESULTS ?= /tmp/altm-bench-results.json
bench: install
	rm -f $(BENCH_RESULTS)
	BENCH_RESULTS=$(BENCH_RESULTS) BENCH_DATABASE_URL=$(BENCH_PG_URL) $(PY) scripts/bench.py --rows $(BENCH_ROWS)
	BENCH_RESULTS=$(BENCH_RESULTS) DATABASE_URL=$(PG_URL) $(PY) scripts/bench_import.py
	@$(PY) scripts/bench_results.py $(BENCH_RESULTS)

# Import rate of the interchange format (100,000 rows, throwaway test databases): on the current DATABASE_URL
# (SQLite by default), then on PostgreSQL when it answers.
bench-import: install
	$(PY) scripts/bench_import.py
	@if [ -z "$${DATABASE_URL:-}" ] && DATABASE_URL=$(PG_URL) $(PY) scripts/ensure_pg.py; then \
	  DATABASE_URL=$(PG_URL) $(PY) scripts/bench_import.py; \
	fi

clean:
	rm -rf $(VENV) staticfiles *.egg-info
