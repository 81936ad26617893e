"""``exact.path``: a continuous path of non-increasing objective to a certified optimum.

Run: ``.venv/bin/pytest --hypothesis-profile=ci tests/test_path.py``.
"""

from __future__ import annotations

from fractions import Fraction

import pytest
from test_check import INSTANCES, perturb, solution, train_gd

from arrangement.examples import example
from exact.certify import solve
from exact.maps import psi_rational
from exact.network import Network, Neuron
from exact.path import compare, path
from exact.transforms import is_minimal, split

F = Fraction


def _le(a, b) -> bool:
    return compare(a, b) <= 0


def _non_increasing(values) -> bool:
    return all(_le(b, a) for a, b in zip(values, values[1:]))


def _ends_within_gap(p, sol) -> None:
    assert _le(sol.lower, p.final_objective)
    assert _le(p.final_objective, sol.upper + F(1, 10**9) * max(1, sol.upper))


@pytest.mark.parametrize("name,seed", [("v1d", 0), ("generic2d", 1), ("random", 2)])
def test_path_from_gradient_descent(name, seed):
    X, y, beta = INSTANCES[name]
    sol = solution(name)
    net = train_gd(X, y, beta, m=6, steps=1500, seed=seed)
    p = path(net, X, y, beta, program=sol.program, solution=sol, widen=True)
    assert _non_increasing(p.objectives)
    assert p.objectives[0] == net.objective(X, y, beta)
    assert p.reaches_optimum
    _ends_within_gap(p, sol)
    vals = p.sample(6)
    if vals:
        assert len(vals) == 7 and _non_increasing(vals)
        assert compare(vals[0], p.objectives[2]) == 0 and compare(vals[-1], p.final_objective) == 0


def test_breakpoint_objectives_are_the_networks_objectives():
    X, y, beta = INSTANCES["v1d"]
    sol = solution("v1d")
    net = perturb(psi_rational(sol.groups), F(3, 2))
    p = path(net, X, y, beta, program=sol.program, solution=sol, widen=True)
    assert _non_increasing(p.objectives)
    for b, v in zip(p.breakpoints, p.objectives):
        assert b.width == p.breakpoints[0].width
        assert compare(b.objective(X, y, beta), v) == 0
    # the merged breakpoint is minimal (one neuron per chamber and sign, scaled)
    assert is_minimal(Network(tuple(n for n in p.breakpoints[2].neurons if not n.is_zero)),
                      X, sol.program.signs)
    _ends_within_gap(p, sol)


def test_split_network_merges_and_dead_neurons_vanish():
    X, y, beta = INSTANCES["v1d"]
    sol = solution("v1d")
    base = Network.from_lists([((1, 0), 2), ((0, 1), F(1, 3))])
    net = split(base, 0, [F(1, 4), F(3, 4)])                       # colinear copies
    net = Network(net.neurons + (Neuron((0, -1), 5),))             # dead on X: (Xu)_+ = 0
    p = path(net, X, y, beta, program=sol.program, solution=sol, widen=True)
    assert _non_increasing(p.objectives)
    assert p.breakpoints[1].neurons[-1].is_zero                    # the dead neuron shrank
    assert p.objectives[1] < p.objectives[0]
    live = [n for n in p.breakpoints[2].neurons if not n.is_zero]
    assert len(live) == 2                                           # the split copies merged
    _ends_within_gap(p, sol)


def test_nearly_scaled_rational_breakpoint():
    X, y, beta = INSTANCES["generic2d"]
    sol = solution("generic2d")
    net = Network.from_lists([((1, 0), 3), ((1, 1), F(1, 7))])     # c* irrational
    p = path(net, X, y, beta, program=sol.program, solution=sol, widen=True)
    assert p.labels[1] == "nearly scaled"
    assert isinstance(p.objectives[1], Fraction) and p.objectives[1] < p.objectives[0]
    assert _non_increasing(p.objectives)
    _ends_within_gap(p, sol)


def test_width_too_small_stops_with_a_note():
    X, y, beta = INSTANCES["generic2d"]
    sol = solution("generic2d")
    net = Network.from_lists([((1, 0), 1)])
    p = path(net, X, y, beta, program=sol.program, solution=sol)
    assert not p.reaches_optimum
    assert p.labels[-1] == "merged: psi(phi)"
    assert any("needs width" in s for s in p.notes)
    assert p.sample(3) == []
    q = path(net, X, y, beta, program=sol.program, solution=sol, widen=True)
    assert q.reaches_optimum and q.width > 1
    assert _non_increasing(q.objectives)
    _ends_within_gap(q, sol)


def test_optimal_start_is_already_there():
    X, y, beta = INSTANCES["random"]
    sol = solution("random")
    p = path(sol.network, X, y, beta, program=sol.program, solution=sol, widen=True)
    assert _non_increasing(p.objectives)
    _ends_within_gap(p, sol)


def test_whitened_closed_form():
    e = example("whitened")
    sol = solve(e.X, e.y, e.beta)
    net = Network.from_lists([((1, 0, 0), 1), ((0, 1, 0), -1), ((0, 0, 1), 2)])
    p = path(net, e.X, e.y, e.beta, program=sol.program, solution=sol, widen=True)
    assert _non_increasing(p.objectives)
    assert _le(F(397, 800), p.final_objective)                      # P* of docs/MATH.md §9
    assert _le(p.final_objective, F(397, 800) + F(1, 10**9))
