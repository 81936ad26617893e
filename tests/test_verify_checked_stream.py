"""One streamed reading with the limits on (exact.verify.checked_stream_path, docs/certificates.md
§3): without ``--force`` a large certificate is checked as it is read, with the work counted
chamber by chamber, instead of being counted in a stream and then read whole.

The oracle is the whole-document path (``verify(load_file(path))``, tests.oracles.whole_verdict):
on every stored certificate and forgery, counted as if large, the checked stream either decides
with the whole reading's status and line or leaves the file to the old path; a file over a limit
that only the end of the stream knows (the bytes of JSON, the completeness certificate's work) is
left to the whole reading, which refuses it.
"""

from __future__ import annotations

import gzip
import json

import pytest

from exact import verify as V
from tests.forgeries import manifest as M
from tests.oracles import whole_verdict

HERE = M.HERE
FILES = [p for p in sorted(HERE.glob("*.json")) if p.name != "MANIFEST.json"]
#: the dense kinds the stream reads (the others are always read whole)
STREAMED = ["genuine-solve.json", "genuine-check-optimal.json", "genuine-check-hinge.json",
            "genuine-check-not-optimal.json", "genuine-arrangement.json",
            "genuine-arrangement-subcones.json", "genuine-solve-absolute.json"]


@pytest.mark.parametrize("path", FILES, ids=[p.name for p in FILES])
def test_the_checked_stream_decides_as_the_whole_reading(path, monkeypatch):
    want = whole_verdict(path)
    monkeypatch.setattr(V, "PRECOUNT_BYTES", 0)  # every file counts as large
    got = V.checked_stream_path(str(path))
    if got is None:
        assert path.name not in STREAMED, want
    else:
        assert got[:2] == want, (got, want)
        assert got[0] in (V.PROVED, V.NOT_PROVED)
    assert V.verify_path(str(path))[:2] == want


def _never(*args, **kwargs):
    raise AssertionError("the whole document was read")


@pytest.mark.parametrize("name", STREAMED)
def test_a_genuine_large_certificate_is_read_once(name, monkeypatch):
    want = whole_verdict(HERE / name)
    monkeypatch.setattr(V, "PRECOUNT_BYTES", 0)
    monkeypatch.setattr(V, "load_file", _never)
    monkeypatch.setattr(V, "precount_path", _never)
    assert V.verify_path(str(HERE / name))[:2] == want


def _completeness_only(monkeypatch) -> int:
    """The solve chambers' own work counted as nothing (in the stream and in the whole reading
    alike: both use these formulas), and the limit just below the completeness certificate's
    products, which only the end of the stream knows."""
    cert = json.loads((HERE / "genuine-solve.json").read_text())
    comp = cert["completeness"]
    d, m = len(comp["data"]["X"][0]), V._ArrangementHead(comp).m
    limit = len(comp["chambers"]) * (m + 1) ** 2 * d - 1
    monkeypatch.setattr(V, "_chamber_work", lambda ch: 0)
    monkeypatch.setattr(V, "_chamber_spend", lambda *args: None)
    monkeypatch.setattr(V, "PRECOUNT_BYTES", 0)
    monkeypatch.setattr(V, "MAX_WORK", limit)
    return limit


def test_the_completeness_work_is_applied_at_the_end(monkeypatch):
    limit = _completeness_only(monkeypatch)
    path = HERE / "genuine-solve.json"
    want = whole_verdict(path)
    assert want[0] == V.REFUSED and f"(limit {limit})" in want[1]
    assert V.checked_stream_path(str(path)) is None  # left to the old path, which refuses
    assert V.verify_path(str(path))[:2] == (want[0], f"{path}: {want[1]}")


def test_a_stream_without_the_end_limits_is_caught(monkeypatch):
    # planted bug: the end of the stream forgets the completeness certificate's limits; the
    # stream then proves a file that the whole reading refuses (what the test above rules out)
    _completeness_only(monkeypatch)
    path = HERE / "genuine-solve.json"
    finish = V._ArrangementStream.finish

    def forgetful(self, claimed):
        with V.size_limits_lifted():
            return finish(self, claimed)

    monkeypatch.setattr(V._ArrangementStream, "finish", forgetful)
    got = V.checked_stream_path(str(path))
    assert got is not None and got[0] == V.PROVED
    assert whole_verdict(path)[0] == V.REFUSED


