# Two commands on a fresh machine:
#   make kg     set up everything, then build the knowledge graph into build/
#   make test   set up everything, then run the whole test suite
# Set-up is idempotent: the virtual environment is rebuilt when pyproject.toml changes,
# and system packages (Java, the OWL API) are installed only when missing.

VENV     := .venv
PYTHON   ?= python3
STAMP    := $(VENV)/.installed
MIGKG    := $(VENV)/bin/migkg

.PHONY: kg test setup system-deps venv clean

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
