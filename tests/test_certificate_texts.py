"""The streamed certificate writer's text builders (exact/certificates.py) give byte for byte
what ``json.dumps`` gives for the certificate's own numbers, and the completeness
certificate's dense subcone cache (arrangement/certificate.py) finds the same subcones as the
sorted-key one.

Run: ``.venv/bin/pytest --hypothesis-profile=ci tests/test_certificate_texts.py``.
"""

from __future__ import annotations

import json
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from arrangement import certificate as acert
from arrangement.certificate import completeness_certificate, small_int_row_texts
from arrangement.core import Arrangement
from arrangement.rational import certificate_reduced
from exact import certificates as C
from exact.verify import verify_certificate

_DUMPS = {"separators": (",", ":")}


def _reference_lambda(row) -> str:
    """How the dict writer encodes a row of dyadic multipliers (exact.screen ratios)."""
    out = []
    for x in row:
        a, b = float(x).as_integer_ratio()
        out.append(0 if a == 0 else certificate_reduced(a, b))
    return json.dumps(out, **_DUMPS)[1:-1]


dyadic = st.one_of(
    st.just(0.0), st.integers(0, 2**61).map(float),
    st.builds(lambda m, e: float(np.ldexp(float(m), e)), st.integers(0, 2**53 - 1),
              st.integers(-1074, 8)))


@given(st.lists(st.lists(dyadic, min_size=1, max_size=6), min_size=1, max_size=6))
def test_dyadic_texts_are_the_ratio_texts(rows):
    """Multipliers as text in one vectorised pass = as_integer_ratio + certificate_reduced
    per number, rows cut to their widths (zeros, integers, subnormals included)."""
    w = max(len(r) for r in rows)
    mu = np.array([r + [0.0] * (w - len(r)) for r in rows])
    widths = [len(r) for r in rows]
    assert C._dyadic_texts(mu, widths) == [_reference_lambda(r) for r in rows]


def test_dyadic_texts_refuse_what_they_cannot_write():
    """Negative, non-finite or ≥ 2^62 entries: None (the writer takes the per-number path)."""
    for bad in (-1.0, float("inf"), float("nan"), 2.0**62):
        assert C._dyadic_texts(np.array([[0.5, bad]]), [2]) is None


@given(st.lists(st.lists(st.integers(-99, 999), min_size=3, max_size=3), min_size=1,
                max_size=5))
def test_small_int_row_texts_are_json(rows):
    A = np.array(rows, dtype=np.int64)
    assert small_int_row_texts(A) == [json.dumps(r, **_DUMPS)[1:-1] for r in rows]


def test_small_int_row_texts_refuse_large_entries_and_take_empty_rows():
    assert small_int_row_texts(np.array([[1, 1000]])) is None
    assert small_int_row_texts(np.array([[-100, 0]])) is None
    assert small_int_row_texts(np.zeros((2, 0), dtype=np.int8)) == ["", ""]


@given(st.lists(st.lists(st.integers(-2**70, 2**70), min_size=2, max_size=2), min_size=1,
                max_size=5), st.sampled_from([1, 6, 2**40, 2**68, 3**45]))
def test_g_bodies_are_the_reduced_texts(rows, den):
    """Both signs' texts of H/den, on int64 and on object (Python int) arrays, are the JSON
    of _reduced_texts' numbers (the dict writer's)."""
    obj = np.array(rows, dtype=object)
    arrays = [obj]
    if all(abs(x) < 2**62 for r in rows for x in r):
        arrays.append(np.array(rows, dtype=np.int64))
    for H in arrays:
        plus, minus = C._reduced_texts(H, den)
        want = ([json.dumps(r, **_DUMPS)[1:-1] for r in plus],
                [json.dumps(r, **_DUMPS)[1:-1] for r in minus])
        assert C._g_bodies(H, den) == want
        assert want[0][0].split(",")[0] == json.dumps(C._q(Fraction(rows[0][0], den)))


def test_dense_subcone_cache_finds_the_same_subcones(monkeypatch):
    """The cache keyed by combinatorial rank and the one keyed by sorted base-m keys give the
    same completeness certificate, and it verifies."""
    rng = np.random.default_rng(3)
    X = rng.integers(-5, 6, (9, 3)).tolist()
    arr = Arrangement(X)
    dense = completeness_certificate(arr)
    monkeypatch.setattr(acert, "DENSE_SETS", 0)
    assert completeness_certificate(Arrangement(X)) == dense
    ok, msg = verify_certificate(dense)
    assert ok, msg


