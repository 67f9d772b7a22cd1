"""Shared test setup: an offline, throw-away Hugging Face cache, and the mini release.

The environment is set when this file is imported, before any test module imports
``datasets`` (which reads ``HF_HOME`` and the offline switches at import time): the
tests must never touch the network or the user's cache.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import pytest

_HF_HOME = tempfile.mkdtemp(prefix="retold-test-hf-")
os.environ["HF_HOME"] = _HF_HOME
os.environ["HF_HUB_OFFLINE"] = "1"
os.environ["HF_DATASETS_OFFLINE"] = "1"
os.environ["TRANSFORMERS_OFFLINE"] = "1"
os.environ.setdefault("HF_HUB_DISABLE_TELEMETRY", "1")

MINI = Path(__file__).parent / "fixtures" / "mini"


def pytest_unconfigure(config: pytest.Config) -> None:
    shutil.rmtree(_HF_HOME, ignore_errors=True)


@pytest.fixture(scope="session")
def mini_release(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, int]]:
    """The mini fixture built once per session: (release folder, rows per config).

    Tests must not modify it; a test that needs to change a release builds its own.
    """
    from retold.pipeline import build_release

    out = tmp_path_factory.mktemp("mini-release") / "release"
    counts = build_release(MINI / "corpus", MINI / "annotations", out)
    return out, counts


@pytest.fixture(scope="session")
def real_exports(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Every export format of the committed corpus and annotations, written once per session.

    Tests must not modify them; a test that edits an export writes its own.
    """
    from retold.export import EXPORT_FORMATS
    from retold.export.run import export_annotations

    root = Path(__file__).parent.parent
    out_root = tmp_path_factory.mktemp("exports")
    out = {}
    for fmt in EXPORT_FORMATS:
        out[fmt] = out_root / fmt
        export_annotations(fmt, root / "corpus", root / "annotations", out[fmt])
    return out
