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
    raise ArithmeticError(  # pragma: no cover
        "root isolation did not separate the root from the bounds")


# -- the reduced system ---------------------------------------------------------------------------
def _face_basis(A: Sequence[Sequence[int]], F: Sequence[int], d: int) -> sympy.Matrix:
    """A rational basis (columns) of ``{u : a_j·u = 0, j ∈ F}``."""
    if not F:
        return sympy.eye(d)
    M = sympy.Matrix([[int(x) for x in A[j]] for j in F])
    ns = M.nullspace()
    return sympy.Matrix.hstack(*ns) if ns else sympy.zeros(d, 0)


def _component_data(cp, groups: Sequence[Group], faces: dict[Group, tuple[int, ...]]):
    """Per group ``(C_g, G_g)`` and the rows each group touches (``None`` if a face is {0})."""
    X = sympy.Matrix([[_R(x) for x in row] for row in cp.X])
    data = {}
    for g in groups:
        i = g[0]
        Z = _face_basis(cp.cones[i], faces[g], cp.d)
        if Z.shape[1] == 0:
            return None
        D = sympy.diag(*[int(t) for t in cp.patterns[i]])
        C = D * X * Z
        rows = frozenset(j for j in range(cp.n) if any(C[j, c] for c in range(C.shape[1])))
        data[g] = (C, (Z.T * Z).inv(), rows)
    return data


def _components(data) -> list[list[Group]]:
    """Groups linked by a shared touched row: the reduced system decouples across components."""
    comps: list[tuple[set, list[Group]]] = []
    for g, (_C, _G, rows) in data.items():
        rows = set(rows)
        hit = [c for c in comps if c[0] & rows]
        merged = (rows.union(*(c[0] for c in hit)), [g] + [h for c in hit for h in c[1]])
        comps = [c for c in comps if c not in hit] + [merged]
    return [sorted(c[1]) for c in comps]


def _eliminate(polys: list[sympy.Expr], rhos: Sequence[sympy.Symbol], target: sympy.Expr
               ) -> sympy.Expr | None:
    """Eliminate the ρ's from ``polys`` (k equations) and ``target`` (links P) by resultants."""
    eqs = [sympy.Poly(e, *rhos) for e in polys]
    if len(rhos) == 1:
        r = sympy.resultant(polys[0], target, rhos[0])
        return sympy.expand(r)
    if len(rhos) == 2:
        a, b = rhos
        g1 = sympy.resultant(polys[0], polys[1], b)
        g2 = sympy.resultant(polys[0], target, b)
        if eqs[0].degree(b) == 0:  # pragma: no cover - decoupled systems are split earlier
            return None
        return sympy.expand(sympy.resultant(g1, g2, a))
    return None


def _component_poly(cp, comp: Sequence[Group], data) -> sympy.Poly | None:
    """The polynomial in ``P`` whose roots contain the component's share of ``P*``:
    ``½ y_cᵀ v_c + ½ β² Σ_{g∈comp} ρ_g`` over the rows the component touches."""
    Psym = sympy.Symbol("P")
    rhos = sympy.symbols(f"rho0:{len(comp)}")
    rows = sorted(set().union(*(data[g][2] for g in comp)))
    y = sympy.Matrix([_R(cp.y[j]) if j in rows else 0 for j in range(cp.n)])
    beta2 = _R(cp.beta) ** 2
    Cs = [data[g][0] for g in comp]
    Gs = [data[g][1] for g in comp]
    sizes = [C.shape[1] for C in Cs]
    m = sum(sizes)
    if m > 6:  # keeps the symbolic adjugate small
        return None
    C = sympy.Matrix.hstack(*Cs)
    G = sympy.diag(*Gs)
    R = sympy.diag(*[rhos[k] for k, r in enumerate(sizes) for _ in range(r)])
    N = sympy.eye(m) + C.T * C * G * R
    det0 = sympy.expand(N.det(method="berkowitz"))
    adjy = (N.adjugate(method="berkowitz") * (C.T * y)).applyfunc(sympy.expand)
    # c = adj·Cᵀy / det: cancel the common factors (else the resultants below vanish)
    fr = [sympy.fraction(sympy.cancel(e / det0)) for e in adjy]
    det = sympy.lcm_list([q for _p, q in fr]) if fr else sympy.Integer(1)
    det = sympy.expand(det)
    num = sympy.Matrix([sympy.expand(p_ * sympy.cancel(det / q)) for p_, q in fr])
    eqs = []
    off = 0
    for k, r in enumerate(sizes):
        cg = num[off:off + r, 0]
        eqs.append(sympy.expand((cg.T * Gs[k] * cg)[0, 0] - beta2 * det**2))
        off += r
    # P = ½ yᵀv + ½β²Σρ with v = y − C G R c  ⇒  2P·det = ‖y‖²det − yᵀC G R num + β²Σρ·det
    yy = (y.T * y)[0, 0]
    link = sympy.expand(2 * Psym * det - yy * det + (y.T * C * G * R * num)[0, 0]
                        - beta2 * sum(rhos) * det)
    res = _eliminate(eqs, rhos, link)
    if res is None or res == 0 or not res.has(Psym):
        return None
    return sympy.Poly(res, Psym)


