"""Refusal before reading (exact.verify.precount_path, docs/certificates.md §3): without
``--force`` a large certificate over the work limits is refused from a streamed count of its
first chambers, before the file is read whole.

The oracle is the whole-document path (``verify(load_file(path))``): a file the count refuses is
one the whole reading refuses too (same status, a limit ``--force`` lifts), and on every stored
certificate and forgery the verdict of ``verify_path`` is unchanged.
"""

from __future__ import annotations

import gzip
import json
from fractions import Fraction
from pathlib import Path

import pytest

from exact import verify as V
from tests.forgeries import manifest as M
from tests.oracles import whole_verdict

HERE = M.HERE
FILES = [p for p in sorted(HERE.glob("*.json")) if p.name != "MANIFEST.json"]


@pytest.mark.parametrize("path", FILES, ids=[p.name for p in FILES])
def test_every_stored_file_keeps_its_verdict_when_counted_first(path, monkeypatch):
    want = whole_verdict(path)
    monkeypatch.setattr(V, "PRECOUNT_BYTES", 0)  # every file is counted in a stream first
    assert V.precount_path(str(path)) is None or want[0] == V.REFUSED
    assert V.verify_path(str(path))[:2] == want


def _whole_count(cert: dict) -> int:
    """The products of docs/certificates.md §3 over the whole document, counted here
    independently: Σ (2 + 4·facets)·n·d for solve/check, p·(m + 1)²·d for an arrangement (m
    hyperplanes: the nonzero rows of X up to a nonzero factor)."""
    X = [[Fraction(x) for x in row] for row in cert["data"]["X"]]
    n, d = len(X), len(X[0])
    if cert["kind"] == "arrangement":
        lines = set()
        for row in X:
            lead = next((x for x in row if x), None)
            if lead is not None:
                lines.add(tuple(x / lead for x in row))
        m = len(lines)
        return len(cert["chambers"]) * (m + 1) ** 2 * d
    return sum(2 + 4 * len(ch.get("facets", ())) if isinstance(ch, dict) else 1
               for ch in cert["chambers"]) * n * d


@pytest.mark.parametrize("path", FILES, ids=[p.name for p in FILES])
def test_a_counted_refusal_is_over_the_limit_on_the_whole_document(path, monkeypatch):
    # with a tiny work limit the count refuses the dense certificates: each refusal is over
    # the limit on the whole document (a partial count is a lower bound), and a document
    # that fails no other check is refused by the whole reading too (a limit --force lifts)
    monkeypatch.setattr(V, "PRECOUNT_BYTES", 0)
    monkeypatch.setattr(V, "MAX_WORK", 100)
    got = V.precount_path(str(path))
    if got is None:
        return
    assert got.startswith(f"{path}: ") and "products (limit 100)" in got
    cert = json.JSONDecoder().raw_decode(path.read_text())[0]  # its first value, as read
    assert _whole_count(cert) > 100
    # the whole reading: over the limit too, or (forgeries) a later part refused or invalid
    status, line = whole_verdict(path)
    assert status in (V.REFUSED, V.INVALID), line
    assert path.name.startswith("genuine") <= ("products (limit 100)" in line), line


def test_the_count_refuses_the_genuine_dense_certificates(monkeypatch):
    monkeypatch.setattr(V, "PRECOUNT_BYTES", 0)
    monkeypatch.setattr(V, "MAX_WORK", 100)
    for name in ("genuine-solve.json", "genuine-check-optimal.json",
                 "genuine-arrangement.json"):
        assert V.precount_path(str(HERE / name)) is not None, name
    monkeypatch.setattr(V, "MAX_WORK", 5 * 10**8)
    monkeypatch.setattr(V, "MAX_WORD_WORK", 10)  # the weighted count refuses too
    assert "word products" in V.precount_path(str(HERE / "genuine-solve.json"))


def _large(tmp_path: Path, copies: int, gz: bool = False) -> Path:
    # a synthetic large solve certificate: the genuine one with its chambers repeated (the
    # count reads only the head and chambers, so the repetition is what it sees)
    cert = json.loads((HERE / "genuine-solve.json").read_text())
    head = {k: v for k, v in cert.items() if k not in ("chambers", "claims", "completeness")}
    text = json.dumps(head)[:-1] + ', "chambers": [' + ", ".join(
        json.dumps(ch) for ch in cert["chambers"] * copies) + '], "claims": ' + \
        json.dumps(cert["claims"]) + "}"
    path = tmp_path / ("big.json.gz" if gz else "big.json")
    path.write_bytes(gzip.compress(text.encode()) if gz else text.encode())
    return path, len(text.encode())


@pytest.mark.parametrize("gz", [False, True])
def test_a_large_certificate_is_refused_from_a_prefix(tmp_path, monkeypatch, capsys, gz):
    path, size = _large(tmp_path, 400, gz)
    monkeypatch.setattr(V, "PRECOUNT_BYTES", 1024)
    monkeypatch.setattr(V, "_CHUNK", 4096)
    monkeypatch.setattr(V, "MAX_WORK", 20_000)
    want = whole_verdict(path)
    assert want[0] == V.REFUSED and "products (limit 20000)" in want[1]

    def never(*args, **kwargs):
        raise AssertionError("the whole document was read")

    read = []
    more = V._Reader.more

    def counted(self):  # the JSON bytes read (decompressed for gzip)
        pos = self.src.tell()
        out = more(self)
        read.append(self.src.tell() - pos)
        return out

    monkeypatch.setattr(V, "load_file", never)
    monkeypatch.setattr(V.json, "loads", never)
    monkeypatch.setattr(V._Reader, "more", counted)
    assert V.run(str(path), None, False, "relucvx") == V.REFUSED
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("relucvx: error: ")
    assert "--force checks it anyway" in err and "products (limit 20000)" in err
    assert 0 < sum(read) < size / 4  # a prefix of the document, not all of it


def test_a_count_under_the_limits_leaves_the_whole_reading(tmp_path, monkeypatch):
    path, _ = _large(tmp_path, 3)
    monkeypatch.setattr(V, "PRECOUNT_BYTES", 1024)
    assert V.precount_path(str(path)) is None
    assert V.verify_path(str(path))[:2] == whole_verdict(path)


def test_a_file_over_max_bytes_is_refused_from_its_size(tmp_path, monkeypatch):
    path = tmp_path / "c.json"
    path.write_text(json.dumps({"format": V.FORMAT, "kind": "arrangement",
                                "pad": "x" * 5000}))
    monkeypatch.setattr(V, "MAX_BYTES", 1000)
    want = whole_verdict(path)
    assert V.precount_path(str(path)) == want[1] == f"{path}: more than 1000 bytes of JSON"
    with V.size_limits_lifted():  # --force: no refusal, the whole reading decides
        assert V.precount_path(str(path)) is None
