"""Network files from elsewhere: .npz, PyTorch state_dicts, scikit-learn MLPs, and hostile files
(exact/network_io.py; issue 9 item 9, issue 11's network items).

Run: ``.venv/bin/pytest --hypothesis-profile=ci tests/test_network_io.py``.
"""

from __future__ import annotations

import json
import zipfile
from fractions import Fraction as F

import numpy as np
import pytest
from cli_run import assert_one_line, run_cli
from hypothesis import given, settings
from hypothesis import strategies as st

from arrangement.errors import InputError
from arrangement.instances import FLOAT_NOTE
from exact.cli import main
from exact.network import Network
from exact.network_io import (
    BIAS_NOTE,
    network_from_arrays,
    network_from_mlp,
    network_from_state_dict,
    read_network,
    with_bias_column,
    write_network,
)

X = [[1, 0], [0, 1], [1, 1], [1, -1], [2, 1]]
Y = [1, -1, 2, 0, 1]


def _relu_forward(U, alpha, Xf):
    """The definition Σ_k (x·u_k)_+ α_k in Fractions: an oracle independent of Network."""
    return tuple(sum((max(F(0), sum((F(a) * b for a, b in zip(x, u)), F(0))) * al
                      for u, al in zip(U, alpha)), F(0)) for x in Xf)


@pytest.fixture
def data(tmp_path):
    p = tmp_path / "d.json"
    p.write_text(json.dumps({"X": X, "y": Y, "beta": "1/10"}))
    return p


def _one_line_exit2(capsys, *argv):
    code, _, err = run_cli(list(argv), capsys)
    return assert_one_line(code, err)


# ----------------------------------------------------------------------------- arrays / .npz

@given(st.lists(st.tuples(st.lists(st.floats(-1e6, 1e6, allow_nan=False, width=32),
                                   min_size=2, max_size=2),
                          st.floats(-1e6, 1e6, allow_nan=False)), min_size=1, max_size=4))
def test_float_arrays_converted_exactly(pairs):
    U = np.array([u for u, _ in pairs], dtype=np.float32)
    alpha = np.array([a for _, a in pairs], dtype=np.float64)
    net = network_from_arrays(U, alpha)
    assert net.notes == (FLOAT_NOTE,)
    for nr, u, a in zip(net.neurons, U, alpha):
        assert nr.u == tuple(F(float(t)) for t in u) and nr.alpha == F(float(a))
    Uq = [[F(float(t)) for t in u] for u in U]
    assert net.output(X) == _relu_forward(Uq, [F(float(a)) for a in alpha], X)


def test_npz_round_trip_exact(tmp_path):
    import sympy

    net = Network.from_lists([((1, "1/3"), -2), (("2/7", 0), "5/2")])
    p = tmp_path / "n.npz"
    write_network(net, p)
    back = read_network(p)
    assert back == net and back.notes == ()
    alg = Network.from_lists([((sympy.sqrt(2), 1), 3)])
    write_network(alg, tmp_path / "a.npz")
    assert read_network(tmp_path / "a.npz") == alg
    empty = Network(())
    write_network(empty, tmp_path / "e.npz")
    assert read_network(tmp_path / "e.npz").width == 0


def test_npz_integer_and_float(tmp_path):
    p = tmp_path / "n.npz"
    np.savez(p, U=np.array([[1, -1], [0, 2]], dtype=np.int16), alpha=np.array([3, 4]))
    net = read_network(p)
    assert net.notes == () and net.neurons[1].u == (F(0), F(2))
    np.savez(p, U=np.array([[0.1, 0.0]]), alpha=np.array([1.0]))
    net = read_network(p)
    assert net.neurons[0].u[0] == F(0.1) != F(1, 10) and FLOAT_NOTE in net.notes


def _zip_with(path, members):
    import io

    with zipfile.ZipFile(path, "w") as z:
        for name, arr in members:
            buf = io.BytesIO()
            np.save(buf, arr, allow_pickle=True)
            with pytest.warns(UserWarning) if name in z.namelist() else _null():
                z.writestr(name, buf.getvalue())


class _null:
    def __enter__(self):
        return self

    def __exit__(self, *a):
        return False


def _npy_bytes_with_shape(shape):
    hdr = {"descr": "<f8", "fortran_order": False, "shape": shape}
    import io

    buf = io.BytesIO()
    np.lib.format.write_array_header_1_0(buf, hdr)
    return np.lib.format.magic(1, 0) + buf.getvalue()[len(np.lib.format.magic(1, 0)):]


