"""`relucvx examples`: list the built-in instances (use them as ``example:NAME``).

``relucvx examples`` prints one line per example (name, n, d, description); ``--json`` prints a
JSON list instead. ``relucvx examples NAME`` prints that instance as a JSON data file, a template
for one's own data (``relucvx examples v1d > mine.json``).
"""

from __future__ import annotations

import argparse
import json

from arrangement.examples import EXAMPLES, example_info
from arrangement.rational import format_fraction
from exact.commands.options import output_options


def register(sub: argparse._SubParsersAction) -> None:
    """Add the ``examples`` subcommand to the CLI's subparsers."""
    p = sub.add_parser(
        "examples",
        help="list the built-in examples (use them as example:NAME)",
        description="List the built-in instances; use them as DATA with example:NAME.",
        parents=[output_options()],
    )
    p.add_argument("name", nargs="?", help="print this example as a JSON data file")
    p.set_defaults(func=run)


def _listing() -> list[dict]:
    out = []
    for name, info in EXAMPLES.items():
        inst = info.builder()
        out.append({
            "name": name,
            "n": inst.n,
            "d": inst.d,
            "description": info.description,
            "expected_chambers": info.expected_chambers,
            "p_star": None if info.p_star is None else format_fraction(info.p_star),
        })
    return out


def run(args: argparse.Namespace) -> int:
    """List the examples, or print one of them as JSON data.

    >>> run(argparse.Namespace(name=None, json=False))  # doctest: +ELLIPSIS
    v1d          n=3   d=2  1-D data x = (-1, 0, 1) ...
    0
    """
    if args.name is not None:
        inst = example_info(args.name).builder()  # unknown name: InputError, exit 2
        print(inst.to_json_text())
        return 0
    rows = _listing()
    if args.json:
        print(json.dumps(rows, indent=2))
        return 0
    width = max(len(r["name"]) for r in rows)
    for r in rows:
        print(f"{r['name']:<{width + 1}} n={r['n']:<3} d={r['d']:<2} {r['description']}")
    return 0
