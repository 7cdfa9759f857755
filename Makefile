# Cluster Atlas: `make run` serves the demo data, `make test` runs lint + every test.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
RUN_STAMP := $(VENV)/.run-installed
DEV_STAMP := $(VENV)/.dev-installed

.PHONY: run serve test lint format bench chromium data clean

run: $(RUN_STAMP)
	$(PY) app.py

# Production serving: gunicorn, WORKERS processes of THREADS threads, the app built once before
# the workers fork (--preload: they share its memory copy-on-write). Settings come from the
# CLUSTER_ATLAS_* variables (README, Configuration); uploads live in CLUSTER_ATLAS_DATA_DIR.
WORKERS ?= 2
THREADS ?= 4
BIND ?= 127.0.0.1:8050
# KEEPALIVE: seconds an idle connection stays open (gunicorn's 2 s default races with browsers
# and HTTP clients that reuse a connection just as the server closes it). No control socket: its
# default path is one per user, shared by every instance on the machine.
KEEPALIVE ?= 30
serve: $(RUN_STAMP)
	$(VENV)/bin/gunicorn --workers $(WORKERS) --threads $(THREADS) --preload \
	  --bind $(BIND) --timeout 300 --keep-alive $(KEEPALIVE) --no-control-socket wsgi:server

test: $(DEV_STAMP) chromium lint
	$(PY) -m pytest

lint: $(DEV_STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: $(DEV_STAMP)
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

# Every benchmark but the shared modules and the large-file writer (bench/make_large.py); the
# scale ones (startup, compare_datasette, load) take many minutes at their default sizes.
BENCH_SCRIPTS := $(filter-out bench/__init__.py bench/common.py bench/serving.py \
  bench/make_large.py,$(wildcard bench/*.py))

bench: $(DEV_STAMP)
	@for script in $(BENCH_SCRIPTS); do echo "== $$script"; $(PY) $$script || exit 1; done

# Rebuild the shipped data files (deterministic; outputs are committed).
data: $(DEV_STAMP)
	$(PY) -m data.build_countries
	$(PY) -m data.build_regions
	$(PY) -m data.demo

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

$(RUN_STAMP): requirements.txt | $(VENV)/bin/python
	$(PY) -m pip install --quiet -r requirements.txt
	touch $@

$(DEV_STAMP): requirements.txt requirements-dev.txt | $(VENV)/bin/python
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $(RUN_STAMP) $@

# Browser tests drive Debian's Chromium (never a downloaded browser build).
chromium:
	@if [ ! -x /usr/bin/chromium ] || [ ! -x /usr/bin/chromedriver ]; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver; \
	  else \
	    echo "error: browser tests need Debian's chromium: sudo apt-get install -y chromium chromium-driver" >&2; exit 1; \
	  fi; \
	fi

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
