"""Exact Euclidean projection onto a rational polyhedral cone, with a checkable certificate.

For a closed cone ``C = {u : A u ≥ 0}`` with rational rows and a rational point ``g`` the
projection ``p = Π_C(g)`` is rational, and it is characterised by the KKT conditions of
``min ½‖u − g‖²  s.t.  A u ≥ 0`` (docs/MATH.md §7, "Projection certificate"):

    A p ≥ 0,     λ ≥ 0,     g − p = −Aᵀλ,     λ_j (A p)_j = 0  for every j.

These are finitely many rational equalities and inequalities, so the pair ``(p, λ)`` is a
certificate that anyone can check with a few dot products (:func:`verify_projection`). The dual
constraint of the convex program (docs/MATH.md §7) needs ``‖Π_C(g)‖² = pᵀg`` (Moreau: ``p ⟂ g −
p``),
exposed as :func:`cone_support`.

Method. A float guess of the active set comes from the dual problem
``λ = argmin_{λ ≥ 0} ‖g + Aᵀλ‖`` (scipy's NNLS); the guessed support is then solved *exactly* with
fractions (a linearly independent subset of the support rows, Gram system), and the result is
verified exactly. When the guess is wrong (degenerate or ill-conditioned cones), an exact
Lawson–Hanson active-set method on the same dual gives the answer, so the function is always
correct; floats only ever choose which exact system to solve.

References: Pilanci & Ergen (2020), "Neural networks are convex regularizers"; Wang, Lacotte &
Pilanci (2022), "The hidden convex optimization landscape of regularized two-layer ReLU networks";
Lawson & Hanson (1974), "Solving least squares problems", ch. 23.
"""

from __future__ import annotations

import math
import operator
from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction

import numpy as np

from arrangement.exactla import Number, dot, independent_subset, solve
from arrangement.intmat import float_rows
from exact.types import Vec

__all__ = [
    "FaceCache",
    "ProjectionCertificate",
    "integer_projection",
    "lawson_hanson",
    "project_onto_cone",
    "verify_projection",
    "cone_support",
]


@dataclass(frozen=True, eq=False)
class ProjectionCertificate:
    """``p = Π_C(g)`` for ``C = {u : A u ≥ 0}`` with its multipliers ``λ`` (one per row of A).

    ``support`` lists the rows with ``λ_j > 0``; ``value`` is ``‖p‖² = pᵀg``. Two
    certificates are equal when their ``p`` and ``λ`` are (whichever way they were made:
    :func:`integer_projection` keeps integers and makes the Fractions on first use).
    """

    p: Vec
    lam: Vec

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, ProjectionCertificate):
            return NotImplemented
        return (self.p, self.lam) == (other.p, other.lam)

    def __hash__(self) -> int:
        return hash((self.p, self.lam))

    @property
    def support(self) -> tuple[int, ...]:
        return tuple(j for j, v in enumerate(self.lam) if v > 0)

    def integer_form(self) -> tuple[list[int], int]:
        """``(pnum, q)`` with ``p = pnum/q``, integers, ``q > 0`` (for exact tests on p that
        a positive scaling leaves alone, without Fractions).

        >>> ProjectionCertificate((Fraction(1, 2), Fraction(-1, 3)), ()).integer_form()
        ([3, -2], 6)
        """
        q = math.lcm(*(Fraction(x).denominator for x in self.p))
        return [int(Fraction(x) * q) for x in self.p], q

    @property
    def norm2(self) -> Fraction:
        """``‖p‖²`` exactly."""
        return sum((x * x for x in self.p), Fraction(0))


# -- small exact linear algebra ------------------------------------------------------------------

def _ls_on(A: list[Vec], g: Vec, P: Sequence[int]) -> list[Fraction] | None:
    """Multipliers ``z`` on the independent rows P with ``A_P (g + A_Pᵀ z) = 0`` (exact)."""
    G = [[dot(A[a], A[b]) for b in P] for a in P]
    rhs = [-dot(A[a], g) for a in P]
    return solve(G, rhs)


def _assemble(A: list[Vec], g: Vec, P: Sequence[int], z: Sequence[Fraction]) -> Vec:
    p = list(g)
    for j, zj in zip(P, z):
        if zj:
            for t, a in enumerate(A[j]):
                if a:
                    p[t] += zj * a
    return tuple(p)


