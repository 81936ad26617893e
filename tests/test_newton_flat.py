"""The dual Newton polish where φ's rounding hides Newton's progress (exact.dual_newton.FLAT_SLACK).

Random integer data (60, 3), seed 0 (3,056 chambers), on the path of conic rounds at Clarabel's
tight tolerance throughout (``exact.cutting.LOOSE_ABOVE`` off): near the optimum, the full Newton
step of :func:`exact.dual_newton.active_newton` cuts the stationarity error by three orders of
magnitude while φ moves only by its rounding. A line search on φ alone cut that step to 1e-12 and
Newton stalled 5.8e-8·β² above stationary; without the stall acceptance
(``exact.dual_newton.STALL_ACCEPT``, tests/test_polish_stall.py, off here) the conic rounds then
ran again. The oracle is the exact certificate: the polished guess must give a certified interval
meeting the gap target, and be stationary to the polish's own level (1e-9).
"""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import pytest

import exact.cutting as cutting
import exact.dual_newton as DN
from exact.certify import solve
from exact.convex import ConvexProgram
from exact.cutting import working_set_solve


@pytest.fixture(autouse=True)
def tight_rounds_no_stall_acceptance(monkeypatch):
    monkeypatch.setattr(cutting, "LOOSE_ABOVE", float("inf"))
    monkeypatch.setattr(DN, "STALL_ACCEPT", 0.0)


def _instance() -> tuple[list, list]:
    rng = np.random.default_rng(0)
    return rng.integers(-9, 10, size=(60, 3)).tolist(), rng.integers(-5, 6, size=60).tolist()


def test_the_polish_converges_where_phi_is_flat():
    X, y = _instance()
    cp = ConvexProgram(X, y, Fraction(1, 10))
    _W, stats = working_set_solve(cp, per_round=6 * cp.n)
    assert stats["newton"] is True
    assert stats["worst_violation"] <= 1e-9
    sol = solve(X, y, Fraction(1, 10), program=ConvexProgram(X, y, Fraction(1, 10)))
    assert sol.lower <= sol.upper and sol.stats["target_met"]
    assert sol.stats["cutting"]["newton"] is True


def test_without_the_flat_rule_the_polish_stalls(monkeypatch):
    # planted: no slack for φ's rounding, i.e. the φ line search alone; the polish then gives
    # up on this instance (what the test above rules out)
    monkeypatch.setattr(DN, "FLAT_SLACK", 0.0)
    X, y = _instance()
    cp = ConvexProgram(X, y, Fraction(1, 10))
    _W, stats = working_set_solve(cp, per_round=6 * cp.n)
    assert stats["newton"] is False
