# `make demo` and `make test` each set themselves up on a fresh Debian machine, once: the first
# run builds .venv (pip shows its progress); later runs, online or offline, only use it.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
INCLUDE ?= /usr/include

.PHONY: demo test bench lint sysdeps clean

# What building pycddlib's exact backend (cdd.gmp) needs from Debian, checked only while .venv is
# being built and only when the venv's pycddlib does not already import cdd.gmp. Either header
# location is enough: Debian installs gmp.h only under /usr/include/<multiarch>/. apt-get (as root,
# else through sudo) runs only when something is missing.
sysdeps:
	@if [ -x $(PY) ] && $(PY) -c 'import cdd.gmp' 2>/dev/null; then exit 0; fi; \
	have() { for f in "$$@"; do [ -e "$$f" ] && return 0; done; return 1; }; \
	missing=""; \
	have $(INCLUDE)/cdd/cdd.h $(INCLUDE)/cddlib/cdd.h || missing="$$missing libcdd-dev"; \
	have $(INCLUDE)/gmp.h $(INCLUDE)/*/gmp.h || missing="$$missing libgmp-dev"; \
	command -v cc >/dev/null 2>&1 || missing="$$missing gcc"; \
	$(PYTHON) -c 'import ensurepip' 2>/dev/null || missing="$$missing python3-venv"; \
	$(PYTHON) -c 'import os, sys, sysconfig; \
	    sys.exit(not os.path.exists(os.path.join(sysconfig.get_paths()["include"], "Python.h")))' \
	    || missing="$$missing python3-dev"; \
	[ -z "$$missing" ] && exit 0; \
	echo "relucvx: installing the Debian packages pycddlib needs:$$missing"; \
	SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	$$SUDO apt-get update -qq && $$SUDO apt-get install -y -qq $$missing >/dev/null

$(STAMP): pyproject.toml
	@$(MAKE) --no-print-directory sysdeps PYTHON=$(PYTHON)
	@echo "relucvx: building $(VENV) (first run only, 1-2 minutes; pip prints its progress)"
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --upgrade pip
	$(PY) -m pip install -e '.[dev]'
	@# a Jupyter kernel visible only to this venv's Jupyter (nothing under ~/.local)
	$(PY) -m ipykernel install --sys-prefix --name relucvx --display-name "Python (relucvx .venv)"
	touch $(STAMP)
	@echo "relucvx: $(VENV) is ready; '. $(VENV)/bin/activate' puts relucvx and pytest on PATH"

demo: $(STAMP)
	$(VENV)/bin/relucvx demo

# OpenBLAS picks its kernels by CPU, and their rounding steers the float guesses (which groups a
# polish holds, which path a guess takes): the planted failures of tests/test_gap_target.py and
# tests/test_polish_stall.py hang on such paths. Where the CPU has AVX2, `make test` pins the
# Haswell kernels, so that every such machine takes the same paths; the exact bounds never depend
# on them.
BLAS_PIN := $(shell grep -qw avx2 /proc/cpuinfo 2>/dev/null && echo OPENBLAS_CORETYPE=Haswell)

test: $(STAMP)
	$(BLAS_PIN) $(PY) -m pytest -p no:cacheprovider --hypothesis-profile=ci -n auto tests --nbmake notebooks

bench: $(STAMP)
	$(PY) benchmarks/run.py

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/mypy

clean:
	rm -rf $(VENV)
