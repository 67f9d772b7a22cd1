"""docs/walkthrough.md runs as written: export, edit one label, import, validate, build."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pyarrow.parquet as pq

ROOT = Path(__file__).parent.parent
WALKTHROUGH = ROOT / "docs" / "walkthrough.md"


def test_the_walkthrough_runs(tmp_path: Path) -> None:
    blocks = re.findall(r"^```bash\n(.*?)^```$", WALKTHROUGH.read_text(encoding="utf-8"),
                        re.MULTILINE | re.DOTALL)
    assert len(blocks) == 4
    for name in ("corpus", "annotations"):
        shutil.copytree(ROOT / name, tmp_path / name)
    (tmp_path / ".venv").symlink_to(Path(sys.executable).parent.parent)
    outputs = []
    for block in blocks:
        result = subprocess.run(["bash", "-euo", "pipefail", "-c", block], cwd=tmp_path,
                                capture_output=True, text=True, check=False,
                                env={**os.environ, "HF_HUB_OFFLINE": "1"})
        assert result.returncode == 0, block + result.stdout + result.stderr
        outputs.append(result.stdout)
    assert 'ok: scratch/edited is valid against corpus' in outputs[2]
    assert '>       "stance": "hedged",' in outputs[3]
    assert outputs[3].count("\n> ") == 1  # one changed line, nothing else
    claims = pq.read_table(tmp_path / "scratch" / "release" / "data" / "claims"
                           / "test-00000-of-00001.parquet").to_pylist()
    committed = pq.read_table(ROOT / "release" / "data" / "claims"
                              / "test-00000-of-00001.parquet").to_pylist()
    changed = [(a["claim_id"], a["stance"], b["stance"])
               for a, b in zip(committed, claims, strict=True) if a != b]
    assert changed == [("004-c015", 1, 2)]  # reported -> hedged (class label ids)
