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
    lambda c: c["chambers"][0].pop("witness"),
    lambda c: c["chambers"][0].__setitem__("facets", "not a list"),
    lambda c: c["chambers"][0]["facets"][0].__setitem__("row", 99),
    lambda c: c["chambers"][0].__setitem__("signs", None),
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
