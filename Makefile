# `make demo` and `make test` each set themselves up on a fresh Debian machine.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: demo test bench lint sysdeps clean

sysdeps:
	@if ! ls /usr/include/cdd/cdd.h /usr/include/cddlib/cdd.h >/dev/null 2>&1 || \
	    ! ls /usr/include/gmp.h /usr/include/*/gmp.h >/dev/null 2>&1; then \
		echo "installing libcdd-dev libgmp-dev (pycddlib's exact backend)"; \
		SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
		$$SUDO apt-get update -qq && $$SUDO apt-get install -y -qq libcdd-dev libgmp-dev >/dev/null; \
	fi

$(STAMP): pyproject.toml | sysdeps
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[dev]'
	$(PY) -m ipykernel install --user --name relucvx >/dev/null 2>&1 || true
	touch $(STAMP)

demo: $(STAMP)
	$(VENV)/bin/relucvx demo

test: $(STAMP)
	$(PY) -m pytest -p no:cacheprovider --hypothesis-profile=ci tests --nbmake notebooks

bench: $(STAMP)
	$(PY) benchmarks/run.py

lint: $(STAMP)
	$(VENV)/bin/ruff check .

clean:
	rm -rf $(VENV)
