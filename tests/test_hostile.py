"""Hostile and extreme input (issue 11): one line, exit 2, bounded time and memory — or a
correct exact answer.

The corpus :data:`CORPUS` lists every case with the command, the expected exit status and a
fragment of the message; it runs in-process. A hypothesis strategy writes random malformed and
extreme files and runs each command as a subprocess under CPU, address-space and wall-clock
limits (``resource``). The size policy itself is docs/limits.md (arrangement/limits.py).
"""

from __future__ import annotations

import json
import math
import os
import resource
import subprocess
import sys
from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest
from cli_run import assert_one_line, run_cli
from hypothesis import given, settings
from hypothesis import strategies as st

from arrangement import limits
from arrangement.chambers import enumerate_chambers
from arrangement.core import Arrangement
from arrangement.errors import InputError
from arrangement.exactla import pivot_columns
from arrangement.instances import read_instance
from arrangement.lattice import exact_rank
from arrangement.readers import json_depth, load_json
from exact.certify import solve
from exact.network import Network
from exact.rowspace import four_squares, reduce_to_row_space
from exact.verify import verify_certificate

ROOT = Path(__file__).resolve().parents[1]
F = Fraction

V_JSON = '{"X": [[-1, 1], [0, 1], [1, 1]], "y": [1, 0, 1], "beta": "1/10"}'
V_NET = json.dumps({"format": "relucvx-network/1", "exact": "rational",
                    "neurons": [{"u": ["1", "1"], "alpha": "1"}]})


# ------------------------------------------------------------------------------ the corpus

def _npy(arr: np.ndarray):
    return lambda p: np.save(p, arr)


def _text(text: str):
    return lambda p: p.write_text(text, encoding="utf-8")


def _huge_header(p: Path) -> None:
    hdr = np.lib.format.header_data_from_array_1_0(np.zeros((1, 1)))
    hdr["shape"] = (10**6, 10**6)
    with open(p, "wb") as fh:
        np.lib.format.write_array_header_1_0(fh, hdr)
        fh.write(b"\0" * 64)


def _fifo(p: Path) -> None:
    os.mkfifo(p)


def _dev_zero(p: Path) -> None:
    p.symlink_to("/dev/zero")


_BIG = "7" * 4000
# case -> (file name, writer, argv after the command and DATA, commands, exit, fragment)
CORPUS: dict[str, tuple[str, object, list[str], tuple[str, ...], int, str | None]] = {
    "deep-json": ("d.json", _text('{"X": ' + "[" * 100_000 + "]" * 100_000 + "}"), [],
                  ("arrangement", "solve"), 2, "JSON nested 100001 deep: the limit is 32"),
    "duplicate-key": ("d.json", _text('{"X": [[1]], "X": [[2]]}'), [], ("arrangement",), 2,
                      "duplicate key 'X'"),
    "arabic-digits": ("d.json", _text('{"X": [["١٢", 1]]}'), [], ("arrangement",), 2,
                      "only the ASCII digits 0-9 are read"),
    "fullwidth-digits": ("d.json", _text('{"X": [["１２", 1]]}'), [], ("arrangement",), 2,
                         "only the ASCII digits 0-9 are read"),
    "4000-digit-int": ("d.json", _text('{"X": [[' + _BIG + ', 1], [1, 1]]}'), [],
                       ("arrangement", "solve"), 2, "number too long: '7777"),
    "1e10000": ("d.json", _text('{"X": [["1e10000", 1]]}'), [], ("arrangement",), 2,
                "number too long: '1e10000'"),
    "semicolon-csv": ("d.csv", _text("1;2\n3;4\n"), [], ("arrangement",), 2,
                      "line 1 looks semicolon-separated"),
    "tab-csv": ("d.csv", _text("x\ty\n1\t2\n"), [], ("arrangement",), 2,
                "line 1 looks tab-separated"),
    "fifo": ("d.json", _fifo, [], ("arrangement", "solve", "check"), 2, "is a FIFO"),
    "dev-zero": ("d.json", _dev_zero, [], ("arrangement", "solve", "check"), 2,
                 "is a character device"),
    "npy-huge-header": ("d.npy", _huge_header, [], ("arrangement", "solve"), 2,
                        "n = 1000000 rows exceeds the limit of 100000"),
    "npy-huge-header-forced": ("d.npy", _huge_header, ["--force"], ("arrangement",), 2,
                               "truncated .npy array"),
    "npy-subnormal-solve": ("d.npy", _npy(np.array([[5e-324, 1.0, 1.0], [1.7e308, 1.0, 2.0]])),
                            ["--beta", "1", "--target", "last"], ("solve",), 2,
                            "span more than a factor 1e12"),
    "npy-uint64-solve": ("d.npy",
                         _npy(np.array([[2**64 - 1, 1, 1], [1, 2, 2]], dtype=np.uint64)),
                         ["--beta", "1", "--target", "last"], ("solve",), 2,
                         "span more than a factor 1e12"),
    "beta-1e400": ("d.json", _text(V_JSON), ["--beta", "1e400"], ("solve", "check"), 2,
                   "beta = 1000000000000000000000000000000000000... is out of range"),
    "beta-1e-10000": ("d.json", _text(V_JSON), ["--beta", "1e-10000"], ("solve", "check"), 2,
                      "beta: number too long: '1e-10000'"),
    "beta-in-file": ("d.json", _text('{"X": [[1]], "y": [1], "beta": "1e400"}'), [],
                     ("solve",), 2, "is out of range: it must lie in [1e-100, 1e100]"),
    "tol-1e-10000": ("d.json", _text(V_JSON), ["--tol", "1e-10000"], ("solve", "check"), 2,
                     "--tol: number too long: '1e-10000'"),
    "tol-1e200": ("d.json", _text(V_JSON), ["--tol", "1e200"], ("solve", "check"), 2,
                  "--tol = 1000000000000000000000000000000000000... is out of range"),
    "solve-50-digits": ("d.json", _text('{"X": [["' + "3" * 50 + "/" + "3" * 49 + '4", 1]], '
                                        '"y": [1], "beta": 1}'),
                        [], ("solve", "check"), 2,
                        "X[0][0] has more than 40 digits in its numerator or denominator"),
    "check-tol-1e10000": ("d.json", _text(V_JSON), ["--tol", "1e10000"], ("check",), 2,
                          "--tol: number too long"),
}


