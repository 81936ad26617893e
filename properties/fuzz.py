"""Run theorem checks through hypothesis, programmatically: the engine behind ``relucvx fuzz``.

:func:`run_theorem` wraps a :class:`~properties.registry.Theorem` in a ``@given`` test whose body
raises :class:`~properties.registry.CounterexampleFound` when the check returns a
counterexample; hypothesis then shrinks the input and re-raises the exception of the *smallest*
failing example, whose counterexample is reported (and saved as a JSON instance).

Profiles: ``ci`` (derandomized, bounded), ``fuzz`` (long campaigns) and ``dev`` come from
:mod:`properties.profiles`, which pytest's tests/conftest.py imports too, so that
``relucvx fuzz --profile fuzz`` and pytest agree.

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

from hypothesis import Phase, given, settings
from hypothesis import seed as hyp_seed

from arrangement.errors import InputError
from properties.profiles import SUPPRESSED, register_profiles
from properties.registry import THEOREMS, Counterexample, CounterexampleFound, Theorem

__all__ = ["FuzzResult", "check_save_dir", "describe_crash", "hypothesis_home", "load_module",
           "run_theorem", "selected"]

def hypothesis_home() -> Path:
    """Where ``relucvx fuzz`` lets hypothesis keep its files (its ``.hypothesis/`` directory,
    which would otherwise appear wherever the command is run): ``$HYPOTHESIS_STORAGE_DIRECTORY``
    if set, else ``$XDG_CACHE_HOME/relucvx/hypothesis`` (``~/.cache/relucvx/hypothesis``).

    >>> hypothesis_home().parts[-2:]
    ('relucvx', 'hypothesis')
    """
    import os

    if os.environ.get("HYPOTHESIS_STORAGE_DIRECTORY"):
        return Path(os.environ["HYPOTHESIS_STORAGE_DIRECTORY"])
    cache = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(cache) / "relucvx" / "hypothesis"


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

    error: str | None = None

    @property
    def passed(self) -> bool:
        return self.counterexample is None and self.error is None

    def to_json_dict(self) -> dict:
        out = {"theorem": self.name, "examples": self.examples,
               "seconds": round(self.seconds, 3), "passed": self.passed, "stats": self.stats}
        if self.counterexample is not None:
            out["counterexample"] = self.counterexample.to_json_dict()
            out["saved"] = self.saved
        if self.error is not None:
            out["error"] = self.error
        return out


def run_theorem(thm: Theorem, examples: int = 100, seed: int | None = 0, *,
                profile: str | None = None, save_dir: str | Path | None = None,
                shrink: bool = True) -> FuzzResult:
    """Fuzz one theorem with ``examples`` hypothesis examples.

    ``seed`` fixes the random stream (``None``: hypothesis's own randomness, or the profile's);
    ``profile`` starts from a registered profile's settings; the example database is off, so
    runs are reproducible from the seed alone. A counterexample is shrunk by hypothesis (unless
    ``shrink=False``), and saved under ``save_dir`` when given.

    A crash of the fuzz machinery itself — the strategy drawing the example, a check that
    raises with no instance to blame, hypothesis refusing the strategy — is not a
    counterexample: it is returned as :attr:`FuzzResult.error`, one line naming where it
    happened (see :func:`describe_crash`).
    """
    register_profiles()
    base = settings.get_profile(profile) if profile else settings()
    conf = settings(base, max_examples=examples, deadline=None, database=None,
                    suppress_health_check=list(SUPPRESSED), print_blob=False,
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
    error: str | None = None
    try:
        body()
    except CounterexampleFound as exc:
        found = exc.counterexample
    except Exception as exc:  # noqa: BLE001 - hypothesis wraps several failures in a group
        found = _find_counterexample(exc)
        if found is None:
            error = describe_crash(exc)
    seconds = time.perf_counter() - t0
    saved: list[str] = []
    if found is not None and save_dir is not None:
        saved = [str(p) for p in found.save(save_dir)]
    return FuzzResult(thm.name, counter["n"], seconds, found, saved, dict(thm.stats), error)


def describe_crash(exc: BaseException) -> str:
    """One line saying what crashed in the fuzz machinery and where: the exception, the
    innermost frame (file:line, function) and whether it happened while drawing the example.

    >>> try:
    ...     1 / 0
    ... except ZeroDivisionError as exc:
    ...     describe_crash(exc)  # doctest: +ELLIPSIS
    'ZeroDivisionError: division by zero (at ...:2 in <module>)'
    """
    while getattr(exc, "exceptions", None):  # an ExceptionGroup: its first failure
        exc = exc.exceptions[0]  # type: ignore[attr-defined]
    text = " ".join(str(exc).split()) or "(no message)"
    where = ""
    tb = exc.__traceback__
    while tb is not None and tb.tb_next is not None:
        tb = tb.tb_next
    if tb is not None:
        code = tb.tb_frame.f_code
        path = Path(code.co_filename)
        try:
            path = path.resolve().relative_to(Path.cwd())
        except ValueError:
            pass
        where = f" (at {path}:{tb.tb_lineno} in {code.co_name})"
    notes = " ".join(getattr(exc, "__notes__", ()) or ())
    phase = ""
    if "while generating" in notes:
        phase = "the strategy crashed " + notes[notes.index("while generating"):].split(
            "\n")[0].strip() + ": "
    return f"{phase}{type(exc).__name__}: {text}{where}"


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
        sys.modules.pop(name, None)
        raise InputError(f"{p}: syntax error at line {exc.lineno}: {exc.msg}") from None
    except (Exception, SystemExit) as exc:  # noqa: BLE001 - the user's file: one line
        sys.modules.pop(name, None)
        line = _line_in(exc, p)
        at = f" at line {line}" if line is not None else ""
        msg = " ".join(str(exc).split())
        raise InputError(f"{p}: importing it raised {type(exc).__name__}{at}"
                         + (f": {msg}" if msg else "")) from None
    return [n for n in THEOREMS if n not in before]


def _line_in(exc: BaseException, path: Path) -> int | None:
    """The last line of ``path`` on the traceback of ``exc`` (where the user's file failed)."""
    line, tb, target = None, exc.__traceback__, str(path.resolve())
    while tb is not None:
        if str(Path(tb.tb_frame.f_code.co_filename).resolve()) == target:
            line = tb.tb_lineno
        tb = tb.tb_next
    return line


def check_save_dir(path: str | Path) -> Path:
    """Refuse, before any example is drawn, a ``--save-dir`` that could not hold a
    counterexample: an existing file, a path below a file, a directory that is not writable.
    The directory itself is created only when something is saved.

    >>> check_save_dir("relucvx-counterexamples").name
    'relucvx-counterexamples'
    """
    import os

    p = Path(path)
    if p.exists() and not p.is_dir():
        raise InputError(f"--save-dir {p}: not a directory (it is a file)")
    probe = p
    while not probe.exists():
        if probe.parent == probe:
            break
        probe = probe.parent
    if probe.exists() and not probe.is_dir():
        raise InputError(f"--save-dir {p}: cannot create it, {probe} is a file")
    if probe.exists() and not os.access(probe, os.W_OK | os.X_OK):
        raise InputError(f"--save-dir {p}: {probe} is not writable")
    return p


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
