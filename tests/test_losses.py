"""The loss registry (exact/losses.py) and the two losses added through it, absolute and squared
hinge: conjugates checked by the Fenchel–Young inequality, certified optima cross-checked against
an independent cvxpy solve of the convex program built here from brute-force patterns, closed
forms, check, certificates, the command line, and planted bugs the verifier must catch.

Run: ``.venv/bin/pytest --hypothesis-profile=ci tests/test_losses.py``.
"""

from __future__ import annotations

import json
import math
from fractions import Fraction as F

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from arrangement.errors import InputError
from exact import losses as L
from exact.certify import solution_certificate, solve
from exact.check import check, check_certificate
from exact.cli import main
from exact.network import Network
from exact.verify import verify_certificate
from properties import strategies as PS
from tests.cli_run import solve_check_verify, write_data

NAMES = list(L.LOSS_NAMES)
NEW = ["absolute", "squared_hinge"]

small = st.fractions(min_value=-3, max_value=3, max_denominator=6)


def _targets(loss: str, n: int):
    """Class labels for the losses that read labels (hinge: also 0), else ``small`` targets."""
    return PS.loss_targets(loss, n, entries=small)


# -- the registry ---------------------------------------------------------------------------------
def test_registry_names_and_cli_choices():
    from exact.commands.options import LOSS_CHOICES
    from exact.convex import LOSSES

    assert NAMES == ["squared", "hinge", "absolute", "squared_hinge"]
    assert tuple(LOSS_CHOICES) == tuple(LOSSES) == L.LOSS_NAMES
    assert all(L.LOSSES[n].name == n for n in NAMES)
    with pytest.raises(InputError, match="expected one of squared, hinge, absolute"):
        L.get_loss("l1")


def test_capability_flags():
    assert [n for n in NAMES if L.LOSSES[n].supports_optimal_set] == ["squared"]
    assert [n for n in NAMES if L.LOSSES[n].supports_closed_form] == ["squared"]
    from exact.certify import REFINEMENTS

    assert all(L.LOSSES[n].refinement in REFINEMENTS for n in NAMES)
    assert {L.LOSSES[n].dual_source for n in NAMES} == {"residual", "subgradient"}


@pytest.mark.parametrize("loss", NAMES)
@given(data=st.data())
def test_fenchel_young(loss, data):
    """``−ℓ*(−v) ≤ ℓ(z) + vᵀz`` for every z and every v in the dual domain (weak duality per
    point), with equality at the loss's own dual candidate of z (residual or subgradient)."""
    n = data.draw(st.integers(1, 4))
    y = data.draw(_targets(loss, n))
    z = data.draw(st.lists(small, min_size=n, max_size=n))
    lo = L.get_loss(loss)
    v = lo.clip_dual(tuple(data.draw(st.lists(small, min_size=n, max_size=n))), y)
    a, b, c, kbox = lo.dual_form(v, y)
    if kbox is not None and kbox < 1:
        v = tuple(x * kbox for x in v)
    dz = sum((x * t for x, t in zip(v, z)), F(0))
    assert lo.dual_objective(v, y) <= lo.value(z, y) + dz
    # equality at a (sub)gradient: v = −ℓ'(z)
    w = lo.residual_dual(y, z)
    if w is None:
        w = tuple(a + b * (1 if m < 0 else 0)
                  for (m, a, b) in (lo.subgradient_piece(f, t, L.FRACTIONS)
                                    for f, t in zip(z, y)))
    assert lo.dual_objective(w, y) == lo.value(z, y) + sum((x * t for x, t in zip(w, z)), F(0))


@given(a=small, b=st.fractions(min_value=0, max_value=3, max_denominator=6),
       kf=st.one_of(st.none(), st.fractions(min_value=0, max_value=4, max_denominator=5)),
       kb=st.one_of(st.none(), st.fractions(min_value=0, max_value=4, max_denominator=5)))
