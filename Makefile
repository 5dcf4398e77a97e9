# uwvrec: `make run` serves the app, `make test` runs every check. Nothing else to install.

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
CHROMIUM := /usr/bin/chromium
# What WeasyPrint needs besides its wheel to make the rule texts' PDFs.
PDF_PACKAGES := libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core

# Production-like settings for `check --deploy`: nothing here is a real secret.
DEPLOY_ENV := DJANGO_SETTINGS_MODULE=uwvrec.settings.base \
	DJANGO_SECRET_KEY=deploy-check-$(shell head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n') \
	DJANGO_ALLOWED_HOSTS=uwvrec.example.nl \
	DATABASE_URL=postgres://uwvrec@db:5432/uwvrec REDIS_URL=redis://redis:6379/0 \
	BSN_ENCRYPTION_KEYS=$(shell head -c 32 /dev/urandom | base64 | tr '+/' '-_') \
	BSN_HASH_KEY=deploy-check-$(shell head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n')

.PHONY: install pdf-libs run test lint types checks pytest bench browser wrk messages mutation clean

$(STAMP): requirements.txt requirements-dev.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $(STAMP)

install: pdf-libs $(STAMP)

# Debian's Pango, HarfBuzz and a font for WeasyPrint, installed the way `browser`
# installs chromium.
pdf-libs:
	@installed=$$(dpkg-query -W -f='$${db:Status-Status}\n' $(PDF_PACKAGES) 2>/dev/null \
		| grep -c '^installed$$'); \
	if [ "$$installed" != "$(words $(PDF_PACKAGES))" ]; then \
		if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
		echo "Installing Debian's Pango and fonts for the PDFs (WeasyPrint)"; \
		$$SUDO apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq --no-install-recommends \
			$(PDF_PACKAGES) >/dev/null; \
	fi

run: install
	$(PY) -m uwvrec.devstack

# Debian's Chromium for the browser tests; never a browser download of a test tool.
browser:
	@if [ ! -x $(CHROMIUM) ]; then \
		if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
		echo "Installing Debian's chromium for the browser tests"; \
		$$SUDO apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium >/dev/null; \
	fi

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports --no-logo

# mypy with django-stubs over the application code. The plugin loads the test
# settings, which need the services' URLs to be set; nothing connects to them.
types: install
	DATABASE_URL=postgres://uwvrec@db:5432/uwvrec REDIS_URL=redis://redis:6379/0 \
		$(VENV)/bin/mypy accounts audit conversations figures privacy rules violations uwvrec

# Production settings: the deploy checks, and collectstatic with the hashed manifest
# (fails on a vendored file whose .map or font is missing).
checks: install
	$(DEPLOY_ENV) $(PY) manage.py check --deploy --fail-level WARNING
	static=$$(mktemp -d) && $(DEPLOY_ENV) DJANGO_STATIC_ROOT=$$static \
		$(PY) manage.py collectstatic --noinput --verbosity 0 && rm -rf $$static

test: install browser lint types checks
	$(PY) -m uwvrec.localservices test -- $(MAKE) --no-print-directory pytest

# Runs inside the local services that `test` starts: in PYTEST_WORKERS processes
# (pytest-xdist), each with its own test database, Redis database and Celery
# worker, each taking the tests in the suite's order (tests/conftest.py).
PYTEST_WORKERS ?= 2
pytest:
	DJANGO_SETTINGS_MODULE=uwvrec.settings.test $(PY) manage.py makemigrations --check --dry-run
	$(VENV)/bin/pytest -n $(PYTEST_WORKERS) --dist load $(PYTEST_ARGS)

# Debian's wrk, the load generator of bench/bench_checklist.py.
wrk:
	@if ! command -v wrk >/dev/null; then \
		if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
		echo "Installing Debian's wrk for the benchmarks"; \
		$$SUDO apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq wrk >/dev/null; \
	fi

bench: install wrk
	$(PY) -m uwvrec.localservices bench -- sh -c 'for b in bench/bench_*.py; do $(PY) $$b || exit 1; done'

# Mutation testing of the pure modules (the engine, the checklist planner, the
# standalone verifier) with their DB-free tests; not part of `test`. Fails below a
# module's floor (tests/mutation/score.py). mutmut's progress goes to mutants/run.log.
mutation: install
	rm -rf mutants && mkdir mutants
	$(VENV)/bin/mutmut run --max-children 2 > mutants/run.log 2>&1 \
		|| { tail -c 4000 mutants/run.log; exit 1; }
	$(PY) tests/mutation/score.py

messages: install
	$(PY) manage.py makemessages --locale en --ignore '.venv/*' --ignore 'var/*' --ignore 'tests/*' --ignore 'bench/*' --ignore 'mutants/*'
	$(PY) manage.py compilemessages --ignore '.venv/*'

clean:
	rm -rf $(VENV) var/static
