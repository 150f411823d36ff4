# One-command set-up: `make demo` and `make test` install everything they need
# into .venv inside the checkout, then run.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.tsptools-installed
# The torch build pinned here is the CPU wheel that this workplace ships; any
# torch in requirements/runtime.txt's range works.
TORCH_SPEC ?= torch==2.13.0

.PHONY: install demo test clean-venv

install: $(STAMP)

$(STAMP): setup.py requirements/runtime.txt requirements/tests.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip show torch >/dev/null 2>&1 || $(PY) -m pip install -q "$(TORCH_SPEC)"
	$(PY) -m pip install -q -e ".[tests]"
	touch $(STAMP)

demo: install
	PATH="$(CURDIR)/$(VENV)/bin:$$PATH" bash tools/misc/run_demo.sh

test: install
	PATH="$(CURDIR)/$(VENV)/bin:$$PATH" $(PY) -m pytest tests -q

clean-venv:
	rm -rf $(VENV)
