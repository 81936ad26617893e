"""The verifier's kernel (exact/verify.py, docs/certificates.md "Rules"), rule by rule, against
independent oracles; each rule is load-bearing (a permissive version lets forgeries of the
corpus through); and the bounded reading of documents (limits, BOM, gzip, long integers) with
both entry points agreeing.

Run: ``.venv/bin/pytest --hypothesis-profile=ci tests/test_verify_rules.py``.
"""

from __future__ import annotations

import gzip
import json
from fractions import Fraction as F
from pathlib import Path

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from exact import verify as V
from exact.cli import main
from exact.network import Network

HERE = Path(__file__).resolve().parent / "forgeries"
ints = st.integers(-4, 4)
nonneg = st.fractions(min_value=0, max_value=3, max_denominator=5)


def _sign(x) -> int:
    return (x > 0) - (x < 0)


# -- strict signs ----------------------------------------------------------------------------------
@given(st.integers(1, 4).flatmap(lambda d: st.tuples(
    st.lists(st.lists(ints, min_size=d, max_size=d), min_size=1, max_size=6),
    st.lists(ints, min_size=d, max_size=d))), st.data())
def test_strict_signs(Xw, data):
    X, w = Xw
    signs = [_sign(sum(F(a) * b for a, b in zip(x, w))) for x in X]
    assert V.strict_signs(X, w, signs) is None
    j = data.draw(st.integers(0, len(X) - 1))
    wrong = list(signs)
    wrong[j] = data.draw(st.sampled_from([s for s in (-1, 0, 1) if s != signs[j]]))
    assert V.strict_signs(X, w, wrong) == j
    # class_signs: the same signs on the nonzero rows, None when w is on some hyperplane
    nonzero = [x for x in X if any(x)]
    got = V.class_signs(nonzero, w)
    want = [s for x, s in zip(X, signs) if any(x)]
    assert got == (None if 0 in want else tuple(want))


# -- Farkas identity (plain and packed) ------------------------------------------------------------
@given(st.integers(1, 4).flatmap(lambda d: st.tuples(
    st.lists(st.lists(ints, min_size=d, max_size=d), min_size=1, max_size=5),
    st.lists(st.lists(st.integers(0, 6), min_size=1, max_size=5), min_size=1, max_size=4))),
    st.data())