@pytest.mark.parametrize(
    ("case", "needle"),
    [
        ("duplicate", "duplicate array 'U'"),
        ("unknown", "unknown array 'bias' (known: U, alpha)"),
        ("missing", "missing array 'alpha'"),
        ("shape_U", "U must be 2-D"),
        ("shape_alpha", "alpha must be 1-D"),
        ("mismatch", "U has 2 rows but alpha has 1 entry"),
        ("nan", "not a finite number"),
        ("inf", "not a finite number"),
        ("object", "object arrays are refused"),
        ("bool", "unsupported dtype bool"),
        ("complex", "unsupported dtype complex128"),
        ("huge_header", "the limit is"),
        ("not_zip", "not a .npz archive"),
        ("big_value", "magnitude above 10^30"),
        ("text", "not an exact number"),
    ],
)
def test_hostile_npz(tmp_path, capsys, data, case, needle):
    p = tmp_path / "net.npz"
    good_U, good_a = np.array([[1, 0], [0, 1]]), np.array([1, 2])
    if case == "duplicate":
        _zip_with(p, [("U.npy", good_U), ("alpha.npy", good_a), ("U.npy", good_U)])
    elif case == "unknown":
        np.savez(p, U=good_U, alpha=good_a, bias=np.array([3]))
    elif case == "missing":
        np.savez(p, U=good_U)
    elif case == "shape_U":
        np.savez(p, U=np.ones((2, 2, 1)), alpha=good_a)
    elif case == "shape_alpha":
        np.savez(p, U=good_U, alpha=np.ones((2, 1)))
    elif case == "mismatch":
        np.savez(p, U=good_U, alpha=np.array([1]))
    elif case in ("nan", "inf"):
        np.savez(p, U=np.array([[1.0, np.nan if case == "nan" else -np.inf], [0, 1]]),
                 alpha=good_a)
    elif case == "object":
        _zip_with(p, [("U.npy", np.array([[1, None]], dtype=object)), ("alpha.npy", good_a)])
    elif case == "bool":
        np.savez(p, U=good_U.astype(bool), alpha=good_a)
    elif case == "complex":
        np.savez(p, U=good_U.astype(complex), alpha=good_a)
    elif case == "huge_header":
        with zipfile.ZipFile(p, "w") as z:
            z.writestr("U.npy", _npy_bytes_with_shape((10**6, 10**6)))
            z.writestr("alpha.npy", _npy_bytes_with_shape((10**6,)))
    elif case == "not_zip":
        p.write_bytes(b"PK\x03\x04 this is not a zip")
    elif case == "big_value":
        np.savez(p, U=np.array([[1e300, 0], [0, 1]]), alpha=good_a)
    elif case == "text":
        np.savez(p, U=np.array([["1/2", "__import__('os')"], ["0", "1"]]), alpha=good_a)
    with pytest.raises(InputError) as e:
        read_network(p)
    assert needle in str(e.value) and "\n" not in str(e.value)
    err = _one_line_exit2(capsys, "check", data, p)
    assert needle in err


# ----------------------------------------------------------------------------- JSON via CLI

_ZERO = ("sqrt(2)+sqrt(3)+sqrt(5)+sqrt(7)+sqrt(11)-sqrt(28+2*sqrt(6)+2*sqrt(10)+2*sqrt(14)"
         "+2*sqrt(22)+2*sqrt(15)+2*sqrt(21)+2*sqrt(33)+2*sqrt(35)+2*sqrt(55)+2*sqrt(77))")


@pytest.mark.parametrize(
    ("text", "needle"),
    [
        ('{"format": "relucvx-network/1", "neurons": [{"u": [1, 0], "alpha": 1, "bias": 3}]}',
         "unknown key 'bias' (known keys: u, alpha)"),
        ('{"format": "relucvx-network/1", "bias": 3, "neurons": []}', "unknown key 'bias'"),
        ('{"format": "relucvx-network/1", "neurons": [{"u": [1, 0], "alpha": "(2**64)**64"}]}',
         "digits"),
        ('{"format": "relucvx-network/1", "neurons": [], "neurons": []}', "duplicate key"),
        ('{"format": "relucvx-network/1", "neurons": [{"u": [1, NaN], "alpha": 1}]}',
         "not a finite number"),
        ('{"format": "relucvx-network/1", "neurons": [{"u": [1], "alpha": 1}]}', "dimension 1"),
        ('{"format": "relucvx-network/1", "exact": "algebraic", "neurons": [{"u": ["sqrt(-2)", 1],'
         ' "alpha": 1}]}', "not a real number"),
        ('{"format": "relucvx-network/1", "exact": "algebraic", "neurons": [{"u": ["1/(' + _ZERO
         + ')", 1], "alpha": 1}]}', "division by zero"),
    ],
)
def test_hostile_json_cli(tmp_path, capsys, data, text, needle):
    p = tmp_path / "net.json"
    p.write_text(text)
    err = _one_line_exit2(capsys, "check", data, p)
    assert needle in err


