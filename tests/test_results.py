"""``retold results add`` and ``retold results check``: any system's predictions become
results files that are re-scored from their committed, compressed predictions.

The oracles are outside the code under test: the predictions files' own bytes (hashlib,
gzip), the value a test writes into a tampered file, ``retold score`` on the same file,
and importlib.metadata for the package version."""

from __future__ import annotations

import gzip
import hashlib
import importlib.metadata
import json
import shutil
from pathlib import Path

import pytest
import yaml

from retold.cli import main
from retold.results import ResultsError, load_results, validate_results

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples" / "predictions"
CARD = ROOT / "examples" / "system.yaml"
BOOTSTRAP = "20"


def _add(predictions: Path, results: Path, *extra: str, card: Path = CARD) -> int:
    return main(["results", "add", "--predictions", str(predictions), "--system", str(card),
                 "--results", str(results), "--release", str(ROOT / "release"),
                 "--bootstrap", BOOTSTRAP, *extra])


def _check(results: Path) -> int:
    return main(["results", "check", "--results", str(results),
                 "--release", str(ROOT / "release")])


@pytest.fixture(scope="module")
def added(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A results folder made by ``retold results add`` from every example file."""
    results = tmp_path_factory.mktemp("added") / "results"
    assert _add(EXAMPLES, results) == 0
    return results


@pytest.fixture()
def copy(added: Path, tmp_path: Path) -> Path:
    shutil.copytree(added, tmp_path / "results")
    return tmp_path / "results"


def test_add_writes_one_results_file_per_task_in_the_layout(added: Path) -> None:
    card = yaml.safe_load(CARD.read_text(encoding="utf-8"))
    tasks = sorted({p.name.split(".")[0] for p in EXAMPLES.glob("*.jsonl")})
    files = sorted(p.relative_to(added).as_posix() for p in added.rglob("*") if p.is_file())
    expected = sorted([f"{t}/{card['name']}/submitted.json" for t in tasks]
                      + [f"predictions/{t}/{card['name']}/submitted{s}.gz"
                         for t in tasks for s in (".jsonl", ".contrast.jsonl")
                         if (EXAMPLES / f"{t}{s}").is_file()])
    assert files == expected


def test_results_record_the_card_versions_checksum_and_the_predictions_bytes(
        added: Path) -> None:
    sums = (ROOT / "release" / "SHA256SUMS").read_text(encoding="utf-8").splitlines()
    data_lines = "".join(f"{line}\n" for line in sums if line.split("  ")[1].startswith("data/"))
    checksum = hashlib.sha256(data_lines.encode()).hexdigest()
    card = yaml.safe_load(CARD.read_text(encoding="utf-8"))
    for record in load_results(added):
        assert record["system"] == card
        # the task's rules version, as `retold score --json` states it for these lines
        assert record["versions"] == {
            "retold": importlib.metadata.version("retold"),
            "scoring_rules": record["scores"]["natural"]["scoring_rules_version"]}
        assert record["release"]["checksum"] == checksum
        for subset, entry in record["predictions"].items():
            if entry is None:
                assert record["scores"][subset] is None
                continue
            name = f"{record['task']}{'.contrast' if subset == 'contrast' else ''}.jsonl"
            source = (EXAMPLES / name).read_bytes()
            stored = (added / entry["path"]).read_bytes()
            assert not Path(entry["path"]).is_absolute() and ".." not in entry["path"]
            assert gzip.decompress(stored) == source
            assert entry["sha256"] == hashlib.sha256(source).hexdigest()
            assert entry["lines"] == len(source.decode().splitlines())
            # deterministic gzip: no file name (FLG.FNAME unset), mtime 0
            assert stored[3] & 0x08 == 0 and stored[4:8] == b"\0\0\0\0"


def test_results_scores_are_what_retold_score_prints(added: Path,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    record = json.loads((added / "denied" / "example-system" / "submitted.json").read_text())
    capsys.readouterr()
    assert main(["score", "--task", "denied", "--predictions", str(EXAMPLES / "denied.jsonl"),
                 "--release", str(ROOT / "release"), "--json", "--bootstrap", BOOTSTRAP]) == 0
    printed = json.loads(capsys.readouterr().out)
    for key in ("release", "predictions", "retold_version"):
        printed.pop(key)
    assert record["scores"]["natural"] == printed


def test_check_passes_on_a_freshly_added_set(added: Path,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    assert _check(added) == 0
    assert "ok: 7 results file(s)" in capsys.readouterr().out


def test_check_fails_on_a_tampered_score(copy: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = copy / "duplicated" / "example-system" / "submitted.json"
    record = json.loads(path.read_text(encoding="utf-8"))
    record["scores"]["natural"]["average_precision"] = 0.875
    path.write_text(json.dumps(record), encoding="utf-8")
    assert _check(copy) == 1
    out = capsys.readouterr().out.strip().splitlines()
    assert len(out) == 1 and out[0].startswith(str(path))
    assert "scores.natural.average_precision: recorded 0.875" in out[0]


def test_check_fails_on_a_tampered_predictions_file(copy: Path,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    gz = copy / "predictions" / "denied" / "example-system" / "submitted.jsonl.gz"
    lines = gzip.decompress(gz.read_bytes()).decode().splitlines()
    first = json.loads(lines[0])
    first["stance"] = "denied" if first["stance"] != "denied" else "asserted"
    tampered = "\n".join([json.dumps(first), *lines[1:]]) + "\n"
    gz.write_bytes(gzip.compress(tampered.encode(), mtime=0))
    assert _check(copy) == 1
    assert "denied/example-system/submitted.json: natural predictions " in capsys.readouterr().out
    # the same edit with the SHA-256 updated too: the re-score tells
    path = copy / "denied" / "example-system" / "submitted.json"
    record = json.loads(path.read_text(encoding="utf-8"))
    record["predictions"]["natural"]["sha256"] = hashlib.sha256(tampered.encode()).hexdigest()
    path.write_text(json.dumps(record), encoding="utf-8")
    assert _check(copy) == 1
    assert "re-scoring differs: scores.natural." in capsys.readouterr().out


def test_check_fails_on_missing_or_unnamed_predictions(copy: Path,
                                                       capsys: pytest.CaptureFixture[str]) -> None:
    gz = copy / "predictions" / "clusters" / "example-system" / "submitted.jsonl.gz"
    gz.rename(gz.with_name("other.jsonl.gz"))
    assert _check(copy) == 1
    out = capsys.readouterr().out
    assert "natural predictions predictions/clusters/example-system/submitted.jsonl.gz are " \
           "missing" in out
    assert "other.jsonl.gz: compressed predictions that no results file names" in out


def test_check_fails_on_another_release_or_scoring_rules(copy: Path,
                                                         capsys: pytest.CaptureFixture[str]
                                                         ) -> None:
    path = copy / "claims" / "example-system" / "submitted.json"
    record = json.loads(path.read_text(encoding="utf-8"))
    record["release"]["checksum"] = "0" * 64
    record["versions"]["scoring_rules"] = 99
    path.write_text(json.dumps(record), encoding="utf-8")
    assert _check(copy) == 1
    out = capsys.readouterr().out
    assert "scored on release 000000000000" in out and "scoring rules 99 of claims" in out


def _write_card(tmp_path: Path, **changes: object) -> Path:
    card = yaml.safe_load(CARD.read_text(encoding="utf-8"))
    for key, value in changes.items():
        if value is KeyError:
            card.pop(key)
        else:
            card[key] = value
    path = tmp_path / "system.yaml"
    path.write_text(yaml.safe_dump(card), encoding="utf-8")
    return path


@pytest.mark.parametrize(("change", "named"), [
    ({"kind": 3}, "kind"),
    ({"name": "Has Spaces"}, "name"),
    ({"trained": "yes"}, "trained"),
    ({"licence": KeyError}, "'licence'"),
    ({"licence_url": "x"}, "'licence_url'"),
    ({"training_data": {"documents": "x"}}, "training_data"),
])
def test_add_refuses_a_bad_card_in_one_line_naming_the_field(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], change: dict, named: str) -> None:
    card = _write_card(tmp_path, **change)
    assert _add(EXAMPLES, tmp_path / "results", card=card) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and str(card) in err[0] and named in err[0]
    assert not (tmp_path / "results").exists()


def test_add_refuses_files_outside_the_layout(tmp_path: Path,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    folder = tmp_path / "preds"
    folder.mkdir()
    shutil.copy(EXAMPLES / "denied.contrast.jsonl", folder)
    assert _add(folder, tmp_path / "results") == 2
    assert "denied.jsonl is missing" in capsys.readouterr().err
    shutil.copy(EXAMPLES / "denied.jsonl", folder)
    shutil.copy(EXAMPLES / "denied.jsonl", folder / "stance.jsonl")
    assert _add(folder, tmp_path / "results") == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "stance.jsonl: not a predictions file of the layout" in err[0]
    assert not (tmp_path / "results").exists()


def test_add_writes_nothing_when_a_file_has_problems(tmp_path: Path,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    folder = tmp_path / "preds"
    folder.mkdir()
    shutil.copy(EXAMPLES / "attributed.jsonl", folder)
    (folder / "denied.jsonl").write_text('{"claim_id": "nope", "stance": "denied"}\n',
                                         encoding="utf-8")
    assert _add(folder, tmp_path / "results") == 1
    assert "nope" in capsys.readouterr().err
    assert not (tmp_path / "results").exists()


def test_add_never_replaces_results_unless_asked(copy: Path,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    before = (copy / "denied" / "example-system" / "submitted.json").read_bytes()
    assert _add(EXAMPLES, copy) == 2
    assert "exists; choose another --run or give --replace" in capsys.readouterr().err
    assert _add(EXAMPLES, copy, "--replace") == 0
    assert (copy / "denied" / "example-system" / "submitted.json").read_bytes() == before
    assert _add(EXAMPLES, copy, "--run", "Bad_Name") == 2

    # a replacing run without the contrast file leaves no dangling contrast predictions
    folder = copy.parent / "denied-only"
    folder.mkdir()
    shutil.copy(EXAMPLES / "denied.jsonl", folder)
    assert _add(folder, copy, "--replace") == 0
    assert not (copy / "predictions" / "denied" / "example-system" /
                "submitted.contrast.jsonl.gz").exists()
    assert _check(copy) == 0


def test_the_schema_refuses_an_absolute_predictions_path(added: Path) -> None:
    record = json.loads((added / "denied" / "example-system" / "submitted.json").read_text())
    validate_results(record)
    for bad in ("/srv/x.jsonl.gz", "../x.jsonl.gz", "C:/x.jsonl.gz"):
        record["predictions"]["natural"]["path"] = bad
        with pytest.raises(ResultsError, match="predictions/natural/path"):
            validate_results(record, "x.json")


def test_an_added_system_is_on_the_leaderboard_under_its_own_kind(added: Path) -> None:
    from baselines.report import leaderboard_markdown

    board = leaderboard_markdown(load_results(added), {})
    assert "| example-system | example |" in board


def test_the_committed_results_rescore_exactly(capsys: pytest.CaptureFixture[str]) -> None:
    """CI: every committed results file re-scores from its committed predictions."""
    assert main(["results", "check", "--results", str(ROOT / "results"),
                 "--release", str(ROOT / "release")]) == 0, capsys.readouterr().out
