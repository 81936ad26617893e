"""Exact networks: numbers, output, objective, JSON (exact/network.py, docs/MATH.md §1, §5)."""

from __future__ import annotations

import json
from fractions import Fraction as F

import pytest
import sympy
from hypothesis import given
from hypothesis import strategies as st

from arrangement.errors import InputError
from exact.network import (
    FORMAT,
    Network,
    Neuron,
    exact,
    exact_eq,
    exact_sqrt,
    parse_number,
    sign,
)
from properties import strategies as S

# ----------------------------------------------------------------------------- strategies



def data(n_max: int = 5, d_max: int = 3):
    """(X, y, β) with X from :func:`properties.strategies.rational_matrices`."""
    return S.instances(S.rational_matrices(n_max=n_max, d_max=d_max)).map(
        lambda inst: (inst.X, inst.y, inst.beta))


def networks(d: int, width_max: int = 4):
    return S.networks(d, width_max=width_max, max_num=4, max_den=3)


# ----------------------------------------------------------------------------- exact numbers


def test_exact_normalises():
    assert exact(3) == F(3) and isinstance(exact(3), F)
    assert exact("0.1") == F(1, 10)
    assert exact(sympy.Rational(6, 4)) == F(3, 2)
    assert exact(sympy.sqrt(4)) == F(2)
    assert exact("sqrt(2)/3") == sympy.sqrt(2) / 3
    with pytest.raises(InputError):
        exact(0.5)
    with pytest.raises(InputError):
        exact(True)
    with pytest.raises(InputError):
        exact(sympy.Float(0.5))
    with pytest.raises(InputError):
        exact(sympy.Symbol("x"))
    with pytest.raises(InputError):
        exact(sympy.I)


def test_sign_exact_cases():
    r2, r3 = sympy.sqrt(2), sympy.sqrt(3)
    assert sign(r2 + r3 - sympy.sqrt(5 + 2 * sympy.sqrt(6))) == 0  # denesting: exactly zero
    assert sign(r2 - F(1414213562373095, 10**15)) == 1
    assert sign(F(1414213562373096, 10**15) - r2) == 1
    assert sign(sympy.root(2, 4) - sympy.root(2, 4)) == 0
    tiny = sympy.sqrt(10**20 + 1) - 10**10  # ~5e-11: interval arithmetic must resolve it
    assert sign(tiny) == 1
    assert sign(-tiny) == -1
    # near cancellation beyond the first interval precisions
    big = sympy.sqrt(10**80 + 1) - 10**40
    assert sign(big) == 1
    assert exact_eq(sympy.sqrt(8), 2 * r2)
    assert not exact_eq(r2, F(141, 100))


def test_exact_sqrt():
    assert exact_sqrt(F(9, 4)) == F(3, 2)
    assert exact_sqrt(F(0)) == F(0)
    assert exact_sqrt(F(2)) == sympy.sqrt(2)
    assert exact_eq(exact_sqrt(exact_sqrt(F(4))), sympy.sqrt(2))
    with pytest.raises(ValueError):
        exact_sqrt(F(-1))


@pytest.mark.parametrize(
    "text",
    ["__import__('os')", "x", "1/0", "sqrt(-1)", "2**(10**10)", "2**99999", "sqrt(2", "", "nan",
     "1e99999", "exp(1)", "pi", "lambda: 1"],
)
def test_parse_number_rejects(text):
    with pytest.raises(InputError):
        parse_number(text)


def test_parse_number_accepts():
    assert parse_number(" -3/4 ") == F(-3, 4)
    assert parse_number("2.5e1") == F(25)
    e = parse_number("13**(3/4)*sqrt(3)/13")
    assert exact_eq(e**4, F(9, 13))


# ----------------------------------------------------------------------------- output, objective


