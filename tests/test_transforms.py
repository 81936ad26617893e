"""Invariant transformations, minimality and the incidence graph (exact/transforms.py,
exact/incidence.py, docs/MATH.md §6, §9)."""

from __future__ import annotations

import itertools
import math
from fractions import Fraction as F

import networkx as nx
import pytest
import sympy
from hypothesis import given
from hypothesis import strategies as st

from arrangement.core import Arrangement
from arrangement.errors import InputError, TooLargeError
from exact.incidence import (
    count_minimal_representations,
    incidence_graph,
    is_minimal_from_graph,
)
from exact.maps import closed_cones_containing, convex_objective, phi, psi
from exact.network import Network, exact_eq, sign
from exact.transforms import (
    add_zero,
    drop_zero,
    held_groups,
    is_minimal,
    is_nearly_minimal,
    is_scaled,
    merge,
    minimalize,
    permute,
    rescale,
    split,
    to_scaled,
)
from properties import strategies as S

# ----------------------------------------------------------------------------- strategies

positive_fractions = S.positive_rationals(5, 3)


def chambers_of(X):
    return [c.signs for c in Arrangement(X).chambers()]


def instances(n_max: int = 5, d_max: int = 3):
    """(X, y, β, chambers) with X from :func:`properties.strategies.rational_matrices`."""
    return S.instances(S.rational_matrices(n_max=n_max, d_max=d_max)).map(
        lambda inst: (inst.X, inst.y, inst.beta, chambers_of(inst.X)))


def unit_rational(p):
    q = sum((t * t for t in p), F(0))
    return tuple(2 * t / (q + 1) for t in p) + ((q - 1) / (q + 1),)


def networks(d, width_max: int = 4, min_width: int = 0):
    """Rational networks: free neurons, scaled ones, colinear copies, zero neurons."""
    return S.mixed_networks(d, width_min=min_width, width_max=width_max)


@st.composite
def gammas(draw, max_parts: int = 3, squares: bool = False):
    """Positive weights summing to 1; with ``squares`` each is a rational square."""
    k = draw(st.integers(1, max_parts))
    if squares:  # rational points on the unit sphere: Σ e_t² = 1
        e = unit_rational([draw(positive_fractions) for _ in range(k - 1)])
        return [t * t for t in e if t != 0] or [F(1)]
    raw = [draw(positive_fractions) for _ in range(k)]
    tot = sum(raw)
    return [t / tot for t in raw]


def same_vector(a, b):
    return len(a) == len(b) and all(exact_eq(s, t) for s, t in zip(a, b, strict=True))


def same_network(a, b):
    return a.width == b.width and all(
        same_vector(p.u, q.u) and exact_eq(p.alpha, q.alpha)
        for p, q in zip(a.neurons, b.neurons, strict=True)
    )


# ----------------------------------------------------------------------------- invariances


@given(instances(), st.data())
def test_permute_and_zero_neurons(inst, draw):
    X, y, beta, _ = inst
    net = draw.draw(networks(len(X[0]), min_width=1))
    perm = draw.draw(st.permutations(range(net.width)))
    f = net.output(X)
    L = net.objective(X, y, beta)
    assert permute(net, perm).output(X) == f
    assert permute(net, perm).objective(X, y, beta) == L
    z = add_zero(net, draw.draw(st.integers(0, 3)))
    assert z.output(X) == f and z.objective(X, y, beta) == L
    dz = drop_zero(net)
    assert dz.output(X) == f and dz.objective(X, y, beta) <= L
    assert all(not nr.is_zero for nr in dz.neurons)
    with pytest.raises(InputError):
        permute(net, list(range(net.width)) + [net.width])


@given(instances(), st.data())
def test_split_keeps_output_and_penalty(inst, draw):
    X, y, beta, _ = inst
    net = draw.draw(networks(len(X[0]), min_width=1))
    k = draw.draw(st.integers(0, net.width - 1))
    gs = draw.draw(st.one_of(gammas(), gammas(squares=True)))
    s = split(net, k, gs)
    assert s.width == net.width + len(gs) - 1
    assert same_vector(s.output(X), net.output(X))
    assert exact_eq(s.penalty(beta), net.penalty(beta))
    assert exact_eq(s.objective(X, y, beta), net.objective(X, y, beta))


def test_split_rational_when_squares():
    net = Network.from_lists([((3, 4), 5)])
    s = split(net, 0, [F(9, 25), F(16, 25)])
    assert s.is_rational
    with pytest.raises(InputError):
        split(net, 0, [F(1, 2), F(1, 3)])
    with pytest.raises(InputError):
        split(net, 0, [F(3, 2), F(-1, 2)])
    with pytest.raises(InputError):
        split(net, 3, [F(1)])


@given(instances(), st.data())
def test_merge_keeps_output_and_penalty(inst, draw):
    X, y, beta, _ = inst
    net = draw.draw(networks(len(X[0])))
    m = merge(net)
    assert m.width <= net.width
    assert same_vector(m.output(X), net.output(X))
    assert exact_eq(m.penalty(beta), net.penalty(beta))


