"""Two-layer CNNs (exact/conv.py, docs/cnn.md): patches, the certified P*, counts.

Oracles, all independent of the code under test:

- the patches, re-sliced here from the definition ``x_j[k·s : k·s + h]``;
- the chambers of P by brute force: every strict sign vector tested by an exact LP
  (``tests/oracles.py``, cdd.gmp), never by the enumerator;
- a direct cvxpy solve of the CNN program built here from those two (``F_i = Σ_k D_ik X_k``);
- L-BFGS on the non-convex CNN from many starts, its networks evaluated exactly: never below the
  certified lower bound;
- h = L with stride 1: the dense program (docs/cnn.md §3), solved by the dense code.
"""

from __future__ import annotations

import itertools
import json
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from arrangement.errors import InputError
from exact import verify as V
from exact.certify import solve
from exact.conv import (
    ConvNetwork,
    ConvProgram,
    check_conv,
    conv_certificate,
    conv_check_certificate,
    conv_counts,
    conv_network,
    num_patches,
    patches,
    solve_conv,
)
from tests.cli_run import cli
from tests.oracles import brute_force_chambers

F = Fraction


# -- oracles -------------------------------------------------------------------------------------
def my_patches(X, h, s):
    """The patch rows by their definition (signal-major)."""
    L = len(X[0])
    K = (L - h) // s + 1
    return [[F(v) for v in x[k * s:k * s + h]] for x in X for k in range(K)], K


def oracle_value(X, y, beta, h, s, loss="squared"):
    """P* of the CNN program solved directly by cvxpy on the brute-force chambers of P."""
    import cvxpy as cp

    P, K = my_patches(X, h, s)
    n = len(X)
    chambers = sorted(brute_force_chambers(P))
    Pf = np.array([[float(v) for v in r] for r in P])
    z = 0
    cons, reg = [], 0
    for sig in chambers:
        D = np.array([1.0 if t >= 0 else 0.0 for t in sig])
        A = (2 * D - 1)[:, None] * Pf
        for _sign in (1, -1):
            w = cp.Variable(h)
            cons.append(A @ w >= 0)
            # F_i w = Σ_k D_ik X_k w: the patch outputs masked, summed per signal
            z = z + _sign * cp.sum(cp.reshape(cp.multiply(D, Pf @ w), (n, K), order="C"),
                                   axis=1)
            reg = reg + cp.norm(w, 2)
    yf = np.array([float(t) for t in y])
    if loss == "squared":
        obj = 0.5 * cp.sum_squares(z - yf) + float(beta) * reg
    else:
        obj = cp.sum(cp.pos(1 - cp.multiply(yf, z))) + float(beta) * reg
    prob = cp.Problem(cp.Minimize(obj), cons)
    prob.solve(solver=cp.CLARABEL)
    return prob.value, len(chambers)


def gd_values(X, y, beta, h, s, width=3, starts=12, seed=0, loss="squared"):
    """L-BFGS on the non-convex CNN from many starts; the final networks, exact."""
    from scipy.optimize import minimize

    P, K = my_patches(X, h, s)
    Pf = np.array([[float(v) for v in r] for r in P])
    n = len(X)
    yf = np.array([float(t) for t in y])
    b = float(beta)
    rng = np.random.default_rng(seed)

    def f(theta):
        U = theta[:width * h].reshape(width, h)
        a = theta[width * h:]
        Z = Pf @ U.T  # rows × width
        act = np.maximum(Z, 0)
        out = (act @ a).reshape(n, K).sum(axis=1)
        if loss == "squared":
            r = out - yf
            ell, dout = 0.5 * r @ r, r
        else:
            m = 1 - yf * out
            ell, dout = np.maximum(m, 0).sum(), -yf * (m > 0)
        val = ell + b / 2 * (np.sum(U * U) + a @ a)
        drow = np.repeat(dout, K)
        ga = act.T @ drow + b * a
        gU = ((drow[:, None] * (Z > 0)) * a[None, :]).T @ Pf + b * U
        return val, np.concatenate([gU.ravel(), ga])

    nets = []
    for _ in range(starts):
        th0 = rng.standard_normal(width * (h + 1))
        res = minimize(f, th0, jac=True, method="L-BFGS-B", options={"maxiter": 3000})
        U = res.x[:width * h].reshape(width, h)
        a = res.x[width * h:]
        nets.append(ConvNetwork(tuple(tuple(F(float(t)) for t in u) for u in U),
                                tuple(F(float(t)) for t in a), s))
    return nets