def test_output_and_objective_by_hand():
    net = Network.from_lists([((1, 0), 2), ((0, 1), F(-1, 2))])
    X = [[1, 1], [-1, 2], [0, -1]]
    assert net.output(X) == (F(3, 2), F(-1), F(0))
    # squared: ½((3/2−1)² + (−1+1)² + (0−0)²) = 1/8; penalty (1/20)(1 + 4 + 1 + 1/4) = 5/16
    assert net.objective(X, [1, -1, 0], F(1, 10)) == F(1, 8) + F(5, 16)
    # hinge: max(0, 1 − 3/2) + max(0, 1 − 1) + max(0, 1 − 0) = 1
    assert net.objective(X, [1, -1, 1], F(1, 10), loss="hinge") == 1 + F(5, 16)
    assert net.penalty(F(1, 10)) == F(5, 16)
    # absolute: |3/2 − 1| + |−1 + 1| + |0 − 0| = 1/2 (a loss of the registry, exact/losses.py)
    assert net.objective(X, [1, -1, 0], F(1, 10), loss="absolute") == F(1, 2) + F(5, 16)
    with pytest.raises(InputError):
        net.objective(X, [1, -1, 0], F(1, 10), loss="l1")
    with pytest.raises(InputError):
        net.output([[1, 2, 3]])
    with pytest.raises(InputError):
        net.objective(X, [1, 2], 1)


def test_empty_network():
    net = Network(())
    assert net.width == 0 and net.dim == 0
    assert net.output([[1, 2], [3, 4]]) == (F(0), F(0))
    assert net.objective([[1, 2]], [2], 1) == F(2)


def test_algebraic_output_exact():
    # u = (1, 1)/2^{1/4}, α = 2^{1/4}: contribution (x·(1,1))_+ exactly rational
    c = sympy.root(2, 4)
    net = Network((Neuron((1 / c, 1 / c), c),))
    assert net.output([[1, 2], [-3, 1]]) == (F(3), F(0))
    assert exact_eq(net.penalty(1), sympy.sqrt(2) / 2 + sympy.sqrt(2) / 2)
    # a direction that is not a rational multiple: sign decided through the radicals
    net2 = Network((Neuron((sympy.sqrt(2), F(-1)), 1),))
    assert net2.output([[1, 1], [1, F(3, 2)]]) == (sympy.sqrt(2) - 1, F(0))


@given(data(), st.data())
def test_output_matches_definition(dat, draw):
    X, y, beta = dat
    net = draw.draw(networks(len(X[0])))
    f = net.output(X)
    for j, x in enumerate(X):
        want = sum(
            (max(sum((a * b for a, b in zip(x, nr.u, strict=True)), F(0)), F(0)) * nr.alpha
             for nr in net.neurons),
            F(0),
        )
        assert f[j] == want
    pen = sum((sum(t * t for t in nr.u) + nr.alpha**2 for nr in net.neurons), F(0)) * beta / 2
    loss = sum(((a - b) ** 2 for a, b in zip(f, y, strict=True)), F(0)) / 2
    assert net.objective(X, y, beta) == loss + pen


# ----------------------------------------------------------------------------- JSON


@given(data(), st.data())
def test_json_round_trip_rational(dat, draw):
    X, _, _ = dat
    net = draw.draw(networks(len(X[0])))
    d = net.to_json_dict()
    assert d["format"] == FORMAT and d["exact"] == "rational"
    back = Network.from_json_dict(json.loads(json.dumps(d)))
    assert back == net


def test_json_round_trip_algebraic(tmp_path):
    net = Network(
        (
            Neuron((sympy.sqrt(2) / 3, F(-1, 7)), sympy.root(F(5, 3), 4)),
            Neuron((1 + sympy.sqrt(3), F(0)), -sympy.sqrt(6)),
        )
    )
    d = net.to_json_dict()
    assert d["exact"] == "algebraic"
    assert d["neurons"][0]["u"][1] == "-1/7"
    p = tmp_path / "net.json"
    net.write_json(p)
    back = Network.read_json(p)
    for a, b in zip(net.neurons, back.neurons, strict=True):
        assert exact_eq(a.alpha, b.alpha)
        assert all(exact_eq(s, t) for s, t in zip(a.u, b.u, strict=True))
    X = [[1, 2], [-1, 1]]
    assert exact_eq(net.objective(X, [1, 0], F(1, 10)), back.objective(X, [1, 0], F(1, 10)))


