"""The hypothesis profiles, registered once for pytest and for ``relucvx fuzz``.

- ``ci`` — derandomized, no deadline, 40 examples: what ``make test`` runs
  (``--hypothesis-profile=ci``), so a failure in CI replays on any machine;
- ``fuzz`` — 5000 examples, random: long campaigns (``relucvx fuzz --profile fuzz`` or
  ``pytest --hypothesis-profile=fuzz``);
- ``dev`` — 20 examples, no deadline: pytest's default here (tests/conftest.py loads it).

Importing this module registers them (tests/conftest.py imports it; :mod:`properties.fuzz` calls
:func:`register_profiles`), so both sides read the same settings.

>>> from hypothesis import settings
>>> settings.get_profile("ci").derandomize, settings.get_profile("ci").deadline
(True, None)
>>> sorted(PROFILES)
['ci', 'dev', 'fuzz']
"""

from __future__ import annotations

from hypothesis import HealthCheck, settings

__all__ = ["PROFILES", "SUPPRESSED", "register_profiles"]

#: Health checks that only say an exact example is slow or big (exact LPs and chamber
#: enumerations are), or that a strategy filters (the theorem strategies keep what they can
#: check); none of them is a bug in the code under test.
SUPPRESSED = (HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much)

PROFILES: dict[str, dict] = {
    "ci": {"derandomize": True, "deadline": None, "max_examples": 40, "print_blob": True,
           "suppress_health_check": list(SUPPRESSED)},
    "fuzz": {"deadline": None, "max_examples": 5000, "suppress_health_check": list(SUPPRESSED)},
    "dev": {"deadline": None, "max_examples": 20, "suppress_health_check": list(SUPPRESSED)},
}


def register_profiles() -> None:
    """Register :data:`PROFILES` with hypothesis; harmless to call again.

    >>> register_profiles(); settings.get_profile("fuzz").max_examples
    5000
    """
    for name, kwargs in PROFILES.items():
        settings.register_profile(name, **kwargs)


register_profiles()
