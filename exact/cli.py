"""The ``relucvx`` command line.

Each subcommand lives in its own module of :mod:`exact.commands` exposing ``register(sub)`` (add
its parser) and ``run(args) -> int``; the option blocks they share (``DATA``, ``--beta``/``--loss``,
``--json``/``--quiet``, ``--force``) come from :mod:`exact.commands.options`. Errors derived from
:class:`arrangement.errors.RelucvxError` become one line on stderr and a nonzero exit status.
``--quiet`` is applied here, the same way for every subcommand: while it runs, stderr lets through
only the lines that report an error (:class:`ErrorsOnly`), and C-level writes to descriptor 2
(cddlib) are dropped (:func:`exact.quiet.c_stderr_silenced`).

Subcommands of the packages above ``exact`` (``relucvx fuzz``, from :mod:`properties.command`)
arrive through the entry points of :data:`PLUGIN_GROUP` (:func:`plugin_commands`).

Building the parser imports only the command modules, which import their heavy dependencies
(numpy, sympy, cvxpy) inside ``run``: ``relucvx verify`` and ``relucvx examples`` start without
them.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib
import io
import re
import sys
from typing import NoReturn, TextIO

from arrangement.errors import RelucvxError

COMMANDS = ("arrangement", "examples", "solve", "check", "verify", "demo")

#: The entry-point group through which packages above ``exact`` add subcommands: ``properties``
#: adds ``fuzz`` (``[project.entry-points."relucvx.commands"]`` in pyproject.toml), so that
#: ``exact`` never imports the package built on it.
PLUGIN_GROUP = "relucvx.commands"

DESCRIPTION = ("Exact, certified analysis of two-layer ReLU networks: the chambers of the data's "
               "hyperplane arrangement, certified global optima, 'is this network optimal?', "
               "and certificates a standard-library checker verifies.")
EPILOG = ("Start with 'relucvx demo' or 'relucvx examples'; 'relucvx COMMAND --help' shows a "
          "command's options. Exit status 2 means bad input (one line on stderr).")


def plain(text: str) -> str:
    """Help text without the reStructuredText markup of the docstrings it is taken from.

    >>> plain("``relucvx solve DATA``: see :func:`exact.certify.solve` and `relucvx verify`")
    "relucvx solve DATA: see exact.certify.solve and 'relucvx verify'"
    """
    text = re.sub(r":[a-z]+:`~?([^`]*)`", r"\1", text)
    text = text.replace("``", "")
    return re.sub(r"`([^`]*)`", r"'\1'", text)


def plural(k: int, word: str, many: str | None = None) -> str:
    """``k word`` with the word in the plural unless ``k`` is 1 (``many`` for irregular ones).

    >>> plural(1, "vertex", "vertices"), plural(4, "vertex", "vertices"), plural(0, "row")
    ('1 vertex', '4 vertices', '0 rows')
    """
    return f"{k} {word if k == 1 else many or word + 's'}"


def version() -> str:
    """The installed package's version (``relucvx --version``).

    >>> version()[0].isdigit() or version() == "unknown (not installed)"
    True
    """
    from importlib.metadata import PackageNotFoundError
    from importlib.metadata import version as dist_version

    try:
        return dist_version("relucvx")
    except PackageNotFoundError:
        return "unknown (not installed)"


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:  # one line, exit 2, like every other bad input
        self.exit(2, f"relucvx: error: {message}\n")

    def format_help(self) -> str:
        from exact.commands.options import expand_help

        return expand_help(plain(super().format_help()))

    def format_usage(self) -> str:
        return plain(super().format_usage())


ERROR_PREFIXES = ("relucvx: error:", "relucvx: fuzz error:", "relucvx: internal error:",
                  "relucvx: interrupted")


class ErrorsOnly(io.TextIOBase):
    """What stderr becomes under ``--quiet``: whole lines starting with one of
    :data:`ERROR_PREFIXES` pass to ``stream``; progress bars (drawn with ``\\r``), notes and
    warnings are dropped.

    >>> out = io.StringIO()
    >>> q = ErrorsOnly(out)
    >>> _ = q.write("\\rbar [##..] 1/2"); _ = q.write("\\rrelucvx: error: bad\\nnote: hi\\n")
    >>> out.getvalue()
    'relucvx: error: bad\\n'
    """

    def __init__(self, stream: TextIO):
        self.stream = stream
        self._pending = ""

    def writable(self) -> bool:
        return True

    def isatty(self) -> bool:  # no progress bar is drawn into it
        return False

    def write(self, text: str) -> int:
        self._pending += text
        while "\n" in self._pending:
            line, self._pending = self._pending.split("\n", 1)
            line = line.rsplit("\r", 1)[-1]  # what a terminal would show of a redrawn line
            if line.startswith(ERROR_PREFIXES):
                self.stream.write(line + "\n")
        return len(text)

    def flush(self) -> None:
        self.stream.flush()


def plugin_commands() -> dict[str, str]:
    """The subcommands that installed packages add through :data:`PLUGIN_GROUP`: name -> module.

    Each module exposes ``register(sub)`` and ``run(args)`` as those of :mod:`exact.commands` do.

    >>> plugin_commands().get("fuzz")
    'properties.command'
    """
    from importlib.metadata import entry_points

    return {ep.name: ep.value for ep in entry_points(group=PLUGIN_GROUP)
            if ep.name not in COMMANDS}


class _VersionAction(argparse.Action):
    """``--version``: the installed version is looked up only when asked for (the package
    metadata lookup was a tenth of the parser's build)."""

    def __init__(self, option_strings: list[str], dest: str = argparse.SUPPRESS,
                 default: str = argparse.SUPPRESS, help: str | None = None):
        super().__init__(option_strings=option_strings, dest=dest, default=default, nargs=0,
                         help=help or "show program's version number and exit")

    def __call__(self, parser: argparse.ArgumentParser, namespace: object, values: object,
                 option_string: str | None = None) -> NoReturn:
        print(f"relucvx {version()}")  # on stdout, as argparse's own version action does
        parser.exit()


def build_parser(only: str | None = None) -> argparse.ArgumentParser:
    """The ``relucvx`` parser with every subcommand registered, or only the built-in command
    ``only`` (:data:`COMMANDS`; :func:`main` passes the command it was given, so that a small
    ``relucvx solve`` does not build eleven parsers and scan the entry points for plugins).

    >>> build_parser().parse_args(["examples"]).command
    'examples'
    >>> build_parser("solve").parse_args(["solve", "data.json"]).command
    'solve'
    """
    parser = _Parser(prog="relucvx", description=DESCRIPTION, epilog=EPILOG)
    parser.add_argument("--version", action=_VersionAction)
    sub = parser.add_subparsers(dest="command", title="commands",
                                parser_class=_Parser)
    if only is not None and only not in COMMANDS:
        raise ValueError(f"not a built-in command: {only!r}")
    for name in COMMANDS if only is None else (only,):
        importlib.import_module(f"exact.commands.{name}").register(sub)
    if only is None:
        for module in sorted(plugin_commands().values()):
            importlib.import_module(module).register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run ``relucvx`` with ``argv``; return the exit status. Without a command it prints the
    usage and the list of commands on stdout, the usual one-line error on stderr, and returns
    2."""
    words = sys.argv[1:] if argv is None else argv
    # a built-in command first: only its parser (anything else, e.g. --help, a plugin or a
    # misspelt command, gets the full parser and its list of commands)
    parser = build_parser(words[0] if words and words[0] in COMMANDS else None)
    args = parser.parse_args(words)
    if args.command is None:
        parser.print_help()
        print("relucvx: error: no command given (the commands are listed above)",
              file=sys.stderr)
        return 2
    stderr = sys.stderr
    silenced = contextlib.ExitStack()
    if getattr(args, "quiet", False):
        from exact.quiet import c_stderr_silenced

        # C libraries (cddlib) write to descriptor 2 directly, past ErrorsOnly
        sys.stderr = ErrorsOnly(silenced.enter_context(c_stderr_silenced(stderr)))
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
    finally:  # an unexpected traceback is printed on the real stderr, after main returns
        sys.stderr = stderr
        silenced.close()


if __name__ == "__main__":
    sys.exit(main())
