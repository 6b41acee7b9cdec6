# Better Care Fund plans: set-up, run and test. Each target installs what it needs itself.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000
STAMP := $(VENV)/.installed-$(shell cat requirements.txt requirements-dev.txt | sha1sum | cut -c1-12)
# Debian packages: WeasyPrint's Pango, fonts for the PDF, Chromium for browser tests, poppler for PDF checks,
# LibreOffice Calc to recalculate the Part 2 workbook in its tests, Writer to open the Word export in its tests.
SYSTEM_PACKAGES := libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core fonts-liberation2 chromium poppler-utils libreoffice-calc-nogui libreoffice-writer-nogui

.PHONY: install system-packages run test lint bench clean

install: $(STAMP)

$(STAMP): requirements.txt requirements-dev.txt
	@$(MAKE) --no-print-directory system-packages
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.txt -r requirements-dev.txt
	@rm -f $(VENV)/.installed-*
	@touch $(STAMP)

system-packages:
	@missing=""; for p in $(SYSTEM_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  echo "Installing Debian packages:$$missing"; \
	  if [ "$$(id -u)" = 0 ]; then SUDO=""; else SUDO="sudo"; fi; \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq --no-install-recommends $$missing >/dev/null; \
	fi

# The web server and a background worker (PDFs, workbooks, JSON, e-mails) together; Ctrl-C stops both.
# DEBUG is off, so a missing page or an error shows the service's own 404 and 500 pages (WhiteNoise
# serves the static files); email links point at the port the service runs on.
run: install
	$(PY) manage.py migrate --noinput
	$(PY) manage.py load_reference
	$(PY) manage.py load_demo --returns
	@export DJANGO_DEBUG=$${DJANGO_DEBUG:-0} SITE_URL=$${SITE_URL:-http://127.0.0.1:$(PORT)} PORT=$(PORT); \
	trap 'kill $$worker 2>/dev/null; wait $$worker 2>/dev/null' EXIT INT TERM; \
	$(PY) manage.py db_worker --no-reload --interval 0.5 & worker=$$!; \
	$(PY) manage.py runserver 127.0.0.1:$(PORT)

# The suite runs on every core (pytest-xdist: each worker has its own test database); PYTEST_ARGS=
# runs it in one process, e.g. `make test PYTEST_ARGS="-p no:xdist tests/returns"`.
PYTEST_ARGS ?= -n auto
test: install
	$(PY) -m pytest $(PYTEST_ARGS)

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports
	$(PY) .ci/import_cycles.py
	$(PY) manage.py makemigrations --check --dry-run

# Benchmarks print figures and ratios (never pass/fail). The load benchmark needs PostgreSQL: started here.
bench: install
	bash .ci/start-postgres
	BENCH_DATABASE_URL=$${BENCH_DATABASE_URL:-postgres://bcf:bcf@127.0.0.1:5432/bcf_bench} $(PY) -m tests.bench

clean:
	rm -rf $(VENV) var db.sqlite3 .pytest_cache .ruff_cache