def _cert(A: list[Vec], g: Vec, P: Sequence[int], z: Sequence[Fraction]
          ) -> ProjectionCertificate:
    lam = [Fraction(0)] * len(A)
    for j, zj in zip(P, z):
        lam[j] = zj
    return ProjectionCertificate(_assemble(A, g, P, z), tuple(lam))


def _as_rows(A: Sequence[Sequence[Number]], d: int) -> list[Vec]:
    rows = [tuple(Fraction(x) for x in row) for row in A]
    for r in rows:
        if len(r) != d:
            raise ValueError(f"cone row of length {len(r)} for a point of dimension {d}")
    return rows


# -- the projection ------------------------------------------------------------------------------
def _numeric_guess(A: list[Vec], g: Vec) -> ProjectionCertificate | None:
    """Exact solve on the support that a float NNLS of the dual suggests (may be wrong: checked)."""
    from arrangement.scipy_direct import nnls

    # guarded: rows (and g) scaled by positive constants first, so no float overflows; the
    # rows are normalised and g rescaled below anyway, so the guess is unchanged
    Af = float_rows(A).reshape(len(A), -1)
    gf = float_rows([g])[0]
    norms = np.linalg.norm(Af, axis=1)
    norms[norms == 0] = 1.0
    An = Af / norms[:, None]  # unit rows: the float problem is better conditioned
    scale = max(float(np.linalg.norm(gf)), 1e-300)
    try:
        lam_f, _ = nnls(An.T, -gf / scale, maxiter=50 * len(A) + 50)
    except Exception:  # noqa: BLE001 - any float failure just means "no guess"
        return None
    support = [j for j in np.argsort(-lam_f) if lam_f[j] > 1e-10]
    P = independent_subset(A, [int(j) for j in support])
    z = _ls_on(A, g, P) if P else []
    if z is None:
        return None
    cert = _cert(A, g, P, z)
    return cert if _check(A, g, cert) else None


def _lawson_hanson(A: list[Vec], g: Vec) -> ProjectionCertificate:
    """Exact Lawson–Hanson NNLS on the dual ``min_{λ≥0} ½‖g + Aᵀλ‖²``.

    The gradient of the dual objective is ``A p`` with ``p = g + Aᵀλ``; a row with
    ``(A p)_j < 0`` is a violated primal constraint and enters the passive set. In exact
    arithmetic the passive rows stay linearly independent (an entering row has ``a_j·p < 0``
    while ``p ⟂`` the passive rows), so every Gram system below is nonsingular and the method
    terminates (Lawson & Hanson 1974, ch. 23).
    """
    m = len(A)
    lam = [Fraction(0)] * m
    P: list[int] = []
    p = g
    for _ in range(20 * m + 100):
        Ap = [dot(a, p) for a in A]
        cand = [j for j in range(m) if j not in P and Ap[j] < 0]
        if not cand:
            cert = ProjectionCertificate(p, tuple(lam))
            if _check(A, g, cert):
                return cert
            break  # pragma: no cover - impossible in exact arithmetic
        # most violated constraint, measured as a distance: (a·p)² / ‖a‖²
        j = max(cand, key=lambda t: Ap[t] * Ap[t] / dot(A[t], A[t]))
        P.append(j)
        while True:
            z = _ls_on(A, g, P)
            if z is None:  # pragma: no cover - see the docstring
                raise ArithmeticError("singular Gram system in the exact active-set method")
            if all(v > 0 for v in z):
                for t, v in zip(P, z):
                    lam[t] = v
                break
            # step from lam towards z until the first multiplier reaches zero, drop it
            alpha = min((lam[t] / (lam[t] - v) if lam[t] != v else Fraction(0))
                        for t, v in zip(P, z) if v <= 0)
            for t, v in zip(P, z):
                lam[t] = lam[t] + alpha * (v - lam[t])
            P = [t for t in P if lam[t] > 0]
            for t in range(m):
                if t not in P:
                    lam[t] = Fraction(0)
            if not P:
                break
        p = _assemble(A, g, P, [lam[t] for t in P])
    raise ArithmeticError("exact active-set projection did not converge")  # pragma: no cover


