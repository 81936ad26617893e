"""Reading instances (arrangement/instances.py) and the built-in examples (examples.py)."""

from __future__ import annotations

import dataclasses
import itertools
import json
import math
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given

from arrangement.errors import InputError
from arrangement.examples import EXAMPLES, example, example_info, example_names
from arrangement.instances import FLOAT_NOTE, Instance, read_instance
from arrangement.rational import primitive_integer_row
from properties.strategies import stored_instances

F = Fraction


def write(tmp_path, name, text):
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    return str(p)


# ---------------------------------------------------------------- the Instance record


def test_instance_normalises_and_checks():
    inst = Instance([[1, "1/2"], ["0.1", -3]], y=["0.5", 2], beta="1e-1", name="t")
    assert inst.X == ((F(1), F(1, 2)), (F(1, 10), F(-3)))
    assert inst.y == (F(1, 2), F(2)) and inst.beta == F(1, 10)
    assert (inst.n, inst.d, inst.notes) == (2, 2, ())
    with pytest.raises(dataclasses.FrozenInstanceError):
        inst.beta = F(1)  # type: ignore[misc]
    with pytest.raises(InputError, match="shape mismatch: X has 2 rows but y has 1 entry"):
        Instance([[1], [2]], y=[1])
    with pytest.raises(InputError, match="beta must be > 0, got -1/2"):
        Instance([[1]], beta="-1/2")


def test_to_json_dict_uses_exact_strings():
    d = Instance([[1, "0.5"]], y=[F(-2, 3)], beta="1/10", name="t", notes=("n",)).to_json_dict()
    assert d == {"name": "t", "X": [["1", "1/2"]], "y": ["-2/3"], "beta": "1/10", "notes": ["n"]}
    assert "y" not in Instance([[1]]).to_json_dict()


@given(stored_instances())
def test_json_round_trip(tmp_path_factory, inst):
    path = tmp_path_factory.mktemp("rt") / "inst.json"
    inst.write_json(path)
    assert read_instance(str(path)) == inst


# ---------------------------------------------------------------- JSON


def test_json_all_number_forms_exact(tmp_path):
    p = write(tmp_path, "d.json", """
        {"X": [[1, "3/7", 0.1], ["-0.25", "1e-3", 2.5E+2], [-4, 1e400, "7"]],
         "y": [0.3, "-1", 2], "beta": 0.1}
    """)
    inst = read_instance(p)
    assert inst.X == (
        (F(1), F(3, 7), F(1, 10)),
        (F(-1, 4), F(1, 1000), F(250)),
        (F(-4), F(10) ** 400, F(7)),
    )
    assert inst.y == (F(3, 10), F(-1), F(2))
    assert inst.beta == F(1, 10)
    assert inst.name == "d" and inst.notes == ()


def test_json_optional_fields_and_override(tmp_path):
    p = write(tmp_path, "x.json", '{"X": [[1, 2], [3, 4]]}')
    inst = read_instance(p)
    assert inst.y is None and inst.beta is None
    assert read_instance(p, beta="1/3").beta == F(1, 3)
    p2 = write(tmp_path, "b.json", '{"X": [[1]], "y": [1], "beta": "2", "name": "mine"}')
    assert read_instance(p2).beta == 2 and read_instance(p2).name == "mine"
    assert read_instance(p2, beta="0.5").beta == F(1, 2)  # the argument wins
    p3 = write(tmp_path, "n.json", '{"X": [[1]], "y": null, "beta": null}')
    assert read_instance(p3).y is None


def test_json_target_last(tmp_path):
    p = write(tmp_path, "t.json", '{"X": [[1, 2, 3], [4, 5, 6]]}')
    inst = read_instance(p, target="last")
    assert inst.X == ((1, 2), (4, 5)) and inst.y == (3, 6)
    p2 = write(tmp_path, "t2.json", '{"X": [[1, 2]], "y": [1]}')
    with pytest.raises(InputError, match='has "y" already'):
        read_instance(p2, target="last")


