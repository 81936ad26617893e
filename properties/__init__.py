"""Property-based checks of the theory: hypothesis strategies, theorem checks, ``relucvx fuzz``.

- :mod:`properties.strategies` — exact data (generic by construction, degenerate by
  construction, integer, with a bias column, and the integer lists of the arrangement tests),
  targets, β, networks, convex points and transformations;
- :mod:`properties.registry` — :class:`Theorem`, :class:`Counterexample`, the ``@theorem``
  decorator and the registry :data:`THEOREMS`;
- :mod:`properties.theorems` — the built-in checks, one per claim of docs/MATH.md;
- :mod:`properties.fuzz` — the programmatic hypothesis runner behind ``relucvx fuzz``;
- :mod:`properties.profiles` — the hypothesis profiles (``ci``, ``fuzz``, ``dev``), shared by
  ``relucvx fuzz`` and pytest.

Write a conjecture in a file and run it with ``relucvx fuzz --module FILE``::

    from properties import theorem, Counterexample, strategies as S

    @theorem("my_claim", strategy=S.instances())
    def my_claim(inst):
        "One line saying what is claimed."
        ...
        return None  # or Counterexample.make("my_claim", "why", inst)

The built-in theorems are loaded lazily (``properties.theorems``), so importing this package
stays cheap.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from properties.registry import (
        THEOREMS,
        Counterexample,
        CounterexampleFound,
        Theorem,
        theorem,
    )

__all__ = ["THEOREMS", "Counterexample", "CounterexampleFound", "Theorem", "theorem",
           "load_builtin"]
_REGISTRY_NAMES = frozenset(__all__) - {"load_builtin"}


def __getattr__(name: str) -> Any:
    # The registry imports hypothesis (about 0.15 s): it is loaded on first use, so that building
    # the CLI parser, which imports properties.command, does not pay for it in `relucvx verify`.
    if name in _REGISTRY_NAMES:
        from properties import registry

        return getattr(registry, name)
    raise AttributeError(f"module 'properties' has no attribute {name!r}")


def load_builtin() -> dict[str, Theorem]:
    """Import :mod:`properties.theorems` (registering every built-in check) and return
    :data:`THEOREMS`."""
    import properties.theorems  # noqa: F401
    from properties.registry import THEOREMS

    return THEOREMS
