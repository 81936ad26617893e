"""Hypothesis strategies for small exact data, and the exact oracles the arrangement tests use.

Every strategy here is an ``@st.composite`` returning a plain ``list[list[int]]`` (rows of X; all
rows have the same length d ≥ 1 and there is at least one row), or, for the transformation
strategies, a ``list[list[Fraction]]`` / ``list[Fraction]``. They are deliberately small and
composable: combine them with ``st.one_of`` or draw from one inside another composite.

Size bounds (defaults; all are keyword arguments):

- ``int_matrices``: i.i.d. integer entries; n ≤ 6, d ≤ 4, |x| ≤ 3.
- ``degenerate_matrices``: a base matrix plus zero rows, duplicate rows, positive multiples and
  antipodal rows, shuffled; n ≤ 4 + 4, d ≤ 4, |x| ≤ 9.
- ``low_rank_matrices``: ``X = B·C`` with B n×r, C r×d, r < d (rank ≤ r); n ≤ 6, d ≤ 4,
  |x| ≤ 4r.
- ``moment_curve_matrices``: rows ``c_j (1, t_j, …, t_j^{d−1})`` with distinct integers t_j and
  c_j ≠ 0, in general position (docs/MATH.md §3) by construction; n ≤ 7, 2 ≤ d ≤ 4, |t| ≤ 5.
- ``small_matrices``: one of the four above; n ≤ 8, d ≤ 4.
- ``invertible_matrices``: ``P·L·U`` (permutation, unit lower triangular, upper triangular with
  nonzero diagonal), invertible by construction; integer or rational entries of L, U ≤ 2.
- ``positive_fractions``: p/q with 1 ≤ p, q ≤ 9.

The moment-curve rows are in general position for the *linear* (central) arrangement: any d of
them form a (scaled) Vandermonde matrix with distinct nodes, hence are independent, and no two are
parallel because their first coordinates are nonzero and their nodes differ.

The oracles below (``exact_signs``, ``brute_force_chambers``, ``lp_min``, …) use only Python
integers, ``Fraction`` and pycddlib's exact GMP backend (``cdd.gmp``); they never call the
enumerator under test.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence
from fractions import Fraction

import cdd
import cdd.gmp
from hypothesis import strategies as st

from arrangement.exactla import inverse as mat_inverse  # noqa: F401 (re-exported to tests)

Matrix = list[list[int]]


# ----------------------------------------------------------------------------- strategies


@st.composite
def int_matrices(draw, n_min: int = 1, n_max: int = 6, d_min: int = 1, d_max: int = 4,
                 max_abs: int = 3) -> Matrix:
    """An ``n × d`` integer matrix, i.i.d. entries in ``[−max_abs, max_abs]`` (any degeneracy)."""
    n = draw(st.integers(n_min, n_max))
    d = draw(st.integers(d_min, d_max))
    entry = st.integers(-max_abs, max_abs)
    return [draw(st.lists(entry, min_size=d, max_size=d)) for _ in range(n)]


@st.composite
def degenerate_matrices(draw, base_n_max: int = 4, extra_max: int = 4, d_min: int = 1,
                        d_max: int = 4, max_abs: int = 3, max_factor: int = 3) -> Matrix:
    """A base matrix with degenerate rows appended, then shuffled.

    Each extra row is one of: a zero row, an exact duplicate of a base row, a positive multiple
    ``c·x`` (``2 ≤ c ≤ max_factor``) or an antipodal multiple ``−c·x`` (``1 ≤ c ≤ max_factor``).
    Size: ``n ≤ base_n_max + extra_max``, entries ``≤ max_abs·max_factor`` in absolute value.
    """
    base = draw(int_matrices(n_min=1, n_max=base_n_max, d_min=d_min, d_max=d_max,
                             max_abs=max_abs))
    d = len(base[0])
    rows = [list(r) for r in base]
    for _ in range(draw(st.integers(0, extra_max))):
        kind = draw(st.sampled_from(["zero", "dup", "mult", "anti"]))
        src = base[draw(st.integers(0, len(base) - 1))]
        if kind == "zero":
            rows.append([0] * d)
        elif kind == "dup":
            rows.append(list(src))
        elif kind == "mult":
            c = draw(st.integers(2, max_factor))
            rows.append([c * v for v in src])
        else:
            c = draw(st.integers(1, max_factor))
            rows.append([-c * v for v in src])
    return draw(st.permutations(rows))


@st.composite
def low_rank_matrices(draw, n_min: int = 2, n_max: int = 6, d_min: int = 2, d_max: int = 4,
                      max_abs: int = 2) -> Matrix:
    """``X = B·C`` with ``B`` n×r, ``C`` r×d, ``1 ≤ r < d``: rank X ≤ r (ker X ≠ 0).

    Entries of B and C lie in ``[−max_abs, max_abs]``; so ``|x| ≤ r·max_abs²``.
    """
    d = draw(st.integers(max(d_min, 2), d_max))
    r = draw(st.integers(1, d - 1))
    n = draw(st.integers(n_min, n_max))
    entry = st.integers(-max_abs, max_abs)
    B = [draw(st.lists(entry, min_size=r, max_size=r)) for _ in range(n)]
    C = [draw(st.lists(entry, min_size=d, max_size=d)) for _ in range(r)]
    return [[sum(B[i][k] * C[k][j] for k in range(r)) for j in range(d)] for i in range(n)]


@st.composite
def moment_curve_matrices(draw, n_min: int = 1, n_max: int = 7, d_min: int = 2, d_max: int = 4,
                          t_abs: int = 5, max_scale: int = 2) -> Matrix:
    """Rows ``c_j (1, t_j, …, t_j^{d−1})``, distinct integers t_j, ``c_j ∈ ±[1, max_scale]``.

    In general position for the central arrangement (see the module docstring), so the chamber
    count is Cover's ``2 Σ_{k<r} C(n−1, k)`` with ``r = min(n, d)`` (docs/MATH.md §3).
    Requires ``d ≥ 2`` (for d = 1 all rows are parallel) and ``n_max ≤ 2·t_abs + 1``.
    """
    d = draw(st.integers(max(d_min, 2), d_max))
    ts = draw(st.lists(st.integers(-t_abs, t_abs), min_size=n_min, max_size=n_max, unique=True))
    scale = st.integers(1, max_scale).flatmap(lambda c: st.sampled_from([c, -c]))
    rows = []
    for t in ts:
        c = draw(scale)
        rows.append([c * t**k for k in range(d)])
    return rows


@st.composite
def rows_and_dim(draw, n_max: int = 7, d_min: int = 1, d_max: int = 4, max_abs: int = 3):
    """(rows, d): entries in [−max_abs, max_abs], optionally low rank, then zero, duplicate,
    parallel and antiparallel rows inserted at random places (n ≤ n_max)."""
    d = draw(st.integers(d_min, d_max))
    base_n = draw(st.integers(0, n_max))
    entry = st.integers(-max_abs, max_abs)
    if d >= 2 and draw(st.booleans()):
        k = draw(st.integers(1, d - 1))  # rank ≤ k < d: a non-essential arrangement
        C = [draw(st.lists(entry, min_size=d, max_size=d)) for _ in range(k)]
        B = [draw(st.lists(st.integers(-2, 2), min_size=k, max_size=k)) for _ in range(base_n)]
        rows = [[sum(b[i] * C[i][c] for i in range(k)) for c in range(d)] for b in B]
    else:
        rows = [draw(st.lists(entry, min_size=d, max_size=d)) for _ in range(base_n)]
    for _ in range(draw(st.integers(0, n_max - base_n))):
        src = rows[draw(st.integers(0, len(rows) - 1))] if rows else [0] * d
        c = draw(st.sampled_from([1, -1, 2, -3, 0]))
        rows.insert(draw(st.integers(0, len(rows))), [c * v for v in src])
    return rows, d


def small_matrices(n_max: int = 8, d_max: int = 4) -> st.SearchStrategy[Matrix]:
    """Any of the matrix strategies above, with at most ``n_max`` rows and ``d_max`` columns."""
    return st.one_of(
        int_matrices(n_max=min(n_max, 6), d_max=d_max),
        degenerate_matrices(base_n_max=min(4, n_max), extra_max=max(0, n_max - 4), d_max=d_max),
        low_rank_matrices(n_max=min(6, n_max), d_max=max(2, d_max)),
        moment_curve_matrices(n_max=min(7, n_max), d_max=max(2, d_max)),
    )


def positive_fractions(max_num: int = 9, max_den: int = 9) -> st.SearchStrategy[Fraction]:
    """A positive rational ``p/q`` with ``1 ≤ p ≤ max_num``, ``1 ≤ q ≤ max_den``."""
    return st.builds(Fraction, st.integers(1, max_num), st.integers(1, max_den))


@st.composite
def invertible_matrices(draw, d: int, max_abs: int = 2, rational: bool = False
                        ) -> list[list[Fraction]]:
    """An invertible ``d × d`` matrix ``P·L·U`` (as Fractions; integers unless ``rational``).

    ``L`` is unit lower triangular, ``U`` upper triangular with nonzero diagonal, ``P`` a
    permutation, so ``det = ±Π U_kk ≠ 0`` by construction. Entries of L and U are in
    ``[−max_abs, max_abs]``, divided by a denominator in ``[1, 3]`` when ``rational``.
    """
    def entry(nonzero: bool = False) -> Fraction:
        num = draw(st.integers(-max_abs, max_abs).filter(lambda v: v != 0 or not nonzero))
        den = draw(st.integers(1, 3)) if rational else 1
        return Fraction(num, den)

    L = [[Fraction(int(i == j)) if i <= j else entry() for j in range(d)] for i in range(d)]
    U = [[entry(nonzero=True) if i == j else (entry() if i < j else Fraction(0))
          for j in range(d)] for i in range(d)]
    perm = draw(st.permutations(range(d)))
    LU = mat_mul(L, U)
    return [LU[perm[i]] for i in range(d)]


# ----------------------------------------------------------------------------- exact helpers


def mat_mul(A: Sequence[Sequence[Fraction | int]], B: Sequence[Sequence[Fraction | int]]
            ) -> list[list[Fraction]]:
    """Exact product of two matrices given as lists of rows."""
    return [[sum((Fraction(a) * Fraction(B[k][j]) for k, a in enumerate(row)), Fraction(0))
             for j in range(len(B[0]))] for row in A]


def exact_rank(rows: Sequence[Sequence[Fraction | int]]) -> int:
    """Rank over Q by Gaussian elimination on Fractions (independent of the code under test)."""
    M = [[Fraction(v) for v in r] for r in rows]
    rank, ncols = 0, len(M[0]) if M else 0
    for col in range(ncols):
        piv = next((i for i in range(rank, len(M)) if M[i][col] != 0), None)
        if piv is None:
            continue
        M[rank], M[piv] = M[piv], M[rank]
        for i in range(len(M)):
            if i != rank and M[i][col] != 0:
                f = M[i][col] / M[rank][col]
                M[i] = [a - f * b for a, b in zip(M[i], M[rank], strict=True)]
        rank += 1
    return rank


def dot(x: Sequence[Fraction | int], u: Sequence[Fraction | int]) -> Fraction:
    """Exact dot product."""
    return sum((Fraction(a) * Fraction(b) for a, b in zip(x, u, strict=True)), Fraction(0))


def sgn(v: Fraction | int) -> int:
    return (v > 0) - (v < 0)


def exact_signs(X: Sequence[Sequence[Fraction | int]], u: Sequence[Fraction | int]
                ) -> tuple[int, ...]:
    """``sign(X u)`` computed with Python Fractions."""
    return tuple(sgn(dot(x, u)) for x in X)


def lp_min(c: Sequence[Fraction | int],
           ge: Sequence[tuple[Sequence[Fraction | int], Fraction | int]],
           eq: Sequence[Sequence[Fraction | int]] = ()) -> Fraction | None:
    """Exact ``min c·u`` subject to ``a·u ≥ b`` for ``(a, b)`` in ``ge`` and ``a·u = 0`` in ``eq``.

    Solved by cdd's exact (GMP) simplex. Returns the optimal value, or ``None`` if infeasible;
    raises ``ValueError`` if unbounded (callers bound the region with a box).
    """
    d = len(c)
    rows: list[list[Fraction | int]] = [[-Fraction(b), *a] for a, b in ge]
    for a in eq:
        rows.append([0, *a])
        rows.append([0, *(-Fraction(v) for v in a)])
    if not rows:
        rows.append([0] * (d + 1))
    lp = cdd.gmp.linprog_from_array([*rows, [0, *c]], cdd.LPObjType.MIN)
    cdd.gmp.linprog_solve(lp)
    if lp.status == cdd.LPStatusType.OPTIMAL:
        return Fraction(lp.obj_value)
    if lp.status in (cdd.LPStatusType.INCONSISTENT, cdd.LPStatusType.STRUC_INCONSISTENT):
        return None
    raise ValueError(f"LP not solved to optimality: {lp.status!r}")


def open_cone_nonempty(rows: Sequence[Sequence[Fraction | int]], signs: Sequence[int],
                       eq: Sequence[Sequence[Fraction | int]] = ()) -> bool:
    """Whether ``{u : s_j x_j·u > 0 for s_j ≠ 0, a·u = 0 for a in eq}`` is nonempty.

    By homogeneity this is the feasibility of ``s_j x_j·u ≥ 1``, decided by an exact LP.
    """
    d = len(rows[0]) if rows else len(eq[0])
    ge = [([s * Fraction(v) for v in x], 1) for x, s in zip(rows, signs, strict=True) if s != 0]
    return lp_min([0] * d, ge, eq) is not None


def brute_force_chambers(X: Sequence[Sequence[int | Fraction]]) -> set[tuple[int, ...]]:
    """All chamber sign vectors by trying every strict sign vector on the nonzero rows.

    ``2^{#nonzero rows}`` exact LPs: use for n ≤ 7 or so. Zero rows get sign 0 (docs/MATH.md §2).
    """
    nz = [j for j, x in enumerate(X) if any(x)]
    out = set()
    if not nz:
        return {tuple(0 for _ in X)}
    for choice in itertools.product((1, -1), repeat=len(nz)):
        s = [0] * len(X)
        for j, v in zip(nz, choice, strict=True):
            s[j] = v
        if open_cone_nonempty(X, s):
            out.add(tuple(s))
    return out


def incremental_lp_chambers(normals: Sequence[Sequence[int]]) -> set[tuple[int, ...]]:
    """Chamber sign vectors of distinct hyperplanes, by adding them one at a time with LPs.

    A chamber σ of the first k hyperplanes is split by ``H_{k+1}`` into those of ``σ+`` and
    ``σ−`` that are feasible (at least one is). ``Σ_k 2·#chambers(A_k)`` exact LPs.
    """
    current: list[tuple[int, ...]] = [()]
    for k in range(len(normals)):
        nxt = []
        for sigma in current:
            for s in (1, -1):
                cand = (*sigma, s)
                if open_cone_nonempty(normals[:k + 1], cand):
                    nxt.append(cand)
        current = nxt
    return set(current)


def cover_count(n: int, r: int) -> int:
    """Cover's count ``2 Σ_{k<r} C(n−1, k)`` (docs/MATH.md §3); 1 when there is no hyperplane."""
    if n == 0:
        return 1
    return 2 * sum(math.comb(n - 1, k) for k in range(r))


def distinct_hyperplanes(X: Sequence[Sequence[int | Fraction]]) -> list[tuple[Fraction, ...]]:
    """One representative per parallel class, normalised so the first nonzero entry is 1.

    Independent of ``arrangement.intmat``: two rows define the same hyperplane iff their
    normalisations agree (docs/MATH.md §2).
    """
    reps: dict[tuple[Fraction, ...], None] = {}
    for x in X:
        q = [Fraction(v) for v in x]
        lead = next((v for v in q if v != 0), None)
        if lead is None:
            continue
        reps.setdefault(tuple(v / lead for v in q), None)
    return list(reps)
