"""Fuzz catalogue, category "baselines runs" (issue 17, finding 7): bad ``python -m
baselines`` command lines, each a named case. Every one exits 2 with an error and no
traceback, and writes nothing: the CLI's ROOT is an empty temporary folder that must stay
empty (no results/, runs/ or README). Each is refused before torch is imported (unknown
baselines and a missing --llm, which need the registry, are in test_baselines_units)."""

from __future__ import annotations

from pathlib import Path

import pytest

from baselines import cli

CASES = {
    "official_with_quick": ["run", "--official", "--quick"],
    "official_with_a_subset": ["run", "--official", "--baselines", "majority"],
    "official_with_other_model": ["run", "--official", "--model", "bert-base-uncased"],
    "official_with_one_seed": ["run", "--official", "--seeds", "0"],
    "official_with_a_name": ["run", "--official", "--name", "x"],
    "misspelt_official": ["run", "--offical"],
    "name_climbs_out": ["run", "--name", "../results"],
    "name_is_absolute": ["run", "--name", "/srv/x"],
    "name_is_empty": ["run", "--name", ""],
    "name_is_hidden": ["run", "--name", ".git"],
    "seeds_not_integers": ["run", "--seeds", "0,one"],
}


@pytest.mark.parametrize("argv", list(CASES.values()), ids=list(CASES))
def test_bad_run_command_lines_exit_2_and_write_nothing(
        argv: list[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setattr(cli, "ROOT", tmp_path)
    try:
        code = cli.main(argv)
    except SystemExit as stop:  # argparse's own usage errors
        code = stop.code
    err = capsys.readouterr().err
    assert code == 2, err
    assert "error:" in err and "Traceback" not in err
    assert list(tmp_path.iterdir()) == []
