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


def test_the_walk_finds_the_modules():
    assert {"exact.verify", "exact.certify", "properties.strategies",
            "arrangement.core"} <= set(MODULES)


@pytest.mark.parametrize("name", MODULES)
def test_doctests(name):
    mod = importlib.import_module(name)
    result = doctest.testmod(mod, optionflags=doctest.ELLIPSIS, report=True)
    assert result.failed == 0
