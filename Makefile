# Fanfold: `make run` serves the archive, `make test` runs the whole test suite.
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(PY) -m pip install --quiet --disable-pip-version-check

.PHONY: run test lint bench clean

$(PY):
	@PYBIN=$$(scripts/find-python) && echo "Using $$PYBIN" && $$PYBIN -m venv $(VENV)

$(VENV)/.installed: pyproject.toml | $(PY)
	$(PIP) --upgrade pip
	$(PIP) -e .
	@touch $@

$(VENV)/.test-installed: pyproject.toml $(VENV)/.installed
	$(PIP) -e '.[test]'
	@touch $@

run: $(VENV)/.installed
	@FANFOLD_STOP_WITH=$$PPID scripts/run.sh

test: $(VENV)/.test-installed
	@scripts/test-deps.sh
	$(VENV)/bin/pytest $(PYTEST_ARGS)

lint: $(VENV)/.test-installed
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy
	$(VENV)/bin/lint-imports

bench: $(VENV)/.installed
	$(PY) bench/read.py
	$(PY) bench/feedback.py
	$(PY) bench/ratelimit.py
	$(PY) bench/import_lock.py
	$(PY) bench/live.py --quick

clean:
	rm -rf $(VENV) node_modules
