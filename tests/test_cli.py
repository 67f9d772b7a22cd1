"""The command line: one-line errors and a non-zero exit for bad input, never a traceback."""

from __future__ import annotations

import contextlib
import io
import os
import subprocess
import sys
from pathlib import Path

import pytest

from retold.cli import main

ROOT = Path(__file__).parent.parent
MINI = Path(__file__).parent / "fixtures" / "mini"


def run(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    """``retold ARGS`` in this process (fast); an uncaught exception fails the test."""
    out, err = io.StringIO(), io.StringIO()
    old = Path.cwd()
    os.chdir(cwd)
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            try:
                code = main(list(args))
            except SystemExit as exit_:  # argparse: --help, --version, usage errors
                code = int(exit_.code or 0)
    finally:
        os.chdir(old)
    return subprocess.CompletedProcess(args, code, out.getvalue(), err.getvalue())


def assert_clean_error(result: subprocess.CompletedProcess[str], needle: str) -> None:
    assert result.returncode != 0
    assert "Traceback" not in result.stderr, result.stderr
    assert needle in result.stdout + result.stderr, result.stderr


def test_version() -> None:
    from importlib.metadata import version

    result = run("--version")
    assert result.returncode == 0
    assert result.stdout.strip().startswith(f"retold {version('retold')} ")


def test_help_has_no_raw_markup_and_every_option_has_help() -> None:
    top = run("--help").stdout
    assert "``" not in top and "COMMAND" in top
    for command in ("anchor", "next-id", "validate", "build", "stats", "agree", "score", "export",
                    "import", "render"):
        text = run(command, "--help").stdout
        assert "``" not in text
        lines = text.split("options:", 1)[1].splitlines()
        options = [ln for ln in lines if ln.strip().startswith("-")]
        assert options, command
        for i, line in enumerate(lines):
            # an option line with no help text on it and none on the next line
            if line.strip().startswith("-") and len(line.split("  ")) < 2:
                nxt = lines[i + 1] if i + 1 < len(lines) else ""
                assert nxt.startswith(" " * 10) and nxt.strip(), f"{command}: {line!r}"


def test_verbose_after_the_subcommand(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", "-v", "--corpus", str(MINI / "corpus"),
                 "--annotations", str(MINI / "annotations")]) == 0


@pytest.mark.parametrize("kind", ["missing", "directory", "not-utf8"])
def test_anchor_bad_draft(tmp_path: Path, kind: str) -> None:
    draft = tmp_path / "draft.jsonl"
    if kind == "directory":
        draft.mkdir()
    elif kind == "not-utf8":
        draft.write_bytes(b'{"claim": "caf\xe9"}\n')
    result = run("anchor", str(draft), "--doc-id", "000-mini-report",
                 "--out", str(tmp_path / "out.json"), "--corpus", str(MINI / "corpus"))
    assert_clean_error(result, str(draft))
    assert not (tmp_path / "out.json").exists()


def test_build_out_at_an_existing_file(tmp_path: Path) -> None:
    target = tmp_path / "file.txt"
    target.write_text("keep", encoding="utf-8")
    result = run("build", "--corpus", str(MINI / "corpus"),
                 "--annotations", str(MINI / "annotations"), "--out", str(target))
    assert_clean_error(result, "unsafe-output")
    assert target.read_text(encoding="utf-8") == "keep"


def test_build_out_at_the_project_root_is_refused(tmp_path: Path) -> None:
    (tmp_path / "README.md").write_text("mine", encoding="utf-8")
    result = run("build", "--corpus", str(MINI / "corpus"),
                 "--annotations", str(MINI / "annotations"), "--out", ".", cwd=tmp_path)
    assert_clean_error(result, "not a retold release")
    assert (tmp_path / "README.md").read_text(encoding="utf-8") == "mine"


@pytest.mark.skipif(os.geteuid() == 0, reason="root can write anywhere")
def test_build_out_unwritable(tmp_path: Path) -> None:
    locked = tmp_path / "locked"
    locked.mkdir(mode=0o500)
    result = run("build", "--corpus", str(MINI / "corpus"),
                 "--annotations", str(MINI / "annotations"), "--out", str(locked / "r"))
    assert_clean_error(result, "unsafe-output")


