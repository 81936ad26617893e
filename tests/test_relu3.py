"""Three-layer sub-networks (exact/relu3.py, docs/relu3.md): pattern sets, certified bounds."""

from __future__ import annotations

import functools
import random
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given, settings

from arrangement.core import Arrangement
from arrangement.errors import InputError, TooLargeError
from exact.certify import solve
from exact.relu3 import (
    LiftedPatterns,
    Relu3Network,
    estimate_regions,
    lifted_rows,
    region_support,
    solve_relu3,
    sqrt_down,
    sqrt_up,
)
from properties.strategies import relu3_networks

F = Fraction
SMALL = [
    ([[1, 0], [0, 1], [1, 1]], [1, -1, 2], F(1, 10)),
    ([[1, 2], [-1, 1], [2, -1], [0, 1]], [1, 0, -1, 2], F(1, 5)),
    ([[1, 0], [-1, 0], [2, 1]], [1, 1, -1], F(1, 20)),
]


def _dot(a, b):
    return sum((x * y for x, y in zip(a, b)), F(0))


@pytest.mark.parametrize("X,_y,_b", SMALL)
def test_first_layer_is_the_arrangement_and_witnesses_are_exact(X, _y, _b):
    lp = LiftedPatterns(X, width=2)
    assert lp.num_first == 2 * Arrangement(X).num_chambers()
    for reg in lp.regions:
        k, d = len(reg.tuple_), len(X[0])
        z = reg.witness
        for j, (i, _s) in enumerate(reg.tuple_):
            zj = z[j * d:(j + 1) * d]
            assert all(_dot(a, zj) > 0 for a in lp.cones[i])  # strictly inside C_i
        lifted = lifted_rows(lp.Xq, [lp.patterns[i] for i, _ in reg.tuple_],
                             [s for _, s in reg.tuple_])
        for x, b in zip(lifted, reg.pattern):
            t = _dot(x, z)
            assert (t > 0 and b == 1) or (t < 0 and b == 0) or (not any(x) and b == 1)
        assert len(z) == k * d


@pytest.mark.parametrize("X,_y,_b", SMALL)
def test_second_layer_patterns_complete_against_sampling(X, _y, _b):
    # independent oracle: random points of each product cone (positive combinations of the
    # chamber witnesses and small perturbations kept inside) must show enumerated patterns
    lp = LiftedPatterns(X, width=2)
    found = {}
    for reg in lp.regions:
        found.setdefault(reg.tuple_, set()).add(reg.pattern)
    rng = random.Random(1)
    Xa = np.array([[float(v) for v in r] for r in lp.Xq])
    signs = [tuple(1 if s >= 0 else -1 for s in c.signs) for c in Arrangement(X).chambers()]
    for T in lp.tuples:
        assert len(found[T]) == sum(r.tuple_ == T for r in lp.regions)  # no duplicates
        for _ in range(200):
            parts = []
            ok = True
            for i, _s in T:
                u = np.array([rng.gauss(0, 1) for _ in range(Xa.shape[1])])
                sg = np.sign(Xa @ u)
                want = np.array(signs[i])
                if not np.all((sg == want) | (np.abs(Xa @ u) == 0)):
                    ok = False
                    break
                parts.append(u)
            if not ok:
                continue
            pre = sum(s * np.maximum(Xa @ u, 0) for (_i, s), u in zip(T, parts))
            if np.min(np.abs(pre[np.abs(pre) > 0]), initial=1) < 1e-9:
                continue
            pat = tuple(1 if p >= 0 else 0 for p in pre)
            assert pat in found[T]


def test_counts_against_the_bounds_and_the_size_guard():
    X = [[1, 0], [0, 1], [1, 1], [1, -1]]
    lp = LiftedPatterns(X, width=2)
    c = lp.counts()
    assert c["chambers"] == 8 <= c["chamber_bound"]
    assert c["regions"] <= c["region_bound"] == estimate_regions(4, 2, 16, 2)
    # each tuple's regions stay below the lifted Cover count
    for T in lp.tuples:
        assert sum(r.tuple_ == T for r in lp.regions) <= c["lifted_pattern_bound_per_tuple"]
    big = [[i, i * i % 7 + 1, (3 * i) % 5 - 2] for i in range(1, 11)]
    with pytest.raises(TooLargeError, match="pass --force"):
        LiftedPatterns(big, width=2, force=False)
    with pytest.raises(InputError, match="--width"):
        LiftedPatterns(X, width=0)


