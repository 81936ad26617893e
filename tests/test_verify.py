"""The standard-library verifier (exact/verify.py) and `relucvx verify`.

Valid certificates pass; each kind of corruption is rejected by the check that should catch it;
the verifier imports only the standard library; the CLI exits 0 / 1 / 2.

Run: ``.venv/bin/pytest --hypothesis-profile=ci tests/test_verify.py``.
"""

from __future__ import annotations

import ast
import copy
import json
import subprocess
import sys
from fractions import Fraction
from pathlib import Path

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from arrangement.certificate import completeness_certificate
from arrangement.core import Arrangement
from exact.cli import main
from exact.verify import FORMAT, NOT_PROVED, PROVED, verify, verify_certificate

ROOT = Path(__file__).resolve().parents[1]
VERIFY = ROOT / "exact" / "verify.py"

# parallel rows (2 ∥ 5, antipodal 6), a zero row, rank 3 in d = 3
X0 = [[1, 0, 1], [0, 1, 1], [1, 1, 1], [1, -1, 2], [0, 0, 0], [2, 2, 2], [-1, -1, -1], [3, 1, -2]]


@pytest.fixture(scope="module")
def base() -> dict:
    cert = json.loads(json.dumps(completeness_certificate(Arrangement(X0))))
    assert verify_certificate(cert)[0]
    return cert


def _fails(cert: dict, check: str) -> str:
    ok, msg = verify_certificate(cert)
    assert not ok, msg
    assert msg.split(":")[0] == check, msg
    assert "\n" not in msg
    return msg


def _chamber_with_farkas(cert: dict) -> tuple[int, int]:
    """(chamber, farkas entry) with at least two multipliers."""
    for i, ch in enumerate(cert["chambers"]):
        for t, e in enumerate(ch["farkas"]):
            if len(e["lambda"]) >= 2:
                return i, t
    raise AssertionError("no Farkas entry with two multipliers")


def _signs(X, w) -> list[int]:
    out = []
    for x in X:
        v = sum(Fraction(a) * Fraction(b) for a, b in zip(x, w))
        out.append((v > 0) - (v < 0))
    return out


# -- corruptions ---------------------------------------------------------------------------------
def test_valid_summary(base):
    ok, msg = verify_certificate(base)
    assert ok and msg.startswith("valid: the ") and "8 × 3" in msg


def test_drop_a_chamber(base):
    for i in range(len(base["chambers"])):
        cert = copy.deepcopy(base)
        del cert["chambers"][i]
        _fails(cert, "closure")


def test_change_a_witness_entry(base):
    cert = copy.deepcopy(base)
    ch = cert["chambers"][0]
    w = [Fraction(v) for v in ch["witness"]]
    # a change that really moves the witness to another cell (checked independently here)
    for t in range(3):
        for delta in (-1000, 1000):
            moved = list(w)
            moved[t] += delta
            if _signs(X0, moved) != ch["signs"]:
                ch["witness"][t] = str(moved[t])
                _fails(cert, "witness")
                return
    raise AssertionError("no breaking change found")


def test_witness_on_a_hyperplane(base):
    cert = copy.deepcopy(base)
    ch = cert["chambers"][0]
    ch["witness"] = list(ch["facets"][0]["witness"])
    _fails(cert, "witness")


def test_flip_a_sign(base):
    cert = copy.deepcopy(base)
    cert["chambers"][1]["signs"][3] *= -1
    _fails(cert, "witness")
    cert = copy.deepcopy(base)
    cert["chambers"][1]["signs"][4] = 1  # a zero row must have sign 0
    _fails(cert, "witness")


def test_change_a_farkas_multiplier(base):
    cert = copy.deepcopy(base)
    i, t = _chamber_with_farkas(cert)
    pair = cert["chambers"][i]["farkas"][t]["lambda"][0]
    pair[1] = str(Fraction(pair[1]) * 2)
    assert "signs_k x_k" in _fails(cert, "farkas")


def test_negative_farkas_multiplier(base):
    cert = copy.deepcopy(base)
    i, t = _chamber_with_farkas(cert)
    pair = cert["chambers"][i]["farkas"][t]["lambda"][0]
    pair[1] = str(-Fraction(pair[1]))
    assert "negative" in _fails(cert, "farkas")


