# The portal in two commands: `make run` serves it, `make test` proves it.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
DEV := DEBUG=1

.PHONY: run test test-pg test-browser lint format ci install messages clean bench serve load backup restore

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $@

install: $(VENV)/.installed

## run: set up (venv, migrations, documents' data, demo accounts) and serve on 127.0.0.1:$(PORT)
run: install
	$(DEV) $(BIN)/python manage.py migrate --noinput
	$(DEV) $(BIN)/python manage.py load_documents
	$(DEV) $(BIN)/python manage.py load_demo_figures
	$(DEV) $(BIN)/python manage.py create_demo_accounts --port $(PORT)
	$(DEV) $(BIN)/python manage.py runserver 127.0.0.1:$(PORT)

## test: the whole suite on SQLite (browser tests: make test-browser)
test: install
	$(BIN)/python -m pytest

## test-pg: the same suite on PostgreSQL (DATABASE_URL, default: local server, throwaway database)
test-pg: install
	DATABASE_URL=$${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/coverage_ci_$$$$} $(BIN)/python -m pytest

## test-browser: Playwright tests in Debian's Chromium (/usr/bin/chromium) against a live server
test-browser: install
	$(BIN)/python -m pytest -m browser -p no:cacheprovider

## bench: on PostgreSQL, two databases it creates if absent: today's country (coverage_bench: the real
## unit list, synthetic figures) and the old three-level one (coverage_bench_history); pages measured,
## figures written into docs/benchmarks.md between its markers
BENCH_SERVER ?= postgres://postgres@127.0.0.1:5432
BENCH_DB ?= coverage_bench
BENCH_HISTORY_DB ?= coverage_bench_history
BENCH_OUT ?= $(or $(TMPDIR),/tmp)/coverage-bench
BENCH_TODAY := BENCH=1 DATABASE_URL=$(BENCH_SERVER)/$(BENCH_DB)
BENCH_HISTORY := BENCH=1 DATABASE_URL=$(BENCH_SERVER)/$(BENCH_HISTORY_DB)
# The local PostgreSQL server, started when it is not running (as .ci/run does).
PG_UP = pg_isready -h 127.0.0.1 -p 5432 -q 2>/dev/null || pg_ctlcluster --skip-systemctl-redirect \
	"$$(ls /etc/postgresql | head -1)" main start
bench: install
	@$(PG_UP)
	@mkdir -p $(BENCH_OUT)
	$(BIN)/python -m bench.databases ensure $(BENCH_SERVER)/$(BENCH_DB) $(BENCH_SERVER)/$(BENCH_HISTORY_DB)
	$(BENCH_TODAY) $(BIN)/python manage.py migrate --noinput -v 0
	$(BENCH_TODAY) $(BIN)/python manage.py make_synthetic_country --today --seed 2021 --if-absent
	$(BENCH_TODAY) $(BIN)/python manage.py run_bench --country today --output $(BENCH_OUT)/today.json
	$(BENCH_HISTORY) $(BIN)/python manage.py migrate --noinput -v 0
	$(BENCH_HISTORY) $(BIN)/python manage.py make_synthetic_country --seed 2021 --if-absent
	$(BENCH_HISTORY) $(BIN)/python manage.py run_bench --country history --output $(BENCH_OUT)/history.json
	$(BIN)/python -m bench.report docs/benchmarks.md $(BENCH_OUT)/today.json $(BENCH_OUT)/history.json

## serve: production: check the environment, migrate, collect static files, serve with gunicorn
## (needs DATABASE_URL=postgres://..., SECRET_KEY, ALLOWED_HOSTS; see README "Production")
serve: install
	$(BIN)/python manage.py preflight
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py collectstatic --noinput --verbosity 0
	exec $(BIN)/gunicorn -c coverage_portal/gunicorn.conf.py

## load: locust, 30 simulated users for 2 minutes against gunicorn + a throwaway PostgreSQL database on
## 127.0.0.1 (LOAD_USERS, LOAD_SECONDS, LOAD_THINK_MS, LOAD_PG_URL change it); figures into docs/load.md
load: install
	@$(PG_UP)
	$(BIN)/python -m bench.load

## backup: dump the database (DATABASE_URL, or SQLite db.sqlite3) to backups/ (or OUTPUT=file)
backup: install
	$(BIN)/python manage.py backup $(if $(OUTPUT),--output $(OUTPUT),)

## restore: replace the database's content with a backup: make restore FILE=backups/....dump
restore: install
	@test -n "$(FILE)" || { echo "usage: make restore FILE=backups/<file>"; exit 2; }
	$(BIN)/python manage.py restore "$(FILE)" $(if $(YES),--yes,)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

messages: install
	$(BIN)/python manage.py makemessages -l en --ignore=.venv --ignore=staticfiles --ignore=tests --no-obsolete -e html,txt,py
	$(BIN)/python manage.py compilemessages -l en --ignore=.venv

ci:
	bash .ci/run

clean:
	rm -rf $(VENV) staticfiles .pytest_cache
