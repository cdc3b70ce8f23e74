# CASE Portal — `make run` (try it) and `make test` (the whole suite). See README.md.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
export PATH := $(CURDIR)/$(VENV)/bin:$(PATH)

PG_URL ?= postgres://postgres@127.0.0.1:5432/case_portal
TEST_REDIS_URL ?= redis://127.0.0.1:6379/0
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test lint format bench install services chromium clean messages

$(VENV)/.installed: requirements.lock pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -r requirements.lock
	touch $@

install: $(VENV)/.installed

# WeasyPrint needs Pango; Debian/Ubuntu get it from apt when we are root.
system-libs:
	@if ! ldconfig -p | grep -q libpango-1.0; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core >/dev/null; \
	  else echo "WeasyPrint needs Pango (libpango-1.0-0): install it with your package manager." >&2; exit 1; fi; \
	fi

run: install system-libs
	@bash scripts/run.sh

services:
	@bash scripts/services.sh

chromium:
	@if [ ! -x /usr/bin/chromium ]; then \
	  echo "Installing Debian's chromium for the browser tests"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium poppler-utils >/dev/null; \
	fi
	@command -v pdftoppm >/dev/null || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq poppler-utils >/dev/null)

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: install
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

test: install system-libs chromium services
	DATABASE_URL=$(PG_URL) REDIS_URL=$(TEST_REDIS_URL) DJANGO_SECRET_KEY=test-only-not-secret \
	DJANGO_HTTPS=0 CASE_VAR_DIR=$(CURDIR)/var/test \
	$(PY) -m pytest -n $${PYTEST_WORKERS:-2} --dist loadgroup $(PYTEST_ARGS)

bench: install system-libs services
	DATABASE_URL=$${BENCH_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/case_bench} \
	REDIS_URL=$(TEST_REDIS_URL) DJANGO_SECRET_KEY=bench-only DJANGO_HTTPS=0 ALLOWED_HOSTS=testserver,127.0.0.1 \
	CASE_VAR_DIR=$(CURDIR)/var/bench $(PY) -m bench $(BENCH_ARGS)

# The French (and any other) catalogue: collect every marked string, keep the translations,
# compile. The compiled .mo files are committed (see README "Languages"); tests/case_portal/
# test_i18n.py fails when a marked string has no translation or a .mo is stale.
MESSAGE_IGNORES := --ignore=var --ignore=tests --ignore=bench --ignore=docs --ignore=scripts \
	--ignore=static/vendor --ignore=dossiers/demo --ignore=templates/dossiers/demo
LANGS ?= $(notdir $(wildcard locale/*))
messages: export DJANGO_SECRET_KEY ?= messages-only
messages: install
	for l in $(LANGS); do \
	  $(PY) manage.py makemessages -l $$l --no-obsolete $(MESSAGE_IGNORES) && \
	  $(PY) manage.py makemessages -d djangojs -l $$l --no-obsolete $(MESSAGE_IGNORES) || exit 1; \
	done
	$(PY) manage.py compilemessages --ignore=.venv --ignore=var

clean:
	rm -rf var/test test-artifacts .pytest_cache
