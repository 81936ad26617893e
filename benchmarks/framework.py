"""The benchmark framework: suites of cases measured by several tools, cross-checked, tabulated.

A *suite* (one ``suite_<name>.py`` module defining ``SUITE``) has cases (the instances) and tools
(the implementations compared on every case). One tool is the *reference* (ours); the table gives
every tool's time and every other tool's time divided by the reference's. Each measurement
reports a ``count`` (e.g. the number of chambers) and optional ``detail`` values; a case whose
tools disagree on them raises :class:`Mismatch` (the run fails loudly). See README.md.
"""

from __future__ import annotations

import datetime
import gc
import os
import platform
import subprocess
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent


class Mismatch(AssertionError):
    """Two tools disagree on a case: the benchmark is invalid."""


def require_in_interval(name: str, value: float, lower, upper, rel: float = 1e-6) -> None:
    """Raise :class:`Mismatch` unless a numeric solver's ``value`` lies in the certified
    ``[lower, upper]`` within ``rel · max(1, |value|)`` (the cross-check of every solver suite)."""
    slack = rel * max(1.0, abs(value))
    if not float(lower) - slack <= value <= float(upper) + slack:
        raise Mismatch(f"{name}: cvxpy value {value!r} outside the certified interval "
                       f"[{float(lower)!r}, {float(upper)!r}] ± {slack:g}")


@dataclass
class Settings:
    cap: float = 600.0  # seconds per tool per case, on ``clock``
    reps: int = 3  # best of
    repeat_below: float = 20.0  # only slower tools repeat when one run is under this
    quick: bool = False
    only: frozenset[str] | None = None  # tool keys
    mem_gb: float = 8.0  # address-space cap for subprocess tools
    clock: str = "cpu"  # "cpu" (process CPU time) or "wall": what the table reports


@dataclass
class Case:
    name: str
    data: Any
    quick: bool = False  # part of the --quick smoke test


@dataclass
class Measurement:
    status: str  # ok | timeout | unavailable | skipped | error
    wall: list[float] = field(default_factory=list)  # seconds per repetition
    cpu: list[float] = field(default_factory=list)  # process CPU seconds per repetition
    count: int | None = None
    detail: dict[str, Any] = field(default_factory=dict)  # cross-checked between tools
    note: str = ""

    @property
    def ok(self) -> bool:
        return self.status == "ok"

    def best(self, clock: str) -> float | None:
        """Best (smallest) time by ``clock`` ("cpu" or "wall"), None unless ok."""
        times = self.cpu if clock == "cpu" else self.wall
        return min(times) if self.ok and times else None


@dataclass
class Tool:
    key: str  # for --only
    label: str  # column header
    run: Callable[[Case, Settings], Measurement]
    always_repeat: bool = False  # the reference: always best of ``reps``


@dataclass
class Target:
    case: str
    tool: str
    min_ratio: float  # tool time / reference time must be at least this


@dataclass
class Suite:
    name: str
    title: str
    description: str  # markdown, printed above the table in RESULTS.md
    cases: Callable[[], Sequence[Case]]
    tools: list[Tool]
    reference: str
    count_label: str = "count"
    targets: list[Target] = field(default_factory=list)
    check: Callable[[Case, dict[str, Measurement]], None] | None = None
    notes: Callable[[], list[str]] = lambda: []  # extra lines for RESULTS.md (after the run)


@dataclass
class Row:
    case: Case
    results: dict[str, Measurement]


# -- timing -----------------------------------------------------------------------------------
def child_limits(gb: float, cpu_s: float | None = None) -> Callable[[], None]:
    """A ``preexec_fn`` for a tool's subprocess: its address space capped at ``gb`` GiB
    (``--mem-gb``) and, unless None, its CPU time at ``cpu_s`` seconds (SIGXCPU, then SIGKILL
    5 s later): a cap on the CPU clock holds however loaded the machine is, where a wall
    timeout would not."""
    def apply() -> None:
        import math
        import resource

        lim = int(gb * 2**30)
        resource.setrlimit(resource.RLIMIT_AS, (lim, lim))
        if cpu_s is not None:
            soft = math.ceil(cpu_s)
            resource.setrlimit(resource.RLIMIT_CPU, (soft, soft + 5))
    return apply


def best_of(fn: Callable[[], Any], settings: Settings, *, always_repeat: bool,
            deadline_s: float | None = None) -> tuple[list[float], list[float], Any]:
    """Run ``fn`` up to ``settings.reps`` times; returns wall times, CPU times, last result.

    Unless ``always_repeat``, later repetitions happen only while one run is faster than
    ``settings.repeat_below``. ``fn`` may raise; the exception propagates.
    """
    wall, cpu, out = [], [], None
    for _ in range(max(1, settings.reps)):
        out = None
        gc.collect()
        c, t = time.process_time(), time.perf_counter()
        out = fn()
        dt = time.perf_counter() - t
        cpu.append(time.process_time() - c)
        wall.append(dt)
        if not always_repeat and dt >= settings.repeat_below:
            break
        if deadline_s is not None and sum(wall) + dt > deadline_s:
            break
    return wall, cpu, out


