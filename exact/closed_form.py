"""``P*`` as an exact algebraic number when few groups are active, and a proof (docs/MATH.md §7,
§9).

**The reduced system.** On a fixed active set S (groups g = (i, s)) with fixed faces — for each
group the facets ``F_g`` its projection touches — the optimality conditions of docs/MATH.md §7 read
(the reduced problem of exact/certify.py's docstring, *derived* there): ``w_g = ρ_g q_g``,
``q_g = P_g s XᵀD_g v`` with ``P_g`` the orthogonal projector onto ``{u : a_j·u = 0, j ∈ F_g}``,
``v = y − Σ_g ρ_g K_g v`` (``K_g = D_g X P_g XᵀD_g``) and ``vᵀK_g v = ‖q_g‖² = β²`` for every
g ∈ S; then ``P* = ½ yᵀv + ½ β² Σ_g ρ_g`` (φ at its stationary point). With ``P_g = Z_g G_g Z_gᵀ``
(``Z_g`` a rational basis of the face's subspace, ``G_g = (Z_gᵀZ_g)⁻¹``), ``C_g = D_g X Z_g`` and
``c_g = C_gᵀ v`` the conditions become ``(I + H R) c = Cᵀy`` (``H = CᵀC G``, ``R = diag(ρ_g)``),
``c_gᵀ G_g c_g = β²`` and ``v = y − C G R c``. Groups sharing no touched row decouple: each
*component* contributes its own share ``P_c = ½ y_cᵀv_c + ½ β² Σ_{g∈c} ρ_g`` (*derived*).

**Elimination** (*derived*; timings measured on 1-D data with a bias column, 2 cores). Per
component there are ``m = Σ_g dim(face_g)`` unknowns x, and two affine maps ``a(x) = R c`` and
``b(x) = c``: when H is invertible ``x = c`` and ``a = H⁻¹(Cᵀy − x)`` (the *c-form*), else
``x = R c`` and ``b = Cᵀy − H x`` (the *t-form*, which needs no inverse). The conditions are then
quadratic: ``b_gᵀ G_g b_g = β²``, ``a_g ∥ b_g`` (all 2×2 minors vanish) and
``2P = yᵀv + β² Σ ρ_g`` with ``v = y − C G a``, ``ρ_g = a_gᵀ G_g b_g / β²``. A grevlex Gröbner
basis (sympy) converted to lex by FGLM, the x's before P, is usually in shape position
``{x_i − h_i(P), f(P)}``; when it is not (two solutions share a P, as for the V data), each
irreducible factor of the eliminant f is added to the ideal and eliminated again. On a branch
in shape position every coordinate of the solution is a polynomial in ``P``, so ``ρ`` and
``v`` lie in the number field ``Q(P_c)``; the real root is the one whose ``b = Cᵀv`` matches
the certified dual. Measured alternatives, for the record (three groups, faces of dimensions
(1, 1, 1) and (1, 2, 1)): a lex basis directly, in the ρ's with ``z·det N = 1``: over 120 s for
the first; grevlex + FGLM in the ρ's: 5.8 s and over 60 s; successive resultants in the c's:
0.2 s and 47 s (with a spurious factor of the same degree, and no ρ); grevlex + FGLM in x, as
kept: 0.1 s and 0.9 s. Over random instances (:data:`MAX_UNKNOWNS`) m = 3 stays below 0.2 s,
m = 4 below 3 s, m = 5 mostly exceeds 20 s, so larger components are refused, and a wall-clock
limit (:data:`TIME_LIMIT`) guards against slow cases (data with large denominators).

``P`` itself: ``R_0 = P − constant`` and ``R_c(P) = res_y(R_{c−1}(P − y), m_c(y))`` over the
components vanish at ``Σ_c θ_c + constant``; its irreducible factor with a root in the
enclosure of the sum is the minimal polynomial (:func:`_value_polynomial`).

**Proof** (:func:`prove_kkt`). Exact arithmetic in ``Q(θ_c) = Q[θ]/(m_c)`` (Fractions) and
rational interval enclosures of the real root ``θ_c`` (bisection on its isolating interval,
mean-value bounds) decide everything, with no floating point (docs/MATH.md §7):

1. *identities*, exactly in ``Q(θ_c)``: ``c_gᵀ G_g c_g = β²`` with ``c_g = C_gᵀ v`` (so
   ``‖q_g‖ = β``); the fit ``Σ_g ρ_g C_g G_g c_g = y − v`` (so ``v = y − ŷ(W)``); the dual
   share ``Σ_{j∈c} (y_j v_j − ½ v_j²)`` and the primal share ``Σ_{j∈c} ½ v_j² + β² Σ ρ_g`` both
   equal ``θ_c``; rows no group touches have ``v_j = y_j``;
2. *primal feasibility*: ``ρ_g ≥ 0`` and ``a·q_g ≥ 0`` for every facet a of ``C_g`` (exactly 0
   on ``F_g``, otherwise a sign), so ``w_g = ρ_g q_g ∈ C_g`` with ``‖w_g‖ = β ρ_g``;
3. *dual feasibility*: for g ∈ S the face multipliers ``λ = −(B Bᵀ)⁻¹ B g`` (B independent rows
   of ``F_g``) are ``≥ 0``, so ``q_g = Π_{C_g}(g)`` and ``‖Π‖ = β``; for every other chamber and
   sign a rational ``λ ≥ 0`` (the exact multipliers of a rational approximation of g) gives
   ``‖Π_{C_i}(g)‖² ≤ ‖g + Aᵀλ‖² < β²`` in interval arithmetic (Moreau;
   :func:`exact.certify.dual_bound`), and a group whose projection has norm β to working
   precision is projected exactly: in ``Q(θ_c)``, or, when g mixes components, in a compositum
   (sympy's primitive element, checked exactly; degree at most :data:`MAX_COMPOSITUM`, else the
   group stays undecided and the value unproved).


Then the primal point W and the dual point v have the same objective ``Σ_c θ_c + ½ Σ y_j²``
(untouched rows): by weak duality both are optimal and ``P*`` equals it (docs/MATH.md §4, §7).
``proved`` is that; ``verified`` is the containment of the value in the certified interval.
A rational ``P*`` with an exact gap-0 certificate (:func:`exact.optimal_set.optimal_set`) is
returned directly, ``proved`` by that certificate.

Oracles (docs/MATH.md §9): V data ``P* = 37/200``; whitened ``g(‖y₊‖) + g(‖y₋‖)`` (irrational when
``‖y₊‖`` is); rank one ``½‖ŷ − y‖² + β(|z₊| + |z₋|)``.

References: Wang, Lacotte & Pilanci (2022), arXiv:2006.05900; poster (seed 004); Faugère,
Gianni, Lazard & Mora (1993), "Efficient computation of zero-dimensional Gröbner bases by change
of ordering" (FGLM); docs/MATH.md §4, §7, §9.
"""

from __future__ import annotations

import math
import time
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from fractions import Fraction
from types import FrameType
from typing import TYPE_CHECKING, NamedTuple, NoReturn

import sympy

from exact.types import Group

if TYPE_CHECKING:  # annotations only: the solver modules stay out of this module's imports
    from exact.certify import Solution
    from exact.convex import ConvexProgram
    from exact.optimal_set import OptimalSet

__all__ = ["ClosedForm", "KKTPoint", "MAX_UNKNOWNS", "TIME_LIMIT", "closed_form", "in_interval",
           "kkt_point", "prove_kkt"]