@given(instances(), st.data())
def test_merge_split_is_identity(inst, draw):
    X, _, _, _ = inst
    net = merge(drop_zero(draw.draw(networks(len(X[0]), min_width=1))))
    if net.width == 0:
        return
    k = draw.draw(st.integers(0, net.width - 1))
    gs = draw.draw(st.one_of(gammas(), gammas(squares=True)))
    back = merge(split(net, k, gs))
    assert same_network(back, net)  # merge puts each class where its first neuron was


@given(instances(), st.data())
def test_rescale_and_to_scaled(inst, draw):
    X, y, beta, _ = inst
    net = draw.draw(networks(len(X[0]), min_width=1))
    k = draw.draw(st.integers(0, net.width - 1))
    c = draw.draw(positive_fractions)
    r = rescale(net, k, c)
    assert r.output(X) == net.output(X)
    sc = to_scaled(net)
    assert is_scaled(sc)
    assert same_vector(sc.output(X), net.output(X))
    assert sign(net.penalty(beta) - sc.penalty(beta)) >= 0
    assert to_scaled(sc) == sc
    with pytest.raises(InputError):
        rescale(net, k, 0)


def test_rescale_algebraic_factor():
    net = Network.from_lists([((1, 1), 1)])
    r = rescale(net, 0, sympy.sqrt(2))
    assert r.output([[1, 0], [0, 1]]) == (F(1), F(1))
    assert is_scaled(to_scaled(net))
    assert exact_eq(to_scaled(net).penalty(2), 2 * sympy.sqrt(2))  # β|α|‖u‖


# ----------------------------------------------------------------------------- minimality


@given(instances(), st.data())
def test_minimalize(inst, draw):
    X, y, beta, chambers = inst
    net = draw.draw(networks(len(X[0])))
    m = minimalize(net, X, chambers)
    assert same_vector(m.output(X), net.output(X))
    assert sign(net.objective(X, y, beta) - m.objective(X, y, beta)) >= 0
    assert sign(net.objective(X, y, beta, "hinge") - m.objective(X, y, beta, "hinge")) >= 0
    assert is_minimal(m, X, chambers)
    assert is_nearly_minimal(m, X, chambers)
    G = incidence_graph(m, X, chambers)
    assert is_minimal_from_graph(G)
    degs = [G.degree(("neuron", k)) for k in range(m.width)]
    assert count_minimal_representations(m, X, chambers) == math.prod(degs)
    # φ of a minimal network loses nothing: L^c(φ(θ)) = L_β(θ)
    W = phi(m, X, chambers)
    assert exact_eq(convex_objective(W, X, y, beta, chambers), m.objective(X, y, beta))


@given(instances(), st.data())
def test_predicates_and_graph_agree(inst, draw):
    X, _, _, chambers = inst
    net = draw.draw(networks(len(X[0])))
    G = incidence_graph(net, X, chambers)
    assert nx.is_bipartite(G)
    assert is_minimal_from_graph(G) == is_minimal(net, X, chambers)
    if is_minimal(net, X, chambers):
        assert is_nearly_minimal(net, X, chambers)
    # brute force: injective choices of a holding (cone, sign) per nonzero neuron
    held = [h for h, nr in zip(held_groups(net, X, chambers), net.neurons, strict=True)
            if sign(nr.alpha) != 0]
    brute = sum(1 for pick in itertools.product(*held) if len(set(pick)) == len(pick))
    assert count_minimal_representations(net, X, chambers) == brute


@given(instances(), st.data())
def test_psi_networks_nearly_minimal_when_interior(inst, draw):
    """ψ(W) with each w interior to its chamber and one group per (chamber, sign) is minimal."""
    X, _, _, _ = inst
    chs = list(Arrangement(X).chambers())
    W = {}
    for c in draw.draw(st.lists(st.sampled_from(chs), max_size=4, unique_by=lambda c: c.index)):
        W[(c.index, draw.draw(st.sampled_from([1, -1])))] = tuple(F(t) for t in c.witness)
    net = psi(W)
    signs = [c.signs for c in chs]
    assert is_minimal(net, X, signs)
    assert count_minimal_representations(net, X, signs) == 1


def test_minimality_on_a_hyperplane():
    X = [[0, 1]]
    chambers = [(1,), (-1,)]
    # two neurons on the hyperplane u_2 = 0 share both closed cones: not minimal
    net = Network.from_lists([((1, 0), 1), ((-1, 0), 1)])
    assert not is_minimal(net, X, chambers)
    assert not is_nearly_minimal(net, X, chambers)
    assert count_minimal_representations(net, X, chambers) == 2
    # colinear scaled neurons are nearly minimal but not minimal
    net = Network.from_lists([((0, 1), 1), ((0, 2), 2)])
    assert is_nearly_minimal(net, X, chambers) and not is_minimal(net, X, chambers)
    assert count_minimal_representations(net, X, chambers) == 0
    # not scaled: neither
    assert not is_nearly_minimal(Network.from_lists([((0, 1), 2)]), X, chambers)
    # zero neurons never break minimality
    assert is_minimal(add_zero(Network.from_lists([((0, 1), 1)]), 2), X, chambers)


