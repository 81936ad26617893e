"""``summarize`` and ``count_patterns``: the numbers behind ``relucvx arrangement``."""

from __future__ import annotations

import json

from hypothesis import given

from arrangement.core import Arrangement
from arrangement.examples import example, example_info, example_names
from arrangement.faces import faces
from arrangement.summary import count_patterns, summarize
from exact.cli import main
from properties.strategies import small_matrices


@given(small_matrices())
def test_count_patterns_equals_patterns_of_all_faces(X):
    """The flat-by-flat shortcut agrees with the pattern set of every face (docs/MATH.md §2)."""
    arr = Arrangement(X)
    assert count_patterns(arr) == len({f.pattern for f in faces(arr.int_rows, arr.d)})


def test_antipodal_rows_add_the_all_ones_pattern():
    # x and −x: the chambers give (1, 0) and (0, 1); u = 0 gives (1, 1) as well
    assert count_patterns(Arrangement([[1, 2], [-1, -2]])) == 3


def test_summary_of_every_builtin_agrees_with_zaslavsky_and_known_counts():
    for name in example_names():
        s = summarize(Arrangement(example(name).X), faces=True)
        assert s["chambers"] == s["zaslavsky"]
        assert s["f_vector"] == s["f_vector_lattice"]
        assert s["patterns"] >= s["chambers"]
        if s["general_position"]:
            assert s["chambers"] == s["cover"]
        expected = example_info(name).expected_chambers
        if expected is not None:
            assert s["chambers"] == expected


def test_cli_json_has_the_documented_keys(capsys):
    assert main(["arrangement", "example:degenerate", "--json", "--faces"]) == 0
    out = json.loads(capsys.readouterr().out)
    for key in ("n", "d", "rank", "chambers", "patterns", "cover", "zaslavsky",
                "pilanci_bound", "general_position", "parallel_classes", "f_vector"):
        assert key in out
    assert out["chambers"] == 14 and out["zaslavsky"] == 14 and not out["general_position"]


def test_cli_writes_graph_and_a_certificate_that_verifies(tmp_path, capsys):
    graph, cert = tmp_path / "g.graphml", tmp_path / "c.json"
    assert main(["arrangement", "example:v1d", "--graph", str(graph),
                 "--certificate", str(cert), "--cones"]) == 0
    assert "chambers" in capsys.readouterr().out
    import networkx as nx

    G = nx.read_graphml(graph)
    assert G.number_of_nodes() == 6 and G.number_of_edges() == 6
    assert main(["verify", str(cert)]) == 0


def test_cli_refuses_a_huge_instance_without_force(tmp_path, capsys):
    rows = [[(i + 1) ** k for k in range(6)] for i in range(120)]  # moment curve: generic
    path = tmp_path / "big.json"
    path.write_text(json.dumps({"X": rows, "y": [1] * 120, "beta": "1/10"}))
    net = tmp_path / "net.json"
    net.write_text(json.dumps({"format": "relucvx-network/1",
                               "neurons": [{"u": ["1"] * 6, "alpha": "1"}]}))
    for argv in (["arrangement", str(path)], ["solve", str(path)],
                 ["check", str(path), str(net)]):
        assert main(argv) == 2
        err = capsys.readouterr().err.strip().splitlines()
        assert len(err) == 1 and "--force" in err[0] and "381717968" in err[0]


def test_neighbors_survive_hash_collisions():
    """Adjacency is decided on sign vectors, not hashes: all-colliding keys give the same graph."""
    import numpy as np

    X = [[1, 0, 2], [0, 1, -1], [1, 1, 1], [2, -1, 0], [1, -2, 3]]
    good = Arrangement(X).neighbors()
    arr = Arrangement(X)
    z, keys, order, sk = arr._key_index
    zero = np.zeros_like(z)
    arr.__dict__["_key_index"] = (zero, np.zeros_like(keys), order, np.zeros_like(sk))
    assert np.array_equal(arr.neighbors(), good)
    S = arr.chambers().class_signs
    assert arr.index_of(S).tolist() == list(range(len(S)))


def test_cli_reports_a_disagreement_between_enumeration_and_formulas(monkeypatch, capsys):
    """Two independent counts that disagree are a bug: exit 3 with one line, never a result."""
    import arrangement.summary as summary_mod

    real = summary_mod.summarize

    def broken(arr, **kw):
        out = real(arr, **kw)
        out["zaslavsky"] += 1
        out["agrees_zaslavsky"] = False
        return out

    monkeypatch.setattr(summary_mod, "summarize", broken)
    assert main(["arrangement", "example:v1d", "--json"]) == 3
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "disagree" in err[0]