# -- patches and bad shapes ----------------------------------------------------------------------
@given(st.integers(1, 7), st.integers(1, 7), st.integers(1, 3), st.integers(1, 3))
def test_patches_match_their_definition(L, h, s, n):
    X = [[F(7 * j + c, 3) for c in range(L)] for j in range(n)]
    if h > L or (L - h) % s:
        with pytest.raises(InputError):
            patches(X, h, s)
        return
    P = patches(X, h, s)
    mine, K = my_patches(X, h, s)
    assert [list(r) for r in P] == mine and num_patches(L, h, s) == K


@pytest.mark.parametrize("h, s, words", [(4, 1, "exceeds"), (2, 0, "at least 1"),
                                         (0, 1, "at least 1"), (2, 2, "skips the end")])
def test_bad_shapes_are_refused(h, s, words):
    with pytest.raises(InputError, match=words):
        ConvProgram([[1, 2, 3]], [1], 1, h=h, stride=s)


def test_program_rows_are_patches_and_chambers_are_p_s():
    X = [[1, -1, 2, 0], [0, 1, 1, -2]]
    cp = ConvProgram(X, [1, -1], "1/10", h=2)
    mine, K = my_patches(X, 2, 1)
    assert [list(r) for r in cp.X] == mine and cp.pool == K == 3 and cp.n == 2
    assert set(cp.signs) == brute_force_chambers(mine)


# -- certified P* against the oracles ------------------------------------------------------------
INSTANCES = [
    ([[1, 0, -1], [0, 1, 1], [2, -1, 0]], [1, -1, 2], F(1, 10), 2, 1),
    ([[1, -2, 0, 1], [0, 1, 1, -1]], [2, 1], F(1, 5), 2, 2),
    ([[1, 2, -1, 0, 1], [-1, 0, 1, 1, 0], [0, 1, 0, -1, 2]], [1, 0, -1], F(1, 20), 3, 1),
]


@pytest.mark.parametrize("X, y, beta, h, s", INSTANCES)
def test_certified_value_matches_direct_cvxpy_of_the_cnn_program(X, y, beta, h, s):
    sol = solve_conv(X, y, beta, h, s)
    val, nch = oracle_value(X, y, beta, h, s)
    assert sol.chambers == nch
    assert sol.lower <= sol.upper and sol.gap <= F(1, 10**9)
    assert abs(val - float(sol.upper)) <= 1e-6 * max(1.0, val)
    # the upper bound is the exact CNN objective of the returned filters
    net = conv_network(sol)
    assert net.stride == s and net.objective(X, y, beta) == sol.upper


@pytest.mark.parametrize("X, y, beta, h, s", INSTANCES[:2])
def test_gradient_descent_never_below_the_certified_lower_bound(X, y, beta, h, s):
    sol = solve_conv(X, y, beta, h, s)
    best = min(net.objective(X, y, beta) for net in gd_values(X, y, beta, h, s))
    assert best >= sol.lower
    # and L-BFGS from many starts gets near P* (the landscape of a wide enough CNN is benign)
    assert float(best - sol.upper) <= 1e-3 * max(1.0, float(sol.upper))


def test_hinge_loss_against_the_oracle():
    X, y, beta = [[1, 0, -1], [0, 1, 1], [2, -1, 0], [-1, -1, 1]], [1, -1, 1, -1], F(1, 10)
    sol = solve_conv(X, y, beta, 2, loss="hinge")
    val, _ = oracle_value(X, y, beta, 2, 1, loss="hinge")
    assert sol.lower <= sol.upper
    assert float(sol.lower) - 1e-6 <= val <= float(sol.upper) + 1e-6
    assert conv_network(sol).objective(X, y, beta, "hinge") == sol.upper
    assert min(n.objective(X, y, beta, "hinge")
               for n in gd_values(X, y, beta, 2, 1, loss="hinge", starts=6)) >= sol.lower


