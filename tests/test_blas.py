"""The one-BLAS-thread limit (arrangement/blas.py): set inside, restored outside, and in force
during the enumeration of more than 16 classes (and not below, where it would cost more than
the enumeration)."""

from __future__ import annotations

from threadpoolctl import threadpool_info

import arrangement.core as core
from arrangement.blas import single_threaded_blas


def _blas_threads() -> list[int]:
    return [lib["num_threads"] for lib in threadpool_info() if lib["user_api"] == "blas"]


def test_limit_is_one_thread_inside_and_restored_outside():
    from arrangement.scipy_direct import load_blas

    load_blas()  # the limit loads scipy's BLAS copy first: compare with it loaded
    before = _blas_threads()
    with single_threaded_blas():
        assert _blas_threads() and set(_blas_threads()) == {1}
        with single_threaded_blas():  # nested: still one, and the outer limit survives
            assert set(_blas_threads()) == {1}
        assert set(_blas_threads()) == {1}
    assert _blas_threads() == before


def test_enumeration_of_many_classes_runs_with_one_blas_thread(monkeypatch):
    seen: list[list[int]] = []
    real = core.chamber_witnesses

    def spy(*args, **kwargs):
        seen.append(_blas_threads())
        return real(*args, **kwargs)

    monkeypatch.setattr(core, "chamber_witnesses", spy)
    many = [[1, k, k * k] for k in range(20)]  # 20 distinct classes
    few = [[1, k, k * k] for k in range(5)]
    n_many = len(core.Arrangement(many).chambers())
    n_few = len(core.Arrangement(few).chambers())
    assert set(seen[0]) == {1}
    assert seen[1] == _blas_threads()
    # oracle: points on the moment curve are in general position, so the chambers of m
    # planes through the origin of R^3 number m(m − 1) + 2 (Cover's count)
    assert (n_many, n_few) == (20 * 19 + 2, 5 * 4 + 2)
