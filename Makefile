# PatoLab Desktop — make run · make test · make bench · make bundle
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: run test lint readme format test-pg bench bench-pg bench-small bundle bundle-self-test icon version-info clean translations

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[test]"
	touch $(STAMP)

run: $(STAMP)
	$(PY) main.py --demo

test: $(STAMP)
	QT_QPA_PLATFORM=offscreen $(PY) -m pytest

# Code style and types: ruff's rules (E, F, I, B, UP, SIM; pyproject.toml), its formatter,
# and mypy on the services, the database layer and the documents (untyped defs refused).
lint: $(STAMP)
	$(VENV)/bin/ruff check patolab_desktop tests scripts
	$(VENV)/bin/ruff format --check patolab_desktop tests scripts
	$(VENV)/bin/mypy

# The README's command table from the argparse parser (a test checks it is current).
readme: $(STAMP)
	$(PY) scripts/command_table.py --write

format: $(STAMP)
	$(VENV)/bin/ruff format patolab_desktop tests scripts

# The data and service tests against a real PostgreSQL (start one with
# scripts/pg_cluster.sh start DIR PORT); PATOLAB_TEST_PG is the URL of its "postgres" database.
PATOLAB_TEST_PG ?= postgresql://patolab@127.0.0.1:55432/postgres
test-pg: $(STAMP)
	QT_QPA_PLATFORM=offscreen PATOLAB_TEST_PG=$(PATOLAB_TEST_PG) $(PY) -m pytest tests/unit

clean:
	rm -rf $(VENV) build dist *.egg-info

bench: $(STAMP)
	mkdir -p bench-results
	QT_QPA_PLATFORM=offscreen $(PY) main.py bench --customers 1000000 --requests 2000000 --json bench-results/bench.json

# The same benchmark on a throwaway PostgreSQL 15 (scripts/pg_cluster.sh): the cluster's
# folder is kept between runs, so the bench database (built with COPY) is reused.
BENCH_PG_DIR ?= /tmp/patolab-bench-pg
BENCH_PG_PORT ?= 55438
BENCH_CUSTOMERS ?= 1000000
BENCH_REQUESTS ?= 2000000
# A server set for its machine, as a laboratory's should be (PostgreSQL's documentation
# starts shared_buffers at a quarter of the memory; 2 GB of 24 here). Its default, 128 MB,
# is meant to start anywhere.
BENCH_PG_SETTINGS ?= -c shared_buffers=2GB -c effective_cache_size=8GB
bench-pg: $(STAMP)
	mkdir -p bench-results
	url=$$(PG_SETTINGS="$(BENCH_PG_SETTINGS)" scripts/pg_cluster.sh start $(BENCH_PG_DIR) $(BENCH_PG_PORT)) && \
	QT_QPA_PLATFORM=offscreen $(PY) main.py bench --db "$$url" --customers $(BENCH_CUSTOMERS) \
	  --requests $(BENCH_REQUESTS) --json bench-results/bench-pg.json; \
	status=$$?; scripts/pg_cluster.sh stop $(BENCH_PG_DIR); exit $$status

bench-small: $(STAMP)
	mkdir -p bench-results
	QT_QPA_PLATFORM=offscreen $(PY) main.py bench --customers 20000 --requests 40000 --import-rows 5000 --json bench-results/bench-small.json

# Windows installer build (PyInstaller one-folder; the same spec builds on Linux for CI).
# `iscc installer.iss` then wraps dist/PatoLab/ into PatoLab-Setup-<version>.exe on Windows.
bundle: $(STAMP)
	$(PY) -m pip install --quiet "pyinstaller>=6.10,<7"
	$(PY) -m PyInstaller installer.spec --noconfirm --clean --log-level WARN

# Run the bundled console executable's self-test (offscreen, temporary database).
bundle-self-test:
	dist/PatoLab/patolab-cli --self-test

# Regenerate resources/icons/patolab.png and .ico, and every icon of the desk in
# resources/icons/glyphs/ (committed; the spec only reads them).
icon: $(STAMP)
	QT_QPA_PLATFORM=offscreen $(PY) scripts/make_icon.py
	QT_QPA_PLATFORM=offscreen $(PY) scripts/make_glyph_icons.py

version-info:
	$(PY) scripts/make_version_info.py

# Update resources/translations/*.ts from the code (pyside6-lupdate) and compile the .qm
translations: $(STAMP)
	$(PY) scripts/update_translations.py
