# Samen: `make run` to try it, `make test` to prove it. Needs only python3 (3.11), git and make.
SHELL := /bin/bash
PORT ?= 8000
PYTHON ?= python3
# uv comes from PATH, or is installed once into .uv/ with pip (no other download step).
UV := $(shell command -v uv 2>/dev/null || echo .uv/bin/uv)
VENV := .venv
PY := $(VENV)/bin/python
MANAGE := $(PY) manage.py

APPS_WITH_CATALOGUES := accounts api audit communities ledger banking funding expenses credits invoicing \
	notifications conversations events decisions knowledge

.PHONY: run install install-dev messages makemessages migrate demo test test-sqlite test-postgres check lint \
	typecheck translations-check deadcode longfunctions format bench-ledger bench-statements bench-web \
	bench-decisions bench-conversations bench-events bench-newsletter mutation serve-prod clean

.uv/bin/uv:
	$(PYTHON) -m venv .uv
	.uv/bin/pip install --quiet --disable-pip-version-check 'uv>=0.5'

$(VENV)/.installed: uv.lock pyproject.toml | $(UV)
	$(UV) sync --frozen --no-dev
	@touch $@

$(VENV)/.installed-dev: uv.lock pyproject.toml | $(UV)
	$(UV) sync --frozen
	@touch $(VENV)/.installed $@

install: $(VENV)/.installed messages
install-dev: $(VENV)/.installed-dev messages

# Compiled catalogues are built, not committed; Django's compilemessages needs GNU gettext,
# so they are compiled with the pure-Python msgfmt of the standard library's Tools instead
# when gettext is missing.
messages: $(VENV)/.installed
	@$(PY) -m samen.lib.compilemessages

# Refresh the .po files from the code: the project catalogue (base templates, core, lib) and one
# per app. Needs GNU gettext (apt-get install gettext); then translate the new entries.
makemessages: install-dev
	$(MANAGE) makemessages -l nl -l fr --no-obsolete --ignore='.venv/*' --ignore='.uv/*' \
		--ignore='static/*' $(foreach app,$(APPS_WITH_CATALOGUES),--ignore='samen/$(app)/*')
	@for app in $(APPS_WITH_CATALOGUES); do \
		if [ -d samen/$$app/locale ]; then \
			(cd samen/$$app && DJANGO_SETTINGS_MODULE=samen.settings PYTHONPATH=$(CURDIR) \
				$(CURDIR)/$(VENV)/bin/django-admin makemessages -l nl -l fr --no-obsolete); \
		fi; \
	done

migrate: install
	$(MANAGE) migrate --noinput

demo: migrate
	$(MANAGE) seed_demo

# The site and one task worker (e-mails such as sign-up confirmations leave through it);
# Ctrl-C stops both.
run: demo
	@$(MANAGE) demo_logins
	@trap 'kill 0' EXIT INT TERM; \
		$(MANAGE) db_worker & \
		$(MANAGE) runserver 127.0.0.1:$(PORT)

# The production layout on this machine (docs/deploy.md): gunicorn, an RQ worker and the
# scheduler on PostgreSQL and Redis (DATABASE_URL, REDIS_URL; defaults on 127.0.0.1).
serve-prod: install
	deploy/serve-prod.sh

lint: install-dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: install-dev
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

typecheck: install-dev
	$(VENV)/bin/mypy samen

translations-check: install-dev
	$(PY) -m samen.lib.compilemessages --check

# Functions, classes and properties nobody uses (vulture, with the framework's conventions).
deadcode: install-dev
	$(PY) -m samen.lib.deadcode

# No function over 80 lines of code in an actions or API module.
longfunctions: install-dev
	$(PY) -m samen.lib.longfunctions

check: lint typecheck translations-check deadcode longfunctions
	$(MANAGE) makemigrations --check --dry-run

# The browser flows run once, in the PostgreSQL leg (the production database); everything
# else runs on both.
test-sqlite: install-dev
	$(VENV)/bin/pytest -n 2 --dist loadgroup -rs --durations=15 -m "not browser"

# The same suite on PostgreSQL when TEST_DATABASE_URL is set; mandatory when CI=true.
test-postgres: install-dev
	@if [ -n "$$TEST_DATABASE_URL" ]; then \
		DATABASE_URL="$$TEST_DATABASE_URL" $(VENV)/bin/pytest -n 3 --dist loadgroup -rs --durations=15; \
	elif [ "$$CI" = "true" ]; then \
		echo "CI=true needs TEST_DATABASE_URL (PostgreSQL); refusing to skip it." >&2; exit 1; \
	else \
		echo "TEST_DATABASE_URL is not set: PostgreSQL run skipped (set it to run both)."; \
	fi

test: check test-sqlite test-postgres

# Mutation testing of the money and privacy rules (pyproject [tool.mutmut]); figures in
# bench/results/mutation.json; fails when a module kills fewer than 90 % of its mutants.
# One module at a time, each with its own tests (bench/mutation.py MODULES).
mutation: install-dev
	SAMEN_MUTATION=1 REDIS_TEST_URL=$${REDIS_TEST_URL:-redis://127.0.0.1:6379/14} \
		$(PY) -m bench.mutation

bench-ledger: install-dev
	$(PY) -m bench.ledger

bench-statements: install-dev
	$(PY) -m bench.statements

bench-newsletter: install-dev
	$(PY) -m bench.newsletter

bench-web: install-dev
	$(PY) -m bench.web

bench-decisions: install-dev
	$(PY) -m bench.decisions

bench-conversations: install-dev
	$(PY) -m bench.conversations

bench-events: install-dev
	$(PY) -m bench.events

clean:
	rm -rf $(VENV) .uv staticfiles .mypy_cache .ruff_cache