Elem = tuple[Fraction, ...]
Mixed = dict[int, Elem]

#: Largest number of unknowns (sum of the face dimensions) of one component that is eliminated.
#: Measured on random 1-D data with a bias column (integers in [-4, 4], β in tenths): m = 3 at
#: most 0.2 s (39 components), m = 4 at most 3 s (26), m = 5 over 20 s for 18 of 25.
MAX_UNKNOWNS = 4

#: Default wall-clock limit (seconds) of one :func:`closed_form` call, eliminations and proofs
#: together: m = 4 with denominators near 100 took up to 26 s to eliminate.
TIME_LIMIT = 10.0



class _Timeout(Exception):
    pass


@contextmanager
def _time_limit(seconds: float | None) -> Iterator[None]:
    """Raise ``_Timeout`` inside the block after ``seconds`` (SIGALRM). Without a limit, off the
    main thread, off POSIX, or when another interval timer is running, the block is unlimited
    rather than interfering with someone else's alarm."""
    import signal
    import threading

    if seconds is None or not hasattr(signal, "setitimer") or (
            threading.current_thread() is not threading.main_thread()
            or signal.getitimer(signal.ITIMER_REAL)[0] > 0):
        yield
        return
    if seconds <= 0:
        raise _Timeout

    def _alarm(signum: int, frame: FrameType | None) -> NoReturn:
        raise _Timeout

    old = signal.signal(signal.SIGALRM, _alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old)

#: Largest degree product of the fields joined into a compositum (sympy's primitive element):
#: degree 8 took well under a second, 32 over a minute.
MAX_COMPOSITUM = 16

#: Binary precisions of the interval enclosures tried in a proof, in order.

_LADDER = (64, 256, 1024)


def _R(x: Fraction | int) -> sympy.Rational:
    x = Fraction(x)
    return sympy.Rational(x.numerator, x.denominator)


def _F(x: sympy.Rational) -> Fraction:
    return Fraction(int(x.p), int(x.q))


@dataclass
class ClosedForm:
    """``P*`` as an exact algebraic number (module docstring).

    ``value``: a sympy number (Rational, radical, or CRootOf); ``minimal_polynomial``: its
    minimal polynomial over Q (sympy Poly in ``P``); ``interval``: rationals ``(a, b)`` isolating
    the root; ``groups``/``facets``: the active set and faces used; ``verified``: exactly
    ``lower ≤ value ≤ upper`` for the certified solution; ``proved``: ``value = P*`` is proved
    (an exact gap-0 certificate, or :func:`prove_kkt`); ``note`` says which, or why not;
    ``point``: the exact KKT point behind the value (None for the gap-0 shortcut).
    """

    value: sympy.Expr
    minimal_polynomial: sympy.Poly
    interval: tuple[Fraction, Fraction]
    groups: tuple[Group, ...]
    facets: dict[Group, tuple[int, ...]] = field(default_factory=dict)
    verified: bool = False
    proved: bool = False
    note: str = ""
    point: KKTPoint | None = field(default=None, repr=False)

    def verify(self, solution: Solution) -> bool:
        """Exact check ``solution.lower ≤ value ≤ solution.upper``."""
        return in_interval(self.minimal_polynomial, self.interval, solution.lower,
                           solution.upper)

    def __str__(self) -> str:
        return str(self.value)


def in_interval(poly: sympy.Poly, iso: tuple[Fraction, Fraction], lo: Fraction, hi: Fraction
                ) -> bool:
    """Is the root of the irreducible ``poly`` isolated by ``iso`` inside ``[lo, hi]``? Exact.

    >>> P = sympy.Symbol("P")
    >>> in_interval(sympy.Poly(P**2 - 2, P), (Fraction(1), Fraction(2)), Fraction(14, 10),
    ...             Fraction(15, 10))
    True
    """
    a, b = Fraction(iso[0]), Fraction(iso[1])
    if poly.degree() == 1:
        c0, c1 = poly.all_coeffs()[1], poly.all_coeffs()[0]
        r = -_F(sympy.Rational(c0)) / _F(sympy.Rational(c1))
        return lo <= r <= hi
    # an irreducible polynomial of degree ≥ 2 has no rational root: refinement terminates
    for _ in range(2000):
        if lo <= a and b <= hi:
            return True
        if b < lo or a > hi:
            return False
        s, t = poly.refine_root(_R(a), _R(b), steps=4)
        a, b = _F(sympy.Rational(s)), _F(sympy.Rational(t))
    raise ArithmeticError(  # pragma: no cover
        "root isolation did not separate the root from the bounds")


# -- exact real number fields ---------------------------------------------------------------------
def _down(x: Fraction, k: int) -> Fraction:
    return Fraction(math.floor(x * (1 << k)), 1 << k)


def _up(x: Fraction, k: int) -> Fraction:
    return Fraction(math.ceil(x * (1 << k)), 1 << k)


def _log2_floor(q: Fraction) -> int:
    """``floor(log2 q)`` for ``q > 0``."""
    e = q.numerator.bit_length() - q.denominator.bit_length()
    return e if Fraction(2) ** e <= q else e - 1


class _NumberField:
    """``Q(θ)`` for the real root θ of a monic irreducible polynomial, isolated by ``[lo, hi]``.

    Elements are coefficient tuples (low → high) of polynomials of degree < deg in θ; arithmetic
    is exact (reduction modulo the minimal polynomial), and an element is 0 exactly when all its
    coefficients are (irreducibility). Enclosures refine ``[lo, hi]`` by bisection with exact
    sign evaluations, so they are rigorous.
    """

    def __init__(self, poly: Sequence[Fraction], lo: Fraction, hi: Fraction,
                 expr: sympy.Expr | None = None):
        self.poly = tuple(Fraction(c) for c in poly)
        self.deg = len(self.poly) - 1
        if self.deg == 1:  # θ rational: the "interval" is the point
            lo = hi = -self.poly[0]
        self.lo, self.hi = Fraction(lo), Fraction(hi)
        #: the isolating interval as given: it never shrinks, unlike ``[lo, hi]``
        self.iso = (self.lo, self.hi)
        self.expr = expr if expr is not None else _R(self.lo)

        den = math.lcm(*(c.denominator for c in self.poly))
        self._ipoly = [int(c * den) for c in self.poly]  # same roots, integer coefficients

    def const(self, c: Fraction | int) -> Elem:
        return (Fraction(c),) + (Fraction(0),) * (self.deg - 1)

    @property
    def theta(self) -> Elem:
        if self.deg == 1:
            return (self.lo,)
        return (Fraction(0), Fraction(1)) + (Fraction(0),) * (self.deg - 2)

    def reduce(self, coeffs: Sequence[Fraction]) -> Elem:
        c = [Fraction(x) for x in coeffs] + [Fraction(0)] * max(0, self.deg - len(coeffs))
        D, m = self.deg, self.poly
        for k in range(len(c) - 1, D - 1, -1):
            t = c[k]
            if t:
                for j in range(D):
                    if m[j]:
                        c[k - D + j] -= t * m[j]
        return tuple(c[:D])

    def mul(self, a: Elem, b: Elem) -> Elem:
        prod = [Fraction(0)] * (len(a) + len(b) - 1)
        for i, x in enumerate(a):
            if x:
                for j, z in enumerate(b):
                    if z:
                        prod[i + j] += x * z
        return self.reduce(prod)

    def _sign_at(self, t: Fraction) -> int:
        """The sign of the minimal polynomial at t, in integer arithmetic: ``Σ a_i M^i Q^{D−i}``
        for ``t = M/Q`` (Fractions would spend their time in gcds)."""
        M, Q = t.numerator, t.denominator
        r = self._ipoly[-1]
        Qp = 1
        for a in reversed(self._ipoly[:-1]):
            Qp *= Q
            r = r * M + a * Qp
        return (r > 0) - (r < 0)

    def refine(self, bits: int) -> None:
        """Shrink ``[lo, hi]`` to width ``≤ 2^-bits`` (bisection on dyadic points, exact signs)."""
        w = Fraction(1, 1 << bits)
        if self.hi - self.lo <= w:
            return
        pos_lo = self._sign_at(self.lo) > 0
        while self.hi - self.lo > w:
            # a dyadic point near the middle keeps the denominators small: with
            # 2^-k ≤ width / 8 it lies in the middle half of the interval
            k = max(0, 3 - _log2_floor(self.hi - self.lo))
            mid = Fraction(round((self.lo + self.hi) / 2 * (1 << k)), 1 << k)
            sm = self._sign_at(mid)
            if sm == 0:  # pragma: no cover - an irreducible polynomial of degree ≥ 2
                self.lo = self.hi = mid
                return
            if (sm > 0) == pos_lo:
                self.lo = mid
            else:
                self.hi = mid

    def enclose(self, a: Elem, bits: int) -> tuple[Fraction, Fraction]:
        """Rationals ``lo ≤ a(θ) ≤ hi`` with ``hi − lo ≤ 2^-bits`` (mean-value bound)."""
        if not any(a[1:]):
            return a[0], a[0]
        M = max(abs(self.lo), abs(self.hi), Fraction(1))
        # sup |a'| on the interval, crudely: the width needed grows with the coefficients
        D = sum((k * abs(a[k]) * M ** (k - 1) for k in range(1, len(a))), Fraction(0))
        self.refine(bits + math.ceil(D).bit_length() + 2)
        mid = (self.lo + self.hi) / 2
        val = Fraction(0)
        for c in reversed(a):
            val = val * mid + c
        R = D * (self.hi - self.lo) / 2
        return _down(val - R, bits + 2), _up(val + R, bits + 2)


