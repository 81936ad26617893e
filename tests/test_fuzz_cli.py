"""``relucvx fuzz``: listing, running, saved and replayable counterexamples, user modules."""

from __future__ import annotations

import json
import textwrap

from arrangement.instances import read_instance
from exact.cli import main
from properties import load_builtin

THEOREMS = load_builtin()

CONJECTURES = textwrap.dedent('''
    """Two conjectures about chamber counts, one true and one false."""
    from arrangement.core import Arrangement
    from properties import Counterexample, strategies as S, theorem

    @theorem("user_two_chambers_per_row", strategy=S.instances(S.generic_matrices()))
    def at_least_two_per_row(inst):
        "Generic data have at least 2·min(n, 2) chambers (true)."
        p = len(Arrangement(inst.X).chambers())
        if p < 2 * min(inst.n, 2) and inst.n >= 1:
            return Counterexample.make("user_two_chambers_per_row", f"{p} chambers", inst)

    @theorem("user_even_rows", strategy=S.instances(S.integer_matrices()))
    def even_rows(inst):
        "Every instance has an even number of rows (false)."
        if inst.n % 2:
            return Counterexample.make("user_even_rows", f"n = {inst.n}", inst)
''')


def test_list_shows_every_theorem(capsys):
    assert main(["fuzz", "--list"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == len(THEOREMS)
    assert lines[0].split()[0] in THEOREMS


def test_list_json(capsys):
    assert main(["fuzz", "--list", "--json", "--theorem", "zaslavsky"]) == 0
    (entry,) = json.loads(capsys.readouterr().out)
    assert entry["name"] == "zaslavsky" and entry["cost"] == "cheap"


def test_run_passes(capsys, tmp_path):
    code = main(["fuzz", "--theorem", "zaslavsky,tope_graph_bipartite", "--examples", "5",
                 "--save-dir", str(tmp_path)])
    out = capsys.readouterr().out
    assert code == 0
    assert "zaslavsky" in out and "no counterexample" in out
    assert not list(tmp_path.iterdir())


def test_run_json(capsys):
    assert main(["fuzz", "--theorem", "zaslavsky", "--examples", "3", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["failed"] == 0 and data["results"][0]["theorem"] == "zaslavsky"
    assert data["results"][0]["examples"] == 3


def test_user_module_counterexample_is_shrunk_and_saved(capsys, tmp_path):
    mod = tmp_path / "my_conjectures.py"
    mod.write_text(CONJECTURES)
    save = tmp_path / "found"
    code = main(["fuzz", "--module", str(mod), "--examples", "30", "--save-dir", str(save)])
    out = capsys.readouterr().out
    assert code == 1
    assert "user_two_chambers_per_row" in out and "COUNTEREXAMPLE" in out
    (path,) = save.glob("user_even_rows-*.json")
    inst = read_instance(str(path))
    assert inst.n == 1 and inst.d == 1 and inst.X == ((0,),)  # shrunk to the smallest
    assert inst.notes[0] == "counterexample to user_even_rows: n = 1"
    # the saved file replays with the other commands
    assert main(["arrangement", str(path), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["n"] == 1
    for name in ("user_two_chambers_per_row", "user_even_rows"):
        THEOREMS.pop(name, None)


def test_unknown_theorem_is_bad_input(capsys):
    assert main(["fuzz", "--theorem", "zaslavski"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("relucvx: error: unknown theorem 'zaslavski' (did you mean")


def test_missing_module_is_bad_input(capsys, tmp_path):
    assert main(["fuzz", "--module", str(tmp_path / "nope.py")]) == 2
    assert "no such file" in capsys.readouterr().err


def test_bad_examples(capsys):
    assert main(["fuzz", "--examples", "0", "--theorem", "zaslavsky"]) == 2
    assert "--examples must be >= 1" in capsys.readouterr().err


CRASHING_STRATEGY = textwrap.dedent('''
    from hypothesis import strategies as st
    from arrangement.instances import Instance
    from properties import theorem

    @st.composite
    def crashing(draw):
        n = draw(st.integers(0, 3))
        return Instance([[1 // n]])  # n = 0: the strategy itself crashes

    @theorem("user_crashing_strategy", strategy=crashing())
    def never_fails(inst):
        "Holds on every instance; only its strategy is broken."
        return None
''')


def test_a_crashing_strategy_is_a_machinery_error_not_a_counterexample(capsys, tmp_path):
    mod = tmp_path / "crashing.py"
    mod.write_text(CRASHING_STRATEGY)
    save = tmp_path / "found"
    code = main(["fuzz", "--module", str(mod), "--examples", "20", "--seed", "5",
                 "--save-dir", str(save)])
    cap = capsys.readouterr()
    THEOREMS.pop("user_crashing_strategy", None)
    assert code == 3
    assert "ERROR (fuzz machinery)" in cap.out and "COUNTEREXAMPLE" not in cap.out
    (line,) = cap.err.splitlines()  # one line, no traceback
    assert line.startswith("relucvx: fuzz error: user_crashing_strategy (seed 5,")
    assert "the strategy crashed" in line and "ZeroDivisionError" in line
    assert "crashing.py:9" in line and f"--module {mod} --theorem user_crashing_strategy" in line
    assert not save.exists()  # nothing saved: there is no counterexample


def test_machinery_error_in_json(capsys, tmp_path):
    mod = tmp_path / "crashing.py"
    mod.write_text(CRASHING_STRATEGY)
    code = main(["fuzz", "--module", str(mod), "--examples", "20", "--json"])
    cap = capsys.readouterr()
    THEOREMS.pop("user_crashing_strategy", None)
    data = json.loads(cap.out)
    assert code == 3 and data["errors"] == 1 and data["failed"] == 0
    assert "ZeroDivisionError" in data["results"][0]["error"]


def test_module_raising_on_import_is_one_line(capsys, tmp_path):
    mod = tmp_path / "broken.py"
    mod.write_text("import math\n\nraise RuntimeError('needs a config file')\n")
    assert main(["fuzz", "--module", str(mod)]) == 2
    err = capsys.readouterr().err
    assert err == (f"relucvx: error: {mod}: importing it raised RuntimeError at line 3: "
                   "needs a config file\n")


def test_module_with_failing_import_is_one_line(capsys, tmp_path):
    mod = tmp_path / "needs.py"
    mod.write_text("import relucvx_no_such_package\n")
    assert main(["fuzz", "--module", str(mod)]) == 2
    (line,) = capsys.readouterr().err.splitlines()
    assert "ModuleNotFoundError at line 1" in line
    mod.write_text("import sys\nsys.exit('bye')\n")  # not even sys.exit ends relucvx
    assert main(["fuzz", "--module", str(mod)]) == 2
    (line,) = capsys.readouterr().err.splitlines()
    assert line.endswith("importing it raised SystemExit at line 2: bye")


def test_save_dir_at_a_file_is_refused_before_fuzzing(capsys, tmp_path):
    f = tmp_path / "a-file"
    f.write_text("")
    for target, why in ((f, "not a directory"), (f / "sub", "is a file")):
        assert main(["fuzz", "--theorem", "zaslavsky", "--save-dir", str(target)]) == 2
        cap = capsys.readouterr()
        assert cap.out == ""  # refused before the first example
        assert cap.err.startswith(f"relucvx: error: --save-dir {target}: ") and why in cap.err


def test_read_only_save_dir_is_refused(capsys, tmp_path):
    import os

    ro = tmp_path / "ro"
    ro.mkdir()
    ro.chmod(0o500)
    try:
        if os.access(ro, os.W_OK):  # root writes anywhere: nothing to refuse
            return
        assert main(["fuzz", "--theorem", "zaslavsky", "--save-dir", str(ro / "out")]) == 2
        assert "is not writable" in capsys.readouterr().err
    finally:
        ro.chmod(0o700)


def test_fresh_seed_is_printed_and_replays(capsys):
    assert main(["fuzz", "--theorem", "zaslavsky", "--examples", "3", "--seed", "-1"]) == 0
    cap = capsys.readouterr()
    seed = int(cap.err.split()[1])
    assert cap.err == f"seed {seed} (drawn; replay with --seed {seed})\n"
    assert f"seed {seed}: no counterexample" in cap.out
    assert main(["fuzz", "--theorem", "zaslavsky", "--examples", "3", "--seed", "-2"]) == 2


def test_hypothesis_files_go_to_the_documented_directory(tmp_path):
    # a fresh process: hypothesis writes its files once per process
    import os
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    env = {k: v for k, v in os.environ.items() if k != "HYPOTHESIS_STORAGE_DIRECTORY"}
    env.update(XDG_CACHE_HOME=str(tmp_path / "cache"),
               PYTHONPATH=os.pathsep.join([str(root), env.get("PYTHONPATH", "")]))
    run = tmp_path / "run"
    run.mkdir()
    proc = subprocess.run([sys.executable, "-m", "exact.cli", "fuzz", "--theorem", "zaslavsky",
                           "--examples", "3"], cwd=run, env=env, capture_output=True,
                          text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert list(run.iterdir()) == []  # no .hypothesis/ where the command was run
    assert (tmp_path / "cache" / "relucvx" / "hypothesis").is_dir()


def test_profiles_are_registered_once_and_shared():
    """pytest (tests/conftest.py) and relucvx fuzz read the same profiles, registered in one
    place: no other module calls settings.register_profile."""
    from pathlib import Path

    from hypothesis import settings

    from properties.profiles import PROFILES

    for name, kwargs in PROFILES.items():
        prof = settings.get_profile(name)
        for key, value in kwargs.items():
            assert getattr(prof, key) == (tuple(value) if isinstance(value, list) else value)
    root = Path(__file__).resolve().parent.parent
    needle = "settings." + "register_profile("  # split, so that this file does not match
    callers = [str(f.relative_to(root)) for pkg in ("arrangement", "exact", "properties", "tests")
               for f in (root / pkg).rglob("*.py")
               if needle in f.read_text(encoding="utf-8")]
    assert callers == ["properties/profiles.py"]


def test_unknown_profile_is_one_line(capsys):
    assert main(["fuzz", "--profile", "nightly", "--theorem", "zaslavsky"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "ci, fuzz, dev" in err
