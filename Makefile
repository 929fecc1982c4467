# Two commands on a fresh machine:  make run  (set up, open the app)  /  make test  (set up, run all tests)
VENV    ?= .venv
PYTHON  ?= python3
PY      := $(VENV)/bin/python
STAMP   := $(VENV)/.installed-stamp
KERNEL  := src/hljgis/analysis/_outline.so src/hljgis/io/_gpkg_rows.so \
           src/hljgis/io/_wkb_arrays.so

.PHONY: run test setup lint data bench clean

run: $(STAMP) $(KERNEL)
	$(VENV)/bin/hljgis

test: $(STAMP) $(KERNEL)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/lint-imports
	$(VENV)/bin/mypy
	QT_QPA_PLATFORM=offscreen $(PY) -m pytest

setup: $(STAMP) $(KERNEL)

# System libraries Qt needs (installed only when missing), then the venv with everything.
$(STAMP): pyproject.toml packaging/system-packages.txt
	bash packaging/install-system-packages.sh
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test,data,package]'
	touch $(STAMP)

# The C libraries (hljgis._native: exact distances, GeoPackage rows, WKB reading); without a
# compiler numpy and GDAL do their work and this only prints a note.
$(KERNEL) &: src/hljgis/analysis/_outline.c src/hljgis/io/_gpkg_rows.c \
             src/hljgis/io/_wkb_arrays.c $(STAMP)
	$(PY) -c "from hljgis._native import build_all; build_all()"

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/lint-imports
	$(VENV)/bin/mypy

# Rebuild layers/ from the open-data packages and scripts/sources/.
data: $(STAMP)
	$(PY) scripts/build_layers.py

bench: $(STAMP)
	$(PY) bench/render.py

clean:
	rm -rf $(VENV) build dist .pytest_cache
