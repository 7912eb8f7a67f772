# Two commands on a fresh machine (Python 3.11+ and make):
#   make run    set up .venv and start the sandbox on http://127.0.0.1:8000
#   make test   set up .venv with test dependencies and run the whole suite
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: run test lint bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --upgrade pip >/dev/null

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install -e . >/dev/null
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install -e '.[test]' >/dev/null
	touch $@ $(VENV)/.installed

run: $(VENV)/.installed
	$(BIN)/consolidate-sandbox

test: $(VENV)/.installed-test
	$(BIN)/ruff check .
	$(BIN)/mypy
	$(BIN)/pytest

# Benchmarks (not tests): contract-check cost vs validation off and Prism; chart generation.
bench: $(VENV)/.installed-test
	$(BIN)/python bench/bench_contract.py
	$(BIN)/python bench/bench_generation.py

lint: $(VENV)/.installed-test
	$(BIN)/ruff check .
	$(BIN)/mypy

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache .hypothesis