def default_check(case: Case, results: dict[str, Measurement], reference: str) -> None:
    """Every finished tool agrees with the reference on ``count`` and shared ``detail`` keys."""
    ref = results.get(reference)
    ok = {k: m for k, m in results.items() if m.ok}
    base = ref if ref is not None and ref.ok else next(iter(ok.values()), None)
    if base is None:
        return
    for key, m in ok.items():
        if m.count != base.count:
            raise Mismatch(f"{case.name}: {key} counts {m.count}, reference counts {base.count}")
        for k in m.detail.keys() & base.detail.keys():
            if m.detail[k] != base.detail[k]:
                raise Mismatch(f"{case.name}: {key} gives {k}={m.detail[k]!r}, "
                               f"reference {base.detail[k]!r}")


# -- formatting -------------------------------------------------------------------------------
def fmt_seconds(m: Measurement | None, cap: float, clock: str) -> str:
    if m is None or m.status == "skipped":
        return "–"
    if m.status == "timeout":
        return f"> {cap:g}"
    if m.status in ("unavailable", "error"):
        return m.status
    s = m.best(clock)
    return f"{s:.3f}" if s < 10 else f"{s:.1f}"


def ratio(m: Measurement | None, ref: Measurement | None, cap: float,
          clock: str) -> tuple[str, float | None]:
    """Text of ``m / ref`` and its value (a lower bound when ``m`` hit the cap).

    The cap is measured on the same clock (a capped tool used at least ``cap`` seconds of it).
    """
    if m is None or ref is None or not ref.ok or not ref.best(clock):
        return "–", None
    if m.status == "timeout":
        r = cap / ref.best(clock)
        return f"> {r:.0f}×", r
    if not m.ok:
        return "–", None
    r = m.best(clock) / ref.best(clock)
    return (f"{r:.0f}×" if r >= 10 else f"{r:.1f}×"), r


def table(suite: Suite, rows: list[Row], cap: float, clock: str) -> list[str]:
    others = [t for t in suite.tools if t.key != suite.reference]
    ref = next(t for t in suite.tools if t.key == suite.reference)
    head = ["instance", suite.count_label, f"{ref.label} s", *(f"{t.label} s" for t in others),
            *(f"{t.label}/{ref.label}" for t in others)]
    lines = ["| " + " | ".join(head) + " |", "|" + "|".join(["---"] + ["---:"] * (len(head) - 1))
             + "|"]
    for row in rows:
        r = row.results
        counts = {m.count for m in r.values() if m.ok and m.count is not None}
        cells = [row.case.name, str(counts.pop()) if len(counts) == 1 else "?",
                 fmt_seconds(r.get(ref.key), cap, clock),
                 *(fmt_seconds(r.get(t.key), cap, clock) for t in others),
                 *(ratio(r.get(t.key), r.get(ref.key), cap, clock)[0] for t in others)]
        lines.append("| " + " | ".join(cells) + " |")
    return lines


def check_targets(suite: Suite, rows: list[Row], cap: float,
                  clock: str) -> list[tuple[Target, str, bool]]:
    out = []
    by_case = {row.case.name: row.results for row in rows}
    labels = {t.key: t.label for t in suite.tools}
    for tg in suite.targets:
        r = by_case.get(tg.case)
        if r is None or tg.tool not in r:
            continue
        text, val = ratio(r[tg.tool], r.get(suite.reference), cap, clock)
        ref_label = labels[suite.reference]
        desc = (f"{tg.case}: {labels[tg.tool]}/{ref_label} ≥ {tg.min_ratio:g}× "
                f"(measured {text})")
        if val is None:
            out.append((tg, desc + " — not measured", False))
        else:
            out.append((tg, desc, val >= tg.min_ratio))
    return out


# -- machine ------------------------------------------------------------------------------------
def _run(cmd: list[str]) -> str:
    try:
        return subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT,
                              timeout=30).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return ""


def machine_info() -> dict[str, str]:
    cpu = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    commit = _run(["git", "rev-parse", "--short", "HEAD"]) or "unknown"
    if _run(["git", "status", "--porcelain", "--untracked-files=no"]):
        commit += " (plus uncommitted changes in the work tree)"
    try:
        mem = next(line.split()[1] for line in Path("/proc/meminfo").read_text().splitlines()
                   if line.startswith("MemTotal"))
        mem = f"{int(mem) / 2**20:.1f} GiB"
    except (OSError, StopIteration, ValueError):
        mem = "?"
    return {
        "machine": _run(["uname", "-m"]) or platform.machine(),
        "cpu": cpu or platform.processor() or "?",
        "cores": str(os.cpu_count()),
        "memory": mem,
        "python": platform.python_version(),
        "commit": commit,
        "date": datetime.datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z"),
    }


def clock_fn(settings: Settings) -> Callable[[], float]:
    """The clock the cap is measured on: ``time.process_time`` or ``time.perf_counter``."""
    return time.process_time if settings.clock == "cpu" else time.perf_counter


def load_average() -> str:
    try:
        return " ".join(f"{v:.2f}" for v in os.getloadavg())
    except OSError:
        return "?"
