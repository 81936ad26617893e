"""The packages import one way: ``arrangement`` <- ``exact`` <- ``properties``
(docs/ARCHITECTURE.md).

Every import statement of every module, lazy ones inside functions included, is read from the
source with :mod:`ast`, so that a circle hidden by an import inside a function is found too.
"""

from __future__ import annotations

import ast
import pathlib

import pytest

ROOT = pathlib.Path(__file__).resolve().parent.parent
#: package -> the packages it must not import (those above it)
ABOVE = {"arrangement": {"exact", "properties"}, "exact": {"properties"}}


def imported_packages(source: str) -> set[tuple[int, str]]:
    """(line, top-level package) of every absolute import in ``source``.

    >>> sorted(imported_packages("import a.b\\nfrom c import d\\ndef f():\\n    from e.f import g"))
    [(1, 'a'), (2, 'c'), (4, 'e')]
    """
    found = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found |= {(node.lineno, alias.name.split(".")[0]) for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.add((node.lineno, node.module.split(".")[0]))
    return found


def test_scanner_sees_lazy_imports():
    """The planted case: an import inside a function body is still an import."""
    src = "def run():\n    from properties import load_builtin\n"
    assert (2, "properties") in imported_packages(src)


@pytest.mark.parametrize("package", sorted(ABOVE))
def test_no_import_from_above(package):
    bad = []
    for path in sorted((ROOT / package).rglob("*.py")):
        for line, top in imported_packages(path.read_text(encoding="utf-8")):
            if top in ABOVE[package]:
                bad.append(f"{path.relative_to(ROOT)}:{line} imports {top}")
    assert not bad, "imports against the layering:\n" + "\n".join(bad)


def test_fuzz_is_a_plugin_command():
    """``relucvx fuzz`` reaches the CLI through the entry point, not through ``exact.commands``."""
    from exact.cli import COMMANDS, build_parser, plugin_commands

    assert "fuzz" not in COMMANDS
    assert plugin_commands()["fuzz"] == "properties.command"
    assert build_parser().parse_args(["fuzz", "--list"]).command == "fuzz"