def test_missing_or_misplaced_farkas_entry(base):
    cert = copy.deepcopy(base)
    i, t = _chamber_with_farkas(cert)
    entry = cert["chambers"][i]["farkas"].pop(t)
    assert "no multipliers" in _fails(cert, "farkas")
    cert["chambers"][i]["farkas"].append(entry)
    cert["chambers"][i]["farkas"].append(copy.deepcopy(entry))
    assert "two entries" in _fails(cert, "farkas")
    cert = copy.deepcopy(base)
    cert["chambers"][i]["farkas"][t]["lambda"][0][0] = 4  # the zero row is no facet
    _fails(cert, "farkas")


def test_facet_witness_off_its_hyperplane(base):
    cert = copy.deepcopy(base)
    facet = cert["chambers"][0]["facets"][0]
    t = next(t for t, v in enumerate(X0[facet["row"]]) if v)  # a coordinate that moves it off
    facet["witness"][t] = str(Fraction(facet["witness"][t]) + 1)
    assert "not on its hyperplane" in _fails(cert, "facet")


def test_dropped_facet_is_caught(base):
    cert = copy.deepcopy(base)
    ch = next(c for c in cert["chambers"] if len(c["facets"]) >= 3)
    ch["facets"].pop()
    _fails(cert, "farkas")  # the dropped facet's rows now need (impossible) multipliers


def test_redundant_facet_is_caught(base):
    cert = copy.deepcopy(base)
    ch = cert["chambers"][0]
    e = ch["farkas"][0]
    ch["facets"].append({"row": e["row"], "witness": ["0", "0", "0"]})
    _fails(cert, "facet")


def test_duplicate_a_chamber(base):
    cert = copy.deepcopy(base)
    cert["chambers"].append(copy.deepcopy(cert["chambers"][2]))
    cert["claims"]["chambers"] += 1
    _fails(cert, "distinct")


def test_change_the_claimed_count(base):
    for wrong in (base["claims"]["chambers"] + 1, base["claims"]["chambers"] - 1, "12", True):
        cert = copy.deepcopy(base)
        cert["claims"]["chambers"] = wrong
        _fails(cert, "count")


def test_structure_and_format_errors(base):
    cert = copy.deepcopy(base)
    cert["format"] = "relucvx-certificate/1"  # the previous version is not accepted
    _fails(cert, "format")
    assert verify_certificate([])[0] is False
    cert = copy.deepcopy(base)
    cert["claims"]["n"] = 7
    _fails(cert, "data")
    cert = copy.deepcopy(base)
    cert["data"]["X"][0][0] = 1.5  # floats are not certificate numbers
    _fails(cert, "data")
    cert = copy.deepcopy(base)
    cert["chambers"][0]["witness"][0] = "1/0"
    _fails(cert, "chambers")
    cert = copy.deepcopy(base)
    cert["chambers"] = []
    _fails(cert, "chambers")
    cert = copy.deepcopy(base)
    del cert["chambers"][0]["farkas"]
    _fails(cert, "fields")
    cert = copy.deepcopy(base)
    cert["chambers"][0]["note"] = "trust me"  # a field nothing checks is rejected
    assert "unknown field 'note'" in _fails(cert, "fields")


def test_parallel_sign_consistency_is_its_own_check():
    # a hand-made certificate whose witness check passes but a parallel pair is inconsistent
    # cannot exist (the witness fixes all signs), so check the order: witness comes first
    cert = completeness_certificate(Arrangement([[1, 0], [2, 0], [0, 1]]))
    cert["chambers"][0]["signs"][1] *= -1
    _fails(cert, "witness")


def test_unsupported_kinds():
    ok, msg = verify_certificate({"format": FORMAT, "kind": "fit"})
    assert not ok and msg.startswith("unsupported kind")
    ok, msg = verify_certificate({"format": FORMAT, "kind": "nonsense"})
    assert not ok and msg.startswith("unsupported kind")


@given(st.integers(2, 4), st.data())
def test_random_drop_or_corruption_is_rejected(d, data):
    rows = data.draw(st.lists(st.lists(st.integers(-3, 3), min_size=d, max_size=d),
                              min_size=1, max_size=6))
    cert = json.loads(json.dumps(completeness_certificate(Arrangement(rows))))
    assert verify_certificate(cert)[0]
    p = len(cert["chambers"])
    assume(p >= 2)
    i = data.draw(st.integers(0, p - 1))
    bad = copy.deepcopy(cert)
    del bad["chambers"][i]
    _fails(bad, "closure")
    bad = copy.deepcopy(cert)
    j = data.draw(st.sampled_from([j for j, s in enumerate(cert["chambers"][i]["signs"]) if s]))
    bad["chambers"][i]["signs"][j] *= -1
    _fails(bad, "witness")


