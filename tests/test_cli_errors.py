"""Bad input: exit status 2, exactly one line ``relucvx: error: ...`` on stderr, no traceback.

Every case of :data:`BAD_INPUTS` is listed, with its message, in the "Bad input" section of
DEVELOPERS.md; ``test_developers_md_lists_every_case`` keeps the two in step.

The cases are checked three ways: through :func:`arrangement.instances.read_instance`, through
``relucvx arrangement FILE`` in-process (``exact.cli.main``), and once as a real subprocess.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from cli_run import assert_one_line, run_cli

from arrangement.errors import InputError
from arrangement.examples import example_names
from arrangement.instances import read_instance

ROOT = Path(__file__).resolve().parents[1]

# case id -> (file name, content: JSON/CSV text, a numpy array, or None for "do not create"),
# and a fragment of the one-line message
BAD_INPUTS: dict[str, tuple[str, object, str]] = {
    "ragged": ("d.json", '{"X": [[1, 2], [3]]}',
               "ragged rows: X[0] has 2 entries but X[1] has 1 entry"),
    "empty-matrix": ("d.json", '{"X": []}', "X is empty"),
    "empty-row": ("d.json", '{"X": [[]]}', "X[0] is empty"),
    "non-number": ("d.json", '{"X": [[1, 2], ["abc", 3]]}', "X[1][0]: not a number: 'abc'"),
    "nan": ("d.json", '{"X": [[1, NaN]]}', "X[0][1]: not a finite number: 'NaN'"),
    "nan-text": ("d.json", '{"X": [[1, "nan"]]}', "X[0][1]: not a finite number: 'nan'"),
    "inf": ("d.json", '{"X": [["inf", 1]]}', "X[0][0]: not a finite number: 'inf'"),
    "division-by-zero": ("d.json", '{"X": [["1/0"]]}', "X[0][0]: division by zero: '1/0'"),
    "boolean": ("d.json", '{"X": [[true]]}', "X[0][0]: expected a number, got a boolean"),
    "shape-mismatch": ("d.json", '{"X": [[1], [2], [3]], "y": [1, 2]}',
                       "shape mismatch: X has 3 rows but y has 2 entries"),
    "beta-zero": ("d.json", '{"X": [[1]], "beta": 0}', "beta must be > 0, got 0"),
    "beta-negative": ("d.json", '{"X": [[1]], "beta": -1}', "beta must be > 0, got -1"),
    "beta-not-a-number": ("d.json", '{"X": [[1]], "beta": "x"}', "beta: not a number: 'x'"),
    "missing-X": ("d.json", '{"y": [1]}', 'missing "X"'),
    "unknown-key": ("d.json", '{"X": [[1]], "Y": [1]}', "unknown key 'Y'"),
    "not-an-object": ("d.json", "[[1, 2]]", "expected a JSON object"),
    "malformed-json": ("d.json", '{"X": [[1, 2],\n [3, 4]', "malformed JSON at line 2, column"),
    "missing-file": ("missing.json", None, "no such file: "),
    "unknown-extension": ("d.txt", "1,2\n", "unknown file type '.txt'"),
    "csv-ragged": ("d.csv", "1,2\n3\n", "ragged rows: line 1 has 2 fields but line 2 has 1"),
    "csv-non-number": ("d.csv", "1,2\n3,x\n", "line 2, column 2: not a number: 'x'"),
    "csv-empty": ("d.csv", "a,b\n", "X is empty: no data rows"),
    "not-utf8": ("d.csv", b"1,\xe9\n", "not UTF-8 text"),
    "npy-nan": ("d.npy", np.array([[1.0, np.nan]]), "X[0][1]: not a finite number: nan"),
    "npy-3d": ("d.npy", np.zeros((2, 2, 2)), "expected a 2-D array (n x d), got a 3-D array"),
    "npy-1d": ("d.npy", np.zeros(3), "got a 1-D array"),
    "npy-object": ("d.npy", np.array([[1, None]], dtype=object), "object arrays are refused"),
    "npy-complex": ("d.npy", np.array([[1j]]), "unsupported dtype complex128"),
    "npy-garbage": ("d.npy", b"not an array", "not a readable .npy array"),
    "duplicate-key": ("d.json", '{"X": [[1]], "X": [[2]]}', "duplicate key 'X' in a JSON object"),
    "deep-json": ("d.json", "[" * 40 + "]" * 40, "JSON nested 40 deep: the limit is 32"),
    "unicode-digits": ("d.json", '{"X": [["\u0661\u0662"]]}',
                       "X[0][0]: not a number: '\u0661\u0662' (only the ASCII digits 0-9"),
    "too-many-digits": ("d.json", '{"X": [["1e1000"]]}',
                        "X[0][0]: number too long: '1e1000' has more than 1000 digits"),
    "csv-semicolon": ("d.csv", "1;2\n3;4\n", "line 1 looks semicolon-separated ('1;2')"),
    "npy-huge-shape": ("d.npy", "HUGE-HEADER", "n = 1000000 rows exceeds the limit of 100000"),
    "beta-out-of-range": ("d.json", '{"X": [[1]], "beta": "1e400"}',
                          "is out of range: it must lie in [1e-100, 1e100]"),
    "not-regular": ("d.json", "FIFO", "not a regular file: "),
}


def make_bad_file(tmp_path: Path, case: str) -> tuple[str, str]:
    """Create the file of ``case`` in ``tmp_path``; return its path and the expected fragment."""
    name, content, fragment = BAD_INPUTS[case]
    path = tmp_path / name
    if isinstance(content, str) and content == "FIFO":
        os.mkfifo(path)
    elif isinstance(content, str) and content == "HUGE-HEADER":  # claims 10^6 x 10^6 floats
        hdr = np.lib.format.header_data_from_array_1_0(np.zeros((1, 1)))
        hdr["shape"] = (10**6, 10**6)
        with open(path, "wb") as fh:
            np.lib.format.write_array_header_1_0(fh, hdr)
    elif isinstance(content, str):
        path.write_text(content, encoding="utf-8")
    elif isinstance(content, bytes):
        path.write_bytes(content)
    elif isinstance(content, np.ndarray):
        np.save(path, content, allow_pickle=content.dtype.hasobject)
    return str(path), fragment


@pytest.mark.parametrize("case", list(BAD_INPUTS))
def test_read_instance_refuses(tmp_path, case):
    path, fragment = make_bad_file(tmp_path, case)
    with pytest.raises(InputError) as info:
        read_instance(path)
    msg = str(info.value)
    assert fragment in msg
    assert path in msg  # the message names the file
    assert "\n" not in msg


# These go through `relucvx arrangement DATA`, which calls read_instance(args.data): they fail
# while exact/commands/arrangement.py is still the placeholder.
@pytest.mark.parametrize("case", list(BAD_INPUTS))
def test_cli_arrangement_refuses(tmp_path, capsys, case):
    path, fragment = make_bad_file(tmp_path, case)
    code, out, err = run_cli(["arrangement", path], capsys)
    assert_one_line(code, err, fragment)
    assert out == ""


@pytest.mark.parametrize(
    "argv, fragment",
    [
        (["examples", "nope"], "unknown example 'nope' (available: v1d, rank1"),
        (["examples", "--bogus"], "unrecognized arguments: --bogus"),
        (["nosuchcommand"], "invalid choice: 'nosuchcommand'"),
        ([], None),
    ],
)
def test_cli_usage_errors(capsys, argv, fragment):
    code, out, err = run_cli(argv, capsys)
    assert_one_line(code, err, fragment)


def test_cli_examples_lists_every_example(capsys):
    code, out, err = run_cli(["examples"], capsys)
    assert code == 0 and err == ""
    lines = out.splitlines()
    assert [line.split()[0] for line in lines] == list(example_names())
    assert "n=3" in lines[0] and "d=2" in lines[0]


def test_cli_examples_json(capsys):
    code, out, err = run_cli(["examples", "--json"], capsys)
    assert code == 0 and err == ""
    rows = json.loads(out)
    assert [r["name"] for r in rows] == list(example_names())
    v1d = rows[0]
    assert (v1d["n"], v1d["d"], v1d["expected_chambers"], v1d["p_star"]) == (3, 2, 6, "37/200")
    assert all(isinstance(r["description"], str) and r["description"] for r in rows)


def test_cli_examples_name_prints_a_data_file(tmp_path, capsys):
    code, out, err = run_cli(["examples", "whitened"], capsys)
    assert code == 0 and err == ""
    p = tmp_path / "w.json"
    p.write_text(out)
    assert read_instance(str(p)) == read_instance("example:whitened")


def _subprocess(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "exact.cli", *args],
        capture_output=True, text=True, cwd=ROOT, timeout=120,
    )


def test_subprocess_examples():
    ok = _subprocess("examples")
    assert ok.returncode == 0 and ok.stderr == ""
    assert ok.stdout.split()[0] == "v1d"
    bad = _subprocess("examples", "nope")
    assert bad.stdout == ""
    assert_one_line(bad.returncode, bad.stderr, "unknown example 'nope'")


@pytest.mark.parametrize("case", ["npy-nan", "malformed-json", "missing-file"])
def test_subprocess_arrangement_refuses(tmp_path, case):
    path, fragment = make_bad_file(tmp_path, case)
    proc = _subprocess("arrangement", path)
    assert_one_line(proc.returncode, proc.stderr, fragment)


def test_developers_md_lists_every_case():
    text = (ROOT / "DEVELOPERS.md").read_text(encoding="utf-8")
    section = text.split("## Bad input", 1)[1]
    missing = [case for case in BAD_INPUTS if f"`{case}`" not in section]
    assert not missing, f"DEVELOPERS.md 'Bad input' does not list {missing}"