def lawson_hanson(A: Sequence[Sequence[Number]], g: Sequence[Number]) -> ProjectionCertificate:
    """The exact active-set method alone (no float guess, no shortcut): what
    :func:`project_onto_cone` falls back on, for testing it on its own.

    >>> lawson_hanson([(1, 0), (0, 1)], (3, -2)).lam
    (Fraction(0, 1), Fraction(2, 1))
    """
    gv = tuple(Fraction(x) for x in g)
    return _lawson_hanson(_as_rows(A, len(gv)), gv)


def project_onto_cone(A: Sequence[Sequence[Number]], g: Sequence[Number]) -> ProjectionCertificate:
    """Exact projection of ``g`` onto ``{u : A u ≥ 0}``, with KKT multipliers (docs/MATH.md §7).

    ``A`` is a list of rational rows (possibly empty: then the cone is the whole space and
    ``p = g``); ``g`` is a rational vector. The result always satisfies
    :func:`verify_projection`.

    >>> c = project_onto_cone([(1, 0), (0, 1)], (3, -2))
    >>> c.p, c.lam
    ((Fraction(3, 1), Fraction(0, 1)), (Fraction(0, 1), Fraction(2, 1)))
    >>> project_onto_cone([(1, 1)], (-1, 0)).p
    (Fraction(-1, 2), Fraction(1, 2))
    """
    gv = tuple(Fraction(x) for x in g)
    rows = _as_rows(A, len(gv))
    if not rows:
        return ProjectionCertificate(gv, ())
    # g already in the cone: p = g, λ = 0 (the common case for many chambers)
    ag = [dot(a, gv) for a in rows]
    if all(x >= 0 for x in ag):
        return ProjectionCertificate(gv, tuple(Fraction(0) for _ in rows))
    # one violated facet is often the whole active set (always when d ≤ 2 and the cone is a
    # wedge seen from inside its angle): try each, exactly, before the numeric guess
    for k in sorted((k for k, x in enumerate(ag) if x < 0), key=lambda k: ag[k]):
        z = -ag[k] / dot(rows[k], rows[k])
        cert = _cert(rows, gv, [k], [z])
        if all(dot(a, cert.p) >= 0 for a in rows):
            return cert  # KKT holds: λ_k = z > 0, a_k·p = 0, the rest have λ = 0
    guess = _numeric_guess(rows, gv)
    if guess is not None:
        return guess
    return _lawson_hanson(rows, gv)


def _check(A: list[Vec], g: Vec, cert: ProjectionCertificate) -> bool:
    p, lam = cert.p, cert.lam
    if len(p) != len(g) or len(lam) != len(A):
        return False
    if any(v < 0 for v in lam):
        return False
    for a, l in zip(A, lam):
        s = dot(a, p)
        if s < 0 or (l != 0 and s != 0):
            return False
    # g − p = −Aᵀλ  ⇔  p = g + Aᵀλ
    q = _assemble(A, g, range(len(A)), lam)
    return q == tuple(p)


def verify_projection(A: Sequence[Sequence[Number]], g: Sequence[Number],
                      cert: ProjectionCertificate) -> bool:
    """Exact check of a projection certificate: ``Ap ≥ 0, λ ≥ 0, g − p = −Aᵀλ, λ_j(Ap)_j = 0``.

    These are the KKT conditions of the (convex) projection problem, hence sufficient for
    ``p = Π_C(g)`` (docs/MATH.md §7).

    >>> A, g = [(1, 0)], (-1, 1)
    >>> verify_projection(A, g, project_onto_cone(A, g))
    True
    >>> verify_projection(A, g, ProjectionCertificate((Fraction(0), Fraction(0)), (Fraction(1),)))
    False
    """
    gv = tuple(Fraction(x) for x in g)
    try:
        rows = _as_rows(A, len(gv))
        cert = ProjectionCertificate(tuple(Fraction(x) for x in cert.p),
                                     tuple(Fraction(x) for x in cert.lam))
    except (TypeError, ValueError):
        return False
    return _check(rows, gv, cert)


