# Sodan: `make run` serves the forum on 127.0.0.1:5000; `make test` runs every test.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
export FLASK_APP := app

.PHONY: run test serve venv clean

$(BIN)/.installed: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

venv: $(BIN)/.installed

run: venv
	$(BIN)/flask db upgrade
	$(BIN)/flask forum demo
	$(BIN)/flask run --host 127.0.0.1 --port 5000

# Production-like: gunicorn with several workers on the configured DATABASE_URL / REDIS_URL.
serve: venv
	$(BIN)/flask db upgrade
	$(BIN)/gunicorn --config gunicorn.conf.py app:app

# The SQLite pass always runs; with TEST_DATABASE_URL (and TEST_REDIS_URL) set, the whole
# suite runs a second time on PostgreSQL (and Redis).
test: venv
	$(BIN)/python -m pytest -q
	@if [ -n "$$TEST_DATABASE_URL" ]; then \
		echo "== PostgreSQL pass ($$TEST_DATABASE_URL) =="; \
		SODAN_TEST_PASS=postgresql $(BIN)/python -m pytest -q; \
	fi

clean:
	rm -rf $(VENV) instance .pytest_cache
