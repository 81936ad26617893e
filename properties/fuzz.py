"""Run theorem checks through hypothesis, programmatically: the engine behind ``relucvx fuzz``.

:func:`run_theorem` wraps a :class:`~properties.registry.Theorem` in a ``@given`` test whose body
raises :class:`~properties.registry.CounterexampleFound` when the check returns a
counterexample; hypothesis then shrinks the input and re-raises the exception of the *smallest*
failing example, whose counterexample is reported (and saved as a JSON instance).

Profiles: ``ci`` (derandomized, bounded), ``fuzz`` (long campaigns) and ``dev`` are registered
here as in ``tests/conftest.py``, so that ``relucvx fuzz --profile fuzz`` and pytest agree.

>>> from properties.theorems import THEOREMS
>>> r = run_theorem(THEOREMS["zaslavsky"], examples=3, seed=0)
>>> r.passed, r.examples >= 1
(True, True)
"""

from __future__ import annotations

import difflib
import importlib.util
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import seed as hyp_seed

from arrangement.errors import InputError
from properties.registry import THEOREMS, Counterexample, CounterexampleFound, Theorem

__all__ = ["FuzzResult", "load_module", "register_profiles", "run_theorem", "selected"]

_SUPPRESS = [HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much]


def register_profiles() -> None:
    """Register the ``ci``, ``fuzz`` and ``dev`` hypothesis profiles (as tests/conftest.py
    does); harmless to call twice.

    >>> register_profiles(); settings.get_profile("fuzz").max_examples
    5000
    """
    settings.register_profile("ci", derandomize=True, deadline=None, max_examples=40,
                              print_blob=True, suppress_health_check=_SUPPRESS)
    settings.register_profile("fuzz", deadline=None, max_examples=5000,
                              suppress_health_check=_SUPPRESS)
    settings.register_profile("dev", deadline=None, max_examples=20)


@dataclass
class FuzzResult:
    """What one theorem's run found: examples tried, seconds, the shrunk counterexample (if
    any), the files it was saved to, and the theorem's recorded statistics."""

    name: str
    examples: int
    seconds: float
    counterexample: Counterexample | None = None
    saved: list[str] = field(default_factory=list)
    stats: dict = field(default_factory=dict)

    @property
    def passed(self) -> bool:
        return self.counterexample is None

    def to_json_dict(self) -> dict:
        out = {"theorem": self.name, "examples": self.examples,
               "seconds": round(self.seconds, 3), "passed": self.passed, "stats": self.stats}
        if self.counterexample is not None:
            out["counterexample"] = self.counterexample.to_json_dict()
            out["saved"] = self.saved
        return out


def run_theorem(thm: Theorem, examples: int = 100, seed: int | None = 0, *,
                profile: str | None = None, save_dir: str | Path | None = None,
                shrink: bool = True) -> FuzzResult:
    """Fuzz one theorem with ``examples`` hypothesis examples.

    ``seed`` fixes the random stream (``None``: hypothesis's own randomness, or the profile's);
    ``profile`` starts from a registered profile's settings; the example database is off, so
    runs are reproducible from the seed alone. A counterexample is shrunk by hypothesis (unless
    ``shrink=False``), and saved under ``save_dir`` when given.
    """
    register_profiles()
    base = settings.get_profile(profile) if profile else settings()
    conf = settings(base, max_examples=examples, deadline=None, database=None,
                    suppress_health_check=_SUPPRESS, print_blob=False,
                    phases=[Phase.generate] + ([Phase.shrink] if shrink else []))
    counter = {"n": 0}
    thm.stats.clear()

    @conf
    @given(thm.strategy)
    def body(example):
        counter["n"] += 1
        ce = thm.call(example)
        if ce is not None:
            raise CounterexampleFound(ce)

    if seed is not None:
        body = hyp_seed(seed)(body)
    t0 = time.perf_counter()
    found: Counterexample | None = None
    try:
        body()
    except CounterexampleFound as exc:
        found = exc.counterexample
    except BaseException as exc:  # hypothesis wraps several failures in an ExceptionGroup
        inner = _find_counterexample(exc)
        if inner is None:
            raise
        found = inner
    seconds = time.perf_counter() - t0
    saved: list[str] = []
    if found is not None and save_dir is not None:
        saved = [str(p) for p in found.save(save_dir)]
    return FuzzResult(thm.name, counter["n"], seconds, found, saved, dict(thm.stats))


def _find_counterexample(exc: BaseException) -> Counterexample | None:
    if isinstance(exc, CounterexampleFound):
        return exc.counterexample
    for sub in getattr(exc, "exceptions", ()) or ():
        got = _find_counterexample(sub)
        if got is not None:
            return got
    return None


def load_module(path: str | Path) -> list[str]:
    """Import a user's Python file (its ``@properties.theorem`` functions register themselves)
    and return the names of the theorems it added.

    A missing file raises :class:`InputError` (one line, exit status 2).
    """
    p = Path(path)
    if not p.is_file():
        raise InputError(f"no such file: {p}")
    before = set(THEOREMS)
    name = f"relucvx_user_{p.stem}"
    spec = importlib.util.spec_from_file_location(name, p)
    if spec is None or spec.loader is None:
        raise InputError(f"{p}: cannot import (expected a Python file)")
    mod = importlib.util.module_from_spec(spec)
    sys.modules[name] = mod
    try:
        spec.loader.exec_module(mod)
    except SyntaxError as exc:
        raise InputError(f"{p}: syntax error at line {exc.lineno}: {exc.msg}") from None
    return [n for n in THEOREMS if n not in before]


def selected(names: str | None) -> list[Theorem]:
    """The theorems named in a comma-separated list (``all`` or None: every one).

    >>> from properties.theorems import THEOREMS
    >>> [t.name for t in selected("zaslavsky")]
    ['zaslavsky']
    """
    if names is None or names == "all":
        return list(THEOREMS.values())
    out = []
    for n in names.split(","):
        n = n.strip()
        if n not in THEOREMS:
            close = difflib.get_close_matches(n, list(THEOREMS), n=3) or [
                k for k in THEOREMS if n.lower() in k.lower()]
            hint = f" (did you mean {', '.join(close[:3])}?)" if close else \
                " (relucvx fuzz --list shows them)"
            raise InputError(f"unknown theorem {n!r}{hint}")
        out.append(THEOREMS[n])
    return out
