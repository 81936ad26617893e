"""A new user's first day: the Makefile's setup, the CLI's options and messages (issue 9)."""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

needs_make = pytest.mark.skipif(shutil.which("make") is None, reason="needs make")


def _fake_apt(tmp_path: Path) -> tuple[dict, Path]:
    """A PATH whose apt-get and sudo only log their arguments, so sysdeps can be run safely."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    log = tmp_path / "apt.log"
    for name in ("apt-get", "sudo"):
        script = bin_dir / name
        script.write_text(f'#!/bin/sh\necho "{name} $*" >> {log}\n')
        script.chmod(script.stat().st_mode | stat.S_IEXEC)
    return {**os.environ, "PATH": f"{bin_dir}:{os.environ['PATH']}"}, log


def _sysdeps(tmp_path: Path, include: Path, venv: Path) -> tuple[subprocess.CompletedProcess,
                                                                    str]:
    env, log = _fake_apt(tmp_path)
    proc = subprocess.run(["make", "--no-print-directory", "-C", str(ROOT), "sysdeps",
                           f"INCLUDE={include}", f"VENV={venv}", f"PYTHON={sys.executable}"],
                          env=env, capture_output=True, text=True, timeout=60)
    return proc, log.read_text() if log.exists() else ""


@needs_make
def test_sysdeps_accepts_debian_multiarch_gmp_header(tmp_path):
    # Debian: cdd.h under cddlib/ (or cdd/), gmp.h only under the multiarch directory
    inc = tmp_path / "include"
    (inc / "cddlib").mkdir(parents=True)
    (inc / "cddlib" / "cdd.h").write_text("")
    (inc / "x86_64-linux-gnu").mkdir()
    (inc / "x86_64-linux-gnu" / "gmp.h").write_text("")
    proc, log = _sysdeps(tmp_path, inc, tmp_path / "no-venv")
    assert proc.returncode == 0, proc.stderr
    assert log == "" and proc.stdout == ""  # nothing missing: no apt-get, no sudo, no output


@needs_make
def test_sysdeps_installs_only_what_is_missing(tmp_path):
    inc = tmp_path / "include"
    (inc / "cdd").mkdir(parents=True)
    (inc / "cdd" / "cdd.h").write_text("")
    proc, log = _sysdeps(tmp_path, inc, tmp_path / "no-venv")
    assert proc.returncode == 0, proc.stderr
    assert "libgmp-dev" in log and "libcdd-dev" not in log
    assert "needs: libgmp-dev" in proc.stdout


@needs_make
def test_sysdeps_skipped_when_the_venv_imports_cdd_gmp(tmp_path):
    pytest.importorskip("cdd.gmp")
    empty = tmp_path / "include"
    empty.mkdir()
    proc, log = _sysdeps(tmp_path, empty, Path(sys.prefix))  # this venv's pycddlib works
    assert proc.returncode == 0 and log == ""


def test_makefile_registers_no_user_wide_kernel():
    text = (ROOT / "Makefile").read_text()
    assert "--user" not in text and "--sys-prefix" in text
    assert "pip install -q" not in text  # the first run shows pip's progress
