"""Gate coverage (which chambers sampled gates reach) and the progress bar."""

from __future__ import annotations

import io
from fractions import Fraction

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from arrangement.core import Arrangement
from arrangement.coverage import exact_signs, gate_coverage
from exact.progress import ProgressBar


def _exact(normals, g):
    return [(s > 0) - (s < 0) for s in
            (sum(Fraction(float(a)) * int(x) for a, x in zip(g, row)) for row in normals)]


@given(st.lists(st.tuples(st.floats(-1e6, 1e6), st.floats(-1e6, 1e6), st.floats(-1e6, 1e6)),
                min_size=1, max_size=20),
       st.lists(st.lists(st.integers(-5, 5), min_size=3, max_size=3), min_size=1, max_size=6))
def test_float_gate_signs_are_exact(gates, rows):
    N = np.array(rows, dtype=np.int64)
    S = exact_signs(N, np.array(gates))
    assert S.tolist() == [_exact(rows, g) for g in gates]


def test_signs_on_a_hyperplane_and_near_ties():
    N = np.array([[1, -1], [3, -3]], dtype=np.int64)
    # 0.1 and 0.1 are equal floats: exactly on the hyperplane; the second gate is off by 1 ulp
    G = np.array([[0.1, 0.1], [np.nextafter(0.1, 1), 0.1]])
    assert exact_signs(N, G).tolist() == [[0, 0], [1, 1]]


def test_coverage_counts_every_gate_once():
    arr = Arrangement([[1, 0], [0, 1], [1, 1], [1, -2]])
    rng = np.random.default_rng(0)
    G = rng.standard_normal((2000, 2))
    cov = gate_coverage(arr, G)
    assert int(cov.hits_per_chamber.sum()) + cov.on_hyperplane == 2000
    # every gate's sign vector is that of the chamber it is counted in
    ch = arr.chambers()
    for g in G[:50]:
        s = _exact([c.normal for c in arr.classes], g)
        i = int(arr.index_of(np.array([s]))[0])
        assert tuple(ch.class_signs[i]) == tuple(s)
    assert set(cov.reached.tolist()) | set(cov.missed.tolist()) == set(range(len(ch)))


def test_gaussian_sampling_misses_thin_chambers_that_enumeration_finds():
    # nearly parallel lines make a sliver of angle ~1e-9: gates essentially never land there
    arr = Arrangement([[1, 0], [10**9, 1]])
    cov = gate_coverage(arr, np.random.default_rng(1).standard_normal((10000, 2)))
    assert cov.total == 4 and cov.reached_count == 2
    assert cov.fraction == Fraction(1, 2)


def test_progress_bar_draws_only_on_a_terminal():
    class Tty(io.StringIO):
        def isatty(self) -> bool:
            return True

    out = Tty()
    bar = ProgressBar("chambers", stream=out, min_interval=0)
    for k in range(1, 4):
        bar.update(k, 3)
    bar.close()
    assert "3/3" in out.getvalue()
    piped = io.StringIO()
    bar = ProgressBar("chambers", stream=piped, min_interval=0)
    bar.update(1, 3)
    bar.close()
    assert piped.getvalue() == ""