def test_build_out_below_a_file(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("x", encoding="utf-8")
    result = run("build", "--corpus", str(MINI / "corpus"),
                 "--annotations", str(MINI / "annotations"), "--out", str(tmp_path / "file" / "r"))
    assert_clean_error(result, "unsafe-output")


def test_agree_out_into_a_missing_folder(tmp_path: Path) -> None:
    result = run("agree", "--out", str(tmp_path / "nope" / "a.json"))
    assert_clean_error(result, "does not exist")


def test_validate_corpus_at_a_file(tmp_path: Path) -> None:
    result = run("validate", "--corpus", str(MINI / "corpus" / "manifest.json"),
                 "--annotations", str(MINI / "annotations"))
    assert_clean_error(result, "manifest.json")
    assert result.returncode == 1


def test_stats_into_a_closed_pipe() -> None:
    cmd = f"{sys.executable} -m retold.cli stats | head -n 1"
    result = subprocess.run(["bash", "-o", "pipefail", "-c", cmd], capture_output=True,
                            text=True, cwd=ROOT, check=False)
    assert "Traceback" not in result.stderr, result.stderr
    assert "BrokenPipe" not in result.stderr
    assert result.stdout.count("\n") == 1


# --------------------------------------------------------------------------------------
# Ctrl-C, a closed pipe and numeric arguments (issue 17, finding 6).
# --------------------------------------------------------------------------------------

COMMAND_ARGS = {
    "anchor": ["draft.jsonl", "--doc-id", "x", "--out", "out.json"],
    "next-id": ["000-x", "claim"],
    "validate": [], "build": [], "agree": [], "stats": [],
    "export": ["--format", "brat", "--out", "out"],
    "import": ["--format", "label-studio", "--in", "in", "--out", "out"],
    "render": ["--out", "out"],
    "score": ["--task", "denied", "--predictions", "p.jsonl"],
    "results": ["check"],
    "predict": ["--models", "models", "--in", "texts", "--out", "out"],
}


def test_every_command_is_covered() -> None:
    from retold.cli import build_parser

    parser = build_parser()
    (sub,) = [a for a in parser._actions if a.dest == "command"]
    assert set(sub.choices) == set(COMMAND_ARGS)  # type: ignore[arg-type]


@pytest.mark.parametrize("command", sorted(COMMAND_ARGS))
def test_ctrl_c_prints_one_line_and_exits_130(monkeypatch: pytest.MonkeyPatch,
                                             command: str) -> None:
    from retold import cli

    def interrupted(args: object) -> int:
        raise KeyboardInterrupt

    monkeypatch.setattr(cli, f"_cmd_{command.replace('-', '_')}", interrupted)
    try:
        result = run(command, *COMMAND_ARGS[command])
    except KeyboardInterrupt:  # not caught by main(): fail this test, not the session
        pytest.fail("KeyboardInterrupt escaped main()")
    assert result.returncode == 130
    assert result.stderr == "retold: interrupted\n" and result.stdout == ""


def test_ctrl_c_in_a_real_process() -> None:
    # a real SIGINT while a command runs: one line, exit 130, no KeyboardInterrupt traceback.
    # Python's own SIGINT handler is installed first: a process started in the background
    # of a non-interactive shell (as CI may start the tests) inherits SIGINT ignored, and
    # Python then leaves it ignored, so the signal would never reach the command.
    code = ("import os, signal, sys, time\n"
            "signal.signal(signal.SIGINT, signal.default_int_handler)\n"
            "from retold import cli\n"
            "def slow(args):\n"
            "    os.kill(os.getpid(), signal.SIGINT)\n"
            "    time.sleep(30)\n"
            "cli._cmd_stats = slow\n"
            "sys.exit(cli.main(['stats']))\n")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            cwd=ROOT, check=False, timeout=60)
    assert result.returncode == 130
    assert result.stderr == "retold: interrupted\n"


def test_score_into_a_closed_pipe(tmp_path: Path) -> None:
    # the reader is gone before anything is written (what `| head` does at its end)
    argv = ["score", "--task", "denied", "--predictions", "{p}", "--bootstrap", "0"]
    predictions = tmp_path / "p.jsonl"
    predictions.write_text('{"claim_id": "000-c001", "stance": "denied"}\n', encoding="utf-8")
    read, write = os.pipe()
    os.close(read)
    try:
        result = subprocess.run(
            [sys.executable, "-m", "retold.cli", *(a.format(p=predictions) for a in argv)],
            stdout=write, stderr=subprocess.PIPE, text=True, cwd=ROOT, check=False, timeout=120)
    finally:
        os.close(write)
    assert result.returncode == 141
    assert "Traceback" not in result.stderr and "BrokenPipe" not in result.stderr, result.stderr


def test_every_integer_argument_is_bounded() -> None:
    # a bare type=int lets --bootstrap 100000000 through to a 117 GiB allocation
    from retold.cli import build_parser

    parser = build_parser()
    (sub,) = [a for a in parser._actions if a.dest == "command"]
    for name, command in sub.choices.items():  # type: ignore[union-attr]
        for action in command._actions:
            assert action.type not in (int, float), f"{name} {action.option_strings}"


@pytest.mark.parametrize(("option", "value", "words"), [
    ("--bootstrap", "100000000", "100000000 is not from 0 to 10,000"),
    ("--bootstrap", "-5", "-5 is not from 0 to 10,000"),
    ("--bootstrap", "ten", "'ten' is not an integer"),
    ("--seed", "-1", "-1 is not from 0 to 4,294,967,295"),
    ("--seed", "4294967296", "4294967296 is not from 0 to 4,294,967,295"),
])
def test_numeric_arguments_out_of_range_exit_2_with_usage(option: str, value: str,
                                                          words: str) -> None:
    result = run("score", "--task", "denied", "--predictions", "p.jsonl", option, value)
    assert result.returncode == 2
    assert result.stderr.startswith("usage: retold score")
    assert f"argument {option}: {words}" in result.stderr
    assert "Traceback" not in result.stderr
