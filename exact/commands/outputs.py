"""Output paths are checked before any work: a bad ``--certificate`` must not cost a whole solve.

:func:`require_writable` really opens the path for writing (appending, so nothing is
truncated) and removes it again when it did not exist: permissions, read-only file systems,
``/proc``, missing directories and directories given as files are all caught the same way, by
the operating system itself, instead of by guessing from mode bits (which root ignores).
:func:`require_outputs` applies it to the output options of a parsed command line.

>>> import tempfile, os
>>> d = tempfile.mkdtemp()
>>> require_writable(os.path.join(d, "cert.json"), "--certificate")
>>> os.listdir(d)
[]
>>> require_writable(d, "--certificate")
Traceback (most recent call last):
...
arrangement.errors.InputError: --certificate: cannot write ...: it is a directory
"""

from __future__ import annotations

import argparse
import os
from pathlib import Path

from arrangement.errors import InputError
from arrangement.limits import path_text

__all__ = ["OUTPUT_OPTIONS", "require_outputs", "require_writable"]

_PSEUDO = ("/proc", "/sys")

#: The output options of the subcommands: argparse destination -> the flag users type.
OUTPUT_OPTIONS = {"certificate": "--certificate", "net_out": "--net-out", "graph": "--graph"}


def require_writable(path: str, option: str) -> None:
    """Refuse (:class:`InputError`, one line) when ``path`` cannot be written; leave no trace.

    >>> require_writable("/no/such/dir/cert.json", "--certificate")
    Traceback (most recent call last):
    ...
    arrangement.errors.InputError: --certificate: cannot write /no/such/dir/cert.json: the ...
    """
    shown = path_text(path)
    p = Path(path)
    if p.is_dir():
        raise InputError(f"{option}: cannot write {shown}: it is a directory")
    parent = p.parent if str(p.parent) else Path(".")
    if not p.exists() and not parent.is_dir():
        raise InputError(f"{option}: cannot write {shown}: the directory {path_text(parent)} "
                         "does not exist")
    real = os.path.realpath(p)
    if any(real == top or real.startswith(top + os.sep) for top in _PSEUDO):
        # their files open for writing and then refuse the write itself (EINVAL)
        raise InputError(f"{option}: cannot write {shown}: it is in the kernel's pseudo-file "
                         f"system {real.split(os.sep)[1] and os.sep + real.split(os.sep)[1]}")
    existed = p.exists()
    try:
        # O_APPEND without O_TRUNC: an existing file keeps its content until the real write
        fd = os.open(p, os.O_WRONLY | os.O_APPEND | os.O_CREAT | getattr(os, "O_NONBLOCK", 0),
                     0o644)
    except OSError as exc:
        reason = " ".join(str(exc.strerror or exc).split())
        raise InputError(f"{option}: cannot write {shown}: {reason}") from None
    os.close(fd)
    if not existed:
        try:
            os.unlink(p)
        except OSError:  # pragma: no cover - we just created it
            pass


def require_outputs(args: argparse.Namespace) -> None:
    """Check every output option set in ``args`` (see :data:`OUTPUT_OPTIONS`) before any work.

    >>> require_outputs(argparse.Namespace(certificate=None, json=True))
    """
    for dest, option in OUTPUT_OPTIONS.items():
        value = getattr(args, dest, None)
        if value:
            require_writable(value, option)