def _argv(command: str, data: str, extra: list[str], tmp_path: Path) -> list[str]:
    if command == "check":
        net = tmp_path / "net.json"
        if not net.exists():
            net.write_text(V_NET)
        return ["check", data, str(net), *extra]
    return [command, data, *extra]


@pytest.mark.parametrize("case", list(CORPUS))
def test_corpus(tmp_path, capsys, case):
    name, writer, extra, commands, code, fragment = CORPUS[case]
    path = tmp_path / name
    writer(path)
    for command in commands:
        got, out, err = run_cli(_argv(command, str(path), extra, tmp_path), capsys)
        assert got == code, (command, err)
        if code == 2:
            assert_one_line(got, err, fragment)
            assert out == ""


def test_fifo_as_network_is_refused(tmp_path, capsys):
    data = tmp_path / "d.json"
    data.write_text(V_JSON)
    os.mkfifo(tmp_path / "net.json")
    code, _, err = run_cli(["check", str(data), str(tmp_path / "net.json")], capsys)
    assert_one_line(code, err, "is a FIFO")


# ------------------------------------------------------------------ extreme numbers, exactly

EXTREME_2D = {
    "1e400": [["1e400", "1"], ["1", "1"], ["-3", "1"]],
    "1e-400": [["1e-400", "1"], ["1", "1"], ["-3", "1"]],
    "1000-digit": [["7" * 1000, "1"], ["1", "-1"], ["2", "1"]],
    "mixed": [["1e400", "1e-400"], ["1e-400", "-1e400"], ["1", "1"]],
}


@pytest.mark.parametrize("case", list(EXTREME_2D))
def test_extreme_numbers_enumerate_exactly_and_certify(tmp_path, capsys, case):
    X = EXTREME_2D[case]
    p = tmp_path / "d.json"
    p.write_text(json.dumps({"X": X}))
    cert = tmp_path / "c.json"
    code, out, err = run_cli(["arrangement", str(p), "--json", "--certificate", str(cert)],
                             capsys)
    assert code == 0, err
    s = json.loads(out)
    # three pairwise non-parallel lines through the origin of R^2: 6 sectors (Cover)
    assert s["chambers"] == s["zaslavsky"] == 6
    assert verify_certificate(json.loads(cert.read_text()))[0]


@given(st.lists(st.tuples(st.integers(-50, 50), st.integers(-50, 50)), min_size=1, max_size=6),
       st.sampled_from([400, 1000, 4000]))