def _rational_field() -> _NumberField:
    return _NumberField((Fraction(0), Fraction(1)), Fraction(0), Fraction(0), sympy.Integer(0))


class _Arith:
    """Sums of elements of several fields (``Mixed``: field index → element): exact where they
    live in one field, rigorous interval enclosures otherwise."""

    def __init__(self, fields: Sequence[_NumberField]):
        self.fields = list(fields)
        # compositum of a set of fields: (its index, {field index: image of θ_k in it})
        self._composita: dict[tuple[int, ...], tuple[int, dict[int, Elem]] | None] = {}

    def lin(self, terms: Iterable[tuple[Fraction, Mixed]]) -> Mixed:
        out: dict[int, list[Fraction]] = {}
        for c, x in terms:
            if not c:
                continue
            for k, e in x.items():
                if self.fields[k].deg == 1:  # a rational number: keep it with the rationals
                    k = 0
                acc = out.setdefault(k, [Fraction(0)] * self.fields[k].deg)
                for t, z in enumerate(e):
                    if z:
                        acc[t] += c * z
        return {k: tuple(e) for k, e in out.items() if any(e)}

    def compositum(self, ks: Iterable[int]) -> tuple[int, dict[int, Elem]] | None:
        """A field containing every ``Q(θ_k)``, with the image of each θ_k, or None.

        sympy's primitive element proposes ``L = Q(γ)`` and polynomials ``r_k`` with
        ``θ_k = r_k(γ)``; it is checked exactly: ``m_k(r_k(γ)) = 0`` in L (so ``r_k(γ)`` is a
        root of ``m_k``) and an enclosure of ``r_k(γ)`` lies in θ_k's original isolating
        interval (so it is θ_k), for one real root γ of L's irreducible polynomial.
        """
        key = tuple(sorted(set(ks)))
        if key in self._composita:
            return self._composita[key]
        self._composita[key] = None
        Ks = [self.fields[k] for k in key]
        if math.prod(K.deg for K in Ks) > MAX_COMPOSITUM:
            return None
        from sympy.polys.numberfields.subfield import primitive_element

        x = sympy.Dummy("x")  # the θ's may be CRootOf's of polynomials in P: another name
        try:
            gp, _coeffs, reps = primitive_element([K.expr for K in Ks], x, ex=True, polys=True)
        except (sympy.polys.polyerrors.PolynomialError, NotImplementedError, ValueError):
            return None  # pragma: no cover - then the checks needing it stay undecided
        gp = sympy.Poly(gp, x)
        if not gp.is_irreducible:  # pragma: no cover - sympy returns a minimal polynomial
            return None
        gc = _poly_coeffs(gp)
        gc = [c / gc[-1] for c in gc]
        rs = [[Fraction(int(c.numerator), int(c.denominator)) for c in reversed(r)]
              for r in reps]
        for idx, ((lo, hi), _m) in enumerate(gp.intervals()):
            L = _NumberField(gc, _F(sympy.Rational(lo)), _F(sympy.Rational(hi)),
                             sympy.CRootOf(gp.as_expr(), x, idx))

            images = {}
            for k, K, r in zip(key, Ks, rs):
                e = L.reduce(r)
                val = L.const(0)
                for c in reversed(K.poly):
                    val = L.mul(val, e)
                    val = (val[0] + c,) + val[1:]
                if any(val):
                    break
                a, b = K.iso
                if not any(a <= e_lo and e_hi <= b
                           for e_lo, e_hi in (L.enclose(e, bits) for bits in _LADDER)):
                    break
                images[k] = e
            else:
                self.fields.append(L)
                self._composita[key] = (len(self.fields) - 1, images)
                return self._composita[key]
        return None

    def _image(self, k: int, e: Elem, into: int, theta: Elem) -> Elem:
        """``e(θ_k)`` in field ``into``, where θ_k is ``theta`` (Horner)."""
        L = self.fields[into]
        out = L.const(0)
        for c in reversed(e):
            out = L.mul(out, theta)
            out = (out[0] + c,) + out[1:]
        return out

    def collapse(self, xs: Sequence[Mixed]) -> tuple[int, list[Elem]] | None:
        """All of ``xs`` as elements of one field (rationals embed anywhere; several fields
        through their compositum), or None."""
        ks = {k for x in xs for k in x if k != 0}
        if len(ks) > 1:
            comp = self.compositum(ks)
            if comp is None:
                return None
            kc, images = comp
            xs = [self.lin([(Fraction(1), {0: x[0]} if 0 in x else {})]
                           + [(Fraction(1), {kc: self._image(k, e, kc, images[k])})
                              for k, e in x.items() if k != 0]) for x in xs]
            ks = {kc}
        k = ks.pop() if ks else 0

        K = self.fields[k]
        out = []
        for x in xs:
            e = list(x.get(k, K.const(0)))
            if k != 0 and 0 in x:
                e[0] += x[0][0]
            out.append(tuple(e))
        return k, out

    def enclose(self, x: Mixed, bits: int) -> tuple[Fraction, Fraction]:
        lo = hi = Fraction(0)
        for k, e in x.items():
            a, b = self.fields[k].enclose(e, bits + 2)
            lo, hi = lo + a, hi + b
        return lo, hi

    def sign(self, x: Mixed) -> int | None:
        """The exact sign of x, or None when x mixes fields, has no compositum and the
        enclosures straddle 0. Enclosures come first: the exact zero test may need a
        compositum, which is expensive."""
        for bits in _LADDER[:2]:
            lo, hi = self.enclose(x, bits)
            if lo > 0:
                return 1
            if hi < 0:
                return -1
        one = self.collapse([x])
        if one is not None:
            k, (e,) = one
            if not any(e):
                return 0
            x = {k: e}
        for bits in _LADDER[2:] + (4096,):
            lo, hi = self.enclose(x, bits)
            if lo > 0:
                return 1
            if hi < 0:
                return -1
        return None  # pragma: no cover - needs a nonzero number below 2^-4096 or mixed fields


