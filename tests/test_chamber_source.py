"""The chamber-source Protocol (exact/types.py): the Arrangement and the two stand-ins of
properties/theorems_optimal.py implement it, and a program built on a stand-in gets a solve
certificate (the verifier accepts the sub-program's, without a completeness claim)."""

from __future__ import annotations

import json
from fractions import Fraction

import pytest

from arrangement.core import Arrangement
from arrangement.errors import InputError
from arrangement.instances import Instance
from exact.certify import solution_certificate, solve
from exact.convex import ConvexProgram
from exact.types import ChamberLike, ChamberSource
from exact.verify import INVALID, NOT_PROVED, verify
from properties.theorems_optimal import PatternList, SubArrangement, subsampled_program

X = [[1, 0], [0, 1], [1, 1], [2, 0]]
Y = [1, -1, 2, 0]
BETA = Fraction(1, 4)


def _members(src):
    return [name for name in ("X", "chambers", "cone", "facet_rows") if hasattr(src, name)]


@pytest.mark.parametrize("make", [lambda: Arrangement(X), lambda: PatternList(X),
                                  lambda: SubArrangement(Arrangement(X), [3, 0, 2])])
def test_every_source_implements_the_protocol(make):
    src = make()
    assert isinstance(src, ChamberSource) and len(_members(src)) == 4
    items = src.chambers()
    assert [c.index for c in items] == list(range(len(items)))
    for i, c in enumerate(items):
        assert isinstance(c, ChamberLike)
        rows = src.facet_rows(i)
        cone = src.cone(i)
        assert len(rows) == len(cone)
        for j, a in zip(rows, cone):  # a is a positive multiple of σ_j x_j
            sx = [c.signs[j] * Fraction(v) for v in X[j]]
            k = next(t for t, v in enumerate(sx) if v)
            ratio = Fraction(a[k]) / sx[k]
            assert ratio > 0 and all(Fraction(u) == ratio * v for u, v in zip(a, sx))


def test_a_stand_in_without_a_member_is_not_a_source():
    class Partial:
        X = ()

        def chambers(self):
            return []

        def cone(self, i):
            return []

    assert not isinstance(Partial(), ChamberSource)


def _roundtrip(cert):
    return json.loads(json.dumps(cert))


def test_sub_program_certificate_verifies_without_completeness():
    arr = Arrangement(X)
    cp = subsampled_program(Instance(X, y=Y, beta=BETA), [5, 1, 3], arr)
    sol = solve(X, Y, BETA, program=cp)
    with pytest.raises(InputError, match="completeness certificate needs the full arrangement"):
        solution_certificate(sol, X, Y, BETA)
    cert = _roundtrip(solution_certificate(sol, X, Y, BETA, completeness=False))
    assert cert["claims"]["num_chambers"] == 3
    status, msg = verify(cert)  # consistent; a bound for these chambers only
    assert status == NOT_PROVED and "not certified complete" in msg, msg
    # the sub-program's chambers are the listed ones, with the full arrangement's facets
    assert [c["signs"] for c in cert["chambers"]] == [list(arr.chambers()[i].signs)
                                                       for i in (5, 1, 3)]


def test_all_chambers_through_the_stand_in_give_the_full_value():
    arr = Arrangement(X)
    order = list(range(arr.num_chambers()))[::-1]
    full = solve(X, Y, BETA)
    sub = solve(X, Y, BETA, program=ConvexProgram(X, Y, BETA,
                                                  arrangement=SubArrangement(arr, order)))
    assert sub.lower <= full.upper and full.lower <= sub.upper
    status, msg = verify(_roundtrip(solution_certificate(sub, X, Y, BETA, completeness=False)))
    assert status == NOT_PROVED, msg


def test_pattern_list_program_gets_a_certificate():
    # x and −x: the line x·u = 0 has the pattern (1, 1, ·) of no chamber
    X2, Y2 = [[1, 0], [-1, 0], [0, 1]], [1, 1, -1]
    src = PatternList(X2)
    cp = ConvexProgram(X2, Y2, BETA, arrangement=src)
    assert cp.p > Arrangement(X2).num_chambers()
    sol = solve(X2, Y2, BETA, program=cp)
    cert = _roundtrip(solution_certificate(sol, X2, Y2, BETA, completeness=False))
    assert len(cert["chambers"]) == cp.p
    # faces are no chambers: the verifier refuses a witness that sits on a hyperplane
    status, msg = verify(cert)
    assert status == INVALID and msg.startswith("witness"), msg
