"""``exact.check``: the certified global-optimality test of seed 000 and its certificates.

Run: ``.venv/bin/pytest --hypothesis-profile=ci tests/test_check.py``.
"""

from __future__ import annotations

import copy
import doctest
import json
import random
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from arrangement.errors import InputError
from arrangement.examples import example
from exact.certify import solve
from exact.check import check, check_certificate, result_summary
from exact.maps import psi, psi_rational
from exact.network import Network, Neuron, exact_eq, sign
from exact.verify import NOT_PROVED, verify, verify_certificate
from tests.oracles import dual_pass_failures

F = Fraction


def _random_instance(seed: int = 7):
    rng = random.Random(seed)
    X = [[rng.randint(-3, 3) for _ in range(2)] + [1] for _ in range(5)]
    y = [rng.randint(-2, 2) for _ in range(5)]
    return X, y, F(1, 5)


def _instances():
    out = {}
    for name in ("v1d", "generic2d"):
        e = example(name)
        out[name] = (e.X, e.y, e.beta)
    out["random"] = _random_instance()
    return out


INSTANCES = _instances()
_SOL: dict = {}


def solution(name):
    if name not in _SOL:
        X, y, beta = INSTANCES[name]
        _SOL[name] = solve(X, y, beta)
    return _SOL[name]


def train_gd(X, y, beta, m=4, steps=3000, lr=0.02, seed=0) -> Network:
    """Plain gradient descent in floats, then every float converted exactly to a Fraction."""
    rng = np.random.default_rng(seed)
    Xf = np.array([[float(t) for t in r] for r in X])
    yf = np.array([float(t) for t in y])
    U = rng.normal(size=(Xf.shape[1], m)) * 0.5
    a = rng.normal(size=m) * 0.5
    b = float(beta)
    for _ in range(steps):
        Z = Xf @ U
        A = np.maximum(Z, 0)
        r = A @ a - yf
        ga = A.T @ r + b * a
        gU = Xf.T @ ((r[:, None] * (Z > 0)) * a[None, :]) + b * U
        U -= lr * gU
        a -= lr * ga
    return Network.from_lists([(tuple(F(float(x)) for x in U[:, k]), F(float(a[k])))
                               for k in range(m)])


def perturb(net: Network, factor: Fraction | None = None) -> Network:
    factor = F(6, 5) if factor is None else factor
    nr = net.neurons[0]
    return Network((Neuron(nr.u, nr.alpha * factor),) + net.neurons[1:])


# -- optimal networks --------------------------------------------------------------------------
@pytest.mark.parametrize("name", sorted(INSTANCES))
def test_certified_optimum_is_optimal(name):
    X, y, beta = INSTANCES[name]
    sol = solution(name)
    for net in (sol.network, psi_rational(sol.groups)):
        r = check(net, X, y, beta, program=sol.program)
        assert r.verdict == "optimal", (name, float(r.gap))
        assert r.lower <= sol.upper and sol.lower <= r.upper
        assert r.gap <= r.tol * max(1, r.upper)
        assert r.better is None
        ok, msg = verify_certificate(json.loads(json.dumps(r.certificate)))
        assert ok, msg
        assert "optimal within" in msg


def test_psi_of_optimum_is_optimal_algebraic():
    X, y, beta = INSTANCES["generic2d"]
    sol = solution("generic2d")
    r = check(psi(sol.groups), X, y, beta, program=sol.program)
    assert r.verdict == "optimal"
    assert r.certificate is None  # square roots: no standard-library certificate


def _v_optimum() -> Network:
    """The exact minimal optimum of the V data (fit (9/10, 1/10, 9/10), docs/MATH.md §9)."""
    W = {(0, 1): (F(4, 5), F(0)), (1, 1): (F(0), F(1, 10)), (2, 1): (F(-4, 5), F(0))}
    return psi(W)


def test_exact_v_optimum_has_gap_zero():
    X, y, beta = INSTANCES["v1d"]
    net = _v_optimum()
    assert not net.is_rational
    r = check(net, X, y, beta)
    assert r.verdict == "optimal"
    assert r.lower == F(37, 200) and exact_eq(r.objective, F(37, 200))
    assert sign(r.gap) == 0
    st = r.stationarity
    assert st["scaled"] and st["nearly_minimal"]
    assert st["stationary"] and st["subsampled_optimal"]
    assert r.violation == 0
    # (4/5, 0) lies on the hyperplane of row (0, 1): held by two closed cones
    assert max(len(gs) for gs in r.neuron_groups) >= 2


