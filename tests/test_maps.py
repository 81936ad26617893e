"""The maps ψ and φ and the convex objective, exactly (exact/maps.py, docs/MATH.md §4–5)."""

from __future__ import annotations

from fractions import Fraction as F

import pytest
import sympy
from hypothesis import given
from hypothesis import strategies as st

from arrangement.core import Arrangement
from arrangement.errors import InputError
from exact.maps import (
    closed_cones_containing,
    convex_objective,
    phi,
    psi,
    psi_rational,
    rational_fourth_root,
)
from exact.network import Network, Neuron, exact_eq, norm_sq, sign
from exact.transforms import is_scaled, positively_colinear
from properties import strategies as S
from tests.oracles import brute_force_chambers

# ----------------------------------------------------------------------------- helpers

small_fractions = S.rationals(4, 3)


def chambers_of(X):
    """Chambers from arrangement.core (sign vectors, zero at zero rows)."""
    return [c.signs for c in Arrangement(X).chambers()]


def matvec(X, w):
    return [sum((F(a) * b for a, b in zip(x, w, strict=True)), F(0)) for x in X]


def instances(n_max: int = 5, d_max: int = 3):
    """(X, y, β, chambers) with X from :func:`properties.strategies.rational_matrices`."""
    return S.instances(S.rational_matrices(n_max=n_max, d_max=d_max)).map(
        lambda inst: (inst.X, inst.y, inst.beta, chambers_of(inst.X)))


def networks(d, width_max: int = 4, scaled_bias: bool = True):
    """Rational networks; often scaled (rational unit directions), often with colinear copies."""
    kinds = ("free", "scaled", "copy") if scaled_bias else ("free",)
    return S.mixed_networks(d, width_max=width_max, kinds=kinds)


def prediction(W, X, chambers):
    """Σ s D_i X w, straight from the definitions."""
    f = [F(0)] * len(X)
    for (i, s), w in W.items():
        z = matvec(X, w)
        for j, sig in enumerate(chambers[i]):
            if sig > 0:
                f[j] += s * z[j]
    return tuple(f)


# ----------------------------------------------------------------------------- chambers


@given(instances())
def test_chambers_match_brute_force(inst):
    X, _, _, chambers = inst
    assert len(set(chambers)) == len(chambers) and set(chambers) == brute_force_chambers(X)


# ----------------------------------------------------------------------------- ψ


@given(instances(), st.data())
def test_psi_identity_exact(inst, draw):
    X, y, beta, chambers = inst
    W = draw.draw(S.convex_points(Arrangement(X), free=True))
    net = psi(W)
    patterns = [c.pattern for c in Arrangement(X).chambers()]
    assert net.width == sum(1 for w in W.values() if any(w))
    assert is_scaled(net)
    # (Xu)_+ α = s D_i X w: ψ's output is rational and equals the convex prediction exactly
    assert net.output(X) == prediction(W, X, chambers)
    for loss in ("squared", "hinge"):
        lc = convex_objective(W, X, y, beta, patterns, loss=loss)
        assert exact_eq(net.objective(X, y, beta, loss=loss), lc)
        # sign vectors work as patterns too (zero rows do not matter)
        assert exact_eq(convex_objective(W, X, y, beta, chambers, loss=loss), lc)


@given(instances(), st.data())
def test_phi_of_psi_is_identity(inst, draw):
    X, _, _, chambers = inst
    W = draw.draw(S.convex_points(Arrangement(X), free=True))
    W = {k: w for k, w in W.items() if any(w)}
    net = psi(W)
    keys = sorted(W, key=lambda k: (k[0], -k[1]))
    back = phi(net, X, chambers, assignment=[i for i, _ in keys])
    assert list(back) == keys
    for k in keys:
        assert all(exact_eq(a, b) for a, b in zip(back[k], W[k], strict=True))


@given(instances(), st.data())
def test_psi_rational_upper_bound(inst, draw):
    X, y, beta, chambers = inst
    W = draw.draw(S.convex_points(Arrangement(X), free=True))
    net = psi_rational(W, bits=20)
    assert net.is_rational
    assert net.output(X) == prediction(W, X, chambers)
    up = net.objective(X, y, beta)
    assert isinstance(up, F)
    lc = convex_objective(W, X, y, beta, chambers)
    gap = up - lc
    assert sign(gap) >= 0
    # excess = Σ (β/2)(‖w‖/c − c)², relatively tiny
    total = sum((norm_sq(w) for w in W.values()), F(0))
    assert sign(gap - beta * (total + 1) * F(1, 2**30)) <= 0