# -- the reduced system ---------------------------------------------------------------------------
def _face_basis(A: Sequence[Sequence[int]], F: Sequence[int], d: int) -> sympy.Matrix:
    """A rational basis (columns) of ``{u : a_j·u = 0, j ∈ F}``."""
    if not F:
        return sympy.eye(d)
    M = sympy.Matrix([[int(x) for x in A[j]] for j in F])
    ns = M.nullspace()
    return sympy.Matrix.hstack(*ns) if ns else sympy.zeros(d, 0)


class _GroupFace(NamedTuple):
    """One group's reduced face: ``C = D X Z`` (n × r), ``G = (ZᵀZ)⁻¹``, the rows C touches and
    the face basis ``Z`` (d × r); sympy matrices of rationals."""

    C: sympy.Matrix
    G: sympy.Matrix
    rows: frozenset[int]
    Z: sympy.Matrix


def _component_data(cp: ConvexProgram, groups: Sequence[Group],
                    faces: dict[Group, tuple[int, ...]]) -> dict[Group, _GroupFace] | None:
    """Per group ``(C_g, G_g, rows, Z_g)``: rows are those ``C_g`` touches (None: a face is {0})."""
    X = sympy.Matrix([[_R(x) for x in row] for row in cp.X])
    data: dict[Group, _GroupFace] = {}
    for g in groups:
        i = g[0]
        Z = _face_basis(cp.cones[i], faces[g], cp.d)
        if Z.shape[1] == 0:
            return None
        D = sympy.diag(*[int(t) for t in cp.patterns[i]])
        C = D * X * Z
        rows = frozenset(j for j in range(cp.n) if any(C[j, c] for c in range(C.shape[1])))
        data[g] = _GroupFace(C, (Z.T * Z).inv(), rows, Z)
    return data


def _components(data: Mapping[Group, _GroupFace]) -> list[list[Group]]:
    """Groups linked by a shared touched row: the reduced system decouples across components."""
    comps: list[tuple[set[int], list[Group]]] = []
    for g, face in data.items():
        rows = set(face.rows)
        hit = [c for c in comps if c[0] & rows]
        merged = (rows.union(*(c[0] for c in hit)), [g] + [h for c in hit for h in c[1]])
        comps = [c for c in comps if c not in hit] + [merged]
    return [sorted(c[1]) for c in comps]


@dataclass
class _Reduced:
    comp: list[Group]
    rows: list[int]
    sizes: list[int]
    A0: sympy.Matrix
    A1: sympy.Matrix
    B0: sympy.Matrix
    B1: sympy.Matrix
    C: sympy.Matrix
    G: sympy.Matrix
    y: sympy.Matrix
    eqs: list[sympy.Expr]
    xs: tuple[sympy.Symbol, ...]


_P = sympy.Symbol("P")


def _reduced(cp: ConvexProgram, comp: Sequence[Group], data: Mapping[Group, _GroupFace]
             ) -> _Reduced | None:
    """The quadratic system of the module docstring for one component (None: too large)."""
    rows = sorted(set().union(*(data[g][2] for g in comp)))
    y = sympy.Matrix([_R(cp.y[j]) if j in rows else 0 for j in range(cp.n)])
    beta2 = _R(cp.beta) ** 2
    sizes = [data[g][0].shape[1] for g in comp]
    m = sum(sizes)
    if m > MAX_UNKNOWNS:
        return None
    C = sympy.Matrix.hstack(*(data[g][0] for g in comp))
    G = sympy.diag(*(data[g][1] for g in comp))
    H = C.T * C * G
    Cty = C.T * y
    if H.rank() == m:  # c-form: about twice as fast as the t-form when it applies
        Hi = H.inv()
        A0, A1, B0, B1 = Hi * Cty, -Hi, sympy.zeros(m, 1), sympy.eye(m)
    else:
        A0, A1, B0, B1 = sympy.zeros(m, 1), sympy.eye(m), Cty, -H
    xs = sympy.symbols(f"x0:{m}")
    x = sympy.Matrix(xs)
    a, b = A0 + A1 * x, B0 + B1 * x
    eqs: list[sympy.Expr] = []
    rho = []
    off = 0
    for k, r in enumerate(sizes):
        ag, bg, Gg = a[off:off + r, 0], b[off:off + r, 0], data[comp[k]][1]
        eqs.append(sympy.expand((bg.T * Gg * bg)[0, 0] - beta2))
        # a_g ∥ b_g: every 2×2 minor (b_g ≠ 0 since ‖b_g‖_G = β)
        eqs += [sympy.expand(ag[s] * bg[t] - ag[t] * bg[s]) for s in range(r)
                for t in range(s + 1, r)]
        rho.append((ag.T * Gg * bg)[0, 0] / beta2)
        off += r
    v = y - C * G * a
    eqs.append(sympy.expand(2 * _P - (y.T * v)[0, 0] - beta2 * sum(rho)))
    return _Reduced(list(comp), rows, sizes, A0, A1, B0, B1, C, G, y, eqs, xs)


def _lex_basis(eqs: Sequence[sympy.Expr], xs: Sequence[sympy.Symbol]) -> list | None:
    """The lex Gröbner basis (x's before P) via grevlex and FGLM; None if not zero-dimensional."""
    GB = sympy.groebner(list(eqs), *xs, _P, order="grevlex")
    if list(GB.exprs) == [1] or not GB.is_zero_dimensional:
        return None
    return list(GB.fglm("lex").exprs)


def _parse_shape(L: Sequence[sympy.Expr], xs: Sequence[sympy.Symbol]
                 ) -> tuple[sympy.Poly, list[sympy.Poly]] | None:
    """``(f, [h_i])`` when ``L = {x_i − h_i(P), f(P)}`` (shape position), else None."""
    f = None
    h: dict[int, sympy.Poly] = {}
    for e in L:
        pe = sympy.Poly(e, *xs, _P)
        present = [k for k in range(len(xs)) if pe.degree(xs[k]) > 0]
        if not present:
            f = sympy.Poly(e, _P)
            continue
        if len(present) != 1 or pe.degree(xs[present[0]]) != 1 or present[0] in h:
            return None
        q = sympy.Poly(e, xs[present[0]])
        lc = q.coeff_monomial(xs[present[0]])
        if not lc.is_number or lc == 0:
            return None
        h[present[0]] = sympy.Poly(-q.coeff_monomial(1) / lc, _P)
    if f is None or len(h) != len(xs) or f.degree() < 1:
        return None
    return f, [h[k] for k in range(len(xs))]