@given(st.lists(st.lists(st.integers(-3, 3), min_size=3, max_size=3), min_size=2, max_size=3),
       st.integers(0, 2**20))
def test_one_patch_is_the_dense_program(X, seed):
    """h = L, stride 1: the CNN program is the dense one (docs/cnn.md §3)."""
    rng = np.random.default_rng(seed)
    y = [int(t) for t in rng.integers(-2, 3, len(X))]
    beta = F(1, 10)
    c = solve_conv(X, y, beta, 3)
    d = solve(X, y, beta)
    assert c.chambers == d.chambers
    assert c.lower <= d.upper and d.lower <= c.upper


def test_reversal_and_permutation_leave_p_star_unchanged():
    X, y, beta, h, s = INSTANCES[2]
    a = solve_conv(X, y, beta, h, s)
    b = solve_conv([row[::-1] for row in X], y, beta, h, s)
    c = solve_conv(X[::-1], y[::-1], beta, h, s)
    for o in (b, c):
        assert o.lower <= a.upper and a.lower <= o.upper


def test_scaling_law_targets_and_beta():
    X, y, beta, h, s = INSTANCES[0]
    a = solve_conv(X, y, beta, h, s)
    b = solve_conv(X, [3 * t for t in y], 3 * beta, h, s)  # P* times 9 (docs/MATH.md §8)
    assert b.lower <= 9 * a.upper and 9 * a.lower <= b.upper


def test_width_at_most_n_plus_one():
    for X, y, beta, h, s in INSTANCES:
        sol = solve_conv(X, y, beta, h, s)
        assert conv_network(sol).width <= len(X) + 1


# -- planted bugs: each oracle catches a wrong program -------------------------------------------
def test_planted_bug_wrong_stride_is_caught_by_the_oracle():
    X, y, beta, _h, _s = INSTANCES[1]
    right = solve_conv(X, y, beta, 2, 2)
    wrong = solve_conv(X, y, beta, 2, 1)  # overlapping patches: a different model
    val, _ = oracle_value(X, y, beta, 2, 2)
    assert abs(val - float(right.upper)) <= 1e-6
    assert abs(val - float(wrong.upper)) > 1e-4


def test_planted_bug_dense_readout_is_caught():
    """Solving the dense program on P (no pooling, each patch its own sample with y
    repeated) is a different program: the oracle tells them apart."""
    X, y, beta, h, s = INSTANCES[0]
    P, K = my_patches(X, h, s)
    wrong = solve(P, [t for t in y for _ in range(K)], beta)
    val, _ = oracle_value(X, y, beta, h, s)
    assert abs(val - float(wrong.upper)) > 1e-4


# -- counts --------------------------------------------------------------------------------------
def test_counts_against_brute_force():
    X = [[1, -1, 2, 0], [0, 1, 1, -2], [2, 0, -1, 1]]
    c = conv_counts(X, 2, gates=300, seed=1)
    mine, K = my_patches(X, 2, 1)
    bf = brute_force_chambers(mine)
    assert c["chambers"] == len(bf) and c["patch_rows"] == len(mine) == 9 and c["K"] == K
    assert c["dense_chambers"] == len(brute_force_chambers(X))
    pos = {tuple(int(sig[j * K + k] >= 0) for j in range(3)) for sig in bf for k in range(K)}
    assert c["position_patterns"] == len(pos)
    assert c["gates_reached"] + c["gates_missed"] == c["chambers"]


# -- networks ------------------------------------------------------------------------------------
def test_network_json_round_trip_and_refusals():
    net = ConvNetwork.from_lists([((1, F(-1, 2)), 3), ((0, 2), F(-1, 4))], stride=2)
    assert ConvNetwork.from_json(net.to_json()) == net
    bad = net.to_json() | {"bias": 1}
    with pytest.raises(InputError, match="unknown key"):
        ConvNetwork.from_json(bad)
    with pytest.raises(InputError, match="h = 2"):
        ConvNetwork.from_json(net.to_json() | {"h": 2, "neurons": [{"u": [1], "alpha": 1}]})