@settings(max_examples=25)
def test_angular_sort_of_huge_rows_is_exact(rows, digits):
    # rows with 400 to 4000 digits take the exact path; oracle: m distinct lines through the
    # origin of R^2 cut it into exactly 2m sectors, each witness strictly inside its own
    huge = [(a * 10**digits + 1, b * 10**digits - 1) for a, b in rows]
    m = len(Arrangement(huge).classes)
    W = enumerate_chambers(huge, 2)
    signs = {tuple((a * w[0] + b * w[1] > 0) - (a * w[0] + b * w[1] < 0) for a, b in huge)
             for w in W}
    assert len(W) == len(signs) == 2 * m
    assert all(0 not in s for s in signs)


def test_planted_float_angular_sort_overflows(monkeypatch):
    # planted bug: without the range guard (the exact shift of float_directions) the float
    # path meets 10**400 and overflows, which is exactly the traceback of issue 11; the test
    # above would then fail
    import arrangement.intmat as intmat

    monkeypatch.setattr(intmat, "float_directions", lambda A: np.asarray(A, dtype=float))
    with pytest.raises(OverflowError):
        enumerate_chambers([(10**400, 1), (1, 1), (-3, 1)], 2)


# -------------------------------------------------------------------- files and the policy

def test_file_size_limit_and_force(tmp_path, capsys, monkeypatch):
    p = tmp_path / "d.json"
    p.write_text(V_JSON)
    monkeypatch.setattr("arrangement.limits.MAX_FILE_BYTES", 20)
    code, _, err = run_cli(["arrangement", str(p)], capsys)
    assert_one_line(code, err, "is larger than the limit of 20 bytes (pass --force")
    code, out, err = run_cli(["arrangement", str(p), "--force", "--json"], capsys)
    assert code == 0 and json.loads(out)["chambers"] == 6


@pytest.mark.parametrize("attr, limit, fragment", [
    ("MAX_ROWS", 2, "n = 3 rows exceeds the limit of 2"),
    ("MAX_COLS", 1, "d = 2 columns exceeds the limit of 1"),
    ("MAX_ENTRIES", 5, "n*d = 6 entries exceeds the limit of 5"),
])
@pytest.mark.parametrize("ext", ["json", "csv", "npy"])
def test_shape_limits_every_reader_and_force(tmp_path, capsys, monkeypatch, attr, limit,
                                             fragment, ext):
    p = tmp_path / f"d.{ext}"
    X = [[-1, 1], [0, 1], [1, 1]]
    if ext == "json":
        p.write_text(json.dumps({"X": X}))
    elif ext == "csv":
        p.write_text("\n".join(",".join(map(str, r)) for r in X) + "\n")
    else:
        np.save(p, np.array(X))
    monkeypatch.setattr(limits, attr, limit)
    code, _, err = run_cli(["arrangement", str(p)], capsys)
    assert_one_line(code, err, fragment)
    code, out, err = run_cli(["arrangement", str(p), "--force", "--json"], capsys)
    assert code == 0 and json.loads(out)["chambers"] == 6


def test_json_depth_ignores_brackets_in_strings():
    assert json_depth('{"X": [["[[[[", "]]"]]]}') == 3
    assert json_depth('"\\"[[[["') == 0
    with pytest.raises(InputError, match="nested 33 deep"):
        load_json("[" * 33 + "]" * 33)
    assert json_depth("[" * 32 + "]" * 32) == 32
    load_json("[" * 32 + "]" * 32)  # the limit itself is allowed


def test_duplicate_keys_refused_anywhere_in_data_json(tmp_path):
    p = tmp_path / "d.json"
    p.write_text('{"X": [[1]], "y": [1], "y": [2]}')
    with pytest.raises(InputError, match="duplicate key 'y'"):
        read_instance(str(p))


def test_json_numbers_are_text_so_names_cannot_be_numbers(tmp_path):
    p = tmp_path / "d.json"
    p.write_text('{"X": [[1]], "name": 5}')
    with pytest.raises(InputError, match='"name" must be a string'):
        read_instance(str(p))


@given(st.text(alphabet=st.characters(categories=["Nd"]), min_size=1, max_size=4))
def test_non_ascii_digits_never_read_as_numbers(digits):
    from arrangement.rational import to_fraction

    if digits.isascii():
        assert to_fraction(digits) == int(digits)
        return
    with pytest.raises(InputError, match="not a number"):
        to_fraction(digits)


