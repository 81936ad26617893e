"""No private name (``_x``) is imported across modules (DEVELOPERS.md, *Contracts*; issue 12).

The AST of every module of the packages is scanned for

- ``from M import _x`` with M a module of this project (absolute or relative), and
- ``m._x`` where ``m`` is bound to a module of this project by ``import M [as m]`` or
  ``from P import m``.

A name that another module needs is made public where it belongs. The test files are held to
the first rule only: reading a module's internals as ``module._x`` (white-box tests,
``monkeypatch.setattr``) stays allowed there.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("arrangement", "exact", "properties", "benchmarks")
PROJECT = {*PACKAGES, "tests"}


def _private(name: str) -> bool:
    return name.startswith("_") and not (name.startswith("__") and name.endswith("__"))


def _is_module(dotted: str) -> bool:
    path = ROOT.joinpath(*dotted.split("."))
    return path.with_suffix(".py").is_file() or (path / "__init__.py").is_file()


def _absolute(node: ast.ImportFrom, module: str) -> str | None:
    """The absolute module name of a ``from ... import``, None if it is not this project's."""
    if node.level:
        base = module.split(".")[: -node.level]
        return ".".join([*base, node.module] if node.module else base) or None
    if node.module and node.module.split(".")[0] in PROJECT:
        return node.module
    return None


def private_imports(source: str, module: str, *, attributes: bool = True) -> list[str]:
    """The private cross-module imports in ``source`` (the text of module ``module``).

    >>> private_imports("from exact.certify import _lu\\n", "exact.check")
    ['line 1: from exact.certify import _lu']
    >>> private_imports("import exact.network as n\\nn._x\\n", "exact.path")
    ['line 2: n._x (exact.network)']
    >>> private_imports("from arrangement import rational as _r\\n_r.format_fraction\\n", "x")
    []
    """
    tree = ast.parse(source)
    found, modules = [], {}
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            src = _absolute(node, module)
            if src is None or src == module:
                continue
            for alias in node.names:
                if _private(alias.name):
                    found.append(f"line {node.lineno}: from {src} import {alias.name}")
                elif _is_module(f"{src}.{alias.name}"):
                    modules[alias.asname or alias.name] = f"{src}.{alias.name}"
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.split(".")[0] in PROJECT:
                    # ``import a.b`` binds ``a``; ``import a.b as c`` binds the module a.b
                    bound = alias.asname or alias.name.split(".")[0]
                    modules[bound] = alias.name if alias.asname else bound
    if attributes:
        for node in ast.walk(tree):
            if isinstance(node, ast.Attribute) and _private(node.attr):
                base = ast.unparse(node.value)
                target = modules.get(base.split(".")[0])
                if target is not None and target != module:
                    full = target + base[len(base.split(".")[0]):]
                    if full != module and _is_module(full):
                        found.append(f"line {node.lineno}: {base}.{node.attr} ({full})")
    return sorted(found)


def _modules(top: str, root: Path = ROOT) -> list[tuple[Path, str]]:
    """The project's modules under ``top``: not those in hidden folders (a virtual
    environment that ``make bench`` builds, e.g. benchmarks/.sage-venv, is not ours)."""
    out = []
    for path in sorted((root / top).rglob("*.py")):
        if any(part.startswith(".") for part in path.relative_to(root).parts):
            continue
        rel = path.relative_to(root).with_suffix("")
        parts = rel.parts[:-1] if rel.name == "__init__" else rel.parts
        out.append((path, ".".join(parts)))
    return out


@pytest.mark.parametrize("top", [*PACKAGES, "tests"])
def test_no_private_name_is_imported_across_modules(top):
    bad = []
    for path, module in _modules(top):
        for hit in private_imports(path.read_text(encoding="utf-8"), module,
                                   attributes=top != "tests"):
            bad.append(f"{path.relative_to(ROOT)}: {hit}")
    assert not bad, "private names imported across modules:\n" + "\n".join(bad)


def test_the_scan_finds_planted_private_imports():
    planted = (
        "from exact.projection import _solve\n"
        "from .certify import _projector\n"
        "from exact import certify\n"
        "import arrangement.lattice\n"
        "certify._lu([[1.0]])\n"
        "arrangement.lattice._kernel_in\n"
    )
    hits = private_imports(planted, "exact.check")
    assert hits == ["line 1: from exact.projection import _solve",
                    "line 2: from exact.certify import _projector",
                    "line 5: certify._lu (exact.certify)",
                    "line 6: arrangement.lattice._kernel_in (arrangement.lattice)"]
    # a module's own privates, other libraries' privates and the test files' attribute reads
    # are no cross-module imports
    assert private_imports("import numpy as np\nnp._x\n_y = 1\n", "exact.check") == []
    assert private_imports("from exact import certify\ncertify._lu\n", "tests.test_x",
                           attributes=False) == []


def test_the_scan_skips_hidden_folders(tmp_path):
    (tmp_path / "benchmarks" / ".sage-venv" / "pkg").mkdir(parents=True)
    (tmp_path / "benchmarks" / ".sage-venv" / "pkg" / "m.py").write_text("from a import _b\n")
    (tmp_path / "benchmarks" / "run.py").write_text("")
    assert [m for _p, m in _modules("benchmarks", tmp_path)] == ["benchmarks.run"]