@pytest.mark.parametrize("interval", [False, True])
@pytest.mark.parametrize("general", [False, True])
# instances whose certified solves use every dismissal code: the guess's path decides which
# bounds the dual pass needs, and the gap target whether v goes on the int64 grid of
# exact.certify.dual_grid (since session 10, (16, 3) seed 0 at the default 1e-12 had an int64 H
# and no code 3; at 1e-30, seed 2 keeps v's own digits, hence H in Python ints; since session
# 21's last pruning of the dual Newton, (14, 4) seed 0 has no code 3 either, seed 1 has all)
@pytest.mark.parametrize("n, d, seed, digits", [(14, 4, 1, 12), (16, 3, 2, 30)])
def test_streamed_texts_cover_every_kind_of_group(tmp_path, monkeypatch, n, d, seed, digits,
                                                  general, interval):
    """Solves whose certificates have projected groups, norm-bounded ones and dual bounds from
    descent multipliers, facets and explicit tuples, with H in int64 (14 × 4) and in Python
    ints (16 × 3): the streamed bytes are the dict writer's; ``general``: the integer
    multiplier rows (code 4) written by the gcd path, not the power-of-two one. ``interval``:
    solve's own dual pass (the int64 interval pass, since session 11: dyadic pairs, codes 5
    and 6),
    else the general ``dual_pieces`` it falls back on (codes 2 and 3)."""
    import exact.certificates as certmod
    import exact.certify as certify_mod

    if not interval:
        monkeypatch.setattr(certify_mod, "interval_dual_pieces", lambda *a, **k: None)
    if general:
        monkeypatch.setattr(certmod, "_dyadic_scaled_texts", lambda *a: None)
    from arrangement.certificate import write_certificate
    from exact.certificates import solution_certificate, write_solution_certificate
    from exact.certify import solve

    rng = np.random.default_rng(seed)
    X = rng.integers(-9, 10, (n, d)).tolist()
    y = rng.integers(-5, 6, n).tolist()
    sol = solve(X, y, "1/10", tol=Fraction(1, 10**digits))
    ref = tmp_path / "ref.json"
    cert = solution_certificate(sol, X, y, "1/10")
    write_certificate(cert, str(ref))
    out = tmp_path / "c.json"
    write_solution_certificate(sol, X, y, "1/10", str(out))
    assert out.read_bytes() == ref.read_bytes()
    kinds = {g.get("bound", "projected") for c in cert["chambers"] for g in c["groups"]}
    codes = set(np.unique(sol.bounds.code).tolist())
    # the H of the final dual pass: int64 at 14 × 4, Python ints at 16 × 3 (docstring)
    from exact.certify import h_matrix
    from exact.convex import ConvexProgram

    H, _den = h_matrix(ConvexProgram(X, y, "1/10"), sol.dual)
    assert (H.dtype == object) == (d == 3), H.dtype
    assert "projected" in kinds and "dual" in kinds, kinds
    # none, facet, multiplier row, explicit (exact/screen.py); 4: integer multiplier rows over
    # IntervalH's 2^k/den (exact/interval_pass.py), written through the per-group ratios
    # 5: exact dyadic pairs on that scale (the interval pass's proofs near the threshold, by
    # Python integers); 6: the float multiplier rows of the proofs in floats near it
    if interval:
        assert {0, 1, 4} <= codes <= {0, 1, 4, 5, 6} and codes & {5, 6}, codes
    else:
        assert codes == {0, 1, 2, 3, 4}, codes


def _texts_of(arr, **kw) -> str:
    from arrangement.certificate import completeness_parts

    blocks = [b for b in completeness_parts(arr, texts=True, block=5, **kw)[1] if b]
    return "[" + ",".join(blocks) + "]"


