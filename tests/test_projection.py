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