def test_bad_beta_override(tmp_path):
    p = write(tmp_path, "x.json", '{"X": [[1]]}')
    for beta, fragment in [("0", "beta must be > 0, got 0"), ("-1", "beta must be > 0, got -1"),
                           ("x", "beta: not a number: 'x'"), ("nan", "beta: not a finite")]:
        with pytest.raises(InputError) as info:
            read_instance(p, beta=beta)
        assert fragment in str(info.value)
    with pytest.raises(InputError, match="unknown target 'first'"):
        read_instance(p, target="first")


# ---------------------------------------------------------------- CSV


def test_csv_exact_with_header_blank_lines_and_target(tmp_path):
    p = write(tmp_path, "d.csv", "x1, x2 ,y\n\n0.1, -3/7, 1e-3\n  \n2,2.5E+2,-1\n")
    inst = read_instance(p)
    assert inst.X == ((F(1, 10), F(-3, 7), F(1, 1000)), (F(2), F(250), F(-1)))
    assert inst.y is None and inst.name == "d"
    inst = read_instance(p, target="last", beta="1/10")
    assert inst.X == ((F(1, 10), F(-3, 7)), (F(2), F(250)))
    assert inst.y == (F(1, 1000), F(-1)) and inst.beta == F(1, 10)


def test_csv_without_header_and_with_bom(tmp_path):
    p = tmp_path / "b.csv"
    p.write_bytes("\ufeff1,2\r\n3,4\r\n".encode())
    assert read_instance(str(p)).X == ((1, 2), (3, 4))


def test_csv_partly_numeric_first_row_is_data(tmp_path):
    # a header is skipped only when all its cells are words: here "abc" is a bad entry
    p = write(tmp_path, "h.csv", "abc,1\n2,3\n")
    with pytest.raises(InputError, match=r"line 1, column 1: not a number: 'abc'"):
        read_instance(p)
    p = write(tmp_path, "n.csv", "nan,inf\n2,3\n")  # not a header: numbers gone wrong
    with pytest.raises(InputError, match=r"line 1, column 1: not a finite number: 'nan'"):
        read_instance(p)


@pytest.mark.parametrize(
    "text, fragment",
    [
        ("1,2\n3\n", "ragged rows: line 1 has 2 fields but line 2 has 1"),
        ("a,b\n", "X is empty: no data rows"),
        ("", "X is empty: no data rows"),
        ("1,2\n3,x\n", "line 2, column 2: not a number: 'x'"),
        ("1,2,\n", "line 1, column 3: empty entry (expected a number)"),
        ("1\n2\n", None),
    ],
)
def test_csv_errors(tmp_path, text, fragment):
    p = write(tmp_path, "e.csv", text)
    if fragment is None:  # one column: fine as X, too narrow for a target column
        assert read_instance(p).X == ((1,), (2,))
        with pytest.raises(InputError, match="needs at least 2 columns"):
            read_instance(p, target="last")
        return
    with pytest.raises(InputError) as info:
        read_instance(p)
    assert str(info.value) == f"{p}: {fragment}"


# ---------------------------------------------------------------- .npy


def test_npy_integers_exact(tmp_path):
    p = str(tmp_path / "i.npy")
    big = 2**62 + 1
    np.save(p, np.array([[1, -2], [big, 0]], dtype=np.int64))
    inst = read_instance(p)
    assert inst.X == ((1, -2), (big, 0)) and inst.notes == ()
    np.save(p, np.array([[1, 2, 3]], dtype=np.uint8))
    inst = read_instance(p, target="last")
    assert inst.X == ((1, 2),) and inst.y == (3,)


@pytest.mark.parametrize("dtype", [np.float16, np.float32, np.float64, np.longdouble])
def test_npy_floats_converted_exactly_with_a_note(tmp_path, dtype):
    p = str(tmp_path / "f.npy")
    arr = np.array([[0.1, -2.5], [1 / 3, 7]], dtype=dtype)
    np.save(p, arr)
    inst = read_instance(p)
    assert inst.notes == (FLOAT_NOTE,)
    expected = tuple(tuple(F(*v.as_integer_ratio()) for v in row) for row in arr)
    assert inst.X == expected
    assert inst.X[0][1] == F(-5, 2)
    if dtype is np.float64:
        assert inst.X[0][0] == F(0.1) != F(1, 10)


