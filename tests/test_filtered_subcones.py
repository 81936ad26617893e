"""The float-filtered subcone table of the completeness certificate
(arrangement/certificate.py: filtered_subcone_table), for class normals too large for the int64
table: real decimals and 17-digit floats.

Oracles: the int64 table (int64_subcone_table) on small integers, and, on large integers, the signs
of the Cramer numerators computed by sympy's exact determinants (independent of both tables).
The certificates it produces are checked by exact/verify.py.
"""

from __future__ import annotations

import itertools
from fractions import Fraction

import numpy as np
import pytest
import sympy
from hypothesis import given, settings
from hypothesis import strategies as st

from arrangement import certificate as AC
from arrangement.certificate import (
    completeness_certificate,
    filtered_subcone_table,
    int64_subcone_table,
)
from arrangement.core import Arrangement
from exact.verify import verify_certificate


def _oracle(N: list[list[int]], key: tuple[int, ...]) -> tuple[int, list[list[int]]]:
    """``sign(det M)`` and the signs of ``sign(det M)·det(M with column t replaced by N_c)``
    for every class c, by sympy (M's columns the normals of ``key``)."""
    d = len(key)
    M = sympy.Matrix([[N[c][j] for c in key] for j in range(d)])
    det = M.det()
    sd = int(sympy.sign(det))
    out = []
    for t in range(d):
        row = []
        for c in range(len(N)):
            Mt = M.copy()
            Mt[:, t] = sympy.Matrix([N[c][j] for j in range(d)])
            row.append(sd * int(sympy.sign(Mt.det())))
        out.append(row)
    return sd, out


def _masks(signs: list[list[int]], d: int) -> list[int]:
    m = len(signs[0])
    return [sum((1 << t) * (signs[t][c] < 0) + (1 << (d + t)) * (signs[t][c] != 0)
                for t in range(d)) for c in range(m)]


@st.composite
def normals(draw, big: bool):
    """(N, keys): m class normals in dimension d (a dependent row planted half of the time),
    entries small or of up to 64 bits, and up to 12 d-sets of classes."""
    d = draw(st.integers(1, 4))
    m = draw(st.integers(d, d + 4))
    hi = 2**64 if big else 9
    N = [[draw(st.integers(-hi, hi)) for _ in range(d)] for _ in range(m)]
    if m > d and draw(st.booleans()):  # an exactly dependent class: zero numerators
        a, b = draw(st.integers(-2, 2)), draw(st.integers(-2, 2))
        N[-1] = [a * x + b * y for x, y in zip(N[0], N[1 % m])]
    keys = list(itertools.combinations(range(m), d))[:12]
    return N, keys


def _others(key, m):
    return [c for c in range(m) if c not in key]


@settings(max_examples=60, deadline=None)
@given(normals(big=False), st.sampled_from([1, 10**17 + 3, 2**70]))
def test_filtered_table_equals_the_int64_table(inst, scale):
    N, keys = inst
    m, d = len(N), len(N[0])
    K = np.array(keys, dtype=np.int64).reshape(-1, d)
    det0, m0 = int64_subcone_table(np.array(N, dtype=np.int64).reshape(m, d), K, d, np.uint16)
    Nb = np.array([[v * scale for v in row] for row in N], dtype=object).reshape(m, d)
    det1, m1 = filtered_subcone_table(Nb, K, d, np.uint16)
    assert ((det1 > 0) == (det0 > 0)).all()
    for u in np.flatnonzero(det0 > 0):
        oth = _others(keys[u], m)
        assert m0[u, oth].tolist() == m1[u, oth].tolist()


@settings(max_examples=40, deadline=None)
@given(normals(big=True))
def test_filtered_table_has_the_exact_signs_on_large_integers(inst):
    N, keys = inst
    m, d = len(N), len(N[0])
    det, masks = filtered_subcone_table(np.array(N, dtype=object).reshape(m, d),
                                        np.array(keys, dtype=np.int64).reshape(-1, d), d,
                                        np.uint16)
    for u, key in enumerate(keys):
        sd, signs = _oracle(N, key)
        assert int(det[u] > 0) == int(sd != 0)
        if sd:
            want = _masks(signs, d)
            oth = _others(key, m)
            assert [int(masks[u, c]) for c in oth] == [want[c] for c in oth]