# -- not optimal ----------------------------------------------------------------------------------
@pytest.mark.parametrize("name", sorted(INSTANCES))
def test_perturbed_is_not_optimal(name):
    X, y, beta = INSTANCES[name]
    sol = solution(name)
    r = check(perturb(sol.network), X, y, beta, program=sol.program)
    assert r.verdict == "not optimal"
    assert r.better is not None
    assert r.better_objective < r.objective                       # exactly smaller
    assert r.better_objective == r.better.objective(X, y, beta)
    lo, up = r.optimum
    assert lo <= r.better_objective <= up
    assert r.t[r.worst_chamber] == max(r.t.values())
    assert r.violation == max(r.t.values()) - F(beta) ** 2
    ok, msg = verify_certificate(json.loads(json.dumps(r.certificate)))
    assert ok and "not optimal" in msg, msg


def test_stationarity_fails_for_unscaled_network():
    X, y, beta = INSTANCES["v1d"]
    net = Network.from_lists([((0, 1), F(1, 2))])
    r = check(net, X, y, beta)
    assert r.verdict == "not optimal"
    assert r.stationarity["scaled"] is False and r.stationarity["stationary"] is False
    assert r.violation > 0


@pytest.mark.parametrize("name,seed", [("v1d", 0), ("generic2d", 1), ("random", 2)])
def test_gradient_descent_never_below_lower_bound(name, seed):
    X, y, beta = INSTANCES[name]
    sol = solution(name)
    net = train_gd(X, y, beta, seed=seed)
    assert net.is_rational
    r = check(net, X, y, beta, program=sol.program)
    assert r.objective >= sol.lower           # no network beats the certified lower bound
    assert r.lower <= sol.upper               # and no lower bound exceeds a network's objective
    if r.verdict == "not optimal":
        assert r.better_objective < r.objective
    assert verify_certificate(json.loads(json.dumps(r.certificate)))[0]


# -- bad input ------------------------------------------------------------------------------------
def test_bad_inputs():
    X, y, beta = INSTANCES["v1d"]
    with pytest.raises(InputError, match="input dimension 3"):
        check(Network.from_lists([((1, 2, 3), 1)]), X, y, beta)
    with pytest.raises(InputError, match="unknown loss"):
        check(Network.from_lists([((1, 2), 1)]), X, y, beta, loss="logistic")
    with pytest.raises(InputError, match="tol"):
        check(Network.from_lists([((1, 2), 1)]), X, y, beta, tol=-1)


def test_empty_network():
    X, y, beta = INSTANCES["v1d"]
    r = check(Network(()), X, y, beta)
    assert r.objective == F(1)  # ½‖y‖²
    assert r.verdict == "not optimal"
    assert verify_certificate(r.certificate)[0]


# -- certificates ---------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def certs():
    X, y, beta = INSTANCES["generic2d"]
    sol = solution("generic2d")
    good = check(sol.network, X, y, beta, program=sol.program)
    bad = check(perturb(sol.network), X, y, beta, program=sol.program)
    return (json.loads(json.dumps(good.certificate)), json.loads(json.dumps(bad.certificate)))


def _rejects(cert, check_name=None):
    ok, msg = verify_certificate(cert)
    assert not ok, msg
    assert "\n" not in msg
    if check_name:
        assert msg.split(":")[0] == check_name, msg
    return msg


def _bump(x, by: Fraction | None = None):
    return str(F(x) + (F(1, 10**6) if by is None else by))


def test_certificates_valid(certs):
    for c in certs:
        assert c["kind"] == "check" and c["format"] == "relucvx-certificate/3"
        assert verify_certificate(c)[0]
        assert "completeness" in c


def test_corrupted_objective(certs):
    for c in certs:
        c = copy.deepcopy(c)
        c["claims"]["objective"] = _bump(c["claims"]["objective"])
        _rejects(c, "claims")
        c["claims"]["upper"] = c["claims"]["objective"]
        _rejects(c, "bounds")


