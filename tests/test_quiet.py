"""cddlib's C-level stderr (issue 9 item 8): its float pre-solve's pivot-cap line is dropped
around every exact LP, and ``--quiet`` silences every C-level write to descriptor 2 while the
one-line errors still arrive.

cddlib's GMP build solves each LP first in doubles and prints ``... Most likely due to the
floating-point arithmetics error.`` when that float run hits its pivot cap
(:mod:`arrangement.quiet`); no producer calls the float backend ``cdd`` itself. A real cycling
LP is hard to build on purpose, so the C library's write is planted: a wrapper around
``cdd.gmp.linprog_solve`` (or a command's work) writes to descriptor 2 first, as cddlib does.

Run: ``PYTHONPATH=. .venv/bin/pytest --hypothesis-profile=ci tests/test_quiet.py``.
"""

from __future__ import annotations

import ast
import os
from fractions import Fraction
from pathlib import Path

import cdd.gmp

import arrangement.certificate as certificate
import exact.commands.examples as examples
from exact.cli import main
from exact.quiet import c_stderr_silenced

ROOT = Path(__file__).resolve().parent.parent
PIVOT = (b"max number 40 of pivots performed by the criss-cross method. Most likely due to the "
         b"floating-point arithmetics error.\n")


def test_the_exact_lp_of_the_completeness_certificate_drops_the_pivot_line(monkeypatch, capfd):
    real = cdd.gmp.linprog_solve

    def noisy(*a, **k):
        os.write(2, PIVOT + b"a line cddlib means\n")
        return real(*a, **k)

    monkeypatch.setattr(cdd.gmp, "linprog_solve", noisy)
    mu = certificate._lp_multipliers([(1, 0), (0, 1), (1, 1)], (2, 3))
    assert mu is not None and all(m >= 0 for m in mu)
    assert mu[0] * 1 + mu[2] == 2 and mu[1] + mu[2] == 3  # the LP is still exact
    assert all(isinstance(m, Fraction) for m in mu)
    err = capfd.readouterr().err
    assert "floating-point" not in err and "a line cddlib means" in err


def test_no_producer_calls_the_float_backend():
    """Every cddlib call of the producers goes through ``cdd.gmp`` (exact): an attribute of the
    bare ``cdd`` module is only ever an enum (RepType, LPObjType, ...), never a function."""
    enums = {"RepType", "LPObjType", "LPSolverType", "LPStatusType"}
    seen = 0
    for path in [*ROOT.glob("arrangement/*.py"), *ROOT.glob("exact/*.py"),
                 *ROOT.glob("exact/commands/*.py"), *ROOT.glob("properties/*.py")]:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if (isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name)
                    and node.value.id == "cdd"):
                seen += 1
                assert node.attr in enums | {"gmp"}, f"{path.name}: cdd.{node.attr}"
    assert seen > 0


def test_quiet_silences_c_level_stderr_and_keeps_errors(monkeypatch, capfd):
    real = examples._listing

    def noisy():
        os.write(2, PIVOT + b"some other C library line\n")
        return real()

    monkeypatch.setattr(examples, "_listing", noisy)
    assert main(["examples", "-q"]) == 0
    out, err = capfd.readouterr()
    assert "v1d" in out and err == ""
    assert main(["examples"]) == 0  # without --quiet a C library's own lines stay visible
    assert "some other C library line" in capfd.readouterr().err
    assert main(["examples", "no-such-example", "-q"]) == 2
    assert capfd.readouterr().err.startswith("relucvx: error:")
    os.write(2, b"descriptor 2 is back\n")  # restored after main returns
    assert "descriptor 2 is back" in capfd.readouterr().err


def test_c_stderr_silenced_passes_an_in_memory_stream_through():
    import io

    buf = io.StringIO()
    with c_stderr_silenced(buf) as err:
        os.write(2, b"dropped\n")
        err.write("kept\n")
    assert err is buf and buf.getvalue() == "kept\n"
