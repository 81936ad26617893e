"""benchmarks/gap_search.py: its draws repeat by seed, and one small search runs end to end."""

from __future__ import annotations

import importlib.util
from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest

pytest.importorskip("sklearn")

_PATH = Path(__file__).resolve().parent.parent / "benchmarks" / "gap_search.py"
_spec = importlib.util.spec_from_file_location("gap_search", _PATH)
gap_search = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(gap_search)

BETAS = [Fraction(1, 10), Fraction(1, 1000), Fraction(1, 100)]


def test_draw_repeats_the_recorded_search():
    # the first instance of seed 31 as benchmarks/RESULTS.md (session 26) records it
    inst = gap_search.draw(np.random.default_rng(31), (20, 30), (4, 5), BETAS, False, {})
    assert inst["name"] == "breast_cancer" and inst["beta"] == Fraction(1, 10)
    assert inst["cols"] == [19, 23, 4, 18] and len(inst["rows"]) == 29
    assert inst["rows"][:3] == [396, 364, 240]
    assert all(len(row) == 4 for row in inst["X"]) and set(inst["y"]) == {1, -1}
    # raw features as a CSV export writes them, or standardized to 4 decimals
    assert float(inst["X"][0][0]) == float(f"{float(inst['X'][0][0]):.17g}")
    std = gap_search.draw(np.random.default_rng(31), (20, 30), (4, 5), BETAS, True, {})
    assert std["rows"] == inst["rows"] and all(len(v.split(".")[1]) == 4 for v in std["X"][0])


def test_a_small_search_reports_each_instance(capsys):
    assert gap_search.main(["--seed", "3", "--count", "2", "--rows", "6", "8", "--cols", "2",
                            "2", "--loss", "squared", "--standardized"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 3 and lines[0].startswith("#0 ") and lines[1].startswith("#1 ")
    assert all("met=True" in line for line in lines[:2])
    assert lines[2].startswith("2 instances: 0 missed the gap target, 0 timed out")
