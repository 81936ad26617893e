"""Every registered theorem holds on the strategies' examples, and each check catches a planted bug.

``pytest tests/test_properties.py`` runs each theorem of ``properties.THEOREMS`` under the loaded
hypothesis profile (capped at the theorem's ``ci_examples`` unless the profile asks for more
than 100 examples, as ``fuzz`` does). A long campaign on every core:

    pytest -n auto --hypothesis-profile=fuzz tests/test_properties.py

The planted-bug tests monkeypatch one piece of the code under test (a ψ that drops a square
root, a chamber list missing a chamber, a tope graph missing an edge, a solver with a wrong β,
...) and require the theorem's check to find a counterexample within a few examples.
"""

from __future__ import annotations

from fractions import Fraction

import pytest
from hypothesis import given, settings

import exact.verify as verify_module
from arrangement import core
from exact import certify, maps, transforms
from exact.network import Network, Neuron, div, exact, exact_sqrt, mul, norm_sq, sign
from properties import load_builtin
from properties import strategies as S
from properties.fuzz import run_theorem
from properties.registry import Counterexample, CounterexampleFound

THEOREMS = load_builtin()


# ----------------------------------------------------------------------------- the theorems


@pytest.mark.parametrize("name", sorted(THEOREMS))
def test_theorem_holds(name):
    thm = THEOREMS[name]
    prof = settings()
    n = prof.max_examples if prof.max_examples > 100 else min(prof.max_examples,
                                                              thm.ci_examples)

    @settings(prof, max_examples=n, deadline=None)
    @given(thm.strategy)
    def body(example):
        ce = thm.call(example)
        if ce is not None:
            raise CounterexampleFound(ce)

    body()


# ----------------------------------------------------------------------------- planted bugs


def _drop_last_chamber(mp):
    orig = core.Arrangement.chambers

    def chambers(self, **kw):
        ch = orig(self, **kw)
        if len(ch) < 2:
            return ch
        return core.Chambers(ch.W[:-1], ch.class_signs[:-1], ch.signs[:-1])

    mp.setattr(core.Arrangement, "chambers", chambers)


def _psi_without_root(mp):
    def psi_neuron(w, s):  # u = w/‖w‖, α = s‖w‖: same output, wrong penalty
        wv = tuple(exact(t) for t in w)
        N = norm_sq(wv)
        if sign(N) == 0:
            return None
        c = exact_sqrt(N)
        return Neuron(tuple(div(t, c) for t in wv), mul(Fraction(s), c))

    def psi(W):
        keys = sorted(W, key=maps.group_key_order)
        return Network(tuple(nr for nr in (psi_neuron(W[k], k[1]) for k in keys)
                             if nr is not None))

    mp.setattr(maps, "psi", psi)
    mp.setattr(maps, "psi_neuron", psi_neuron)
    mp.setattr(transforms, "psi_neuron", psi_neuron)


def _graph_edit(mp, edit):
    orig = core.Arrangement.tope_graph

    def tope_graph(self):
        G = orig(self)
        edit(G)
        return G

    mp.setattr(core.Arrangement, "tope_graph", tope_graph)


def _remove_first_edge(G):
    edges = sorted(G.edges())
    if edges:
        G.remove_edge(*edges[0])


def _isolate_node_zero(G):
    if G.number_of_nodes() > 1:
        G.remove_edges_from(list(G.edges(0)))


def _odd_cycle(G):
    import networkx as nx

    dist = nx.single_source_shortest_path_length(G, 0) if G.number_of_nodes() else {}
    far = [k for k, v in dist.items() if v == 2]
    if far:
        G.add_edge(0, far[0])


def _wrap_solve(mp, transform):
    orig = certify.solve

    def solve(X, y, beta, *a, **kw):
        return orig(*transform(X, y, beta), *a, **kw)

    mp.setattr(certify, "solve", solve)


def _beta_squared(mp):
    _wrap_solve(mp, lambda X, y, b: (X, y, Fraction(b) ** 2))


def _ignore_last_row(mp):
    orig = certify.solve

    def solve(X, y, beta, *a, **kw):
        X, y = list(X), list(y)
        if len(X) > 1 and "program" not in kw:
            X, y = X[:-1], y[:-1]
        return orig(X, y, beta, *a, **kw)

    mp.setattr(certify, "solve", solve)


