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

if [ ! -x .venv/bin/python ]; then
    echo "setup_env: creating .venv with $("$python" --version 2>&1)"
    "$python" -m venv .venv
fi

pip_install() {
    .venv/bin/python -m pip install --quiet --disable-pip-version-check -c constraints.txt "$@"
}

pip_install --upgrade pip
pip_install -e ".[${extras}]"
echo "setup_env: .venv ready (extras: ${extras})"
