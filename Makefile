# Two commands on a fresh machine:
#   make kg     set up everything, then build the knowledge graph into build/
#   make test   set up everything, then run the whole test suite
# Set-up is idempotent: the virtual environment is rebuilt when pyproject.toml changes,
# and system packages (Java, the OWL API) are installed only when missing.

VENV     := .venv
PYTHON   ?= python3
STAMP    := $(VENV)/.installed
MIGKG    := $(VENV)/bin/migkg

.PHONY: kg test setup system-deps venv clean bench

kg: setup
	$(MIGKG) build

test: setup
	$(VENV)/bin/python -m pytest

setup: system-deps venv

system-deps:
	@bash .ci/install-system-deps.sh

venv: $(STAMP)

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --upgrade pip
	$(VENV)/bin/pip install --quiet -e '.[test]'
	touch $(STAMP)

clean:
	rm -rf build .build-versions .cache

# Benchmarks (bench/README.md): installs wrk and Jena (.ci/install-bench-deps.sh) and the
# `bench` extra, then measures 1x, 10x, 100x and 1,000x the seed corpus within a time budget
# and writes bench/RESULTS.md and bench/results/scaling.png. Options: make bench BENCH_ARGS='--sizes 1,10'
BENCH_ARGS ?=
bench: setup
	@bash .ci/install-bench-deps.sh
	$(VENV)/bin/pip install --quiet -e '.[test,bench]'
	$(VENV)/bin/python bench/run.py $(BENCH_ARGS)