def cone_support(A: Sequence[Sequence[Number]], g: Sequence[Number]) -> Fraction:
    """``‖Π_C(g)‖² = pᵀg`` exactly: the square of ``max_{u∈C, ‖u‖≤1} gᵀu`` (0 if that is ≤ 0).

    The dual constraint of docs/MATH.md §7 for a (chamber, sign) reads ``cone_support(A_i, g) ≤ β²``
    with ``g = s XᵀD_i v``; when no direction of the cone has ``gᵀu > 0`` the projection is 0.

    >>> cone_support([(1, 0), (0, 1)], (3, -2))
    Fraction(9, 1)
    >>> cone_support([(1, 0), (0, 1)], (-3, -2))
    Fraction(0, 1)
    """
    cert = project_onto_cone(A, g)
    return dot(cert.p, tuple(Fraction(x) for x in g))


def integer_projection(A: Sequence[Sequence[int]], g: Sequence[int], den: int = 1,
                       order: Sequence[int] = (), cache: FaceCache | None = None,
                       near: Sequence[int] = ()) -> tuple[ProjectionCertificate, Fraction]:
    """``Π_C(g/den)`` for ``C = {u : A u ≥ 0}`` with integer rows A, integers g and ``den > 0``,
    and ``‖Π_C(g/den)‖²``: the certificate of :func:`project_onto_cone` (the same KKT
    conditions, checked exactly), found in integer arithmetic when the guessed support
    ``order`` (facet rows by decreasing float multiplier) or a single violated facet is the
    active set: the Gram system on it solved fraction-free
    (:func:`arrangement.exactla.integer_solve`), ``p = g + A_Pᵀz``, then ``A p ≥ 0`` and
    ``z ≥ 0`` checked in integers. Otherwise :func:`project_onto_cone` on the Fractions.
    The certificate keeps the integers and makes its Fractions when first read (a dual pass
    projects hundreds of groups whose ``p`` and ``λ`` only a certificate writer reads).
    ``cache`` (a :class:`FaceCache`) reuses the Gram systems' ``(det, adjugate)`` of active
    sets already met (neighbouring chambers tied at an optimum share their faces): the same
    certificate, fewer integer products. ``near`` (optional, at most :data:`NEAR_MAX` rows)
    names facets g is known to lie close to (e.g. the tight facets of a float point that g
    rounds): when the guesses above fail, every nonempty subset of them is tried as the
    active set, largest first (a rounded point is outside its cone by rounding alone, below
    what a float NNLS can see, and its projection moves onto some of these facets).

    >>> c, t = integer_projection([(1, 0), (0, 1)], (3, -2), 2)
    >>> c.p, c.lam, t
    ((Fraction(3, 2), Fraction(0, 1)), (Fraction(0, 1), Fraction(1, 1)), Fraction(9, 4))
    >>> c == project_onto_cone([(1, 0), (0, 1)], (Fraction(3, 2), Fraction(-1)))
    True
    """
    res = _integer_kkt(A, g, order, cache) if A else (list(g), 1, {})
    if res is None and near and len(near) <= NEAR_MAX:
        res = _near_kkt(A, g, near, cache)
    if res is None and not order:  # the support of a float NNLS of the dual, then again
        guess = _float_support([tuple(int(x) for x in a) for a in A], [int(x) for x in g])
        res = _integer_kkt(A, g, guess, cache) if guess else None
    if res is None:
        gv = tuple(Fraction(x, den) for x in g)
        c = project_onto_cone(A, gv)
        return c, dot(c.p, gv)
    pnum, D, x = res
    q = D * den
    return (_IntegerCertificate(pnum, q, x, len(A)),
            Fraction(sum(map(operator.mul, pnum, g)), q * den))


#: The most ``near`` facets :func:`integer_projection` tries every subset of (2^k − 1 systems).
NEAR_MAX = 6


def _near_kkt(A: Sequence[Sequence[int]], g: Sequence[int], near: Sequence[int],
              cache: FaceCache | None = None) -> tuple[list[int], int, dict[int, int]] | None:
    """:func:`_integer_kkt` on every nonempty subset of the rows ``near`` as the active set,
    largest first; the first whose KKT conditions hold exactly (the projection is unique, so
    any such subset gives it), or None."""
    from itertools import combinations

    ag = [sum(map(operator.mul, r, g)) for r in A]
    rows = sorted(set(int(j) for j in near))
    for size in range(min(len(rows), len(g)), 0, -1):
        for P in combinations(rows, size):
            res = _kkt_on(A, g, ag, list(P), cache)
            if res is not None:
                return res
    return None


