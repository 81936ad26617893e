"""Suite ``scale``: `relucvx solve` at the scale of the enumeration (issue 15), against
`relucvx arrangement` on the same data, with the certificate checked by `relucvx verify`.

Tools, each the command line in a fresh subprocess (its own CPU seconds and peak resident
memory from ``os.wait4``):

- ``solve`` (the reference): ``relucvx solve DATA --certificate FILE --json --force``;
- ``arrangement``: ``relucvx arrangement DATA --json --force`` (the enumeration the solve must
  stay within 5× of);
- ``verify``: ``relucvx verify --force FILE`` on the solve's certificate. Without ``--force``
  the verifier refuses files over its size and work limits (512 MiB of JSON, 5·10⁸ products,
  docs/certificates.md §3); the (40, 5) and (100, 4) certificates exceed them.

Instances as suite ``solver`` makes its random integer ones: ``rng = default_rng(0)``,
``X = rng.integers(-9, 10, (n, d))``, then ``y = rng.integers(-5, 6, n)``, β = 1/10, squared
loss. The (30, 4) row always runs; the (40, 5) (184,146 chambers) and (100, 4) (318,918
chambers) rows are opt-in (several minutes and about a gigabyte each): set
``RELUCVX_BENCH_SCALE=1``. None is in the quick run.

Cross-checks (a disagreement fails the run): the solve and the arrangement report the same
chamber count; the certificate verifies (exit 0) with the solve's chamber count.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
from framework import ROOT, Case, Measurement, Mismatch, Settings, Suite, Target, Tool

BETA = "1/10"
#: (n, d, opt-in): X = default_rng(0).integers(-9, 10, (n, d)), then y from the same rng
INSTANCES = [(30, 4, False), (40, 5, True), (100, 4, True)]
OPT_IN = "RELUCVX_BENCH_SCALE"
TARGET = 5.0  # solve ≤ 5× arrangement
MEM_TARGET_MB = 1024

_tmp = Path(tempfile.mkdtemp(prefix="relucvx-scale-"))
_certs: dict[str, Path] = {}
_mem: dict[str, dict[str, float]] = {}
_gaps: dict[str, str] = {}


def make_instance(n: int, d: int, seed: int = 0) -> dict:
    rng = np.random.default_rng(seed)
    X = rng.integers(-9, 10, size=(n, d)).tolist()
    y = rng.integers(-5, 6, size=n).tolist()
    return {"X": X, "y": y, "beta": BETA}


def cases() -> list[Case]:
    opt = os.environ.get(OPT_IN) == "1"
    out = []
    for n, d, big in INSTANCES:
        if big and not opt:
            continue
        name = f"({n}, {d})"
        path = _tmp / f"scale{n}x{d}.json"
        path.write_text(json.dumps(make_instance(n, d)))
        out.append(Case(name, {"path": str(path), "n": n, "d": d}))
    return out


def _command(args: list[str]) -> list[str]:
    code = "import sys; from exact.cli import main; sys.exit(main(sys.argv[1:]))"
    return [sys.executable, "-c", code, *args]


def _timed(cmd: list[str], cap: float) -> tuple[int, float, float, float, str, str]:
    """Run ``cmd``; (exit code, wall s, CPU s = user + sys of the child, peak RSS MB, out,
    err). Exit code −9 when it was killed at ``cap`` wall seconds."""
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    t = time.perf_counter()
    with tempfile.TemporaryFile("w+") as fo, tempfile.TemporaryFile("w+") as fe:
        proc = subprocess.Popen(cmd, stdout=fo, stderr=fe, env=env, cwd=ROOT)
        deadline = t + cap
        while True:
            pid, status, ru = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                break
            if time.perf_counter() > deadline:
                proc.kill()
                pid, status, ru = os.wait4(proc.pid, 0)
                status = -9
                break
            time.sleep(0.05)
        wall = time.perf_counter() - t
        fo.seek(0)
        fe.seek(0)
        out, err = fo.read(), fe.read()
    code = status if status == -9 else os.waitstatus_to_exitcode(status)
    return code, wall, ru.ru_utime + ru.ru_stime, ru.ru_maxrss / 1024, out, err


def run_solve(case: Case, settings: Settings) -> Measurement:
    cert = _tmp / f"cert{case.data['n']}x{case.data['d']}.json"
    code, wall, cpu, mb, out, err = _timed(
        _command(["solve", case.data["path"], "--certificate", str(cert), "--json", "--force"]),
        settings.cap)
    if code == -9:
        return Measurement("timeout", [wall], [cpu])
    if code != 0:
        return Measurement("error", note=(err.strip().splitlines() or ["?"])[-1][:200])
    res = json.loads(out)
    _certs[case.name] = cert
    _mem.setdefault(case.name, {})["solve"] = mb
    gap = res.get("gap_float")
    _gaps[case.name] = (f"gap {gap:.2e} (target met: {res.get('gap_target_met')}), "
                        f"{len(res.get('active_groups') or [])} active groups, "
                        f"working set {res.get('working_set')}")
    return Measurement("ok", [wall], [cpu], res["chambers"],
                       note=f"peak RSS {mb:.0f} MB; {_gaps[case.name]}; "
                            f"phases (wall) {res.get('seconds')}")


def run_arrangement(case: Case, settings: Settings) -> Measurement:
    code, wall, cpu, mb, out, err = _timed(
        _command(["arrangement", case.data["path"], "--json", "--force"]), settings.cap)
    if code == -9:
        return Measurement("timeout", [wall], [cpu])
    if code != 0:
        return Measurement("error", note=(err.strip().splitlines() or ["?"])[-1][:200])
    res = json.loads(out)
    _mem.setdefault(case.name, {})["arrangement"] = mb
    return Measurement("ok", [wall], [cpu], res["chambers"], note=f"peak RSS {mb:.0f} MB")


def run_verify(case: Case, settings: Settings) -> Measurement:
    cert = _certs.get(case.name)
    if cert is None:
        return Measurement("skipped", note="no certificate (the solve did not finish)")
    code, wall, cpu, mb, out, err = _timed(_command(["verify", "--json", "--force", str(cert)]),
                                           settings.cap)
    if code == -9:
        return Measurement("timeout", [wall], [cpu])
    _mem.setdefault(case.name, {})["verify"] = mb
    if code != 0:
        raise Mismatch(f"{case.name}: the solve certificate does not verify (exit {code}): "
                       f"{(err.strip().splitlines() or out.strip().splitlines() or ['?'])[-1]}")
    res = json.loads(out)
    count = (res.get("claims") or {}).get("num_chambers", res.get("num_chambers"))
    return Measurement("ok", [wall], [cpu], count if isinstance(count, int) else None,
                       note=f"peak RSS {mb:.0f} MB (verify --force: size and work limits lifted)")


def check_case(case: Case, results: dict[str, Measurement]) -> None:
    s, a = results.get("solve"), results.get("arrangement")
    if s is not None and a is not None and s.ok and a.ok and s.count != a.count:
        raise Mismatch(f"{case.name}: solve counts {s.count} chambers, arrangement {a.count}")


def notes() -> list[str]:
    out = []
    for name, mem in _mem.items():
        if "solve" in mem:
            verdict = "PASS" if mem["solve"] <= MEM_TARGET_MB else "MISSED"
            out.append(f"{verdict}: {name} `relucvx solve` peak RSS ≤ {MEM_TARGET_MB} MB "
                       f"(measured {mem['solve']:.0f} MB; arrangement "
                       f"{mem.get('arrangement', float('nan')):.0f} MB, verify "
                       f"{mem.get('verify', float('nan')):.0f} MB)")
    return out


DESCRIPTION = f"""\
`relucvx solve DATA --certificate FILE --json --force` (squared loss, β = {BETA}, gap target
1e-12) against `relucvx arrangement DATA --json --force` on the same data, each command a fresh
process (CPU = user + sys of that process, from `os.wait4`; one run each), and `relucvx verify
--force` of the certificate (its size and work limits lifted: the large certificates exceed them).
Data: `rng = numpy.random.default_rng(0)`, X = `rng.integers(-9, 10, (n, d))`, then
y = `rng.integers(-5, 6, n)`. The (40, 5) and (100, 4) rows are opt-in
(`{OPT_IN}=1`). Target (issue 15): solve ≤ {TARGET:g}× arrangement, i.e. arrangement/solve
≥ 1/{TARGET:g}, and at most {MEM_TARGET_MB} MB resident (Notes)."""

SUITE = Suite(
    name="scale",
    title="Certified solve at the scale of the enumeration (issue 15)",
    description=DESCRIPTION,
    cases=cases,
    tools=[Tool("solve", "solve", run_solve),
           Tool("arrangement", "arrangement", run_arrangement),
           Tool("verify", "verify", run_verify)],
    reference="solve",
    count_label="chambers",
    targets=[Target(f"({n}, {d})", "arrangement", 1 / TARGET) for n, d, _ in INSTANCES],
    check=check_case,
    notes=notes,
)
