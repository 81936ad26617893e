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
    """Explicit multipliers ``D, μ`` for every class (the tests below edit them)."""
    cert = json.loads(json.dumps(completeness_certificate(Arrangement(X0), subcones=False)))
    assert verify_certificate(cert)[0]
    assert all(x >= 0 for ch in cert["chambers"] for x in ch[2])
    return cert


@pytest.fixture(scope="module")
def sub() -> dict:
    """The default form: a simplicial subcone ``−S`` per class wherever one holds it."""
    cert = json.loads(json.dumps(completeness_certificate(Arrangement(X0))))
    assert verify_certificate(cert)[0]
    assert any(x < 0 for ch in cert["chambers"] for x in ch[2])
    return cert


def _fails(cert: dict, check: str) -> str:
    ok, msg = verify_certificate(cert)
    assert not ok, msg
    assert msg.split(":")[0] == check, msg
    assert "\n" not in msg
    return msg


def _nonzero_multiplier(cert: dict) -> tuple[int, int]:
    """(chamber, position in its farkas list) of a nonzero multiplier (not a D)."""
    for i, (_, F, K) in enumerate(cert["chambers"]):
        step = len(F) + 1
        for t, x in enumerate(K):
            if t % step and x:
                return i, t
    raise AssertionError("no nonzero multiplier")


def _classes(X):
    """Independent oracle: class normals (first row of each parallel class, integer data)."""
    normals = []
    for x in X:
        if not any(x):
            continue
        if not any(all(a * y[t] == b * x[t] for t in range(len(x)) for a, b in [(x[i], y[i])])
                   for y in normals for i in [next(k for k, v in enumerate(x) if v)]):
            normals.append(x)
    return normals


def _signs(X, w) -> list[int]:
    out = []
    for x in X:
        v = sum(Fraction(a) * Fraction(b) for a, b in zip(x, w))
        out.append((v > 0) - (v < 0))
    return out


# -- corruptions ---------------------------------------------------------------------------------
def test_valid_summary(base):
    ok, msg = verify_certificate(base)
    assert ok and msg.startswith("valid: the ") and "8 × 3" in msg and "5 hyperplanes" in msg
    assert len(_classes(X0)) == 5


def test_drop_a_chamber(base):
    for i in range(len(base["chambers"])):
        cert = copy.deepcopy(base)
        del cert["chambers"][i]
        _fails(cert, "closure")


def test_move_a_witness_into_another_chamber(base):
    cert = copy.deepcopy(base)
    cert["chambers"][0][0] = list(cert["chambers"][1][0])
    _fails(cert, "distinct")
    cert = copy.deepcopy(base)
    cert["chambers"][0][0] = [-x for x in cert["chambers"][0][0]]  # the antipodal chamber
    _fails(cert, "distinct")


def test_witness_on_a_hyperplane(base):
    for w in ([0, 0, 0], [1, 5, -1], [3, 1, -1]):  # on every hyperplane; on x_0; on x_1
        assert 0 in _signs(X0, w)
        cert = copy.deepcopy(base)
        cert["chambers"][0][0] = w
        _fails(cert, "witness")


def test_change_a_farkas_multiplier(base):
    cert = copy.deepcopy(base)
    i, t = _nonzero_multiplier(cert)
    cert["chambers"][i][2][t] *= 2
    assert "D sigma_k N_k" in _fails(cert, "farkas")


def test_negative_farkas_multiplier_and_zero_denominator(base):
    cert = copy.deepcopy(base)
    i, t = _nonzero_multiplier(cert)
    cert["chambers"][i][2][t] *= -1
    _fails(cert, "farkas")
    cert = copy.deepcopy(base)
    i, _ = _nonzero_multiplier(cert)
    cert["chambers"][i][2][0] = 0  # D = 0 proves nothing
    _fails(cert, "farkas")


def _subcone_entry(cert: dict) -> tuple[int, int]:
    """(chamber, position) of a subcone entry −S in a chamber with more than d facets."""
    for i, (_, F, K) in enumerate(cert["chambers"]):
        if len(F) > 3 and K and K[0] < 0:
            return i, 0
    raise AssertionError("no chamber with more than d facets")