def test_exact_square_roots():
    for q in (F(2), F(1, 3), F(10**6 + 1, 7)):
        assert sqrt_down(q) ** 2 <= q <= sqrt_up(q) ** 2
        assert sqrt_up(q) - sqrt_down(q) <= F(2, 10**30) * max(1, sqrt_up(q))


@pytest.mark.parametrize("X,y,b", SMALL)
def test_certified_bounds_gap_and_network(X, y, b):
    sol = solve_relu3(X, y, b, width=2)
    assert sol.lower <= sol.upper
    assert sol.relative_gap <= F(1, 10**9)
    assert sol.network.in_architecture()
    assert sol.network.objective(X, y, b) == sol.upper
    assert all(len(Wk) == 2 for Wk in sol.network.W1)
    # the certificate's dual pieces are exactly feasible
    for reg, s3, nu in sol.nu:
        assert region_support(sol.patterns, reg, s3, sol.v, nu) <= b * b


@pytest.mark.parametrize("X,y,b", SMALL)
def test_width_one_is_the_two_layer_program_and_width_two_is_below(X, y, b):
    two = solve(X, y, b)
    one = solve_relu3(X, y, b, width=1)
    three = solve_relu3(X, y, b, width=2)
    assert one.lower <= two.upper and two.lower <= one.upper   # same value, both certified
    assert three.lower <= two.upper                               # P*_3(m1=2) ≤ P*_2


def test_scaling_laws():
    X, y, b = SMALL[1]
    base = solve_relu3(X, y, b, width=2)
    c = F(3)
    sy = solve_relu3(X, [c * v for v in y], c * b, width=2)
    assert sy.lower <= c * c * base.upper and c * c * base.lower <= sy.upper
    sx = solve_relu3([[c * v for v in r] for r in X], y, b, width=2)
    bx = solve_relu3(X, y, b / c, width=2)
    assert sx.lower <= bx.upper and bx.lower <= sx.upper


@functools.cache
def _small_solution():
    X, y, b = SMALL[0]
    return solve_relu3(X, y, b, width=2)


@settings(max_examples=50)
@given(relu3_networks(d=2, width=2, k_max=3, max_out=2))
def test_random_networks_are_never_below_the_lower_bound(net):
    X, y, b = SMALL[0]
    assert net.objective(X, y, b) >= _small_solution().lower


def test_planted_bug_infeasible_dual_is_caught():
    # raising v by 1 % breaks the exact dual check on some group: the check has teeth
    X, y, b = SMALL[0]
    sol = solve_relu3(X, y, b, width=2)
    v = tuple(F(101, 100) * a for a in sol.v)
    worst = max(region_support(sol.patterns, reg, s3, v, tuple(F(101, 100) * x for x in nu))
                for reg, s3, nu in sol.nu)
    assert worst > b * b


NOTEBOOK = ([[F(x), F(1)] for x in (-1, F(-1, 2), 0, F(1, 2), 1)], [1, 0, 1, 0, 1], F(1, 20))


@pytest.mark.parametrize("X,y,b", [*SMALL, NOTEBOOK])
def test_pruned_network_same_output_fewer_subnetworks_certificate_verifies(X, y, b):
    from exact.relu3 import output_directions
    from exact.verify import PROVED, verify

    sol = solve_relu3(X, y, b, width=2)
    pr, net, old = sol.pruning, sol.network, sol.unpruned_network
    assert pr is not None and pr.output_preserved and pr.penalty_not_increased
    # the same output exactly (so the same loss), recomputed from the two networks
    assert net.predict(X) == old.predict(X)
    # at most the number of distinct nonzero row directions of X (docs/relu3.md §4, Pruning)
    assert len(net.w3) == pr.rank <= output_directions(X) <= len(X)
    # the objective: not above the unpruned network's (the convex penalty did not increase;
    # the reconstruction's rounding is ~1e-30 relative)
    assert sol.upper == net.objective(X, y, b) <= sol.unpruned_upper
    assert sol.relative_gap <= F(1, 10**9)
    assert verify(json.loads(json.dumps(relu3_certificate(sol, y, b))))[0] == PROVED


