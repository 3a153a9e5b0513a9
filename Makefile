# QMS Portal — developer and CI entry points.
#
#   make run       migrate, seed the demo data and start the portal + a Celery worker with beat
#                  (PORT=8101 HOST=0.0.0.0 to serve elsewhere: e-mail links follow, unless QMS_SITE_URL is set)
#   make test      lint + checks + the whole pytest suite (unit and e2e), all reported
#   make bench     build the province-sized dataset and time the main pages
#   make messages  extract and compile translations (vi, zh_Hans, zh_Hant)
#   make clean     remove generated files (including var/: local database, uploads, mail)

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

VENV     := .venv
PY       := $(VENV)/bin/python
STAMP    := $(VENV)/.qms-installed
# Commands that load the settings need DEBUG (or a real SECRET_KEY and ALLOWED_HOSTS):
# default to the embedded development setup unless the caller says otherwise.
MANAGE   := DEBUG=$${DEBUG:-1} $(PY) manage.py
PYTEST_ARGS ?= -q -rfE
PORT     ?= 8000
HOST     ?= 127.0.0.1

.PHONY: help venv install run test lint check pytest bench messages clean distclean

help:
	@echo "make venv|run|test|lint|check|pytest|bench|messages|clean|distclean"

# --- virtualenv ------------------------------------------------------------------------------
# Idempotent: reinstalls only when pyproject.toml or constraints.txt changed (content hash kept
# in $(STAMP)) or when the interpreter in .venv is missing or older than 3.11.
# The project itself is not a package (pyproject has packages = []; manage.py and pytest run
# from the repository root), so only its runtime and dev dependency lists are installed, pinned by
# constraints.txt: no build step, no egg-info in the tree.
define READ_DEPS
import tomllib
project = tomllib.load(open("pyproject.toml", "rb"))["project"]
print("\n".join(project["dependencies"] + project["optional-dependencies"]["dev"]))
endef
export READ_DEPS

venv:
	@want="$$(cat pyproject.toml constraints.txt | sha256sum | cut -d' ' -f1)"; \
	if ! $(PY) -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then \
		py=""; \
		for candidate in python3.11 python3; do \
			if command -v $$candidate >/dev/null 2>&1 && \
			   $$candidate -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then \
				py=$$candidate; break; \
			fi; \
		done; \
		if [ -z "$$py" ]; then echo "Python 3.11 or newer is needed (python3.11 or python3)." >&2; exit 1; fi; \
		echo "Creating $(VENV) with $$py"; \
		rm -rf $(VENV); \
		$$py -m venv $(VENV); \
	fi; \
	if [ "$$(cat $(STAMP) 2>/dev/null)" != "$$want" ]; then \
		echo "Installing dependencies into $(VENV)"; \
		$(PY) -c "$$READ_DEPS" > $(VENV)/requirements.txt; \
		$(PY) -m pip install --quiet -c constraints.txt -r $(VENV)/requirements.txt; \
		echo "$$want" > $(STAMP); \
	fi

install: venv

# --- run -------------------------------------------------------------------------------------
run: export DEBUG = 1
run: venv
	@if command -v msgfmt >/dev/null 2>&1 && [ -d locale ]; then \
		$(PY) manage.py compilemessages --ignore=.venv --ignore=var -v 0; \
	fi
	$(PY) manage.py migrate --noinput -v 1
	$(PY) manage.py seed_demo
	$(PY) manage.py runportal --host $(HOST) --port $(PORT)

# --- tests -----------------------------------------------------------------------------------
# `make test` runs every part even when one fails, then fails if any did.
test: venv
	@failed=""; \
	$(MAKE) --no-print-directory lint   || failed="$$failed lint"; \
	$(MAKE) --no-print-directory check  || failed="$$failed check"; \
	$(MAKE) --no-print-directory pytest || failed="$$failed pytest"; \
	if [ -n "$$failed" ]; then echo; echo "make test FAILED:$$failed" >&2; exit 1; fi; \
	echo; echo "make test: lint, check and pytest all passed."

lint: venv
	$(VENV)/bin/ruff check .

check: venv
	$(MANAGE) makemigrations --check --dry-run
	@echo "manage.py check --deploy (DEBUG=0, random SECRET_KEY, ALLOWED_HOSTS=qms.example.org)"
	@DEBUG=0 ALLOWED_HOSTS=qms.example.org \
	 SECRET_KEY="$$($(PY) -c 'import secrets; print(secrets.token_urlsafe(64))')" \
	 $(PY) manage.py check --deploy --fail-level WARNING

# pytest exits 5 when it collected no test: that is a failure here, not a pass.
# --dist worksteal: a worker that runs out of tests takes half of another's queue, so both finish
# together (with the default split one sat idle for minutes while the other ran the browser tests).
pytest: venv
	@rc=0; $(VENV)/bin/pytest -n auto --dist worksteal $(PYTEST_ARGS) tests/ || rc=$$?; \
	if [ $$rc -eq 5 ]; then echo "ERROR: pytest collected no tests (exit code 5)." >&2; fi; \
	exit $$rc

# --- benchmark -------------------------------------------------------------------------------
# Measured as in production (DEBUG off, manifest static files) unless BENCH_DEBUG=1, on its own
# SQLite file (unless DATABASE_URL or SQLITE_PATH say otherwise) so the demo database stays small.
BENCH_DEBUG ?= 0
bench: venv
	@export DEBUG=$(BENCH_DEBUG) \
	        SQLITE_PATH="$${SQLITE_PATH:-$(CURDIR)/var/bench.sqlite3}" \
	        ALLOWED_HOSTS="$${ALLOWED_HOSTS:-127.0.0.1,localhost}" \
	        SECRET_KEY="$${SECRET_KEY:-$$($(PY) -c 'import secrets; print(secrets.token_urlsafe(64))')}"; \
	set -x; \
	$(PY) manage.py collectstatic --noinput -v 0; \
	$(PY) manage.py migrate --noinput -v 0; \
	$(PY) manage.py seed_scale; \
	$(PY) manage.py bench

# --- translations ----------------------------------------------------------------------------
messages: venv
	$(MANAGE) makemessages -l vi -l zh_Hans -l zh_Hant --ignore=.venv --ignore=var --ignore=tests --ignore=static --ignore=test-results
	$(MANAGE) compilemessages --ignore=.venv --ignore=var

# --- cleaning --------------------------------------------------------------------------------
clean:
	find . -path ./$(VENV) -prune -o -type d -name __pycache__ -prune -exec rm -rf {} +
	rm -rf .pytest_cache .ruff_cache *.egg-info bench-results.json test-results var

distclean: clean
	rm -rf $(VENV)