def test_messages_quote_only_a_short_prefix(tmp_path, capsys):
    p = tmp_path / "d.json"
    p.write_text(json.dumps({"X": [["x" * 100_000]]}))
    code, _, err = run_cli(["arrangement", str(p)], capsys)
    line = assert_one_line(code, err, "not a number: 'xxxx")
    assert len(line) < 200


# ---------------------------------------------------------------------------- output paths

OUTPUT_CASES = [
    ("arrangement", "--certificate"), ("arrangement", "--graph"),
    ("solve", "--certificate"), ("solve", "--net-out"),
    ("check", "--certificate"), ("check", "--net-out"),
]


@pytest.mark.parametrize("command, option", OUTPUT_CASES)
@pytest.mark.parametrize("where, fragment", [
    ("DIR", "it is a directory"),
    ("DIR/missing/x.json", "does not exist"),
    ("/proc/relucvx-test.json", "cannot write /proc/relucvx-test.json"),
])
def test_outputs_checked_before_any_work(tmp_path, capsys, command, option, where, fragment):
    # the data file does not exist: the output must be refused first, before any reading
    target = where.replace("DIR", str(tmp_path))
    argv = _argv(command, str(tmp_path / "missing.json"), [option, target], tmp_path)
    code, _, err = run_cli(argv, capsys)
    line = assert_one_line(code, err, fragment)
    assert line.startswith(f"relucvx: error: {option}: ")


def test_output_check_leaves_no_file_and_keeps_existing_content(tmp_path):
    from exact.commands.outputs import require_writable

    require_writable(str(tmp_path / "new.json"), "--certificate")
    assert not (tmp_path / "new.json").exists()
    old = tmp_path / "old.json"
    old.write_text("keep")
    require_writable(str(old), "--certificate")
    assert old.read_text() == "keep"


# ----------------------------------------------------------------------------- wide data

def _spread(X_small: list[list[int]], k: int) -> list[list[Fraction]]:
    """Each entry c becomes k² entries c/k: an isometric rational embedding (QQᵀ = I)."""
    return [[F(c, k) for c in row for _ in range(k * k)] for row in X_small]


def test_wide_arrangement_is_fast_and_exact(tmp_path, capsys):
    rng = np.random.default_rng(1)
    X = rng.integers(-9, 10, size=(2, 20_000)).tolist()
    p = tmp_path / "wide.json"
    p.write_text(json.dumps({"X": X, "y": [1, 2], "beta": "1/10"}))
    cert = tmp_path / "c.json"
    code, out, err = run_cli(["arrangement", str(p), "--json", "--certificate", str(cert)],
                             capsys)
    assert code == 0, err
    s = json.loads(out)
    assert (s["d"], s["rank"], s["chambers"], s["zaslavsky"]) == (20_000, 2, 4, 4)
    assert s["chi"] == "t**20000 - 2*t**19999 + t**19998"
    assert verify_certificate(json.loads(cert.read_text()))[0]


def test_wide_solve_equals_the_narrow_problem_with_the_same_gram_matrix(tmp_path, capsys):
    # oracle: an isometric embedding keeps P*, so X_wide (d = 20,000) and X_small (d = 2)
    # have the same certified value; the small one is solved without any reduction
    X_small = [[3, 1], [1, -2]]
    y, beta = [1, 2], F(1, 10)
    X_wide = _spread(X_small, 100)
    p = tmp_path / "wide.json"
    p.write_text(json.dumps({"X": [[str(v) for v in r] for r in X_wide], "y": y,
                             "beta": "1/10"}))
    code, out, err = run_cli(["solve", str(p), "--json"], capsys)
    assert code == 0, err
    s = json.loads(out)
    small = solve(X_small, y, beta)
    lo, up = F(s["lower"]), F(s["upper"])
    assert lo <= small.upper and small.lower <= up  # both intervals contain P*
    assert s["d"] == 20_000 and s["chambers"] == small.chambers == 4
    net = Network.from_json_dict(s["network"])
    assert net.dim == 20_000
    assert net.objective(X_wide, y, beta) <= up


