"""Three-layer sub-networks with the hinge loss (exact/relu3.py, docs/relu3.md §4b): certified
bounds through the loss registry, the exact scale polish, the certificate and its forgeries,
and the command line."""

from __future__ import annotations

import functools
import json
from fractions import Fraction

import pytest
from hypothesis import given, settings

from exact import verify as V
from exact.certify import solve
from exact.losses import get_loss
from exact.relu3 import (
    GAP_TARGET,
    LiftedPatterns,
    group_output,
    polish_scales,
    region_support,
    relu3_certificate,
    solve_relu3,
    sqrt_down,
    sqrt_up,
)
from properties.strategies import relu3_networks
from tests.cli_run import assert_one_line, run_cli, solve_check_verify, write_data

F = Fraction
HINGE = get_loss("hinge")
CASES = [
    ([[1, 0], [0, 1], [1, 1]], [1, -1, 1], F(1, 10)),
    ([[1, 0], [0, 1], [1, 1], [-1, 2]], [1, -1, 1, -1], F(1, 10)),
    ([[1, 2], [-1, 1], [2, -1], [0, 1], [1, 1]], [1, -1, -1, 1, 1], F(1, 5)),
    ([[1, 0], [-1, 0], [2, 1]], [1, 0, -1], F(1, 20)),          # a label 0 (constant loss 1)
]


@pytest.mark.parametrize("X,y,b", CASES)
def test_certified_hinge_bounds_meet_the_target(X, y, b):
    sol = solve_relu3(X, y, b, width=2, loss="hinge")
    assert sol.loss == "hinge"
    assert sol.lower <= sol.upper
    assert sol.target_met and sol.gap <= GAP_TARGET * max(1, abs(sol.upper))
    # upper: the pruned network's exact hinge objective, in the architecture
    net = sol.network
    assert net.in_architecture() and all(len(Wk) == 2 for Wk in net.W1)
    assert net.objective(X, y, b, "hinge") == sol.upper
    # lower: v in the hinge dual's domain, its value, and every (region, sign) dual feasible
    yq = [F(t) for t in y]
    assert sol.lower == HINGE.dual_objective(sol.v, yq)
    assert all(0 <= a / t <= 1 for a, t in zip(sol.v, yq) if t)
    assert all(a == 0 for a, t in zip(sol.v, yq) if t == 0)
    for reg, s3, nu in sol.nu:
        assert region_support(sol.patterns, reg, s3, sol.v, nu) <= b * b


@pytest.mark.parametrize("X,y,b", CASES[:3])
def test_width_one_is_the_two_layer_hinge_program(X, y, b):
    # independent: the dense two-layer solver's hinge path (exact/certify.py, its own KKT
    # refinement) on the same data; width 1 is the same program (docs/relu3.md §6)
    two = solve(X, y, b, loss="hinge")
    one = solve_relu3(X, y, b, width=1, loss="hinge")
    wide = solve_relu3(X, y, b, width=2, loss="hinge")
    assert one.lower <= two.upper and two.lower <= one.upper
    assert wide.lower <= one.upper


def test_hinge_scaling_of_beta_and_x():
    # P*(cX, y, β) = P*(X, y, β/c) for any loss (docs/relu3.md §6)
    X, y, b = CASES[1]
    c = F(3)
    a = solve_relu3([[c * v for v in r] for r in X], y, b, width=2, loss="hinge")
    d = solve_relu3(X, y, b / c, width=2, loss="hinge")
    assert a.lower <= d.upper and d.lower <= a.upper


@functools.cache
def _hinge_solution():
    X, y, b = CASES[1]
    return solve_relu3(X, y, b, width=2, loss="hinge")


@settings(max_examples=60)
@given(relu3_networks(d=2, width=2, k_max=3, max_out=3))
def test_random_networks_never_below_the_hinge_lower_bound(net):
    X, y, b = CASES[1]
    assert net.objective(X, y, b, "hinge") >= _hinge_solution().lower


def test_planted_bug_dual_above_the_domain_is_refused():
    # the registry refuses μ = v/y > 1: a lower bound read off such a v would be no bound
    X, y, b = CASES[0]
    sol = solve_relu3(X, y, b, width=2, loss="hinge")
    yq = [F(t) for t in y]
    big = tuple(2 * t for t in yq)
    with pytest.raises(ValueError):
        HINGE.dual_objective(big, yq)
    # and the dual constraints have teeth: 3 v breaks some group
    worst = max(region_support(sol.patterns, reg, s3, tuple(3 * a for a in sol.v),
                               tuple(3 * x for x in nu)) for reg, s3, nu in sol.nu)
    assert worst > b * b


