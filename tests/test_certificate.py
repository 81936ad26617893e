"""Completeness certificates (arrangement/certificate.py, docs/MATH.md §7) verify, and are exact.

Run: ``.venv/bin/pytest --hypothesis-profile=ci tests/test_certificate.py``.
"""

from __future__ import annotations

import json
from fractions import Fraction

from hypothesis import given
from hypothesis import strategies as st

from arrangement.certificate import (
    FORMAT,
    completeness_certificate,
    farkas_multipliers,
    write_certificate,
)
from arrangement.core import Arrangement
from exact.verify import verify_certificate
from properties import strategies as S


def _is_json_number(v: object) -> bool:
    if isinstance(v, bool):
        return False
    if isinstance(v, int):
        return True
    if isinstance(v, str):
        num, _, den = v.partition("/")
        return num.lstrip("-").isdigit() and (den == "" or den.isdigit())
    return False


def _numbers(obj: object):
    """Every leaf of the certificate that is not a key word or a sign/row index."""
    if isinstance(obj, dict):
        for v in obj.values():
            yield from _numbers(v)
    elif isinstance(obj, list):
        for v in obj:
            yield from _numbers(v)
    else:
        yield obj


@given(S.small_matrices())
def test_certificates_of_small_matrices_verify(X):
    arr = Arrangement(X)
    cert = completeness_certificate(arr)
    cert = json.loads(json.dumps(cert))  # what a reader of the file sees
    ok, msg = verify_certificate(cert)
    assert ok, msg
    assert cert["claims"] == {"chambers": len(arr.chambers()), "n": arr.n, "d": arr.d}
    assert all(_is_json_number(v) for v in _numbers(cert["data"]))


@given(S.small_matrices(n_max=6, d_max=3),
       st.lists(st.fractions(min_value=Fraction(-3), max_value=Fraction(3),
                             max_denominator=5).filter(bool), min_size=6, max_size=6))
def test_rational_row_scalings_verify(X, scales):
    """Rows scaled by nonzero rationals: multipliers are rescaled to the original rows."""
    Y = [[Fraction(v) * scales[j] for v in row] for j, row in enumerate(X)]
    cert = json.loads(json.dumps(completeness_certificate(Arrangement(Y))))
    ok, msg = verify_certificate(cert)
    assert ok, msg
    assert cert["claims"]["chambers"] == len(Arrangement(X).chambers())


def _signs(X, w):
    return tuple((v > 0) - (v < 0) for v in (sum(Fraction(a) * b for a, b in zip(x, w))
                                             for x in X))


def test_shape_of_the_certificate():
    X = [[1, 0], [0, 1], [1, 1], [0, 0], [-2, -2]]
    arr = Arrangement(X)
    for subcones in (True, False):
        _check_shape(X, arr, completeness_certificate(arr, subcones=subcones), subcones)


def _check_shape(X, arr, cert, subcones):
    assert cert["format"] == FORMAT and cert["kind"] == "arrangement"
    assert cert["data"]["X"][4] == ["-2", "-2"]
    assert cert["claims"] == {"chambers": 6, "n": 5, "d": 2}
    m = 3  # classes: rows 0, 1 and {2, 4} (row 3 is zero)
    listed = {_signs(X, ch[0]) for ch in cert["chambers"]}
    assert listed == {c.signs for c in arr.chambers()}
    rep = [0, 1, 2]
    for w, F, K in cert["chambers"]:
        s = _signs(X, w)
        assert s[3] == 0 and s[4] == -s[2]
        # the facets are exactly the classes whose flip is again a chamber (oracle: the list)
        flips = {c for c in range(m) if tuple(-v if j in ([2, 4] if c == 2 else [rep[c]]) else v
                                              for j, v in enumerate(s)) in listed}
        assert set(F) == flips and F == sorted(F)
        if subcones:  # one subcone −S per other class: d = 2 of the facets
            assert len(K) == m - len(F)
            assert all(x < 0 and -x < 2 ** len(F) and bin(-x).count("1") == 2 for x in K)
        else:
            assert len(K) == (m - len(F)) * (len(F) + 1) and all(x >= 0 for x in K)
        assert all(isinstance(x, int) for x in w + F + K)


def test_certificate_of_the_zero_matrix_and_of_one_hyperplane():
    cert = completeness_certificate(Arrangement([[0, 0, 0]]))
    assert cert["claims"]["chambers"] == 1 and cert["chambers"][0][1:] == [[], []]
    assert verify_certificate(cert)[0]
    cert = completeness_certificate(Arrangement([[0, 2], [0, -1]]))
    assert cert["claims"]["chambers"] == 2 and verify_certificate(cert)[0]


def test_farkas_multipliers_exact_and_lp_fallback(monkeypatch):
    A = [(1, 0, 0), (0, 1, 0), (1, 1, 1), (0, 0, -1)]
    mu = farkas_multipliers(A, (3, 5, 0))
    assert mu is not None and all(m >= 0 for m in mu)
    assert tuple(sum(m * a[c] for m, a in zip(mu, A)) for c in range(3)) == (3, 5, 0)
    assert farkas_multipliers(A, (-1, 0, 0)) is None
    # force the exact LP (as if the numeric guess were useless)
    import arrangement.certificate as certmod

    monkeypatch.setattr(certmod, "_solve_on_support", lambda *a: None)
    mu = farkas_multipliers(A, (3, 5, 0))
    assert mu is not None and all(m >= 0 for m in mu)
    assert tuple(sum(m * a[c] for m, a in zip(mu, A)) for c in range(3)) == (3, 5, 0)
    assert farkas_multipliers(A, (-1, 0, 0)) is None


def test_lp_fallback_gives_a_valid_certificate(monkeypatch):
    import arrangement.certificate as certmod

    monkeypatch.setattr(certmod, "_solve_on_support", lambda *a: None)
    cert = completeness_certificate(Arrangement([[1, 0, 1], [0, 1, 1], [1, 1, 1], [1, -1, 2]]),
                                    subcones=False)
    ok, msg = verify_certificate(cert)
    assert ok, msg


def test_write_certificate(tmp_path):
    cert = completeness_certificate(Arrangement([[1, 2], [3, -1]]))
    path = tmp_path / "c.json"
    write_certificate(cert, str(path))
    assert json.loads(path.read_text()) == cert
