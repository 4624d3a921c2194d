# mcstudy — one-command reproduce and test. Run `make help` for the targets.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
EXTRAS := notebooks,cluster,mesa,dev

# The Hillstrom e-mail file: set MCSTUDY_HILLSTROM, put it in data/external/hillstrom.csv, or
# keep the shared copy next to the repository (used by CI). MCSTUDY_HILLSTROM set but empty
# (`make test MCSTUDY_HILLSTROM=`) turns the real data off: it is then left empty.
ifeq ($(origin MCSTUDY_HILLSTROM),undefined)
ifneq ($(wildcard ../shared/data/hillstrom.csv),)
export MCSTUDY_HILLSTROM := $(abspath ../shared/data/hillstrom.csv)
endif
endif
export TQDM_DISABLE := 1

NBVAL := --nbval --nbval-current-env --nbval-sanitize-with tests/nbval_sanitize.cfg

.PHONY: help env reproduce report test test-slow bench lock wheel clean

help:
	@echo "make reproduce  create .venv if missing, re-fit data/calibration.toml, execute every notebook, write figures/, results/, reports/"
	@echo "make report     render reports/ from the executed notebooks without executing them (seconds)"
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

reproduce: $(STAMP)
	$(BIN)/mcstudy calibrate --out data/calibration.toml
	$(BIN)/mcstudy reproduce --project $(CURDIR)

report: $(STAMP)
	$(BIN)/mcstudy report --project $(CURDIR)

test: $(STAMP)
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks notebooks
	$(BIN)/python -m pytest tests
	$(BIN)/python -m pytest $(NBVAL) notebooks

test-slow: $(STAMP)
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
