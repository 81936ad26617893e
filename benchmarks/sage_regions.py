"""Time SageMath's ``HyperplaneArrangement.regions()`` (run with benchmarks/.sage-venv's python).

Reads one JSON object from stdin: ``{"rows": [[int, ...], ...], "cap": seconds,
"repeat_below": seconds, "reps": int, "clock": "cpu" | "wall"}`` and prints one JSON line to
stdout: ``{"status": "ok", "count": p, "wall": [...], "cpu": [...]}`` or
``{"status": "timeout", "cap": cap}``. The cap is on process CPU time or wall time.

Only ``regions()`` is timed; each repetition builds a fresh arrangement (``regions`` is a cached
method). Repetitions after the first are made only while a run takes less than
``repeat_below`` seconds. This file imports nothing from the project and no numpy.

Importing ``sage.geometry.hyperplane_arrangement.arrangement`` directly fails with the modular
passagemath wheels (lazy ``sage.rings`` submodules are not set up: ``AttributeError: module
'sage.rings' has no attribute 'real_double'``); ``sage.all__sagemath_polyhedra`` sets them up.
"""

import gc
import json
import math
import os
import sys
import threading
import time


def _start_watchdog(clock, cap: float, info: dict) -> dict:
    """A daemon thread ending the process (after printing the timeout line) at the cap.

    Signals are no use here: a SIGPROF/SIGALRM Python handler never runs inside ``regions()``
    (cysignals), so a thread polls the clock (process CPU time counts every thread; the
    sleeping watchdog adds almost none).
    """
    state = {"start": None}

    def watch():
        while True:
            time.sleep(0.2)
            t0 = state["start"]
            if t0 is not None and clock() - t0 > cap:
                sys.stdout.write(json.dumps({"status": "timeout", "cap": cap, **info}) + "\n")
                sys.stdout.flush()
                os._exit(0)

    threading.Thread(target=watch, daemon=True).start()
    return state


def _canonical(rows):
    """Distinct primitive normals, first nonzero entry > 0 (Sage refuses both h and −h)."""
    seen, out = set(), []
    for r in rows:
        g = math.gcd(*r)
        if g == 0:
            continue
        first = next(v for v in r if v)
        key = tuple((v // g) * (1 if first > 0 else -1) for v in r)
        if key not in seen:
            seen.add(key)
            out.append(key)
    return out


def main() -> int:
    job = json.load(sys.stdin)
    rows = [[int(v) for v in r] for r in job["rows"]]
    cap = float(job["cap"])
    repeat_below = float(job.get("repeat_below", 10.0))
    reps = int(job.get("reps", 3))
    cpu_clock = job.get("clock", "cpu") == "cpu"

    t0 = time.perf_counter()
    from sage.all__sagemath_polyhedra import QQ, HyperplaneArrangements

    d = len(rows[0])
    H = HyperplaneArrangements(QQ, tuple(f"u{i}" for i in range(d)))
    gens = H.gens()
    normals = _canonical(rows)

    def build():
        return H(*[sum(c * g for c, g in zip(r, gens) if c) for r in normals])

    import_s = time.perf_counter() - t0
    watchdog = _start_watchdog(time.process_time if cpu_clock else time.perf_counter, cap,
                               {"import_s": import_s})
    wall, cpu, count = [], [], None
    for _ in range(reps):
        A = build()
        gc.collect()
        c, t = time.process_time(), time.perf_counter()
        watchdog["start"] = c if cpu_clock else t
        R = A.regions()
        dt, dc = time.perf_counter() - t, time.process_time() - c
        watchdog["start"] = None
        if count is not None and len(R) != count:
            raise AssertionError("regions() count changed between repetitions")
        count = len(R)
        wall.append(dt)
        cpu.append(dc)
        del R, A
        if dt >= repeat_below:
            break
    print(json.dumps({"status": "ok", "count": count, "wall": wall, "cpu": cpu,
                      "import_s": import_s}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
