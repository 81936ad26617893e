"""The convex program and certified global optima (exact/convex.py, exact/certify.py).

Oracles: docs/MATH.md §9 (1-D "V" data, rank one, whitened), the scaling laws of §8, and an
independent, test-local checker of the ``relucvx-certificate/3`` fields (module docstring of
exact/certify.py).
"""

from __future__ import annotations

import json
from fractions import Fraction

import pytest
import sympy
from hypothesis import given, settings
from hypothesis import strategies as st

from arrangement.errors import InputError
from exact.certify import Solution, solution_certificate, solve
from exact.convex import ConvexProgram
from exact.projection import verify_projection

F = Fraction
V_X = [[-1, 1], [0, 1], [1, 1]]
V_Y = [1, 0, 1]


# -- an independent checker of the certificate (standard library only) ---------------------------
def _num(x) -> Fraction:
    assert isinstance(x, int | str), x
    return Fraction(x)


def _dot(a, b):
    return sum((x * y for x, y in zip(a, b)), Fraction(0))


def check_certificate(cert: dict) -> tuple[Fraction, Fraction]:
    """Checks (0)–(6) of exact/certify.py's docstring; returns (lower, upper)."""
    assert cert["format"] == "relucvx-certificate/3" and cert["kind"] == "solve"
    json.loads(json.dumps(cert))  # JSON-ready
    loss = cert["loss"]
    X = [[_num(x) for x in row] for row in cert["data"]["X"]]
    y = [_num(t) for t in cert["data"]["y"]]
    beta = _num(cert["data"]["beta"])
    n, d = len(X), len(X[0])
    v = [_num(t) for t in cert["dual"]["v"]]
    kappa = _num(cert["dual"]["kappa"])
    assert kappa >= 0
    for ch in cert["chambers"]:
        signs, pattern = ch["signs"], ch["pattern"]
        assert pattern == [1 if s >= 0 else 0 for s in signs]
        assert [(_dot(x, ch["witness"]) > 0) - (_dot(x, ch["witness"]) < 0) for x in X] == signs
        A = []
        for f in ch["facets"]:
            a, j = [_num(t) for t in f["a"]], f["row"]
            assert signs[j] != 0
            r = [signs[j] * t for t in X[j]]
            # a is a positive multiple of signs_j x_j
            k = next(t for t in range(d) if r[t] != 0)
            lam = a[k] / r[k]
            assert lam > 0 and all(a[t] == lam * r[t] for t in range(d))
            A.append(a)
        assert sorted(gr["sign"] for gr in ch["groups"]) == [-1, 1]
        for gr in ch["groups"]:
            s = gr["sign"]
            g = [s * sum((pattern[j] * v[j] * X[j][t] for j in range(n)), Fraction(0))
                 for t in range(d)]
            assert g == [_num(t) for t in gr["g"]]
            if "bound" in gr:  # ‖Π_C(g)‖² ≤ ‖g‖², or ≤ the bound of one facet's half-space
                r = list(g)
                if gr["bound"] == "dual":  # ‖Π_C(g)‖ = min over λ ≥ 0 of ‖g + Aᵀλ‖ (Moreau)
                    lam = [_num(t) for t in gr["lambda"]]
                    assert len(lam) == len(A) and all(lk >= 0 for lk in lam)
                    r = [g[c] + sum((lk * a[c] for lk, a in zip(lam, A)), Fraction(0))
                         for c in range(d)]
                else:
                    assert gr["bound"] == "norm"
                b = _dot(r, r)
                assert kappa * kappa * b <= beta * beta
                continue
            p, lam = [_num(t) for t in gr["p"]], [_num(t) for t in gr["lambda"]]
            assert len(lam) == len(A)
            assert all(_dot(a, p) >= 0 for a in A)
            assert all(lk >= 0 for lk in lam)
            assert all(lk * _dot(a, p) == 0 for lk, a in zip(lam, A))
            assert [g[t] - p[t] for t in range(d)] == [
                -sum((lk * a[t] for lk, a in zip(lam, A)), Fraction(0)) for t in range(d)]
            t_ = _dot(p, g)
            assert t_ == _num(gr["t"])
            assert kappa * kappa * t_ <= beta * beta
    if loss == "squared":
        lower = kappa * _dot(v, y) - kappa * kappa * _dot(v, v) / 2
    else:
        for vj, yj in zip(v, y):
            if yj == 0:
                assert vj == 0
            else:
                assert 0 <= kappa * vj / yj <= 1
        lower = kappa * sum((vj / yj for vj, yj in zip(v, y) if yj != 0), Fraction(0)) + sum(
            1 for yj in y if yj == 0)
    out = [Fraction(0)] * n
    pen = Fraction(0)
    for nr in cert["network"]["neurons"]:
        u, a = [_num(t) for t in nr["u"]], _num(nr["alpha"])
        for j in range(n):
            out[j] += a * max(Fraction(0), _dot(X[j], u))
        pen += _dot(u, u) + a * a
    if loss == "squared":
        ell = sum(((o - t) ** 2 for o, t in zip(out, y)), Fraction(0)) / 2
    else:
        ell = sum((max(Fraction(0), 1 - t * o) for o, t in zip(out, y)), Fraction(0))
    upper = ell + beta / 2 * pen
    claims = cert["claims"]
    assert lower == _num(claims["lower"]) and upper == _num(claims["upper"])
    assert lower <= upper and _num(claims["gap"]) == upper - lower
    assert claims["num_chambers"] == len(cert["chambers"])
    return lower, upper


