"""The float filter of the exact interval pass (exact/interval_pass.py: float_bound_proven): it
decides ``‖g + Σ λ_j a_j‖² ≤ T`` for exact g and integer facet rows a_j from their correctly
rounded floats, so that the Python-integer check (full_bound) runs only where it cannot.

Oracle: the same inequality in Fractions. A "yes" must always be right; with slack it must
also say yes (not a filter that never decides). The solve on 17-digit data gives the same exact
bounds with and without the filter, and its certificate verifies.
"""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import exact.interval_pass as IP
from exact.certificates import solution_certificate
from exact.certify import solve
from exact.interval_pass import dyadic_ratios, float_bound_proven
from exact.verify import verify_certificate


def _exact_norm2(g: list[Fraction], lam: list[float], A: list[list[int]]) -> Fraction:
    lam_q = [Fraction(a, b) for a, b in dyadic_ratios(lam)]
    r = [gj + sum((lq * row[j] for lq, row in zip(lam_q, A)), Fraction(0))
         for j, gj in enumerate(g)]
    return sum((x * x for x in r), Fraction(0))


@st.composite
def instances(draw):
    """g (exact, as H/2^k with big H), facet rows of up to 70 bits, float multipliers (some
    negative, zero or padding), and the exact squared norm."""
    d = draw(st.integers(1, 4))
    f = draw(st.integers(1, 4))
    cnt = draw(st.integers(0, f))
    bits = draw(st.sampled_from([10, 40, 70]))
    k = draw(st.integers(0, 80))
    g = [Fraction(draw(st.integers(-2**(bits + 20), 2**(bits + 20))), 1 << k) for _ in range(d)]
    A = [[draw(st.integers(-2**bits, 2**bits)) for _ in range(d)] for _ in range(f)]
    lam = [draw(st.one_of(st.floats(-1.0, 2.0**-k * 2**20, allow_nan=False),
                          st.just(0.0))) for _ in range(f)]
    exact = _exact_norm2(g, lam[:cnt], A[:cnt])
    return g, A, lam, cnt, exact


def _decide(g, A, lam, cnt, T: float) -> bool:
    G = np.array([[float(x) for x in g]])
    AF = np.array([[[float(x) for x in row] for row in A]])
    return bool(float_bound_proven(G, np.array([lam]), AF, np.array([cnt]), T)[0])


@settings(max_examples=300, deadline=None)
@given(instances(), st.sampled_from([Fraction(1), Fraction(1) - Fraction(1, 10**12),
                                     Fraction(1) + Fraction(1, 10**12), Fraction(2)]))
def test_a_yes_is_always_right(inst, factor):
    g, A, lam, cnt, exact = inst
    Tq = exact * factor
    T = float(Tq)
    if Fraction(T) > Tq:  # the caller passes a float at most the exact threshold
        T = float(np.nextafter(T, -np.inf))
    if _decide(g, A, lam, cnt, T):
        assert exact <= Tq


@settings(max_examples=100, deadline=None)
@given(instances())
def test_with_slack_it_decides(inst):
    g, A, lam, cnt, exact = inst
    if exact == 0 or float(exact) == 0.0 or not np.isfinite(float(exact) * 2):
        return
    assert _decide(g, A, lam, cnt, float(exact) * (1 + 1e-9))


def test_planted_bug_no_error_bound_says_yes_wrongly(monkeypatch):
    """g = 2^60 + 1 rounds to 2^60: without the error bound its square looks ≤ (2^60 + 1)² − 1."""
    g, A, lam = [Fraction(2**60 + 1)], [[1]], [0.0]
    Tq = Fraction((2**60 + 1) ** 2 - 1)
    T = float(Tq)
    if Fraction(T) > Tq:
        T = float(np.nextafter(T, -np.inf))
    assert _exact_norm2(g, lam, A) > Tq
    assert not _decide(g, A, lam, 1, T)
    monkeypatch.setattr(IP, "UNIT_ROUNDOFF", 0.0)
    assert _decide(g, A, lam, 1, T)


def _diabetes17(n: int, d: int):
    from sklearn.datasets import load_diabetes

    Xd, yd = load_diabetes(return_X_y=True)
    X = [[Fraction(repr(float(v))) for v in row[:d]] for row in Xd[:n]]
    y = [Fraction(repr(float(v / 100))) for v in yd[:n]]
    return X, y


@pytest.mark.parametrize("n, d", [(14, 3), (16, 4)])
def test_solve_on_17_digit_data_is_the_same_with_and_without_the_filter(monkeypatch, n, d):
    X, y = _diabetes17(n, d)
    beta = Fraction(1, 10)
    calls = []
    real = IP.float_bound_proven

    def counted(*a):
        out = real(*a)
        calls.append(int(out.sum()))
        return out

    monkeypatch.setattr(IP, "float_bound_proven", counted)
    sol = solve(X, y, beta)
    ok, msg = verify_certificate(solution_certificate(sol, X, y, beta))
    assert ok, msg
    monkeypatch.setattr(IP, "float_bound_proven",
                        lambda G, lam, AF, counts, T: np.zeros(len(G), dtype=bool))
    off = solve(X, y, beta)
    assert (sol.lower, sol.upper) == (off.lower, off.upper)
    assert sum(calls) > 0  # the filter decided groups on this data