def test_corrupted_lambda(certs):
    for c in certs:
        c = copy.deepcopy(c)
        for ch in c["chambers"]:
            for g in ch["groups"]:
                if "p" in g and any(F(t) != 0 for t in g["lambda"]):
                    k = next(k for k, t in enumerate(g["lambda"]) if F(t) != 0)
                    g["lambda"][k] = _bump(g["lambda"][k])
                    break
            else:
                continue
            break
        else:
            pytest.skip("no nonzero multiplier")
        _rejects(c, "projection")


def test_corrupted_kappa(certs):
    for c in certs:
        c = copy.deepcopy(c)
        c["dual"]["kappa"] = _bump(c["dual"]["kappa"], F(1, 10))
        _rejects(c)


def test_corrupted_verdict_and_better(certs):
    good, bad = copy.deepcopy(certs[0]), copy.deepcopy(certs[1])
    bad2 = copy.deepcopy(bad)
    bad2["claims"]["verdict"] = "optimal"
    _rejects(bad2, "verdict")
    bad3 = copy.deepcopy(bad)
    bad3["better"]["objective"] = _bump(bad3["better"]["objective"])
    _rejects(bad3, "verdict")
    bad4 = copy.deepcopy(bad)
    bad4["better"]["network"] = copy.deepcopy(bad["network"])
    bad4["better"]["objective"] = bad["claims"]["objective"]
    _rejects(bad4, "verdict")
    good2 = copy.deepcopy(good)
    good2["claims"]["verdict"] = "not optimal"
    _rejects(good2, "verdict")   # no better network listed
    good3 = copy.deepcopy(good)
    good3["claims"]["epsilon"] = "0"
    _rejects(good3, "claims")


def test_corrupted_residual_and_worst(certs):
    c = copy.deepcopy(certs[1])
    c["claims"]["violation"] = _bump(c["claims"]["violation"])
    _rejects(c, "claims")
    c = copy.deepcopy(certs[1])
    i, s = c["claims"]["worst_chamber"]
    c["claims"]["worst_chamber"] = [i, -s]
    _rejects(c, "claims")
    c = copy.deepcopy(certs[1])
    c["network"]["neurons"][0]["alpha"] = _bump(c["network"]["neurons"][0]["alpha"])
    _rejects(c)  # changes the objective (bounds) and the residual


def test_check_certificate_without_completeness():
    X, y, beta = INSTANCES["v1d"]
    r = check(Network.from_lists([((0, 1), 1)]), X, y, beta)
    c = check_certificate(r, completeness=False)
    assert "completeness" not in c
    status, msg = verify(c)  # consistent, but not a proof: exit status 3
    assert status == NOT_PROVED and "not certified complete" in msg
    s = result_summary(r)
    for key in ("verdict", "objective", "lower", "upper", "worst_chamber", "violation",
                "better_objective"):
        assert key in s


def test_doctests():
    import exact.check as check_mod
    import exact.commands.check as check_cmd

    assert doctest.testmod(check_mod).failed == 0
    assert doctest.testmod(check_cmd).failed == 0


@settings(max_examples=25, deadline=None)
@given(st.data())
def test_weak_duality_for_random_networks(data):
    """For any rational network θ: LB(θ's residual) ≤ P* ≤ L_β(θ), and the certificate holds."""
    n = data.draw(st.integers(2, 4))
    ints = st.integers(-3, 3)
    X = [[data.draw(ints), data.draw(ints), 1] for _ in range(n)]
    y = [data.draw(ints) for _ in range(n)]
    beta = F(data.draw(st.integers(1, 5)), 5)
    m = data.draw(st.integers(0, 3))
    fr = st.fractions(min_value=-2, max_value=2, max_denominator=4)
    net = Network.from_lists([((data.draw(fr), data.draw(fr), data.draw(fr)), data.draw(fr))
                              for _ in range(m)])
    r = check(net, X, y, beta, find_better=False)
    assert r.lower <= r.objective == r.upper
    assert r.verdict in ("optimal", "undecided")
    if r.verdict == "optimal":
        assert r.gap <= r.epsilon
    assert r.violation == max(r.t.values(), default=F(0)) - beta * beta
    assert (r.violation <= 0) == all(t <= beta * beta for t in r.t.values())
    ok, msg = verify_certificate(json.loads(json.dumps(r.certificate)))
    assert ok, msg