def test_npy_decimal_strings_are_exact(tmp_path):
    p = str(tmp_path / "s.npy")
    np.save(p, np.array([["0.1", "3/7"]]))
    assert read_instance(p).X == ((F(1, 10), F(3, 7)),)


@pytest.mark.parametrize(
    "arr, fragment",
    [
        (np.array([[1.0, np.nan]]), "X[0][1]: not a finite number: nan"),
        (np.array([[1.0], [-np.inf]]), "X[1][0]: not a finite number: -inf"),
        (np.zeros((2, 2, 2)), "expected a 2-D array (n x d), got a 3-D array of shape (2, 2, 2)"),
        (np.zeros(3), "got a 1-D array"),
        (np.float64(1.0), "got a 0-D array"),
        (np.zeros((0, 3)), "X is empty"),
        (np.zeros((3, 0)), "X[0] is empty"),
        (np.array([[1 + 2j]]), "unsupported dtype complex128"),
        (np.array([[True]]), "unsupported dtype bool"),
        (np.array([["abc"]]), "X[0][0]: not a number: 'abc'"),
    ],
)
def test_npy_refused(tmp_path, arr, fragment):
    p = str(tmp_path / "bad.npy")
    np.save(p, arr)
    with pytest.raises(InputError) as info:
        read_instance(p)
    assert fragment in str(info.value)
    assert str(info.value).startswith(p + ": ")


def test_npy_object_array_refused_without_unpickling(tmp_path):
    p = str(tmp_path / "o.npy")
    np.save(p, np.array([[1, F(1, 2)]], dtype=object), allow_pickle=True)
    with pytest.raises(InputError, match="object arrays are refused"):
        read_instance(p)


def test_npy_garbage_file(tmp_path):
    p = tmp_path / "g.npy"
    p.write_bytes(b"not numpy at all")
    with pytest.raises(InputError, match="not a readable .npy array"):
        read_instance(str(p))


# ---------------------------------------------------------------- files and specs


def test_file_errors(tmp_path):
    with pytest.raises(InputError, match=r"^no such file: .*missing\.json$"):
        read_instance(str(tmp_path / "missing.json"))
    with pytest.raises(InputError, match="is a directory"):
        read_instance(str(tmp_path))
    p = write(tmp_path, "d.txt", "1,2\n")
    with pytest.raises(InputError, match=r"unknown file type '\.txt'"):
        read_instance(p)
    p = tmp_path / "latin.csv"
    p.write_bytes(b"1,\xe9\n")
    with pytest.raises(InputError, match="not UTF-8"):
        read_instance(str(p))


@pytest.mark.parametrize(
    "text, fragment",
    [
        ('{"X": [[1, 2], [3]]}', "ragged rows: X[0] has 2 entries but X[1] has 1 entry"),
        ('{"X": []}', "X is empty"),
        ('{"X": [[]]}', "X[0] is empty"),
        ('{"X": [[1], ["abc"]]}', "X[1][0]: not a number: 'abc'"),
        ('{"X": [[NaN]]}', "X[0][0]: not a finite number: 'NaN'"),
        ('{"X": [[1, "inf"]]}', "X[0][1]: not a finite number: 'inf'"),
        ('{"X": [[1, "1/0"]]}', "X[0][1]: division by zero"),
        ('{"X": [[true]]}', "X[0][0]: expected a number, got a boolean"),
        ('{"X": [[null]]}', "X[0][0]: expected a number, got nothing"),
        ('{"X": [[1], [2], [3]], "y": [1, 2]}',
         "shape mismatch: X has 3 rows but y has 2 entries"),
        ('{"X": [[1]], "beta": 0}', "beta must be > 0, got 0"),
        ('{"X": [[1]], "beta": -1}', "beta must be > 0, got -1"),
        ('{"X": [[1]], "beta": "x"}', "beta: not a number: 'x'"),
        ('{"X": [[1]], "beta": [1]}', "beta: expected a number, got list"),
        ('{"y": [1]}', 'missing "X"'),
        ('{"X": [[1]], "Y": [1]}', "unknown key 'Y'"),
        ("[[1, 2]]", "expected a JSON object"),
        ('{"X": [[1, 2]', "malformed JSON at line 1, column 14"),
        ('{"X": [[1, 2]],\n "y": [1,]}', "malformed JSON at line 2, column"),
        ("", "malformed JSON at line 1, column 1"),
    ],
)
def test_json_errors(tmp_path, text, fragment):
    p = write(tmp_path, "bad.json", text)
    with pytest.raises(InputError) as info:
        read_instance(p)
    msg = str(info.value)
    assert msg.startswith(p + ": ")
    assert fragment in msg
    assert "\n" not in msg