def test_nested_radical_zero_network(tmp_path, capsys, data):
    """Issue 11: weights that are 0 written as nested radicals (this file is 295 bytes): the
    check finishes, on the network with those weights replaced by 0."""
    p = tmp_path / "zero.json"
    p.write_text(json.dumps({"format": "relucvx-network/1", "exact": "algebraic", "neurons": [
        {"u": [_ZERO, 1], "alpha": f"sqrt({_ZERO}) + 1"}]}))
    net = read_network(p)
    assert net.neurons[0].u == (F(0), F(1)) and net.neurons[0].alpha == F(1)
    plain = tmp_path / "plain.json"
    Network.from_lists([((0, 1), 1)]).write_json(plain)
    assert main(["check", str(data), str(p), "--json"]) == 0
    a = json.loads(capsys.readouterr().out)
    assert main(["check", str(data), str(plain), "--json"]) == 0
    b = json.loads(capsys.readouterr().out)
    assert (a["verdict"], a["objective"], a["lower"]) == (b["verdict"], b["objective"], b["lower"])


def test_check_reads_npz_and_writes_npz(tmp_path, capsys, data):
    p = tmp_path / "n.npz"
    np.savez(p, U=np.array([[1.5, 0.0], [0.0, -1.0]]), alpha=np.array([0.5, 0.25]))
    out = tmp_path / "better.npz"
    assert main(["check", str(data), str(p), "--json", "--net-out", str(out)]) == 0
    s = json.loads(capsys.readouterr().out)
    assert s["network_notes"] == [FLOAT_NOTE]
    assert F(s["objective"]) == read_network(p).objective(X, Y, F(1, 10))
    if s["verdict"] == "not optimal":
        better = read_network(out)
        assert better.objective(X, Y, F(1, 10)) == F(s["better_objective"])
    assert main(["check", str(data), str(p)]) == 0
    assert FLOAT_NOTE in capsys.readouterr().out


def test_unknown_suffix_and_special_files(tmp_path, capsys, data):
    import os

    p = tmp_path / "net.txt"
    p.write_text("{}")
    assert "unknown network file type" in _one_line_exit2(capsys, "check", data, p)
    fifo = tmp_path / "fifo.npz"
    os.mkfifo(fifo)
    assert "is a FIFO" in _one_line_exit2(capsys, "check", data, fifo)
    assert "is a directory" in _one_line_exit2(capsys, "check", data, tmp_path)


# ----------------------------------------------------------------------------- PyTorch

def test_torch_state_dict(tmp_path, capsys, data):
    torch = pytest.importorskip("torch")
    torch.manual_seed(0)
    model = torch.nn.Sequential(torch.nn.Linear(2, 3, bias=False), torch.nn.ReLU(),
                                torch.nn.Linear(3, 1, bias=False))
    p = tmp_path / "m.pt"
    torch.save(model.state_dict(), p)
    net = read_network(p)
    W1 = model[0].weight.detach().tolist()
    W2 = model[2].weight.detach().tolist()[0]
    assert [nr.u for nr in net.neurons] == [tuple(F(t) for t in row) for row in W1]
    assert [nr.alpha for nr in net.neurons] == [F(t) for t in W2]
    assert net.notes == (FLOAT_NOTE,)
    # the exact output is the definition, and float64 torch agrees to rounding
    Xf = [[F(t) for t in row] for row in X]
    exact_out = net.output(Xf)
    assert exact_out == _relu_forward([[F(t) for t in r] for r in W1], [F(t) for t in W2], Xf)
    with torch.no_grad():
        ref = model.double()(torch.tensor(X, dtype=torch.float64)).reshape(-1).tolist()
    assert all(abs(float(a) - b) < 1e-12 for a, b in zip(exact_out, ref))
    assert main(["check", str(data), str(p), "--json"]) == 0
    capsys.readouterr()