@given(st.integers(2, 3), st.integers(64, 90), st.integers(0, 10**6))
@settings(max_examples=6)
def test_reduction_keeps_the_value_and_the_network(n, d, seed):
    rng = np.random.default_rng(seed)
    X = rng.integers(-3, 4, size=(n, d)).tolist()
    if exact_rank(X) == 0:
        return
    y = rng.integers(-2, 3, size=n).tolist()
    beta = F(1, 5)
    red = reduce_to_row_space(X)
    full = solve(X, y, beta)
    reduced = solve(red.X, y, beta)
    assert full.lower <= reduced.upper and reduced.lower <= full.upper
    net = red.lift_network(reduced.network)
    assert net.output(X) == reduced.network.output(red.X)
    assert net.objective(X, y, beta) <= reduced.network.objective(red.X, y, beta)
    assert len(Arrangement(red.X).chambers()) == full.chambers


def test_planted_naive_reduction_changes_the_value():
    # planted bug: X = X_c B with a rational, non-orthonormal basis B (here B = (1, 1)) is the
    # "obvious" reduction, and it changes P*; the oracle above catches exactly this
    X, y, beta = [[1, 1], [2, 2]], [1, 1], F(1, 10)
    naive = solve([[1], [2]], y, beta)  # coordinates of X in the basis B = (1, 1)
    true = solve(X, y, beta)
    assert naive.lower > true.upper or true.lower > naive.upper
    red = reduce_to_row_space(X)
    good = solve(red.X, y, beta)
    assert good.lower <= true.upper and true.lower <= good.upper


@given(st.fractions(min_value=F(1, 10**6), max_value=10**9, max_denominator=10**6))
def test_four_squares(q):
    parts = four_squares(q)
    assert 1 <= len(parts) <= 4 and all(parts) and sum(a * a for a in parts) == q


@given(st.lists(st.lists(st.integers(-3, 3), min_size=6, max_size=6), min_size=1, max_size=4))
def test_pivot_columns_keep_the_rank_and_the_chambers(rows):
    J = pivot_columns(rows)
    r = exact_rank(rows)
    assert len(J) == r == exact_rank([[row[j] for j in J] for row in rows])
    # oracle: the d-dimensional enumeration, with no reduction
    arr = Arrangement(rows) if any(any(r) for r in rows) else None
    if arr is None:
        return
    direct = {tuple(int(np.sign(sum(a * b for a, b in zip(x, w)))) for x in arr.int_rows)
              for w in enumerate_chambers(arr.int_rows, 6)}
    assert {c.signs for c in arr.chambers()} == direct


def test_wide_certificate_refused_unless_forced(tmp_path, capsys):
    p = tmp_path / "wide.json"
    p.write_text(json.dumps({"X": [[1] * 2000, [1, -1] * 1000], "y": [1, 2], "beta": 1}))
    code, _, err = run_cli(["solve", str(p), "--certificate", str(tmp_path / "c.json")], capsys)
    assert_one_line(code, err, "--certificate on wide data (d = 2000 > 1000, rank 2)")


# ------------------------------------------------------- random files, under resource limits

_EXTREME_CELLS = ["1e400", "1e-400", "1e10001", "9" * 1200, "١٢", "１２", "nan", "-inf",
                  "1/0", "0x10", "1_000", "-0", " 3/7 ", "1e-10000", "", "[", "\x00", "1e",
                  "5e-324", "1.7e308", "-1", "2", "1/3"]


def _limits() -> None:  # runs in the child before exec: 60 s of CPU, 3 GB of address space
    resource.setrlimit(resource.RLIMIT_CPU, (60, 60))
    resource.setrlimit(resource.RLIMIT_AS, (3 * 2**30, 3 * 2**30))