def _branches(red: _Reduced) -> list[tuple[sympy.Poly, list[sympy.Poly]]]:
    """Pairs ``(φ, [h_i])``: φ an irreducible factor of the eliminant ``f(P)`` and
    ``x_i = h_i(P)`` on the solutions with ``φ(P) = 0`` (grevlex, FGLM to lex).

    When the whole basis is not in shape position (two solutions share a P, as for the
    degenerate V data), each factor with real roots is added to the ideal and eliminated again:
    the true root is usually simple, so its branch is in shape position."""
    L = _lex_basis(red.eqs, red.xs)
    if L is None:
        return []
    shape = _parse_shape(L, red.xs)
    f = shape[0] if shape is not None else sympy.Poly(L[-1], _P)
    if f.degree() < 1 or any(s in f.free_symbols for s in red.xs):
        return []
    out = []
    for fac, _mult in f.factor_list()[1]:
        fac = sympy.Poly(fac, _P)
        if fac.degree() < 1 or fac.count_roots() == 0:
            continue
        if shape is not None:
            out.append((fac, shape[1]))
            continue
        Lf = _lex_basis(list(red.eqs) + [fac.as_expr()], red.xs)
        sf = _parse_shape(Lf, red.xs) if Lf is not None else None
        if sf is not None:
            out.append((fac, sf[1]))
    return out


def _poly_coeffs(p: sympy.Poly) -> list[Fraction]:
    """Coefficients low → high as Fractions."""
    return [_F(sympy.Rational(c)) for c in reversed(p.all_coeffs())]


def _choose_root(red: _Reduced, branches: Sequence[tuple[sympy.Poly, list[sympy.Poly]]],
                 b_est: Sequence[float]) -> tuple[_NumberField, list[Elem]] | None:
    """The real root θ whose solution ``b = c`` is nearest the estimate, as a number field
    ``Q(θ)`` (θ's irreducible factor φ) with the coordinates ``x_i = h_i(θ)``; None if two roots
    are about equally near (the estimate cannot tell them apart)."""
    B0, B1 = _fr_matrix(red.B0), _fr_matrix(red.B1)
    m = len(B0)
    cands = []
    for fac, h in branches:
        fc = _poly_coeffs(fac)
        fc = [c / fc[-1] for c in fc]
        for idx, ((lo, hi), _m) in enumerate(fac.intervals()):
            K = _NumberField(fc, _F(sympy.Rational(lo)), _F(sympy.Rational(hi)))
            xs = [K.reduce(_poly_coeffs(p)) for p in h]
            dist = 0.0
            for r in range(m):
                e = [B0[r][0]] + [Fraction(0)] * (K.deg - 1)
                for c in range(m):
                    if B1[r][c]:
                        e = [p + B1[r][c] * q for p, q in zip(e, xs[c])]
                a, b = K.enclose(tuple(e), 40)
                dist = max(dist, abs(float((a + b) / 2) - b_est[r]) / (1 + abs(b_est[r])))
            cands.append((dist, fac, idx, K, xs))
    if not cands:
        return None
    cands.sort(key=lambda t: t[0])
    if len(cands) > 1 and cands[1][0] < 10 * cands[0][0] + 1e-12:
        return None
    _d, fac, idx, K, xs = cands[0]
    K.expr = (sympy.Poly(fac, _P).real_roots(radicals=True)[idx] if fac.degree() <= 2
              else sympy.CRootOf(fac.as_expr(), _P, idx))
    return K, xs


# -- the KKT point --------------------------------------------------------------------------------
@dataclass
class KKTPoint:
    """An exact algebraic solution ``(ρ, v)`` of the reduced KKT system on an active set.

    ``fields[k]`` is the real number field ``Q(θ_k)`` (``fields[0]`` is Q); a number is a pair
    ``(k, coefficients)``, the polynomial in θ_k with those coefficients (low → high).
    ``components[c]`` are the groups of component c; their field is ``fields[c + 1]`` and their
    share of ``P*`` is ``θ_{c+1}`` (module docstring). ``rho[g]`` and ``v[j]`` are numbers;
    ``constant`` is ``½ Σ y_j²`` over the rows no group touches. Nothing here is claimed until
    :func:`prove_kkt` checks it.
    """

    groups: tuple[Group, ...]
    facets: dict[Group, tuple[int, ...]]
    fields: list[_NumberField]
    components: list[tuple[Group, ...]]
    rho: dict[Group, tuple[int, Elem]]
    v: list[tuple[int, Elem]]
    constant: Fraction

    @property
    def value(self) -> sympy.Expr:
        """``Σ_c θ_c + constant`` as a sympy number (the candidate ``P*``)."""
        return sum((K.expr for K in self.fields[1:]), _R(self.constant))

    def enclosure(self, bits: int = 64) -> tuple[Fraction, Fraction]:
        """Rationals enclosing :attr:`value` (width about ``2^-bits`` per component)."""
        lo = hi = self.constant
        for K in self.fields[1:]:
            a, b = K.enclose(K.theta, bits)
            lo, hi = lo + a, hi + b
        return lo, hi


def kkt_point(solution: Solution, groups: Sequence[Group],
              facets: dict[Group, tuple[int, ...]] | None = None, *,
              time_limit: float | None = TIME_LIMIT) -> KKTPoint | None:
    """The exact solution of the reduced KKT system on ``groups`` nearest the certified dual.

    ``facets`` (default: the supports of the projection multipliers at the certified dual) fix
    the faces. Returns None when a face is {0}, a component has more than :data:`MAX_UNKNOWNS`
    unknowns, the eliminations take longer than ``time_limit`` seconds (None: no limit), the
    elimination is not in shape position, or the root is ambiguous (module docstring). Nothing
    is proved here: see :func:`prove_kkt`.

    >>> from exact.certify import solve
    >>> from exact.optimal_set import optimal_set
    >>> sol = solve([[-1, 1], [0, 1], [1, 1]], [1, 0, 1], "1/10")      # docs/MATH.md §9, V data
    >>> W = optimal_set(sol, networks=False).vertices[0]
    >>> pt = kkt_point(sol, sorted(W))
    >>> pt.value, len(pt.components)
    (37/200, 1)
    """
    cp = solution.program
    if cp is None:
        raise ValueError("kkt_point needs a solution of exact.certify.solve (it holds the program)")
    groups = tuple(sorted(groups))
    if facets is None:
        facets = _faces_at(cp, groups, solution.dual)
    facets = {g: tuple(facets[g]) for g in groups}
    data = _component_data(cp, groups, facets)
    if data is None:
        return None
    vest = [float(solution.kappa * x) for x in solution.dual]
    fields = [_rational_field()]
    v: list[tuple[int, Elem]] = [(0, (Fraction(t),)) for t in cp.y]
    rho: dict[Group, tuple[int, Elem]] = {}
    comps = _components(data)
    touched: set[int] = set()
    beta2 = Fraction(cp.beta) ** 2
    maybe = [_reduced(cp, comp, data) for comp in comps]
    reds = [red for red in maybe if red is not None]
    if len(reds) < len(maybe):
        return None
    try:
        with _time_limit(time_limit):
            all_branches = [_branches(red) for red in reds]
    except _Timeout:
        return None
    for comp, red, branches in zip(comps, reds, all_branches):
        if not branches:
            return None
        m = red.C.shape[1]
        b_est = [sum(float(red.C[j, c]) * vest[j] for j in red.rows) for c in range(m)]
        got = _choose_root(red, branches, b_est)
        if got is None:
            return None
        K, x = got
        k = len(fields)
        fields.append(K)

        def affine(M0: sympy.Matrix, M1: sympy.Matrix, r: int, K: _NumberField = K,
                   x: list[Elem] = x, m: int = m) -> Elem:
            acc = [Fraction(0)] * K.deg
            acc[0] = _F(sympy.Rational(M0[r, 0]))
            for c in range(m):
                w = _F(sympy.Rational(M1[r, c]))
                if w:
                    acc = [p + w * q for p, q in zip(acc, x[c])]
            return tuple(acc)

        a = [affine(red.A0, red.A1, r) for r in range(m)]
        b = [affine(red.B0, red.B1, r) for r in range(m)]
        Gq = [[_F(sympy.Rational(red.G[r, c])) for c in range(m)] for r in range(m)]
        off = 0
        for g, r in zip(comp, red.sizes):
            acc = K.const(0)
            for s in range(off, off + r):
                for t in range(off, off + r):
                    if Gq[s][t]:
                        prod = K.mul(a[s], b[t])
                        acc = tuple(p + Gq[s][t] * q for p, q in zip(acc, prod))
            rho[g] = (k, tuple(p / beta2 for p in acc))
            off += r
        # v = y − C G a on the component's rows
        CG = red.C * red.G
        for j in red.rows:
            vj = list(K.const(cp.y[j]))
            for c in range(m):
                w = _F(sympy.Rational(CG[j, c]))
                if w:
                    vj = [p - w * q for p, q in zip(vj, a[c])]
            v[j] = (k, tuple(vj))
        touched.update(red.rows)
    const = sum((Fraction(cp.y[j]) ** 2 for j in range(cp.n) if j not in touched),
                Fraction(0)) / 2
    return KKTPoint(groups, facets, fields, [tuple(c) for c in comps], rho, v, const)