# -- the solve kind (exact/certify.py's format) --------------------------------------------------
def test_solve_certificate_is_checked():
    certify = pytest.importorskip("exact.certify")
    X, y, beta = [[1, 0], [0, 1]], [1, -1], "1/2"
    sol = certify.solve(X, y, beta)
    cert = json.loads(json.dumps(certify.solution_certificate(sol, X, y, beta)))
    ok, msg = verify_certificate(cert)
    assert ok and msg.startswith("valid: ") and "not certified" not in msg, msg
    bad = copy.deepcopy(cert)
    bad["claims"]["lower"] = str(Fraction(bad["claims"]["lower"]) + 1)
    _fails(bad, "bounds")
    bad = copy.deepcopy(cert)
    bad["dual"]["kappa"] = str(Fraction(bad["dual"]["kappa"]) * 4)
    _fails(bad, "dual")
    # without the completeness certificate: consistent, but not a proof (status 3, one line)
    partial = copy.deepcopy(cert)
    del partial["completeness"]
    status, msg = verify(partial)
    assert status == NOT_PROVED and msg.startswith("not proved: ") and "\n" not in msg
    assert verify(cert)[0] == PROVED
    # "completeness": null is no completeness certificate either, and is invalid
    partial["completeness"] = None
    _fails(partial, "completeness")
    del cert["completeness"]["chambers"][0]
    _fails(cert, "completeness")


# -- standard library only -----------------------------------------------------------------------
def test_verifier_imports_only_the_standard_library():
    tree = ast.parse(VERIFY.read_text())
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(a.name.split(".")[0] for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            assert node.level == 0, "no relative imports"
            names.add(node.module.split(".")[0])
    assert names - {"__future__"} <= set(sys.stdlib_module_names), names


def test_verifier_runs_standalone_in_isolated_mode(tmp_path, base):
    """``python -I exact/verify.py``: no project on the path, no site-packages needed."""
    path = tmp_path / "c.json"
    path.write_text(json.dumps(base))
    code = ("import sys, runpy; before = set(sys.modules); "
            f"m = runpy.run_path({str(VERIFY)!r}); "
            f"ok, msg = m['verify_file']({str(path)!r}); "
            "extra = {n.split('.')[0] for n in set(sys.modules) - before}; "
            "print(ok, sorted(extra - set(sys.stdlib_module_names)))")
    out = subprocess.run([sys.executable, "-I", "-c", code], capture_output=True, text=True,
                         cwd=tmp_path, check=True).stdout
    assert out.strip() == "True []"
    r = subprocess.run([sys.executable, "-I", str(VERIFY), str(path)], capture_output=True,
                       text=True, cwd=tmp_path)
    assert r.returncode == 0 and r.stdout.startswith("valid: ")


# -- the command line ------------------------------------------------------------------------------
def test_cli_exit_statuses(tmp_path, base, capsys):
    good = tmp_path / "good.json"
    good.write_text(json.dumps(base))
    assert main(["verify", str(good)]) == 0
    assert capsys.readouterr().out.startswith("valid: ")

    cert = copy.deepcopy(base)
    del cert["chambers"][0]
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(cert))
    assert main(["verify", str(bad)]) == 1
    out = capsys.readouterr().out
    assert out.startswith("closure: ") and out.count("\n") == 1

    assert main(["verify", str(bad), "--json"]) == 1
    report = json.loads(capsys.readouterr().out)
    assert report["valid"] is False and report["kind"] == "arrangement"

    assert main(["verify", str(tmp_path / "missing.json")]) == 2
    err = capsys.readouterr().err
    assert err.startswith("relucvx: error: cannot read") and err.count("\n") == 1

    broken = tmp_path / "broken.json"
    broken.write_text('{"format": ')
    assert main(["verify", str(broken)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("relucvx: error: ") and "malformed JSON" in err
    assert err.count("\n") == 1

    binary = tmp_path / "binary.json"
    binary.write_bytes(b"\xff\xfe\x00")
    assert main(["verify", str(binary)]) == 2
    assert capsys.readouterr().err.startswith("relucvx: error: ")


def test_cli_console_script(tmp_path, base):
    exe = Path(sys.executable).with_name("relucvx")
    if not exe.exists():
        pytest.skip("console script not installed")
    good = tmp_path / "good.json"
    good.write_text(json.dumps(base))
    r = subprocess.run([str(exe), "verify", str(good)], capture_output=True, text=True)
    assert r.returncode == 0 and r.stdout.startswith("valid: ")
    r = subprocess.run([str(exe), "verify", str(tmp_path / "nope.json")], capture_output=True,
                       text=True)
    assert r.returncode == 2 and r.stderr.startswith("relucvx: error: ")