def test_best_scale_against_a_grid(a, b, kf, kb):
    """The maximiser of ``κa − ½κ²b`` on ``[0, cap]`` beats every grid point (brute force);
    with ``a > 0 = b`` and no cap there is none (ValueError, not a κ that the grid beats)."""
    caps = [c for c in (kf, kb) if c is not None]
    if a > 0 and b == 0 and not caps:
        with pytest.raises(ValueError):
            L.best_scale(a, b, kf, kb)
        return
    k = L.best_scale(a, b, kf, kb)
    cap = min(caps) if caps else F(8)
    assert 0 <= k and (not caps or k <= cap)
    q = k * a - k * k * b / 2
    for i in range(41):
        t = cap * i / 40
        assert t * a - t * t * b / 2 <= q


def test_labels_refused_on_the_command_line(tmp_path, capsys):
    path = tmp_path / "d.json"
    path.write_text(json.dumps({"X": [[1, 0], [0, 1]], "y": ["1/2", 1], "beta": "1/10"}))
    assert main(["solve", str(path), "--loss", "squared_hinge"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("relucvx: error: --loss squared_hinge needs class labels")
    assert err.count("\n") == 1
    with pytest.raises(InputError, match="labels"):
        solve([[1, 0], [0, 1]], [2, 1], "1/10", "squared_hinge")


# -- an independent oracle: the convex program from brute-force patterns, solved by cvxpy ---------
def _oracle(X, y, beta, loss: str) -> float:
    """``P*`` from the group lasso built here: the patterns of ``Xu`` for u on a fine circle
    (d = 2: every chamber is an arc), no code shared with exact.convex."""
    import cvxpy as cvx

    Xf = np.array([[float(t) for t in r] for r in X])
    yf = np.array([float(t) for t in y])
    th = np.linspace(0, 2 * math.pi, 20000, endpoint=False)
    S = Xf @ np.vstack([np.cos(th), np.sin(th)])  # n × angles
    strict = np.all(np.abs(S) > 1e-9, axis=0)
    pats = {tuple(int(v > 0) for v in col) for col in S[:, strict].T}
    cons, fit, pen = [], 0, 0
    for p in sorted(pats):
        D = np.diag(p)
        A = (2 * D - np.eye(len(p))) @ Xf
        for sg in (1, -1):
            w = cvx.Variable(2)
            cons.append(A @ w >= 0)
            fit = fit + sg * (D @ Xf @ w)
            pen = pen + cvx.norm(w, 2)
    if loss == "absolute":
        ell = cvx.sum(cvx.abs(fit - yf))
    else:
        ell = 0.5 * cvx.sum_squares(cvx.pos(1 - cvx.multiply(yf, fit)))
    prob = cvx.Problem(cvx.Minimize(ell + float(beta) * pen), cons)
    prob.solve(solver=cvx.CLARABEL)
    return float(prob.value)


CASES = [
    ("absolute", [[-1, 1], [0, 1], [1, 1], [2, 1]], [1, 0, 1, F(1, 2)], F(1, 10)),
    ("absolute", [[1, 0], [1, 1], [1, F(1, 2)]], [0, 0, 1], F(1, 10)),
    ("absolute", [[1, 2], [-1, 1], [2, -1], [0, 1]], [F(3, 2), -1, F(1, 2), 2], F(1, 3)),
    ("squared_hinge", [[-1, 1], [0, 1], [1, 1], [2, 1]], [1, -1, 1, -1], F(1, 10)),
    ("squared_hinge", [[1, 2], [-1, 1], [2, -1], [0, 1]], [1, 1, -1, -1], F(1, 5)),
    ("squared_hinge", [[1, 0], [1, 1], [1, F(1, 2)]], [-1, 1, 1], F(1, 2)),
]


@pytest.mark.parametrize("loss,X,y,beta", CASES)
def test_certified_solve_against_the_oracle(loss, X, y, beta):
    """The certified interval contains the oracle's value (to its float accuracy), the gap meets
    the default 1e-12 target, the returned network attains ``upper``, and the certificate
    verifies."""
    sol = solve(X, y, beta, loss)
    assert sol.lower <= sol.upper
    assert sol.stats["target_met"], sol.stats.get("reason")
    assert sol.relative_gap <= F(1, 10**12)
    assert sol.network.objective(X, y, beta, loss=loss) == sol.upper
    ref = _oracle(X, y, beta, loss)
    assert abs(ref - float(sol.upper)) <= 1e-6 * max(1.0, ref)
    cert = solution_certificate(sol, X, y, beta)
    assert cert["loss"] == loss
    assert verify_certificate(cert)[0]


def _small_instances(loss: str):
    """n ≤ 5 nonzero integer rows in d = 2, targets for the loss, a β of four."""
    return PS.instances(PS.integer_matrices(n_max=5, d_min=2, d_max=2, nonzero_rows=True),
                        targets_for=lambda n: _targets(loss, n),
                        beta_strategy=st.sampled_from([F(1, 20), F(1, 5), F(1), F(3)]))


@pytest.mark.parametrize("loss", NEW)
@given(data=st.data())
@settings(max_examples=8)
def test_random_instances_against_the_oracle(loss, data):
    """Random small instances (d = 2, integer rows): the certified interval against the oracle,
    and the default gap target met."""
    inst = data.draw(_small_instances(loss))
    X, y, beta = inst.X, inst.y, inst.beta
    sol = solve(X, y, beta, loss)
    assert sol.lower <= sol.upper and sol.stats["target_met"], sol.stats.get("reason")
    ref = _oracle(X, y, beta, loss)
    assert abs(ref - float(sol.upper)) <= 1e-6 * max(1.0, ref)


def test_command_line_solve_check_verify(tmp_path, capsys):
    """``relucvx solve|check|verify`` with ``--loss absolute``: exit 0 each, the certificates prove
    their claims, and the extras are the pruned width (no optimal set for this loss)."""
    data = write_data(tmp_path, CASES[0][1], ["1", "0", "1", "1/2"], "1/10")
    s, c = solve_check_verify(tmp_path, capsys, data, ["--loss", "absolute"])
    assert s["loss"] == "absolute" and s["gap_target_met"] and "pruned_width" in s
    assert "m_star" not in s or s["m_star"] is None
    assert c["verdict"] == "optimal" and c["loss"] == "absolute"


@pytest.mark.parametrize("loss", NEW)
def test_estimator_takes_the_new_losses(loss):
    from exact.fit import ConvexReLURegressor

    X, y, beta = next((c[1], c[2], c[3]) for c in CASES if c[0] == loss)
    est = ConvexReLURegressor(beta=str(beta), loss=loss).fit(X, [float(t) for t in y])
    assert est.lower_ <= est.upper_ and est.gap_ <= F(1, 10**12) * max(1, abs(est.upper_))
    assert est.m_star_ is None


@given(st.integers(1, 3), st.sampled_from([F(1, 10), F(1, 2), F(2), F(5)]))
def test_squared_hinge_orthonormal_closed_form(k, beta):
    """*Derived* (docs/MATH.md §11): on orthonormal rows with labels ±1 the squared hinge's optimum
    equals the squared loss's whitened closed form ``g(√|P|) + g(√|N|)`` (docs/MATH.md §9): the
    squared-loss optimal dual ``v = (1 − t) y`` has ``y_j v_j ≥ 0``."""
    import sympy

    X = [[int(i == j) for j in range(k)] for i in range(k)]
    y = [(-1) ** j for j in range(k)]
    sol = solve(X, y, beta, "squared_hinge")
    b = sympy.Rational(beta.numerator, beta.denominator)

    def g(m):
        t = sympy.sqrt(m)
        return b * t - b * b / 2 if t > b else sympy.Rational(m, 2)

    value = g(sum(1 for t in y if t > 0)) + g(sum(1 for t in y if t < 0))
    lo, up = sympy.Rational(str(sol.lower)), sympy.Rational(str(sol.upper))
    assert lo <= value <= up


def test_absolute_one_point_closed_form():
    """``X = [[1]]``, ``y = (c)``: ``P* = min(1, β) |c|`` (fit ``c`` for ``β < 1``, else 0)."""
    for c, beta in ((F(3), F(1, 2)), (F(-2), F(1, 4)), (F(5, 2), F(3))):
        sol = solve([[1]], [c], beta, "absolute")
        assert sol.lower <= min(F(1), beta) * abs(c) <= sol.upper


# -- check ---------------------------------------------------------------------------------------
@pytest.mark.parametrize("loss,X,y,beta", [CASES[0], CASES[3]])
def test_check_optimal_and_not_optimal(loss, X, y, beta):
    sol = solve(X, y, beta, loss)
    good = check(sol.network, X, y, beta, loss=loss)
    assert good.verdict == "optimal"
    assert verify_certificate(check_certificate(good))[0]
    bad = check(Network.from_lists([((1, 0), 1)]), X, y, beta, loss=loss)
    assert bad.verdict == "not optimal"
    assert bad.better_objective < bad.objective
    assert bad.dual_source == L.get_loss(loss).dual_source
    cert = check_certificate(bad)
    assert cert["dual"]["source"] == L.get_loss(loss).dual_source
    assert verify_certificate(cert)[0]


def test_absolute_subgradient_dual_is_a_subgradient():
    """Away from the targets the check's dual candidate is sign(y − f) exactly; on them it is
    fitted in [−1, 1]."""
    X, y, beta = CASES[0][1:]
    net = solve(X, y, beta, "absolute").network
    f = net.output(X)
    res = check(net, X, y, beta, loss="absolute")
    for vj, t, fj in zip(res.dual, [F(t) for t in y], f):
        assert -1 <= vj <= 1
        if abs(t - fj) > F(1, 10**6):
            assert vj == (1 if t > fj else -1)


@pytest.mark.parametrize("loss", NAMES)
@given(data=st.data())
def test_verifier_table_agrees_with_the_registry(loss, data):
    """The verifier's own loss table (exact/verify.py, no shared code) and the registry give the
    same value and the same dual value, and the same domain."""
    from exact import verify as V

    n = data.draw(st.integers(1, 4))
    y = data.draw(_targets(loss, n))
    z = data.draw(st.lists(small, min_size=n, max_size=n))
    v = data.draw(st.lists(small, min_size=n, max_size=n))
    kappa = data.draw(st.fractions(min_value=0, max_value=2, max_denominator=4))
    lo = L.get_loss(loss)
    # two neurons (x)_+ − (−x)_+ = x on the rows x_j = z_j output z exactly; β = 0
    obj, out = V.objective([([F(1)], F(1)), ([F(-1)], F(-1))], [[t] for t in z], list(y), F(0),
                           loss)
    assert out == list(z) and obj == lo.value(z, y)
    mine = V.dual_value(list(v), list(y), kappa, loss)
    try:
        theirs = lo.dual_objective(tuple(kappa * x for x in v), y)
    except ValueError:
        theirs = None
    assert mine == theirs


# -- planted bugs: the verifier's own loss table catches a producer's wrong conjugate ----------
def test_verifier_rejects_a_wrong_absolute_dual(monkeypatch):
    """Plant a bug: the absolute loss's dual without its box (κ unbounded by ``|v_j| ≤ 1``). The
    producer then claims a lower bound above ``P*``; the verifier's own table rejects it."""
    X, y, beta = CASES[0][1], CASES[0][2], F(10)  # the zero network is optimal: kfeas > 1
    lo = L.LOSSES["absolute"]
    monkeypatch.setattr(type(lo), "dual_form", lambda self, v, y: (
        sum((a * b for a, b in zip(v, y)), F(0)), F(0), F(0), None))
    monkeypatch.setattr(type(lo), "clip_dual", lambda self, v, y: tuple(v))
    monkeypatch.setattr(type(lo), "refinement", None)
    sol = solve(X, y, beta, "absolute")
    assert sol.lower > sol.upper  # the bug's claim is false ...
    ok, msg = verify_certificate(solution_certificate(sol, X, y, beta))[:2]
    assert not ok and "dual" in msg  # ... and the verifier's own table says so


def test_verifier_rejects_a_wrong_squared_hinge_value(monkeypatch):
    """Plant a bug: the squared hinge valued as the plain hinge. The network's objective no
    longer matches what the verifier recomputes."""
    X, y, beta = CASES[3][1:]
    sh = L.LOSSES["squared_hinge"]
    monkeypatch.setattr(type(sh), "point", L.Hinge.point)
    sol = solve(X, y, beta, "squared_hinge")
    assert not verify_certificate(solution_certificate(sol, X, y, beta))[0]
