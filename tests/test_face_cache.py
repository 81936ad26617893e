"""The Gram-adjugate cache of tied faces (exact.projection.FaceCache, used by the dual pass of
exact/interval_pass.py): a projection through the cache is the projection made afresh, on the
faces neighbouring chambers share (the rows of two cones differing by the sign of one row, the
points by a multiple of that row); a cache keyed loosely is caught."""

from __future__ import annotations

import math
from fractions import Fraction

from hypothesis import given
from hypothesis import strategies as st

from exact.projection import FaceCache, integer_projection, project_onto_cone, verify_projection
from properties.strategies import cones_and_points
from tests.oracles import brute_force_projection


class LooseFaceCache(FaceCache):
    """The planted bug: faces keyed by their hyperplanes (rows up to sign), not their rows, so
    the neighbour across a shared hyperplane gets this face's Gram adjugate."""

    def key(self, rows):
        return tuple(sorted(tuple(abs(x) for x in r) for r in rows))


def neighbours(A, g, j, c):
    """The cone across row j (that row negated) and the point moved by ``c`` times it: two
    chambers sharing the face on row j, as tied groups at an optimum are."""
    A2 = [tuple(-x for x in r) if k == j else tuple(r) for k, r in enumerate(A)]
    g2 = tuple(x + c * a for x, a in zip(g, A[j]))
    return A2, g2


def cached_matches_fresh(cache: FaceCache, cases) -> bool:
    """Project every ``(A, g)`` through the one ``cache`` (each with its true support, all rows,
    and no guess) and compare with a fresh :func:`integer_projection` and the brute force."""
    for A, g in cases:
        den = math.lcm(*(Fraction(x).denominator for x in g))
        gi = [int(Fraction(x) * den) for x in g]
        truth = brute_force_projection(A, tuple(Fraction(x) for x in g))
        for order in (list(project_onto_cone(A, g).support), list(range(len(A))), []):
            c, t = integer_projection(A, gi, den, order, cache)
            f, tf = integer_projection(A, gi, den, order)
            if not (c == f and t == tf and c.p == truth and verify_projection(A, g, c)):
                return False
    return True


@given(cones_and_points(d_min=2, m_max=5, extra_max=1), st.data())
def test_cache_gives_the_fresh_projection_on_tied_faces(case, data):
    A, g = case
    if not A:
        return
    j = data.draw(st.integers(0, len(A) - 1))
    c = data.draw(st.fractions(min_value=-3, max_value=3, max_denominator=4))
    A2, g2 = neighbours(A, g, j, c)
    cache = FaceCache()
    # twice each: the second time every face comes from the cache
    assert cached_matches_fresh(cache, [(A, g), (A2, g2), (A, g), (A2, g2)])


def test_cache_is_keyed_by_the_rows_in_order():
    """The same rows in another order, or a row negated, are other keys (other Gram
    matrices); the same rows are one key, computed once."""
    fc = FaceCache()
    a, b = (1, 2, -1), (2, -3, -2)
    fc.adjugate([a, b])
    fc.adjugate([a, b])
    assert len(fc) == 1
    fc.adjugate([b, a])
    fc.adjugate([a, tuple(-x for x in b)])
    assert len(fc) == 3


def test_planted_bug_a_loosely_keyed_cache_is_caught():
    """Keyed by the hyperplanes, the cache hands the neighbour chamber (row 1 negated) this
    face's adjugate: its projection is wrong, and the comparison above fails; the exact key
    passes on the same faces."""
    A, g1 = [(1, 2, -1), (2, -3, -2)], (-7, 9, 7)
    A2, g2 = [(1, 2, -1), (-2, 3, 2)], (-7, -7, -3)
    cases = [(A, g1), (A2, g2)]
    assert cached_matches_fresh(FaceCache(), cases)
    assert not cached_matches_fresh(LooseFaceCache(), cases)


def test_check_with_a_warm_face_cache_matches_a_fresh_program():
    """check twice on one program (the second run's tied faces from the cache) and on a fresh
    program: the same verdict, violation, worst chamber and projections."""
    import numpy as np

    from exact.certify import solve
    from exact.check import check
    from exact.convex import ConvexProgram

    rng = np.random.default_rng(3)
    X = rng.integers(-5, 6, size=(10, 3)).tolist()
    y, beta = rng.integers(-3, 4, size=10).tolist(), Fraction(1, 10)
    net = solve(X, y, beta).network
    cp = ConvexProgram(X, y, beta)
    runs = [check(net, X, y, beta, program=cp, find_better=False) for _ in range(2)]
    runs.append(check(net, X, y, beta, program=ConvexProgram(X, y, beta), find_better=False))
    from exact.interval_pass import face_cache

    assert len(face_cache(cp)) > 0
    ref = runs[-1]
    for r in runs[:2]:
        assert (r.verdict, r.violation, r.worst_chamber) == (ref.verdict, ref.violation,
                                                            ref.worst_chamber)
        assert r.projections == ref.projections and r.t == ref.t
