#!/usr/bin/env bash
# Set up .venv, lint, and run the test suite offline. The exit code is pytest's; pytest's
# exit 5 (no tests collected) is a failure too.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

# baselines,dev,scale: the tests include the baselines' smoke runs (tiny random models),
# torchrun, and `retold predict` on all three engines (scale: Ray Data).
bash scripts/setup_env.sh baselines,dev,scale
# shellcheck source=scripts/install_browser.sh
source scripts/install_browser.sh

echo "test: ruff check src tests scripts metrics baselines"
.venv/bin/ruff check src tests scripts metrics baselines

hf_home="$(mktemp -d)"
trap 'rm -rf "$hf_home"' EXIT

echo "test: pytest"
status=0
HF_HUB_OFFLINE=1 HF_DATASETS_OFFLINE=1 TRANSFORMERS_OFFLINE=1 HF_HOME="$hf_home" \
    .venv/bin/python -m pytest "$@" || status=$?
if [ "$status" -eq 5 ]; then
    echo "test: pytest collected no tests; failing" >&2
fi
exit "$status"