def _stretch_first_column(mp):
    _wrap_solve(mp, lambda X, y, b: ([[2 * Fraction(r[0]), *r[1:]] for r in X], y, b))


def _clip_targets(mp):
    _wrap_solve(mp, lambda X, y, b: (X, [max(Fraction(v), Fraction(0)) for v in y], b))


def _lower_too_high(mp):
    orig = certify.solve

    def solve(*a, **kw):
        sol = orig(*a, **kw)
        sol.lower += 1
        return sol

    mp.setattr(certify, "solve", solve)


def _beta_by_first_sign(mp):
    """Asymmetric in y: β doubles when y_0 < 0 (breaks the negation law of every loss)."""
    _wrap_solve(mp, lambda X, y, b: (X, y, Fraction(b) * (2 if Fraction(y[0]) < 0 else 1)))


def _beta_grows_with_y(mp):
    """β scaled with the targets: breaks the absolute loss's homogeneity in y."""
    _wrap_solve(mp, lambda X, y, b: (X, y, Fraction(b) * (1 + max(abs(Fraction(v))
                                                                  for v in y))))


def _lower_too_high_for(loss):
    def plant(mp):
        orig = certify.solve

        def solve(*a, **kw):
            sol = orig(*a, **kw)
            if sol.loss == loss:
                sol.lower += 1
            return sol

        mp.setattr(certify, "solve", solve)

    return plant


def _groups_doubled(mp):
    orig = certify.solve

    def solve(*a, **kw):
        sol = orig(*a, **kw)
        sol.groups = {k: tuple(2 * v for v in w) for k, w in sol.groups.items()}
        return sol

    mp.setattr(certify, "solve", solve)


def _accept_everything(mp):
    mp.setattr(verify_module, "verify_certificate", lambda cert: (True, "valid"))


def _incomplete_counts_as_proved(mp):
    """The bug of issue 10: a certificate without completeness gets exit status 0."""
    orig = verify_module.verify

    def verify(cert, max_tol=verify_module.TOL_CEILING):
        status, msg = orig(cert, max_tol)
        return (verify_module.PROVED, msg) if status == verify_module.NOT_PROVED else (status, msg)

    mp.setattr(verify_module, "verify", verify)


def _singular_mixing(mp):
    orig = S.invertible_matrices

    def invertible_matrices(d, *a, **kw):
        return orig(d, *a, **kw).map(lambda A: tuple(tuple(Fraction(0) if j == 0 else v
                                                            for j, v in enumerate(r))
                                                      for r in A))

    mp.setattr(S, "invertible_matrices", invertible_matrices)


def _ceiling_is_n(mp):
    import arrangement.counts

    mp.setattr(arrangement.counts, "pilanci_ergen_ceiling", lambda n, r: n)


def _truncating_rows(mp):
    mp.setattr(core, "primitive_integer_row", lambda r: tuple(int(v) for v in r))


def _strict_pattern(mp):
    mp.setattr(core.Chamber, "pattern",
               property(lambda self: tuple(1 if s > 0 else 0 for s in self.signs)))


def _phi_signed(mp):
    orig = maps.phi

    def phi(net, X, chambers, assignment=None):  # adds α u instead of |α| u
        W = orig(net, X, chambers, assignment)
        return {(i, s): tuple(-v for v in w) if s < 0 else w for (i, s), w in W.items()}

    mp.setattr(maps, "phi", phi)


def _no_root(mp):
    mp.setattr(transforms, "exact_sqrt", lambda x: x)


def _bad_rescale(mp):
    def rescale(net, k, c):
        nr = net.neurons[k]
        c = exact(c)
        new = Neuron(tuple(mul(c, t) for t in nr.u), div(div(nr.alpha, c), c))
        return Network(net.neurons[:k] + (new,) + net.neurons[k + 1:])

    mp.setattr(transforms, "rescale", rescale)


def _antipodal_subsampled_program(mp):
    """A deliberately wrong subsampled program: the chambers antipodal to the neurons'."""
    import properties.theorems_optimal as TO

    orig = TO.subsampled_program

    def subsampled_program(inst, chambers, arr=None):
        arr = core.Arrangement(inst.X) if arr is None else arr
        sig = [c.signs for c in arr.chambers()]
        anti = sorted({sig.index(tuple(-x for x in sig[i])) for i in chambers})
        return orig(inst, anti, arr)

    mp.setattr(TO, "subsampled_program", subsampled_program)


