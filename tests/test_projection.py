"""Exact cone projections (exact/projection.py, docs/MATH.md §7): certificates verify and agree
with a
brute-force projection over all candidate active sets."""

from __future__ import annotations

import itertools
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from exact.projection import (
    ProjectionCertificate,
    cone_support,
    independent_subset,
    lawson_hanson,
    project_onto_cone,
    verify_projection,
)


def _dot(a, b):
    return sum((Fraction(x) * Fraction(y) for x, y in zip(a, b)), Fraction(0))


def _solve(M, b):
    """Exact solve of a nonsingular square system (test-local, independent of the module)."""
    k = len(M)
    A = [[Fraction(x) for x in M[r]] + [Fraction(b[r])] for r in range(k)]
    for c in range(k):
        piv = next(r for r in range(c, k) if A[r][c] != 0)
        A[c], A[piv] = A[piv], A[c]
        for r in range(k):
            if r != c and A[r][c]:
                f = A[r][c] / A[c][c]
                A[r] = [x - f * y for x, y in zip(A[r], A[c])]
    return [A[r][k] / A[r][r] for r in range(k)]


def _subspace_projection(rows, g):
    """Orthogonal projection of g onto {u : a·u = 0 for a in rows} (rows may be dependent)."""
    basis = [rows[j] for j in independent_subset(rows, range(len(rows)))]
    if not basis:
        return tuple(Fraction(x) for x in g)
    G = [[_dot(a, b) for b in basis] for a in basis]
    z = _solve(G, [_dot(a, g) for a in basis])
    return tuple(Fraction(x) - sum((zk * Fraction(a[t]) for zk, a in zip(z, basis)), Fraction(0))
                 for t, x in enumerate(g))


def brute_force_projection(A, g):
    """Projection onto {Au ≥ 0} by enumerating every subset of rows held at equality."""
    best, best_d = None, None
    for k in range(len(A) + 1):
        for S in itertools.combinations(range(len(A)), k):
            p = _subspace_projection([A[j] for j in S], g)
            if all(_dot(a, p) >= 0 for a in A):
                dist = sum(((Fraction(x) - y) ** 2 for x, y in zip(g, p)), Fraction(0))
                if best_d is None or dist < best_d:
                    best, best_d = p, dist
    return best


rationals = st.fractions(min_value=-5, max_value=5, max_denominator=4)


@st.composite
def cone_and_point(draw):
    d = draw(st.integers(1, 4))
    m = draw(st.integers(0, 5))
    A = [tuple(draw(st.integers(-3, 3)) for _ in range(d)) for _ in range(m)]
    g = tuple(draw(rationals) for _ in range(d))
    return A, g


@given(cone_and_point())
def test_projection_certificate_verifies_and_matches_brute_force(case):
    A, g = case
    cert = project_onto_cone(A, g)
    assert verify_projection(A, g, cert)
    assert cert.p == brute_force_projection(A, g)
    # Moreau: ‖p‖² = pᵀg
    assert cone_support(A, g) == _dot(cert.p, g) == cert.norm2


@given(cone_and_point())
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