def _pick_root(poly: sympy.Poly, estimate: float) -> sympy.Expr | None:
    """The real root of ``poly`` nearest ``estimate``, exact (radical or CRootOf); None if two
    roots are about equally near (the estimate cannot tell them apart)."""
    Psym = poly.gens[0]
    best = []
    for fac, _m in poly.factor_list()[1]:
        fac = sympy.Poly(fac, Psym)
        if fac.degree() < 1:
            continue
        roots = fac.real_roots(radicals=fac.degree() <= 2)
        for r in roots:
            best.append((abs(float(r.evalf(30)) - estimate), r))
    if not best:
        return None
    best.sort(key=lambda t: t[0])
    if len(best) > 1 and best[1][0] < 10 * best[0][0] + 1e-12:
        return None
    return best[0][1]


def _faces_at(cp, groups: Sequence[Group], v) -> dict[Group, tuple[int, ...]]:
    from exact.optimal_set import _group_projection

    return {g: _group_projection(cp, g, tuple(v)).support for g in groups}


def closed_form(solution, optset=None, *, max_groups: int = 3, use_exact: bool = True
                ) -> ClosedForm | None:
    """``P*`` as an exact algebraic number from the KKT system on a small active set, or None.

    ``optset`` (from :func:`exact.optimal_set.optimal_set`) is computed when not given. Returns
    None for the hinge loss, when every minimal vertex has more than ``max_groups`` groups, or
    when the elimination does not give exactly one root in the certified interval. With an
    exact optimal set the rational ``P*`` is returned directly (``proved``) unless
    ``use_exact=False``, which forces the KKT elimination.

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
    if use_exact and optset.exact and optset.value is not None:
        # the exact gap-0 certificate already gives P*: rational, minimal polynomial P − P*
        val = optset.value
        Psym = sympy.Symbol("P")
        cf = ClosedForm(value=_R(val), minimal_polynomial=sympy.Poly(Psym - _R(val), Psym),
                        interval=(val, val), groups=tuple(optset.active_groups), proved=True,
                        note="rational P* from the exact gap-0 certificate (exact v*, exact "
                             "projections, attained primal polytope)")
        cf.verified = cf.verify(solution)
        return cf
    import mpmath

    v = solution.dual
    vf = [float(solution.kappa * x) for x in v]
    beta = float(cp.beta)
    tried: set[tuple[Group, ...]] = set()
    Psym = sympy.Symbol("P")
    for W in sorted(optset.vertices, key=lambda W: (len(W), sorted(W))):
        groups = tuple(sorted(W))
        if not groups or len(groups) > max_groups or groups in tried:
            continue
        tried.add(groups)
        faces = _faces_at(cp, groups, v)
        data = _component_data(cp, groups, faces)
        if data is None:
            continue
        comps = _components(data)
        touched = set().union(*(d[2] for d in data.values()))
        total: sympy.Expr = sympy.Rational(0)
        for j in range(cp.n):
            if j not in touched:
                total += _R(cp.y[j]) ** 2 / 2
        ok = True
        for comp in comps:
            if len(comp) > 2:
                ok = False
                break
            poly = _component_poly(cp, comp, data)
            if poly is None:
                ok = False
                break
            rows = set().union(*(data[g][2] for g in comp))
            est = 0.5 * sum(float(cp.y[j]) * vf[j] for j in rows)
            est += 0.5 * beta * sum(float(mpmath.sqrt(sum(float(x) ** 2 for x in W[g])))
                                    for g in comp)
            root = _pick_root(poly, est)
            if root is None:
                ok = False
                break
            total = total + root
        if not ok:
            continue
        fac = sympy.Poly(sympy.minimal_polynomial(total, Psym), Psym)
        lo, hi = solution.lower, solution.upper
        hits = []
        for (a, b), _m in fac.intervals():
            iso = (_F(sympy.Rational(a)), _F(sympy.Rational(b)))
            if in_interval(fac, iso, lo, hi):
                hits.append(iso)
        if len(hits) != 1:
            continue
        value = sympy.nsimplify(total) if fac.degree() == 1 else sympy.radsimp(total)
        cf = ClosedForm(value=value, minimal_polynomial=fac, interval=hits[0], groups=groups,
                        facets=faces)
        cf.verified = cf.verify(solution)
        cf.note = (f"KKT system on {len(groups)} active group(s) in {len(comps)} decoupled "
                   f"component(s), faces {faces}; a root of a degree-{fac.degree()} minimal "
                   "polynomial, the only one in the certified interval (containment exact; "
                   "the active set is the certified one, so this is derived, not proved)")
        return cf
    return None