def test_psi_small_cases():
    assert psi({}).width == 0
    net = psi({(0, 1): (F(3), F(4)), (2, -1): (F(0), F(0))})
    assert net.width == 1
    (nr,) = net.neurons
    assert exact_eq(nr.alpha, sympy.sqrt(5)) and exact_eq(norm_sq(nr.u), F(5))
    # a rational fourth power keeps Fractions
    net = psi({(0, -1): (F(0), F(16, 81))})
    assert net.neurons[0] == Neuron((F(0), F(4, 9)), F(-4, 9))
    for bad in ({(0, 2): (1,)}, {(-1, 1): (1,)}, {0: (1,)}, {(0, 1): ("x",)}):
        with pytest.raises(InputError):
            psi(bad)


def test_rational_fourth_root():
    assert rational_fourth_root(F(81, 16)) == F(3, 2)
    for N in (F(2), F(1, 3), F(10**9 + 7, 3), F(1, 10**12)):
        c = rational_fourth_root(N, bits=40)
        assert c**4 <= N and (N - c**4) <= N * F(4, 2**40) + 0
    with pytest.raises(ValueError):
        rational_fourth_root(F(0))


# ----------------------------------------------------------------------------- φ


@given(instances(), st.data())
def test_phi_prediction_and_inequality(inst, draw):
    X, y, beta, chambers = inst
    net = draw.draw(networks(len(X[0])))
    W = phi(net, X, chambers)
    patterns = [c.pattern for c in Arrangement(X).chambers()]
    assert net.output(X) == prediction(W, X, chambers)
    for loss in ("squared", "hinge"):
        lc = convex_objective(W, X, y, beta, patterns, loss=loss)
        lb = net.objective(X, y, beta, loss=loss)
        assert sign(lb - lc) >= 0
    # equality iff θ is scaled and the neurons sharing a φ-group are positively colinear
    lc = convex_objective(W, X, y, beta, patterns)
    lb = net.objective(X, y, beta)
    groups: dict = {}
    for k, nr in enumerate(net.neurons):
        if sign(nr.alpha) != 0 and any(nr.u):
            i = closed_cones_containing(nr.u, X, chambers)[0]  # φ's default choice
            groups.setdefault((i, sign(nr.alpha)), []).append(k)
    colinear = all(
        positively_colinear(net.neurons[ks[0]].u, net.neurons[k].u)
        for ks in groups.values()
        for k in ks[1:]
    )
    assert exact_eq(lb, lc) == (is_scaled(net) and colinear)


@given(instances(), st.data())
def test_phi_assignment_choices(inst, draw):
    """Every admissible choice of cone gives the same prediction (docs/MATH.md §5: 'choose any')."""
    X, _, _, chambers = inst
    net = draw.draw(networks(len(X[0]), width_max=3))
    choices = []
    for nr in net.neurons:
        cones = closed_cones_containing(nr.u, X, chambers)
        choices.append(draw.draw(st.sampled_from(cones)))
    W = phi(net, X, chambers, assignment=choices)
    assert prediction(W, X, chambers) == net.output(X)


def test_phi_errors():
    X = [[1, 0], [0, 1]]
    chambers = [(1, 1), (1, -1)]  # incomplete on purpose
    with pytest.raises(InputError):
        phi(Network.from_lists([((-1, 1), 1)]), X, chambers)
    with pytest.raises(InputError):
        phi(Network.from_lists([((1, 1), 1)]), X, chambers, assignment=[1])
    with pytest.raises(InputError):
        phi(Network.from_lists([((1, 1), 1)]), X, chambers, assignment=[])
    with pytest.raises(InputError):
        convex_objective({(1, 1): (F(1), F(1))}, X, [0, 0], 1, [(1, 1), (1, 0)])


def test_phi_algebraic_network():
    # ψ of a non-square norm and back: algebraic neurons through φ
    X = [[1, 0], [0, 1], [1, 1]]
    chambers = chambers_of(X)
    i = chambers.index((1, 1, 1))
    W = {(i, 1): (F(1), F(2)), (i, -1): (F(1), F(1, 3))}
    net = psi(W)
    back = phi(net, X, chambers)
    assert set(back) == set(W)
    for k in W:
        assert all(exact_eq(a, b) for a, b in zip(back[k], W[k], strict=True))
