#!/usr/bin/env bash
# Mutation testing of src/retold/score/ with mutmut (settings: [tool.mutmut] in pyproject.toml;
# method and results: docs/mutation.md). CPU-friendly: one worker, nice 15 (NICE), a fixed random
# sample of each module's mutants (PER_MODULE, SEED), run against the score tests only.
#
#   bash scripts/mutation.sh            # generate, run the sample, print the survival rates
#   PER_MODULE=1000 bash scripts/mutation.sh   # every mutant (hours on 2 CPUs)
#
# Needs the dev extra (mutmut is pinned in constraints.txt). Writes only mutants/ (git-ignored).
set -euo pipefail
cd "$(dirname "$0")/.."
PER_MODULE=${PER_MODULE:-12}
SEED=${SEED:-16}
NICE=${NICE:-15}
PY=${PYTHON:-.venv/bin/python}
MUTMUT=${MUTMUT:-.venv/bin/mutmut}
export RETOLD_MUTANTS_ROOT="$PWD/mutants"
export PYTHONPATH="$PWD/scripts/mutation_site"   # sitecustomize: retold from mutants/src
rm -rf mutants
# 1. generate every mutant and map the tests to the functions they run (no mutant is run:
#    the name matches none)
nice -n "$NICE" "$MUTMUT" run --max-children 1 "generate-only" > /dev/null || true
# 2. run the sample
"$PY" scripts/mutation_sample.py pick --per-module "$PER_MODULE" --seed "$SEED" > mutants/sample.txt
echo "$(wc -l < mutants/sample.txt) mutants sampled (at most $PER_MODULE per module, seed $SEED)"
xargs nice -n "$NICE" "$MUTMUT" run --max-children 1 < mutants/sample.txt > mutants/run.log 2>&1 || true
# 3. the survival rates, and the survivors
"$PY" scripts/mutation_sample.py tally --sample mutants/sample.txt
"$MUTMUT" results | grep -F -f <(sed 's/$/:/' mutants/sample.txt) || true
