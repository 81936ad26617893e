"""The intersection lattice of a central arrangement, its Möbius function and χ(t).

The arrangement of integer rows ``x_1..x_n`` in ``R^d`` has one hyperplane ``{u : x_j·u = 0}`` per
*parallel class* of nonzero rows (docs/MATH.md §2: ``x`` and ``c·x``, ``c ≠ 0``, define the same
hyperplane; zero rows define none). Its flats are the intersections of hyperplanes, ordered by
reverse inclusion: the bottom ``0̂`` is ``R^d`` itself (no hyperplane), the top is ``ker X``.

Everything here is computed from the rows alone, **without** enumerating chambers, so that it can
serve as an independent oracle for the chamber enumerator (docs/MATH.md §3):

- Zaslavsky (1975): ``#chambers = |χ(−1)|``, ``χ(t) = Σ_F μ(0̂, F) t^{dim F}``;
- ``f_k = Σ_{dim F = k} |χ_{A^F}(−1)|`` (faces of dimension k; Zaslavsky 1975, Thm. A);
- Whitney's formula ``χ(t) = Σ_{S ⊆ A} (−1)^{|S|} t^{d − rank S}`` as a second, brute-force oracle.

The lattice is generated rank by rank. A flat F carries an exact integer basis N of itself
(``d × dim F``); the flats covering F are ``F ∩ H`` for the hyperplanes H not containing F, and two
hyperplanes give the same cover exactly when their restrictions ``x·N`` are parallel. So one
integer matrix product per flat (batched per rank level) finds all its upper covers. The
closed set of a cover is F's set plus one parallel class of restricted rows, which is why
deduplication by row set is exact. All arithmetic is on Python integers or on numpy int64 when
a bound on the entries proves the product cannot overflow.

Reference: R. Stanley, *An introduction to hyperplane arrangements* (2007), Lectures 1–2
(lattice, Möbius function, Whitney's theorem 2.4, restriction); T. Zaslavsky, *Facing up to
arrangements*, Mem. AMS 154 (1975).
"""

from __future__ import annotations

import math
import operator
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING

import numpy as np

from arrangement import intmat
from arrangement.errors import InputError, TooLargeError
from arrangement.exactla import extend_basis, integer_rank
from arrangement.lazy import lazy_module

if TYPE_CHECKING:
    import sympy
else:  # 0.4 s to import, and the rational paths never read it (arrangement/lazy.py)
    sympy = lazy_module("sympy")

__all__ = [
    "Flat",
    "IntersectionLattice",
    "T",  # noqa: F822 - made on first use by the module __getattr__
    "WHITNEY_MAX_HYPERPLANES",
    "canonical_normal",
    "characteristic_polynomial",
    "chambers_from_chi",
    "exact_rank",
    "f_vector",
    "hyperplane_classes",
    "int_rows",
    "intersection_lattice",
    "whitney_characteristic_polynomial",
]

def _variable():
    """``t``, the variable of every characteristic polynomial returned here (made on first use:
    a module attribute would import sympy with this module, arrangement/lazy.py)."""
    return sympy.Symbol("t")  # sympy caches symbols: the same object every call


def __getattr__(name: str):
    # ``T`` (public: ``from arrangement.lattice import T``) is the variable, made when read
    if name == "T":
        return _variable()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")

#: Whitney's formula sums over all subsets of hyperplanes; refuse beyond this many.
WHITNEY_MAX_HYPERPLANES = 16

# numpy int64 is used only when a bound proves |entries| < 2**62 for every intermediate value.
# Flats per batched product (keeps the (flats × classes × dim) block of a level small).
_CHUNK = 4096

Vector = tuple[int, ...]


# ----------------------------------------------------------------------------- exact helpers


def int_rows(rows: Sequence[Sequence[int]], d: int) -> list[Vector]:
    """Validate ``rows`` as integer vectors of length ``d`` and return them as int tuples.

    >>> int_rows([[1, -2], (0, 0)], 2)
    [(1, -2), (0, 0)]
    """
    if operator.index(d) < 0:
        raise InputError(f"dimension must be nonnegative, got {d}")
    out: list[Vector] = []
    for j, row in enumerate(rows):
        try:
            vec = tuple(operator.index(v) for v in row)
        except TypeError:
            raise InputError(f"row {j} is not a vector of integers") from None
        if len(vec) != d:
            raise InputError(f"row {j} has {len(vec)} entries, expected {d}")
        out.append(vec)
    return out


