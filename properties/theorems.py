"""All built-in theorem checks, registered in :data:`THEOREMS` (one per claim of docs/MATH.md).

Importing this module imports the families, whose ``@theorem`` decorators fill the
registry:

- :mod:`properties.theorems_arrangement` — §2, §3 and the pattern laws of §8 (combinatorics);
- :mod:`properties.theorems_networks` — §5, §6 (ψ, φ, splitting, merging, scaling);
- :mod:`properties.theorems_optimal` — §4, §6, §7, §8, §9 on certified intervals from
  :func:`exact.certify.solve`, and the certificates of ``exact/verify.py``;
- :mod:`properties.theorems_hinge` — the same laws and a closed form for the hinge loss;
- :mod:`properties.theorems_losses` — the laws of §8 for every loss of the registry, and the
  laws of the absolute and squared-hinge losses (§11);
- :mod:`properties.theorems_relu3` — three-layer sub-networks (docs/relu3.md §6);
- :mod:`properties.theorems_conv` — two-layer CNNs on 1-D signals (docs/cnn.md §3);
- :mod:`properties.theorems_certificates` — structural corruptions of certificates are rejected
  (docs/certificates.md).

>>> "zaslavsky" in THEOREMS and "psi_preserves_objective" in THEOREMS
True
"""

from __future__ import annotations

from properties import (  # noqa: F401
    theorems_arrangement,
    theorems_certificates,
    theorems_conv,
    theorems_hinge,
    theorems_losses,
    theorems_networks,
    theorems_optimal,
    theorems_relu3,
)
from properties.registry import THEOREMS, Counterexample, CounterexampleFound, Theorem, theorem

__all__ = ["THEOREMS", "Counterexample", "CounterexampleFound", "Theorem", "theorem"]