def test_count_limit():
    X = [[0, 0, 1]]
    chambers = [(1,), (-1,)]
    net = Network.from_lists([((1, 0, 0), 1)] * 4)
    assert count_minimal_representations(net, X, chambers) == 0  # 4 neurons, 2 cones
    net = Network.from_lists([((1, 0, 0), 1), ((0, 1, 0), 1)])
    assert count_minimal_representations(net, X, chambers) == 2
    with pytest.raises(TooLargeError):
        count_minimal_representations(net, X, chambers, limit=3)


def test_incomplete_chambers_rejected():
    with pytest.raises(InputError):
        is_minimal(Network.from_lists([((0, -1), 1)]), [[0, 1]], [(1,)])


# -------------------------------------------------------------------------- docs/MATH.md §9: V data

VX = [[-1, 1], [0, 1], [1, 1]]
VY = [1, 0, 1]
VBETA = F(1, 10)


def _v_optimum():
    """W* by hand: ramps (−x)_+ and (x)_+ with weight 4/5 each, a constant 1/10:
    ŷ = (4/5)(1,0,0) + (4/5)(0,0,1) + (1/10)(1,1,1) = (9/10, 1/10, 9/10),
    β Σ‖w‖ = (1/10)(4/5 + 4/5 + 1/10) = 17/100, loss ½·3·(1/10)² = 3/200: 37/200."""
    chambers = chambers_of(VX)
    W = {}
    for w in [(F(-4, 5), F(0)), (F(4, 5), F(0)), (F(0), F(1, 10))]:
        i = closed_cones_containing(w, VX, chambers)[0]
        W[(i, 1)] = w
    return W, chambers


def _dual_feasible(v, X, chambers, beta):
    """max_{u ∈ C_i, ‖u‖ ≤ 1} s vᵀD_i X u ≤ β for every chamber and sign (d = 2, exactly):
    the maximum is ‖g‖ when g = s XᵀD_i v ∈ C_i, else attained on a boundary ray of C_i."""
    rays = []
    for x in X:
        if any(x):
            rays += [(-F(x[1]), F(x[0])), (F(x[1]), -F(x[0]))]
    for sig in chambers:
        for s in (1, -1):
            g = [sum(s * F(X[j][c]) * v[j] for j in range(len(X)) if sig[j] > 0) for c in (0, 1)]

            def inside(u, sig=sig):
                return all(t * sum(F(a) * b for a, b in zip(x, u, strict=True)) >= 0
                           for t, x in zip(sig, X, strict=True))

            if inside(g):
                ok = g[0] ** 2 + g[1] ** 2 <= beta**2
            else:
                ok = all(
                    max(F(0), g[0] * r[0] + g[1] * r[1]) ** 2 <= beta**2 * (r[0] ** 2 + r[1] ** 2)
                    for r in rays
                    if inside(r)
                )
            if not ok:
                return False
    return True


def test_v_data_optimal_network():
    W, chambers = _v_optimum()
    net = psi(W)
    assert net.width == 3 and not net.is_rational  # √(4/5), √(1/10) are irrational
    assert net.output(VX) == (F(9, 10), F(1, 10), F(9, 10))
    assert net.objective(VX, VY, VBETA) == F(37, 200)
    assert convex_objective(W, VX, VY, VBETA, chambers) == F(37, 200)
    # certified optimal: the dual vector v = y − ŷ is feasible and vᵀy − ½‖v‖² = 37/200
    v = [F(1, 10), F(-1, 10), F(1, 10)]
    assert sum(a * b for a, b in zip(v, VY, strict=True)) - sum(t * t for t in v) / 2 == F(37, 200)
    assert _dual_feasible(v, VX, chambers, VBETA)
    assert not _dual_feasible(v, VX, chambers, VBETA * F(9, 10))
    # scaled, minimal; the ramps lie on the hyperplane of row (0, 1): two cones each
    assert is_scaled(net) and is_minimal(net, VX, chambers)
    assert count_minimal_representations(net, VX, chambers) == 4
    # invariances of the optimum (docs/MATH.md §6): splits are optimal too, merge recovers it
    s = split(net, 0, [F(1, 4), F(3, 4)])
    assert exact_eq(s.objective(VX, VY, VBETA), F(37, 200))
    assert not is_minimal(s, VX, chambers) and is_nearly_minimal(s, VX, chambers)
    assert same_network(merge(s), net)
    assert same_network(minimalize(s, VX, chambers), net)
    # an unscaled rescaling is worse; to_scaled repairs it
    r = rescale(net, 2, 2)
    assert sign(r.objective(VX, VY, VBETA) - F(37, 200)) > 0
    assert exact_eq(to_scaled(r).objective(VX, VY, VBETA), F(37, 200))
    # the rational rescaling is a rational upper bound
    from exact.maps import psi_rational

    up = psi_rational(W, bits=30).objective(VX, VY, VBETA)
    assert isinstance(up, F) and F(37, 200) <= up < F(37, 200) + F(1, 10**15)