def _faces_at(cp: ConvexProgram, groups: Sequence[Group], v: Sequence[Fraction]
              ) -> dict[Group, tuple[int, ...]]:
    from exact.optimal_set import group_projection

    return {g: group_projection(cp, g, tuple(v)).support for g in groups}


# -- the proof ------------------------------------------------------------------------------------
def _fr_matrix(M: sympy.Matrix) -> list[list[Fraction]]:
    return [[_F(sympy.Rational(M[r, c])) for c in range(M.shape[1])] for r in range(M.shape[0])]


def _multipliers(A: Sequence[Sequence[int]], F: Sequence[int], g: Sequence[Mixed],
                 ar: _Arith) -> list[Mixed]:
    """``λ = −(B Bᵀ)⁻¹ B g`` on independent rows B of ``F`` (others 0): ``g − P_F g = −Aᵀλ``."""
    from arrangement.exactla import independent_subset, inverse

    rows = [tuple(Fraction(x) for x in A[j]) for j in F]
    idx = [F[t] for t in independent_subset(rows, range(len(rows)))]
    lam: list[Mixed] = [{} for _ in A]
    if not idx:
        return lam
    B = [[Fraction(x) for x in A[j]] for j in idx]
    Gi = inverse([[sum((p * q for p, q in zip(r1, r2)), Fraction(0)) for r2 in B] for r1 in B])
    Bg = [ar.lin((r[c], g[c]) for c in range(len(g))) for r in B]
    for t, j in enumerate(idx):
        lam[j] = ar.lin((-Gi[t][u], Bg[u]) for u in range(len(idx)))
    return lam


def _g_vector(cp: ConvexProgram, i: int, s: int, v: Sequence[Mixed], ar: _Arith) -> list[Mixed]:
    """``s XᵀD_i v`` as mixed numbers."""
    D = cp.patterns[i]
    return [ar.lin((s * cp.X[j][c], v[j]) for j in range(cp.n) if D[j] and cp.X[j][c])
            for c in range(cp.d)]


def _exact_projection_ok(cp: ConvexProgram, i: int, g: Sequence[Mixed], F: Sequence[int],
                         ar: _Arith, beta2: Fraction) -> bool:
    """``q = P_F g`` is ``Π_{C_i}(g)`` and ``‖q‖² ≤ β²``, decided exactly (g in one field)."""
    one = ar.collapse(g)
    if one is None:
        return False
    k, ge = one
    K = ar.fields[k]
    from arrangement.exactla import kernel_projector

    A = cp.cones[i]
    Pm = kernel_projector([A[j] for j in F], cp.d)
    if not any(any(row) for row in Pm):  # the face is {0}
        return False
    q = [tuple(sum((Pm[r][c] * ge[c][t] for c in range(cp.d)), Fraction(0))
               for t in range(K.deg)) for r in range(cp.d)]
    for a in A:
        sa = ar.sign(ar.lin((Fraction(x), {k: e}) for x, e in zip(a, q)))
        if sa is None or sa < 0:
            return False
    for x in _multipliers(A, list(F), [{k: e} for e in ge], ar):
        sx = ar.sign(x)
        if sx is None or sx < 0:
            return False

    n2 = K.const(-beta2)
    for e in q:
        sq = K.mul(e, e)
        n2 = tuple(p + r for p, r in zip(n2, sq))
    return ar.sign({k: n2}) in (-1, 0)


def _moreau_ok(cp: ConvexProgram, i: int, g: Sequence[Mixed], ar: _Arith, beta2: Fraction, bits: int
               ) -> tuple[bool, tuple[int, ...], Fraction]:
    """``‖Π_{C_i}(g)‖² < β²`` by a rational Moreau bound at ``bits`` bits; also the face of the
    approximate projection and its squared norm (for the exact fallback)."""
    from exact.projection import project_onto_cone

    enc = [ar.enclose(x, bits) for x in g]
    hi = sum((max(a * a, b * b) for a, b in enc), Fraction(0))
    if hi < beta2:
        return True, (), Fraction(0)
    mid = [_down((a + b) / 2, bits) for a, b in enc]
    A = cp.cones[i]
    cert = project_onto_cone(A, mid)
    r = [list(x) for x in enc]
    for lk, a in zip(cert.lam, A):
        if lk:
            for c, t in enumerate(a):
                r[c][0] += lk * t
                r[c][1] += lk * t
    ub = sum((max(a * a, b * b) for a, b in r), Fraction(0))
    return ub < beta2, cert.support, cert.norm2