def test_pruning_notebook_data_70_to_5():
    X, y, b = NOTEBOOK
    sol = solve_relu3(X, y, b, width=2)
    assert len(sol.unpruned_network.w3) > 20 and len(sol.network.w3) <= 5


def test_prune_groups_exact_steps():
    from exact.relu3 import group_output, prune_groups

    X = [[F(1), F(0)], [F(0), F(1)], [F(1), F(1)]]
    # three groups on the same singleton tuple: outputs are multiples of one vector
    T = ((0, 1),)
    gs = [(T, 1, [(F(1), F(1))]), (T, 1, [(F(2), F(2))]), (T, -1, [(F(1, 2), F(1, 2))])]
    r = prune_groups(gs, X)
    assert len(r.groups) == 1 and r.steps == 2 and r.output_preserved
    assert group_output(X, *r.groups[0]) == (F(5, 2), F(5, 2), F(5))
    # the kept group is a nonnegative multiple of an input group (stays in its cone)
    T0, s3, Z = r.groups[0]
    assert s3 == 1 and Z[0][0] == Z[0][1] > 0
    # a group with zero output (outer ReLU dead) is dropped: penalty only
    dead = [(((0, 1), (1, -1)), 1, [(F(0), F(0)), (F(0), F(1))])]
    assert prune_groups(dead, X).groups == []
    # the penalty Σ‖z_j‖ falls (enclosures, independent of the pruning's own sign decisions):
    # outputs 3, 1, 2 per unit norm √2, 1, 1 on the single row (1, 2): the first group is kept
    from exact.pruning import norm_enclosure

    gs = [(T, 1, [(F(1), F(1))]), (T, 1, [(F(1), F(0))]), (T, 1, [(F(0), F(1))])]

    def pen(groups, end):
        return sum((norm_enclosure(z)[end] for _T, _s, Z in groups for z in Z), F(0))

    r = prune_groups(gs, [[F(1), F(2)]])
    assert pen(r.groups, 1) < pen(gs, 0) and len(r.groups) == 1
    assert r.groups[0][2] == ((F(2), F(2)),)
    # the orientation has teeth: reversed, the same data ends at a larger penalty
    import exact.pruning as P
    orig = P.sign_weighted_norms
    try:
        P.sign_weighted_norms = lambda c, ws: -orig(c, ws)
        assert pen(prune_groups(gs, [[F(1), F(2)]]).groups, 0) > pen(gs, 1)
    finally:
        P.sign_weighted_norms = orig


def test_network_json_round_trip_and_architecture():
    net = Relu3Network([[[F(1, 2), 0], [0, F(1, 2)]]], [[1, -1]], [2])
    again = Relu3Network.from_json(net.to_json())
    assert again == net
    with pytest.raises(InputError, match="Frobenius"):
        Relu3Network([[[1, 0], [0, 1]]], [[1, 1]], [1]).objective([[1, 0]], [1], 1)
    with pytest.raises(InputError):
        Relu3Network.from_json({"subnetworks": [{"W1": [[1]], "w2": [1]}]})


# -- the certificate and its forgeries (tests/forgeries/build_relu3.py) --------------------------
import json  # noqa: E402

from exact import verify as V  # noqa: E402
from exact.relu3 import relu3_certificate  # noqa: E402

# the forgeries (and the genuine certificates) are checked with the whole corpus in
# tests/test_forgeries.py


def test_certificate_round_trip_is_proved():
    X, y, b = SMALL[2]
    sol = solve_relu3(X, y, b, width=2)
    cert = json.loads(json.dumps(relu3_certificate(sol, y, b)))
    code, line = V.verify(cert)
    assert code == V.PROVED, line
    # the verifier re-derives the lifted data: a changed X under the same evidence fails
    cert["data"]["X"][0][0] = "2"
    assert V.verify(cert)[0] == V.INVALID


# -- the command line ----------------------------------------------------------------------------
from tests.cli_run import assert_one_line, run_cli, solve_check_verify, write_data  # noqa: E402


