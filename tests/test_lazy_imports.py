"""sympy is imported only where it is used (arrangement/lazy.py): a rational certified solve in
a fresh process never loads it, and the modules that need it still get the real one."""

import subprocess
import sys
import textwrap

from arrangement.lazy import lazy_module


def _fresh(code: str) -> str:
    out = subprocess.run([sys.executable, "-c", textwrap.dedent(code)], capture_output=True,
                         text=True, check=True)
    return out.stdout.strip()


def test_a_rational_solve_does_not_import_sympy():
    code = """
        import sys
        from exact.certify import solve
        sol = solve([[1, 0], [0, 1], [1, 1], [-1, 2]], [1, -1, 2, 0], "1/10")
        assert sol.lower <= sol.upper
        m = sys.modules.get("sympy")
        print("absent" if m is None else type(m).__name__)
    """
    assert _fresh(code) in ("absent", "_LazyModule")


def test_the_characteristic_polynomial_still_gets_sympy():
    code = """
        import sys
        from arrangement.lattice import characteristic_polynomial
        p = characteristic_polynomial([[1, 0], [0, 1], [1, 1]], 2)
        print(p.as_expr(), type(sys.modules["sympy"]).__name__)
    """
    assert _fresh(code) == "t**2 - 3*t + 2 module"


def test_lazy_module_is_the_module_once_imported():
    import json

    assert lazy_module("json") is json


def test_lazy_module_of_a_missing_module_fails_at_once():
    import pytest

    with pytest.raises(ModuleNotFoundError, match="no_such_module_relucvx"):
        lazy_module("no_such_module_relucvx")
