# Sodan: `make run` serves the forum on 127.0.0.1:5000; `make test` runs every test.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
export FLASK_APP := app

.PHONY: run test test-sqlite test-postgresql serve venv lint clean

$(BIN)/.installed: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test,dev]'
	touch $@

venv: $(BIN)/.installed

run: venv
	$(BIN)/flask db upgrade
	$(BIN)/flask forum demo
	$(BIN)/flask run --host 127.0.0.1 --port 5000

# Production-like: gunicorn (gunicorn.conf.py: several workers) on the configured
# DATABASE_URL / REDIS_URL; bind with GUNICORN_BIND (default 127.0.0.1:8000).
serve: venv
	$(BIN)/flask db upgrade
	$(BIN)/gunicorn --config gunicorn.conf.py app:app

# The SQLite pass always runs; with TEST_DATABASE_URL (and TEST_REDIS_URL) set, the whole
# suite runs a second time on PostgreSQL (and Redis). SODAN_REQUIRE_PG=1 (set by .ci/run)
# turns a missing TEST_DATABASE_URL into a failure instead of a quietly skipped pass.
# The same checks as .pre-commit-config.yaml: lint and import order, types, then security
# (bandit: no medium or high finding; a reviewed one carries `# nosec BXXX # why` on its line).
lint: venv
	$(BIN)/ruff check forum tests bench
	$(BIN)/mypy
	$(BIN)/bandit -q -r forum --severity-level medium

test: venv
	@if [ -n "$$SODAN_REQUIRE_PG" ] && [ -z "$$TEST_DATABASE_URL" ]; then \
		echo "error: SODAN_REQUIRE_PG is set but TEST_DATABASE_URL is not; the PostgreSQL pass cannot run" >&2; \
		exit 1; \
	fi
	@echo "== SQLite pass =="
	$(BIN)/python -m pytest -q
	@if [ -n "$$TEST_DATABASE_URL" ]; then \
		echo "== PostgreSQL pass ($$TEST_DATABASE_URL, Redis: $${TEST_REDIS_URL:-none}) =="; \
		SODAN_TEST_PASS=postgresql $(BIN)/python -m pytest -q || exit $$?; \
	else \
		echo "== PostgreSQL pass skipped: TEST_DATABASE_URL is not set (see DEVELOPERS.md) =="; \
	fi

test-sqlite: venv
	$(BIN)/python -m pytest -q

test-postgresql: venv
	@test -n "$$TEST_DATABASE_URL" || { echo "error: set TEST_DATABASE_URL (see DEVELOPERS.md)" >&2; exit 1; }
	SODAN_TEST_PASS=postgresql $(BIN)/python -m pytest -q

clean:
	rm -rf $(VENV) instance .pytest_cache