def test_network_output_by_brute_force():
    net = ConvNetwork.from_lists([((1, -1), 2), ((0, 1), -1)], stride=1)
    X = [[3, 1, 2], [-1, 2, 0]]
    want = []
    for x in X:
        t = F(0)
        for (u, a), k in itertools.product(zip(net.filters, net.alphas), range(2)):
            t += a * max(F(0), x[k] * u[0] + x[k + 1] * u[1])
        want.append(t)
    assert list(net.output(X)) == want


# -- check ---------------------------------------------------------------------------------------
def test_check_of_the_optimum_and_of_a_bad_network():
    X, y, beta, h, s = INSTANCES[0]
    sol = solve_conv(X, y, beta, h, s)
    ok = check_conv(conv_network(sol), X, y, beta, h, s)
    assert ok.verdict == "optimal" and ok.lower <= ok.objective == sol.upper
    bad = ConvNetwork.from_lists([((1, 0), 1)], stride=s)
    r = check_conv(bad, X, y, beta, h, s)
    assert r.verdict == "not optimal" and r.objective == bad.objective(X, y, beta)
    assert r.better.objective(X, y, beta) == r.better_objective < r.objective - r.epsilon
    assert r.lower <= sol.upper


def test_check_of_gradient_descent_networks_is_consistent():
    X, y, beta, h, s = INSTANCES[1]
    sol = solve_conv(X, y, beta, h, s)
    for net in gd_values(X, y, beta, h, s, starts=4, seed=3):
        r = check_conv(net, X, y, beta, h, s, tol=F(1, 10**4))
        assert r.lower <= sol.upper and r.objective >= sol.lower
        if r.verdict == "optimal":
            assert r.objective - sol.lower <= r.epsilon + sol.gap


def test_check_refuses_a_network_of_another_shape():
    with pytest.raises(InputError, match="width 3"):
        check_conv(ConvNetwork.from_lists([((1, 0, 0), 1)]), [[1, 2, 3]], [1], 1, h=2)


# -- certificates and the verifier ---------------------------------------------------------------
# the forgeries of conv and conv2d certificates (tests/forgeries/build_conv.py) and the genuine
# ones are checked with the whole corpus in tests/test_forgeries.py


@pytest.mark.parametrize("X, y, beta, h, s", INSTANCES)
def test_certificates_verify(X, y, beta, h, s):
    sol = solve_conv(X, y, beta, h, s)
    cert = json.loads(json.dumps(conv_certificate(sol)))
    status, line = V.verify(cert)
    assert status == V.PROVED, line
    assert cert["model"] == {"name": "conv", "h": h, "stride": s}
    # a check's evidence is a solve certificate of the given CNN: upper = its objective
    bad = ConvNetwork.from_lists([((1,) * h, 1)], stride=s)
    r = check_conv(bad, X, y, beta, h, s)
    cert = json.loads(json.dumps(conv_certificate(r.solution)))
    assert V.verify(cert)[0] == V.PROVED
    assert F(cert["claims"]["upper"]) == bad.objective(X, y, beta)


LABELS = {"squared": [1, -1, 2], "absolute": [1, -1, 2], "hinge": [1, -1, 1],
          "squared_hinge": [1, -1, 1]}


@pytest.mark.parametrize("loss", sorted(LABELS))
def test_check_certificates_verify_for_every_loss(loss):
    """kind "check" with the model: the verdict of check_conv, proved by the verifier, for the
    optimum and for a bad CNN, every loss; the listed better CNN has the claimed objective."""
    from exact.losses import LOSS_NAMES, get_loss

    assert set(LABELS) == set(LOSS_NAMES)
    X, y, beta, h, s = INSTANCES[0][0], LABELS[loss], F(1, 10), 2, 1
    sol = solve_conv(X, y, beta, h, s, loss=loss)
    for net in (conv_network(sol), ConvNetwork.from_lists([((1, 0), 1)])):
        r = check_conv(net, X, y, beta, h, s, loss)
        cert = json.loads(json.dumps(conv_check_certificate(r)))
        status, line = V.verify(cert)
        assert status == V.PROVED, line
        assert (cert["kind"], cert["model"], cert["loss"]) == (
            "check", {"name": "conv", "h": h, "stride": s}, loss)
        assert cert["claims"]["verdict"] == r.verdict and line.startswith("valid: CNN")
        assert F(cert["claims"]["upper"]) == net.objective(X, y, beta, loss)
        if r.verdict == "not optimal":
            assert F(cert["better"]["objective"]) == r.better.objective(X, y, beta, loss)
        if cert["dual"]["source"] != "solve":
            # the CNN's own dual: its worst chamber is a real (chamber of P, sign)
            i, sg = cert["claims"]["worst_chamber"]
            assert 0 <= i < sol.chambers and sg in (1, -1)
        # without completeness: consistent, not a proof
        assert V.verify(conv_check_certificate(r, completeness=False))[0] == V.NOT_PROVED
    # the optimum is proved by its own dual (residual or fitted subgradient on the pooled
    # feature maps F_i = S D_i P), without solving the program
    r = check_conv(conv_network(sol), X, y, beta, h, s, loss)
    assert (r.verdict, r.dual_source) == ("optimal", get_loss(loss).dual_source)


