"""The loose early conic rounds of the cutting planes (exact/cutting.py, ``LOOSE_ABOVE``): with
the squared loss's polish, rounds after a round that ended far from the optimum solve at
Clarabel tolerance ``LOOSE_EPS``; the round that hands over is tight, and the guess is still
the full program's optimum (the oracles of tests/oracles.py and the certified interval)."""

from __future__ import annotations

from fractions import Fraction as F

import numpy as np
import pytest

import exact.cutting as cutting
from exact.certify import solve
from exact.convex import ConvexProgram
from tests.oracles import polished_guess_agrees


def _program(seed: int, n: int, d: int, loss: str = "squared") -> ConvexProgram:
    rng = np.random.default_rng(seed)
    X = rng.integers(-9, 10, size=(n, d)).tolist()
    y = rng.integers(-5, 6, size=n).tolist()
    if loss == "hinge":
        y = [1 if t >= 0 else -1 for t in y]
    return ConvexProgram(X, y, F(1, 10), loss)


def _recorded(monkeypatch):
    calls: list[tuple[int, float]] = []
    orig = cutting.clarabel_restricted

    def rec(cp, groups, eps=1e-12, **kw):
        calls.append((len(list(groups)), eps))
        return orig(cp, groups, eps=eps, **kw)

    monkeypatch.setattr(cutting, "clarabel_restricted", rec)
    return calls


@pytest.mark.parametrize("seed,n,d", [(0, 15, 3), (0, 12, 4), (2, 16, 4)])
def test_loose_rounds_then_a_tight_handoff_give_the_optimum(monkeypatch, seed, n, d):
    monkeypatch.setattr(cutting, "LOOSE_ABOVE", 1.0)  # the rounds' option (off by default)
    calls = _recorded(monkeypatch)
    cp = _program(seed, n, d)
    _W, st = cutting.working_set_solve(cp, per_round=6 * cp.n)
    eps = [e for _k, e in calls]
    assert eps[0] == cutting.LOOSE_EPS  # the first round follows no round: loose
    assert st["newton"] is True
    # the last conic round, the one that handed over, was at the tight tolerance
    assert eps[-1] == 1e-12
    polished_guess_agrees(cp)
    sol = solve(cp.X, cp.y, cp.beta, "squared", method="full")
    tol = 1e-9 * float(sol.upper)
    assert float(sol.lower) - tol <= cp.numeric_value <= float(sol.upper) + tol


def test_no_loose_round_without_the_polish(monkeypatch):
    # the hinge loss (no polish) and newton=False keep every round at 1e-12
    calls = _recorded(monkeypatch)
    cutting.working_set_solve(_program(0, 20, 3, "hinge"), per_round=120)
    cutting.working_set_solve(_program(0, 20, 3), per_round=120, newton=False)
    assert calls and all(e == 1e-12 for _k, e in calls)