# -- hinge loss -----------------------------------------------------------------------------------
HX = [[-1, 1], [0, 1], [1, 1], [2, 1]]
HY = [1, -1, 1, -1]


def test_hinge_optimum_is_certified_by_its_own_subgradient():
    sol = solve(HX, HY, F(1, 10), loss="hinge")
    r = check(sol.network, HX, HY, F(1, 10), loss="hinge")
    assert r.verdict == "optimal" and r.dual_source == "subgradient"
    assert abs(r.violation) < F(1, 10**9) and r.lower <= sol.upper and r.objective == sol.upper
    cert = check_certificate(r)
    assert cert["loss"] == "hinge" and cert["dual"]["source"] == "subgradient"
    ok, msg = verify_certificate(cert)
    assert ok, msg


def test_hinge_exact_optimum_on_orthonormal_data():
    # orthonormal rows, one positive and one negative point: the neurons (x₀, 1) and (x₁, −1)
    # are optimal, P* = 2β + 1 (the zero label costs 1; tests/test_hinge.py's closed form)
    Q = [[F(a, 3) for a in row] for row in ((1, 2, 2), (2, 1, -2), (2, -2, 1))]
    y, beta = [1, -1, 0], F(1, 10)
    net = Network.from_lists([(Q[0], 1), (Q[1], -1)])
    r = check(net, Q, y, beta, loss="hinge")
    assert r.objective == 2 * beta + 1 == r.lower and r.verdict == "optimal"
    assert verify_certificate(check_certificate(r))[0]


def test_hinge_bad_network_is_not_optimal_with_a_verified_certificate():
    bad = Network.from_lists([((1, 0), 1)])
    r = check(bad, HX, HY, F(1, 10), loss="hinge")
    assert r.verdict == "not optimal" and r.violation > 0
    assert r.better_objective < r.objective == bad.objective(HX, HY, F(1, 10), loss="hinge")
    cert = check_certificate(r, completeness=False)
    assert verify(cert)[0] == NOT_PROVED  # all checks pass; no completeness certificate
    # the dual must be y times a subgradient of the hinge at the network's output: at f = 0
    # every margin is broken, so μ = 1; a μ of 1/2 there is rejected
    forged = copy.deepcopy(cert)
    forged["dual"]["v"][1] = "-1/2"
    ok, msg = verify_certificate(forged)
    assert not ok  # (g = s XᵀD v no longer holds either)
    # and a hinge certificate is not a squared-loss one
    forged = copy.deepcopy(cert)
    forged["dual"]["source"] = "residual"
    assert not verify_certificate(forged)[0]


def test_hinge_subgradient_band_and_its_verification():
    from exact.check import MARGIN_BAND, hinge_subgradient_dual
    from exact.convex import ConvexProgram

    cp = ConvexProgram([[1, 0], [0, 1], [1, 1]], [1, -1, 1], F(1, 2), "hinge")
    # margins 1 + band/2 (inside the band: μ fitted in [0, 1]), 1 + 2 band (μ = 0), 1/2 (μ = 1)
    f = (1 + MARGIN_BAND / 2, -(1 + 2 * MARGIN_BAND), F(1, 2))
    v = hinge_subgradient_dual(cp, f, {})
    assert 0 <= v[0] <= 1 and v[1] == 0 and v[2] == 1
    r = check(Network.from_lists([((1, 0), 1)]), HX, HY, F(1, 10), loss="hinge")
    cert = check_certificate(r, completeness=False)
    forged = copy.deepcopy(cert)
    forged["dual"]["band"] = "-1"
    ok, msg = verify_certificate(forged)
    assert not ok and "band" in msg


