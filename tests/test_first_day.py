"""A demanding user's first day: what a researcher runs on the first afternoon, at the sizes
users bring (scikit-learn data sets exported with ``repr`` floats, ``.npy`` arrays, networks
trained elsewhere), and the hostile inputs they produce by accident.

Every run must give an exact, verified answer or one line ``relucvx: error: ...`` with a
nonzero exit status. Each test here was written from a problem found on that day; the data are
generated from scikit-learn's own data sets (BSD-3-Clause, as scikit-learn) or by the test.
"""

from __future__ import annotations

import numpy as np
from cli_run import assert_one_line, run_cli


def _write(tmp_path, name: str, content) -> str:
    path = tmp_path / name
    if isinstance(content, np.ndarray):
        np.save(path, content)
    else:
        path.write_text(content, encoding="utf-8")
    return str(path)


def test_shape_mismatch_message_counts_in_the_singular(tmp_path, capsys):
    # "X has 2 rows but y has 1 entries" read badly on the first hostile file of the day
    data = _write(tmp_path, "d.json", '{"X": [[1, 2], [3, 4]], "y": [1], "beta": "1/10"}')
    code, _, err = run_cli(["solve", data, "--json", "-q"], capsys)
    line = assert_one_line(code, err, "shape mismatch: X has 2 rows but y has 1 entry")
    assert "entries" not in line
    data = _write(tmp_path, "e.json", '{"X": [[1, 2]], "y": [1, 2], "beta": "1/10"}')
    code, _, err = run_cli(["solve", data, "--json", "-q"], capsys)
    assert_one_line(code, err, "shape mismatch: X has 1 row but y has 2 entries")