# ---------------------------------------------------------------- built-in examples


def _rank(rows):
    m = [[F(v) for v in r] for r in rows]
    rank, col, ncols = 0, 0, len(m[0]) if m else 0
    while rank < len(m) and col < ncols:
        piv = next((i for i in range(rank, len(m)) if m[i][col] != 0), None)
        if piv is None:
            col += 1
            continue
        m[rank], m[piv] = m[piv], m[rank]
        for i in range(rank + 1, len(m)):
            f = m[i][col] / m[rank][col]
            m[i] = [a - f * b for a, b in zip(m[i], m[rank], strict=True)]
        rank, col = rank + 1, col + 1
    return rank


def _classes(X):
    out = set()
    for row in X:
        p = primitive_integer_row(row)
        if any(p):
            lead = next(v for v in p if v)
            out.add(tuple(v if lead > 0 else -v for v in p))
    return sorted(out)


def _whitney_chambers(X):
    # Zaslavsky/Whitney: #chambers = sum over subsets S of the hyperplanes of (-1)^(|S| - rank S)
    H = _classes(X)
    return sum((-1) ** (len(S) - _rank(S)) if S else 1
               for k in range(len(H) + 1) for S in itertools.combinations(H, k))


def _cover(n, r):
    return 2 * sum(math.comb(n - 1, k) for k in range(r))


def test_example_names_and_lookup():
    assert example_names() == ("v1d", "rank1", "whitened", "generic2d", "degenerate",
                               "generic20x4")
    with pytest.raises(InputError, match=r"unknown example 'nope' \(available: v1d, rank1"):
        example("nope")
    with pytest.raises(InputError, match="unknown example"):
        read_instance("example:")
    with pytest.raises(InputError, match="does not apply to built-in examples"):
        read_instance("example:v1d", target="last")


@pytest.mark.parametrize("name", list(EXAMPLES))
def test_every_example_is_exact_and_solvable(name, tmp_path):
    inst = read_instance(f"example:{name}")
    assert inst == example(name) and inst.name == name
    assert all(type(v) is Fraction for row in inst.X for v in row)
    assert inst.y is not None and len(inst.y) == inst.n
    assert inst.beta is not None and inst.beta > 0
    assert example_info(name).description and "\n" not in example_info(name).description
    assert example_info(name).description.isascii()
    inst.write_json(tmp_path / "e.json")
    assert read_instance(str(tmp_path / "e.json")) == inst


@pytest.mark.parametrize("name", [n for n in EXAMPLES if n != "generic20x4"])
def test_expected_chambers_by_whitney(name):
    assert _whitney_chambers(example(name).X) == example_info(name).expected_chambers


def test_v1d():
    inst = example("v1d")
    assert inst.X == ((-1, 1), (0, 1), (1, 1)) and inst.y == (1, 0, 1) and inst.beta == F(1, 10)
    assert example_info("v1d").expected_chambers == 2 * inst.n
    assert example_info("v1d").p_star == F(37, 200)