@given(st.lists(st.lists(st.integers(-3, 3), min_size=4, max_size=4), min_size=1, max_size=3),
       st.lists(st.tuples(st.lists(st.integers(-2, 2), min_size=2, max_size=2),
                          st.integers(-2, 2)), max_size=3), st.sampled_from(sorted(LABELS)))
def test_network_objective_by_definition_every_loss(X, pairs, loss):
    net = ConvNetwork.from_lists(pairs)
    y = [1 if j % 2 == 0 else -1 for j in range(len(X))]
    f = [sum((a * max(0, sum(p * q for p, q in zip(x[k:k + 2], u))) for u, a in pairs
              for k in range(3)), 0) for x in X]
    ell = {"squared": sum(F(fj - t) ** 2 for fj, t in zip(f, y)) / 2,
           "absolute": sum(abs(fj - t) for fj, t in zip(f, y)),
           "hinge": sum(max(0, 1 - t * fj) for fj, t in zip(f, y)),
           "squared_hinge": sum(F(max(0, 1 - t * fj)) ** 2 for fj, t in zip(f, y)) / 2}[loss]
    pen = sum(sum(t * t for t in u) + a * a for u, a in pairs)
    assert net.objective(X, y, F(1, 3), loss) == ell + F(1, 6) * pen
    # the verifier's own rule (no code shared with the producer)
    P, K = V.conv_patches([[F(t) for t in x] for x in X], 2, 1)
    got = V.conv_objective([([F(t) for t in u], F(a)) for u, a in pairs], P, K,
                           [F(t) for t in y], F(1, 3), loss)
    assert got == (ell + F(1, 6) * pen, [F(t) for t in f])


def test_verifier_patches_agree_with_the_producer():
    X = [[F(1), F(2), F(3), F(4), F(5)], [F(-1), F(0), F(1, 2), F(2), F(0)]]
    for h, s in ((1, 1), (3, 1), (3, 2), (5, 1), (2, 3)):
        assert V.conv_patches(X, h, s)[0] == [list(r) for r in patches(X, h, s)]
    with pytest.raises(V.CheckFailed):
        V.conv_patches(X, 2, 2)


