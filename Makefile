# The two commands of the README: `make run` and `make test`. Everything else is a step of them.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-stamp
CHROMIUM := /usr/bin/chromium

# The demo stack: web, worker, beat and the partner sandbox that plays the partners.
SANDBOX_PORT ?= 8900
SANDBOX := http://127.0.0.1:$(SANDBOX_PORT)
# Only `make run` points the partners at the sandbox: the test suite sets its own URLs.
run: export OUTBOUND_ALLOWED_HOSTS ?= 127.0.0.1,localhost
run: export ADJUST_S2S_URL ?= $(SANDBOX)/event
run: export KOCHAVA_S2S_URL ?= $(SANDBOX)/track/json
run: export APPSFLYER_S2S_EVENTS_URL ?= $(SANDBOX)/inappevent/{app_id}
run: export APPSFLYER_CLICK_URL ?= $(SANDBOX)/{app_id}
run: export DEMO_CALLBACK_BASE_URL ?= $(SANDBOX)

.PHONY: install run test lint format browser bench bench-tools screenshots clean

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $@

install: $(STAMP)

# Debian's Chromium for the Playwright browser tests (Playwright's own download is not used).
browser:
	@test -x $(CHROMIUM) || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; }

run: install
	mkdir -p var
	$(PY) manage.py migrate --noinput
	$(PY) manage.py seed_demo
	@echo "Web on http://127.0.0.1:8000 (admin at /admin/, dashboard at /); Ctrl-C stops everything."
	trap 'trap - INT TERM EXIT; kill $$(jobs -p) 2>/dev/null; wait' INT TERM EXIT; \
	$(PY) manage.py partner_sandbox --port $(SANDBOX_PORT) & \
	$(VENV)/bin/celery -A tracking worker --loglevel INFO --concurrency 2 -Q realtime,deliveries,celery & \
	$(VENV)/bin/celery -A tracking beat --loglevel INFO --schedule var/celerybeat-schedule & \
	$(PY) manage.py runserver 127.0.0.1:8000 --noreload & \
	wait

lint: install
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/ruff check .

format: install
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

test: install browser lint
	$(VENV)/bin/pytest $(PYTEST_ARGS)

# wrk, Debian's HTTP load generator, drives the ingestion benchmark.
bench-tools:
	@command -v wrk >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null; }

bench: install bench-tools
	$(PY) tests/benchmarks/ingest.py
	$(PY) tests/benchmarks/delivery.py

screenshots: install browser
	$(VENV)/bin/pytest -m browser tests/dashboard

clean:
	rm -rf var $(VENV)