@pytest.mark.parametrize(
    "payload",
    [
        [],
        {"neurons": []},
        {"format": "relucvx-network/2", "neurons": []},
        {"format": FORMAT, "neurons": {}},
        {"format": FORMAT, "neurons": [{"u": ["1"]}]},
        {"format": FORMAT, "neurons": [{"u": "1", "alpha": "1"}]},
        {"format": FORMAT, "neurons": [{"u": ["1"], "alpha": 0.5}]},
        {"format": FORMAT, "neurons": [{"u": ["1"], "alpha": True}]},
        {"format": FORMAT, "neurons": [{"u": ["abc"], "alpha": "1"}]},
        {"format": FORMAT, "neurons": [{"u": ["sqrt(2)"], "alpha": "1"}]},  # exact: rational
        {"format": FORMAT, "exact": "algebraic", "neurons": [{"u": ["os.system"], "alpha": "1"}]},
        {"format": FORMAT, "exact": "float", "neurons": []},
        {"format": FORMAT, "neurons": [{"u": ["1"], "alpha": "1"}, {"u": ["1", "2"], "alpha": 1}]},
    ],
)
def test_bad_json_rejected(payload):
    with pytest.raises(InputError) as e:
        Network.from_json_dict(payload)
    assert "\n" not in str(e.value)


def test_bad_json_file(tmp_path):
    p = tmp_path / "bad.json"
    p.write_text("{not json")
    with pytest.raises(InputError):
        Network.read_json(p)
    with pytest.raises(InputError):
        Network.read_json(tmp_path / "missing.json")


# ----------------------------------------------------------------------------- sign budget
# Issue 11: a network whose weights are zero written as nested radicals kept `check` in
# sympy.minimal_polynomial past 600 s. Signs now rest on a separation bound (exact.network).

def _sum_of_roots_zero(k: int):
    """``Σ √p_i − √((Σ √p_i)²)`` over the first k primes: exactly 0, invisible to intervals."""
    a = sum(sympy.sqrt(p) for p in sympy.primerange(2, 100) if p <= sympy.prime(k))
    return a - sympy.sqrt(sympy.expand(a**2))


def _lower_abs(x, bits: int) -> F:
    """About |x| from sympy's evalf at far more digits than 2^-bits needs (an oracle that
    shares nothing with exact.network's interval loop); 0 when evalf finds no significant
    digit."""
    digits = int(bits * 0.302) + 60
    v = sympy.N(x, digits)
    if v == 0 or getattr(v, "_prec", 2) <= 1:
        return F(0)
    return abs(F(str(v)))


@pytest.mark.parametrize("k", [2, 3, 5, 8])
def test_sign_of_hidden_zero(k):
    z = _sum_of_roots_zero(k)
    assert not isinstance(z, F)  # sympy does not see it is zero
    assert sign(z) == 0
    assert sign(z + F(1, 10**200)) == 1
    assert sign(z - F(1, 10**200)) == -1


@given(st.lists(st.tuples(st.integers(-3, 3), st.integers(2, 30)), min_size=1, max_size=4),
       st.integers(-50, 50), st.integers(1, 6))
def test_separation_bound_holds(terms, p, e):
    """Every nonzero ``Σ c_i √r_i − p/10^e`` is at least 2^-B in magnitude (checked at a
    precision far beyond B), and sign agrees with the rigorous enclosure."""
    from exact.network import separation_bound

    x = sympy.Add(*[c * sympy.sqrt(r) for c, r in terms]) - sympy.Rational(p, 10**e)
    if isinstance(x, sympy.Rational):
        return
    bits, degree = separation_bound(x)
    assert degree >= 1
    low = _lower_abs(x, 4 * bits + 256)
    s = sign(x)
    if s != 0:
        assert low >= F(1, 2**bits)
    else:
        assert low == 0


def test_separation_bound_tiny_nonzero():
    """sqrt(10^400 + 1) − 10^200 ≈ 2^-665.4 sits just above its bound 2^-666."""
    from exact.network import separation_bound

    x = sympy.sqrt(10**400 + 1) - 10**200
    bits, _ = separation_bound(x)
    assert F(1, 2**bits) <= _lower_abs(x, 4096)
    assert sign(x) == 1


def test_planted_bug_separation_bound(monkeypatch):
    """A bound that claims too much (2^-10) makes sign call a nonzero number 0: the tiny test
    above would catch it."""
    import exact.network as nw

    x = sympy.sqrt(10**400 + 1) - 10**200
    nw.clear_sign_cache()
    monkeypatch.setattr(nw, "separation_bound", lambda e: (10, 2))
    try:
        assert nw.sign(x) == 0  # wrong, as planted
    finally:
        nw.clear_sign_cache()


