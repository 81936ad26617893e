"""2-D CNNs (docs/cnn.md §6): h × w filters on images given as flattened rows with a declared
shape (``--conv HxW --image RxC``, a stride per axis), exact/conv.py.

Oracles: the patches by their definition (pixel loops), the 1-D CNN (images of one row), the
dense program (one patch covering the image), the transposed images (an isometry of the patch
space that permutes the patch positions), the standard-library verifier (patches re-derived),
and the command line's one-line refusals of bad shapes.
"""

from __future__ import annotations

import json
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from arrangement.errors import InputError
from exact import verify as V
from exact.certify import solve
from exact.conv import (
    ConvNetwork,
    ConvProgram,
    check_conv,
    conv_certificate,
    conv_check_certificate,
    conv_counts,
    conv_network,
    num_patches,
    patches,
    solve_conv,
)
from properties.strategies import filter_strides
from tests.cli_run import cli

F = Fraction


def my_patches(X, R, C, H, W, sr, sc):
    """The windows by their definition: image j as a matrix, window (a, b) read row-major."""
    out = []
    for x in X:
        img = [[F(x[r * C + c]) for c in range(C)] for r in range(R)]
        for a in range(0, R - H + 1, sr):
            for b in range(0, C - W + 1, sc):
                out.append([img[a + u][b + v] for u in range(H) for v in range(W)])
    return out


@st.composite
def shapes(draw):
    R, C = draw(st.integers(1, 4)), draw(st.integers(1, 4))
    (H, sr), (W, sc) = draw(filter_strides(R)), draw(filter_strides(C))
    return R, C, H, W, sr, sc


