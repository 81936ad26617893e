"""The gap target on real data (issue 9 item 5): met, or missed with a reason and valid bounds.

Fixtures from scikit-learn's bundled data (``tests/data/README.md``): standardized iris
(15 x 3, squared loss, β = 1e-6) and wine classes 0/1 (17 x 3, hinge loss, β = 1/10). On both the
Newton refinement of the active set does not reach the default 1e-12 target today (relative gaps
about 2.7e-6 and 7.4e-8), so the tests pin what must hold either way: when the target is missed
the text and JSON say so and why; the bounds are exact and valid — ``upper`` is the exact
objective of the returned network, the certificate passes the standard-library verifier, and
``lower`` stays below the value of an independently trained network (scipy's L-BFGS on the
nonconvex objective, started away from solve's network).

Run: ``PYTHONPATH=. .venv/bin/pytest --hypothesis-profile=ci tests/test_gap_target.py``.
"""

from __future__ import annotations

import json
from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest

from arrangement.certificate import completeness_certificate
from arrangement.instances import read_instance
from exact.certify import solution_certificate, solve
from exact.cli import main
from exact.verify import verify_certificate

DATA = Path(__file__).resolve().parent / "data"
TOL = Fraction(1, 10**12)
CASES = [("iris_15x3_standardized.csv", "1e-6", "squared"),
         ("wine_hinge_two_classes.csv", "1/10", "hinge")]


def _trained_value(X, y, beta: float, loss: str, width: int = 8, seed: int = 0) -> float:
    """The objective of a width-``width`` ReLU network trained by L-BFGS (an upper bound on P*
    computed without relucvx): floats, used only as an independent oracle."""
    from scipy.optimize import minimize

    X, y = np.asarray(X, dtype=float), np.asarray(y, dtype=float)
    n, d = X.shape

    def f(theta):
        U, a = theta[:d * width].reshape(d, width), theta[d * width:]
        out = np.maximum(X @ U, 0) @ a
        if loss == "squared":
            data = 0.5 * np.sum((out - y) ** 2)
        else:
            data = np.sum(np.maximum(0.0, 1 - y * out))
        return data + beta / 2 * (np.sum(U * U) + np.sum(a * a))

    rng = np.random.default_rng(seed)
    best = np.inf
    for _ in range(5):
        r = minimize(f, rng.normal(size=d * width + width), method="L-BFGS-B")
        best = min(best, float(r.fun))
    return best


@pytest.mark.parametrize("name,beta,loss", CASES)
def test_gap_target_met_or_reported_with_valid_bounds(name, beta, loss):
    inst = read_instance(str(DATA / name), target="last", beta=beta)
    B = Fraction(beta)
    sol = solve(inst.X, inst.y, B, loss)
    met = sol.gap <= TOL * max(1, abs(sol.upper))
    assert sol.stats["target_met"] is met
    if not met:
        assert "did not settle" in sol.stats["reason"]
        if loss == "hinge":  # the why: no KKT solution on the guessed active set
            assert "no solution on the active set" in sol.stats["reason"]
    assert 0 <= sol.lower <= sol.upper
    # upper is attained: the exact objective of the network solve returns
    assert sol.network.objective(inst.X, inst.y, B, loss=loss) == sol.upper
    # lower is a true lower bound: below an independently trained network's value
    trained = _trained_value(inst.X, inst.y, float(B), loss)
    assert float(sol.lower) <= trained + 1e-9 * max(1.0, trained)
    cert = solution_certificate(sol, inst.X, inst.y, B)
    cert["completeness"] = completeness_certificate(sol.program.arrangement)
    ok, msg = verify_certificate(json.loads(json.dumps(cert)))
    assert ok, msg


def test_missed_target_is_reported_in_text_and_json(capsys):
    args = ["solve", str(DATA / "wine_hinge_two_classes.csv"), "--target", "last", "--beta",
            "1/10", "--loss", "hinge"]
    assert main(args + ["--json", "-q"]) == 0
    s = json.loads(capsys.readouterr().out)
    gap, upper = Fraction(s["gap"]), Fraction(s["upper"])
    met = gap <= TOL * max(1, abs(upper))
    assert s["gap_target_met"] is met
    assert (s["gap_target_reason"] is None) is met
    if not met:
        assert "Newton residual" in s["gap_target_reason"]
    assert main(args + ["-q"]) == 0
    out = capsys.readouterr().out
    assert ("NOT met" in out) is not met


def test_a_looser_target_is_met_on_the_same_data():
    """The refinement is not broken on these instances: a 1e-6 target is met and certified."""
    inst = read_instance(str(DATA / "wine_hinge_two_classes.csv"), target="last", beta="1/10")
    sol = solve(inst.X, inst.y, Fraction(1, 10), "hinge", tol=Fraction(1, 10**6))
    assert sol.stats["target_met"] and sol.gap <= Fraction(1, 10**6) * max(1, abs(sol.upper))


def test_missed_reason_names_the_cause():
    """Planted causes: a large residual means a wrong active set, rounding-level residuals do
    not; a spent budget is named; nothing recorded leaves the plain message."""
    from exact.certify import missed_reason

    assert "wrong active set" in missed_reason(3, {"residual": 1e-6})
    assert "wrong active set" not in missed_reason(3, {"residual": 1e-15})
    assert "time budget" in missed_reason(3, {"budget": True})
    plain = missed_reason(3, {})
    assert "did not settle in 3 rounds" in plain and ";" not in plain