def prove_kkt(cp: ConvexProgram, pt: KKTPoint) -> tuple[bool, str]:
    """Prove ``P* = pt.value`` exactly from the KKT point, or say which check failed.

    The checks (module docstring, docs/MATH.md §7): exact identities in each component's number
    field, ``ρ ≥ 0`` and cone membership of the primal groups, and dual feasibility of ``v`` for
    every chamber and sign (face multipliers ``≥ 0`` on the active set, strict Moreau bounds in
    rational interval arithmetic elsewhere, exact projections for groups tight at ``v``).

    >>> from exact.certify import solve
    >>> from exact.optimal_set import optimal_set
    >>> sol = solve([[-1, 1], [0, 1], [1, 1]], [1, 0, 1], "1/10")      # docs/MATH.md §9, V data
    >>> W = optimal_set(sol, networks=False).vertices[0]
    >>> ok, note = prove_kkt(sol.program, kkt_point(sol, sorted(W)))
    >>> ok, note.startswith("proved")
    (True, True)
    """
    beta2 = Fraction(cp.beta) ** 2
    ar = _Arith(pt.fields)
    data = _component_data(cp, pt.groups, pt.facets)
    if data is None:
        return False, "not proved: a face of the active set is {0}"
    v: list[Mixed] = [ar.lin([(Fraction(1), {k: e})]) for k, e in pt.v]
    # the value is Σ_c θ_c + constant: one field per component, components partitioning the
    # groups and sharing no row (else a row's objective would count twice)
    comp_rows = [set().union(*(data[g][2] for g in comp)) for comp in pt.components]
    if (len(pt.fields) != len(pt.components) + 1
            or sorted(g for comp in pt.components for g in comp) != sorted(pt.groups)
            or sum(map(len, comp_rows)) != len(set().union(*comp_rows))):
        return False, "not proved: the components do not match the fields, groups and rows"
    untouched = [j for j in range(cp.n) if not any(j in r for r in comp_rows)]
    if pt.constant != sum((Fraction(cp.y[j]) ** 2 for j in untouched), Fraction(0)) / 2:
        return False, "not proved: the constant is not ½ Σ y_j² over the untouched rows"
    touched: set[int] = set()
    checks = 0

    # 1. identities, exactly in each component's field
    for c, comp in enumerate(pt.components):
        k = c + 1
        K = pt.fields[k]
        rows = sorted(set().union(*(data[g][2] for g in comp)))
        touched.update(rows)
        one = ar.collapse([v[j] for j in rows]
                          + [ar.lin([(Fraction(1), {pt.rho[g][0]: pt.rho[g][1]})]) for g in comp])
        if one is None or one[0] not in (0, k):
            return False, f"not proved: component {c} does not live in its own field"
        ve = dict(zip(rows, (K.reduce(e) for e in one[1][:len(rows)])))
        re = dict(zip(comp, (K.reduce(e) for e in one[1][len(rows):])))
        fit = {j: list(ve[j]) for j in rows}
        for j in rows:
            fit[j][0] -= Fraction(cp.y[j])
        rho_sum = K.const(0)
        for g in comp:
            Cg, Gg = _fr_matrix(data[g][0]), _fr_matrix(data[g][1])
            r = len(Gg)
            cg = [tuple(sum((Cg[j][t] * ve[j][u] for j in rows if Cg[j][t]), Fraction(0))
                        for u in range(K.deg)) for t in range(r)]
            Gc = [tuple(sum((Gg[t][s] * cg[s][u] for s in range(r)), Fraction(0))
                        for u in range(K.deg)) for t in range(r)]
            n2 = K.const(-beta2)
            for t in range(r):
                n2 = tuple(p + q for p, q in zip(n2, K.mul(cg[t], Gc[t])))
            if any(n2):
                return False, f"not proved: ||q_g||^2 != beta^2 exactly for group {g}"
            for j in rows:
                for t in range(r):
                    if Cg[j][t]:
                        prod = K.mul(re[g], Gc[t])
                        fit[j] = [p + Cg[j][t] * q for p, q in zip(fit[j], prod)]
            rho_sum = tuple(p + q for p, q in zip(rho_sum, re[g]))
        if any(any(e) for e in fit.values()):
            return False, f"not proved: the fit of component {c} is not y - v exactly"
        dual = [Fraction(0)] * K.deg
        primal = [beta2 * q for q in rho_sum]
        for j in rows:
            sq = K.mul(ve[j], ve[j])
            yj = Fraction(cp.y[j])
            dual = [p + yj * a - b / 2 for p, a, b in zip(dual, ve[j], sq)]
            primal = [p + b / 2 for p, b in zip(primal, sq)]
        th = K.theta
        if tuple(dual) != th or tuple(primal) != th:
            return False, f"not proved: the objectives of component {c} differ from its root"
        checks += 1
    for j in range(cp.n):
        if j not in touched and v[j] != ({0: (Fraction(cp.y[j]),)} if cp.y[j] else {}):
            return False, f"not proved: v[{j}] != y[{j}] on a row no group touches"
    # 2. primal feasibility: ρ ≥ 0 and q_g ∈ C_g
    for g in pt.groups:
        k, e = pt.rho[g]
        sg = ar.sign(ar.lin([(Fraction(1), {k: e})]))
        if sg is None or sg < 0:
            return False, f"not proved: rho of group {g} is not >= 0"
        i, s = g
        Cg, Gg, Z = _fr_matrix(data[g][0]), _fr_matrix(data[g][1]), _fr_matrix(data[g][3])
        r = len(Gg)
        cv = [ar.lin((Cg[j][t], v[j]) for j in range(cp.n) if Cg[j][t]) for t in range(r)]
        Gcv = [ar.lin((Gg[t][u], cv[u]) for u in range(r)) for t in range(r)]
        qv = [ar.lin((s * Z[c][t], Gcv[t]) for t in range(r)) for c in range(cp.d)]
        for a in cp.cones[i]:
            sa = ar.sign(ar.lin((Fraction(x), qc) for x, qc in zip(a, qv)))
            if sa is None or sa < 0:
                return False, f"not proved: group {g} leaves its cone (facet {a})"
        # 3a. dual feasibility on the active set: q_g = Π(g) needs face multipliers ≥ 0
        lam = _multipliers(cp.cones[i], list(pt.facets[g]), _g_vector(cp, i, s, v, ar), ar)
        for x in lam:
            sx = ar.sign(x)
            if sx is None or sx < 0:
                return False, f"not proved: a face multiplier of group {g} is not >= 0"
    # 3b. every other chamber and sign: ‖Π_{C_i}(s XᵀD_i v)‖² ≤ β²
    active = set(pt.groups)
    tight: list[Group] = []
    for i in range(cp.p):
        for s in (1, -1):
            if (i, s) in active:
                continue
            gv = _g_vector(cp, i, s, v, ar)
            ok = exact_tried = False
            face: tuple[int, ...] = ()
            for bits in _LADDER:
                ok, face, tq = _moreau_ok(cp, i, gv, ar, beta2, bits)
                if ok:
                    break
                margin = beta2 * Fraction(1, 1 << (bits // 2))
                if tq > beta2 + margin:  # the rounding error of tq is far below the margin
                    return False, (f"not proved: v violates the dual constraint of group "
                                   f"{(i, s)} (||Pi||^2 ~ {float(tq):.6g} > beta^2)")
                if not exact_tried and tq >= beta2 - margin:
                    # tight to working precision: decide exactly instead of refining further
                    exact_tried = True
                    ok = _exact_projection_ok(cp, i, gv, face, ar, beta2)
                    if ok:
                        tight.append((i, s))
                        break
            if not ok and not exact_tried:
                ok = _exact_projection_ok(cp, i, gv, face, ar, beta2)
                if ok:
                    tight.append((i, s))
            if not ok:
                return False, (f"not proved: dual feasibility of group {(i, s)} undecided "
                               "(its projection has norm beta to working precision and no "
                               "exact projection in one field confirmed it)")
    deg = [K.deg for K in pt.fields[1:]]
    inactive = 2 * cp.p - len(pt.groups)
    return True, (f"proved (docs/MATH.md §7): P* = the sum of the {checks} component root(s) + "
                  f"{pt.constant}; the exact KKT point (rho*, v*) on {len(pt.groups)} active "
                  f"group(s), in number fields of degrees {deg}, satisfies ||q_g|| = beta, the "
                  "fit y - v* and primal value = dual value exactly; rho* >= 0, w_g in C_g and "
                  "the face multipliers >= 0 by exact signs; v* is dual feasible for the other "
                  f"{inactive} groups ({inactive - len(tight)} by strict Moreau bounds in rational "
                  f"interval arithmetic, {len(tight)} tight at v* by exact projection)")


# -- the closed form ------------------------------------------------------------------------------
def _value_polynomial(pt: KKTPoint) -> tuple[sympy.Poly, int, tuple[Fraction, Fraction]]:
    """The minimal polynomial of ``S = Σ_c θ_c + constant``, the index of S among its real
    roots (increasing) and a rational interval isolating S.

    ``R_0 = P − constant``, ``R_c(P) = res_y(R_{c−1}(P − y), m_c(y))`` vanishes at S (each
    resultant is a product of shifts by the roots of ``m_c``); S is a root of exactly one
    irreducible factor of R, found by refining the enclosure of S and the isolating intervals
    of the real roots of all factors until one interval is left meeting it. Resultants and
    factoring replace sympy's
    ``minimal_polynomial`` of a sum of ``CRootOf``: 0.2 s instead of over a minute at degree 32.
    """
    y = sympy.Dummy("y")
    const = pt.constant + sum((K.lo for K in pt.fields[1:] if K.deg == 1), Fraction(0))
    R = sympy.Poly(_P - _R(const), _P)
    for K in pt.fields[1:]:
        if K.deg > 1:
            m = sum((_R(c) * y**t for t, c in enumerate(K.poly)), sympy.Integer(0))
            R = sympy.Poly(sympy.resultant(R.as_expr().subs(_P, _P - y), m, y), _P)
    # every real root of every factor, with an isolating interval (sympy's real root isolation;
    # far faster than Sturm counts at degree 32)
    cands = []
    for f, _m in R.factor_list()[1]:
        f = sympy.Poly(f, _P).monic()
        if f.degree() == 1:
            r = -_F(sympy.Rational(f.all_coeffs()[1]))
            cands.append([f, 0, r, r])
        elif f.degree() > 1:
            cands += [[f, i, _F(sympy.Rational(a)), _F(sympy.Rational(b))]
                      for i, ((a, b), _mult) in enumerate(f.intervals())]
    for bits in (32, 64, 128, 256, 512, 1024, 2048, 4096):
        lo, hi = pt.enclosure(bits)
        cands = [c for c in cands if not (c[3] < lo or c[2] > hi)]
        if len(cands) == 1:
            # S is in [lo, hi] and in an isolating interval of its factor: this one
            f, idx, a, b = cands[0]
            return f, idx, (a, b)
        for c in cands:  # the isolating intervals of the others shrink away from S
            if c[2] < c[3]:
                s, t = c[0].refine_root(_R(c[2]), _R(c[3]), steps=8)
                c[2], c[3] = _F(sympy.Rational(s)), _F(sympy.Rational(t))
    raise ArithmeticError(  # pragma: no cover - distinct roots separate at some precision
        "the roots of the resultant did not separate")


def _closed_form_of(solution: Solution, pt: KKTPoint) -> ClosedForm | None:
    """The closed form of the KKT point's value, if it lies in the certified interval."""
    fac, idx, iso = _value_polynomial(pt)
    if fac.degree() == 1:
        value = _R(iso[0])
    else:
        value = (fac.real_roots(radicals=True)[idx] if fac.degree() == 2
                 else sympy.CRootOf(fac.as_expr(), _P, idx))

    cf = ClosedForm(value=value, minimal_polynomial=fac, interval=iso, groups=pt.groups,
                    facets=dict(pt.facets), point=pt)
    cf.verified = cf.verify(solution)
    if not cf.verified:
        return None
    cf.note = (f"KKT system on {len(pt.groups)} active group(s) in {len(pt.components)} "
               f"component(s), faces {pt.facets}; a root of a degree-{fac.degree()} minimal "
               "polynomial, inside the certified interval (containment exact)")
    return cf


def closed_form(solution: Solution, optset: OptimalSet | None = None, *, max_groups: int = 4,
                use_exact: bool = True, prove: bool = True, max_tries: int = 3,
                time_limit: float | None = TIME_LIMIT) -> ClosedForm | None:
    """``P*`` as an exact algebraic number from the KKT system on a small active set, or None.

    ``optset`` (from :func:`exact.optimal_set.optimal_set`) is computed when not given. Returns
    None for the hinge loss, when every minimal vertex has more than ``max_groups`` groups or
    a component larger than :data:`MAX_UNKNOWNS`, or when no elimination (at most ``max_tries``
    vertex supports) gives a KKT point whose value lies in the certified interval. With an
    exact optimal set the rational ``P*`` is returned directly (``proved``) unless
    ``use_exact=False``, which forces the KKT elimination. With ``prove`` the value is proved by
    :func:`prove_kkt`; the first proved vertex wins, else the first one found is returned
    unproved, its note saying why. ``time_limit`` (seconds, None: unlimited) bounds the whole
    call, eliminations and proofs; it is enforced with SIGALRM on the main thread only.

    >>> from exact.certify import solve
    >>> sol = solve([[-1, 1], [0, 1], [1, 1]], [1, 0, 1], "1/10")      # docs/MATH.md §9, V data
    >>> cf = closed_form(sol)
    >>> cf.value, cf.verified, cf.proved
    (37/200, True, True)
    >>> cf = closed_form(sol, use_exact=False)                          # through the KKT system
    >>> cf.value, cf.verified, cf.proved
    (37/200, True, True)

    References: Wang, Lacotte & Pilanci (2022), arXiv:2006.05900; docs/MATH.md §7, §9.
    """
    if solution.program is None or not solution.program.loss_fn.supports_closed_form:
        return None
    cp = solution.program
    if optset is None:
        from exact.optimal_set import optimal_set

        optset = optimal_set(solution, networks=False)
    if use_exact and optset.exact and optset.value is not None:
        # the exact gap-0 certificate already gives P*: rational, minimal polynomial P − P*
        val = optset.value
        rational = ClosedForm(value=_R(val), minimal_polynomial=sympy.Poly(_P - _R(val), _P),
                              interval=(val, val), groups=tuple(optset.active_groups),
                              proved=True,
                              note="rational P* from the exact gap-0 certificate (exact v*, "
                                   "exact projections, attained primal polytope)")
        rational.verified = rational.verify(solution)
        return rational
    # smallest supports first, and among them the smallest eliminations (the largest component's
    # unknowns, which set the cost; those above MAX_UNKNOWNS are refused without trying)
    cands: list[tuple[tuple[int, int], tuple[Group, ...], dict[Group, tuple[int, ...]]]] = []
    for W in optset.vertices:
        groups = tuple(sorted(W))
        if not groups or len(groups) > max_groups or any(c[1] == groups for c in cands):
            continue
        faces = _faces_at(cp, groups, solution.dual)
        data = _component_data(cp, groups, faces)
        if data is None:
            continue
        size = max(sum(data[g][0].shape[1] for g in comp) for comp in _components(data))
        if size <= MAX_UNKNOWNS:
            cands.append(((len(groups), size), groups, faces))
    first: ClosedForm | None = None
    deadline = None if time_limit is None else time.monotonic() + time_limit
    for _key, groups, faces in sorted(cands)[:max_tries]:
        left = None if deadline is None else deadline - time.monotonic()
        if left is not None and left <= 0:
            break
        try:
            with _time_limit(left):
                pt = kkt_point(solution, groups, faces, time_limit=None)
                cf = None if pt is None else _closed_form_of(solution, pt)
        except (_Timeout, sympy.polys.polyerrors.BasePolynomialError):
            cf = None  # out of time, or sympy gave up on this support: try the next one
        if cf is None or pt is None:
            continue
        if not prove:
            cf.note += "; not proved (prove=False)"
            return cf
        left = None if deadline is None else deadline - time.monotonic()
        try:
            with _time_limit(left):
                ok, why = prove_kkt(cp, pt)
        except _Timeout:
            ok, why = False, (f"not proved: the proof did not finish within the time limit "
                              f"({time_limit} s for the whole closed form)")
        cf.proved = ok
        cf.note += f"; {why}"
        if ok:
            return cf
        if first is None:
            first = cf
    return first