def _dependent_instance(seed: int) -> tuple[list[list[int]], list[tuple[int, ...]]]:
    """Three 60-bit normals in dimension 3, the fourth their sum: Cramer numerators that are
    exactly zero, which floats only get to within rounding."""
    rng = np.random.default_rng(seed)
    N = [[int(x) for x in rng.integers(-2**60, 2**60, 3)] for _ in range(3)]
    N.append([a + b for a, b in zip(N[0], N[1])])
    N.append([int(x) for x in rng.integers(-2**60, 2**60, 3)])
    return N, [(0, 1, 2), (0, 1, 4), (1, 2, 4)]


def test_planted_bug_an_error_bound_of_zero_is_caught(monkeypatch):
    """Without the error bound the zero numerators get the sign of their rounding error:
    the comparison with the exact oracle must see it."""
    def wrong(N, keys):
        m, d = len(N), len(N[0])
        det, masks = filtered_subcone_table(np.array(N, dtype=object), np.array(keys), d,
                                            np.uint16)
        bad = 0
        for u, key in enumerate(keys):
            sd, signs = _oracle(N, key)
            want = _masks(signs, d)
            bad += sum(int(masks[u, c]) != want[c] for c in _others(key, m))
        return bad

    insts = [_dependent_instance(s) for s in range(20)]
    assert all(wrong(N, K) == 0 for N, K in insts)
    monkeypatch.setattr(AC, "FILTER_SAFETY", 0.0)
    assert sum(wrong(N, K) for N, K in insts) > 0


@pytest.mark.parametrize("digits", [4, 17])
def test_certificates_of_real_decimals_use_subcones_and_verify(digits):
    rng = np.random.default_rng(digits)
    X = [[Fraction(f"{x:.{digits}g}") for x in row] for row in rng.standard_normal((9, 3))]
    arr = Arrangement(X)
    cert = completeness_certificate(arr)
    ok, msg = verify_certificate(cert)
    assert ok, msg
    # the subcone form (a negative bitmask), not only explicit multipliers
    assert any(k < 0 for ch in cert["chambers"] for k in ch[2])
    assert cert == completeness_certificate(arr) and len(cert["chambers"]) == len(arr.chambers())


def test_beyond_the_filters_dimension_the_exact_solver_writes_a_valid_certificate(monkeypatch):
    """At d > FILTER_MAX_D the explicit multipliers only (no subcone entry), still valid."""
    monkeypatch.setattr(AC, "FILTER_MAX_D", 2)
    rng = np.random.default_rng(5)
    X = [[Fraction(f"{x:.4g}") for x in row] for row in rng.standard_normal((7, 3))]
    cert = completeness_certificate(Arrangement(X))
    ok, msg = verify_certificate(cert)
    assert ok, msg
    assert not any(k < 0 for ch in cert["chambers"] for k in ch[2])


def test_the_table_in_chunks_is_the_table_at_once(monkeypatch):
    rng = np.random.default_rng(7)
    N = np.array([[int(x) for x in rng.integers(-2**62, 2**62, 3)] for _ in range(7)],
                 dtype=object)
    keys = np.array(list(itertools.combinations(range(7), 3)), dtype=np.int64)
    whole = filtered_subcone_table(N, keys, 3, np.uint8)
    monkeypatch.setattr(AC, "FILTER_CHUNK", 4)
    parts = filtered_subcone_table(N, keys, 3, np.uint8)
    assert all((a == b).all() for a, b in zip(whole, parts))


def test_normals_above_the_filters_limit_take_the_exact_solver(monkeypatch):
    monkeypatch.setattr(AC, "FILTER_MAX", 2.0**8)
    rng = np.random.default_rng(8)
    X = [[Fraction(f"{x:.4g}") for x in row] for row in rng.standard_normal((7, 3))]
    cert = completeness_certificate(Arrangement(X))
    assert verify_certificate(cert)[0]
    assert not any(k < 0 for ch in cert["chambers"] for k in ch[2])