# -- the command line ----------------------------------------------------------------------------
def test_cli_solve_check_arrangement(tmp_path, capsys):
    X, y, beta, h, s = INSTANCES[0]
    data = tmp_path / "d.json"
    data.write_text(json.dumps({"X": X, "y": y, "beta": "1/10"}))
    cert, net = tmp_path / "c.json", tmp_path / "n.json"
    code, out, err = cli(capsys, "solve", str(data), "--conv", str(h), "--json",
                          "--certificate", str(cert), "--net-out", str(net))
    assert code == 0 and not err
    o = json.loads(out)
    sol = solve_conv(X, y, beta, h, s)
    assert (o["model"], o["h"], o["stride"], o["chambers"]) == ("conv", h, s, sol.chambers)
    assert F(o["lower"]) <= sol.upper and sol.lower <= F(o["upper"])
    assert ConvNetwork.read(str(net)).objective(X, y, beta) == F(o["upper"])
    assert cli(capsys, "verify", str(cert))[0] == 0
    code, out, _ = cli(capsys, "check", str(data), str(net), "--conv", str(h), "--json")
    assert code == 0 and json.loads(out)["verdict"] == "optimal"
    bad = tmp_path / "bad.json"
    ConvNetwork.from_lists([((1, 0), 1)]).write(str(bad))
    better = tmp_path / "better.json"
    code, out, _ = cli(capsys, "check", str(data), str(bad), "--conv", str(h), "--json",
                        "--net-out", str(better))
    o = json.loads(out)
    assert o["verdict"] == "not optimal"
    assert ConvNetwork.read(str(better)).objective(X, y, beta) == F(o["better_objective"])
    ccert = tmp_path / "check.json"
    code, out, _ = cli(capsys, "check", str(data), str(bad), "--conv", str(h),
                        "--certificate", str(ccert))
    c = json.loads(ccert.read_text())
    assert code == 0 and (c["kind"], c["claims"]["verdict"]) == ("check", "not optimal")
    code, out, _ = cli(capsys, "verify", str(ccert))
    assert code == 0 and "the network is not optimal" in out
    code, out, _ = cli(capsys, "arrangement", str(data), "--conv", str(h), "--json")
    c = json.loads(out)
    assert code == 0 and c["chambers"] == sol.chambers and c["dense_chambers"] == len(
        brute_force_chambers(X))


@pytest.mark.parametrize("extra, words", [
    (["--conv", "4"], "exceeds the signal length"), (["--conv", "2", "--stride", "0"],
                                                     "at least 1"),
    (["--conv", "2", "--stride", "2"], "skips the end"), (["--stride", "1"], "needs --conv")])
def test_cli_bad_shapes_one_line_exit_2(tmp_path, capsys, extra, words):
    data = tmp_path / "d.json"
    data.write_text(json.dumps({"X": [[1, 2, 3], [0, 1, -1]], "y": [1, 0], "beta": 1}))
    for cmd in ("solve", "arrangement"):
        code, out, err = cli(capsys, cmd, str(data), *extra)
        assert code == 2 and not out and err.count("\n") == 1 and words in err
        assert err.startswith("relucvx: error: ")


def test_cli_check_refuses_a_dense_network_file(tmp_path, capsys):
    data = tmp_path / "d.json"
    data.write_text(json.dumps({"X": [[1, 2, 3], [0, 1, -1]], "y": [1, 0], "beta": 1}))
    net = tmp_path / "n.json"
    net.write_text(json.dumps({"format": "relucvx-network/1",
                               "neurons": [{"u": [1, 0], "alpha": 1}]}))
    code, out, err = cli(capsys, "check", str(data), str(net), "--conv", "2")
    assert code == 2 and err.startswith("relucvx: error: ") and err.count("\n") == 1


@pytest.mark.parametrize("scale", [1, 10**30])
def test_dual_vectors_on_the_patches_are_pooled_exactly(scale):
    """h_i = Pᵀ D_i Sᵀ v, computed by the shortcut of exact.certify.h_matrix, against the
    definition in Fractions (and int64 against exact objects: entries of 10^30)."""
    from exact.certify import h_matrix

    X = [[scale * t for t in row] for row in INSTANCES[2][0]]
    cp = ConvProgram(X, [1, 0, -1], F(1, 10), 3)
    v = (F(1, 3), F(-7, 2), F(5, 11))
    H, den = h_matrix(cp, v)
    sv = cp.spread(v)
    for i in range(cp.p):
        want = [sum((sv[j] * cp.X[j][c] for j in range(cp.rows) if cp.patterns[i][j]), F(0))
                for c in range(cp.d)]
        assert [F(int(x), den) for x in H[i]] == want


def test_a_pool_that_does_not_divide_the_rows_is_refused():
    """The readout hook of ConvexProgram: rows are pooled in whole blocks, else one line."""
    from arrangement.errors import InputError
    from exact.convex import ConvexProgram

    with pytest.raises(InputError, match="3 rows cannot be pooled in blocks of 2"):
        ConvexProgram([[1, 0], [0, 1], [1, 1]], [1], "1/10", pool=2)
    with pytest.raises(InputError, match="cannot be pooled"):
        ConvexProgram([[1, 0], [0, 1]], [1, 2], "1/10", pool=0)
