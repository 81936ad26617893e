"""The forgery corpus (tests/forgeries/, built by tests/forgeries/build.py, build_conv.py and
build_relu3.py): every forged certificate of every kind (arrangement, solve, check, the CNN and
relu3 models) is rejected with the status and check listed in the one manifest MANIFEST.json
(tests/forgeries/manifest.py), by every entry point (``relucvx verify``, the standalone
``python exact/verify.py`` and the library calls ``verify_path`` / ``verify(load_file(...))``),
and the genuine ones pass.

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
from tests.cli_run import cli
from tests.forgeries import manifest as M

HERE = M.HERE
ROOT = HERE.parents[1]
MANIFEST = M.load()
GENUINE = sorted(HERE.glob("genuine-*.json"))
# floors per family (the first word of an entry's base) and per base: the corpus only grows
FAMILY_FLOORS = {"arrangement": 35, "solve": 31, "check": 23, "conv": 38, "conv2d": 8,
                 "relu3": 22}
BASE_FLOORS = {"relu3-hinge": 7, "conv-check-bad": 8, "conv-check-opt": 8, "check-hinge": 3,
               "arrangement-subcones": 6}
# the longest line the verifier may print (a CNN's "not proved" repeats its whole summary)
LONGEST = {"conv": 500, "conv2d": 500}
# what the verifier's line says of a genuine certificate, by its family
GENUINE_SAYS = {"conv": "CNN", "conv2d": "CNN", "relu3": "three-layer"}


def test_corpus_size_and_coverage():
    """At least 40 forgeries of the three two-layer kinds and the floors of every family, each
    entry with its fields and a reason; the manifest and the directory list the same files."""
    assert len([e for e in MANIFEST if M.family(e) in M.BUILDERS["build"]]) >= 40
    families = {M.family(e) for e in MANIFEST}
    assert families == set(FAMILY_FLOORS) == {f for fs in M.BUILDERS.values() for f in fs}
    for fam, floor in FAMILY_FLOORS.items():
        assert sum(M.family(e) == fam for e in MANIFEST) >= floor, fam
    for base, floor in BASE_FLOORS.items():
        assert sum(e["base"] == base for e in MANIFEST) >= floor, base
    for e in MANIFEST:
        assert tuple(e) == M.FIELDS and e["why"] and e["status"] in (1, 2, 3), e
        assert e["status"] != 1 or e["check"], e
    files = [e["file"] for e in MANIFEST]
    assert len(set(files)) == len(files)
    on_disk = {p.name for p in HERE.glob("*.json")} - {p.name for p in GENUINE} - {M.PATH.name}
    assert on_disk == set(files)
    # every base of an entry is a genuine certificate of the corpus or of its family
    genuine = {p.name for p in GENUINE}
    assert all(any(g.startswith(f"genuine-{M.family(e)}") for g in genuine) for e in MANIFEST)


def test_manifest_writer_keeps_the_other_builders_entries(tmp_path, monkeypatch):
    """Each builder rewrites its own families in place: rewriting them unchanged gives the same
    file byte for byte, and a changed part leaves the others' entries and order alone."""
    before = M.PATH.read_text(encoding="utf-8")
    monkeypatch.setattr(M, "PATH", tmp_path / "MANIFEST.json")
    M.PATH.write_text(before, encoding="utf-8")
    for builder, fams in M.BUILDERS.items():
        M.write([e for e in MANIFEST if M.family(e) in fams], builder)
        assert M.PATH.read_text(encoding="utf-8") == before, builder
    conv = [e for e in MANIFEST if M.family(e) in M.BUILDERS["build_conv"]]
    M.write(conv[:1], "build_conv")
    after = M.load()
    assert [e for e in after if M.family(e) not in ("conv", "conv2d")] == [
        e for e in MANIFEST if M.family(e) not in ("conv", "conv2d")]
    assert [e for e in after if M.family(e) in ("conv", "conv2d")] == conv[:1]
    with pytest.raises(ValueError, match="outside its families"):
        M.write(conv[:1], "build_relu3")


def _run(capsys, *argv) -> tuple[int, str, str]:
    return cli(capsys, "verify", *argv)


@pytest.mark.parametrize("entry", MANIFEST, ids=[e["file"] for e in MANIFEST])
def test_forgery_is_rejected(entry, capsys):
    path = str(HERE / entry["file"])
    code, out, err = _run(capsys, path)
    assert code == entry["status"], (out, err, entry["why"])
    line = (out or err).rstrip("\n")
    assert "\n" not in line and len(line) < LONGEST.get(M.family(entry), 400), len(line)
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
    # the library calls: the same status, and for a read document the same line
    lib = V.verify_path(path)
    assert lib[0] == code, lib
    if code != V.REFUSED:
        assert lib[1] == line and V.verify(V.load_file(path)) == (code, line)


@pytest.mark.parametrize("path", GENUINE, ids=[p.name for p in GENUINE])
def test_genuine_certificates_are_proved(path, capsys):
    code, out, _ = _run(capsys, str(path))
    assert code == V.PROVED and out.startswith("valid: "), out
    assert V.verify_path(str(path))[:2] == (code, out.rstrip("\n"))
    family = path.name.removeprefix("genuine-").split("-")[0].removesuffix(".json")
    assert GENUINE_SAYS.get(family, "") in out, out
    if path.name.startswith("genuine-relu3-hinge"):
        assert "hinge loss" in out, out


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