def _consistent(sol: Solution, X, y, beta, loss="squared"):
    """Everything a Solution claims, checked exactly."""
    assert sol.lower <= sol.upper and sol.gap == sol.upper - sol.lower
    assert sol.network.objective(X, y, beta, loss=loss) == sol.upper
    cp = sol.program
    for (i, _s), w in sol.groups.items():
        assert cp.in_cone(i, w)
    for (i, s), c in sol.projections.items():
        h = [s * sum((cp.patterns[i][j] * sol.dual[j] * cp.X[j][t] for j in range(cp.n)),
                     Fraction(0)) for t in range(cp.d)]
        assert verify_projection(cp.cones[i], h, c)
        assert sol.kappa ** 2 * _dot(c.p, h) <= cp.beta ** 2
    # groups left unprojected are dual feasible by their norm alone (docs/MATH.md §7)
    h_all = [[sum((cp.patterns[i][j] * sol.dual[j] * cp.X[j][t] for j in range(cp.n)),
                  Fraction(0)) for t in range(cp.d)] for i in range(cp.p)]
    for i in range(cp.p):
        for s in (1, -1):
            if (i, s) not in sol.projections:
                g = [s * x for x in h_all[i]]
                lam = sol.bounds.get((i, s), (Fraction(0),) * len(cp.cones[i]))
                assert all(lk >= 0 for lk in lam)
                r = [g[c] + sum((lk * a[c] for lk, a in zip(lam, cp.cones[i])), Fraction(0))
                     for c in range(cp.d)]
                assert sol.kappa ** 2 * _dot(r, r) <= cp.beta ** 2
    lo, up = check_certificate(solution_certificate(sol, X, y, beta))
    assert (lo, up) == (sol.lower, sol.upper)


# -- docs/MATH.md §9 oracles -----------------------------------------------------------------------
def test_v_data_default_tolerance():
    sol = solve(V_X, V_Y, F(1, 10))
    assert sol.lower <= F(37, 200) <= sol.upper
    assert sol.gap <= F(1, 10**12)
    _consistent(sol, V_X, V_Y, F(1, 10))
    # the fit is (9/10, 1/10, 9/10) up to the certified accuracy
    fit = sol.network.output(V_X)
    assert all(abs(a - b) < F(1, 10**5) for a, b in zip(fit, (F(9, 10), F(1, 10), F(9, 10))))
    # a minimal-support optimum: at most n groups (docs/MATH.md §7)
    assert len(sol.active_groups) <= 3


