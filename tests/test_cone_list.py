"""exact.convex.ConeList (ConvexProgram.cones made on access) against Arrangement.cone, the
per-chamber oracle it replaces: every chamber, negative indices, slices with steps, iteration
in blocks, facet counts, single rows, and the index error."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from arrangement.core import Arrangement
from exact.convex import ConeList, ConvexProgram, cone_row, cone_sizes


@given(st.integers(0, 2**32 - 1), st.integers(3, 9), st.integers(2, 4))
def test_cone_list_is_the_arrangements_cones(seed, n, d):
    rng = np.random.default_rng(seed)
    X = rng.integers(-3, 4, size=(n, d)).tolist()
    arr = Arrangement(X)
    cp = ConvexProgram(X, [0] * n, 1, arrangement=arr)
    cones = cp.cones
    want = [list(arr.cone(i)) for i in range(arr.num_chambers())]
    if not isinstance(cones, ConeList):  # no hyperplanes (X = 0): plain empty lists
        assert cones == want
        return
    assert len(cones) == len(want) and list(cones) == want
    assert [cones[i] for i in range(-len(want), 0)] == want
    assert cones[1:len(want):3] == want[1::3] and cones[::-2] == want[::-2]
    assert cones[5:2] == [] and cones[-3:] == want[-3:]
    assert cone_sizes(cones).tolist() == [len(c) for c in want]
    assert all(cone_row(cones, i, k) == a for i, c in enumerate(want) for k, a in enumerate(c))
    with pytest.raises(IndexError):
        cones[len(want)]


def test_a_cone_list_spans_iteration_blocks():
    # more chambers than one block of __iter__ (4096): the blocks join without a seam
    X = np.random.default_rng(3).integers(-9, 10, size=(25, 4)).tolist()
    arr = Arrangement(X)
    cones = ConvexProgram(X, [0] * 25, 1, arrangement=arr).cones
    assert len(cones) > 4096
    assert list(cones) == [list(arr.cone(i)) for i in range(len(cones))]
