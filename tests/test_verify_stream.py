"""The streamed reading of ``verify --force`` (exact.verify.stream_path) against the whole-document
check, and the integer fast path of the solve chambers against the general code.

The oracle is the whole-document path (``verify(load_file(path))``), which is the specification's
order of the checks: on every stored certificate and forgery the streamed verdict, when the stream
decides, is the same status and line, and the stream decides only certificates that pass every
check (a forgery is always left to the whole document).
"""

from __future__ import annotations

import gzip
import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from exact import verify as V
from tests.forgeries import manifest as M
from tests.oracles import whole_verdict

HERE = M.HERE
FILES = sorted(HERE.glob("*.json"))
FILES = [p for p in FILES if p.name != "MANIFEST.json"]
FORGED = {e["file"] for e in json.loads((HERE / "MANIFEST.json").read_text())}
#: the dense kinds the stream reads (the others are always read whole)
STREAMED = ["genuine-solve.json", "genuine-check-optimal.json", "genuine-check-hinge.json",
            "genuine-check-not-optimal.json", "genuine-arrangement.json",
            "genuine-arrangement-subcones.json", "genuine-solve-absolute.json"]


@pytest.mark.parametrize("path", FILES, ids=[p.name for p in FILES])
def test_streamed_verdict_is_the_whole_documents(path):
    with V.size_limits_lifted():
        want = whole_verdict(path)
        got = V.stream_path(str(path))
        assert V.verify_path(str(path))[0] == want[0]
    if got is None:
        assert path.name not in STREAMED, want
        return
    assert got[:2] == want, (got, want)
    assert got[0] in (V.PROVED, V.NOT_PROVED)
    assert path.name not in FORGED or want[0] != V.INVALID


def test_the_stream_is_used_and_off_without_force():
    for name in STREAMED:
        assert V.stream_path(str(HERE / name)) is None  # the limits are on
        with V.size_limits_lifted():
            assert V.stream_path(str(HERE / name)) is not None, name


def test_whitespace_between_values(tmp_path):
    cert = json.loads((HERE / "genuine-solve.json").read_text())
    p = tmp_path / "spaced.json"
    p.write_text(json.dumps(cert, indent=1).replace(":", " \t:\r\n "))
    with V.size_limits_lifted():
        assert V.stream_path(str(p))[:2] == whole_verdict(HERE / "genuine-solve.json")


@pytest.mark.parametrize("chunk", [1, 7, 100])
def test_values_across_chunk_boundaries(chunk, tmp_path, monkeypatch):
    """Values cut by the chunks (numbers, strings, keys) are read again whole; gzip too; a long
    digit run across a boundary, trailing data and a truncated file leave it to the whole
    document."""
    monkeypatch.setattr(V, "_CHUNK", chunk)
    text = (HERE / "genuine-solve.json").read_bytes()
    gz = tmp_path / "c.json.gz"
    gz.write_bytes(gzip.compress(text))
    with V.size_limits_lifted():
        want = whole_verdict(HERE / "genuine-solve.json")
        assert V.stream_path(str(HERE / "genuine-solve.json"))[:2] == want
        assert V.stream_path(str(gz))[:2] == want
        body = text.rstrip()
        for bad in (body + b" x", body[:-1], body.replace(b'"kind"', b'"kind" ', 1)[:-3]):
            p = tmp_path / "bad.json"
            p.write_bytes(bad)
            assert V.stream_path(str(p)) is None
    long = json.dumps(json.loads(text)).replace('"num_chambers": 6',
                                                '"num_chambers": ' + "9" * (V.MAX_DIGITS + 1))
    assert long.count("9" * (V.MAX_DIGITS + 1)) == 1
    p = tmp_path / "long.json"
    p.write_text(long)
    with V.size_limits_lifted():
        assert V.stream_path(str(p)) is None
        assert V.verify_path(str(p))[0] == V.REFUSED


def test_another_layout_is_read_whole(tmp_path):
    """Chambers before the data: the stream does not decide; the whole document does."""
    cert = json.loads((HERE / "genuine-solve.json").read_text())
    moved = {"chambers": cert.pop("chambers"), **cert}
    p = tmp_path / "moved.json"
    p.write_text(json.dumps(moved))
    with V.size_limits_lifted():
        assert V.stream_path(str(p)) is None
        assert V.verify_path(str(p))[:2] == whole_verdict(HERE / "genuine-solve.json")


def test_fast_path_alone_proves_the_genuine_and_rejects_every_forgery(monkeypatch):
    """With the general chamber check made to fail, the genuine solve/check certificates still
    verify (the fast path proves their chambers) and no forgery verifies (the fast path never
    accepts a forged chamber)."""
    def refuse(b, i, ch):
        raise V.CheckFailed("slow", f"chamber {i}")

    monkeypatch.setattr(V, "_slow_chamber", refuse)
    for name in ("genuine-solve.json", "genuine-check-optimal.json", "genuine-check-hinge.json"):
        assert V.verify(V.load_file(str(HERE / name)))[0] == V.PROVED, name
    for name in sorted(FORGED):
        status, msg = whole_verdict(HERE / name)
        assert status != V.PROVED, (name, msg)


def test_a_permissive_fast_path_is_caught(monkeypatch):
    """Planted bug: a fast path that accepts every chamber makes forgeries verify (the corpus
    is load-bearing for it)."""
    def accept(b, i, ch):
        b.sign_vectors.add(bytes(s + 1 for s in ch["signs"]))
        return True

    monkeypatch.setattr(V, "_fast_chamber", accept)
    fooled = [e["file"] for e in json.loads((HERE / "MANIFEST.json").read_text())
              if e["status"] == V.INVALID and whole_verdict(HERE / e["file"])[0] == V.PROVED]
    assert any(f.startswith("solve-") for f in fooled), fooled


@given(st.integers(1, 6).flatmap(lambda d: st.tuples(
    st.lists(st.lists(st.integers(-9, 9), min_size=d, max_size=d), min_size=1, max_size=8),
    st.lists(st.integers(-2**20, 2**20), min_size=d, max_size=d))))
def test_packed_signs_against_dot_products(rows_w):
    """One packed product gives every sign (oracle: the dot products); the key masks of the
    listed signs are what it gives exactly when the signs are right."""
    rows, w = rows_w
    cols, bound = V.pack_columns(rows)
    P, N = V.packed_signs(cols, bound, len(rows), w)
    signs = [(v > 0) - (v < 0) for v in (sum(a * b for a, b in zip(x, w)) for x in rows)]
    key = bytes(s + 1 for s in signs)
    assert V._sign_bytes(P, N, len(rows)) == key
    assert V._key_masks(key) == (P, N)
    wrong = bytes((k + 1) % 3 for k in key)
    assert V._key_masks(wrong) != (P, N)
    assert bound == 0 or V.packed_signs(cols, bound, len(rows), [2**62] * len(w)) is None