def test_cli_solve_check_verify(tmp_path, capsys):
    X, y, b = SMALL[0]
    data = write_data(tmp_path, X, y, b)
    s, c = solve_check_verify(tmp_path, capsys, data, ["--model", "relu3", "--width", "2"])
    assert F(s["lower"]) <= F(s["upper"]) and s["relative_gap_float"] <= 1e-9
    assert c["verdict"] == "optimal" and F(c["objective"]) == F(s["upper"])
    # a worse network (one sub-network, one neuron): not optimal, gap reported exactly
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"model": "relu3", "subnetworks": [
        {"W1": [["1/2", "1/2"], ["0", "0"]], "w2": ["1", "0"], "w3": "1"}]}))
    code, out, err = run_cli(["check", data, bad, "--model", "relu3", "--json"], capsys)
    c = json.loads(out)
    assert code == 0 and c["verdict"] == "not optimal"
    assert F(c["objective"]) == Relu3Network([[[F(1, 2), F(1, 2)], [0, 0]]], [[1, 0]],
                                             [1]).objective(X, y, b)


@pytest.mark.parametrize("extra,fragment", [
    (["--loss", "absolute"], "squared and hinge only"),
    (["--width", "9"], "--width"),
    (["--width", "0"], "--width"),
])
def test_cli_bad_options_one_line(tmp_path, capsys, extra, fragment):
    data = write_data(tmp_path, *SMALL[0])
    code, _out, err = run_cli(["solve", data, "--model", "relu3", *extra], capsys)
    assert_one_line(code, err, fragment)


def test_cli_size_guard_and_bad_network(tmp_path, capsys):
    X = [[i, i * i % 7 + 1, (3 * i) % 5 - 2] for i in range(1, 11)]
    data = write_data(tmp_path, X, [1] * 10, F(1, 10))
    code, _out, err = run_cli(["solve", data, "--model", "relu3"], capsys)
    assert_one_line(code, err, "pass --force")
    small = write_data(tmp_path, *SMALL[0])
    net = tmp_path / "n.json"
    for body, fragment in (({"subnetworks": [{"W1": [["1", "0", "0"]], "w2": ["1"],
                                              "w3": "1"}]}, "entries"),
                           ({"subnetworks": [{"W1": [["2", "0"]], "w2": ["1"], "w3": "1"}]},
                            "Frobenius"),
                           ({"layers": []}, "subnetworks")):
        net.write_text(json.dumps(body))
        code, _out, err = run_cli(["check", small, net, "--model", "relu3"], capsys)
        assert_one_line(code, err, fragment)


# -- planted bugs for properties/theorems_relu3.py (registered in tests/test_properties.py) -------
import exact.relu3 as R3  # noqa: E402


def _r3_lower_too_high(mp):
    orig = R3.solve_relu3

    def solve_relu3(*a, **kw):
        sol = orig(*a, **kw)
        sol.lower = sol.upper + 1
        return sol

    mp.setattr(R3, "solve_relu3", solve_relu3)


def _r3_no_root(mp):
    mp.setattr(R3, "sqrt_up", lambda q, digits=30: q)


def _r3_beta_squared(mp):
    orig = R3.solve_relu3
    mp.setattr(R3, "solve_relu3", lambda X, y, beta, **kw: orig(X, y, F(beta) ** 2, **kw))


def _r3_no_singletons(mp):
    orig = R3.LiftedPatterns.second_layer
    mp.setattr(R3.LiftedPatterns, "second_layer",
               lambda self, T: [] if len(T) == 1 else orig(self, T))


def _r3_no_pruning(mp):
    mp.setattr(R3, "prune_groups", lambda groups, X: R3.Relu3Prune(
        [(tuple(T), s3, tuple(tuple(F(v) for v in z) for z in Z)) for T, s3, Z in groups]))


#: theorem -> (planted bug, examples allowed to find it)
RELU3_PLANTED = {
    "relu3_pruned": (_r3_no_pruning, 10),
    "relu3_hinge_bounds": (_r3_lower_too_high, 5),
    "relu3_gd_above_lower": (_r3_lower_too_high, 5),
    "relu3_upper_attained": (_r3_no_root, 10),
    "relu3_scaling": (_r3_beta_squared, 10),
    "relu3_vs_two_layer": (_r3_no_singletons, 10),
}


def test_empty_program_is_the_zero_network():
    # no region at all (planted): the dual is unconstrained and P* = ½‖y‖², exactly
    X, y, b = SMALL[0]
    lp = LiftedPatterns(X, width=1)
    lp.regions = []
    sol = solve_relu3(X, y, b, patterns=lp)
    assert sol.lower == sol.upper == sum(F(v) ** 2 for v in y) / 2