def test_sign_budget_refused():
    from exact.network import SignBudgetError

    with pytest.raises(SignBudgetError) as e:
        sign(_sum_of_roots_zero(12))
    assert "\n" not in str(e.value) and "budget" in str(e.value)
    big = sympy.Add(*[sympy.sqrt(p) for p in sympy.primerange(2, 20000)])
    with pytest.raises(SignBudgetError) as e:
        sign(big - 1)  # over MAX_SIGN_NODES: refused before any work
    assert "operations" in str(e.value)


# ----------------------------------------------------------------------------- strict JSON

@pytest.mark.parametrize(
    ("payload", "needle"),
    [
        ({"format": FORMAT, "neurons": [], "bias": 3}, "known keys: format, exact, neurons"),
        ({"format": FORMAT, "neurons": [{"u": ["1"], "alpha": "1", "bias": 3}]},
         "known keys: u, alpha"),
        ({"format": FORMAT, "neurons": [{"u": ["1"], "alpha": "(2**64)**64"}]}, "digits"),
        ({"format": FORMAT, "neurons": [{"u": ["1"], "alpha": "1e31"}]}, "magnitude"),
        ({"format": FORMAT, "neurons": [{"u": ["١٢"], "alpha": "1"}]}, "not an exact number"),
        ({"format": FORMAT, "neurons": [{"u": ["１２"], "alpha": "1"}]}, "not an exact number"),
        ({"format": FORMAT, "neurons": [], "notes": "x"}, "notes"),
        ({"format": FORMAT, "neurons": [7]}, "must be an object"),
    ],
)
def test_strict_json(payload, needle):
    with pytest.raises(InputError) as e:
        Network.from_json_dict(payload)
    assert "\n" not in str(e.value) and needle in str(e.value)


def test_hidden_zero_entries_become_zero():
    z = str(_sum_of_roots_zero(5))
    net = Network.from_json_dict({"format": FORMAT, "exact": "algebraic",
                                  "neurons": [{"u": [z, "1"], "alpha": f"sqrt({z}) + 1"}]})
    assert net.neurons[0].u == (F(0), F(1)) and net.neurons[0].alpha == F(1)
    assert net.is_rational


@pytest.mark.parametrize(
    "text",
    [
        '{"format": "relucvx-network/1", "neurons": [], "neurons": []}',
        '{"format": "relucvx-network/1", "neurons": [{"u": [1], "u": [2], "alpha": 1}]}',
        '{"format": "relucvx-network/1", "neurons": [{"u": [1], "alpha": NaN}]}',
        '{"format": "relucvx-network/1", "neurons": [{"u": [1], "alpha": -Infinity}]}',
        '{"format": "relucvx-network/1", "neurons": [{"u": [1], "alpha": 1e400}]}',
        '{"format": "relucvx-network/1", "neurons": [{"u": [1], "alpha": 1' + "0" * 5000 + "}]}",
        "[" * 100000 + "]" * 100000,
        "\xff\xfe",
    ],
)
def test_hostile_json_files(tmp_path, text):
    p = tmp_path / "net.json"
    p.write_bytes(text.encode("latin-1") if text == "\xff\xfe" else text.encode())
    with pytest.raises(InputError) as e:
        Network.read_json(p)
    assert "\n" not in str(e.value) and len(str(e.value)) < 300


def test_json_decimals_are_exact_and_noted(tmp_path):
    from exact.network import DECIMAL_NOTE

    p = tmp_path / "net.json"
    p.write_text('{"format": "relucvx-network/1", "neurons": [{"u": [0.1, -2.5e-1], '
                 '"alpha": 3}]}')
    net = Network.read_json(p)
    assert net.neurons[0].u == (F(1, 10), F(-1, 4))
    assert DECIMAL_NOTE in net.notes
    q = tmp_path / "back.json"
    net.write_json(q)
    assert Network.read_json(q).notes == net.notes and Network.read_json(q) == net


def test_non_regular_files_refused(tmp_path):
    import os

    fifo = tmp_path / "fifo.json"
    os.mkfifo(fifo)
    for path in (fifo, tmp_path, "/dev/zero"):
        with pytest.raises(InputError) as e:
            Network.read_json(path)
        assert "\n" not in str(e.value)
