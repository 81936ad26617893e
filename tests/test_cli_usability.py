"""A new user's first day: the Makefile's setup, the CLI's options and messages (issue 9)."""

from __future__ import annotations

import json
import os
import re
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from exact.cli import ErrorsOnly, main

ROOT = Path(__file__).resolve().parent.parent

needs_make = pytest.mark.skipif(shutil.which("make") is None, reason="needs make")


def _fake_apt(tmp_path: Path) -> tuple[dict, Path]:
    """A PATH whose apt-get and sudo only log their arguments, so sysdeps can be run safely."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    log = tmp_path / "apt.log"
    for name in ("apt-get", "sudo"):
        script = bin_dir / name
        script.write_text(f'#!/bin/sh\necho "{name} $*" >> {log}\n')
        script.chmod(script.stat().st_mode | stat.S_IEXEC)
    return {**os.environ, "PATH": f"{bin_dir}:{os.environ['PATH']}"}, log


def _sysdeps(tmp_path: Path, include: Path, venv: Path) -> tuple[subprocess.CompletedProcess,
                                                                    str]:
    env, log = _fake_apt(tmp_path)
    proc = subprocess.run(["make", "--no-print-directory", "-C", str(ROOT), "sysdeps",
                           f"INCLUDE={include}", f"VENV={venv}", f"PYTHON={sys.executable}"],
                          env=env, capture_output=True, text=True, timeout=60)
    return proc, log.read_text() if log.exists() else ""


@needs_make
def test_sysdeps_accepts_debian_multiarch_gmp_header(tmp_path):
    # Debian: cdd.h under cddlib/ (or cdd/), gmp.h only under the multiarch directory
    inc = tmp_path / "include"
    (inc / "cddlib").mkdir(parents=True)
    (inc / "cddlib" / "cdd.h").write_text("")
    (inc / "x86_64-linux-gnu").mkdir()
    (inc / "x86_64-linux-gnu" / "gmp.h").write_text("")
    proc, log = _sysdeps(tmp_path, inc, tmp_path / "no-venv")
    assert proc.returncode == 0, proc.stderr
    assert log == "" and proc.stdout == ""  # nothing missing: no apt-get, no sudo, no output


@needs_make
def test_sysdeps_installs_only_what_is_missing(tmp_path):
    inc = tmp_path / "include"
    (inc / "cdd").mkdir(parents=True)
    (inc / "cdd" / "cdd.h").write_text("")
    proc, log = _sysdeps(tmp_path, inc, tmp_path / "no-venv")
    assert proc.returncode == 0, proc.stderr
    assert "libgmp-dev" in log and "libcdd-dev" not in log
    assert "needs: libgmp-dev" in proc.stdout


@needs_make
def test_sysdeps_skipped_when_the_venv_imports_cdd_gmp(tmp_path):
    pytest.importorskip("cdd.gmp")
    empty = tmp_path / "include"
    empty.mkdir()
    proc, log = _sysdeps(tmp_path, empty, Path(sys.prefix))  # this venv's pycddlib works
    assert proc.returncode == 0 and log == ""


def test_makefile_registers_no_user_wide_kernel():
    text = (ROOT / "Makefile").read_text()
    assert "--user" not in text and "--sys-prefix" in text
    assert "pip install -q" not in text  # the first run shows pip's progress


# ----------------------------------------------------------------------------- the CLI


def _run(capsys, argv: list[str]) -> tuple[int, str, str]:
    from exact.cli import main

    code = main(argv)
    cap = capsys.readouterr()
    return code, cap.out, cap.err


def test_version(capsys):
    from exact.cli import main, version

    with pytest.raises(SystemExit) as exc:
        main(["--version"])
    assert exc.value.code == 0
    assert capsys.readouterr().out == f"relucvx {version()}\n"


def test_bare_relucvx_prints_usage_and_the_commands(capsys):
    from exact.cli import COMMANDS

    code, out, err = _run(capsys, [])
    assert code == 2 and err == "relucvx: error: no command given (the commands are listed above)\n"
    assert out.startswith("usage: relucvx")
    assert all(f"    {name} " in out for name in COMMANDS)


def _help(name: str | None) -> str:
    from exact.cli import build_parser

    parser = build_parser()
    if name is None:
        return parser.format_help()
    sub = next(a for a in parser._subparsers._group_actions if a.choices)  # noqa: SLF001
    return sub.choices[name].format_help()


@pytest.mark.parametrize("name", [None, "arrangement", "examples", "solve", "check", "verify",
                                  "demo", "fuzz"])
def test_help_has_no_rst_markup(name):
    text = _help(name)
    assert "`" not in text and ":func:" not in text and ":mod:" not in text
    assert "usage: relucvx" in text


def test_plain_strips_roles_and_backticks():
    from exact.cli import plain

    assert plain(":mod:`~exact.verify` and ``a b``") == "exact.verify and a b"


def test_cones_in_text_mode_match_the_api(capsys):
    from arrangement.core import Arrangement
    from arrangement.examples import example

    code, out, _ = _run(capsys, ["arrangement", "example:v1d", "--cones"])
    assert code == 0
    arr = Arrangement(example("v1d").X)
    blocks = out.split("\n  chamber ")[1:]
    assert len(blocks) == len(arr.chambers())
    for c, block in zip(arr.chambers(), blocks):
        assert block.startswith(f"{c.index}: ")
        facets = ", ".join("(" + ", ".join(map(str, a)) + ")" for a in arr.cone(c.index))
        assert f"facet rows a: {facets}\n" in block
        rays, _lin = arr.cone_generators(c.index)
        assert "rays: " + ", ".join("(" + ", ".join(str(t) for t in r) + ")" for r in rays) \
            in block


ONE_WORD = re.compile(r"(?<![\d./])1 (rows|columns|chambers|vertices|networks|examples|"
                      r"theorems|neurons|counterexamples)\b")


def test_singular_nouns(capsys, tmp_path):
    one = tmp_path / "one.json"
    one.write_text(json.dumps({"X": [[1, 2]], "y": [1], "beta": "1/10"}))
    outputs = []
    for argv in (["arrangement", str(one)], ["solve", str(one)], ["solve", "example:v1d"],
                 ["fuzz", "--theorem", "zaslavsky", "--examples", "1"]):
        code, out, err = _run(capsys, argv)
        assert code == 0, err
        outputs.append(out)
    text = "\n".join(outputs)
    assert "n = 1 row," in text and "1 theorem, 1 example" in text
    assert "1 distinct sparsest network)" in text
    assert not ONE_WORD.search(text), ONE_WORD.search(text)


INTERNAL = re.compile(r"\b(seed|poster) 00\d")


def test_no_internal_words_in_user_facing_output(capsys):
    texts = [_help(n) for n in (None, "arrangement", "examples", "solve", "check", "verify",
                                "demo", "fuzz")]
    for argv in (["fuzz", "--list"], ["demo"], ["examples"]):
        code, out, _ = _run(capsys, argv)
        texts.append(out)
    from properties import load_builtin

    texts += [t.description for t in load_builtin().values()]
    hits = [m.group(0) for t in texts for m in INTERNAL.finditer(t)]
    assert hits == []


def test_check_explains_its_lower_bound_next_to_the_better_network(capsys, tmp_path):
    net = tmp_path / "net.json"
    net.write_text(json.dumps({"format": "relucvx-network/1", "neurons": [
        {"u": ["1", "0"], "alpha": "3"}, {"u": ["0", "1"], "alpha": "1"}]}))
    code, out, err = _run(capsys, ["check", "example:v1d", str(net)])
    assert code == 0, err
    assert "NOT OPTIMAL" in out and "certified lower" not in out
    lower = next(line for line in out.splitlines() if "lower bound on P*" in line)
    assert "from the residual y - f(theta), scaled; weak far from an optimum" in lower
    assert "which also proves P* >= " in out


def test_progress_bar_counts_hyperplanes():
    import io

    from arrangement.core import Arrangement
    from exact.progress import ProgressBar

    class Tty(io.StringIO):
        def isatty(self) -> bool:
            return True

    out = Tty()
    arr3 = Arrangement([[1, 0, 0], [0, 1, 0], [0, 0, 1], [1, 1, 1], [2, 2, 2], [1, 2, 3]])
    bar = ProgressBar("enumerating chambers", unit="hyperplanes", stream=out, min_interval=0)
    arr3.chambers(progress=bar.update)
    bar.close()
    last = [t for t in out.getvalue().split("\r") if t.strip()][-1]  # the last bar drawn
    # 6 rows but 5 distinct hyperplanes (two rows are parallel): it counts hyperplanes
    assert last.endswith(f"] {len(arr3.classes)}/{len(arr3.classes)} hyperplanes")
    assert len(arr3.classes) == 5 and len(arr3.chambers()) != 5


# ------------------------------------------------------------------- shared options (issue 12)

SHARED = {  # subcommand -> the shared options it has
    "arrangement": ("--json", "--quiet", "--force"),
    "solve": ("--json", "--quiet", "--force"),
    "check": ("--json", "--quiet", "--force"),
    "verify": ("--json", "--quiet"),
    "examples": ("--json", "--quiet"),
    "fuzz": ("--json", "--quiet"),
}


def _option_help(command: str) -> dict[str, str]:
    """``{option: its help text}`` from ``relucvx COMMAND --help`` (continuation lines joined)."""
    import contextlib
    import io

    buf = io.StringIO()
    with contextlib.redirect_stdout(buf), pytest.raises(SystemExit):
        main([command, "--help"])
    text = buf.getvalue()
    out: dict[str, str] = {}
    last = None
    for line in text.splitlines():
        m = re.match(r"  (?:-\w, )?(--[\w-]+)(?: \S+)?\s{2,}(.*)", line)
        if m:
            last = m.group(1)
            out[last] = m.group(2)
        elif last and line.startswith(" " * 10) and line.strip():
            out[last] += " " + line.strip()
        else:
            last = None
    return out


def test_shared_options_mean_the_same_everywhere():
    """--json, --quiet and --force have one help text, whichever subcommand shows them."""
    helps = {cmd: _option_help(cmd) for cmd in SHARED}
    for opt in ("--json", "--quiet", "--force"):
        texts = {cmd: helps[cmd].get(opt) for cmd, opts in SHARED.items() if opt in opts}
        assert None not in texts.values(), (opt, texts)
        assert len(set(texts.values())) == 1, (opt, texts)
    assert "200,000" in helps["solve"]["--force"]  # the limit, filled in from arrangement.core


def test_solve_and_check_accept_quiet(capsys, tmp_path):
    """`relucvx solve ... --quiet` was a usage error (issue 12); now stdout keeps the result."""
    net = tmp_path / "net.json"
    assert main(["solve", "example:v1d", "--quiet", "--net-out", str(net)]) == 0
    assert "P*" in capsys.readouterr().out
    assert main(["check", "example:v1d", str(net), "-q"]) == 0
    assert "OPTIMAL" in capsys.readouterr().out.upper()


def test_quiet_keeps_errors_and_drops_notes(capsys):
    assert main(["solve", "example:nope", "--quiet"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("relucvx: error: unknown example") and err.count("\n") == 1
    # fuzz --seed -1 notes the drawn seed on stderr; --quiet drops the note, stdout keeps it
    assert main(["fuzz", "--theorem", "zaslavsky", "--examples", "2", "--seed", "-1"]) == 0
    noisy = capsys.readouterr()
    assert "drawn" in noisy.err
    assert main(["fuzz", "--theorem", "zaslavsky", "--examples", "2", "--seed", "-1",
                 "--quiet"]) == 0
    quiet = capsys.readouterr()
    assert quiet.err == "" and re.search(r"seed \d+: no counterexample", quiet.out)
    assert sys.stderr is sys.__stderr__ or not isinstance(sys.stderr, ErrorsOnly)


def test_json_is_one_document_in_every_subcommand(capsys, tmp_path):
    cert = tmp_path / "c.json"
    assert main(["arrangement", "example:v1d", "--certificate", str(cert)]) == 0
    runs = {"arrangement": ["example:v1d"], "solve": ["example:v1d"],
            "verify": [str(cert)], "examples": [], "fuzz": ["--theorem", "zaslavsky",
                                                            "--examples", "2"]}
    capsys.readouterr()
    for cmd, rest in runs.items():
        assert main([cmd, *rest, "--json"]) == 0
        out = capsys.readouterr().out
        json.loads(out)  # exactly one JSON document, nothing else on stdout


def test_loss_choices_match_the_convex_program():
    from exact.commands.options import LOSS_CHOICES
    from exact.convex import LOSSES

    assert tuple(LOSS_CHOICES) == tuple(LOSSES)


@pytest.mark.parametrize("argv", [["verify", "CERT"], ["examples"], ["examples", "v1d"],
                                  ["verify", "--help"]])
def test_light_commands_start_without_numpy_sympy_or_cvxpy(argv, tmp_path):
    """`relucvx verify` and `relucvx examples` import none of the heavy libraries (hypothesis
    included: the fuzz command's package is imported to build the parser)."""
    cert = tmp_path / "c.json"
    assert main(["arrangement", "example:v1d", "--certificate", str(cert)]) == 0
    argv = [str(cert) if a == "CERT" else a for a in argv]
    code = ("import sys; from exact.cli import main\n"
            f"try:\n    main({argv!r})\nexcept SystemExit:\n    pass\n"
            "print(sorted(m for m in ('numpy', 'sympy', 'cvxpy', 'scipy', 'mpmath', 'hypothesis') "
            "if m in sys.modules), file=sys.stderr)")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          env={**os.environ, "PYTHONPATH": str(ROOT)}, timeout=60)
    assert proc.stderr.strip().splitlines()[-1] == "[]", proc.stderr


