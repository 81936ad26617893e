"""The squared loss's certification from an imprecise float guess (issue 15, session 9): the
polish's free-set corrections (exact.certify._polish_free_set), the cap on the pure-Python
mpmath Newton, certified solves from perturbed guesses, and planted wrong refinements that
the exact bounds must catch.

Run: ``PYTHONPATH=. .venv/bin/pytest --hypothesis-profile=ci tests/test_certify_robust.py``.
"""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import pytest

import exact.certify as certify
from exact.certify import solve
from exact.convex import ConvexProgram

BETA = Fraction(1, 10)


def _instance(n: int, d: int, seed: int):
    rng = np.random.default_rng(seed)
    return rng.integers(-9, 10, size=(n, d)).tolist(), rng.integers(-5, 6, size=n).tolist()


def _perturbed(cp: ConvexProgram, W: dict, kind: str) -> dict:
    """The conic guess W made imprecise: rounded to 1e-6 of its largest group, relative noise
    1e-6, a mid-sized active group missing, or a wrong extra group (a point of its cone)."""
    rng = np.random.default_rng(0)
    norms = {g: float(np.linalg.norm(w)) for g, w in W.items()}
    wmax = max(norms.values())
    act = sorted((g for g in W if norms[g] > 1e-3 * wmax), key=lambda g: -norms[g])
    W = dict(W)
    if kind == "round":
        return {g: np.round(w / (1e-6 * wmax)) * (1e-6 * wmax) for g, w in W.items()}
    if kind == "noise":
        return {g: w * (1 + 1e-6 * rng.standard_normal(w.shape)) for g, w in W.items()}
    if kind == "drop":
        del W[act[len(act) // 2]]
        return W
    others = [g for g in cp.groups if norms.get(g, 0.0) < 1e-9 * wmax]
    g = others[int(rng.integers(len(others)))]
    u = np.asarray(cp.witnesses[g[0]], dtype=float)
    W[g] = 0.3 * wmax * u / np.linalg.norm(u)
    return W


def _solve_from(X, y, cp: ConvexProgram, W: dict, dual) -> certify.Solution:
    """solve(..., method="full") with the conic guess replaced by ``W``."""
    def guess(*_a, **_k):
        cp.numeric_dual = dual
        return W

    cp.numeric_solve = guess  # type: ignore[method-assign]
    try:
        return solve(X, y, BETA, program=cp, method="full")
    finally:
        del cp.numeric_solve


@pytest.mark.parametrize("case,kind", [((12, 4, 11), "noise"),
                                       ((12, 4, 11), "drop"), ((12, 4, 11), "extra"),
                                       ((16, 4, 7), "round"), ((16, 4, 7), "noise"),
                                       ((20, 3, 10), "noise")])
def test_perturbed_guess_still_meets_the_gap(case, kind):
    """Oracle: the certified interval of the unperturbed guess. From the imprecise guess the
    target is met and the two exact intervals overlap (both contain P*)."""
    X, y = _instance(*case)
    cp = ConvexProgram(X, y, BETA)
    ref = solve(X, y, BETA, program=cp, method="full")
    assert ref.stats["target_met"]
    W = cp.numeric_solve()
    sol = _solve_from(X, y, cp, _perturbed(cp, W, kind), cp.numeric_dual)
    assert sol.stats["target_met"], (case, kind, float(sol.relative_gap))
    assert sol.lower <= ref.upper and ref.lower <= sol.upper


def _wrong_free_set():
    """Three groups on two points, y = (1, 2), β² = 1/4: ``K_0 = e₁e₁ᵀ``, ``K_1 = e₂e₂ᵀ``,
    ``K_2 = ½ 11ᵀ``. The optimum (derived: ``v₂² = β²``, ``½(v₁ + v₂)² = β²``,
    ``v = y − Σ ρ_g K_g v``) is ``ρ = (0, √2, 3√2 − 2)``, ``v = ((√2 − 1)/2, 1/2)``; the
    start ``ρ = (1, 3, 0.1)``, ``v = (½, ½)`` (the optimum without group 2) has the wrong
    free set: three free groups on two points (a singular polish system), and holding group 2
    at 0 leaves its constraint violated (``½(v₁ + v₂)² = ½ > β²``)."""
    F = Fraction
    Ks = [[[F(1), F(0)], [F(0), F(0)]], [[F(0), F(0)], [F(0), F(1)]],
          [[F(1, 2), F(1, 2)], [F(1, 2), F(1, 2)]]]
    return Ks, (F(1), F(2)), F(1, 4), [1.0, 3.0, 0.1], [0.5, 0.5]


def test_polish_reports_the_groups_it_sends_negative():
    """Planted wrong free set {0, 2} (the optimum's is {1, 2}): the plain polish gives up and
    names the group it sent negative (what _polish_free_set then holds at 0). Its first step,
    on a system of condition number 33, takes ρ₀ from 1 to −2.5."""
    Ks, y, b2, rho, v = _wrong_free_set()
    why: dict = {}
    assert certify._polish(Ks, y, b2, rho, v, 40, why=why, free=[0, 2]) is None
    assert why["negative"] == [0]


def test_polish_refuses_more_free_groups_than_points():
    """Three free groups on two points: ``[K_g v]`` is 2 × 3, the Newton system singular, and
    LAPACK's step on it rounding noise that differs between BLAS kernels (it named group 2 on
    one machine, groups 0 and 1 on another). The plain polish refuses such a free set;
    :func:`_polish_free_set` holds the smallest multiplier at 0 first."""
    Ks, y, b2, rho, v = _wrong_free_set()
    why: dict = {}
    assert certify._polish(Ks, y, b2, rho, v, 40, why=why) is None and not why
    assert certify._polish(Ks, y, b2, rho, v, 40, free=[0, 1]) is not None


def test_polish_free_set_corrects_a_wrong_free_set():
    """Oracle: the closed form ``v = ((√2 − 1)/2, 1/2)``, ``ρ₀ = 0``, ``ρ₁ = √2`` (from
    ``v₂ = 2 − ρ₁ v₂ − ρ₂(v₁ + v₂)/2`` and ``v₁ = 1 − ρ₂(v₁ + v₂)/2`` with
    ``v₁ + v₂ = 1/√2``). From the wrong free set the corrected polish (group 2 held at 0,
    then freed again since its constraint is violated) reaches it to 30 digits."""
    from mpmath import mp

    Ks, y, b2, rho, v = _wrong_free_set()
    got = certify._polish_free_set(Ks, y, b2, rho, v, 40)
    assert got is not None
    rq, vq = got
    with mp.workdps(50):
        r2 = mp.sqrt(2)
        want_v = [(r2 - 1) / 2, mp.mpf(1) / 2]
        assert max(abs(mp.mpf(a.numerator) / a.denominator - b) for a, b in zip(vq, want_v)
                   ) < mp.mpf(10) ** -30
        assert rq[0] == 0 and abs(mp.mpf(rq[1].numerator) / rq[1].denominator - r2) < 1e-30


def test_mpmath_newton_is_capped_on_large_systems(monkeypatch):
    """With the polish failing, a system of more than MPMATH_MAX_N points returns the float
    point (no pure-Python mpf Newton); a small one still gets the mpmath digits."""
    n = certify.MPMATH_MAX_N + 1
    rng = np.random.default_rng(3)
    u = [int(t) for t in rng.integers(-3, 4, size=n)]
    Ks = [[[Fraction(p * q) for q in u] for p in u]]
    y = tuple(Fraction(int(t)) for t in rng.integers(-5, 6, size=n))
    monkeypatch.setattr(certify, "_polish_free_set", lambda *a, **k: None)

    def boom(*a, **k):  # the mpf pass must not run here
        if not isinstance(k.get("one"), float):
            raise AssertionError("mpmath Newton on a large system")
        return newton(*a, **k)

    newton = certify._newton
    monkeypatch.setattr(certify, "_newton", boom)
    rho, v = certify._refine(Ks, y, Fraction(1, 100), [1.0], 40)
    assert isinstance(v[0], float) and len(v) == n


@pytest.mark.parametrize("planted", ["rho", "v"])
def test_a_wrong_refinement_never_gives_a_wrong_certificate(monkeypatch, planted):
    """Planted bug: the refinement returns a wrong ρ (scaled by 1.5) or a wrong v (shifted).
    The exact bounds are recomputed from it, so they stay valid: they contain the optimum the
    correct solve certifies (the intervals overlap), and the lower bound never passes it."""
    X, y = _instance(12, 4, 11)
    cp = ConvexProgram(X, y, BETA)
    ref = solve(X, y, BETA, program=cp, method="full")
    assert ref.stats["target_met"]
    refine = certify._refine

    def wrong(*a, **k):
        rho, v = refine(*a, **k)
        if planted == "rho":
            return [r * 1.5 for r in rho], v
        return rho, [x + 0.05 for x in v]

    monkeypatch.setattr(certify, "_refine", wrong)
    bad = solve(X, y, BETA, program=cp, method="full")
    assert bad.lower <= ref.upper and ref.lower <= bad.upper
    assert bad.lower <= bad.upper
    # the wrong refinement was used (its bounds are looser), and caught
    assert bad.gap > ref.gap
