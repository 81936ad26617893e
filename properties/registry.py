"""The theorem registry: :class:`Theorem`, :class:`Counterexample` and the ``@theorem`` decorator.

A *theorem check* is a plain function that takes one drawn example (the positional arguments the
theorem's strategy produces: an :class:`~arrangement.instances.Instance`, maybe a network and
transformation parameters) and returns ``None`` when the claim holds on it, or a
:class:`Counterexample` when it does not. Registering it with :func:`theorem` pairs it with the
hypothesis strategy that feeds it and puts it into :data:`THEOREMS`, where ``relucvx fuzz`` and
``tests/test_properties.py`` find it.

>>> from hypothesis import strategies as st
>>> from arrangement.instances import Instance
>>> @theorem("doc_example_rows", strategy=st.builds(Instance, st.just([[1, 2]])),
...          registry={})
... def rows_are_nonempty(inst):
...     "Every instance has at least one row."
...     return None if inst.n >= 1 else Counterexample.make("doc_example_rows", "no rows", inst)
>>> rows_are_nonempty.theorem.name, rows_are_nonempty.theorem.description
('doc_example_rows', 'Every instance has at least one row.')
"""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from hypothesis import strategies as st

from arrangement.instances import Instance
from arrangement.rational import format_fraction

__all__ = [
    "THEOREMS",
    "Counterexample",
    "CounterexampleFound",
    "Theorem",
    "theorem",
]


def _jsonable(value: Any) -> Any:
    """Numbers as ``"p/q"`` text, tuples as lists, everything else via ``str`` (for notes)."""
    from fractions import Fraction

    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, int):
        return value
    if isinstance(value, Fraction):
        return format_fraction(value)
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    return str(value)


@dataclass
class Counterexample:
    """A failed claim: the theorem's name, a one-line message, the instance, maybe a network.

    ``extra`` holds the other drawn parameters (a matrix ``A``, a factor ``c``, ...) as plain
    JSON-able data; they are written into the instance file's ``notes`` so that the failure can
    be replayed by hand (``relucvx arrangement|solve|check FILE``).

    >>> ce = Counterexample.make("t", "boom", Instance([[1, 0]], y=[1], beta=1), c="1/2")
    >>> ce.instance.notes[:2]
    ('counterexample to t: boom', 'c = "1/2"')
    """

    theorem: str
    message: str
    instance: Instance
    network: Any = None
    extra: dict = field(default_factory=dict)

    @classmethod
    def make(cls, theorem: str, message: str, instance: Instance, network: Any = None,
             **extra: Any) -> Counterexample:
        """Build a counterexample whose instance carries the theorem, message and extras in
        its ``notes``."""
        notes = [f"counterexample to {theorem}: {' '.join(str(message).split())}"]
        notes += [f"{k} = {json.dumps(_jsonable(v))}" for k, v in extra.items()]
        inst = Instance(instance.X, instance.y, instance.beta,
                        name=f"{theorem}-counterexample", notes=tuple(notes))
        return cls(theorem, str(message), inst, network, {k: _jsonable(v)
                                                          for k, v in extra.items()})

    @property
    def key(self) -> str:
        """A short content hash, used in file names."""
        return hashlib.sha1(self.instance.to_json_text().encode()).hexdigest()[:8]

    def save(self, directory: str | Path) -> list[Path]:
        """Write ``<theorem>-<key>.json`` (the instance; ``read_instance`` reads it) and, when
        there is a network, ``<theorem>-<key>.net.json`` (``relucvx check FILE NET``)."""
        d = Path(directory)
        d.mkdir(parents=True, exist_ok=True)
        stem = f"{self.theorem}-{self.key}"
        paths = [d / f"{stem}.json"]
        self.instance.write_json(paths[0])
        if self.network is not None and hasattr(self.network, "write_json"):
            paths.append(d / f"{stem}.net.json")
            self.network.write_json(paths[1])
        return paths

    def to_json_dict(self) -> dict:
        """A summary for ``relucvx fuzz --json``."""
        out = {"theorem": self.theorem, "message": self.message,
               "instance": self.instance.to_json_dict()}
        if self.network is not None and hasattr(self.network, "to_json_dict"):
            out["network"] = self.network.to_json_dict()
        if self.extra:
            out["extra"] = self.extra
        return out

    def __str__(self) -> str:
        X = [[format_fraction(v) for v in row] for row in self.instance.X]
        text = f"{self.theorem}: {self.message}\n  X = {X}"
        if self.instance.y is not None:
            text += f"\n  y = {[format_fraction(v) for v in self.instance.y]}"
        if self.instance.beta is not None:
            text += f"\n  beta = {format_fraction(self.instance.beta)}"
        for k, v in self.extra.items():
            text += f"\n  {k} = {json.dumps(v)}"
        if self.network is not None and hasattr(self.network, "neurons"):
            text += f"\n  network: {len(self.network.neurons)} neurons"
        return text


