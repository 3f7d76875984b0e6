# Newsroom: `make run` to try it, `make test` to prove it.
SHELL := /bin/bash
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000

# Test services: real Postgres and Redis (see README).
TEST_DATABASE_URL ?= $(or $(DATABASE_URL),postgres://postgres@127.0.0.1:5432/newsroom)
TEST_REDIS_URL ?= $(or $(REDIS_URL),redis://127.0.0.1:6379/0)
TEST_BROKER_URL ?= $(or $(CELERY_BROKER_URL),redis://127.0.0.1:6379/1)

# What every test run sets: the test services, and settings fit for tests.
TEST_ENV := export DATABASE_URL=$(TEST_DATABASE_URL) REDIS_URL=$(TEST_REDIS_URL) \
  CELERY_BROKER_URL=$(TEST_BROKER_URL) SECRET_KEY=test-secret-key DEBUG=false \
  ALLOWED_HOSTS=localhost,127.0.0.1,testserver SECURE_SSL_REDIRECT=false SECURE_COOKIES=false \
  FAST_PASSWORD_HASHER=true

.PHONY: run test fast lint format bench serve worker migrations-check install clean

$(BIN)/python:
	@py=$$(./scripts/find-python.sh) || exit 1; \
	echo "Creating $(VENV) with $$py"; \
	"$$py" -m venv $(VENV)

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[test]"
	@touch $@

# Test-only JavaScript (axe-core for accessibility checks); the site has no JS build.
node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --silent
	@touch $@

install: $(VENV)/.installed

run: install
	@export DEBUG=$${DEBUG:-true} SITE_URL=$${SITE_URL:-http://127.0.0.1:$(PORT)}; \
	$(BIN)/python manage.py migrate --noinput && \
	$(BIN)/python manage.py loaddemo && \
	$(BIN)/python manage.py runserver 127.0.0.1:$(PORT)

# The production-like stack: Varnish on PORT, nginx and gunicorn (production settings)
# behind it (scripts/serve.py; Debian's varnish, varnish-modules and nginx).
serve: install
	@$(BIN)/python -c 'import sys; sys.path.insert(0, "scripts"); import stack; p = stack.missing_package(); p and sys.exit(f"make serve: Debian package {p} is missing: apt-get install {p}")'
	DEBUG=$${DEBUG:-false} $(BIN)/python manage.py collectstatic --noinput -v0
	$(BIN)/python scripts/serve.py $(PORT)

worker: install
	$(BIN)/celery -A newsroom worker --beat -l info

# Three runs: what the fast loop runs, on two workers; then, one at a time, the tests that
# start servers of their own or drive the browser (they time what those servers do); then
# the browser journeys, in a process of their own.
test: install node_modules/.installed
	@export DATABASE_URL=$(TEST_DATABASE_URL) REDIS_URL=$(TEST_REDIS_URL) CELERY_BROKER_URL=$(TEST_BROKER_URL); \
	if ! $(BIN)/python scripts/check-services.py 2>/dev/null; then \
	  if command -v docker >/dev/null && docker info >/dev/null 2>&1; then \
	    docker compose up -d db redis --wait || exit 1; \
	  else \
	    msg=$$($(BIN)/python scripts/check-services.py 2>&1); \
	    echo "make test: $$msg; start them (or set DATABASE_URL/REDIS_URL), e.g. 'docker compose up -d db redis'"; exit 1; \
	  fi; \
	fi
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	DEBUG=true $(BIN)/python manage.py check --fail-level WARNING
	DEBUG=true $(BIN)/python manage.py makemigrations --check --dry-run
	@$(TEST_ENV); $(BIN)/python manage.py collectstatic --noinput -v0 && \
	$(BIN)/pytest --ignore=tests/e2e -m "not e2e and not faults" -n 2 --dist worksteal $(PYTEST_ARGS) && \
	$(BIN)/pytest --ignore=tests/e2e -m "e2e or faults" $(PYTEST_ARGS) && \
	$(BIN)/pytest tests/e2e $(PYTEST_ARGS)  # real-browser journeys in a process of their own

# The fast loop while working: no browser, no servers of its own, the test databases kept
# between runs, two workers (each with its own database and Redis databases); the idle one
# takes tests from the busy one's share, so one slow file does not hold up the end.
fast: install
	@$(TEST_ENV); $(BIN)/python manage.py collectstatic --noinput -v0 && \
	$(BIN)/pytest -m "not e2e and not faults" --reuse-db -n 2 --dist worksteal $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

migrations-check: install
	DEBUG=true $(BIN)/python manage.py makemigrations --check --dry-run

bench: install
	$(BIN)/python bench/run.py

clean:
	rm -rf $(VENV) staticfiles
