"""Carathéodory pruning (exact/pruning.py, docs/MATH.md §7 "Pruning")."""

from __future__ import annotations

from fractions import Fraction

from arrangement.examples import example
from exact.certify import solve
from exact.optimal_set import optimal_set
from exact.pruning import null_vector, penalty_enclosure, prune, prune_with_record, rank

F = Fraction


def _v1d():
    inst = example("v1d")
    sol = solve(inst.X, inst.y, inst.beta)
    return sol, optimal_set(sol, networks=False)


def test_null_vector_is_exact():
    vs = [(F(1), F(2), F(0)), (F(0), F(1), F(1)), (F(1), F(4), F(2))]
    c = null_vector(vs)
    assert c is not None and any(c)
    assert all(sum(ck * v[j] for ck, v in zip(c, vs)) == 0 for j in range(3))
    assert null_vector(vs[:2]) is None


def test_prune_midpoint_of_two_vertices_of_the_v_data():
    # an optimal, non-minimal point: the midpoint of two vertices of W* (4 groups, n = 3)
    sol, S = _v1d()
    cp = sol.program
    A, B = S.vertices[0], S.vertices[-1]
    W = {}
    for V in (A, B):
        for g, w in V.items():
            old = W.get(g, (F(0),) * cp.d)
            W[g] = tuple(a + b / 2 for a, b in zip(old, w))
    assert len(W) > cp.n
    rec = prune_with_record(W, cp)
    assert len(rec.groups) <= cp.n and rec.rank == len(rec.groups)
    assert rec.fit_preserved and cp.prediction(rec.groups) == cp.prediction(W)
    assert rec.in_cones and rec.penalty_not_increased
    assert rec.null_vectors and all(isinstance(x, Fraction) for c in rec.null_vectors for x in c)
    # at an optimum the penalty is exactly unchanged: Σ c_g ‖w_g‖ = 0 at every step
    assert all(step.penalty_sign == 0 for step in rec.steps)
    # and here every norm is rational (‖q_g‖ = β = 1/10), so the penalty is compared exactly
    lo0, hi0 = penalty_enclosure(W)
    lo1, hi1 = penalty_enclosure(rec.groups)
    assert lo0 == hi0 == lo1 == hi1


def test_prune_split_group_across_two_chambers():
    # the same w split over two chambers whose closed cones both hold it
    sol, S = _v1d()
    cp = sol.program
    W = dict(S.vertices[0])
    g = next(g for g in W if sum(1 for i in range(cp.p) if cp.in_cone(i, W[g])) > 1)
    other = next(i for i in range(cp.p) if i != g[0] and cp.in_cone(i, W[g]))
    half = tuple(x / 2 for x in W[g])
    W[g] = half
    W[(other, g[1])] = half
    out = prune(W, cp)
    assert len(out) <= cp.n
    assert cp.prediction(out) == cp.prediction(W)


def test_prune_never_increases_the_penalty_of_a_non_optimal_point():
    inst = example("generic2d")
    sol = solve(inst.X, inst.y, inst.beta)
    cp = sol.program
    # a feasible, non-optimal point: every chamber's witness, in both signs
    W = {(i, s): tuple(F(x) for x in cp.witnesses[i]) for i in range(cp.p) for s in (1, -1)}
    rec = prune_with_record(W, cp)
    assert rec.fit_preserved and rec.in_cones and rec.penalty_not_increased
    assert len(rec.groups) <= rank([cp.fit(i, s, w) for (i, s), w in W.items()])
    assert penalty_enclosure(rec.groups)[0] <= penalty_enclosure(W)[1]


def test_rational_null_vector_is_the_rref_null_vector():
    # the fraction-free null vector of the pruning is the RREF's first one, exactly
    import random

    from exact.pruning import rational_null_vector

    r = random.Random(3)
    for _ in range(400):
        n, k = r.randint(1, 5), r.randint(1, 7)
        base = [[Fraction(r.randint(-5, 5), r.randint(1, 4)) for _ in range(n)]
                for _ in range(r.randint(1, k))]
        vs = []
        for _ in range(k):
            if r.random() < 0.5:
                vs.append([Fraction(r.randint(-9, 9), r.randint(1, 6)) if r.random() < 0.7
                           else Fraction(0) for _ in range(n)])
            else:
                cs = [Fraction(r.randint(-3, 3), r.randint(1, 3)) for _ in base]
                vs.append([sum(c * b[j] for c, b in zip(cs, base)) for j in range(n)])
        c = rational_null_vector(vs)
        assert c == null_vector(vs)
        if c is not None:
            assert any(c) and all(sum(ck * v[j] for ck, v in zip(c, vs)) == 0
                                  for j in range(n))