@given(shapes(), st.integers(1, 3), st.data())
def test_patches_match_their_definition(shape, n, data):
    R, C, H, W, sr, sc = shape
    X = data.draw(st.lists(st.lists(st.integers(-5, 5), min_size=R * C, max_size=R * C),
                           min_size=n, max_size=n))
    want = my_patches(X, R, C, H, W, sr, sc)
    got = patches(X, (H, W), (sr, sc), (R, C))
    assert [list(r) for r in got] == want
    assert num_patches(R * C, (H, W), (sr, sc), (R, C)) * n == len(want)
    # the verifier's own rule re-derives the same matrix
    Xq = [[F(t) for t in x] for x in X]
    assert V.conv_patches(Xq, (H, W), (sr, sc), (R, C)) == (want, len(want) // n)


@pytest.mark.parametrize("h, stride, image, words", [
    ((3, 1), 1, (2, 3), "exceeds the image height"),
    ((1, 4), 1, (2, 3), "exceeds the image width"),
    ((1, 2), (1, 2), (2, 3), "skips the end of the image's columns"),
    ((2, 1), (2, 1), (3, 2), "skips the end of the image's rows"),
    ((1, 1), (0, 1), (2, 3), "at least 1"),
    ((1, 1), 1, (3, 3), "has 9 pixels but the rows of the data have 6"),
    ((0, 1), 1, (2, 3), "at least 1"),
])
def test_bad_shapes_are_refused(h, stride, image, words):
    with pytest.raises(InputError, match=words):
        ConvProgram([[1, 2, 3, 4, 5, 6]], [1], 1, h, stride, image=image)


def test_one_row_images_are_the_1d_cnn():
    X, y, beta = [[1, 0, -1, 2], [0, 1, 1, -1], [2, -1, 0, 1]], [1, -1, 2], F(1, 10)
    one = solve_conv(X, y, beta, 2, 2)
    two = solve_conv(X, y, beta, (1, 2), (1, 2), image=(1, 4))
    assert one.chambers == two.chambers
    assert max(one.lower, two.lower) <= min(one.upper, two.upper)
    # and a 1 x L image read as a column of L rows with an h x 1 filter: the same patches
    col = solve_conv(X, y, beta, (2, 1), (2, 1), image=(4, 1))
    assert max(one.lower, col.lower) <= min(one.upper, col.upper)


def test_one_window_is_the_dense_program():
    X, y, beta = [[1, 0, -1, 2], [0, 1, 1, -1], [2, -1, 0, 1]], [1, -1, 2], F(1, 10)
    cnn = solve_conv(X, y, beta, (2, 2), 1, image=(2, 2))
    dense = solve(X, y, beta)
    assert cnn.chambers == dense.chambers
    assert max(cnn.lower, dense.lower) <= min(cnn.upper, dense.upper)


@settings(max_examples=8, deadline=None)
@given(st.lists(st.lists(st.integers(-3, 3), min_size=6, max_size=6), min_size=2, max_size=3),
       st.sampled_from([((2, 2), (1, 1)), ((1, 2), (1, 1)), ((2, 1), (1, 2))]))
def test_transposing_every_image_leaves_p_star_unchanged(X, filt):
    """Image j (2 × 3) transposed is a 3 × 2 image; the filter H × W becomes W × H with the
    strides swapped: each patch is permuted by one fixed permutation (an isometry of R^{HW})
    and the patch positions of a signal are permuted, so the program has the same value."""
    (H, W), (sr, sc) = filt
    y = [1, -1, 2][:len(X)]
    XT = [[x[r * 3 + c] for c in range(3) for r in range(2)] for x in X]
    a = solve_conv(X, y, F(1, 5), (H, W), (sr, sc), image=(2, 3))
    b = solve_conv(XT, y, F(1, 5), (W, H), (sc, sr), image=(3, 2))
    assert a.chambers == b.chambers
    assert max(a.lower, b.lower) <= min(a.upper, b.upper)


def test_planted_bug_row_and_column_swapped_is_caught():
    """Reading the images column-major (a wrong stride order) gives other patches: the
    definition oracle above catches it."""
    X = [[1, 2, 3, 4, 5, 6]]
    wrong = patches(X, (2, 2), 1, (3, 2))  # the image declared 3 x 2 instead of 2 x 3
    assert [list(r) for r in wrong] != my_patches(X, 2, 3, 2, 2, 1, 1)


X2 = [[1, 0, -1, 2, 0, 1], [0, 1, 1, 0, -1, 2], [2, -1, 0, 1, 1, 0]]


@pytest.mark.parametrize("loss, y", [("squared", [1, -1, 2]), ("hinge", [1, -1, 1]),
                                     ("absolute", [1, -1, 2]), ("squared_hinge", [1, -1, 1])])
def test_solve_and_check_certificates_verify(loss, y):
    sol = solve_conv(X2, y, F(1, 10), (2, 2), 1, loss=loss, image=(2, 3))
    cert = json.loads(json.dumps(conv_certificate(sol)))
    status, line = V.verify(cert)
    assert status == V.PROVED, line
    assert cert["model"] == {"name": "conv", "h": [2, 2], "stride": [1, 1], "image": [2, 3]}
    net = conv_network(sol)
    assert net.shape == (2, 2) and net.objective(X2, y, F(1, 10), loss, (2, 3)) == sol.upper
    for cand in (net, ConvNetwork.from_lists([((1, 0, 0, 1), 1)], (1, 1), (2, 2))):
        r = check_conv(cand, X2, y, F(1, 10), (2, 2), 1, loss, image=(2, 3))
        cert = json.loads(json.dumps(conv_check_certificate(r)))
        status, line = V.verify(cert)
        assert status == V.PROVED and cert["claims"]["verdict"] == r.verdict, line
    assert check_conv(net, X2, y, F(1, 10), (2, 2), 1, loss, image=(2, 3)).verdict == "optimal"


def test_network_json_round_trip_and_shape_refusals():
    net = ConvNetwork.from_lists([((1, "1/2", 0, -1), 2)], (1, 2), (2, 2))
    back = ConvNetwork.from_json(json.loads(json.dumps(net.to_json())))
    assert back == net and back.to_json()["h"] == [2, 2]
    with pytest.raises(InputError, match="needs the image shape"):
        net.output(X2)
    with pytest.raises(InputError, match="cannot read images"):
        ConvNetwork.from_lists([((1, 0), 1)]).output(X2, (2, 3))
    with pytest.raises(InputError, match="has 4 entries, got 3"):
        ConvNetwork.from_lists([((1, 0, 0), 1)], 1, (2, 2))
    with pytest.raises(InputError, match="width 2 and stride 1, but --conv 2x2"):
        check_conv(ConvNetwork.from_lists([((1, 0), 1)]), X2, [1, 0, 1], 1, (2, 2),
                   image=(2, 3))


def test_counts_of_the_patch_arrangement():
    from tests.oracles import brute_force_chambers

    c = conv_counts(X2, (2, 2), 1, gates=50, image=(2, 3))
    P = my_patches(X2, 2, 3, 2, 2, 1, 1)
    assert (c["patch_rows"], c["K"], c["image"]) == (6, 2, (2, 3))
    assert c["chambers"] == len(brute_force_chambers(P))


# -- the command line ----------------------------------------------------------------------------
def test_cli_solve_check_arrangement_verify(tmp_path, capsys):
    data = tmp_path / "img.json"
    data.write_text(json.dumps({"X": X2, "y": [1, -1, 2], "beta": "1/10"}))
    cert, net = tmp_path / "c.json", tmp_path / "n.json"
    code, out, err = cli(capsys, "solve", str(data), "--conv", "2x2", "--image", "2x3",
                          "--json", "--certificate", str(cert), "--net-out", str(net))
    assert code == 0 and not err
    o = json.loads(out)
    assert (o["h"], o["stride"], o["image"], o["K"]) == ([2, 2], [1, 1], [2, 3], 2)
    assert cli(capsys, "verify", str(cert))[0] == 0
    ccert = tmp_path / "cc.json"
    code, out, _ = cli(capsys, "check", str(data), str(net), "--conv", "2x2", "--image", "2x3",
                        "--json", "--certificate", str(ccert))
    assert code == 0 and json.loads(out)["verdict"] == "optimal"
    code, out, _ = cli(capsys, "verify", str(ccert))
    assert code == 0 and "2x2" in out
    code, out, _ = cli(capsys, "arrangement", str(data), "--conv", "2x2", "--image", "2x3",
                        "--json")
    assert code == 0 and json.loads(out)["patch_rows"] == 6


@pytest.mark.parametrize("extra, words", [
    (["--conv", "2x2"], "needs --image RxC"),
    (["--image", "2x3"], "--image needs a 2-D filter"),
    (["--conv", "2", "--image", "2x3"], "--image needs a 2-D filter"),
    (["--conv", "2x2", "--image", "3x3"], "has 9 pixels"),
    (["--conv", "3x2", "--image", "2x3"], "exceeds the image height"),
    (["--conv", "1x2", "--image", "2x3", "--stride", "1x2"], "skips the end"),
    (["--conv", "1x2", "--image", "2x3", "--stride", "0x1"], "at least 1"),
    (["--conv", "2x", "--image", "2x3"], "--conv expects"),
    (["--conv", "2x2", "--image", "6"], "--image expects RxC"),
    (["--conv", "2", "--stride", "1x1"], "takes one stride"),
])
def test_cli_bad_shapes_one_line_exit_2(tmp_path, capsys, extra, words):
    data = tmp_path / "img.json"
    data.write_text(json.dumps({"X": X2, "y": [1, -1, 2], "beta": 1}))
    for cmd in ("solve", "arrangement"):
        code, out, err = cli(capsys, cmd, str(data), *extra)
        assert code == 2 and not out and err.count("\n") == 1 and words in err, err
        assert err.startswith("relucvx: error: ")


def test_a_huge_patch_matrix_is_refused_before_it_is_built():
    """The verifier counts n·K·HW before it re-derives the windows (docs/certificates.md §3):
    a few rows declared as large images with a large filter are refused at once (status 2)."""
    cert = {"format": V.FORMAT, "kind": "solve", "loss": "squared",
            "model": {"name": "conv", "h": [100, 100], "stride": [1, 1], "image": [200, 200]},
            "data": {"X": [[0] * 40000] * 10, "y": [0] * 10, "beta": 1},
            "network": {"neurons": []}, "dual": {"v": [0] * 10, "kappa": 0},
            "chambers": [], "claims": {"lower": 0, "upper": 0, "gap": 0, "num_chambers": 0}}
    status, line = V.verify(cert)
    assert status == V.REFUSED and "products" in line
