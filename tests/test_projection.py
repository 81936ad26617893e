"""Exact cone projections (exact/projection.py, docs/MATH.md §7): certificates verify and agree
with a brute-force projection over all candidate active sets (tests/oracles.py), on the cones of
properties.strategies.cones_and_points."""

from __future__ import annotations

from fractions import Fraction

import pytest
from hypothesis import given

from exact.projection import (
    ProjectionCertificate,
    cone_support,
    lawson_hanson,
    project_onto_cone,
    verify_projection,
)
from properties.strategies import cones_and_points
from tests.oracles import brute_force_projection, dot


@given(cones_and_points())
def test_projection_certificate_verifies_and_matches_brute_force(case):
    A, g = case
    cert = project_onto_cone(A, g)
    assert verify_projection(A, g, cert)
    assert cert.p == brute_force_projection(A, g)
    # Moreau: ‖p‖² = pᵀg
    assert cone_support(A, g) == dot(cert.p, g) == cert.norm2


@given(cones_and_points())
def test_exact_active_set_method_alone(case):
    A, g = case
    if not A:
        return
    cert = lawson_hanson(A, g)
    assert verify_projection(A, g, cert)
    assert cert.p == brute_force_projection(A, g)


def test_empty_cone_is_whole_space():
    cert = project_onto_cone([], (Fraction(1, 3), -2))
    assert cert.p == (Fraction(1, 3), Fraction(-2)) and cert.lam == ()
    assert verify_projection([], (Fraction(1, 3), -2), cert)


def test_point_in_cone_and_polar_cone():
    A = [(1, 0), (0, 1)]
    assert project_onto_cone(A, (2, 3)).p == (2, 3)
    # −g in the cone: g is in the polar cone, the projection is 0
    cert = project_onto_cone(A, (-2, -3))
    assert cert.p == (0, 0) and cert.lam == (2, 3)
    assert cone_support(A, (-2, -3)) == 0


def test_degenerate_cones():
    # duplicate rows, and a row with its negative (the cone contains a hyperplane only)
    A = [(1, 1, 0), (2, 2, 0), (0, 0, 1), (0, 0, -1)]
    for g in [(-3, 1, 2), (1, -5, Fraction(1, 2)), (0, 0, 0), (-1, -1, -1)]:
        cert = project_onto_cone(A, g)
        assert verify_projection(A, g, cert)
        assert cert.p == brute_force_projection(A, g)
    # many rows through a common ray in 3-D (a pointed, degenerate vertex)
    A = [(1, 0, 1), (0, 1, 1), (-1, 0, 1), (0, -1, 1), (1, 1, 2)]
    for g in [(0, 0, -1), (3, 0, -1), (1, 1, -5)]:
        cert = project_onto_cone(A, g)
        assert verify_projection(A, g, cert)
        assert cert.p == brute_force_projection(A, g)


def test_verify_rejects_bad_certificates():
    A, g = [(1, 0), (0, 1)], (3, -2)
    good = project_onto_cone(A, g)
    F = Fraction
    bad = [
        ProjectionCertificate((F(3), F(-2)), (F(0), F(0))),  # p outside the cone
        ProjectionCertificate((F(3), F(0)), (F(0), F(-2))),  # negative multiplier
        ProjectionCertificate((F(3), F(0)), (F(0), F(1))),  # g − p ≠ −Aᵀλ
        ProjectionCertificate((F(3), F(1)), (F(0), F(3))),  # complementarity fails
        ProjectionCertificate((F(3),), (F(0), F(2))),  # wrong length
    ]
    assert verify_projection(A, g, good)
    for c in bad:
        assert not verify_projection(A, g, c)


def test_large_denominators():
    A = [(3, -1, 2), (-1, 4, 1), (2, 2, -7)]
    g = (Fraction(10**40 + 1, 3 * 10**40), Fraction(-7, 2**100), Fraction(-(10**30), 10**30 + 7))
    cert = project_onto_cone(A, g)
    assert verify_projection(A, g, cert)
    assert cert.p == brute_force_projection(A, g)


def test_dimension_mismatch_raises():
    with pytest.raises(ValueError):
        project_onto_cone([(1, 0, 0)], (1, 2))


# -- integer_projection (the integer KKT systems of the dual pass) --------------------------------
@given(cones_and_points(m_max=6, extra_max=2))
def test_integer_projection_matches_brute_force_with_every_guess(case):
    """Every guessed support (the true one, a wrong one, a dependent one, none) gives the exact
    projection: the adjugate (2 and 3 facets), elimination (more) and single-facet paths are
    checked against the brute-force oracle, and the lazily made certificate verifies."""
    import math

    from exact.projection import integer_projection

    A, g = case
    den = math.lcm(*(x.denominator for x in g))
    gi = [int(x * den) for x in g]
    truth = brute_force_projection(A, g)
    guesses = [(), tuple(range(len(A))), tuple(reversed(range(len(A)))), (0,) if A else ()]
    exact = project_onto_cone(A, g)
    guesses.append(exact.support)
    for order in guesses:
        c, t = integer_projection(A, gi, den, list(order))
        assert c.p == truth and t == dot(truth, g) == c.norm2
        assert verify_projection(A, g, c)  # λ need not be unique (dependent rows): p is


