"""The ``relucvx`` command line.

Each subcommand lives in its own module of :mod:`exact.commands` exposing ``register(sub)`` (add
its parser) and ``run(args) -> int``. Errors derived from
:class:`arrangement.errors.RelucvxError` become one line on stderr and a nonzero exit status.
"""

from __future__ import annotations

import argparse
import importlib
import sys

from arrangement.errors import RelucvxError

COMMANDS = ("arrangement", "examples", "solve", "check", "verify", "demo", "fuzz")


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # one line, exit 2, like every other bad input
        self.exit(2, f"relucvx: error: {message}\n")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="relucvx", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    for name in COMMANDS:
        importlib.import_module(f"exact.commands.{name}").register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.func(args) or 0)
    except RelucvxError as exc:
        print(f"relucvx: error: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("relucvx: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:  # e.g. `relucvx fuzz --list | head`: the reader left, not an error
        import os

        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0


if __name__ == "__main__":
    sys.exit(main())
