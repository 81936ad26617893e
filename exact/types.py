"""The type aliases the exact modules share, defined once.

>>> from fractions import Fraction
>>> g: Group = (3, -1)
>>> v: Vec = (Fraction(1, 2), Fraction(0))
>>> g[1], v[0]
(-1, Fraction(1, 2))
"""

from __future__ import annotations

from fractions import Fraction

__all__ = ["Group", "Vec"]

#: A group of the convex program: ``(i, s)``, chamber index i and sign ``s = ±1`` (docs/MATH.md §4).
Group = tuple[int, int]

#: An exact rational vector.
Vec = tuple[Fraction, ...]