@pytest.mark.parametrize(
    ("case", "needle"),
    [
        ("bias", "is nonzero: relucvx networks have no biases"),
        ("unknown", "unknown key 'extra'"),
        ("three", "expected 2 weight matrices"),
        ("shape", "must have shape (1, m)"),
        ("tensor", "expected a state_dict"),
        ("module", "weights_only=True refused it"),
        ("garbage", "weights_only=True refused it"),
        ("nan", "not a finite number"),
        ("int8_ok", None),
        ("zero_bias_ok", None),
    ],
)
def test_hostile_torch(tmp_path, capsys, data, case, needle):
    torch = pytest.importorskip("torch")
    p = tmp_path / "m.pt"
    w1, w2 = torch.tensor([[1.0, 0.0], [0.0, 1.0]]), torch.tensor([[1.0, -1.0]])
    if case == "bias":
        obj = {"0.weight": w1, "0.bias": torch.tensor([0.0, 0.5]), "2.weight": w2}
    elif case == "unknown":
        obj = {"0.weight": w1, "2.weight": w2, "extra": torch.tensor(1.0)}
    elif case == "three":
        obj = {"0.weight": w1, "2.weight": w1, "4.weight": w2}
    elif case == "shape":
        obj = {"0.weight": w1, "2.weight": w2.T}
    elif case == "tensor":
        obj = w1
    elif case == "module":
        obj = torch.nn.Linear(2, 2)
    elif case == "nan":
        obj = {"0.weight": torch.tensor([[float("nan"), 0.0], [0, 1]]), "2.weight": w2}
    elif case == "int8_ok":
        obj = {"a.weight": w1.to(torch.int8), "b.weight": w2.to(torch.bfloat16)}
    elif case == "zero_bias_ok":
        obj = {"0.weight": w1, "0.bias": torch.zeros(2), "2.weight": w2, "2.bias": torch.zeros(1)}
    if case == "garbage":
        p.write_bytes(b"\x80\x04garbage")
    else:
        torch.save(obj, p)
    if needle is None:
        net = read_network(p)
        assert net.width == 2 and net.neurons[1].alpha == -1
        return
    with pytest.raises(InputError) as e:
        read_network(p)
    assert needle in str(e.value) and "\n" not in str(e.value)
    assert needle in _one_line_exit2(capsys, "check", data, p)


def test_torch_missing_is_one_line(tmp_path, capsys, data, monkeypatch):
    import sys

    p = tmp_path / "m.pt"
    p.write_bytes(b"anything")
    monkeypatch.setitem(sys.modules, "torch", None)  # `import torch` raises ImportError
    err = _one_line_exit2(capsys, "check", data, p)
    assert "needs PyTorch: pip install 'relucvx[torch]'" in err


def test_state_dict_from_numpy_without_torch():
    net = network_from_state_dict({"fc1.weight": np.array([[2, 0]]),
                                   "fc2.weight": np.array([[0.5]])})
    assert net.neurons[0].u == (F(2), F(0)) and net.neurons[0].alpha == F(1, 2)


# ----------------------------------------------------------------------------- scikit-learn

def _fitted(kind):
    sklearn_nn = pytest.importorskip("sklearn.neural_network")
    import warnings

    rng = np.random.default_rng(0)
    Xr = rng.normal(size=(30, 2))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        if kind == "regressor":
            m = sklearn_nn.MLPRegressor(hidden_layer_sizes=(4,), max_iter=300, random_state=0)
            m.fit(Xr, Xr[:, 0] - 2 * Xr[:, 1])
        else:
            m = sklearn_nn.MLPClassifier(hidden_layer_sizes=(4,), max_iter=300, random_state=0)
            m.fit(Xr, (Xr[:, 0] > Xr[:, 1]).astype(int))
    return m, Xr


def test_mlp_regressor_bias_column():
    m, Xr = _fitted("regressor")
    with pytest.raises(InputError, match="output intercept"):
        network_from_mlp(m, bias_column=True)
    m.intercepts_[1][:] = 0.0
    with pytest.raises(InputError, match="hidden intercepts are nonzero"):
        network_from_mlp(m)
    net = network_from_mlp(m, bias_column=True)
    assert net.dim == 3 and BIAS_NOTE in net.notes and FLOAT_NOTE in net.notes
    Xb = with_bias_column(Xr)
    out = net.output(Xb)
    assert max(abs(float(a) - b) for a, b in zip(out, m.predict(Xr))) < 1e-9
    # the oracle: the MLP's definition in Fractions with intercepts
    W = [[F(float(t)) for t in col] for col in m.coefs_[0].T]
    b = [F(float(t)) for t in m.intercepts_[0]]
    a = [F(float(t)) for t in m.coefs_[1][:, 0]]
    Xq = [[F(float(t)) for t in row] for row in Xr]
    ref = tuple(sum((max(F(0), sum((x_i * w_i for x_i, w_i in zip(x, w)), F(0)) + bk) * ak
                     for w, bk, ak in zip(W, b, a)), F(0)) for x in Xq)
    assert out == ref


