"""git must never convert the line endings of the corpus texts or of the files that point
into them: ``.gitattributes`` unsets ``text`` for them. Checked with git itself
(``git check-attr``), the oracle for what git will do on checkout."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def _in_git_work_tree() -> bool:
    if shutil.which("git") is None:
        return False
    result = subprocess.run(["git", "rev-parse", "--is-inside-work-tree"], cwd=ROOT,
                            capture_output=True, text=True, check=False)
    return result.returncode == 0 and result.stdout.strip() == "true"


def _protected() -> list[str]:
    manifest = json.loads((ROOT / "corpus" / "manifest.json").read_text(encoding="utf-8"))
    paths = [f"corpus/texts/{r['source_file']}" for r in manifest]
    paths.append("corpus/manifest.json")
    for pattern in ("annotations/**/*.json", "annotations/**/*.jsonl",
                    "tests/fixtures/**/*.json", "tests/fixtures/**/texts/*", "release/**/*"):
        paths.extend(p.relative_to(ROOT).as_posix() for p in sorted(ROOT.glob(pattern))
                     if p.is_file())
    return paths


@pytest.mark.skipif(not _in_git_work_tree(), reason="not a git work tree")
def test_corpus_texts_and_annotations_are_never_converted() -> None:
    paths = _protected()
    assert any(p.startswith("corpus/texts/") for p in paths)
    assert any(p.startswith("annotations/docs/") for p in paths)
    result = subprocess.run(["git", "check-attr", "text", "--stdin"], cwd=ROOT,
                            input="\n".join(paths) + "\n", capture_output=True, text=True,
                            check=True)
    states = dict(line.rsplit(": text: ", 1) for line in result.stdout.splitlines())
    converted = {p: s for p, s in states.items() if s != "unset"}
    assert not converted, f"git may convert line endings of: {converted}"
    assert set(states) == set(paths)
