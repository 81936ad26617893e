"""`relucvx verify CERT [--json]`: check a certificate with the standard-library verifier.

The checking is done by :mod:`exact.verify`, which imports nothing from the project, so what
this command reports can be audited by reading that one file (or by running
``python exact/verify.py CERT``). Exit status: 0 and ``valid: ...`` when the certificate is
valid; 1 and the first failing check (one line) when it is not; 2 and
``relucvx: error: ...`` when the file is missing or is not JSON.
"""

from __future__ import annotations

import argparse
import json

from arrangement.errors import InputError
from exact.commands.options import output_options


def register(sub: argparse._SubParsersAction) -> None:
    """Add the ``verify`` subcommand to the ``relucvx`` parser."""
    p = sub.add_parser(
        "verify", help="check a certificate exactly (standard library only)",
        description="Check a relucvx certificate with exact rational arithmetic. Exit 0 if "
                    "valid, 1 if a check fails (the first failing check is printed), 2 if the "
                    "file cannot be read as JSON.",
        parents=[output_options()])
    p.add_argument("cert", metavar="CERT", help="certificate file (JSON)")
    p.set_defaults(func=run)


def load_certificate(path: str) -> object:
    """Parse the JSON certificate at ``path``; :class:`InputError` (exit 2) if that fails.

    >>> load_certificate("/nonexistent/cert.json")
    Traceback (most recent call last):
    ...
    arrangement.errors.InputError: cannot read /nonexistent/cert.json: No such file or directory
    """
    try:
        with open(path, encoding="utf-8") as fh:
            return json.load(fh)
    except OSError as exc:
        raise InputError(f"cannot read {path}: {exc.strerror}") from None
    except UnicodeDecodeError:
        raise InputError(f"{path}: not a UTF-8 text file") from None
    except json.JSONDecodeError as exc:
        raise InputError(f"{path}: malformed JSON: {exc.msg} (line {exc.lineno}, "
                         f"column {exc.colno})") from None
    except RecursionError:
        raise InputError(f"{path}: malformed JSON: nested too deeply") from None
    except ValueError as exc:  # e.g. an integer with more digits than Python parses
        raise InputError(f"{path}: malformed JSON: {' '.join(str(exc).split())}") from None


def run(args: argparse.Namespace) -> int:
    """Verify ``args.cert``; return 0 (valid) or 1 (invalid); InputError (2) if unreadable.

    >>> from exact.cli import main
    >>> main(["verify", "/nonexistent/cert.json"])   # the message goes to stderr
    2
    """
    from exact.verify import verify_certificate

    cert = load_certificate(args.cert)
    ok, message = verify_certificate(cert)  # type: ignore[arg-type]
    if args.json:
        kind = cert.get("kind") if isinstance(cert, dict) else None
        print(json.dumps({"valid": ok, "kind": kind, "message": message}))
    else:
        print(message)
    return 0 if ok else 1
