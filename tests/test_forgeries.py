"""The forgery corpus (tests/forgeries/, built by tests/forgeries/build.py): every forged
certificate is rejected with the status and check listed in MANIFEST.json, by both entry points
(``relucvx verify`` and the standalone ``python exact/verify.py``), and the genuine ones pass.

Run: ``.venv/bin/pytest --hypothesis-profile=ci tests/test_forgeries.py``.
"""

from __future__ import annotations

import json
import subprocess
import sys
from fractions import Fraction
from pathlib import Path

import pytest

from exact import verify as V
from exact.cli import main

HERE = Path(__file__).resolve().parent / "forgeries"
ROOT = HERE.parents[1]
MANIFEST = json.loads((HERE / "MANIFEST.json").read_text())
GENUINE = sorted(HERE.glob("genuine-*.json"))


def test_corpus_size_and_coverage():
    """At least 40 forgeries, of all three kinds, each with a reason."""
    assert len(MANIFEST) >= 40
    bases = {e["base"].split("-")[0] for e in MANIFEST}
    assert bases == {"arrangement", "solve", "check"}
    assert all(e["why"] and e["status"] in (1, 2, 3) for e in MANIFEST)


def _run(capsys, *argv) -> tuple[int, str, str]:
    code = main(["verify", *argv])
    out = capsys.readouterr()
    return code, out.out, out.err


@pytest.mark.parametrize("entry", MANIFEST, ids=[e["file"] for e in MANIFEST])
def test_forgery_is_rejected(entry, capsys):
    path = str(HERE / entry["file"])
    code, out, err = _run(capsys, path)
    assert code == entry["status"], (out, err, entry["why"])
    line = (out or err).rstrip("\n")
    assert "\n" not in line and len(line) < 400
    if code == V.REFUSED:
        assert err.startswith("relucvx: error: ") and not out
    elif code == V.NOT_PROVED:
        assert out.startswith("not proved: ")
    else:
        assert out.split(":")[0] == entry["check"], (out, entry)
    # the standalone entry point agrees exactly (status and line, up to the program name)
    code2 = V.main([path], prog="relucvx")
    out2 = capsys.readouterr()
    assert (code2, out2.out, out2.err) == (code, out, err)


@pytest.mark.parametrize("path", GENUINE, ids=[p.name for p in GENUINE])
def test_genuine_certificates_are_proved(path, capsys):
    code, out, _ = _run(capsys, str(path))
    assert code == V.PROVED and out.startswith("valid: "), out


def test_vacuous_tolerance_needs_max_tol(capsys):
    """tol = 1 is above the ceiling; with ``--max-tol 1`` it is accepted, and ε is printed."""
    path = str(HERE / "check-vacuous-tol.json")
    code, out, _ = _run(capsys, path)
    assert code == V.INVALID and "ceiling" in out
    code, out, _ = _run(capsys, path, "--max-tol", "1")
    cert = json.loads(Path(path).read_text())
    eps = Fraction(cert["claims"]["epsilon"])
    assert code == V.PROVED and f"epsilon = {eps} " in out, out  # ε is short here
    code, _, err = _run(capsys, path, "--max-tol", "-1")
    assert code == V.REFUSED and err.startswith("relucvx: error: --max-tol")


def test_standalone_script_agrees_in_a_subprocess(tmp_path):
    """``python -I exact/verify.py`` (no project on the path) gives the same status on the
    whole corpus; one process runs the loop through runpy to keep the test quick."""
    files = [str(HERE / e["file"]) for e in MANIFEST] + [str(p) for p in GENUINE]
    code = ("import sys, runpy, json; m = runpy.run_path(sys.argv[1]); "
            "print(json.dumps([m['verify_path'](f)[0] for f in sys.argv[2:]]))")
    r = subprocess.run([sys.executable, "-I", "-c", code, str(ROOT / "exact" / "verify.py"),
                        *files], capture_output=True, text=True, check=True, cwd=tmp_path)
    statuses = json.loads(r.stdout)
    want = [e["status"] for e in MANIFEST] + [V.PROVED] * len(GENUINE)
    assert statuses == want