@pytest.mark.parametrize("subcones", [True, False])
def test_completeness_texts_are_the_json_of_the_lists(subcones, monkeypatch):
    """completeness_parts(texts=True) writes the bytes of json.dumps of its lists: chambers
    held by subcones, explicit multipliers (subcones=False), and a mix of both (the subcone
    search made to miss every other class)."""
    rng = np.random.default_rng(5)
    X = rng.integers(-4, 5, (8, 3)).tolist()
    want = json.dumps(completeness_certificate(Arrangement(X), subcones)["chambers"], **_DUMPS)
    assert _texts_of(Arrangement(X), subcones=subcones) == want
    if subcones:
        real = acert._subcones

        def half(F, others, S, cache):
            D, Sm = real(F, others, S, cache)
            D[:, ::2] = 0  # left to the exact solver: explicit entries among subcone ones
            return D, Sm

        monkeypatch.setattr(acert, "_subcones", half)
        mixed = completeness_certificate(Arrangement(X))
        assert any(x > 0 for c in mixed["chambers"] for x in c[2])
        assert _texts_of(Arrangement(X)) == json.dumps(mixed["chambers"], **_DUMPS)
        ok, msg = verify_certificate(mixed)
        assert ok, msg


def test_completeness_texts_in_dimension_seven():
    """d = 7: subcone masks reach 127, past small_int_row_texts' range (the per-row path)."""
    rng = np.random.default_rng(2)
    X = rng.integers(-3, 4, (9, 7)).tolist()
    cert = completeness_certificate(Arrangement(X))
    assert min(x for c in cert["chambers"] for x in c[2]) < -99
    assert _texts_of(Arrangement(X)) == json.dumps(cert["chambers"], **_DUMPS)


def _solve17(n: int = 20, d: int = 3, seed: int = 1):
    from exact.certify import solve

    rng = np.random.default_rng(seed)
    X = [[f"{x:.17g}" for x in r] for r in (0.05 * rng.standard_normal((n, d))).tolist()]
    y = [repr(float(t)) for t in rng.standard_normal(n)]
    return X, y, solve(X, y, "1/10")


def test_float_multiplier_rows_of_17_digit_data_are_the_dict_writers(tmp_path):
    """17-digit data: the interval pass records nearly every dual bound as float multiplier
    rows (code 6) over a den that is not a power of two (10^17 in X); the block texts of
    ``_float_scaled_texts`` (one remainder per entry, int64 gcds) are byte for byte the dict
    writer's per-group Fractions, and the certificate verifies."""
    from arrangement.certificate import completeness_certificate, write_certificate
    from exact.certificates import solution_certificate, write_solution_certificate

    X, y, sol = _solve17()
    codes = np.unique(sol.bounds.code, return_counts=True)
    assert 6 in codes[0].tolist() and codes[1][codes[0].tolist().index(6)] > 50, codes
    den = sol.bounds.den
    assert den & (den - 1), "den is a power of two: the gcds would be trivial"
    ref, out = tmp_path / "ref.json", tmp_path / "c.json"
    cert = solution_certificate(sol, X, y, "1/10")
    write_certificate(cert, str(ref))
    write_solution_certificate(sol, X, y, "1/10", str(out))
    assert out.read_bytes() == ref.read_bytes()
    cert["completeness"] = completeness_certificate(sol.program.arrangement)
    ok, msg = verify_certificate(json.loads(json.dumps(cert)))
    assert ok, msg


def test_planted_bug_float_rows_without_the_odd_gcd_are_caught(tmp_path, monkeypatch):
    """The same texts with the odd part of the gcd taken as the whole of N (D mod N replaced
    by 0): the written bytes differ from the dict writer's, so the comparison above fails."""
    import inspect

    from arrangement.certificate import write_certificate
    from exact.certificates import solution_certificate, write_solution_certificate

    src = inspect.getsource(C._float_scaled_texts)
    assert src.count("[D % x for x in") == 1
    ns = dict(vars(C))
    exec(src.replace("[D % x for x in", "[0 * x for x in"), ns)  # the planted bug
    monkeypatch.setattr(C, "_float_scaled_texts", ns["_float_scaled_texts"])
    X, y, sol = _solve17()
    ref, out = tmp_path / "ref.json", tmp_path / "c.json"
    write_certificate(solution_certificate(sol, X, y, "1/10"), str(ref))
    write_solution_certificate(sol, X, y, "1/10", str(out))
    assert out.read_bytes() != ref.read_bytes()