# -- the dual pass on int64 intervals (exact.interval_pass) ----------------------------------------
def _float_network(X, y, beta, m, seed):
    """A network trained elsewhere: float weights written with repr (17 digits)."""
    rng = np.random.default_rng(seed)
    Xf, yf, b = np.array(X, dtype=float), np.array(y, dtype=float), float(beta)
    U, a = 0.5 * rng.standard_normal((Xf.shape[1], m)), 0.5 * rng.standard_normal(m)
    for _ in range(300):
        Z = Xf @ U
        r = np.maximum(Z, 0) @ a - yf
        ga = np.maximum(Z, 0).T @ r + b * a
        gU = Xf.T @ ((r[:, None] * (Z > 0)) * a[None, :]) + b * U
        a, U = a - 2e-4 * ga, U - 2e-4 * gU
    return Network.from_lists([(tuple(F(repr(float(t))) for t in U[:, k]), F(repr(float(a[k]))))
                               for k in range(m)])


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_interval_dual_pass_agrees_with_dual_pieces(seed):
    from exact.certify import dual_pieces
    from exact.check import network_output, own_groups
    from exact.convex import ConvexProgram
    from exact.interval_pass import interval_dual_pieces
    from exact.maps import phi
    from exact.transforms import held_groups

    rng = np.random.default_rng(seed)
    X = rng.integers(-9, 10, (12, 3)).tolist()
    y = rng.integers(-5, 6, 12).tolist()
    beta = F(1, 10)
    cp = ConvexProgram(X, y, beta)
    sol = solve(X, y, beta, program=cp)
    for net in (sol.network, _float_network(X, y, beta, 3, seed)):
        v = tuple(a - b for a, b in zip(cp.y, net.output(cp.X)))
        held, W = own_groups(net, cp)
        assert held == held_groups(net, cp.X, cp.signs) and W == phi(net, cp.X, cp.signs)
        assert network_output(net, cp.X) == net.output(cp.X)
        dp = interval_dual_pieces(cp, v, must=list(W))
        assert dp.tmax == dual_pieces(cp, v).tmax
        assert all(g in dp.ts for g in W)
        assert dual_pass_failures(cp, v, dp) == []


def test_interval_rows_are_exact_and_the_intervals_hold_them():
    from exact.certify import h_matrix
    from exact.convex import ConvexProgram
    from exact.interval_pass import IntervalH

    rng = np.random.default_rng(3)
    X = rng.integers(-9, 10, (10, 3)).tolist()
    cp = ConvexProgram(X, rng.integers(-5, 6, 10).tolist(), F(1, 10))
    v = tuple(F(int(a), 10**40 + 7 * k) for k, a in enumerate(rng.integers(-10**6, 10**6, 10)))
    ih = IntervalH(cp, v)
    H, den = h_matrix(cp, v)
    assert ih.k > 0 and ih.den == den  # long numbers: the intervals are rounded
    for i in range(cp.p):
        assert ih.row(i) == tuple(int(x) for x in H[i])
        for c in range(cp.d):
            assert int(ih.Hl[i, c]) << ih.k <= int(H[i, c]) <= int(ih.Hh[i, c]) << ih.k


def test_planted_bug_a_dismissed_violated_group_is_caught(monkeypatch):
    """A screen that dismisses groups above the threshold (here: every threshold taken as
    huge) gives bounds above t_max, and the audit catches it."""
    from exact.convex import ConvexProgram
    from exact.interval_pass import IntervalH, interval_dual_pieces

    rng = np.random.default_rng(0)
    X = rng.integers(-9, 10, (12, 3)).tolist()
    cp = ConvexProgram(X, rng.integers(-5, 6, 12).tolist(), F(1, 10))
    v = tuple(F(int(a), 7) for a in rng.integers(-20, 20, 12))
    assert dual_pass_failures(cp, v, interval_dual_pieces(cp, v)) == []
    monkeypatch.setattr(IntervalH, "threshold", lambda self, thr: 2**62)
    assert dual_pass_failures(cp, v, interval_dual_pieces(cp, v)) != []


def test_check_of_a_float_network_verifies_with_scaled_multipliers():
    """A network with 17-digit float weights: the interval pass's integer multipliers (code 4
    of ScaledDismissals) are written into the certificate, and the verifier accepts them."""
    from exact.interval_pass import ScaledDismissals

    rng = np.random.default_rng(5)
    X = rng.integers(-9, 10, (14, 3)).tolist()
    y = rng.integers(-5, 6, 14).tolist()
    beta = F(1, 10)
    net = _float_network(X, y, beta, 4, 5)
    r = check(net, X, y, beta, find_better=False)
    assert isinstance(r.bounds, ScaledDismissals) and (r.bounds.code == 4).any()
    assert r.certificate is not None and verify_certificate(r.certificate)[0]
    lower_old = check(net, X, y, beta, find_better=False, certificate=False)
    assert lower_old.lower == r.lower and lower_old.worst_chamber == r.worst_chamber
