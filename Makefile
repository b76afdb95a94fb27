# Two entry points for a fresh machine with Python 3.11, git and make:
#   make serve   set up .venv, install, bootstrap the embedded store from the bundled data, serve GraphQL
#   make test    set up .venv with the dev extras, then lint, type-check and run every test
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
# The service's own settings win when set: `AIMSGRAPH_PORT=9000 make serve` serves on 9000.
HOST ?= $(or $(AIMSGRAPH_HOST),127.0.0.1)
PORT ?= $(or $(AIMSGRAPH_PORT),8000)

.PHONY: serve test test-fast lint typecheck bench install install-runtime clean schema

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip setuptools wheel

# Serving needs only the runtime dependencies; the tests add the dev extras (linters, pytest, ArcadeDB).
$(VENV)/.runtime: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet .
	touch $@

$(VENV)/.deps: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet ".[dev]"
	touch $@ $(VENV)/.runtime

# Reinstall the package itself (not its dependencies) so tests and the server run the installed code.
install: $(VENV)/.deps
	$(BIN)/python -m pip install --quiet --no-deps --no-build-isolation --force-reinstall .

install-runtime: $(VENV)/.runtime
	$(BIN)/python -m pip install --quiet --no-deps --no-build-isolation --force-reinstall .

serve: install-runtime
	@echo "aimsgraph is installed in $(VENV): run '. $(VENV)/bin/activate' (or use $(BIN)/aimsgraph) for the CLI"
	$(BIN)/aimsgraph serve --host $(HOST) --port $(PORT)

lint: $(VENV)/.deps
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

typecheck: $(VENV)/.deps
	$(BIN)/mypy

# Tests run on every core (pytest-xdist); each test has its own store, and servers bind free ports.
test: install lint typecheck
	$(BIN)/pytest -n auto; status=$$?; \
	if [ $$status -eq 5 ]; then echo "pytest collected no tests: the suite is broken" >&2; fi; \
	exit $$status

test-fast: install
	$(BIN)/pytest -n auto -m "not slow and not integration"

# The GraphQL schema is a contract: regenerate schema.graphql after changing the API, and review the diff.
schema: install
	$(BIN)/aimsgraph schema graphql > schema.graphql

bench: install
	$(BIN)/python bench/run.py

clean:
	rm -rf $(VENV) build *.egg-info
