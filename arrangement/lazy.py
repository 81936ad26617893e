"""Modules imported on first use (the standard library's :class:`importlib.util.LazyLoader`).

sympy takes about 0.4 s to import, a third of a small ``relucvx solve`` in a fresh process,
while the rational paths never touch it: the characteristic polynomials and the algebraic
(radical) network weights do. :func:`lazy_module` returns the module object at once and runs
its import on the first attribute access.

>>> m = lazy_module("colorsys")
>>> round(m.rgb_to_hsv(1.0, 0.0, 0.0)[2], 3)
1.0
"""

from __future__ import annotations

import importlib.util
import sys
from types import ModuleType

__all__ = ["lazy_module"]


def lazy_module(name: str) -> ModuleType:
    """``name``'s module, imported when one of its attributes is first read (at once when it
    is already imported).

    Parameters
    ----------
    name : a top-level module name, e.g. ``"sympy"``.

    Returns
    -------
    The module (registered in ``sys.modules``, so a later ``import name`` gets the same object).

    >>> lazy_module("json").dumps([1])
    '[1]'
    """
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.find_spec(name)
    if spec is None or spec.loader is None:
        raise ModuleNotFoundError(f"no module named {name!r}")
    loader = importlib.util.LazyLoader(spec.loader)
    spec.loader = loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    loader.exec_module(module)
    return module