class _IntegerCertificate(ProjectionCertificate):
    """A :class:`ProjectionCertificate` with ``p = pnum/q`` and ``λ_j = x_j/q`` (the rows j
    of the dict x; 0 elsewhere), its Fractions made on first use."""

    _ints: tuple[list[int], int, dict[int, int], int]

    def __init__(self, pnum: list[int], q: int, x: dict[int, int], f: int):
        object.__setattr__(self, "_ints", (pnum, q, x, f))

    @property  # type: ignore[override]  # a read-only field, computed once
    def p(self) -> Vec:
        c = self.__dict__.get("_p")
        if c is None:
            pnum, q = self._ints[0], self._ints[1]
            c = tuple(Fraction(t, q) for t in pnum)
            object.__setattr__(self, "_p", c)
        return c

    @property  # type: ignore[override]
    def lam(self) -> Vec:
        c = self.__dict__.get("_lam")
        if c is None:
            _pnum, q, x, f = self._ints
            zero = Fraction(0)
            lam = [zero] * f
            for j, xj in x.items():
                lam[j] = Fraction(xj, q)
            c = tuple(lam)
            object.__setattr__(self, "_lam", c)
        return c

    @property
    def support(self) -> tuple[int, ...]:
        return tuple(sorted(j for j, xj in self._ints[2].items() if xj > 0))

    def integer_form(self) -> tuple[list[int], int]:
        return list(self._ints[0]), self._ints[1]


class FaceCache:
    """``(det G, adj G)`` of the Gram matrices ``G = A_P A_Pᵀ`` of active sets of at most three
    rows, keyed exactly by the rows themselves (integer tuples, in the order of P): what
    :func:`integer_projection` solves on, so a face met again (chambers sharing it) costs no
    Gram matrix and no cofactors. The key is the whole integer rows, never an index or a float:
    two faces with the same key have the same Gram matrix, hence the same solution.

    >>> fc = FaceCache()
    >>> fc.adjugate([(1, 0), (1, 1)])
    (1, [[2, -1], [-1, 1]])
    >>> fc.adjugate([(1, 0), (1, 1)]) is fc.adjugate([(1, 0), (1, 1)]), len(fc)
    (True, 1)
    """

    def __init__(self) -> None:
        self._faces: dict[tuple, tuple[int, list[list[int]]]] = {}

    def __len__(self) -> int:
        return len(self._faces)

    def key(self, rows: Sequence[Sequence[int]]) -> tuple:
        """The exact key of an active set: its integer rows, in order."""
        return tuple(map(tuple, rows))

    def adjugate(self, rows: Sequence[Sequence[int]]) -> tuple[int, list[list[int]]]:
        """``(det G, adj G)`` of ``G = A_P A_Pᵀ`` for 2 or 3 integer rows (computed once per
        key)."""
        k = self.key(rows)
        c = self._faces.get(k)
        if c is None:
            c = self._faces[k] = _adjugate(
                [[sum(map(operator.mul, ra, rb)) for rb in rows] for ra in rows])
        return c


