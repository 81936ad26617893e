"""``P*`` as an exact algebraic number when few groups are active (squared loss, MATH.md §7, §9).

On a fixed active set S (groups g = (i, s)) with fixed faces — for each group the facets ``F_g``
its projection touches — the optimality conditions of MATH.md §7 read (the reduced problem of
exact/certify.py's docstring, *derived* there): ``w_g = ρ_g q_g``, ``q_g = P_g s XᵀD_g v`` with
``P_g`` the orthogonal projector onto ``{u : a_j·u = 0, j ∈ F_g}``, ``v = y − Σ_g ρ_g K_g v``
(``K_g = D_g X P_g XᵀD_g``) and ``vᵀK_g v = ‖q_g‖² = β²`` for every g ∈ S, and then
``P* = ½ yᵀv + ½ β² Σ_g ρ_g`` (φ at its stationary point).

To keep the polynomial system small, ``P_g = Z_g G_g Z_gᵀ`` with ``Z_g`` a rational basis of the
face's subspace and ``G_g = (Z_gᵀZ_g)⁻¹``; with ``C_g = D_g X Z_g`` and ``c_g = C_gᵀ v`` the
conditions become ``(I + H R) c = Cᵀy`` (``H_{hg} = C_hᵀC_g G_g``, ``R = diag(ρ_g)``) and
``c_gᵀ G_g c_g = β²``. Eliminating ``c`` by the adjugate of ``N = I + HR`` gives polynomials in
``ρ`` and ``P``; a lex Gröbner basis (sympy) eliminates ``ρ`` (``z·det N = 1`` excludes singular
N), leaving a univariate polynomial whose real roots contain ``P*`` when the guessed active set
and faces are right. The root is chosen as the unique one in the certified interval
``[lower, upper]``; its irreducible factor is the minimal polynomial, and a rational isolating
interval is refined exactly (sympy's real root isolation) until it lies inside
``[lower, upper]``: ``verified`` is that exact containment.

Honesty: containment does not by itself prove ``value = P*`` (another number could sit in the
interval); ``proved`` is True only when an exact gap-0 certificate (:func:`exact.optimal_set`,
``exact=True``) gives the same rational value. The active set is taken from a minimal-support
vertex of the optimal polytope (at most ``max_groups`` groups), the faces from the supports of the
projection multipliers (exact ones at ``v*`` when known, else the certified ones).

Oracles (MATH.md §9): V data ``P* = 37/200``; whitened ``g(‖y₊‖) + g(‖y₋‖)`` (irrational when
``‖y₊‖`` is); rank one ``½‖ŷ − y‖² + β(|z₊| + |z₋|)``.

References: Wang, Lacotte & Pilanci (2022), arXiv:2006.05900; poster (seed 004); MATH.md §7, §9.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from fractions import Fraction

import sympy

__all__ = ["ClosedForm", "closed_form", "in_interval"]

Group = tuple[int, int]


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
    ``lower ≤ value ≤ upper`` for the certified solution; ``proved``: equal to an exact gap-0
    value.
    """

    value: sympy.Expr
    minimal_polynomial: sympy.Poly
    interval: tuple[Fraction, Fraction]
    groups: tuple[Group, ...]
    facets: dict[Group, tuple[int, ...]] = field(default_factory=dict)
    verified: bool = False
    proved: bool = False
    note: str = ""

    def verify(self, solution) -> bool:
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
    raise ArithmeticError("root isolation did not separate the root from the bounds")  # pragma: no cover


# -- the reduced system -----------------------------------------------------------------------------
def _face_basis(A: Sequence[Sequence[int]], F: Sequence[int], d: int) -> sympy.Matrix:
    """A rational basis (columns) of ``{u : a_j·u = 0, j ∈ F}``."""
    if not F:
        return sympy.eye(d)
    M = sympy.Matrix([[int(x) for x in A[j]] for j in F])
    ns = M.nullspace()
    return sympy.Matrix.hstack(*ns) if ns else sympy.zeros(d, 0)