def _primitive(vec: Sequence[int]) -> Vector:
    g = math.gcd(*vec)
    if g <= 1:
        return tuple(vec)
    return tuple(v // g for v in vec)


def canonical_normal(vec: Sequence[int]) -> Vector:
    """The primitive integer vector with first nonzero entry > 0 on the line of ``vec``.

    Two nonzero rows define the same hyperplane iff their canonical normals agree (docs/MATH.md §2).
    The zero vector maps to itself.

    >>> canonical_normal((0, -4, 6))
    (0, 2, -3)
    """
    p = _primitive(vec)
    for v in p:
        if v:
            return p if v > 0 else tuple(-w for w in p)
    return p


def hyperplane_classes(rows: Sequence[Vector]) -> tuple[list[Vector], list[list[int]]]:
    """Parallel classes of the nonzero rows: canonical normals and member row indices.

    Classes are listed in order of first appearance; zero rows belong to no class.

    >>> hyperplane_classes([(1, 0), (0, 0), (-2, 0), (0, 3)])
    ([(1, 0), (0, 1)], [[0, 2], [3]])
    """
    index: dict[Vector, int] = {}
    normals: list[Vector] = []
    members: list[list[int]] = []
    for j, row in enumerate(rows):
        if not any(row):
            continue
        key = canonical_normal(row)
        c = index.get(key)
        if c is None:
            index[key] = c = len(normals)
            normals.append(key)
            members.append([])
        members[c].append(j)
    return normals, members


def exact_rank(vectors: Sequence[Sequence[int]]) -> int:
    """Rank over Q of integer vectors (:func:`arrangement.exactla.integer_rank`).

    >>> exact_rank([(1, 2, 3), (2, 4, 6), (0, 1, 1)])
    2
    """
    return integer_rank(vectors)


def _kernel_in(N: tuple[Vector, ...], v: Sequence[int]) -> tuple[Vector, ...]:
    """Integer basis of ``{N t : v·t = 0}`` given basis vectors N (columns) and v ≠ 0.

    Pivot on the entry of v of smallest magnitude (keeps entries small): the vectors
    ``v_p N_i − v_i N_p`` (i ≠ p), each made primitive, span the kernel and are independent.
    """
    p = min((i for i, x in enumerate(v) if x), key=lambda i: abs(v[i]))
    vp, Np = v[p], N[p]
    out = []
    for i, Ni in enumerate(N):
        if i != p:
            out.append(_primitive([vp * a - v[i] * b for a, b in zip(Ni, Np)]))
    return tuple(out)


def _chunks(seq: list[int], size: int) -> Iterator[list[int]]:
    for s in range(0, len(seq), size):
        yield seq[s:s + size]


def _restricted_classes(A: np.ndarray, bases: list[tuple[Vector, ...]], d: int, k: int,
                        ) -> list[dict[Vector, list[int]]]:
    """For each flat (basis of dimension k), group the classes by parallel restriction.

    One product ``A @ [N_1 | N_2 | …]`` for the whole batch, then vectorised normalisation of
    every restricted row to its canonical primitive form. Classes containing the flat restrict
    to zero and are skipped.
    """
    L = len(bases)
    cols = [c for N in bases for c in N]
    B = intmat.as_int_array(cols, d).T                    # d × (L·k)
    P = intmat.matmul(A, B)                       # m × (L·k)
    m = P.shape[0]
    P = P.reshape(m, L, k).transpose(1, 0, 2)    # L × m × k
    g = np.gcd.reduce(np.abs(P), axis=2)
    zero = g == 0
    Q = P // np.where(zero, 1, g)[..., None]
    first = np.argmax(Q != 0, axis=2)
    lead = np.take_along_axis(Q, first[..., None], axis=2)
    Q = Q * np.sign(lead)
    out: list[dict[Vector, list[int]]] = []
    for Ql, Zl in zip(Q.tolist(), zero.tolist()):
        groups: dict[Vector, list[int]] = {}
        for c, (row, z) in enumerate(zip(Ql, Zl)):
            if not z:
                groups.setdefault(tuple(row), []).append(c)
        out.append(groups)
    return out


# ----------------------------------------------------------------------------- the lattice


@dataclass(frozen=True, eq=False)
class Flat:
    """One flat F of the intersection lattice.

    - ``rows``: indices of the nonzero rows vanishing on F (a closed set; zero rows, which
      vanish everywhere, are left out, so ``R^d`` has the empty set);
    - ``rank`` = codimension of F, ``dim = d − rank``;
    - ``lower`` / ``upper``: indices (into ``IntersectionLattice.flats``) of the flats that F
      covers / that cover F;
    - ``basis`` (computed on first use): ``dim`` integer vectors of length d spanning F exactly.
    """

    rows: frozenset[int]
    rank: int
    dim: int
    lower: tuple[int, ...]
    upper: tuple[int, ...]
    # Either an explicit basis, or (parent flat, primitive restricted normal) to derive it from:
    # most flats (the whole rank r−1 level) never need one unless faces are enumerated.
    _basis: tuple[Vector, ...] | None = field(default=None, repr=False)
    _parent: Flat | None = field(default=None, repr=False)
    _vec: Vector | None = field(default=None, repr=False)

    @cached_property
    def basis(self) -> tuple[Vector, ...]:
        """Integer basis vectors of F (``dim`` of them, each of length d)."""
        if self._basis is not None:
            return self._basis
        assert self._parent is not None and self._vec is not None
        return _kernel_in(self._parent.basis, self._vec)


class IntersectionLattice:
    """The intersection lattice ``L(A)`` of the rows' central arrangement (see the module doc).

    ``flats`` are sorted by rank; ``flats[0]`` is ``0̂ = R^d`` and ``flats[-1]`` is ``ker X``.

    >>> L = intersection_lattice([[1, 0], [0, 1], [1, 1]], 2)
    >>> [f.rank for f in L.flats], L.mobius
    ([0, 1, 1, 1, 2], (1, -1, -1, -1, 2))
    """

    def __init__(self, d: int, n: int, rank: int, normals: list[Vector],
                 flats: tuple[Flat, ...]):
        self.d = d
        self.n = n
        self.rank = rank
        self.normals = tuple(normals)
        self.flats = flats
        self.index = {f.rows: i for i, f in enumerate(flats)}

    def __len__(self) -> int:
        return len(self.flats)

    def levels(self) -> list[list[int]]:
        """Flat indices grouped by rank 0..r."""
        out: list[list[int]] = [[] for _ in range(self.rank + 1)]
        for i, f in enumerate(self.flats):
            out[f.rank].append(i)
        return out

    @cached_property
    def mobius(self) -> tuple[int, ...]:
        """``μ(0̂, F)`` for every flat: ``μ(0̂) = 1``, ``μ(F) = −Σ_{G<F} μ(G)``.

        The strict down-set of F is the union of the down-sets of its lower covers; only two
        rank levels of down-sets are alive at a time. The top needs no down-set: everything
        else lies below it.
        """
        mu = [0] * len(self.flats)
        mu[0] = 1
        levels = self.levels()
        prev: dict[int, set[int]] = {0: {0}}
        for k in range(1, self.rank):
            cur: dict[int, set[int]] = {}
            for f in levels[k]:
                down: set[int] = set()
                for g in self.flats[f].lower:
                    down |= prev[g]
                mu[f] = -sum(mu[g] for g in down)
                down.add(f)
                cur[f] = down
            prev = cur
        if self.rank >= 1:
            mu[-1] = -sum(mu[:-1])
        return tuple(mu)

    @cached_property
    def restriction_chi_at_minus_one(self) -> tuple[int, ...]:
        """``χ_{A^F}(−1)`` for every flat F (A^F = the arrangement restricted to F).

        Uses ``Σ_{G ≥ F} χ_{A^G}(t) = t^{dim F}`` (Möbius inversion on the interval [F, 1̂],
        which is the lattice of A^F; Stanley, Lecture 2), evaluated at t = −1 and solved
        top-down: ``χ_{A^F}(−1) = (−1)^{dim F} − Σ_{G > F} χ_{A^G}(−1)``.
        """
        c = [0] * len(self.flats)
        levels = self.levels()
        top = len(self.flats) - 1
        c[top] = (-1) ** self.flats[top].dim
        prev: dict[int, set[int]] = {top: {top}}
        for k in range(self.rank - 1, 0, -1):
            cur: dict[int, set[int]] = {}
            for f in levels[k]:
                up: set[int] = set()
                for g in self.flats[f].upper:
                    up |= prev[g]
                c[f] = (-1) ** self.flats[f].dim - sum(c[g] for g in up)
                up.add(f)
                cur[f] = up
            prev = cur
        if self.rank >= 1:
            c[0] = (-1) ** self.d - sum(c[1:])
        return tuple(c)

    def characteristic_polynomial(self) -> sympy.Poly:
        """``χ(t) = Σ_F μ(0̂, F) t^{dim F}`` (Stanley, Def. 1.3 / Thm. 2.4)."""
        coeffs = [0] * (self.d + 1)
        for f, mu in zip(self.flats, self.mobius):
            coeffs[f.dim] += mu
        return sympy.Poly.from_list(coeffs[::-1], _variable(), domain="ZZ")

    def chambers(self) -> int:
        """``|χ(−1)|`` = ``Σ_F |μ(0̂, F)|`` (Zaslavsky 1975)."""
        value = sum(mu * (-1) ** f.dim for f, mu in zip(self.flats, self.mobius))
        return abs(value)

    def f_vector(self) -> tuple[int, ...]:
        """``(f_0, …, f_d)``: ``f_k = Σ_{dim F = k} |χ_{A^F}(−1)|`` (Zaslavsky 1975, Thm. A)."""
        f = [0] * (self.d + 1)
        for flat, c in zip(self.flats, self.restriction_chi_at_minus_one):
            f[flat.dim] += abs(c)
        return tuple(f)


def intersection_lattice(rows: Sequence[Sequence[int]], d: int) -> IntersectionLattice:
    """Build the intersection lattice of ``{u : x_j·u = 0}`` exactly, rank by rank.

    Zero rows define no hyperplane; duplicate, parallel and antiparallel rows define one
    hyperplane together and always appear together in a flat's row set.

    >>> L = intersection_lattice([[1, 0], [-2, 0], [0, 1], [0, 0]], 2)
    >>> [(sorted(f.rows), f.rank, f.lower) for f in L.flats]
    [([], 0, ()), ([0, 1], 1, (0,)), ([2], 1, (0,)), ([0, 1, 2], 2, (1, 2))]

    Reference: Stanley (2007), Lecture 1 (the lattice L(A) and its rank function).
    """
    X = int_rows(rows, d)
    normals, members = hyperplane_classes(X)
    r = exact_rank(normals)
    identity = tuple(tuple(int(i == j) for j in range(d)) for i in range(d))
    cls: list[frozenset[int]] = [frozenset()]
    ranks = [0]
    # A flat's basis is derived from (parent flat, primitive restricted normal) when needed.
    source: list[tuple[int, Vector] | None] = [None]
    bases: dict[int, tuple[Vector, ...]] = {0: identity}
    lower: list[list[int]] = [[]]
    if r >= 1:
        A = intmat.as_int_array(normals, d)
        level = [0]
        # Ranks 1..r−1 by covering; rank r is the single flat ker X (every flat contains it),
        # which covers every rank r−1 flat, so that last level needs no products at all.
        for k in range(r - 1):
            index: dict[frozenset[int], int] = {}
            for f in level:
                if f not in bases:
                    parent, vec = source[f]  # type: ignore[misc]
                    bases[f] = _kernel_in(bases[parent], vec)
            for chunk in _chunks(level, _CHUNK):
                groups = _restricted_classes(A, [bases[f] for f in chunk], d, d - k)
                for f, grp in zip(chunk, groups):
                    S = cls[f]
                    for vec, cs in grp.items():
                        G = S.union(cs)
                        g = index.get(G)
                        if g is None:
                            index[G] = g = len(cls)
                            cls.append(G)
                            ranks.append(k + 1)
                            source.append((f, vec))
                            lower.append([f])
                        else:
                            lower[g].append(f)
            level = list(index.values())
        f = level[0]
        c = min(set(range(len(normals))) - cls[f])
        cls.append(frozenset(range(len(normals))))
        ranks.append(r)
        source.append((f, normals[c]))  # a normal, restricted to the parent below
        lower.append(level)
    upper: list[list[int]] = [[] for _ in cls]
    for g, lows in enumerate(lower):
        for f in lows:
            upper[f].append(g)
    if all(len(mem) == 1 for mem in members):
        single = [mem[0] for mem in members]
        row_sets = [frozenset(map(single.__getitem__, S)) for S in cls]
    else:
        row_sets = [frozenset(j for c in S for j in members[c]) for S in cls]
    built: list[Flat] = []
    for i, (R, rk, src, lo, up) in enumerate(zip(row_sets, ranks, source, lower, upper)):
        if i in bases:
            flat = Flat(R, rk, d - rk, tuple(lo), tuple(up), _basis=bases[i])
        else:
            assert src is not None
            parent, vec = src
            if i == len(cls) - 1:
                # Top: restrict one class not containing the chosen rank r−1 flat to it.
                col_vals = [sum(a * b for a, b in zip(vec, col)) for col in built[parent].basis]
                vec = _primitive(col_vals)
            flat = Flat(R, rk, d - rk, tuple(lo), tuple(up), _parent=built[parent], _vec=vec)
        built.append(flat)
    flats = tuple(built)
    return IntersectionLattice(d=d, n=len(X), rank=r, normals=normals, flats=flats)


# ----------------------------------------------------------------------------- polynomials


def characteristic_polynomial(rows: Sequence[Sequence[int]], d: int) -> sympy.Poly:
    """χ(t) = Σ_{F ∈ L(A)} μ(0̂, F) t^{dim F} from the intersection lattice (docs/MATH.md §3).

    >>> characteristic_polynomial([[1, 0], [0, 1], [1, 1]], 2).as_expr()
    t**2 - 3*t + 2

    Reference: Stanley (2007), Def. 1.3; Zaslavsky (1975).
    """
    return intersection_lattice(rows, d).characteristic_polynomial()


def chambers_from_chi(rows: Sequence[Sequence[int]], d: int) -> int:
    """Number of chambers ``|χ(−1)|`` (Zaslavsky's theorem), without enumerating them.

    >>> chambers_from_chi([[1, 0], [0, 1], [1, 1]], 2)
    6

    Reference: T. Zaslavsky, *Facing up to arrangements* (1975), Thm. A; Stanley, Thm. 2.5.
    """
    return intersection_lattice(rows, d).chambers()


def f_vector(rows: Sequence[Sequence[int]], d: int) -> tuple[int, ...]:
    """``(f_0, …, f_d)``, the number of faces of each dimension, from the lattice alone.

    ``f_k = Σ_{F: dim F = k} |χ_{A^F}(−1)|``; the smallest nonzero entry is
    ``f_{d−r} = 1`` (the lineality space ``ker X``), and ``f_d`` is the number of chambers.

    >>> f_vector([[1, 0], [0, 1], [1, 1]], 2)
    (1, 6, 6)

    Reference: Zaslavsky (1975), Thm. A; docs/MATH.md §3.
    """
    return intersection_lattice(rows, d).f_vector()


def whitney_characteristic_polynomial(rows: Sequence[Sequence[int]], d: int) -> sympy.Poly:
    """Whitney's formula ``χ(t) = Σ_{S ⊆ A} (−1)^{|S|} t^{d − rank S}`` (a brute-force oracle).

    Sums over all subsets of the *distinct* hyperplanes (parallel classes), so it is
    exponential: more than ``WHITNEY_MAX_HYPERPLANES`` hyperplanes raise ``TooLargeError``.
    Ranks are maintained incrementally along a depth-first walk over the subsets.

    >>> whitney_characteristic_polynomial([[1, 0], [0, 1], [1, 1], [2, 2]], 2).as_expr()
    t**2 - 3*t + 2

    Reference: H. Whitney (1932); Stanley (2007), Thm. 2.4.
    """
    X = int_rows(rows, d)
    normals, _ = hyperplane_classes(X)
    m = len(normals)
    if m > WHITNEY_MAX_HYPERPLANES:
        raise TooLargeError(
            f"Whitney's formula over {m} hyperplanes needs 2^{m} subsets "
            f"(limit {WHITNEY_MAX_HYPERPLANES})")
    by_rank = [0] * (d + 1)

    def walk(i: int, basis: list[tuple[int, list[int]]], size: int) -> None:
        if i == m:
            by_rank[len(basis)] += -1 if size % 2 else 1
            return
        walk(i + 1, basis, size)
        walk(i + 1, extend_basis(basis, normals[i]), size + 1)

    walk(0, [], 0)
    coeffs = [0] * (d + 1)
    for k, c in enumerate(by_rank):
        coeffs[d - k] += c
    return sympy.Poly.from_list(coeffs[::-1], _variable(), domain="ZZ")