def _soft(t, beta):
    return (1 if t > 0 else -1) * max(abs(t) - beta, 0)


def test_rank1_is_rank_one_and_p_star_matches_the_closed_form():
    inst = example("rank1")
    assert inst.n == 5 and _rank(inst.X) == 1
    a = (F(3, 5), F(4, 5))
    assert sum(v * v for v in a) == 1
    c = [row[0] / a[0] for row in inst.X]
    assert all(row == tuple(cj * ai for ai in a) for row, cj in zip(inst.X, c, strict=True))
    assert any(v > 0 for v in c) and any(v < 0 for v in c)
    cp, cm = [max(v, 0) for v in c], [max(-v, 0) for v in c]
    b, y = inst.beta, inst.y
    zp = _soft(sum(p * t for p, t in zip(cp, y, strict=True)), b) / sum(p * p for p in cp)
    zm = _soft(sum(m * t for m, t in zip(cm, y, strict=True)), b) / sum(m * m for m in cm)
    yhat = [zp * p + zm * m for p, m in zip(cp, cm, strict=True)]
    p_star = sum((h - t) ** 2 for h, t in zip(yhat, y, strict=True)) / 2 + b * (abs(zp) + abs(zm))
    assert p_star == example_info("rank1").p_star


def _exact_sqrt(q):
    num, den = math.isqrt(q.numerator), math.isqrt(q.denominator)
    assert F(num, den) ** 2 == q, "the example should have a rational norm"
    return F(num, den)


def test_whitened_is_orthonormal_and_p_star_matches_the_closed_form():
    inst = example("whitened")
    X = inst.X
    for i, j in itertools.product(range(inst.n), repeat=2):
        assert sum(a * b for a, b in zip(X[i], X[j], strict=True)) == (1 if i == j else 0)
    assert any(v > 0 for v in inst.y) and any(v < 0 for v in inst.y)
    b = inst.beta

    def g(t):
        return b * t - b * b / 2 if t > b else t * t / 2

    yp = _exact_sqrt(sum(max(v, 0) ** 2 for v in inst.y))
    ym = _exact_sqrt(sum(max(-v, 0) ** 2 for v in inst.y))
    assert yp > b > ym  # both branches of g are exercised
    assert g(yp) + g(ym) == example_info("whitened").p_star


def test_generic2d_no_two_rows_parallel():
    X = example("generic2d").X
    assert (len(X), len(X[0])) == (6, 2)
    assert all(type(v) is Fraction and v.denominator == 1 for row in X for v in row)
    assert all(_rank([X[i], X[j]]) == 2 for i, j in itertools.combinations(range(6), 2))
    assert example_info("generic2d").expected_chambers == _cover(6, 2) == 12


def test_degenerate_has_every_degeneracy():
    X = example("degenerate").X
    assert len(X[0]) == 3
    ints = [primitive_integer_row(r) for r in X]
    assert any(all(v == 0 for v in r) for r in X)  # a zero row
    assert len(set(X)) < len(X)  # duplicate rows
    assert any(tuple(-v for v in a) == b for a, b in itertools.combinations(X, 2))  # antipodal
    assert any(a != b and pa == pb for (a, pa), (b, pb)  # a positive multiple, not a duplicate
               in itertools.combinations(zip(X, ints, strict=True), 2))


def test_generic20x4_general_position_and_cover_count():
    X = example("generic20x4").X
    assert (len(X), len(X[0])) == (20, 4)
    assert all(v.denominator == 1 and -9 <= v <= 9 for row in X for v in row)
    # every 4 rows independent (hence no zero row and no two rows parallel): Cover applies
    assert all(_rank([X[i] for i in S]) == 4 for S in itertools.combinations(range(20), 4))
    assert example_info("generic20x4").expected_chambers == _cover(20, 4) == 2320


def test_json_file_of_an_example_is_a_template(tmp_path):
    p = tmp_path / "v.json"
    p.write_text(json.dumps(example("v1d").to_json_dict()))
    assert read_instance(str(p)) == example("v1d")
