"""Real data as users have them (issue: first day), and the solver's failure paths.

The fixtures in ``tests/data/`` come from scikit-learn's bundled data sets (BSD licence; see
``tests/data/README.md``): full-precision decimals (``repr(float)``), values that passed through
float32, and a float64 ``.npy``. Each one must solve (squared and hinge loss) to a certificate
that verifies, and ``check`` must accept solve's network. The other tests cover the numeric
solver's fallbacks, the gap-target report, the per-phase times, ``check --tol``, the hinge
label refusal and cddlib's pivot-cap message.

Run: ``PYTHONPATH=. .venv/bin/pytest --hypothesis-profile=ci tests/test_real_data.py``.
"""

from __future__ import annotations

import json
import os
from fractions import Fraction
from pathlib import Path

import pytest

from arrangement.certificate import completeness_certificate
from arrangement.instances import read_instance
from exact.certify import solution_certificate, solve
from exact.check import check, check_certificate
from exact.cli import main
from exact.convex import ConvexProgram, NumericSolveError
from exact.network import Network
from exact.verify import verify_certificate

DATA = Path(__file__).resolve().parent / "data"
FIXTURES = ["diabetes_20x3_repr.csv", "iris_16x3_float32.csv", "wine_14x3_float64.npy"]
BETA = Fraction(1, 10)


def _instance(name: str):
    return read_instance(str(DATA / name), target="last", beta="1/10")


