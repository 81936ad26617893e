"""``summarize`` and ``count_patterns``: the numbers behind ``relucvx arrangement``."""

from __future__ import annotations

import json

from hypothesis import given, settings
from hypothesis import strategies as st

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


def _aliasing_keys(arr, rng):
    """Weights z (small integers) under which the chambers' keys are distinct but some
    ``key − z_k`` is the key of a chamber that is not the flip across k; None if not found."""
    import numpy as np

    S = arr.chambers().class_signs
    plus = S > 0
    rows = {r.tobytes(): i for i, r in enumerate(S)}
    for _ in range(300):
        z = rng.integers(1, 12, size=S.shape[1]).astype(np.uint64)
        keys = plus.astype(np.uint64) @ z
        if len(np.unique(keys)) < len(keys):
            continue
        where = {int(v): i for i, v in enumerate(keys)}
        for k in range(S.shape[1]):
            for c in np.nonzero(plus[:, k])[0]:
                j = where.get(int(keys[c] - z[k]))
                f = S[c].copy()
                f[k] = -f[k]
                if j is not None and j != rows.get(f.tobytes()):
                    order = np.argsort(keys, kind="stable")
                    return z, keys, order, keys[order]
    return None


def test_neighbors_key_search_rejects_false_key_matches(monkeypatch):
    """Distinct keys: ``neighbors`` searches ``key − z_k`` among the sorted keys and accepts
    a hit only when the sign vectors differ exactly at k. Under weights chosen so that some
    hits are false (another chamber's key), the result still equals the exact oracle (flip
    each sign, look the vector up in a dictionary); planted bug: accepting every hit does not."""
    import numpy as np

    import arrangement.core as core

    X = [[1, 0, 2], [0, 1, -1], [1, 1, 1], [2, -1, 0], [1, -2, 3], [3, 1, -2]]
    oracle = Arrangement(X)
    S = oracle.chambers().class_signs
    want = np.full((len(S), S.shape[1]), -1, dtype=np.int32)
    for k in range(S.shape[1]):
        oracle._neighbors_by_lookup(want, k)
    index = _aliasing_keys(oracle, np.random.default_rng(7))
    assert index is not None
    arr = Arrangement(X)
    arr.__dict__["_key_index"] = index
    assert np.array_equal(arr.neighbors(), want)
    monkeypatch.setattr(core, "differ_only_at", lambda A, B, k: np.ones(len(A), dtype=bool))
    planted = Arrangement(X)
    planted.__dict__["_key_index"] = index
    assert not np.array_equal(planted.neighbors(), want)


@given(st.lists(st.lists(st.integers(-4, 4), min_size=3, max_size=3), min_size=1, max_size=9),
       st.booleans())
@settings(max_examples=60)
def test_neighbors_by_key_search_equal_the_exact_lookup(X, collide):
    """Distinct keys: ``neighbors`` searches ``key − z_k`` in the sorted keys (queries
    rotated into order mod 2^64), accepting a hit only when the sign vectors differ exactly at
    k. The oracle flips each class's sign and looks the vector up in a dictionary of exact
    sign vectors. With ``collide``, z is replaced by small weights found by
    :func:`_aliasing_keys` (distinct keys, false matches) when there are any."""
    import numpy as np

    arr = Arrangement(X)
    if collide and arr.classes:
        index = _aliasing_keys(arr, np.random.default_rng(len(X)))
        if index is not None:
            arr.__dict__["_key_index"] = index
    nb = arr.neighbors()
    S = arr.chambers().class_signs
    want = np.full_like(nb, -1)
    for k in range(S.shape[1]):
        arr._neighbors_by_lookup(want, k)
    assert np.array_equal(nb, want)


def test_neighbors_search_past_one_byte_and_one_word_of_signs():
    """20 and 70 classes (sign bits past byte 0 and past the first 64-bit word): the key
    search's table equals the exact lookup, and every chamber of m planes in general position
    in R³ has a facet count summing to 2·m·(2(m − 1)) (each plane carries 2(m − 1) facets, each
    shared by two chambers)."""
    import numpy as np

    for m in (20, 70):
        arr = Arrangement([[1, k, k * k] for k in range(m)])
        nb = arr.neighbors()
        want = np.full_like(nb, -1)
        for k in range(m):
            arr._neighbors_by_lookup(want, k)
        assert np.array_equal(nb, want)
        assert int((nb >= 0).sum()) == 2 * m * 2 * (m - 1)
