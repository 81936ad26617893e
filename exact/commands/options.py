"""Option blocks shared by the subcommands (argparse ``parents=``), so that an option means the
same thing wherever it appears.

- :func:`data_options` — ``DATA`` and ``--target`` (``arrangement``, ``solve``, ``check``);
- :func:`model_options` — ``--beta`` and ``--loss`` (``solve``, ``check``);
- :func:`output_options` — ``--json``: exactly one JSON document on stdout, and no progress
  bar; ``--quiet``: nothing on stderr but errors (no progress bar, notes or warnings; the
  results still go to stdout). Every subcommand that computes something has both;
- :func:`limit_options` — ``--force``: go on above the size limit (an estimate of the number of
  chambers) instead of refusing with exit status 2 (``arrangement``, ``solve``, ``check``).

This module imports nothing heavy: ``relucvx verify`` and ``relucvx examples`` build the whole
parser without importing numpy, sympy or cvxpy. The size limit appears in ``--help`` through the
:data:`LIMIT_MARK` placeholder, filled in by :func:`expand_help` only when help is shown.

>>> p = argparse.ArgumentParser(parents=[data_options(), output_options()])
>>> a = p.parse_args(["example:v1d", "--json", "--quiet"])
>>> a.data, a.target, a.json, a.quiet
('example:v1d', None, True, True)
"""

from __future__ import annotations

import argparse

from exact.losses import LOSS_NAMES

__all__ = ["LIMIT_MARK", "LOSS_CHOICES", "data_options", "expand_help", "limit_options",
           "model_options", "output_options"]

#: The losses the command line offers: the registry's names (exact/losses.py imports neither
#: numpy nor cvxpy, so reading them costs no start-up time).
LOSS_CHOICES = LOSS_NAMES

#: Stands for the default chamber limit in help texts (see :func:`expand_help`).
LIMIT_MARK = "<chamber-limit>"


def data_options(needs_y: bool = False) -> argparse.ArgumentParser:
    """``DATA`` (a file or ``example:NAME``) and ``--target last`` for CSV files.

    >>> argparse.ArgumentParser(parents=[data_options()]).parse_args(["a.csv"]).data
    'a.csv'
    """
    p = argparse.ArgumentParser(add_help=False)
    p.add_argument("data", metavar="DATA",
                   help="a .json/.csv/.npy file or example:NAME" + (" (needs y)" if needs_y
                                                                    else ""))
    p.add_argument("--target", choices=["last"], help="CSV: take the last column as y")
    if needs_y:
        p.add_argument("--y", metavar="FILE", dest="y_file",
                       help="the targets y in a separate .npy (shape n or n x 1) or one-column "
                            ".csv file")
    return p


def model_options() -> argparse.ArgumentParser:
    """``--beta B`` (overrides the file's, parsed exactly) and ``--loss``.

    >>> argparse.ArgumentParser(parents=[model_options()]).parse_args([]).loss
    'squared'
    """
    p = argparse.ArgumentParser(add_help=False)
    p.add_argument("--beta", metavar="B",
                   help="regularisation, overriding the file's (parsed exactly, e.g. 1/10)")
    p.add_argument("--loss", choices=LOSS_CHOICES, default="squared",
                   help="training loss (default squared; docs/MATH.md §11)")
    return p


def output_options() -> argparse.ArgumentParser:
    """``--json`` and ``--quiet`` (module docstring).

    >>> argparse.ArgumentParser(parents=[output_options()]).parse_args(["-q"]).quiet
    True
    """
    p = argparse.ArgumentParser(add_help=False)
    p.add_argument("--json", action="store_true",
                   help="print one JSON document on stdout (no progress bar)")
    p.add_argument("-q", "--quiet", action="store_true",
                   help="nothing on stderr but errors (no progress bar, notes or warnings)")
    return p


def limit_options() -> argparse.ArgumentParser:
    """``--force``: go on above the size limit.

    >>> argparse.ArgumentParser(parents=[limit_options()]).parse_args(["--force"]).force
    True
    """
    p = argparse.ArgumentParser(add_help=False)
    p.add_argument("--force", action="store_true",
                   help=f"go on above the limit of {LIMIT_MARK} estimated chambers "
                        "(default: refuse, exit 2)")
    return p


def expand_help(text: str) -> str:
    """``text`` with :data:`LIMIT_MARK` replaced by the default chamber limit (which lives in
    :mod:`arrangement.core`, imported only here, when help is shown).

    >>> expand_help(f"above {LIMIT_MARK} chambers")
    'above 200,000 chambers'
    """
    if LIMIT_MARK not in text:
        return text
    from arrangement.core import DEFAULT_CHAMBER_LIMIT

    return text.replace(LIMIT_MARK, f"{DEFAULT_CHAMBER_LIMIT:,}")