def _univariate(cp, groups: Sequence[Group], faces: dict[Group, tuple[int, ...]]):
    """The polynomial in ``P`` eliminating ρ (module docstring), or None."""
    Psym = sympy.Symbol("P")
    z = sympy.Symbol("z")
    rhos = sympy.symbols(f"rho0:{len(groups)}")
    X = sympy.Matrix([[_R(x) for x in row] for row in cp.X])
    y = sympy.Matrix([_R(t) for t in cp.y])
    beta2 = _R(cp.beta) ** 2
    Cs, Gs = [], []
    for (i, _s) in groups:
        Z = _face_basis(cp.cones[i], faces[(i, _s)], cp.d)
        if Z.shape[1] == 0:
            return None
        D = sympy.diag(*[int(t) for t in cp.patterns[i]])
        Cs.append(D * X * Z)
        Gs.append((Z.T * Z).inv())
    sizes = [C.shape[1] for C in Cs]
    m = sum(sizes)
    if m > 8:  # keeps the symbolic determinant small
        return None
    C = sympy.Matrix.hstack(*Cs)
    G = sympy.diag(*Gs)
    R = sympy.diag(*[rhos[k] for k, r in enumerate(sizes) for _ in range(r)])
    N = sympy.eye(m) + C.T * C * G * R
    det = sympy.expand(N.det(method="berkowitz"))
    adj = N.adjugate(method="berkowitz")
    num = adj * (C.T * y)  # c = num / det
    eqs = []
    off = 0
    for k, r in enumerate(sizes):
        cg = num[off:off + r, 0]
        eqs.append(sympy.expand((cg.T * Gs[k] * cg)[0, 0] - beta2 * det**2))
        off += r
    # P = ½ yᵀv + ½β²Σρ with v = y − C G R c  ⇒  2P·det = ‖y‖²det − yᵀC G R num + β²Σρ·det
    yy = (y.T * y)[0, 0]
    eqs.append(sympy.expand(2 * Psym * det - yy * det + (y.T * C * G * R * num)[0, 0]
                            - beta2 * sum(rhos) * det))
    eqs.append(sympy.expand(z * det - 1))
    gb = sympy.groebner(eqs, *rhos, z, Psym, order="lex")
    for g in gb.exprs:
        if g.free_symbols <= {Psym} and g.free_symbols:
            return sympy.Poly(g, Psym)
    return None


def _faces_at(cp, groups: Sequence[Group], v) -> dict[Group, tuple[int, ...]]:
    from exact.optimal_set import _group_projection

    return {g: _group_projection(cp, g, tuple(v)).support for g in groups}


def closed_form(solution, optset=None, *, max_groups: int = 3) -> ClosedForm | None:
    """``P*`` as an exact algebraic number from the KKT system on a small active set, or None.

    ``optset`` (from :func:`exact.optimal_set.optimal_set`) is computed when not given. Returns
    None for the hinge loss, when every minimal vertex has more than ``max_groups`` groups, or
    when the elimination does not give exactly one root in the certified interval.

    >>> from exact.certify import solve
    >>> sol = solve([[-1, 1], [0, 1], [1, 1]], [1, 0, 1], "1/10")      # MATH.md §9, V data
    >>> cf = closed_form(sol)
    >>> cf.value, cf.verified, cf.proved
    (37/200, True, True)

    References: Wang, Lacotte & Pilanci (2022), arXiv:2006.05900; MATH.md §7, §9.
    """
    if solution.loss != "squared" or solution.program is None:
        return None
    cp = solution.program
    if optset is None:
        from exact.optimal_set import optimal_set

        optset = optimal_set(solution, networks=False)
    v = optset.dual if optset.exact else solution.dual
    tried: set[tuple[Group, ...]] = set()
    Psym = sympy.Symbol("P")
    for W in sorted(optset.vertices, key=lambda W: (len(W), sorted(W))):
        groups = tuple(sorted(W))
        if len(groups) > max_groups or groups in tried:
            continue
        tried.add(groups)
        if not groups:
            continue
        faces = _faces_at(cp, groups, v)
        poly = _univariate(cp, groups, faces)
        if poly is None or poly.is_zero:
            continue
        lo, hi = solution.lower, solution.upper
        cands = []
        for fac, _mult in poly.factor_list()[1]:
            fac = sympy.Poly(fac, Psym)
            if fac.degree() < 1 or fac.count_roots(_R(lo), _R(hi)) == 0:
                continue
            for idx, ((a, b), _m) in enumerate(fac.intervals()):
                if in_interval(fac, (_F(sympy.Rational(a)), _F(sympy.Rational(b))), lo, hi):
                    cands.append((fac, idx, (_F(sympy.Rational(a)), _F(sympy.Rational(b)))))
        if len(cands) != 1:
            continue
        fac, idx, iso = cands[0]
        fac = sympy.Poly(fac.monic(), Psym)
        roots = fac.real_roots(radicals=fac.degree() <= 2)
        value = roots[idx] if fac.degree() <= 2 else sympy.CRootOf(fac.as_expr(), Psym, idx)
        value = sympy.nsimplify(value) if fac.degree() == 1 else value
        proved = bool(optset.exact and fac.degree() == 1
                      and _F(sympy.Rational(value)) == optset.value)
        cf = ClosedForm(value=value, minimal_polynomial=fac, interval=iso, groups=groups,
                        facets=faces, proved=proved)
        cf.verified = cf.verify(solution)
        cf.note = (f"KKT system on {len(groups)} active group(s) with faces {faces}; root of a "
                   f"degree-{fac.degree()} minimal polynomial, the only one in the certified "
                   f"interval" + ("; equals the exact gap-0 value" if proved else ""))
        return cf
    return None