# -- planted bugs for properties/theorems_conv.py (two-layer CNNs, docs/cnn.md) ---------------
def _conv_patch_first_doubled(mp):
    """Every patch with its first entry doubled: breaks h = L ≡ dense and the reversal law."""
    from exact import conv

    orig = conv.patches
    mp.setattr(conv, "patches", lambda X, h, stride=1: tuple(
        (2 * r[0], *r[1:]) for r in orig(X, h, stride)))


def _conv_wrap_solve(mp, transform):
    from exact import conv

    orig = conv.solve_conv
    mp.setattr(conv, "solve_conv",
               lambda X, y, beta, h, stride=1, **kw: orig(*transform(X, y, beta), h, stride, **kw))


def _conv_drop_last_signal(mp):
    _conv_wrap_solve(mp, lambda X, y, b: (list(X)[:-1], list(y)[:-1], b))


def _conv_beta_squared(mp):
    _conv_wrap_solve(mp, lambda X, y, b: (X, y, Fraction(b) ** 2))


def _conv_lower_too_high(mp):
    from exact import conv

    orig = conv.solve_conv

    def solve_conv(*a, **kw):
        sol = orig(*a, **kw)
        sol.lower = sol.upper + 1
        return sol

    mp.setattr(conv, "solve_conv", solve_conv)


def _conv_network_edit(mp, edit):
    from exact import conv

    orig = conv.conv_network

    def conv_network(sol, stride=1):
        net = orig(sol, stride)
        pairs = edit(list(zip(net.filters, net.alphas)))
        return conv.ConvNetwork(tuple(u for u, _a in pairs), tuple(a for _u, a in pairs),
                                net.stride)

    mp.setattr(conv, "conv_network", conv_network)


def _conv_split_filters(mp):
    """Each filter split into (3/5)(u, α) and (4/5)(u, α): same objective, twice the width."""
    _conv_network_edit(mp, lambda ps: [(tuple(t * x for x in u), t * a) for u, a in ps
                                       for t in (Fraction(3, 5), Fraction(4, 5))])


def _conv_drop_last_filter(mp):
    _conv_network_edit(mp, lambda ps: ps[:-1])


CONV_PLANTED = {
    "conv_one_patch_is_dense": (_conv_patch_first_doubled, 20),
    "conv_reversal": (_conv_patch_first_doubled, 20),
    "conv_permutation": (_conv_drop_last_signal, 20),
    "conv_scale_y_beta": (_conv_beta_squared, 20),
    "conv_width_bound": (_conv_split_filters, 10),
    "conv_psi_attains_upper": (_conv_drop_last_filter, 10),
    "conv_gd_never_below": (_conv_lower_too_high, 10),
}

