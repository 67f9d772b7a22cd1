"""Pick and tally the mutants of ``scripts/mutation.sh`` (mutation testing of ``retold.score``).

    python scripts/mutation_sample.py pick [--per-module 12] [--seed 16]   # names, one a line
    python scripts/mutation_sample.py tally                                # survival rates

``pick`` reads the mutants mutmut generated (``mutants/**/*.py.meta``) and prints a random
sample of at most ``--per-module`` of each module's mutants (``random.Random(seed)``, the
names sorted first, so the same code gives the same sample). ``tally`` prints, per module
and in all, the sampled mutants by mutmut's status and the survival rate: survived /
(survived + detected), where detected is killed, timeout or segfault (the tests did not
pass on the mutant); "no tests" mutants (code no selected test runs) are listed apart.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from collections import Counter
from pathlib import Path

MUTANTS = Path("mutants")
STATUS = {None: "not checked", 0: "survived", 1: "killed", 3: "killed", 5: "no tests",
          33: "no tests", 34: "skipped", 35: "suspicious", 36: "timeout", 37: "type check",
          -24: "timeout", 24: "timeout", 152: "timeout", 255: "timeout", -11: "segfault",
          -9: "segfault"}
"""mutmut 3.8's exit codes by status (``mutmut.stats.status_by_exit_code``)."""
DETECTED = ("killed", "timeout", "segfault")
"""Statuses where the tests did not pass on the mutant."""


def _metas() -> dict[str, dict[str, int | None]]:
    out = {}
    for meta in sorted(MUTANTS.rglob("*.py.meta")):
        module = meta.relative_to(MUTANTS).as_posix()[: -len(".meta")]
        out[module] = json.loads(meta.read_text(encoding="utf-8"))["exit_code_by_key"]
    return out


def pick(per_module: int, seed: int) -> list[str]:
    rng = random.Random(seed)
    names = []
    for codes in _metas().values():
        keys = sorted(codes)
        names.extend(sorted(rng.sample(keys, min(per_module, len(keys)))))
    return names


def tally(sample: list[str]) -> str:
    wanted = set(sample)
    total: Counter[str] = Counter()
    lines = []
    for module, codes in _metas().items():
        counts = Counter(STATUS.get(code, f"exit {code}") for name, code in codes.items()
                         if name in wanted)
        if not counts:
            continue
        total.update(counts)
        lines.append(f"{module:<45} {_rate(counts)}  {dict(sorted(counts.items()))}")
    lines.append(f"{'all sampled mutants':<45} {_rate(total)}  {dict(sorted(total.items()))}")
    return "\n".join(lines)


def _rate(counts: Counter[str]) -> str:
    tested = counts["survived"] + sum(counts[s] for s in DETECTED)
    if not tested:
        return "   -  "
    return f"{counts['survived'] / tested:6.1%} of {tested:>3}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("command", choices=("pick", "tally"))
    parser.add_argument("--per-module", type=int, default=12)
    parser.add_argument("--seed", type=int, default=16)
    parser.add_argument("--sample", type=Path, help="tally: the file of sampled names")
    args = parser.parse_args()
    if args.command == "pick":
        print("\n".join(pick(args.per_module, args.seed)))
    else:
        sample = (args.sample.read_text(encoding="utf-8").split() if args.sample
                  else pick(args.per_module, args.seed))
        print(tally(sample))
    return 0


if __name__ == "__main__":
    sys.exit(main())