def test_v_data_tight_tolerance():
    sol = solve(V_X, V_Y, F(1, 10), tol=F(1, 10**30))
    assert sol.lower <= F(37, 200) <= sol.upper
    assert sol.gap <= F(1, 10**30)


def _soft(t, beta):
    return (1 if t > 0 else -1) * max(abs(t) - beta, 0) if t else F(0)


@pytest.mark.parametrize("c,y,beta", [
    ([2, -1, F(1, 2), 3, F(-3, 2)], [1, 2, -1, F(1, 2), 3], F(1, 4)),
    ([1, 2, 3], [F(1, 10), F(1, 5), F(-1, 2)], F(1, 2)),
    ([-1, -2, 1], [1, 1, 1], F(3, 1)),
])
def test_rank_one_closed_form(c, y, beta):
    a = (F(3, 5), F(4, 5))  # ‖a‖ = 1
    c = [F(t) for t in c]
    y = [F(t) for t in y]
    X = [[cj * ak for ak in a] for cj in c]
    cp_ = [max(t, F(0)) for t in c]
    cm = [max(-t, F(0)) for t in c]

    def z(cc):
        nn = _dot(cc, cc)
        return _soft(_dot(cc, y), beta) / nn if nn else F(0)

    zp, zm = z(cp_), z(cm)
    yhat = [zp * p + zm * q for p, q in zip(cp_, cm)]
    P = sum(((h - t) ** 2 for h, t in zip(yhat, y)), F(0)) / 2 + beta * (abs(zp) + abs(zm))
    sol = solve(X, y, beta)
    assert sol.lower <= P <= sol.upper
    assert sol.gap <= F(1, 10**12) * max(1, abs(sol.upper))
    _consistent(sol, X, y, beta)


Q3 = [[F(1, 3), F(2, 3), F(2, 3)], [F(2, 3), F(1, 3), F(-2, 3)], [F(2, 3), F(-2, 3), F(1, 3)]]


def _whitened_value(y, beta):
    b = sympy.Rational(beta.numerator, beta.denominator)

    def g(t):
        return b * t - b**2 / 2 if t > b else t**2 / 2

    yp = sympy.sqrt(sum(sympy.Rational(max(t, 0)) ** 2 for t in y))
    ym = sympy.sqrt(sum(sympy.Rational(max(-t, 0)) ** 2 for t in y))
    return g(yp) + g(ym)


@pytest.mark.parametrize("X,y,beta", [
    (Q3, [1, -2, F(1, 2)], F(1, 2)),
    (Q3, [F(1, 10), F(-1, 5), 0], F(1)),
    (Q3[:2], [3, 1], F(1, 3)),
    ([[1, 0], [0, 1]], [1, -1], F(1, 2)),
])
def test_whitened_closed_form(X, y, beta):
    P = _whitened_value([F(t) for t in y], beta)  # irrational in general: compare in sympy
    sol = solve(X, y, beta)
    lo = sympy.Rational(sol.lower.numerator, sol.lower.denominator)
    up = sympy.Rational(sol.upper.numerator, sol.upper.denominator)
    assert bool(lo <= P) and bool(P <= up)
    assert sol.gap <= F(1, 10**12) * max(1, abs(sol.upper))
    # two neurons suffice (docs/MATH.md §9)
    assert len(sol.active_groups) <= 2
    _consistent(sol, X, y, beta)


# -- docs/MATH.md §8 scaling laws ------------------------------------------------------------------
SMALL_X = [[1, 2], [-1, 1], [2, -1], [0, 1], [F(-3, 2), F(-1, 2)]]
SMALL_Y = [1, -1, F(1, 2), 2, F(-1, 3)]


def _overlap(a: tuple[Fraction, Fraction], b: tuple[Fraction, Fraction]) -> bool:
    return max(a[0], b[0]) <= min(a[1], b[1])


