"""The verifier rejects malformed certificates with a message and leaves global state alone."""

from __future__ import annotations

import copy
import sys

import pytest

from arrangement.certificate import completeness_certificate
from arrangement.core import Arrangement
from exact.verify import verify_certificate


@pytest.fixture(scope="module")
def cert():
    return completeness_certificate(Arrangement([[1, 0], [0, 1], [1, 1]]))


@pytest.mark.parametrize("mutate", [
    lambda c: c["chambers"][0].pop(0),
    lambda c: c["chambers"][0].__setitem__(1, "not a list"),
    lambda c: c["chambers"][0][1].__setitem__(0, 99),
    lambda c: c["chambers"][0].__setitem__(0, None),
    lambda c: c["data"].__setitem__("X", [[1, 0], [0]]),
])
def test_malformed_fields_are_rejected_not_raised(cert, mutate):
    bad = copy.deepcopy(cert)
    mutate(bad)
    ok, msg = verify_certificate(bad)
    assert not ok and msg and "\n" not in msg


def test_verifier_restores_the_int_string_limit(cert):
    if not hasattr(sys, "get_int_max_str_digits"):
        pytest.skip("no int/str limit in this Python")
    before = sys.get_int_max_str_digits()
    assert verify_certificate(cert)[0]
    assert sys.get_int_max_str_digits() == before


def _solve_cert():
    import numpy as np

    from exact.certify import solution_certificate, solve

    rng = np.random.default_rng(11)
    X = rng.integers(-9, 10, (12, 4)).tolist()
    y = rng.integers(-5, 6, 12).tolist()
    return solution_certificate(solve(X, y, "1/10"), X, y, "1/10")


def test_dual_bound_groups_are_checked():
    """Groups settled by ‖g + Aᵀλ‖² instead of a projection: bad λ is caught (docs/MATH.md §7)."""
    cert = _solve_cert()
    assert verify_certificate(cert)[0]
    where = [(k, t) for k, ch in enumerate(cert["chambers"])
             for t, g in enumerate(ch["groups"]) if g.get("bound") == "dual"]
    assert where, "expected some groups bounded without a projection"
    k, t = where[0]
    negative = copy.deepcopy(cert)
    negative["chambers"][k]["groups"][t]["lambda"][0] = "-1"
    ok, msg = verify_certificate(negative)
    assert not ok and msg.startswith("dual")
    huge = copy.deepcopy(cert)
    huge["chambers"][k]["groups"][t]["lambda"] = ["1000000"] * len(
        huge["chambers"][k]["groups"][t]["lambda"])
    ok, msg = verify_certificate(huge)
    assert not ok and msg.startswith("dual")
    unknown = copy.deepcopy(cert)
    unknown["chambers"][k]["groups"][t]["bound"] = "trust me"
    assert not verify_certificate(unknown)[0]


def test_force_lifts_the_work_limit(tmp_path, monkeypatch, capsys):
    """A genuine certificate over the work limit is refused (exit 2, one line naming --force);
    ``relucvx verify --force`` checks it (exit 0). The limit is lowered here so that a small
    certificate stands for a (40, 5) one."""
    from exact import verify as verify_module
    from exact.cli import main

    cert = tmp_path / "c.json"
    assert main(["solve", "example:v1d", "--certificate", str(cert), "-q"]) == 0
    capsys.readouterr()
    monkeypatch.setattr(verify_module, "MAX_WORK", 10)
    assert main(["verify", str(cert)]) == 2
    err = capsys.readouterr().err
    assert len(err.splitlines()) == 1 and "--force" in err and "Traceback" not in err
    assert main(["verify", str(cert), "--force"]) == 0
    assert verify_module.MAX_WORK == 10  # restored after the check
