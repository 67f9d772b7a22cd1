#!/usr/bin/env bash
# Set up .venv, then validate the annotations, build the release folder, print the corpus
# statistics, and run the baselines (leaderboard, figures), all offline. Stops at the first
# command that fails. Without arguments it is the official run (`--official`: about 30
# minutes on 2 CPUs), which rewrites results/, results/leaderboard.md, results/figures/ and
# README's leaderboard block. Arguments replace `--official` and go to the baselines runner:
# `bash scripts/main.sh --quick` is a smoke run written under runs/quick/ (nothing committed
# changes).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

bash scripts/setup_env.sh baselines,dev

hf_home="$(mktemp -d)"
trap 'rm -rf "$hf_home"' EXIT
export HF_HUB_OFFLINE=1 HF_DATASETS_OFFLINE=1 TRANSFORMERS_OFFLINE=1 HF_HOME="$hf_home"

.venv/bin/retold validate
.venv/bin/retold build
(cd release && sha256sum --check --quiet SHA256SUMS)
echo "main: release/SHA256SUMS verified"
.venv/bin/retold stats
if [[ $# -eq 0 ]]; then
  set -- --official
fi
.venv/bin/python -m baselines run "$@"
if [[ " $* " == *" --official "* ]]; then
  # The card includes results/leaderboard.md: rebuild so the release shows this run's board.
  .venv/bin/retold build > /dev/null
  (cd release && sha256sum --check --quiet SHA256SUMS)
  echo "main: release rebuilt with the leaderboard; release/SHA256SUMS verified"
fi
