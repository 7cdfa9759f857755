# Cluster Atlas: `make run` serves the demo data, `make test` runs lint + every test.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
RUN_STAMP := $(VENV)/.run-installed
DEV_STAMP := $(VENV)/.dev-installed

.PHONY: run serve test lint format bench bench-scale chromium data plotly-js clean

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

# The benchmarks of the domain code (minutes); the scale ones start servers on large generated
# files and take an hour or more (bench-scale; one million records unless ROWS says otherwise).
SCALE_SCRIPTS := bench/startup.py bench/load.py bench/compare_datasette.py bench/browser.py
BENCH_SCRIPTS := $(filter-out bench/__init__.py bench/common.py bench/serving.py \
  bench/make_large.py $(SCALE_SCRIPTS),$(wildcard bench/*.py))
ROWS ?= 1000000

bench: $(DEV_STAMP)
	@for script in $(BENCH_SCRIPTS); do echo "== $$script"; $(PY) $$script || exit 1; done

bench-scale: $(DEV_STAMP) chromium
	$(PY) bench/startup.py --rows $(ROWS)
	$(PY) bench/make_large.py --rows $(ROWS) -o bench-$(ROWS).parquet
	$(PY) bench/load.py --data bench-$(ROWS).parquet
	$(PY) bench/browser.py --data bench-$(ROWS).parquet
	$(PY) bench/compare_datasette.py --rows $(ROWS)

# Rebuild our plotly.js (only the trace types the app draws; vendor/plotly/README.md). Needs
# Node.js and the npm registry; the output is committed, so running the app does not.
plotly-js:
	cd vendor/plotly && npm ci --no-audit --no-fund && npm run build

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