@st.composite
def hostile_files(draw) -> tuple[str, bytes]:
    kind = draw(st.sampled_from(["json", "json-raw", "csv", "npy", "npy-raw", "bytes"]))
    cell = st.sampled_from(_EXTREME_CELLS) | st.integers(-(2**70), 2**70).map(str)
    n, d = draw(st.integers(1, 4)), draw(st.integers(1, 4))
    if kind == "json":
        X = [[draw(cell) for _ in range(d)] for _ in range(n)]
        obj: dict = {"X": X}
        if draw(st.booleans()):
            obj["y"] = [draw(cell) for _ in range(n)]
        if draw(st.booleans()):
            obj["beta"] = draw(cell)
        text = json.dumps(obj)
        cut = draw(st.integers(0, len(text)))
        return ".json", (text if draw(st.booleans()) else text[:cut]).encode()
    if kind == "json-raw":
        depth = draw(st.integers(1, 5000))
        body = draw(st.sampled_from(["[" * depth + "]" * depth, '{"X": [[1]], "X": [[1]]}',
                                     '{"X": [[1e400, 1]], "y": [1], "beta": 1e-400}',
                                     '{"X": [[' + "9" * 5000 + "]]}"]))
        return ".json", body.encode()
    if kind == "csv":
        sep = draw(st.sampled_from([",", ";", "\t", " "]))
        rows = [sep.join(draw(cell).replace(",", "") for _ in range(d)) for _ in range(n)]
        return ".csv", ("\n".join(rows) + "\n").encode()
    if kind == "npy":
        dtype = draw(st.sampled_from(["float64", "uint64", "int64", "float32", "<U8"]))
        vals = draw(st.sampled_from([[5e-324, 1.7e308], [2**64 - 1, 1], [-(2**63), 3],
                                     [1e-45, 3e38], ["1e400", "1/3"]]))
        if dtype == "<U8" or isinstance(vals[0], str):
            arr = np.array([[str(v) for v in vals]] * n, dtype="<U8")
        else:
            try:
                with np.errstate(over="ignore"):  # float32 of 1.7e308 is inf: refused later
                    arr = np.array([vals] * n, dtype=dtype)
            except OverflowError:
                arr = np.array([[1, 2]] * n, dtype=dtype)
        import io

        buf = io.BytesIO()
        np.save(buf, arr)
        return ".npy", buf.getvalue()
    if kind == "npy-raw":
        shape = draw(st.sampled_from(["(1000000, 1000000)", "(-1, 2)", "(2,)", "()", "(3, 'a')",
                                      "(2, 2)"]))
        header = "{'descr': '<f8', 'fortran_order': False, 'shape': " + shape + ", }"
        header = header.ljust(118) + "\n"
        return ".npy", b"\x93NUMPY\x01\x00" + len(header).to_bytes(2, "little") + \
            header.encode() + draw(st.binary(max_size=64))
    return draw(st.sampled_from([".json", ".csv", ".npy"])), draw(st.binary(max_size=200))


@given(hostile_files())
@settings(max_examples=6)  # each example starts three interpreters
def test_random_hostile_files_under_resource_limits(tmp_path_factory, spec):
    suffix, content = spec
    d = tmp_path_factory.mktemp("hostile")
    path = d / f"data{suffix}"
    path.write_bytes(content)
    env = {**os.environ, "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1"}
    net = d / "net.json"
    net.write_text(V_NET)
    for argv in (["arrangement", str(path)], ["solve", str(path), "--beta", "1/10"],
                 ["check", str(path), str(net), "--beta", "1/10"]):
        proc = subprocess.run([sys.executable, "-m", "exact.cli", *argv], capture_output=True,
                              text=True, cwd=ROOT, timeout=120, preexec_fn=_limits, env=env)
        assert "Traceback" not in proc.stderr, proc.stderr[-2000:]
        assert proc.returncode in (0, 2), (argv, proc.returncode, proc.stderr[-2000:])
        if proc.returncode == 2:
            assert_one_line(2, proc.stderr)


def test_policy_numbers_are_documented():
    text = (ROOT / "docs" / "limits.md").read_text(encoding="utf-8")
    for value in (limits.MAX_DIGITS, limits.MAX_SOLVE_DIGITS, limits.MAX_DEPTH, limits.MAX_ROWS,
                  limits.MAX_COLS, limits.MAX_ENTRIES, limits.MAX_FILE_BYTES,
                  limits.MAX_CERTIFICATE_D):
        assert f"{value:,}" in text or str(value) in text, value
    assert math.log10(limits.MAX_DYNAMIC_RANGE) == 12 and "10^12" in text


def test_resource_limits_leave_a_normal_solve_alone(tmp_path):
    # the limits of the random test must not be what makes commands fail
    path = tmp_path / "v.json"
    path.write_text(V_JSON)
    env = {**os.environ, "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1"}
    proc = subprocess.run([sys.executable, "-m", "exact.cli", "solve", str(path), "--json"],
                          capture_output=True, text=True, cwd=ROOT, timeout=120,
                          preexec_fn=_limits, env=env)
    assert proc.returncode == 0, proc.stderr[-2000:]
    out = json.loads(proc.stdout)
    assert F(out["lower"]) <= F(37, 200) <= F(out["upper"])  # P* of the V data (MATH.md §9)


