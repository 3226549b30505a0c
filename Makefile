# The two commands of the README. Each creates .venv and installs the project when needed.
PYTHON ?= python3
VENV := .venv
STAMP := $(VENV)/.installed-stamp

.PHONY: demo test lint bench bench-load install chromium clean

demo: $(STAMP)
	$(VENV)/bin/tsunagari demo

test: $(STAMP) chromium
	$(VENV)/bin/ruff check .
	$(VENV)/bin/pytest

install: $(STAMP)

$(STAMP): pyproject.toml
	test -x $(VENV)/bin/python || $(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --upgrade pip
	$(VENV)/bin/pip install --quiet -e '.[dev]'
	touch $(STAMP)

# Browser tests drive Debian's Chromium through Playwright (Playwright's own browser download
# cannot work offline). Installed here when missing, as root; otherwise say what to run.
chromium:
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	  else \
	    echo "Browser tests need Chromium: run 'sudo apt-get install -y chromium' and try again." >&2; exit 1; \
	  fi; }

lint: $(STAMP)
	$(VENV)/bin/ruff check .

clean:
	rm -rf $(VENV) $(BENCH_VENV) var

# Benchmarks (not tests): figures and ratios against a baseline measured in the same run.
bench: $(STAMP)
	$(VENV)/bin/python bench/triage_bench.py
	$(VENV)/bin/python bench/intake_bench.py
	$(VENV)/bin/python bench/routing_bench.py

# The load benchmark (about 6 minutes): bots as processes under 50 and 500 simulated persons through
# the local Bot API server. Its own environment: aiogram 3, the peer it measures Tsunagari against,
# pins an older pydantic than .venv has, and the tests' environment must stay as it is.
# `make bench-load ARGS='--persons 50 --seconds 10 --warmup 3'` for a quick look; ARGS='--profile'
# profiles Tsunagari at 500 persons with py-spy.
BENCH_VENV := .venv-bench
BENCH_STAMP := $(BENCH_VENV)/.installed-stamp

$(BENCH_STAMP): pyproject.toml
	test -x $(BENCH_VENV)/bin/python || $(PYTHON) -m venv $(BENCH_VENV)
	$(BENCH_VENV)/bin/pip install --quiet --upgrade pip
	$(BENCH_VENV)/bin/pip install --quiet -e '.[bench]'
	touch $(BENCH_STAMP)

bench-load: $(BENCH_STAMP)
	$(BENCH_VENV)/bin/python bench/load_bench.py $(ARGS)
