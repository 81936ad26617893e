"""The types the exact modules share, defined once: the aliases ``Group`` and ``Vec``, and the
``typing.Protocol`` of a chamber source (what ``ConvexProgram(arrangement=...)`` reads).

>>> from fractions import Fraction
>>> g: Group = (3, -1)
>>> v: Vec = (Fraction(1, 2), Fraction(0))
>>> g[1], v[0]
(-1, Fraction(1, 2))
"""

from __future__ import annotations

from collections.abc import Sequence
from fractions import Fraction
from typing import Protocol, runtime_checkable

__all__ = ["ChamberLike", "ChamberSource", "Group", "Vec"]

#: A group of the convex program: ``(i, s)``, chamber index i and sign ``s = ±1`` (docs/MATH.md §4).
Group = tuple[int, int]

#: An exact rational vector.
Vec = tuple[Fraction, ...]


@runtime_checkable
class ChamberLike(Protocol):
    """One entry of :meth:`ChamberSource.chambers` (:class:`arrangement.core.Chamber` is one).

    ``index`` is its position in the list; ``signs`` the sign vector over the rows of X (0 at
    zero rows); ``witness`` an integer vector u (for a true chamber ``sign(Xu) = signs``);
    ``pattern`` the 0/1 diagonal of ``D`` (``1[signs ≥ 0]`` for a true chamber).

    >>> from arrangement.core import Arrangement
    >>> isinstance(Arrangement([[1, 0]]).chambers()[0], ChamberLike)
    True
    """

    @property
    def index(self) -> int: ...

    @property
    def signs(self) -> tuple[int, ...]: ...

    @property
    def witness(self) -> tuple[int, ...]: ...

    @property
    def pattern(self) -> tuple[int, ...]: ...


@runtime_checkable
class ChamberSource(Protocol):
    """The chambers a :class:`exact.convex.ConvexProgram` is built on: the full arrangement
    (:class:`arrangement.core.Arrangement`) or a stand-in such as a sub-program's chamber subset
    (``properties.theorems_optimal.subsampled_program``).

    - ``X``: the data matrix (exact), the same as the program's;
    - ``chambers()``: the entries (:class:`ChamberLike`), position = group index i;
    - ``cone(i)``: integer rows a with ``C_i = {u : a·u ≥ 0}`` (a superset of a facet
      description is allowed);
    - ``facet_rows(i)``: for each row a of ``cone(i)``, in order, a row j of X such that a is a
      positive multiple of ``σ_j x_j`` (σ = chamber i's signs): what a solve certificate's
      ``facets[t].row`` names (docs/certificates.md).

    Only :class:`arrangement.core.Arrangement` can back a completeness certificate: a stand-in's
    chamber list is not claimed to be complete.

    >>> from arrangement.core import Arrangement
    >>> arr = Arrangement([[1, 0], [0, 1], [1, 1]])
    >>> isinstance(arr, ChamberSource), arr.cone(0), arr.facet_rows(0)
    (True, [(1, 0), (0, 1)], [0, 1])
    """

    @property
    def X(self) -> tuple[tuple[Fraction, ...], ...]: ...

    def chambers(self) -> Sequence[ChamberLike]: ...

    def cone(self, i: int) -> Sequence[tuple[int, ...]]: ...

    def facet_rows(self, i: int) -> Sequence[int]: ...