def _rank(rows) -> int:
    from arrangement.exactla import independent_subset

    return len(independent_subset(rows, range(len(rows))))


def test_cones_on_wide_data_refused_then_exact_when_small(tmp_path, capsys):
    p = tmp_path / "wide.json"
    p.write_text(json.dumps({"X": [[1] * 2000, [1, -1] * 1000]}))
    code, _, err = run_cli(["arrangement", str(p), "--cones"], capsys)
    assert_one_line(code, err, "--cones would print about 16000000 numbers")
    # d = 40, rank 2: cdd runs in 2 coordinates; rays lifted, ker X solved exactly
    X = [[(j % 3) - 1 for j in range(40)], [1] * 40]
    arr = Arrangement(X)
    for i in range(len(arr.chambers())):
        rays, lin = arr.cone_generators(i)
        assert len(lin) == 38 and _rank(lin) == 38 and _rank([*rays, *lin]) == 40
        assert all(sum(a * b for a, b in zip(x, v)) == 0 for x in arr.X for v in lin)
        assert all(all(sum(a * b for a, b in zip(f, v)) >= 0 for f in arr.cone(i)) for v in rays)


@pytest.mark.parametrize("argv_of", [
    lambda d: ["arrangement", str(d / "no\nsuch.json")],
    lambda d: ["arrangement", str(d / "bad\nname.json")],
    lambda d: ["arrangement", str(d / "bad\nname.json").replace(".json", ".txt")],
    lambda d: ["solve", "example:v1d", "--certificate", str(d / "no\ndir" / "c.json")],
])
def test_a_newline_in_a_path_keeps_the_message_on_one_line(tmp_path, capsys, argv_of):
    (tmp_path / "bad\nname.json").write_text('{"X": [["x"]]}')
    (tmp_path / "bad\nname.txt").write_text("1")
    code, _, err = run_cli(argv_of(tmp_path), capsys)
    assert_one_line(code, err, "\\n")


def test_long_exact_data_solves_and_verifies_without_float_overflow(tmp_path, capsys):
    # 5 x 8 data with 40-digit rationals: facet rows and projections carry hundreds of digits
    # (floats would overflow: every numeric guess is scaled first) and the certified bounds
    # have more than 4300 digits (format_fraction writes them exactly)
    rng = np.random.default_rng(7)

    def big() -> str:
        q = int(rng.integers(1, 10**9)) * 10**31 + 7
        return f"{q + int(rng.integers(1, 10**9))}/{q}"

    X = [[big() for _ in range(8)] for _ in range(5)]
    p = tmp_path / "d.json"
    p.write_text(json.dumps({"X": X, "y": [big() for _ in range(5)], "beta": "1/10"}))
    cert = tmp_path / "c.json"
    code, out, err = run_cli(["solve", str(p), "--json", "--certificate", str(cert)], capsys)
    assert code == 0, err
    old = sys.get_int_max_str_digits()
    sys.set_int_max_str_digits(0)  # the test reads the long exact results back
    try:
        s = json.loads(out)
        assert len(s["upper"]) > 4300 and F(s["lower"]) <= F(s["upper"])
        assert verify_certificate(json.loads(cert.read_text()))[0]
    finally:
        sys.set_int_max_str_digits(old)


@pytest.mark.parametrize("argv_of", [
    lambda d: ["check", str(d / "scale.json"), str(d / "net.json")],
    lambda d: ["solve", str(d / "scale.json")],
    lambda d: ["solve", str(d / "u64.npy"), "--target", "last", "--beta", "1", "--force"],
])
def test_a_failed_float_guess_is_one_line(tmp_path, capsys, argv_of):
    # within the policy (a span below 1e12) or past it with --force, Clarabel may still fail
    # on badly scaled data: that is one line and exit 2 (or a certified answer), never a
    # traceback
    (tmp_path / "scale.json").write_text(json.dumps({
        "X": [["-3", "1e11", "0", "-60546"], ["-11816", "1", "1", "-150367/740940"],
              ["2", "-3", "-1e6", "1"]], "y": ["-218", "1e11", "-1448492"], "beta": "1e6"}))
    (tmp_path / "net.json").write_text(json.dumps({
        "format": "relucvx-network/1", "exact": "rational",
        "neurons": [{"u": ["-3", "-58", "1/3", "2"], "alpha": "1e11"}]}))
    np.save(tmp_path / "u64.npy", np.array([[2**64 - 1, 1, 1], [1, 2, 2]], dtype=np.uint64))
    code, out, err = run_cli(argv_of(tmp_path), capsys)
    if code == 2:
        assert_one_line(code, err, "the numeric guess of the convex program failed")
    else:
        assert code == 0 and err == "" and out