#: theorem -> (planted bug, examples allowed to find it)
PLANTED = {
    "chambers_suffice": (_drop_last_chamber, 30),
    "general_position_by_construction": (_singular_mixing, 30),
    "cover_formula": (_drop_last_chamber, 30),
    "zaslavsky": (_drop_last_chamber, 30),
    "pattern_count_bound": (_ceiling_is_n, 60),
    "tope_graph_connected": (lambda mp: _graph_edit(mp, _isolate_node_zero), 30),
    "tope_graph_bipartite": (lambda mp: _graph_edit(mp, _odd_cycle), 30),
    "tope_graph_distance": (lambda mp: _graph_edit(mp, _remove_first_edge), 30),
    "tope_graph_antipodal": (_drop_last_chamber, 30),
    "tope_graph_edges": (lambda mp: _graph_edit(mp, _remove_first_edge), 30),
    "tope_graph_degree_diameter": (lambda mp: _graph_edit(mp, _remove_first_edge), 30),
    "patterns_under_XA": (_drop_last_chamber, 60),
    "patterns_under_row_scaling": (_truncating_rows, 60),
    "duplicate_and_zero_rows": (_strict_pattern, 60),
    "psi_preserves_objective": (_psi_without_root, 30),
    "phi_never_increases": (_phi_signed, 60),
    "split_merge_invariance": (_no_root, 30),
    "transformation_invariance": (_bad_rescale, 60),
    "optimal_networks_scaled": (_no_root, 30),
    "minimalize_sound": (_psi_without_root, 60),
    "certified_bounds_valid": (_lower_too_high, 5),
    "chambers_suffice_value": (_drop_last_chamber, 30),
    "metamorphic_row_permutation": (_ignore_last_row, 20),
    "metamorphic_orthogonal": (_stretch_first_column, 20),
    "metamorphic_scale_X": (_beta_squared, 20),
    "metamorphic_scale_y_beta": (_beta_squared, 20),
    "metamorphic_negate_y": (_clip_targets, 20),
    "closed_form_rank_one": (_beta_squared, 20),
    "closed_form_whitened": (_beta_squared, 20),
    "m_star_bound": (_groups_doubled, 10),
    "psi_optimum_minimal": (_psi_without_root, 20),
    "optimal_splits": (_psi_without_root, 20),
    "certificates_verify": (_drop_last_chamber, 20),
    "certificate_corruptions": (_accept_everything, 30),
    "certificate_structural_corruptions": (_incomplete_counts_as_proved, 60),
    "gd_stationary_subsampled_optimal": (_antipodal_subsampled_program, 20),
    "hinge_bounds_valid": (_lower_too_high, 5),
    "hinge_scale_X": (_beta_squared, 20),
    "hinge_scale_y_beta": (_beta_squared, 20),
    "hinge_negate_y": (_clip_targets, 20),
    "hinge_orthonormal": (_beta_squared, 20),
    **{f"{loss}_{law}": bug for loss in ("squared", "absolute", "squared_hinge")
       for law, bug in (("bounds_valid", (_lower_too_high, 5)), ("scale_X", (_beta_squared, 20)),
                        ("negate_y", (_beta_by_first_sign, 20)))},
    "absolute_scale_y": (_beta_grows_with_y, 20),
    "squared_hinge_below_squared": (_lower_too_high_for("squared_hinge"), 10),
}

from tests.test_relu3 import RELU3_PLANTED  # noqa: E402 - the three-layer theorems' bugs

PLANTED.update(RELU3_PLANTED)
PLANTED.update(CONV_PLANTED)


def test_every_builtin_theorem_has_a_planted_bug():
    builtin = {n for n, t in THEOREMS.items() if t.check.__module__.startswith("properties.")}
    assert builtin <= set(PLANTED)


@pytest.mark.parametrize("name", sorted(PLANTED))
def test_check_catches_planted_bug(name, monkeypatch):
    plant, examples = PLANTED[name]
    plant(monkeypatch)
    r = run_theorem(THEOREMS[name], examples=examples, seed=0, shrink=False)
    assert not r.passed, f"{name}: the planted bug went unnoticed in {r.examples} examples"
    assert r.counterexample.theorem == name


# ----------------------------------------------------------------------------- GD stationarity


def test_gd_stopped_after_one_step_is_flagged_when_assumed_stationary(monkeypatch):
    """GD stopped after 1 step is far from subsampled-optimal: with the tolerance forced to 0
    (as if it were stationary) the check must flag it."""
    import properties.theorems_optimal as TO

    monkeypatch.setattr(TO, "GD_STEPS", 1)
    orig = TO.stationarity_tolerance

    def zero(*a):
        out = orig(*a)
        return None if out is None else (Fraction(0), out[1])

    monkeypatch.setattr(TO, "stationarity_tolerance", zero)
    r = run_theorem(THEOREMS["gd_stationary_subsampled_optimal"], examples=20, seed=0,
                    shrink=False)
    assert not r.passed and "exceeds the stationarity tolerance" in r.counterexample.message


def test_gd_stopped_after_one_step_passes_with_its_gradient_tolerance(monkeypatch):
    """The tolerance grows with the distance from stationarity, so an early stop is no
    counterexample (the claim is about stopped GD)."""
    import properties.theorems_optimal as TO

    monkeypatch.setattr(TO, "GD_STEPS", 1)
    r = run_theorem(THEOREMS["gd_stationary_subsampled_optimal"], examples=10, seed=0,
                    shrink=False)
    assert r.passed