def test_integer_certificate_reads_like_a_projection_certificate():
    """The integer certificate keeps integers and makes its Fractions on first read; equality,
    hashing and pickling see the same p and λ."""
    import pickle

    from exact.projection import integer_projection

    A = [(1, 0, 0), (0, 1, 0), (1, 1, 1)]
    c, t = integer_projection(A, (-3, -5, 4), 7, [1, 0])
    ref = project_onto_cone(A, (Fraction(-3, 7), Fraction(-5, 7), Fraction(4, 7)))
    assert isinstance(c, ProjectionCertificate) and c == ref and {c: 1}[ref] == 1
    assert pickle.loads(pickle.dumps(c)) == ref
    assert c.lam == ref.lam and c.support == ref.support == (0, 1) and t == ref.norm2


def test_planted_bug_a_wrong_adjugate_is_caught(monkeypatch):
    """A wrong 2 × 2 / 3 × 3 solve (here: the adjugate's off-diagonal signs flipped) is rejected
    by the exact KKT checks (z ≥ 0, A p ≥ 0, checked in integers): the support it was asked
    about is refused and the answer is still the exact projection."""
    import exact.projection as P

    A, gi = [(2, -1, 0), (-2, 0, 2), (-1, 0, 2), (2, 2, -2)], (5, -2, 5)
    g = tuple(Fraction(x) for x in gi)
    ag = [sum(a * x for a, x in zip(r, gi)) for r in A]
    assert P._kkt_on(A, gi, ag, [1, 3]) is not None  # the true active set
    calls = []

    def wrong(G):
        calls.append(G)
        D, adj = original(G)
        return D, [[x if i == j else -x for j, x in enumerate(row)] for i, row in enumerate(adj)]

    original = P._adjugate
    monkeypatch.setattr(P, "_adjugate", wrong)
    assert P._kkt_on(A, gi, ag, [1, 3]) is None and calls  # the planted bug is caught
    bad, _t = P.integer_projection(A, gi, 1, [1, 3])
    assert bad.p == brute_force_projection(A, g) and verify_projection(A, g, bad)


# -- integer_projection's `near` facets (the rounded groups of exact.certify._rational_groups) ---
@given(cones_and_points(m_max=6, extra_max=2))
def test_integer_projection_with_any_near_facets_is_the_projection(case):
    """Whatever facets ``near`` names (all, none of the true support, a few), the answer is the
    exact projection: a subset is taken only when its KKT conditions hold in integers."""
    import math

    from exact.projection import integer_projection

    A, g = case
    den = math.lcm(*(x.denominator for x in g))
    gi = [int(x * den) for x in g]
    truth = brute_force_projection(A, g)
    exact = project_onto_cone(A, g)
    nears = [tuple(range(len(A))), exact.support,
             tuple(j for j in range(len(A)) if j not in exact.support), (0,) if A else ()]
    for near in nears:
        c, t = integer_projection(A, gi, den, near=list(near))
        assert c.p == truth and t == dot(truth, g) == c.norm2
        assert verify_projection(A, g, c)


def test_near_facets_find_the_projection_of_a_rounded_point_without_fractions(monkeypatch):
    """A point on a face of a cone, pushed out by a tiny amount (as rounding a float point does):
    the float NNLS sees no support, the near facets give the exact projection in integers (the
    Fraction active-set method is never reached), and the largest subset is refused when it is
    not the active set (its multipliers fail z ≥ 0)."""
    import exact.projection as P

    A = [(1, 0, 0), (0, 1, 0), (1, 1, 1)]
    # on the facets 0 and 1 (u₁ = u₂ = 0), pushed just outside both: no single facet is the
    # active set, and the float NNLS's multipliers (~1e-18) are below its threshold
    gi = [-1, -1, 2**60]
    g = tuple(Fraction(x) for x in gi)
    truth = brute_force_projection(A, g)
    assert project_onto_cone(A, g).support == (0, 1)
    assert P._integer_kkt(A, gi, ()) is None and not P._float_support(A, gi)
    monkeypatch.setattr(P, "project_onto_cone", lambda *a: pytest.fail("Fraction fallback"))
    c, t = P.integer_projection(A, gi, 1, near=[0, 1, 2])
    assert c.p == truth and c.support == (0, 1) and t == dot(truth, g)
    assert verify_projection(A, g, c)
    ag = [sum(a * x for a, x in zip(r, gi)) for r in A]
    assert P._kkt_on(A, gi, ag, [0, 1, 2]) is None  # the largest subset: refused (z₂ < 0)


def test_planted_bug_near_facets_with_a_wrong_solve_still_give_the_projection(monkeypatch):
    """A wrong Gram solve (the adjugate's off-diagonal signs flipped) on the near facets is
    caught by the integer KKT checks, and the answer is still the exact projection."""
    import exact.projection as P

    A, gi = [(2, -1, 0), (-2, 0, 2), (-1, 0, 2), (2, 2, -2)], (5, -2, 5)
    g = tuple(Fraction(x) for x in gi)
    original = P._adjugate
    calls = []

    def wrong(G):
        calls.append(G)
        D, adj = original(G)
        return D, [[x if i == j else -x for j, x in enumerate(row)] for i, row in enumerate(adj)]

    monkeypatch.setattr(P, "_adjugate", wrong)
    ag = [sum(a * x for a, x in zip(r, gi)) for r in A]
    assert P._near_kkt(A, gi, [1, 3]) is None and calls  # the true face, solved wrongly
    c, _t = P.integer_projection(A, gi, 1, near=[1, 3])
    assert c.p == brute_force_projection(A, g) and verify_projection(A, g, c)
    assert any(x < 0 for x in ag)  # g is outside the cone: a projection was needed
