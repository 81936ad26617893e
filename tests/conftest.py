"""Hypothesis profiles for pytest: registered once, in :mod:`properties.profiles` (shared with
``relucvx fuzz``); ``dev`` by default, ``--hypothesis-profile=ci`` in ``make test``."""

from __future__ import annotations

import pytest
from hypothesis import settings

from properties.profiles import register_profiles

register_profiles()
settings.load_profile("dev")


@pytest.fixture
def interval_calls(monkeypatch) -> list:
    """The calls of exact.certify's ``interval_dual_pieces`` during the test, as ``(v, keyword
    arguments, result)`` (the pass itself runs unchanged)."""
    import exact.certify as certify_mod

    calls: list = []
    real = certify_mod.interval_dual_pieces

    def spy(cp_, v, must=(), **kw):
        dp = real(cp_, v, must, **kw)
        calls.append((v, dict(kw), dp))
        return dp

    monkeypatch.setattr(certify_mod, "interval_dual_pieces", spy)
    return calls