def test_stationarity_tolerance_bounds_the_subsampled_gap():
    """τ is 0 at an exact stationary point, and τ ≥ L_β(θ) − P*_sub at a non-stationary one."""
    from arrangement.instances import Instance
    from exact.check import check
    from properties.theorems_optimal import stationarity_tolerance, subsampled_program

    X, y, beta = [[1, 0], [0, 1], [1, 1]], [2, -1, 1], Fraction(1, 2)
    net = Network.from_lists([((1, Fraction(1, 3)), 1)])  # on no hyperplane, not stationary
    tau, g2 = stationarity_tolerance(net, X, y, beta)
    assert tau >= 0 and g2 > 0
    r = check(net, X, y, beta, find_better=False, certificate=False)
    sub = certify.solve(X, y, beta, program=subsampled_program(Instance(X, y, beta),
                                                               r.stationarity["chambers"]))
    assert 0 <= r.objective - sub.lower <= tau + sub.gap
    # X = [[1, 0]], y = 2, β = 1: the convex optimum fits z = y − β = 1, ψ of it is stationary
    stat = Network.from_lists([((1, 0), 1)])
    assert stationarity_tolerance(stat, [[1, 0]], [2], Fraction(1)) == (0, 0)


# ----------------------------------------------------------------------------- the machinery


def test_shrinks_to_a_small_counterexample(monkeypatch, tmp_path):
    _drop_last_chamber(monkeypatch)
    r = run_theorem(THEOREMS["zaslavsky"], examples=50, seed=0, save_dir=tmp_path)
    ce = r.counterexample
    assert ce is not None and ce.instance.n == 1 and ce.instance.d == 1
    from arrangement.instances import read_instance

    back = read_instance(str(r.saved[0]))
    assert back.X == ce.instance.X and back.notes[0].startswith("counterexample to zaslavsky")


def test_counterexample_with_network_round_trips(tmp_path):
    from arrangement.instances import Instance, read_instance

    net = Network.from_lists([((1, 0), 2)])
    ce = Counterexample.make("t", "msg", Instance([[1, 2]], y=[1], beta=1), net, A=[[1]])
    paths = ce.save(tmp_path)
    assert read_instance(str(paths[0])).notes == ("counterexample to t: msg", "A = [[1]]")
    assert Network.read_json(paths[1]) == net
    assert ce.to_json_dict()["extra"] == {"A": [[1]]}


def test_a_crash_is_a_counterexample():
    from hypothesis import strategies as st

    from arrangement.instances import Instance
    from properties.registry import theorem

    reg: dict = {}

    @theorem("boom", strategy=st.just(Instance([[1]])), registry=reg)
    def boom(inst):
        "Always crashes."
        raise ZeroDivisionError("x")

    r = run_theorem(reg["boom"], examples=2, seed=0)
    assert "crashed: ZeroDivisionError" in r.counterexample.message


def test_generic_strategy_is_in_general_position():
    from arrangement.counts import is_general_position
    from arrangement.rational import primitive_integer_row

    @settings(max_examples=30, deadline=None)
    @given(S.generic_matrices(n_min=2, n_max=6, d_max=4))
    def body(X):
        assert is_general_position([primitive_integer_row(r) for r in X])

    body()


def test_rational_unit_near_on_every_chamber_of_any_drawn_matrix():
    # the strategies must not crash on the inputs they draw (issue 9: an all-zero X crashed)
    from arrangement.core import Arrangement

    @settings(max_examples=60, deadline=None)
    @given(S.matrices())
    def body(X):
        arr = Arrangement(X)
        for c in arr.chambers():
            e = S.rational_unit_near(c.witness, arr.X, c.signs)
            assert sum(v * v for v in e) == 1
            for row, s in zip(arr.X, c.signs):
                dot = sum(a * b for a, b in zip(row, e))
                assert s == 0 or (dot > 0) == (s > 0)

    body()


def test_minimal_networks_on_an_all_zero_matrix():
    from arrangement.core import Arrangement

    arr = Arrangement([[0, 0], [0, 0]])

    @settings(max_examples=20, deadline=None)
    @given(S.minimal_networks(arr))
    def body(net):
        assert all(sum(v * v for v in nr.u) == nr.alpha ** 2 for nr in net.neurons)

    body()
    with pytest.raises(ValueError):
        S.rational_unit_near((0, 0), [[1, 0]], (1,))  # w = 0 cannot have a strict sign


@pytest.mark.parametrize("name", sorted(THEOREMS))
def test_strategy_draws_without_crashing(name):
    # drawing alone, more examples than the check runs: a crash here is the fuzz machinery's
    @settings(max_examples=50, deadline=None, database=None)
    @given(THEOREMS[name].strategy)
    def body(example):
        assert example is not None

    body()