def test_mlp_classifier_and_refusals(tmp_path):
    from types import SimpleNamespace as NS

    from exact.network_io import CLASSIFIER_NOTE, export_mlp

    m, Xr = _fitted("classifier")
    m.intercepts_[1][:] = 0.0
    p = tmp_path / "mlp.json"
    net = export_mlp(m, p, bias_column=True)
    assert CLASSIFIER_NOTE in net.notes and read_network(p) == net
    pred = m.predict(Xr)
    out = net.output(with_bias_column(Xr))
    assert all((o > 0) == (c == m.classes_[1]) for o, c in zip(out, pred) if o != 0)
    two = NS(activation="relu", coefs_=[np.eye(2)] * 3, intercepts_=[np.zeros(2)] * 3)
    with pytest.raises(InputError, match="2 hidden layers"):
        network_from_mlp(two)
    tanh = NS(activation="tanh", coefs_=[np.eye(2)] * 2, intercepts_=[np.zeros(2)] * 2)
    with pytest.raises(InputError, match="'tanh'"):
        network_from_mlp(tanh)
    multi = NS(activation="relu", coefs_=[np.eye(2), np.ones((2, 3))],
               intercepts_=[np.zeros(2), np.zeros(3)])
    with pytest.raises(InputError, match="3 outputs"):
        network_from_mlp(multi)
    with pytest.raises(InputError, match="not a fitted"):
        network_from_mlp(object())


def test_file_size_limit_and_force(tmp_path, capsys, data, monkeypatch):
    from arrangement.errors import TooLargeError

    p = tmp_path / "net.json"
    Network.from_lists([((1, 0), 1)]).write_json(p)
    monkeypatch.setattr("arrangement.limits.MAX_FILE_BYTES", 10)  # the one project-wide limit
    with pytest.raises(TooLargeError, match="is larger than the limit of 10 bytes"):
        read_network(p)
    assert read_network(p, force=True).width == 1
    # one limit for data and network files: a limit the data fits under refuses the network
    limit = data.stat().st_size
    assert p.stat().st_size > limit
    monkeypatch.setattr("arrangement.limits.MAX_FILE_BYTES", limit)
    assert f"net.json is larger than the limit of {limit} bytes" in _one_line_exit2(
        capsys, "check", data, p)


# ----------------------------------------------------------------------------- random hostiles

_leaf = (st.none() | st.booleans() | st.integers(-10**40, 10**40) | st.floats()
         | st.text(alphabet="0123456789+-*/(). sqrtIe", max_size=24)
         | st.sampled_from(["sqrt(2)-sqrt(2)", "1/0", "sqrt(-1)", "9**64**64", "(2**64)**64",
                            "1e999", "sqrt(sqrt(2)+sqrt(3)-sqrt(5+2*sqrt(6)))", "NaN"]))
_json = st.recursive(_leaf, lambda c: st.lists(c, max_size=3) | st.dictionaries(
    st.sampled_from(["format", "exact", "neurons", "u", "alpha", "bias", "notes"]), c,
    max_size=4), max_leaves=12)
_shaped = st.fixed_dictionaries(
    {"format": st.just("relucvx-network/1"),
     "exact": st.sampled_from(["rational", "algebraic"]),
     "neurons": st.lists(st.fixed_dictionaries({"u": st.lists(_leaf, min_size=2, max_size=2),
                                                "alpha": _leaf}), max_size=3)})


@settings(max_examples=60)
@given(_json | _shaped)
def test_random_network_json_one_line(tmp_path_factory, value):
    """Whatever the JSON, reading it gives a Network or one line of InputError, nothing else."""
    p = tmp_path_factory.mktemp("rand") / "net.json"
    p.write_text(json.dumps(value))
    try:
        net = read_network(p)
    except InputError as exc:
        assert "\n" not in str(exc) and len(str(exc)) < 400
        return
    assert isinstance(net, Network)
    for nr in net.neurons:  # accepted entries are exact and within the documented limits
        assert all(isinstance(t, F) or t.is_number for t in (*nr.u, nr.alpha))