def _labels(y):
    """±1 labels: the fixture's own when it has them, else above / below the median."""
    if all(t in (-1, 1) for t in y):
        return list(y)
    med = sorted(y)[len(y) // 2]
    return [1 if t >= med else -1 for t in y]


def test_fixtures_have_the_number_formats_of_the_issue():
    diab = (DATA / "diabetes_20x3_repr.csv").read_text().splitlines()[1]
    assert max(len(c) for c in diab.split(",")) >= 18  # 17 significant digits
    assert "3.700000047683716" in (DATA / "iris_16x3_float32.csv").read_text()  # float32
    import numpy as np

    arr = np.load(DATA / "wine_14x3_float64.npy")
    assert arr.dtype == np.float64 and arr.shape == (14, 4)


@pytest.mark.parametrize("name", FIXTURES)
@pytest.mark.parametrize("loss", ["squared", "hinge"])
def test_real_data_solves_and_verifies(name, loss):
    inst = _instance(name)
    y = inst.y if loss == "squared" else _labels(inst.y)
    sol = solve(inst.X, y, BETA, loss)
    assert sol.stats["target_met"] and sol.gap <= Fraction(1, 10**12) * max(1, abs(sol.upper))
    cert = solution_certificate(sol, inst.X, y, BETA)
    cert["completeness"] = completeness_certificate(sol.program.arrangement)
    ok, msg = verify_certificate(json.loads(json.dumps(cert)))
    assert ok, msg
    # the network is exactly as good as claimed, and check agrees it is optimal
    assert sol.network.objective(inst.X, y, BETA, loss=loss) == sol.upper
    r = check(sol.network, inst.X, y, BETA, loss=loss, program=sol.program, tol="1e-9")
    assert r.verdict == "optimal"
    ok, msg = verify_certificate(json.loads(json.dumps(check_certificate(r))))
    assert ok, msg


def test_cli_solve_on_full_precision_csv(tmp_path, capsys):
    cert = tmp_path / "c.json"
    code = main(["solve", str(DATA / "diabetes_20x3_repr.csv"), "--target", "last", "--beta",
                 "1/10", "--json", "--certificate", str(cert)])
    out, err = capsys.readouterr()
    assert code == 0 and "Traceback" not in err
    s = json.loads(out)
    assert s["gap_target_met"] is True and s["gap_target_reason"] is None
    assert isinstance(s["gap_float"], float) and s["gap_float"] == float(Fraction(s["gap"]))
    assert main(["verify", str(cert)]) == 0


def test_numeric_guess_sees_scaled_rows():
    """The conic solver never sees the huge exact facet rows of decimal data (rows are
    normalised, data scaled), and the unscaled guess is still a near-optimal point."""
    inst = _instance("diabetes_20x3_repr.csv")
    cp = ConvexProgram(inst.X, inst.y, BETA)
    assert max(abs(x) for c in cp.cones for a in c for x in a) > 10**15
    prob, _ = cp.cvxpy_problem()
    import numpy as np
    import scipy.sparse as sp

    def largest(c):
        val = c.value
        return float(abs(val).max()) if sp.issparse(val) else float(np.max(np.abs(val)))

    assert max(largest(c) for c in prob.constants()) <= 1.0 + 1e-12
    cp.numeric_solve()
    sol = solve(inst.X, inst.y, BETA, program=cp)
    assert abs(cp.numeric_value - float(sol.upper)) <= 1e-6 * float(sol.upper)


def test_solver_fallback_and_unrecoverable_failure(monkeypatch, capsys):
    import cvxpy

    real = cvxpy.Problem.solve
    calls = []

    def clarabel_fails(self, *a, solver=None, **kw):
        calls.append(solver)
        if solver == cvxpy.CLARABEL:
            raise cvxpy.error.SolverError("Solver 'CLARABEL' failed")
        return real(self, *a, solver=solver, **kw)

    monkeypatch.setattr(cvxpy.Problem, "solve", clarabel_fails)
    X, y = [[-1, 1], [0, 1], [1, 1]], [1, 0, 1]
    sol = solve(X, y, BETA)
    assert calls == [cvxpy.CLARABEL, cvxpy.CLARABEL, "SCS"]
    assert sol.program.numeric_solver == "SCS"
    assert sol.lower <= Fraction(37, 200) <= sol.upper  # still exact and valid (SCS guess)

    def all_fail(self, *a, solver=None, **kw):
        raise cvxpy.error.SolverError(f"Solver '{solver}' failed")

    monkeypatch.setattr(cvxpy.Problem, "solve", all_fail)
    with pytest.raises(NumericSolveError):
        solve(X, y, BETA)
    assert main(["solve", "example:v1d"]) == 3
    out, err = capsys.readouterr()
    assert err.count("\n") == 1 and err.startswith("relucvx: error: the numeric solve")


def test_gap_target_reported_when_missed(monkeypatch, capsys):
    import exact.certify as certify

    def no_refinement(cp, W, norms, thr, v0, up, *a, **kw):
        return None, up, 0

    monkeypatch.setattr(certify, "_tighten", no_refinement)
    code = main(["solve", "example:generic2d", "--json", "--tol", "1e-40"])
    s = json.loads(capsys.readouterr().out)
    assert code == 0 and s["gap_target_met"] is False and "did not settle" in \
        s["gap_target_reason"]
    assert Fraction(s["gap"]) > Fraction(1, 10**40) * max(1, abs(Fraction(s["upper"])))
    assert "gap target was not met" in s["extras_skipped"]
    assert main(["solve", "example:generic2d", "--tol", "1e-40"]) == 0
    assert "NOT met" in capsys.readouterr().out


def test_each_phase_is_timed(capsys, tmp_path):
    assert main(["solve", "example:v1d", "--json", "--certificate", str(tmp_path / "c")]) == 0
    t = json.loads(capsys.readouterr().out)["seconds"]
    parts = ("enumeration", "numeric", "certification", "extras", "writing")
    assert all(t[k] >= 0 for k in parts)
    assert abs(sum(t[k] for k in parts) - t["total"]) <= 0.01 + 0.05 * t["total"]
    assert main(["solve", "example:v1d"]) == 0
    text = capsys.readouterr().out
    assert all(k in text for k in ("enumeration", "certification", "extras", "writing"))


def test_extras_budget_and_force(monkeypatch, capsys):
    import exact.commands.solve as cmd

    monkeypatch.setattr(cmd, "EXTRAS_MAX_GROUPS", 1)  # v1d has 3 active groups
    assert main(["solve", "example:v1d", "--json"]) == 0
    s = json.loads(capsys.readouterr().out)
    assert "optimal_set" not in s and "--extras" in s["extras_skipped"] and s["m_star"] is None
    assert main(["solve", "example:v1d", "--json", "--extras"]) == 0
    s = json.loads(capsys.readouterr().out)
    assert s["extras_skipped"] is None and s["m_star"] == 3


@pytest.mark.parametrize("cmd", ["solve", "check"])
def test_hinge_refuses_real_valued_targets(cmd, tmp_path, capsys):
    net = tmp_path / "n.json"
    Network.from_lists([((0, 0, 1), 1)]).write_json(net)
    argv = [cmd, str(DATA / "diabetes_20x3_repr.csv"), *([str(net)] if cmd == "check" else []),
            "--target", "last", "--beta", "1/10", "--loss", "hinge"]
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "class labels" in err and "y[0] = 151/100" in err


def test_check_tol_follows_its_meaning_when_a_better_network_exists():
    """A network slightly above the optimum is "optimal" under a tolerance larger than its
    excess, "not optimal" under a smaller one (issue: check --tol ignored)."""
    X, y = [[1, 0], [0, 1], [1, 1], [1, -1], [1, 2], [2, -1]], [1, -1, 2, 0, 1, -2]
    sol = solve(X, y, BETA)
    c = Fraction(1001, 1000)  # scale every output weight: a little worse, same patterns
    net = Network.from_lists([(nr.u, nr.alpha * c) for nr in sol.network.neurons])
    obj = net.objective(X, y, BETA)
    excess = obj - sol.lower
    assert excess > 0
    loose = 2 * excess / max(1, obj)  # ε = tol·max(1, obj) = 2·(excess over P*'s lower bound)
    r = check(net, X, y, BETA, tol=loose, program=sol.program)
    assert r.verdict == "optimal" and r.gap <= r.epsilon
    assert r.better_objective is not None and r.better_objective < obj  # reported beside
    cert = json.loads(json.dumps(check_certificate(r)))
    # a tolerance above the verifier's ceiling (docs/certificates.md) proves nothing unless the
    # reader allows it explicitly, as `relucvx verify --max-tol` does
    assert not verify_certificate(cert)[0]
    ok, msg = verify_certificate(cert, max_tol=Fraction(1, 100))
    assert ok, msg
    tight = (obj - sol.upper) / (4 * max(1, obj))
    r = check(net, X, y, BETA, tol=tight, program=sol.program)
    assert r.verdict == "not optimal" and obj - r.better_objective > r.epsilon
    ok, msg = verify_certificate(json.loads(json.dumps(check_certificate(r))))
    assert ok, msg


def test_cddlib_pivot_message_is_dropped_and_the_rest_kept(capfd):
    from exact.quiet import cdd_quiet

    with cdd_quiet() as dropped:
        os.write(2, b"max number 40 of pivots performed by the criss-cross method. Most likely "
                    b"due to the floating-point arithmetics error.\nanother line\n")
    err = capfd.readouterr().err
    assert len(dropped) == 1 and "floating-point" not in err and "another line" in err
