# arrangement/__init__.py sets SYMPY_GROUND_TYPES=python before any sympy import (python-flint,
# the optional extra, would otherwise switch sympy to FLINT ground types: OverflowError in
# exact.network's arithmetic on large rationals, notebook 04)
import arrangement as _arrangement  # noqa: F401
