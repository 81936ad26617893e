"""``relucvx check`` and ``relucvx demo``: JSON keys, certificates, bad input, exit statuses.

Run: ``.venv/bin/pytest --hypothesis-profile=ci tests/test_check_cli.py``.
"""

from __future__ import annotations

import json
from fractions import Fraction

import pytest

from exact.certify import solve
from exact.network import Network
from exact.verify import verify_file
from tests.cli_run import cli

KEYS = ("verdict", "objective", "lower", "upper", "worst_chamber", "violation")
X2D = [[1, 0], [0, 1], [1, 1], [1, -1], [1, 2], [2, -1]]
Y2D = [1, -1, 2, 0, 1, -2]


def _is_exact(text) -> bool:
    Fraction(text)  # raises for anything but "p/q"
    return True


@pytest.fixture(scope="module")
def nets(tmp_path_factory):
    d = tmp_path_factory.mktemp("nets")
    sol = solve(X2D, Y2D, Fraction(1, 10))
    good = d / "good.json"
    sol.network.write_json(good)
    bad = d / "bad.json"
    Network.from_lists([((1, 0), 1), ((0, 1), -1)]).write_json(bad)
    wide = d / "three.json"
    Network.from_lists([((1, 0, 0), 1)]).write_json(wide)
    return d, good, bad, wide


def test_not_optimal_json(capsys, nets):
    d, _good, bad, _ = nets
    cert = d / "c.json"
    out_net = d / "better.json"
    code, out, err = cli(capsys, "check", "example:generic2d", str(bad), "--json",
                          "--certificate", str(cert), "--net-out", str(out_net))
    assert code == 0, err
    s = json.loads(out)
    for k in KEYS + ("better_objective", "gap"):
        assert k in s
    assert s["verdict"] == "not optimal"
    for k in ("objective", "lower", "upper", "violation", "better_objective"):
        assert _is_exact(s[k])
    assert Fraction(s["better_objective"]) < Fraction(s["objective"])
    assert s["objective"] == s["upper"]
    assert len(s["worst_chamber"]) == 2
    assert verify_file(str(cert))[0]
    code, out, _ = cli(capsys, "verify", str(cert))
    assert code == 0 and out.startswith("valid:")
    # the better network is itself certified optimal
    code, out, err = cli(capsys, "check", "example:generic2d", str(out_net), "--json")
    assert code == 0 and json.loads(out)["verdict"] == "optimal", err


def test_optimal_text(capsys, nets):
    _d, good, _bad, _ = nets
    code, out, err = cli(capsys, "check", "example:generic2d", str(good))
    assert code == 0, err
    assert "OPTIMAL" in out and "NOT OPTIMAL" not in out


def test_beta_override(capsys, nets):
    _d, good, _bad, _ = nets
    code, out, _ = cli(capsys, "check", "example:generic2d", str(good), "--beta", "1", "--json")
    assert code == 0 and json.loads(out)["verdict"] == "not optimal"


@pytest.mark.parametrize("case", ["missing", "dimension", "non-number", "not-json", "no-y",
                                  "bad-tol", "beta-zero", "directory"])
def test_bad_inputs_exit_2_with_one_line(capsys, nets, tmp_path, case):
    d, good, _bad, wide = nets
    data, net, extra = "example:generic2d", str(good), []
    if case == "missing":
        net = str(tmp_path / "nope.json")
    elif case == "dimension":
        net = str(wide)
    elif case == "non-number":
        p = tmp_path / "n.json"
        p.write_text('{"format": "relucvx-network/1", "neurons": [{"u": ["abc", 1], '
                     '"alpha": 1}]}')
        net = str(p)
    elif case == "not-json":
        p = tmp_path / "n.json"
        p.write_text("{not json")
        net = str(p)
    elif case == "no-y":
        p = tmp_path / "x.json"
        p.write_text(json.dumps({"X": X2D, "beta": "1/10"}))
        data = str(p)
    elif case == "bad-tol":
        extra = ["--tol", "x"]
    elif case == "beta-zero":
        extra = ["--beta", "0"]
    elif case == "directory":
        net = str(tmp_path)
    code, out, err = cli(capsys, "check", data, net, *extra)
    assert code == 2, (out, err)
    assert out == ""
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("relucvx: error: "), err
    if case == "missing":
        assert lines[0] == f"relucvx: error: no such file: {net}"
    if case == "dimension":
        assert "dimension 3" in lines[0] and "2 columns" in lines[0]


def test_demo_exits_0(capsys):
    code, out, err = cli(capsys, "demo")
    assert code == 0, err
    for text in ("Zaslavsky", "37/200", "NOT OPTIMAL", "OPTIMAL", "valid", "relucvx fuzz --list"):
        assert text in out


def test_hinge_loss_round_trip(capsys, tmp_path):
    data = tmp_path / "d.json"
    data.write_text(json.dumps({"X": [[-1, 1], [0, 1], [1, 1], [2, 1]], "y": [1, -1, 1, -1],
                                "beta": "1/10"}))
    bad = tmp_path / "bad.json"
    Network.from_lists([((1, 0), 1)]).write_json(bad)
    cert, better = tmp_path / "c.json", tmp_path / "better.json"
    code, out, _ = cli(capsys, "check", str(data), str(bad), "--loss", "hinge", "--json",
                        "--certificate", str(cert), "--net-out", str(better))
    s = json.loads(out)
    assert code == 0 and s["verdict"] == "not optimal" and s["loss"] == "hinge"
    assert s["dual_source"] == "subgradient" and s["objective"] == "51/10"
    assert verify_file(str(cert))[0]
    # the better network it wrote passes the same check
    code, out, _ = cli(capsys, "check", str(data), str(better), "--loss", "hinge", "--json")
    assert code == 0 and json.loads(out)["verdict"] == "optimal"
