"""Running ``relucvx`` in-process in the tests, the one-line refusal every bad input gets
(exit status 2, ``relucvx: error: ...`` on one line of stderr, no traceback), and data files."""

from __future__ import annotations

import json
from pathlib import Path

from exact.cli import main


def run_cli(argv: list[str], capsys) -> tuple[int, str, str]:
    """Run ``relucvx ARGV`` in-process: (exit status, stdout, stderr); argparse errors arrive
    as SystemExit."""
    try:
        code = main([str(a) for a in argv])
    except SystemExit as exc:
        code = exc.code
    out, err = capsys.readouterr()
    return code, out, err


def cli(capsys, *argv) -> tuple[int, str, str]:
    """:func:`run_cli` with the arguments spread: ``cli(capsys, "verify", path)``."""
    return run_cli(list(argv), capsys)


def solve_check_verify(tmp_path: Path, capsys, data, options: list[str]) -> tuple[dict, dict]:
    """``relucvx solve DATA OPTIONS --json --certificate --net-out``, then ``check`` of the
    written network with the same options and ``--certificate``, then ``verify`` of both
    certificates: exit status 0 each; the two JSON outputs (solve, check)."""
    cert, net, cc = tmp_path / "c.json", tmp_path / "n.json", tmp_path / "cc.json"
    code, out, err = run_cli(["solve", data, *options, "--json", "--certificate", cert,
                              "--net-out", net], capsys)
    assert code == 0, err
    s = json.loads(out)
    code, out, err = run_cli(["verify", cert], capsys)
    assert code == 0, out + err
    code, out, err = run_cli(["check", data, net, *options, "--json", "--certificate", cc],
                             capsys)
    assert code == 0, err
    c = json.loads(out)
    code, out, err = run_cli(["verify", cc], capsys)
    assert code == 0, out + err
    return s, c


def assert_one_line(code: int, err: str, fragment: str | None = None) -> str:
    """``err`` is one short ``relucvx: error:`` line (holding ``fragment``) and ``code`` is 2."""
    assert code == 2, err
    assert "Traceback" not in err
    lines = err.splitlines()
    assert len(lines) == 1, f"expected one line on stderr, got {err!r}"
    assert lines[0].startswith("relucvx: error: ")
    assert len(lines[0]) <= 400, "messages quote at most a short prefix of a value"
    if fragment is not None:
        assert fragment in lines[0], lines[0]
    return lines[0]


def write_data(tmp_path: Path, X, y, beta) -> Path:
    """A JSON data file ``d.json`` in ``tmp_path`` with X, y and β as exact strings."""
    p = tmp_path / "d.json"
    p.write_text(json.dumps({"X": [[str(v) for v in r] for r in X], "y": [str(v) for v in y],
                             "beta": str(beta)}))
    return p

