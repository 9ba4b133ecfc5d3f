# make run   — a demo on http://127.0.0.1:8000 (SQLite, tasks in-process, demo users;
#              HOST=… PORT=… to serve elsewhere)
# make test  — the whole test suite (uses DATABASE_URL / CELERY_BROKER_URL when set)

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test bench lint format messages clean

$(BIN)/.installed: requirements.txt requirements-dev.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt
	touch $@

# The address the demo serves, which its e-mails link to (SITE_URL), printed last before
# the server starts: `make run HOST=0.0.0.0 PORT=8080` serves and links there.
DEMO_ENV = DEBUG=$${DEBUG:-true} SITE_URL=$${SITE_URL:-http://$(HOST):$(PORT)}

run: $(BIN)/.installed
	$(DEMO_ENV) $(BIN)/python manage.py migrate --noinput
	$(DEMO_ENV) $(BIN)/python manage.py collectstatic --noinput --verbosity 0
	$(DEMO_ENV) $(BIN)/python manage.py load_regions
	$(DEMO_ENV) $(BIN)/python manage.py seed_demo
	$(DEMO_ENV) $(BIN)/python manage.py runserver $(HOST):$(PORT)

# The browser journeys (tests/e2e) run in a pytest of their own: a live server with committed
# demo data, on a fresh test database.
test: $(BIN)/.installed
	$(BIN)/python -m pytest --ignore=tests/e2e $(PYTEST_ARGS)
	$(BIN)/python -m pytest tests/e2e $(PYTEST_ARGS)

# The benchmarks, at sizes a laptop runs in minutes; each prints its figures and its ratio
# to a reference measured in the same run. They need PostgreSQL (DATABASE_URL) and, for
# routing, Redis (CELERY_BROKER_URL). docs/PERFORMANCE.md has the figures at full size.
# Below some 20,000 households the fixed cost of a query hides what the ratios measure.
BENCH_HOUSEHOLDS ?= 20000
BENCH_REFERRALS ?= 2000
BENCH_ADMIN_REFERRALS ?= 100000
bench: $(BIN)/.installed
	$(BIN)/python bench/importing.py --households $(BENCH_HOUSEHOLDS)
	$(BIN)/python bench/search.py --households $(BENCH_HOUSEHOLDS)
	$(BIN)/python bench/admin_lists.py --households $(BENCH_HOUSEHOLDS) --referrals $(BENCH_ADMIN_REFERRALS)
	$(BIN)/python bench/pages.py --households $(BENCH_HOUSEHOLDS)
	$(BIN)/python bench/screening.py --households $(BENCH_HOUSEHOLDS)
	$(BIN)/python bench/exports.py --households $(BENCH_HOUSEHOLDS)
	$(BIN)/python bench/routing.py --referrals $(BENCH_REFERRALS)
	$(BIN)/python bench/documents.py
	$(BIN)/python bench/referral_file.py --households $(BENCH_HOUSEHOLDS)
	$(BIN)/python bench/letters.py
	$(BIN)/python bench/signin.py

lint: $(BIN)/.installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(BIN)/.installed
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

# Refresh locale/id after changing user-facing strings (needs gettext), then translate
# the new entries in locale/id/LC_MESSAGES/django.po and compile.
messages: $(BIN)/.installed
	$(BIN)/python manage.py makemessages --locale id --no-obsolete --ignore '.venv/*' --ignore 'static/*'
	$(BIN)/python manage.py compilemessages --locale id --ignore '.venv/*'

clean:
	rm -rf $(VENV) staticfiles .pytest_cache .ruff_cache
