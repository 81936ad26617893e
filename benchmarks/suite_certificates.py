"""Suite ``certificates``: writing and verifying completeness certificates (spec §5).

On the random integer matrices of suite ``arrangement`` (``make_X(n, d, seed)``) and on real
decimals (scikit-learn's diabetes, first 40 rows, 4 columns, standardized, written with 4 and
with 17 decimals: ``make_decimal``; their class normals are too large for the int64 subcone
table, arrangement/certificate.py: filtered_subcone_table), untimed enumeration first
(``Arrangement(X).chambers()`` and ``.neighbors()``), then:

- ``write`` (the reference): ``completeness_certificate(arr)`` + ``write_certificate`` to a
  ``.json`` file;
- ``verify``: ``exact.verify.verify_path`` on that file (reading and parsing included), the
  standard-library verifier that ``relucvx verify`` runs;
- ``write_gz`` / ``verify_gz``: the same with a ``.json.gz`` file.

Cross-check: every verification must return status 0 with the chamber count of the enumeration.
Targets (Notes): write ≥ 10 000 and verify ≥ 5 000 chambers/s on (30, 5) and (40, 4); the
certificate of (40, 4) (19 756 chambers, d = 4) ≤ 10 MB.
"""

from __future__ import annotations

import os
import tempfile

from framework import Case, Measurement, Mismatch, Settings, Suite, Tool, best_of
from suite_arrangement import make_decimal, make_X

INSTANCES = [(20, 4, 0), (40, 4, 1), (30, 5, 3)]
#: (data set, rows, decimals) of the real-decimal cases
DECIMAL_INSTANCES = [("diabetes", 40, 4), ("diabetes", 40, 17)]
WRITE_RATE, VERIFY_RATE, MAX_MB = 10_000, 5_000, 10.0
_arrangements: dict[str, object] = {}
_files: dict[tuple[str, bool], str] = {}
_rates: dict[tuple[str, str], tuple[float, float]] = {}
_TMP = tempfile.mkdtemp(prefix="relucvx-bench-cert-")


def cases() -> list[Case]:
    return ([Case(f"({n}, {d})", {"X": make_X(n, d, seed), "file": f"{n}x{d}"},
                  quick=(n, d) == (20, 4)) for n, d, seed in INSTANCES]
            + [Case(f"{name} ({n}, 4) {digits} digits",
                    {"X": make_decimal(name, n, digits), "file": f"{name}{n}x4d{digits}"})
               for name, n, digits in DECIMAL_INSTANCES])


def _arrangement(case: Case):
    from arrangement.core import Arrangement

    if case.name not in _arrangements:
        arr = Arrangement(case.data["X"])
        arr.chambers()
        arr.neighbors()
        _arrangements[case.name] = arr
    return _arrangements[case.name]


def _writer(gz: bool):
    def run(case: Case, settings: Settings) -> Measurement:
        from arrangement.certificate import completeness_certificate, write_certificate

        arr = _arrangement(case)
        path = os.path.join(_TMP, case.data["file"] + ".json" + (".gz" if gz else ""))
        wall, cpu, _ = best_of(lambda: write_certificate(completeness_certificate(arr), path),
                               settings, always_repeat=False)
        _files[(case.name, gz)] = path
        p = len(arr.chambers())
        t = min(cpu if settings.clock == "cpu" else wall)
        mb = os.path.getsize(path) / 1e6
        _rates[(case.name, "write_gz" if gz else "write")] = (p / t, mb)
        return Measurement("ok", wall, cpu, p, note=f"{p / t:,.0f} chambers/s, {mb:.1f} MB")
    return run


def _verifier(gz: bool):
    def run(case: Case, settings: Settings) -> Measurement:
        from exact.verify import verify_path

        path = _files.get((case.name, gz))
        if path is None:
            return Measurement("skipped", note="no certificate written")
        wall, cpu, (status, msg, _) = best_of(lambda: verify_path(path), settings,
                                              always_repeat=False)
        p = len(_arrangement(case).chambers())
        if status != 0 or f" {p} chamber" not in msg:
            raise Mismatch(f"{case.name}: verify returned {status}: {msg[:120]}")
        t = min(cpu if settings.clock == "cpu" else wall)
        _rates[(case.name, "verify_gz" if gz else "verify")] = (p / t, 0.0)
        return Measurement("ok", wall, cpu, p, note=f"{p / t:,.0f} chambers/s")
    return run


def notes() -> list[str]:
    out = []
    for name in ("(40, 4)", "(30, 5)"):
        for tool, target in (("write", WRITE_RATE), ("verify", VERIFY_RATE)):
            if (name, tool) in _rates:
                rate = _rates[(name, tool)][0]
                out.append(f"{'PASS' if rate >= target else 'MISSED'}: {name} {tool} ≥ "
                           f"{target:,} chambers/s (measured {rate:,.0f})")
    for tool in ("write", "write_gz"):
        if ("(40, 4)", tool) in _rates:
            mb = _rates[("(40, 4)", tool)][1]
            out.append(f"{'PASS' if mb <= MAX_MB else 'MISSED'}: (40, 4) certificate "
                       f"({'.json.gz' if tool == 'write_gz' else '.json'}) ≤ {MAX_MB:g} MB "
                       f"(measured {mb:.1f} MB)")
    return out


SUITE = Suite(
    name="certificates",
    title="Completeness certificates: write and verify",
    description=__doc__.split("\n\n", 1)[1].strip(),
    cases=cases,
    tools=[Tool("write", "write", _writer(False), always_repeat=False),
           Tool("verify", "verify", _verifier(False)),
           Tool("write_gz", "write .gz", _writer(True)),
           Tool("verify_gz", "verify .gz", _verifier(True))],
    reference="write",
    count_label="chambers",
    notes=notes,
)