def test_farkas_identity_plain_and_packed(AM, data):
    A, mus = AM
    f = len(A)
    mus = [(m + [0] * f)[:f] for m in mus]
    Ds = [data.draw(st.integers(1, 5)) for _ in mus]
    # targets with D b = Σ μ a exactly when D divides the combination; else an off-by-one target
    B, K, expect = [], [], []
    for D, mu in zip(Ds, mus):
        comb = [sum(m * a[c] for m, a in zip(mu, A)) for c in range(len(A[0]))]
        exact = all(x % D == 0 for x in comb)
        b = [x // D for x in comb]
        if data.draw(st.booleans()):
            b[0] += 1
            exact = False
        B.append(b)
        K += [D] + mu
        expect.append(exact and all(D * x == y for x, y in zip(b, comb)))
    for b, D, mu, want in zip(B, Ds, mus, expect):
        assert V.integer_farkas(A, b, D, mu) == want
    nmax = max(abs(x) for row in A + B for x in row) or 1
    k = ((f + 1) * max(max(K), 1) * nmax).bit_length() + 2
    first_bad = next((t for t, ok in enumerate(expect) if not ok), None)
    EA, EB = [V.pack(a, k) for a in A], [V.pack(b, k) for b in B]
    assert V.packed_farkas(EA, EB, K) == first_bad
    # a negative multiplier or a zero D is refused even when the identity holds
    assert not V.integer_farkas(A, [-x for x in A[0]], 1, [-1] + [0] * (f - 1))
    assert not V.integer_farkas(A, [0] * len(A[0]), 0, [0] * f)
    K2 = list(K)
    K2[0] = 0
    assert V.packed_farkas(EA, EB, K2) == 0


def _fraction_inverse(M):
    """Independent oracle: M⁻¹ by Gauss–Jordan over Fractions, or None when M is singular."""
    d = len(M)
    R = [[F(x) for x in row] + [F(int(i == j)) for j in range(d)] for i, row in enumerate(M)]
    for c in range(d):
        piv = next((r for r in range(c, d) if R[r][c]), None)
        if piv is None:
            return None
        R[c], R[piv] = R[piv], R[c]
        R[c] = [x / R[c][c] for x in R[c]]
        for r in range(d):
            if r != c and R[r][c]:
                R[r] = [x - R[r][c] * y for x, y in zip(R[r], R[c])]
    return [row[d:] for row in R]


# -- scaled inverse and simplicial subcones ------------------------------------------------------
@given(st.integers(1, 5).flatmap(lambda d: st.lists(
    st.lists(st.integers(-4, 4), min_size=d, max_size=d), min_size=d, max_size=d)))
def test_scaled_inverse_against_fractions(M):
    want = _fraction_inverse(M)
    got = V.scaled_inverse(M)
    assert (got is None) == (want is None)
    if got is not None:
        q, Y = got
        assert q != 0 and [[F(y, q) for y in row] for row in Y] == want


@given(st.integers(1, 4).flatmap(lambda d: st.tuples(
    st.lists(st.lists(st.integers(-4, 4), min_size=d, max_size=d), min_size=d, max_size=d),
    st.lists(st.lists(st.integers(-6, 6), min_size=d, max_size=d), min_size=1, max_size=6))),
    st.data())
def test_simplicial_farkas_against_cramer(AB, data):
    """First target outside cone(A) (oracle: μ = b (Aᵀ)⁻¹ over Fractions, μ ≥ 0), or None; 0 for
    a singular A. With any sign pattern, signed_packing agrees with the rule on the signed rows."""
    A, B = AB
    d = len(A)
    inv = _fraction_inverse([list(col) for col in zip(*A)])
    if inv is None:
        assert V.simplicial_farkas(A, B) == 0
        return
    inside = [all(sum(inv[t][i] * b[i] for i in range(d)) >= 0 for t in range(d)) for b in B]
    want = next((t for t, ok in enumerate(inside) if not ok), None)
    assert V.simplicial_farkas(A, B) == want
    signs = data.draw(st.lists(st.sampled_from([1, -1]), min_size=d, max_size=d))
    signed = [[g * x for x in a] for g, a in zip(signs, A)]
    bmax = max(abs(x) for b in B for x in b)
    pos, neg, H = V.packed_rows(V.scaled_inverse([list(c) for c in zip(*A)]), bmax)
    Q = V.signed_packing(pos, neg, signs)
    got = next((t for t, b in enumerate(B) if (sum(x * y for x, y in zip(b, Q)) + H) & H != H),
               None)
    assert got == V.simplicial_farkas(signed, B)


@given(st.lists(st.integers(-2**20, 2**20), min_size=1, max_size=5),
       st.lists(st.integers(-2**20, 2**20), min_size=1, max_size=5))
def test_pack_is_injective_on_its_box(u, v):
    k = 24  # |u − v| ≤ 2^21 < 2^(k−1): E is injective on such differences
    n = max(len(u), len(v))
    u, v = u + [0] * (n - len(u)), v + [0] * (n - len(v))
    assert (V.pack(u, k) == V.pack(v, k)) == (u == v)


# -- projection KKT and the Moreau bound (oracle: the nonnegative orthant) -------------------------
vec = st.integers(1, 4).flatmap(lambda d: st.lists(
    st.fractions(min_value=-3, max_value=3, max_denominator=4), min_size=d, max_size=d))


def _orthant(d):
    return [[F(int(i == j)) for j in range(d)] for i in range(d)]


@given(vec, st.data())
def test_projection_kkt_on_the_orthant(g, data):
    d = len(g)
    A = _orthant(d)
    p = [max(x, F(0)) for x in g]
    lam = [max(-x, F(0)) for x in g]
    assert V.projection_kkt(g, p, lam, A) is None
    c = data.draw(st.integers(0, d - 1))
    moved = list(p)
    moved[c] += data.draw(st.sampled_from([F(-1, 2), F(1, 3)]))
    assert V.projection_kkt(g, moved, lam, A) is not None
    # a wrong multiplier with the right p
    lam2 = list(lam)
    lam2[c] += 1
    assert V.projection_kkt(g, p, lam2, A) is not None


@given(vec, st.data())
def test_moreau_bound(g, data):
    d = len(g)
    A = _orthant(d)
    true = sum(max(x, F(0)) ** 2 for x in g)  # ‖Π_C(g)‖² on the orthant
    lam = [data.draw(nonneg) for _ in range(d)]
    assert V.moreau_bound(g, lam, A) >= true
    assert V.moreau_bound(g, [max(-x, F(0)) for x in g], A) == true  # the optimal λ
    assert V.moreau_bound(g, None, A) == sum(x * x for x in g) >= true
    assume(d >= 1)
    lam[0] = F(-1)
    assert V.moreau_bound(g, lam, A) is None


# -- objective (oracle: exact.network.Network.objective) -------------------------------------------
@given(st.integers(1, 3).flatmap(lambda d: st.tuples(
    st.lists(st.lists(ints, min_size=d, max_size=d), min_size=1, max_size=4),
    st.lists(st.tuples(st.lists(st.fractions(-2, 2, max_denominator=3), min_size=d,
                                max_size=d), st.fractions(-2, 2, max_denominator=3)),
             max_size=3))), st.sampled_from(["squared", "hinge"]), st.data())
def test_objective_against_the_network_module(Xnet, loss, data):
    X, neurons = Xnet
    y = [data.draw(st.integers(-2, 2)) for _ in X]
    beta = F(data.draw(st.integers(1, 9)), 10)
    got, out = V.objective([([F(t) for t in u], F(a)) for u, a in neurons],
                           [[F(t) for t in x] for x in X], [F(t) for t in y], beta, loss)
    net = Network.from_lists([(u, a) for u, a in neurons])
    assert got == net.objective(X, y, beta, loss=loss)
    assert out == [sum((a * max(F(0), sum(F(p) * q for p, q in zip(x, u)))
                        for u, a in neurons), F(0)) for x in X]


# -- dual value (oracle: −ℓ*(−u) = inf_z ℓ(z) + u z, at the breakpoints) ---------------------------
@given(st.lists(st.tuples(st.integers(-2, 2), st.fractions(-2, 2, max_denominator=4)),
                min_size=1, max_size=5), nonneg)
def test_dual_value(pairs, kappa):
    y = [F(t) for t, _ in pairs]
    v = [w for _, w in pairs]
    sq = V.dual_value(v, y, kappa, "squared")
    # squared: inf_z ½(z − y)² + u z = u y − u²/2 at z = y − u
    assert sq == sum(kappa * w * t - (kappa * w) ** 2 / 2 for w, t in zip(v, y))
    total, bounded = F(0), True
    for w, t in zip(v, y):
        u = kappa * w
        if t == 0:
            bounded &= u == 0
            total += 1
        else:
            mu = u / t
            bounded &= 0 <= mu <= 1  # else ℓ(z) + u z → −∞ along one direction
            total += min(max(F(0), 1 - t * z) + u * z for z in (1 / t, 1 / t + 1, 1 / t - 1))
    assert V.dual_value(v, y, kappa, "hinge") == (total if bounded else None)
    assert V.dual_value(v, y, -1 - kappa, "squared") is None


# -- every rule is load-bearing --------------------------------------------------------------------
def _claimed(name: str, key: str) -> F:
    return F(V.load_file(str(HERE / name))["claims"][key])


def _norm_bounds_only(cert: dict) -> dict:
    """Projections replaced by the norm bound ‖g‖² (too weak here: κ²‖g‖² > β² somewhere)."""
    for ch in cert["chambers"]:
        for g in ch["groups"]:
            for key in ("p", "lambda", "t"):
                g.pop(key, None)
            g["bound"] = "norm"
    return cert


def _false_lower(_genuine: dict) -> dict:
    """The check certificate of a bad network (0 <= P* <= 3/5) claiming 1/2 <= P*: false, since
    P* = 37/200 (docs/MATH.md §9)."""
    cert = V.load_file(str(HERE / "genuine-check-not-optimal.json"))
    claims = cert["claims"]
    claims["lower"] = "1/2"
    claims["gap"] = str(F(claims["upper"]) - F(1, 2))
    return cert


#: rule -> (a forged certificate, a permissive version of the rule that agrees with the forger)
LOAD_BEARING = {
    "strict_signs": ("solve-witness-on-hyperplane.json", lambda *a: None),
    "class_signs": ("arr-witness-on-hyperplane.json", lambda normals, w: tuple(
        1 if sum(a * b for a, b in zip(nrm, w)) >= 0 else -1 for nrm in normals)),
    "packed_farkas": ("arr-double-farkas.json", lambda *a: None),
    "packed_rows": ("arr-subcone-wrong.json", lambda inv, bmax: (
        [[0] * len(inv[1])] * len(inv[1]), [[0] * len(inv[1])] * len(inv[1]), 0)),
    "projection_kkt": ("solve-projection-negative-lambda.json", lambda *a: None),
    "moreau_bound": (_norm_bounds_only, lambda g, lam, A: F(0)),
    "objective": ("solve-network-changed.json", lambda neurons, X, y, beta, loss: (
        _claimed("solve-network-changed.json", "upper"), [F(0)] * len(X))),
    "dual_value": (_false_lower, lambda v, y, kappa, loss: F(1, 2)),
}


@pytest.mark.parametrize("rule", sorted(LOAD_BEARING))
def test_each_rule_is_load_bearing(rule, monkeypatch):
    """A forgery rejected by the kernel is accepted once that one rule is made permissive: the
    rule is what rejects it (a planted bug in each rule is caught by the corpus)."""
    source, permissive = LOAD_BEARING[rule]
    if callable(source):
        cert = source(V.load_file(str(HERE / "genuine-solve.json")))
    else:
        cert = V.load_file(str(HERE / source))
    status, msg = V.verify(cert)
    assert status == V.INVALID, msg
    monkeypatch.setattr(V, rule, permissive)
    status, msg = V.verify(cert)
    assert status == V.PROVED, msg


# -- reading: limits, BOM, gzip, long integers; both entry points agree ----------------------------
def _both(capsys, path: str, *extra: str) -> tuple[int, str, str]:
    code = main(["verify", path, *extra])
    a = capsys.readouterr()
    code2 = V.main([path, *extra], prog="relucvx")
    b = capsys.readouterr()
    assert (code, a.out, a.err) == (code2, b.out, b.err)
    line = a.out or a.err
    assert line.count("\n") == 1 and len(line) < 300, line[:300]
    return code, a.out, a.err


GENUINE = HERE / "genuine-solve.json"


def test_bom_and_gzip_are_read(tmp_path, capsys):
    text = GENUINE.read_bytes()
    bom = tmp_path / "bom.json"
    bom.write_bytes(b"\xef\xbb\xbf" + text)
    assert _both(capsys, str(bom))[0] == V.PROVED
    gz = tmp_path / "c.json.gz"
    from arrangement.certificate import write_certificate

    write_certificate(json.loads(text), str(gz))
    assert gzip.decompress(gz.read_bytes()).decode() == text.decode()
    assert _both(capsys, str(gz))[0] == V.PROVED
    broken = tmp_path / "broken.json.gz"
    broken.write_bytes(gz.read_bytes()[:40])
    assert _both(capsys, str(broken))[0] == V.REFUSED


def test_long_json_integers_agree(tmp_path, capsys):
    """An integer of 5000 digits (over Python's default 4300) is read the same way by both
    entry points; one over MAX_DIGITS is refused at parse time."""
    cert = json.loads(GENUINE.read_text())
    text = json.dumps(cert).replace('"num_chambers": 6', '"num_chambers": ' + "7" * 5000)
    p = tmp_path / "long.json"
    p.write_text(text)
    code, out, _ = _both(capsys, str(p))
    assert code == V.INVALID and out.startswith("count: ")
    p.write_text(text.replace("7" * 5000, "7" * (V.MAX_DIGITS + 1)))
    code, _, err = _both(capsys, str(p))
    assert code == V.REFUSED and "digits" in err


def test_huge_kappa_is_refused_at_once(tmp_path, capsys):
    """The issue's 2 MB certificate: κ with 10⁶-digit numerator and denominator."""
    cert = json.loads(GENUINE.read_text())
    cert["dual"]["kappa"] = "3" * 10**6 + "/" + "7" * 10**6
    p = tmp_path / "kappa.json"
    p.write_text(json.dumps(cert))
    code, out, err = _both(capsys, str(p))
    assert code == V.REFUSED and "more than" in err and not out
    # the same through verify() on a parsed object (no file): refused, short message
    status, msg = V.verify(cert)
    assert status == V.REFUSED and len(msg) < 200


def test_wide_row_with_long_denominators_is_refused(tmp_path, capsys):
    """A row of d = 2000 with 500-digit denominators: over the per-vector digit limit."""
    d = 2000
    X = [["1/" + str(10**499 + j) for j in range(d)], ["1"] * d]
    cert = {"format": V.FORMAT, "kind": "arrangement", "data": {"X": X},
            "claims": {"chambers": 1, "n": 2, "d": d},
            "chambers": [{"signs": [1, 1], "witness": ["1"] * d, "facets": [], "farkas": []}]}
    p = tmp_path / "wide.json"
    p.write_text(json.dumps(cert))
    code, _, err = _both(capsys, str(p))
    assert code == V.REFUSED and "digits in one vector" in err


def test_work_limit(tmp_path, capsys):
    n, d, p = 400, 3, 1200  # 400 pairwise non-parallel rows: 400 classes
    cert = {"format": V.FORMAT, "kind": "arrangement",
            "data": {"X": [[j, 1, 0] for j in range(n)]}, "claims": {"chambers": p, "n": n, "d": d},
            "chambers": [[[], [], []]] * p}
    assert p * (n + 1) ** 2 * d > V.MAX_WORK
    path = tmp_path / "work.json"
    path.write_text(json.dumps(cert))
    code, _, err = _both(capsys, str(path))
    assert code == V.REFUSED and "products" in err


def test_word_budget(monkeypatch):
    """Work weighted by the length of the numbers: a genuine certificate passes the default
    budget and is refused by a tiny one (before any product), for both kinds."""
    for name in ("genuine-arrangement.json", "genuine-solve.json"):
        cert = V.load_file(str(HERE / name))
        assert V.verify(cert)[0] == V.PROVED
        monkeypatch.setattr(V, "MAX_WORD_WORK", 100)
        status, msg = V.verify(cert)
        assert status == V.REFUSED and "word products" in msg
        monkeypatch.undo()


def test_solve_word_budget_is_checked_before_any_rule(monkeypatch):
    """A solve certificate over the word budget is refused before the first rule runs (the
    budget is counted from the raw numbers up front, as for arrangement certificates)."""
    cert = V.load_file(str(HERE / "genuine-solve.json"))
    last = cert["chambers"][-1]["groups"][0]
    last["g"] = ["9" * 9000] + last["g"][1:]  # long, and wrong: no rule may get to see it

    def never(*a):
        raise AssertionError("a rule ran before the refusal")

    for rule in ("strict_signs", "projection_kkt", "moreau_bound", "objective", "dual_value"):
        monkeypatch.setattr(V, rule, never)
    monkeypatch.setattr(V, "MAX_WORD_WORK", 10**6)
    status, msg = V.verify(cert)
    assert status == V.REFUSED and "word products" in msg, msg


@pytest.mark.parametrize("text, what", [
    ('{"a": 1, "a": 1}', "duplicate key"),
    ('{"a": NaN}', "not a finite number"),
    ('{"a": -Infinity}', "not a finite number"),
    ('{"a": 1e5}', "float"),
    ("[" * 100000 + "]" * 100000, "nested"),
    ("\xff", "UTF-8"),
])
def test_documents_refused_at_parse_time(tmp_path, capsys, text, what):
    p = tmp_path / "bad.json"
    p.write_bytes(text.encode("latin-1") if text == "\xff" else text.encode())
    code, _, err = _both(capsys, str(p))
    assert code == V.REFUSED and what in err