def test_the_weighted_work_of_an_arrangement_is_applied_at_the_end(monkeypatch):
    # the count of an arrangement certificate's chambers is in products only; its weighted
    # work (word products) is known at the end of the stream
    path = HERE / "genuine-arrangement.json"
    cert = json.loads(path.read_text())
    h, size = V._ArrangementHead(cert), V._ArrangementSize()
    for i, ch in enumerate(cert["chambers"]):
        size.add(V._arrangement_entry(h, i, ch))
    spent = []
    budget = V._Budget

    class Spy(budget):
        def spend(self, products, bits):
            super().spend(products, bits)
            spent.append(self.spent)

    monkeypatch.setattr(V, "_Budget", Spy)
    V._arrangement_budget(h, size)
    monkeypatch.setattr(V, "_Budget", budget)
    monkeypatch.setattr(V, "PRECOUNT_BYTES", 0)
    monkeypatch.setattr(V, "MAX_WORD_WORK", spent[-1] - 1)
    want = whole_verdict(path)
    assert want[0] == V.REFUSED and "word products" in want[1]
    assert V.checked_stream_path(str(path)) is None
    assert V.verify_path(str(path))[:2] == (want[0], f"{path}: {want[1]}")


def test_the_bytes_of_json_are_counted_at_the_end(tmp_path, monkeypatch):
    # a gzip file whose JSON is over MAX_BYTES: the stream passes every check, then leaves the
    # file to the whole reading, which refuses it from the size of its JSON
    text = (HERE / "genuine-solve.json").read_bytes()
    path = tmp_path / "c.json.gz"
    path.write_bytes(gzip.compress(text))
    monkeypatch.setattr(V, "PRECOUNT_BYTES", 0)
    monkeypatch.setattr(V, "MAX_BYTES", len(text) - 1)
    want = whole_verdict(path)
    assert want == (V.REFUSED, f"{path}: more than {len(text) - 1} bytes of JSON")
    assert V.checked_stream_path(str(path)) is None
    assert V.verify_path(str(path))[:2] == want
    monkeypatch.setattr(V, "MAX_BYTES", len(text))  # exactly at the limit: read once, proved
    assert V.checked_stream_path(str(path))[:2] == whole_verdict(path)


def test_a_partial_count_over_the_limit_refuses_as_the_count_did(monkeypatch):
    monkeypatch.setattr(V, "PRECOUNT_BYTES", 0)
    monkeypatch.setattr(V, "MAX_WORK", 100)
    for name in ("genuine-solve.json", "genuine-check-optimal.json",
                 "genuine-arrangement.json"):
        path = str(HERE / name)
        want = V.precount_path(path)
        assert want is not None and "counted on the first" in want
        assert V.checked_stream_path(path) == (V.REFUSED, want, None)


def test_a_file_beyond_the_checked_stream_size_is_counted_first(monkeypatch):
    # from CHECKED_STREAM_BYTES on, the old path: the count, then the whole reading
    path = HERE / "genuine-solve.json"
    monkeypatch.setattr(V, "PRECOUNT_BYTES", 0)
    monkeypatch.setattr(V, "CHECKED_STREAM_BYTES", path.stat().st_size)
    assert V.checked_stream_path(str(path)) is None
    assert V.verify_path(str(path))[:2] == whole_verdict(path)
    monkeypatch.setattr(V, "CHECKED_STREAM_BYTES", path.stat().st_size + 1)
    assert V.checked_stream_path(str(path))[:2] == whole_verdict(path)


@pytest.mark.parametrize("kind", ["missing", "directory", "not-utf8", "truncated-gzip"])
def test_a_file_the_stream_cannot_read_is_left_to_the_whole_reading(kind, tmp_path,
                                                                  monkeypatch):
    """An unreadable file, counted as large: the checked stream does not decide (None), and
    verify_path gives the whole reading's one-line error with exit status 2, never a
    traceback or a verdict."""
    path = tmp_path / "c.json"
    if kind == "directory":
        path.mkdir()
    elif kind == "not-utf8":
        path.write_bytes(b"\xff\xfe{" + b"\x80" * 64)
    elif kind == "truncated-gzip":
        blob = gzip.compress(json.dumps({"format": V.FORMAT, "kind": "solve"}).encode())
        path.write_bytes(blob[: len(blob) // 2])
    monkeypatch.setattr(V, "PRECOUNT_BYTES", 0)
    assert V.checked_stream_path(str(path)) is None
    status, line, _kind = V.verify_path(str(path))
    assert status == 2 and "\n" not in line and str(path) in line, (status, line)
