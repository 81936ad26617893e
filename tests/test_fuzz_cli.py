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
