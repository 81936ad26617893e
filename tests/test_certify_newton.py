"""The Newton passes of exact.certify: the mixed-precision polish of the squared loss and the
one loss-parametrised KKT Newton of the hinge and absolute losses (issue 12, issue 15).

Run: ``PYTHONPATH=. .venv/bin/pytest --hypothesis-profile=ci tests/test_certify_newton.py``.
"""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import pytest
from mpmath import mp

import exact.certify as certify
from exact.certify import kkt_newton
from exact.losses import get_loss


def _instance(seed: int, n: int = 6, G: int = 3):
    """Rational PSD matrices K_g = D X P Xᵀ D with rank-1 P (exact), y and β² = 1/100."""
    rng = np.random.default_rng(seed)
    Ks = []
    for _ in range(G):
        a = rng.integers(-4, 5, size=n).tolist()
        mask = rng.integers(0, 2, size=n).tolist()
        a = [x if m else 0 for x, m in zip(a, mask)]
        Ks.append([[Fraction(p * q, 3) for q in a] for p in a])
    y = tuple(Fraction(int(t), 2) for t in rng.integers(-5, 6, size=n))
    return Ks, y, Fraction(1, 100)


@pytest.mark.parametrize("seed", range(6))
def test_polish_reaches_the_mpmath_newton(seed):
    Ks, y, b2 = _instance(seed)
    Kf = [[[float(x) for x in row] for row in K] for K in Ks]
    rho, v = certify._newton(Kf, [float(t) for t in y], float(b2), [1.0] * len(Ks), one=1.0,
                             eps=2.0**-52)
    if not any(r > 0 for r in rho):
        pytest.skip("no free group at this instance")
    got = certify._polish(Ks, y, b2, rho, v, 40)
    assert got is not None
    rq, vq = got
    with mp.workdps(60):
        def m(x):
            return mp.mpf(x.numerator) / x.denominator

        Km = [[[m(x) for x in row] for row in K] for K in Ks]
        rm, vm = certify._newton(Km, [m(t) for t in y], m(b2), [mp.mpf(r) for r in rho],
                                 one=mp.mpf(1), eps=mp.mpf(10) ** -60)
        assert max(abs(m(a) - b) for a, b in zip(vq, vm)) < mp.mpf(10) ** -35
        assert max(abs(m(a) - b) for a, b in zip(rq, rm)) < mp.mpf(10) ** -30
    # the exact residual of v = M(ρ)⁻¹ y at the polished point
    n = len(y)
    Mv = [vq[a] + sum(r * sum(K[a][c] * vq[c] for c in range(n)) for r, K in zip(rq, Ks))
          for a in range(n)]
    assert max(abs(x - t) for x, t in zip(Mv, y)) < Fraction(1, 10**35)


def test_polish_gives_up_when_it_cannot_converge():
    Ks, y, b2 = _instance(0)
    # one step from a poor start cannot reach 40 digits: None, so _refine falls back to mpmath
    assert certify._polish(Ks, y, b2, [1.0] * len(Ks), [0.0] * len(y), 40, maxit=1) is None
    rho, v = certify._refine(Ks, y, b2, [1.0] * len(Ks), 40)
    assert len(rho) == len(Ks) and len(v) == len(y)


def test_refine_falls_back_to_mpmath_when_the_polish_fails(monkeypatch):
    Ks, y, b2 = _instance(1)
    want = certify._refine(Ks, y, b2, [1.0] * len(Ks), 40)
    monkeypatch.setattr(certify, "_polish", lambda *a, **k: None)
    got = certify._refine(Ks, y, b2, [1.0] * len(Ks), 40)
    assert max(abs(float(a) - float(b)) for a, b in zip(want[1], got[1])) < 1e-25


@pytest.mark.parametrize("loss", ["hinge", "absolute"])
def test_kkt_newton_solves_each_loss_form(loss):
    # two points, one group K = aaᵀ with a = (1, 2): the free point 0, the other fixed at base
    K = [[[1.0, 2.0], [2.0, 4.0]]]
    y = [1.0, -1.0]
    base = [0.0, -0.5 if loss == "hinge" else -1.0]
    xE, rho, v, err = kkt_newton(loss, K, y, [0], base, 0.25, [0.3, 1.0], one=1.0,
                                 eps=2.0**-52)
    assert err < 1e-12
    form = get_loss(loss).kkt_form(y, 1.0)
    kv = [sum(k * t for k, t in zip(row, v)) for row in K[0]]
    assert abs(sum(a * b for a, b in zip(v, kv)) - 0.25) < 1e-12  # vᵀKv = β²
    assert abs(form.gain[0] * rho[0] * kv[0] - form.target[0]) < 1e-12
    assert v[0] == pytest.approx(form.coef[0] * xE[0])


def test_kkt_newton_refuses_a_loss_without_a_kkt_form():
    with pytest.raises(ValueError, match="no KKT refinement"):
        kkt_newton("squared", [[[1.0]]], [1.0], [0], [0.0], 0.25, [0.5, 1.0], one=1.0,
                   eps=2.0**-52)


def test_hinge_newton_is_the_hinge_form_of_kkt_newton():
    K = [[[1.0, 2.0], [2.0, 4.0]]]
    a = certify._hinge_newton(K, [1.0, -1.0], [0], [0.0, -0.5], 0.25, [0.3, 1.0], one=1.0,
                              eps=2.0**-52)
    b = kkt_newton("hinge", K, [1.0, -1.0], [0], [0.0, -0.5], 0.25, [0.3, 1.0], one=1.0,
                   eps=2.0**-52)
    assert a == b


def test_mpmath_newton_keeps_to_its_budget(monkeypatch):
    """The pure-Python mpmath Newton spends at most ``budget`` evaluations of M(ρ): with none
    left after its start it returns the start; with the refinement's budget
    (``MPF_EVALUATIONS``) it reaches the float Newton's optimum from ρ = 1 (a converging run
    fits in it)."""
    Ks, y, b2 = _instance(0)
    Kf = [[[float(x) for x in row] for row in K] for K in Ks]
    rho_f, _v = certify._newton(Kf, [float(t) for t in y], float(b2), [1.0] * len(Ks), one=1.0,
                                eps=2.0**-52)
    calls = []
    real = certify.lu_factor

    def counted(M):
        calls.append(len(M))
        return real(M)

    monkeypatch.setattr(certify, "lu_factor", counted)
    with mp.workdps(40):
        def m(x):
            return mp.mpf(x.numerator) / x.denominator

        Km = [[[m(x) for x in row] for row in K] for K in Ks]
        start = [mp.mpf(1)] * len(Ks)
        rho, _ = certify._newton(Km, [m(t) for t in y], m(b2), start, one=mp.mpf(1),
                                 eps=mp.mpf(10) ** -40, budget=certify.MPF_EVALUATIONS)
        n_systems = sum(1 for k in calls if k == len(y))  # M(ρ) is n × n, the Hessians |free|
        assert 1 < n_systems <= certify.MPF_EVALUATIONS + 1
        assert max(abs(float(a) - b) for a, b in zip(rho, rho_f)) < 1e-9
        rho0, _ = certify._newton(Km, [m(t) for t in y], m(b2), start, one=mp.mpf(1),
                                  eps=mp.mpf(10) ** -40, budget=0)
        assert rho0 == start
