"""CITATION.cff is valid CFF 1.2.0 (checked by cffconvert), generated, and matches the card."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import yaml

from retold.describe import citation
from retold.describe import metadata as meta
from retold.schema import DATASET_VERSION

ROOT = Path(__file__).parent.parent
CFFCONVERT = Path(sys.executable).parent / "cffconvert"


def _validate(path: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(CFFCONVERT), "--validate", "-i", str(path)],
                          capture_output=True, text=True, check=False)


def test_citation_cff_is_valid() -> None:
    result = _validate(ROOT / "CITATION.cff")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "valid according to schema version 1.2.0" in result.stdout


def test_cffconvert_rejects_a_broken_file(tmp_path: Path) -> None:
    data = yaml.safe_load((ROOT / "CITATION.cff").read_text(encoding="utf-8"))
    del data["authors"]
    broken = tmp_path / "CITATION.cff"
    broken.write_text(yaml.safe_dump(data), encoding="utf-8")
    assert _validate(broken).returncode != 0


def test_citation_files_are_up_to_date() -> None:
    assert citation.main(["--root", str(ROOT), "--check"]) == 0


def test_check_catches_a_stale_file(tmp_path: Path) -> None:
    for name in ("CITATION.cff", "README.md", "CHANGELOG.md"):
        shutil.copy(ROOT / name, tmp_path / name)
    cff = tmp_path / "CITATION.cff"
    cff.write_text(cff.read_text(encoding="utf-8").replace(DATASET_VERSION, "9.9.9"),
                   encoding="utf-8")
    assert citation.main(["--root", str(tmp_path), "--check"]) == 1


def test_cff_says_what_the_card_says() -> None:
    data = yaml.safe_load((ROOT / "CITATION.cff").read_text(encoding="utf-8"))
    assert data["version"] == DATASET_VERSION
    assert data["title"] == meta.PRETTY_NAME
    assert data["type"] == "dataset"
    card = (ROOT / "release" / "README.md").read_text(encoding="utf-8")
    assert meta.bibtex() in card
    assert re.search(r"^  title  = \{" + re.escape(data["title"]) + r"\},$", meta.bibtex(),
                     re.MULTILINE)


def test_changelog_states_the_policy_and_every_version() -> None:
    changelog = (ROOT / "CHANGELOG.md").read_text(encoding="utf-8")
    assert meta.VERSIONING_POLICY in changelog
    for phrase in ("Corrections ship as new versions", "never rewritten", "never reused"):
        assert phrase in meta.VERSIONING_POLICY
    versions = re.findall(r"^## (\d+\.\d+\.\d+) \(schema (\d+\.\d+\.\d+)\)$", changelog,
                          re.MULTILINE)
    assert DATASET_VERSION in [v for v, _ in versions]
