"""``relucvx solve`` (exact/commands/solve.py)."""

from __future__ import annotations

import json
from fractions import Fraction

import pytest

from exact.cli import main
from exact.verify import verify_certificate


def test_json_keys_and_values(capsys):
    assert main(["solve", "example:v1d", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    for key in ("lower", "upper", "gap", "chambers", "active_groups", "m_star", "network"):
        assert key in out
    assert Fraction(out["lower"]) <= Fraction(37, 200) <= Fraction(out["upper"])
    assert out["chambers"] == 6 and out["m_star"] == 3
    assert out["optimal_set"]["exact"] and out["optimal_set"]["p_star"] == "37/200"
    assert out["closed_form"]["value"] == "37/200"
    assert out["network"]["format"] == "relucvx-network/1"


def test_certificate_verifies_with_completeness(tmp_path, capsys):
    cert_path, net_path = tmp_path / "c.json", tmp_path / "n.json"
    assert main(["solve", "example:whitened", "--tol", "1e-30", "--certificate",
                 str(cert_path), "--net-out", str(net_path)]) == 0
    text = capsys.readouterr().out
    assert "P*" in text and "m*" in text
    cert = json.loads(cert_path.read_text())
    assert "completeness" in cert
    ok, msg = verify_certificate(cert)
    assert ok and "certified complete" in msg
    assert main(["verify", str(cert_path)]) == 0
    assert json.loads(net_path.read_text())["format"] == "relucvx-network/1"


def test_hinge_runs(capsys):
    assert main(["solve", "example:v1d", "--loss", "hinge", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["m_star"] is None and out["pruned_width"] <= 3


@pytest.mark.parametrize("argv, message", [
    (["--tol", "0"], "--tol must be > 0"),
    (["--tol=-1e-3"], "--tol must be > 0"),
    (["--tol", "abc"], "not a number"),
    (["--beta", "0"], "beta must be > 0"),
    (["--beta=-1"], "beta must be > 0"),
])
def test_bad_options_exit_2_with_one_line(argv, message, capsys):
    assert main(["solve", "example:v1d", *argv]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("relucvx: error:") and message in err


def test_missing_y_and_beta(tmp_path, capsys):
    p = tmp_path / "x.json"
    p.write_text('{"X": [[1, 2], [3, 4]]}')
    assert main(["solve", str(p)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "DATA has no y" in err
    p.write_text('{"X": [[1, 2], [3, 4]], "y": [1, 2]}')
    assert main(["solve", str(p)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "no beta" in err
    assert main(["solve", str(p), "--beta", "1/2", "--json"]) == 0


def test_too_large_is_refused(capsys, monkeypatch):
    import arrangement.core as core  # solve reads the limit when it runs

    monkeypatch.setattr(core, "DEFAULT_CHAMBER_LIMIT", 3)  # v1d has 6 chambers
    assert main(["solve", "example:v1d"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "--force" in err
    assert main(["solve", "example:v1d", "--force", "--json"]) == 0


def test_optimal_set_budget_says_skipped_and_the_flag(monkeypatch, capsys):
    import exact.optimal_set as optimal_set

    monkeypatch.setattr(optimal_set, "MAX_EXACT_BITS", 0)  # every exact LP is above it
    assert main(["solve", "example:v1d", "--json"]) == 0
    s = json.loads(capsys.readouterr().out)
    o = s["optimal_set"]
    assert not o["complete"] and "budget 0" in o["skipped"] and "--extras forces it" in \
        o["skipped"]
    assert s["m_star"] >= 3  # a bound on the true m* = 3
    assert main(["solve", "example:v1d"]) == 0
    text = capsys.readouterr().out
    assert "skipped:" in text and "--extras forces it" in text and "m*                <=" in text
    assert main(["solve", "example:v1d", "--json", "--extras"]) == 0  # the flag lifts it
    s = json.loads(capsys.readouterr().out)
    assert s["optimal_set"]["skipped"] is None and s["optimal_set"]["exact"]
    assert s["m_star"] == 3


def test_standardized_iris_extras_are_done_or_skipped_with_a_reason(capsys):
    # the fixture whose one-vertex LP (308 candidate groups, 836-bit entries) took 68 s
    from pathlib import Path

    data = Path(__file__).parent / "data" / "iris_15x3_standardized.csv"
    assert main(["solve", str(data), "--target", "last", "--beta", "1e-9", "--json"]) == 0
    s = json.loads(capsys.readouterr().out)
    o = s.get("optimal_set")
    if o is None:
        assert "--extras" in s["extras_skipped"]
    elif not o["complete"]:
        assert o["skipped"] is None or ("bits > budget" in o["skipped"]
                                        and "--extras forces it" in o["skipped"])
        assert len(s["active_groups"]) >= s["m_star"] >= 1
    assert Fraction(s["lower"]) <= Fraction(s["upper"])


def test_vertex_budget_skips_a_large_optimal_polytope_and_says_so(tmp_path, capsys, monkeypatch):
    """(12, 4) of the solver suite: its optimal polytope has 512 vertices (at most 2574 by the
    upper bound theorem, known before any enumeration), which took 1.5x the certified solve.
    Past the budget the extras keep one vertex and say why, naming --extras; the flag lifts it."""
    import numpy as np

    import exact.commands.solve as solve_cmd
    from exact.optimal_set import vertex_bound

    rng = np.random.default_rng(11)
    X = rng.integers(-9, 10, (12, 4)).tolist()
    y = rng.integers(-5, 6, 12).tolist()
    path = tmp_path / "d.json"
    path.write_text(json.dumps({"X": X, "y": y, "beta": "1/10"}))
    monkeypatch.setattr(solve_cmd, "SECONDS_PER_VERTEX", 1e9)  # a budget of 16 vertices
    monkeypatch.setattr(solve_cmd, "EXTRAS_FLOOR", 1e6)  # and no time budget
    monkeypatch.setattr(solve_cmd, "EXTRAS_FLOOR_GROUPS", 10**9)  # (924 groups)
    assert main(["solve", str(path), "--json"]) == 0
    o = json.loads(capsys.readouterr().out)["optimal_set"]
    assert not o["complete"] and o["vertices"] == 1
    assert "vertices (" in o["skipped"] and "> budget 16" in o["skipped"]
    assert "--extras forces it" in o["skipped"]
    assert main(["solve", str(path)]) == 0
    text = capsys.readouterr().out
    assert "skipped:" in text and "--extras forces it" in text
    assert main(["solve", str(path), "--json", "--extras"]) == 0
    s = json.loads(capsys.readouterr().out)
    assert s["optimal_set"]["complete"] and s["optimal_set"]["vertices"] > 16  # 512 here
    assert 1 <= s["m_star"] <= 12 and vertex_bound(19, 8) == 2574


def test_time_budget_of_the_optimal_set_says_skipped_and_the_flag(monkeypatch, capsys):
    """Wine 20 x 6 (raw) spent 103 s CPU in the optimal set's exact projections after a 9 s
    solve: past its time budget (a share of the certified solve) the optimal set stops
    between two exact steps and says why, naming --extras."""
    import exact.commands.solve as solve_cmd

    monkeypatch.setattr(solve_cmd, "EXTRAS_SHARE", 0.0)  # the budget is spent at once
    monkeypatch.setattr(solve_cmd, "EXTRAS_FLOOR", 0.0)
    assert main(["solve", "example:v1d", "--json"]) == 0
    s = json.loads(capsys.readouterr().out)
    assert s["m_star"] is None and "optimal_set" not in s
    assert "time budget ran out" in s["extras_skipped"]
    assert "--extras forces it" in s["extras_skipped"]
    assert main(["solve", "example:v1d"]) == 0
    assert "skipped: the optimal set: its time budget" in capsys.readouterr().out
    assert main(["solve", "example:v1d", "--json", "--extras"]) == 0
    assert json.loads(capsys.readouterr().out)["m_star"] == 3


def test_closed_form_budget_says_skipped_and_the_flag(tmp_path, capsys, monkeypatch):
    """The closed form gets what is left of the extras' time budget (it had a fixed 10 s after
    any solve): past it the output says "skipped", naming --extras, which lifts it. A planted
    slow elimination (1 s of sleep before each KKT point) on the whitened instance, whose
    P* = β√2 − β²/2 + 1/800 comes from the KKT system (tests/test_closed_form.py)."""
    import time

    import exact.closed_form as cfm
    import exact.commands.solve as solve_cmd

    path = tmp_path / "whitened.json"
    path.write_text(json.dumps({"X": [["1/3", "2/3", "2/3"], ["2/3", "1/3", "-2/3"],
                                      ["2/3", "-2/3", "1/3"]],
                                "y": ["1", "-1/20", "1"], "beta": "1/10"}))
    real = cfm.kkt_point

    def slow(*args, **kwargs):
        time.sleep(1.0)
        return real(*args, **kwargs)

    monkeypatch.setattr(cfm, "kkt_point", slow)
    monkeypatch.setattr(solve_cmd, "EXTRAS_SHARE", 0.0)
    monkeypatch.setattr(solve_cmd, "EXTRAS_FLOOR", 0.3)  # CPU s: the optimal set fits in it
    assert main(["solve", str(path), "--json"]) == 0
    s = json.loads(capsys.readouterr().out)
    assert s["extras_skipped"] is None and s["m_star"] == 1  # the optimal set was done
    assert s["closed_form"] is None
    assert "closed form" in s["closed_form_skipped"] and "budget" in s["closed_form_skipped"]
    assert "--extras forces it" in s["closed_form_skipped"]
    assert main(["solve", str(path)]) == 0
    text = capsys.readouterr().out
    assert "closed form       skipped: the closed form:" in text and "--extras forces it" in text
    assert main(["solve", str(path), "--json", "--extras"]) == 0  # the flag lifts it
    s = json.loads(capsys.readouterr().out)
    assert s["closed_form_skipped"] is None and s["closed_form"]["proved"]
    assert s["closed_form"]["minimal_polynomial"] and s["closed_form"]["degree"] == 2