# ----------------------------------------------------------------------------- README, notebooks


def _shell_lines(markdown: str) -> list[str]:
    """The lines of the README's ```sh blocks, in order."""
    out, inside = [], False
    for line in markdown.splitlines():
        if line.startswith("```"):
            inside = line.strip() == "```sh"
            continue
        if inside:
            out.append(line.strip())
    return out


def test_readme_activates_the_venv_before_relucvx_and_pytest():
    lines = _shell_lines((ROOT / "README.md").read_text())
    first = {w: next(i for i, t in enumerate(lines) if t.startswith(w + " "))
             for w in ("relucvx", "pytest")}
    activate = lines.index(". .venv/bin/activate")
    assert activate < first["relucvx"] and activate < first["pytest"]
    assert (ROOT / "Makefile").read_text().count("-e '.[dev]'") == 1
    assert "pytest-xdist" in (ROOT / "pyproject.toml").read_text()  # for `pytest -n auto`


COUNT = re.compile(r"\b(\d+|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve)"
                   r" (worked examples|notebooks|theorems|theorem checks)\b", re.IGNORECASE)


def test_readme_states_no_hand_written_counts():
    for doc in ("README.md", "notebooks/README.md"):
        assert not COUNT.search((ROOT / doc).read_text()), doc


def test_notebooks_readme_lists_every_notebook_and_kernels_exist():
    listed = set(re.findall(r"\]\(([^)]+\.ipynb)\)", (ROOT / "notebooks/README.md").read_text()))
    books = sorted((ROOT / "notebooks").glob("*.ipynb"))
    assert listed == {p.name for p in books}
    for p in books:  # nbmake runs each under its kernelspec: one the .venv provides
        assert json.loads(p.read_text())["metadata"]["kernelspec"]["name"] in ("python3",
                                                                               "relucvx")