def test_scaling_laws():
    beta, c = F(1, 5), F(3, 2)
    base = solve(SMALL_X, SMALL_Y, beta)
    _consistent(base, SMALL_X, SMALL_Y, beta)
    iv = (base.lower, base.upper)
    # P*(cX, y, β) = P*(X, y, β/c)
    cX = [[c * F(t) for t in row] for row in SMALL_X]
    s1 = solve(cX, SMALL_Y, beta)
    s2 = solve(SMALL_X, SMALL_Y, beta / c)
    assert _overlap((s1.lower, s1.upper), (s2.lower, s2.upper))
    # (cy, cβ) scales P* by c²
    s3 = solve(SMALL_X, [c * F(t) for t in SMALL_Y], c * beta)
    assert _overlap((s3.lower, s3.upper), (c * c * iv[0], c * c * iv[1]))
    # y → −y leaves P* unchanged
    s4 = solve(SMALL_X, [-F(t) for t in SMALL_Y], beta)
    assert _overlap((s4.lower, s4.upper), iv)


# -- random instances, degenerate data, hinge ------------------------------------------------
@settings(max_examples=6)
@given(st.data())
def test_random_small_instances_certify(data):
    n = data.draw(st.integers(2, 5))
    d = data.draw(st.integers(1, 3))
    ints = st.integers(-3, 3)
    X = [[data.draw(ints) for _ in range(d)] for _ in range(n)]
    y = [F(data.draw(st.integers(-4, 4)), 2) for _ in range(n)]
    beta = F(data.draw(st.integers(1, 8)), 4)
    sol = solve(X, y, beta)
    _consistent(sol, X, y, beta)
    assert sol.gap <= F(1, 10**12) * max(1, abs(sol.upper))


def test_zero_rows_duplicates_and_zero_target():
    X = [[1, 1], [0, 0], [2, 2], [-1, 1]]
    y = [1, F(1, 2), -1, 0]
    sol = solve(X, y, F(1, 10))
    _consistent(sol, X, y, F(1, 10))
    assert sol.gap <= F(1, 10**12)
    zero = solve(X, [0, 0, 0, 0], F(1, 10))
    assert zero.lower == zero.upper == 0 and zero.network.width == 0
    # β large: the zero network is optimal, P* = ½‖y‖²
    big = solve(X, y, 100)
    assert big.lower <= F(9, 8) == big.upper
    # zero is optimal but only just (max_{i,s} ‖Π(s XᵀD_i y)‖ ≈ 0.47 < β): the float solver
    # returns tiny groups everywhere; found by fuzzing
    X2, y2 = [[-1, -1], [-2, 3]], [F(1, 3), 0]
    tiny = solve(X2, y2, F(1, 2))
    assert tiny.lower == tiny.upper == F(1, 18)
    _consistent(tiny, X2, y2, F(1, 2))


def test_hinge_loss_certificate():
    X = [[-1, 1], [0, 1], [1, 1], [2, 1]]
    y = [1, -1, 1, -1]
    beta = F(1, 10)
    sol = solve(X, y, beta, loss="hinge")
    assert sol.loss == "hinge"
    _consistent(sol, X, y, beta, loss="hinge")
    assert sol.gap <= F(1, 10**12) * max(1, abs(sol.upper))


def test_convex_program_structure_and_errors():
    cp = ConvexProgram(V_X, V_Y, "1/10")
    assert cp.p == 6 and len(cp.groups) == 12 and cp.beta == F(1, 10)
    for i in range(cp.p):
        w = cp.witnesses[i]
        assert cp.in_cone(i, w)
        # the pattern identity on the cone: (Xw)_+ = D X w
        assert cp.fit(i, 1, w) == tuple(max(F(0), _dot(x, w)) for x in cp.X)
    W = cp.numeric_solve()
    assert abs(cp.numeric_value - 37 / 200) < 1e-7 and len(W) == 12
    with pytest.raises(InputError):
        ConvexProgram(V_X, V_Y, 0)
    with pytest.raises(InputError):
        ConvexProgram(V_X, [1, 2], 1)
    with pytest.raises(InputError):
        ConvexProgram(V_X, V_Y, 1, loss="logistic")