def test_network_file_size_limit(tmp_path, capsys, monkeypatch):
    data, net = tmp_path / "d.json", tmp_path / "n.json"
    data.write_text(V_JSON)
    net.write_text(V_NET)
    limit = len(V_JSON)  # one limit for data and network files: the data fits, the network not
    assert len(V_NET) > limit
    monkeypatch.setattr("arrangement.limits.MAX_FILE_BYTES", limit)
    code, _, err = run_cli(["check", str(data), str(net)], capsys)
    assert_one_line(code, err, f"n.json is larger than the limit of {limit} bytes")


@pytest.mark.parametrize("arr", [
    np.array([[5e-324, 1.0], [1.7e308, 1.0], [1.0, -2.0]]),
    np.array([[2**64 - 1, 1], [2**63 + 5, 2], [1, 3]], dtype=np.uint64),
], ids=["float64-extremes", "uint64-huge"])
def test_extreme_npy_values_are_exact_in_arrangement(tmp_path, capsys, arr):
    p = tmp_path / "d.npy"
    np.save(p, arr)
    inst = read_instance(str(p))
    # exact: the uint64 values are the integers themselves, the floats their exact values
    assert [[F(v) for v in row] for row in inst.X] == [[F(int(v)) if arr.dtype.kind == "u"
                                                        else F(float(v)) for v in row]
                                                       for row in arr]
    code, out, err = run_cli(["arrangement", str(p), "--json"], capsys)
    assert code == 0, err
    s = json.loads(out)
    assert s["chambers"] == s["zaslavsky"] == 2 * s["parallel_classes"]


@given(st.lists(st.lists(st.integers(-2, 2), min_size=3, max_size=3), min_size=1, max_size=6))
@settings(max_examples=30)
def test_face_estimate_bounds_the_faces(rows):
    from arrangement.faces import faces

    arr = Arrangement(rows)
    assert len(faces(arr.int_rows, arr.d)) <= arr.estimate_faces()


def test_faces_refused_above_the_estimate_limit(tmp_path, capsys, monkeypatch):
    p = tmp_path / "d.json"
    p.write_text(V_JSON)
    monkeypatch.setattr("arrangement.core.DEFAULT_CHAMBER_LIMIT", 12)  # read when run() runs
    code, _, err = run_cli(["arrangement", str(p), "--faces"], capsys)
    assert_one_line(code, err, "--faces: about 13 faces estimated; the limit is 12")
    code, out, err = run_cli(["arrangement", str(p), "--faces", "--force", "--json"], capsys)
    assert code == 0 and sum(json.loads(out)["f_vector"]) == 13


@pytest.mark.parametrize("text, fragment", [
    ('{"X": [[1]], "name": "\\ud800"}', '"name" must be printable text'),
    ('{"X": [[1]], "name": "a\\nb"}', '"name" must be printable text'),
    ('{"X": [[1]], "notes": ["\\udfff"]}', '"notes"[0] is not valid Unicode text'),
])
def test_printed_text_fields_must_be_printable(tmp_path, capsys, text, fragment):
    # a lone surrogate is valid JSON but cannot be printed: it used to crash after the work
    p = tmp_path / "d.json"
    p.write_text(text)
    for argv in (["arrangement", str(p)], ["solve", str(p), "--beta", "1"]):
        code, _, err = run_cli(argv, capsys)
        assert_one_line(code, err, fragment)


def test_forced_solve_beyond_float_range_is_one_line(tmp_path, capsys):
    """With --force past the dynamic-range policy, numbers whose scale has no float (1e400)
    end in one line and the documented exit status 3 of a failed numeric guess, not a
    traceback (exact.convex.ConvexProgram.float_data divides exactly before converting)."""
    p = tmp_path / "huge.json"
    p.write_text('{"X": [["1e400", 1], [0, 1]], "y": [1, 2], "beta": "1/10"}')
    code, _, err = run_cli(["solve", str(p), "--force"], capsys)
    assert code == 3 and "Traceback" not in err
    assert err.count("\n") == 1 and err.startswith("relucvx: error: ")
    assert "beyond the range of floating point" in err