class CounterexampleFound(AssertionError):
    """Raised inside a hypothesis test to report a counterexample; hypothesis shrinks the input
    and re-raises the exception of the smallest failing example, which carries its object."""

    def __init__(self, counterexample: Counterexample):
        super().__init__(str(counterexample))
        self.counterexample = counterexample


@dataclass
class Theorem:
    """One registered claim.

    ``check(*example)`` returns None or a :class:`Counterexample`; ``strategy`` draws the
    example (a tuple of positional arguments, or a single object); ``section`` cites docs/MATH.md;
    ``cost`` is ``"cheap"`` (combinatorics only) or ``"solve"`` (certified convex programs);
    ``ci_examples`` caps the examples the test suite runs; ``stats`` collects counters that
    checks may record (shown by ``relucvx fuzz``).
    """

    name: str
    description: str
    strategy: st.SearchStrategy
    check: Callable[..., Counterexample | None]
    section: str = ""
    cost: str = "cheap"
    ci_examples: int = 40
    stats: dict = field(default_factory=dict)

    def call(self, example: Any) -> Counterexample | None:
        """Run the check on one drawn example (unpacking a tuple into positional arguments);
        a crash of the code under test becomes a counterexample too."""
        args = example if isinstance(example, tuple) else (example,)
        try:
            return self.check(*args)
        except CounterexampleFound:
            raise
        except Exception as exc:  # noqa: BLE001 - any crash is a finding
            from hypothesis.errors import HypothesisException

            if isinstance(exc, HypothesisException):
                raise
            inst = next((a for a in args if isinstance(a, Instance)), None)
            net = next((a for a in args if hasattr(a, "neurons")), None)
            if inst is None:
                raise
            return Counterexample.make(self.name, f"crashed: {type(exc).__name__}: {exc}", inst,
                                       net)

    def record(self, key: str, amount: int = 1) -> None:
        """Add ``amount`` to the counter ``key`` of :attr:`stats`."""
        self.stats[key] = self.stats.get(key, 0) + amount

    def one_line(self) -> str:
        """``name  [section, cost]  description`` for ``relucvx fuzz --list``."""
        tag = f"[{self.section}{', ' if self.section else ''}{self.cost}]"
        return f"{self.name:<34} {tag:<16} {self.description}"


#: Every registered theorem, by name (filled by :mod:`properties.theorems` and user modules).
THEOREMS: dict[str, Theorem] = {}


def theorem(name: str, *, strategy: st.SearchStrategy, description: str | None = None,
            section: str = "", cost: str = "cheap", ci_examples: int = 40,
            registry: dict[str, Theorem] | None = None) -> Callable:
    """Register the decorated check as a theorem (the first docstring line is the default
    description). The function is returned unchanged, with a ``.theorem`` attribute.

    Use it in your own module and run ``relucvx fuzz --module FILE --theorem NAME`` (README,
    "Fuzzing your own conjecture").
    """
    target = THEOREMS if registry is None else registry

    def deco(fn: Callable) -> Callable:
        desc = description
        if desc is None:
            doc = (fn.__doc__ or "").strip().split("\n\n")[0]
            desc = " ".join(doc.split()) if doc else name
        thm = Theorem(name, desc, strategy, fn, section, cost, ci_examples)
        target[name] = thm
        fn.theorem = thm  # type: ignore[attr-defined]
        return fn

    return deco


def timed(fn: Callable[[], Any]) -> tuple[Any, float]:
    """``(fn(), seconds)``."""
    t0 = time.perf_counter()
    out = fn()
    return out, time.perf_counter() - t0
