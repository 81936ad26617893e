"""Every module of arrangement/, exact/ and properties/ has its doctests run, found by walking
the packages (no hand-written list: a new module is covered the day it is added)."""

from __future__ import annotations

import doctest
import importlib
import pkgutil

import pytest

PACKAGES = ("arrangement", "exact", "properties")


def all_modules() -> list[str]:
    """The packages and every module below them, by import name."""
    names = []
    for pkg in PACKAGES:
        names.append(pkg)
        path = importlib.import_module(pkg).__path__
        names += [m.name for m in pkgutil.walk_packages(path, pkg + ".")]
    return sorted(names)


MODULES = all_modules()

#: Modules with nothing to show by example: the package files, the exception classes, and the
#: solver's ``solve`` command (its examples are the CLI tests).
NO_EXAMPLES = {"arrangement", "exact", "exact.commands", "properties", "arrangement.errors",
               "exact.commands.solve"}


def test_the_walk_finds_the_modules():
    assert {"exact.verify", "exact.certify", "properties.strategies",
            "arrangement.core"} <= set(MODULES)


@pytest.mark.parametrize("name", MODULES)
def test_doctests(name):
    mod = importlib.import_module(name)
    result = doctest.testmod(mod, optionflags=doctest.ELLIPSIS, report=True)
    assert result.failed == 0
    # a module whose examples vanished (a renamed docstring, a lost ``>>>``) would pass silently
    assert result.attempted > 0 or name in NO_EXAMPLES


def test_no_doctest_draws_with_example():
    """Doctests show strategies through ``find`` or ``@given``, never ``.example()`` (which
    hypothesis reserves for interactive use: random, unshrunk, warned about)."""
    import re
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    offenders = [f"{f.relative_to(root)}:{k}" for pkg in PACKAGES
                 for f in sorted((root / pkg).rglob("*.py"))
                 for k, line in enumerate(f.read_text(encoding="utf-8").splitlines(), 1)
                 if re.match(r"\s*(>>>|\.\.\.) .*\.example\(\)", line)]
    assert offenders == []
