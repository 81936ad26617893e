"""`relucvx verify CERT [--max-tol T] [--json]`: check a certificate with the standard-library
verifier.

The checking, the reading of the file and the printing are all done by :mod:`exact.verify`
(:func:`exact.verify.run`), which imports nothing from the project, so ``relucvx verify`` and
``python exact/verify.py`` give the same answer and exit status on every input. The spec is
docs/certificates.md. Exit status: 0 proved (``valid: ...``); 1 invalid (the first failing
check); 2 refused before checking (``relucvx: error: ...`` on stderr: unreadable, not JSON,
duplicate keys, over the verifier's limits); 3 consistent but not a proof (``not proved: ...``,
e.g. no completeness certificate).
"""

from __future__ import annotations

import argparse

from exact.commands.options import output_options


def register(sub: argparse._SubParsersAction) -> None:
    """Add the ``verify`` subcommand to the ``relucvx`` parser."""
    from exact.verify import TOL_CEILING

    p = sub.add_parser(
        "verify", help="check a certificate exactly (standard library only)",
        description="Check a relucvx certificate (.json or .json.gz) with exact rational "
                    "arithmetic (spec: docs/certificates.md). Exit 0 if every claim is proved, "
                    "1 if a check fails (the first failing check is printed), 2 if the file is "
                    "refused before checking, 3 if it is consistent but not a proof.",
        parents=[output_options()])
    p.add_argument("cert", metavar="CERT", help="certificate file (.json or .json.gz)")
    p.add_argument("--max-tol", metavar="T", default=None,
                   help="largest relative tolerance accepted for a verdict 'optimal' "
                        f"(default {TOL_CEILING})")
    p.add_argument("--force", action="store_true",
                   help="check a certificate over the size and work limits (512 MiB of JSON, "
                        "5e8 products; docs/certificates.md §3), however long it takes")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Verify ``args.cert``; the exit status of :func:`exact.verify.run` (0, 1, 2 or 3).

    >>> from exact.cli import main
    >>> main(["verify", "/nonexistent/cert.json"])   # the message goes to stderr
    2
    """
    from exact import verify

    return verify.run(args.cert, args.max_tol, args.json, "relucvx", force=args.force)
