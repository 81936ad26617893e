"""`relucvx demo`: not implemented yet (placeholder so the CLI loads)."""

from __future__ import annotations

import argparse

from arrangement.errors import RelucvxError


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("demo", help="(not implemented yet)")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    raise RelucvxError("'demo' is not implemented yet")