def _kkt_on(A: Sequence[Sequence[int]], g: Sequence[int], ag: list[int], P: Sequence[int],
            cache: FaceCache | None = None) -> tuple[list[int], int, dict[int, int]] | None:
    """The KKT point of :func:`_integer_kkt` on the active set P, or None when the Gram
    system is singular or the point fails ``z ≥ 0`` or ``A p ≥ 0`` (exactly)."""
    from arrangement.exactla import integer_solve

    x: list[int]
    if len(P) == 1:  # one facet: z = −a·g/‖a‖², no elimination
        row = A[P[0]]
        x, D = [-ag[P[0]]], sum(map(operator.mul, row, row))
        if D == 0:
            return None
    else:
        rows = [A[r] for r in P]
        rhs = [-ag[r] for r in P]
        if len(P) <= 3:  # Cramer: G·adj(G) = det(G)·I, so x = adj(G)·rhs solves G x = D·rhs
            D, adj = (cache.adjugate(rows) if cache is not None else _adjugate(
                [[sum(map(operator.mul, ra, rb)) for rb in rows] for ra in rows]))
            if D == 0:
                return None
            x = [sum(map(operator.mul, row, rhs)) for row in adj]
            if D < 0:
                D, x = -D, [-t for t in x]
        else:
            G = [[sum(map(operator.mul, ra, rb)) for rb in rows] for ra in rows]
            sol = integer_solve(G, rhs)
            if sol is None:
                return None
            x, D = sol
    if any(t < 0 for t in x):
        return None
    pnum = [D * gc for gc in g]
    for j, t in zip(P, x):
        if t:
            for c, a in enumerate(A[j]):
                if a:
                    pnum[c] += t * a
    # a_j·p = 0 on P by the exact solve; the other rows must have a·p ≥ 0
    inP = set(P)
    for j, r in enumerate(A):
        if j not in inP and sum(map(operator.mul, r, pnum)) < 0:
            return None
    return pnum, D, {j: t for j, t in zip(P, x) if t}


def _adjugate(G: list[list[int]]) -> tuple[int, list[list[int]]]:
    """``(det G, adj G)`` of an integer 2 × 2 or 3 × 3 matrix (cofactors)."""
    if len(G) == 2:
        (a, b), (c, d) = G
        return a * d - b * c, [[d, -b], [-c, a]]
    (a, b, c), (d, e, f), (g, h, i) = G
    A_, B_, C_ = e * i - f * h, f * g - d * i, d * h - e * g
    adj = [[A_, c * h - b * i, b * f - c * e],
           [B_, a * i - c * g, c * d - a * f],
           [C_, b * g - a * h, a * e - b * d]]
    return a * A_ + b * B_ + c * C_, adj


def _integer_kkt(A: Sequence[Sequence[int]], g: Sequence[int], order: Sequence[int],
                 cache: FaceCache | None = None) -> tuple[list[int], int, dict[int, int]] | None:
    """``Π_C(g)`` for ``C = {u : A u ≥ 0}`` and an integer g, in integers: ``(pnum, D, x)``
    with ``p = pnum/D`` and ``λ_j = x_j/D`` (rows j in x; the others 0), the KKT conditions
    checked exactly (docs/MATH.md §7); None when neither the guessed support ``order`` (by
    decreasing float multiplier) nor a single violated facet is the active set."""
    from arrangement.exactla import pivot_rows

    ag = [sum(map(operator.mul, r, g)) for r in A]
    if all(x >= 0 for x in ag):
        return list(g), 1, {}
    tried: list[list[int]] = []
    if order:
        P = list(order)
        res = _kkt_on(A, g, ag, P, cache) if len(P) <= len(g) else None
        tried.append(P)
        if res is None and len(P) > 1:  # dependent rows: a maximal independent subset
            Q = [P[t] for t in pivot_rows([list(A[j]) for j in P])]
            if Q != P:
                res = _kkt_on(A, g, ag, Q, cache)
                tried.append(Q)
        if res is not None:
            return res
    viol = sorted((j for j, x in enumerate(ag) if x < 0),  # by distance (an order only)
                  key=lambda j: ag[j] // max(math.isqrt(sum(a * a for a in A[j])), 1))
    for j in viol:
        if [j] not in tried:
            res = _kkt_on(A, g, ag, [j])
            if res is not None:
                return res
    return None


def _float_support(A: list[tuple[int, ...]], g: list[int]) -> list[int]:
    """The facet rows a float NNLS of the dual ``min_{λ≥0} ‖g + Aᵀλ‖`` uses, by decreasing λ."""
    from arrangement.scipy_direct import nnls

    Af = float_rows(A).reshape(len(A), -1)
    gf = float_rows([g])[0]
    norms = np.linalg.norm(Af, axis=1)
    norms[norms == 0] = 1.0
    scale = max(float(np.linalg.norm(gf)), 1e-300)
    try:
        lam, _ = nnls((Af / norms[:, None]).T, -gf / scale, maxiter=50 * len(A) + 50)
    except Exception:  # noqa: BLE001 - any float failure just means "no guess"
        return []
    return [int(j) for j in np.argsort(-lam) if lam[j] > 1e-10]
