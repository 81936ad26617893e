"""Hypothesis profiles for pytest: registered once, in :mod:`properties.profiles` (shared with
``relucvx fuzz``); ``dev`` by default, ``--hypothesis-profile=ci`` in ``make test``."""

from __future__ import annotations

from hypothesis import settings

from properties.profiles import register_profiles

register_profiles()
settings.load_profile("dev")