def test_polish_scales_puts_margin_points_on_the_margin_and_never_raises():
    X, y, b = CASES[1]
    sol = solve_relu3(X, y, b, width=2, loss="hinge", prune=True)
    Xq = [[F(v) for v in r] for r in X]
    yq = [F(t) for t in y]
    # the unpolished pruned groups against their polished copy: the exact convex objective
    # (hinge of the output + β Σ‖z‖ upper enclosure) does not rise
    groups = sol.pruning.groups
    pol = polish_scales(groups, Xq, yq, b, "hinge")
    assert pol is not None

    def objective(gs, root):
        f = [sum((group_output(Xq, *g)[j] for g in gs), F(0)) for j in range(len(yq))]
        pen = sum((root(sum((v * v for v in z), F(0))) for _T, _s, Z in gs for z in Z), F(0))
        return HINGE.value(tuple(f), tuple(yq)) + b * pen

    # polished (upper enclosure of the norms) below unpolished (lower enclosure): it gained
    # more than the rounding
    assert objective(pol, sqrt_up) < objective(groups, sqrt_down)
    f = [sum((group_output(Xq, *g)[j] for g in pol), F(0)) for j in range(len(yq))]
    # the margin points of the guess (|y f − 1| < 1e-6) are now exactly on it
    f0 = [sum((group_output(Xq, *g)[j] for g in groups), F(0)) for j in range(len(yq))]
    near = [j for j in range(len(yq)) if abs(yq[j] * f0[j] - 1) < F(1, 10**6)]
    assert near and all(yq[j] * f[j] == 1 for j in near)
    # a loss without affine pieces is not polished
    assert polish_scales(groups, Xq, yq, b, "squared") is None


def test_hinge_labels_are_validated():
    from arrangement.errors import InputError

    with pytest.raises(InputError, match="class labels"):
        solve_relu3([[1, 0], [0, 1]], [2, -1], F(1, 10), width=1, loss="hinge")
    with pytest.raises(InputError, match="squared and hinge only"):
        solve_relu3([[1, 0], [0, 1]], [1, -1], F(1, 10), width=1, loss="absolute")


def test_hinge_empty_program_is_the_zero_network():
    X, y, b = CASES[0]
    lp = LiftedPatterns(X, width=1)
    lp.regions = []
    sol = solve_relu3(X, y, b, patterns=lp, loss="hinge")
    assert sol.lower == sol.upper == len(y)     # hinge(0) = n: μ = 1 everywhere


# -- the certificate and its forgeries (tests/forgeries/build_relu3.py) --------------------------
# the relu3-hinge-* forgeries and genuine-relu3-hinge.json are checked with the whole corpus
# in tests/test_forgeries.py (at least 7 of them: its BASE_FLOORS)


def test_hinge_certificate_round_trip():
    X, y, b = CASES[2]
    sol = solve_relu3(X, y, b, width=2, loss="hinge")
    cert = json.loads(json.dumps(relu3_certificate(sol, y, b)))
    assert cert["data"]["loss"] == "hinge"
    code, line = V.verify(cert)
    assert code == V.PROVED and "hinge loss" in line, line
    # the same evidence read as squared loss: the recomputed bounds differ
    cert["data"]["loss"] = "squared"
    assert V.verify(cert)[0] == V.INVALID


# -- the command line ----------------------------------------------------------------------------

def test_cli_hinge_solve_check_verify(tmp_path, capsys):
    X, y, b = CASES[1]
    data = write_data(tmp_path, X, y, b)
    s, c = solve_check_verify(tmp_path, capsys, data, ["--model", "relu3", "--loss", "hinge"])
    assert s["loss"] == "hinge" and s["gap_target_met"] is True and s["gap_target_reason"] is None
    assert F(s["lower"]) <= F(s["upper"]) and s["relative_gap_float"] <= 1e-9
    assert s["subnetworks"] <= s["subnetwork_bound"] <= len(X)
    assert c["verdict"] == "optimal" and c["loss"] == "hinge"
    assert F(c["objective"]) == F(s["upper"])
    code, out, err = run_cli(["solve", data, "--model", "relu3", "--loss", "hinge"], capsys)
    assert code == 0 and "target            met" in out and "hinge loss" in out


def test_cli_hinge_target_missed_is_said(tmp_path, capsys, monkeypatch):
    # a planted poor numeric guess (one dual coordinate 10 % off): the bounds stay certified
    # and the output says that the target was missed, with the reason
    import exact.relu3 as R3

    orig = R3.numeric_guess

    def poor(*a, **kw):
        z, v, nu, val = orig(*a, **kw)
        v = v.copy()
        v[0] *= 0.9
        return z, v, nu, val

    monkeypatch.setattr(R3, "numeric_guess", poor)
    data = write_data(tmp_path, *CASES[1])
    code, out, err = run_cli(["solve", data, "--model", "relu3", "--loss", "hinge", "--json"],
                             capsys)
    s = json.loads(out)
    assert code == 0 and s["gap_target_met"] is False and "numeric guess" in s["gap_target_reason"]
    assert F(s["lower"]) <= F(s["upper"])
    code, out, err = run_cli(["solve", data, "--model", "relu3", "--loss", "hinge"], capsys)
    assert "NOT met" in out


def test_cli_hinge_bad_labels_one_line(tmp_path, capsys):
    data = write_data(tmp_path, [[1, 0], [0, 1]], [2, -1], F(1, 10))
    code, _out, err = run_cli(["solve", data, "--model", "relu3", "--loss", "hinge"], capsys)
    assert_one_line(code, err, "class labels")