def test_subcone_entries(sub):
    from itertools import combinations

    i, t = _subcone_entry(sub)
    F = sub["chambers"][i][1]
    mask = -sub["chambers"][i][2][t]
    # every other d-subset of the facets: accepted exactly when it holds the class (oracle:
    # Fraction solve of the 3 × 3 system with the signs of the witness)
    w = sub["chambers"][i][0]
    others = [c for c in range(5) if c not in F]
    k = others[0]
    normals = _classes(X0)
    sgn = [(v > 0) - (v < 0) for v in (sum(a * b for a, b in zip(nrm, w)) for nrm in normals)]
    seen = set()
    for cols in combinations(range(len(F)), 3):
        S = sum(1 << c for c in cols)
        A = [[Fraction(sgn[F[c]] * x) for x in normals[F[c]]] for c in cols]
        b = [Fraction(sgn[k] * x) for x in normals[k]]
        mu = _solve3(A, b)
        want = mu is not None and all(v >= 0 for v in mu)
        cert = copy.deepcopy(sub)
        cert["chambers"][i][2][t] = -S
        ok, msg = verify_certificate(cert)
        assert ok == want, (cols, msg)
        if not ok:
            assert msg.startswith("farkas:") and "subcone" in msg
        seen.add(want)
    assert seen == {True, False} and mask
    # not d bits, beyond the facets, zero
    for S in (1, (1 << len(F)) - 1, 1 << len(F) | 7):
        cert = copy.deepcopy(sub)
        cert["chambers"][i][2][t] = -S
        _fails(cert, "farkas")
    cert = copy.deepcopy(sub)
    cert["chambers"][i][2][t] = 0  # now an explicit block with D = 0 (and too short)
    _fails(cert, "farkas")


def _solve3(A, b):
    """μ with Σ μ_t A_t = b (Fractions, Cramer), or None when A is singular."""
    def det(M):
        return (M[0][0] * (M[1][1] * M[2][2] - M[1][2] * M[2][1])
                - M[0][1] * (M[1][0] * M[2][2] - M[1][2] * M[2][0])
                + M[0][2] * (M[1][0] * M[2][1] - M[1][1] * M[2][0]))
    M = [list(col) for col in zip(*A)]  # columns = the A_t
    D = det(M)
    if D == 0:
        return None
    out = []
    for t in range(3):
        Mt = [row[:t] + [b[r]] + row[t + 1:] for r, row in enumerate(M)]
        out.append(det(Mt) / D)
    return out


def test_farkas_list_of_the_wrong_length(base):
    cert = copy.deepcopy(base)
    i, _ = _nonzero_multiplier(cert)
    cert["chambers"][i][2].pop()
    _fails(cert, "farkas")


def test_dropped_facet_is_caught(base):
    cert = copy.deepcopy(base)
    i, ch = next((i, ch) for i, ch in enumerate(cert["chambers"]) if len(ch[1]) >= 3)
    F = ch[1]
    f = F.pop()
    # re-layout the multipliers for the smaller facet list and claim the dropped class too
    m = 5
    step = len(F) + 2
    blocks = [ch[2][t:t + step] for t in range(0, len(ch[2]), step)]
    others = [k for k in range(m) if k not in F + [f]]
    new = {k: [blk[0]] + blk[1:-1] for k, blk in zip(others, blocks)}
    new[f] = [1] + [1] * len(F)
    ch[2] = [x for k in sorted(new) for x in new[k]]
    _fails(cert, "farkas")


def test_redundant_facet_is_caught(base):
    cert = copy.deepcopy(base)
    i, ch = next((i, ch) for i, ch in enumerate(cert["chambers"]) if len(ch[1]) < 5)
    F = ch[1]
    k = min(set(range(5)) - set(F))
    # claim a non-facet class as a facet: its flip is no chamber
    step = len(F) + 1
    others = [c for c in range(5) if c not in F]
    blocks = {c: ch[2][t * step:(t + 1) * step] for t, c in enumerate(others)}
    del blocks[k]
    F2 = sorted(F + [k])
    pos = F2.index(k)
    ch[1] = F2
    ch[2] = [x for c in sorted(blocks) for x in blocks[c][:1 + pos] + [0] + blocks[c][1 + pos:]]
    _fails(cert, "closure")


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
    cert["chambers"][0][0][0] = "1"  # witnesses are JSON integers
    _fails(cert, "chambers")
    cert = copy.deepcopy(base)
    cert["chambers"][0][0][0] = True
    _fails(cert, "chambers")
    cert = copy.deepcopy(base)
    cert["chambers"] = []
    _fails(cert, "chambers")
    cert = copy.deepcopy(base)
    cert["chambers"][0].pop()
    _fails(cert, "chambers")
    cert = copy.deepcopy(base)
    cert["chambers"][0][1].reverse()
    _fails(cert, "facet")
    cert = copy.deepcopy(base)
    cert["note"] = "trust me"  # a field nothing checks is rejected
    assert "unknown field 'note'" in _fails(cert, "fields")


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
    # the listed chambers are the chambers (independent oracle: Arrangement's sign vectors)
    listed = {tuple(_signs(rows, ch[0])) for ch in cert["chambers"]}
    assert listed == {c.signs for c in Arrangement(rows).chambers()}
    p = len(cert["chambers"])
    assume(p >= 2)
    i = data.draw(st.integers(0, p - 1))
    bad = copy.deepcopy(cert)
    del bad["chambers"][i]
    _fails(bad, "closure")
    bad = copy.deepcopy(cert)
    bad["chambers"][i][0] = [-x for x in bad["chambers"][i][0]]
    _fails(bad, "distinct")


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
