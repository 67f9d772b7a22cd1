"""Random mutations of the annotation set: what ``validate`` accepts, ``build`` must build.

Copies ``annotations/`` and ``corpus/`` to a temporary folder, applies one seeded random
mutation per case (a line deleted, duplicated or shuffled; a file made ``null``, truncated,
emptied, deleted or replaced by a FIFO or a folder; an offset, id, label, fold, doc id,
reference or counter changed; an item of a list removed or repeated ...) and runs
``retold validate``, ``retold build`` and ``retold stats`` on the copy, each in this
process under a 30 s alarm. A case is a violation when

* a command lets an exception other than the CLI's own handling escape (a traceback),
* a command runs past the time limit (a hang), or
* ``validate`` accepts the copy and ``build`` does not build it, or
* ``validate`` accepts the copy and the build has fewer rows in a config than the build
  of the unmutated set (a line, an item or a file was lost and nothing protected it).

Usage (from the repository root, with the package importable)::

    python scripts/fuzz_annotations.py -n 120 --seed 0

It prints one line per violation and a summary, and exits 1 when there was any. The named
cases of ``tests/test_fuzz_annotations.py`` use the same catalogue (``MUTATIONS``).
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import os
import random
import shutil
import signal
import sys
import tempfile
import traceback
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
TIME_LIMIT_S = 30
"""A command running longer than this on one mutated copy is a hang."""

JSON_FILES = (
    "corpus/manifest.json",
    "annotations/clusters.json",
    "annotations/sources.json",
    "annotations/ids.json",
    "annotations/contrast/retired.json",
    "annotations/agreement.json",
    "annotations/contrast/blind/agreement.json",
)
JSONL_FILES = ("annotations/contrast/edits.jsonl", "annotations/contrast/pairs.jsonl")
TEXT_FILES = ("annotations/CONTRAST.md",)
"""Files the commands read, besides the document files and the texts (found per copy)."""

Mutation = Callable[[Path, random.Random], str | None]
"""Mutates the copy under the root; returns what it did, or None when it does not apply."""


# --------------------------------------------------------------------------------------
# Which files a mutation may touch.
# --------------------------------------------------------------------------------------
def doc_files(root: Path) -> list[str]:
    return sorted(str(p.relative_to(root)) for p in (root / "annotations/docs").glob("*.json"))


def text_files(root: Path) -> list[str]:
    return sorted(str(p.relative_to(root)) for p in (root / "corpus/texts").glob("*"))


def json_files(root: Path) -> list[str]:
    return [f for f in (*JSON_FILES, *doc_files(root)) if (root / f).is_file()]


def any_files(root: Path) -> list[str]:
    names = [*JSON_FILES, *JSONL_FILES, *TEXT_FILES, *doc_files(root), *text_files(root)]
    return [f for f in names if (root / f).is_file()]


def _load(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8"))


def _dump(path: Path, data: Any) -> None:
    path.write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")


def _leaves(data: Any, path: tuple = ()) -> Iterator[tuple[tuple, Any]]:
    """Every value in a parsed JSON document with its path of keys and indices."""
    yield path, data
    if isinstance(data, dict):
        for k, v in data.items():
            yield from _leaves(v, (*path, k))
    elif isinstance(data, list):
        for i, v in enumerate(data):
            yield from _leaves(v, (*path, i))


def _set(data: Any, path: tuple, value: Any) -> Any:
    if not path:
        return value
    parent = data
    for key in path[:-1]:
        parent = parent[key]
    parent[path[-1]] = value
    return data


def _get(data: Any, path: tuple) -> Any:
    for key in path:
        data = data[key]
    return data


def _pick_json(root: Path, rng: random.Random, files: list[str],
               want: Callable[[tuple, Any], bool]) -> tuple[str, Any, tuple] | None:
    """A random file of ``files`` and a random place in it whose value ``want`` accepts."""
    files = list(files)
    rng.shuffle(files)
    for rel in files:
        try:
            data = _load(root / rel)
        except (OSError, ValueError):
            continue
        places = [p for p, v in _leaves(data) if p and want(p, v)]
        if places:
            return rel, data, rng.choice(places)
    return None


# --------------------------------------------------------------------------------------
# Mutations of whole files.
# --------------------------------------------------------------------------------------
def null_file(root: Path, rng: random.Random) -> str:
    rel = rng.choice(json_files(root))
    (root / rel).write_text("null\n", encoding="utf-8")
    return f"{rel}: null"


def wrong_top_type(root: Path, rng: random.Random) -> str:
    rel = rng.choice(json_files(root))
    value = rng.choice(["[]", "{}", "0", '"x"', "true", "[null]", "[{}]"])
    (root / rel).write_text(value + "\n", encoding="utf-8")
    return f"{rel}: replaced by {value}"


def empty_file(root: Path, rng: random.Random) -> str:
    rel = rng.choice(any_files(root))
    (root / rel).write_bytes(b"")
    return f"{rel}: emptied"


def truncate_file(root: Path, rng: random.Random) -> str:
    rel = rng.choice(any_files(root))
    raw = (root / rel).read_bytes()
    cut = rng.randrange(len(raw)) if raw else 0
    (root / rel).write_bytes(raw[:cut])
    return f"{rel}: truncated at byte {cut}"


def delete_file(root: Path, rng: random.Random) -> str:
    rel = rng.choice(any_files(root))
    (root / rel).unlink()
    return f"{rel}: deleted"


def fifo_file(root: Path, rng: random.Random) -> str:
    rel = rng.choice(any_files(root))
    (root / rel).unlink()
    os.mkfifo(root / rel)
    return f"{rel}: replaced by a FIFO"


def folder_file(root: Path, rng: random.Random) -> str:
    rel = rng.choice(any_files(root))
    (root / rel).unlink()
    (root / rel).mkdir()
    return f"{rel}: replaced by a folder"


def flip_byte(root: Path, rng: random.Random) -> str:
    rel = rng.choice(any_files(root))
    raw = bytearray((root / rel).read_bytes())
    if not raw:
        return f"{rel}: empty, unchanged"
    i = rng.randrange(len(raw))
    raw[i] = rng.choice([0x00, 0x22, 0x7B, 0x5D, 0xFF, 0x0A, ord("x")])
    (root / rel).write_bytes(bytes(raw))
    return f"{rel}: byte {i} set to {raw[i]:#04x}"


# --------------------------------------------------------------------------------------
# Mutations of lines.
# --------------------------------------------------------------------------------------
def _lines(root: Path, rng: random.Random) -> tuple[str, list[bytes]]:
    rel = rng.choice([f for f in (*JSONL_FILES, *json_files(root)) if (root / f).is_file()])
    return rel, (root / rel).read_bytes().splitlines(keepends=True)


def delete_lines(root: Path, rng: random.Random) -> str:
    rel, lines = _lines(root, rng)
    if not lines:
        return f"{rel}: no lines"
    n = rng.choice([1, 1, 1, 2, len(lines)])
    start = rng.randrange(len(lines) - n + 1)
    del lines[start:start + n]
    (root / rel).write_bytes(b"".join(lines))
    return f"{rel}: deleted lines {start + 1}..{start + n}"


def duplicate_line(root: Path, rng: random.Random) -> str:
    rel, lines = _lines(root, rng)
    if not lines:
        return f"{rel}: no lines"
    i = rng.randrange(len(lines))
    lines.insert(i, lines[i])
    (root / rel).write_bytes(b"".join(lines))
    return f"{rel}: line {i + 1} duplicated"


def shuffle_lines(root: Path, rng: random.Random) -> str:
    rel = rng.choice([f for f in JSONL_FILES if (root / f).is_file()])
    lines = (root / rel).read_bytes().splitlines(keepends=True)
    rng.shuffle(lines)
    (root / rel).write_bytes(b"".join(lines))
    return f"{rel}: lines shuffled"


# --------------------------------------------------------------------------------------
# Mutations of values inside the JSON files (and the JSON Lines files, line by line).
# --------------------------------------------------------------------------------------
def _mutate_value(root: Path, rng: random.Random, want: Callable[[tuple, Any], bool],
                  new: Callable[[Any], Any], files: list[str] | None = None) -> str | None:
    files = files if files is not None else json_files(root)
    picked = _pick_json(root, rng, files, want)
    if picked is None:
        return None
    rel, data, place = picked
    old = _get(data, place)
    value = new(old)
    _dump(root / rel, _set(data, place, value))
    return f"{rel}: {'/'.join(map(str, place))} {_short(old)} -> {_short(value)}"


def _short(value: Any) -> str:
    text = json.dumps(value)  # ASCII: a lone surrogate prints as its escape
    return text if len(text) < 40 else text[:37] + "..."


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def change_int(root: Path, rng: random.Random) -> str | None:
    """An offset, fold or counter: off by one, negative, zero, huge, or another type."""
    return _mutate_value(root, rng, lambda p, v: _is_int(v), lambda v: rng.choice(
        [v + 1, v - 1, -1, 0, 10**9, 10**30, str(v), None, float(v), True]))


def change_offset(root: Path, rng: random.Random) -> str | None:
    return _mutate_value(root, rng, lambda p, v: _is_int(v) and p[-1] in ("start", "end"),
                         lambda v: v + rng.choice([-3, -1, 1, 2, 1000]), doc_files(root))


def change_counter(root: Path, rng: random.Random) -> str | None:
    return _mutate_value(root, rng, lambda p, v: _is_int(v) and "issued" in p,
                         lambda v: rng.choice([v + 1, v - 1, 0, -1, 10**9, 10**18]),
                         ["annotations/ids.json", "annotations/contrast/retired.json"])


def change_fold(root: Path, rng: random.Random) -> str | None:
    return _mutate_value(root, rng, lambda p, v: p[-1] == "fold",
                         lambda v: rng.choice([v + 1, -1, 5, 99, "0"]), ["corpus/manifest.json"])


def change_doc_id(root: Path, rng: random.Random) -> str | None:
    files = ["corpus/manifest.json", *doc_files(root)]

    def new(v: str) -> str:
        ids = [r["doc_id"] for r in _load(root / "corpus/manifest.json")
               if isinstance(r, dict) and isinstance(r.get("doc_id"), str)] or ["x"]
        return rng.choice([*ids, v + "x", "", " " + v, "../x", "a/b", "999-new"])
    return _mutate_value(root, rng, lambda p, v: p[-1] == "doc_id", new, files)


def change_id(root: Path, rng: random.Random) -> str | None:
    keys = ("id", "source_id", "cluster_id", "cluster", "source", "mention", "cue", "parent")

    def new(v: Any) -> Any:
        return rng.choice(["", "x", f"{v}x", "000-c001", "000-c999", "001-s01", None, 7])
    return _mutate_value(root, rng, lambda p, v: isinstance(p[-1], str) and p[-1] in keys,
                         new)


def change_label(root: Path, rng: random.Random) -> str | None:
    keys = ("stance", "kind", "genre", "rights", "language", "published", "schema_version")
    return _mutate_value(root, rng, lambda p, v: isinstance(p[-1], str) and p[-1] in keys,
                         lambda v: rng.choice(["", "asserted", "denied", "bogus", "2024-02-30",
                                               "1.0.0", "9.9.9", "en_US", None]))


def change_string(root: Path, rng: random.Random) -> str | None:
    return _mutate_value(root, rng, lambda p, v: isinstance(v, str),
                         lambda v: rng.choice(["", v[:-1], v + " ", v.upper(), "\ud800", None]))


def _edit_container(root: Path, rng: random.Random, key_type: type,
                    edit: Callable[[Any, Any], None], what: str, done: str) -> str | None:
    """Pick a list item (``key_type`` int) or an object key (str) of a JSON file, apply
    ``edit(container, key)`` to its container and write the file back."""
    picked = _pick_json(root, rng, json_files(root), lambda p, v: isinstance(p[-1], key_type))
    if picked is None:
        return None
    rel, data, place = picked
    edit(_get(data, place[:-1]), place[-1])
    _dump(root / rel, data)
    return f"{rel}: {what} {'/'.join(map(str, place))} {done}"


def _delete(container: Any, key: Any) -> None:
    del container[key]


def _repeat(container: list[Any], index: int) -> None:
    container.insert(index, json.loads(json.dumps(container[index])))


def delete_item(root: Path, rng: random.Random) -> str | None:
    return _edit_container(root, rng, int, _delete, "item", "deleted")


def duplicate_item(root: Path, rng: random.Random) -> str | None:
    return _edit_container(root, rng, int, _repeat, "item", "duplicated")


def delete_key(root: Path, rng: random.Random) -> str | None:
    return _edit_container(root, rng, str, _delete, "key", "deleted")


def change_jsonl_field(root: Path, rng: random.Random) -> str | None:
    rel = rng.choice([f for f in JSONL_FILES if (root / f).is_file()])
    lines = (root / rel).read_text(encoding="utf-8").splitlines(keepends=True)
    if not lines:
        return None
    i = rng.randrange(len(lines))
    try:
        obj = json.loads(lines[i])
    except ValueError:
        return None
    if not isinstance(obj, dict) or not obj:
        return None
    key = rng.choice(sorted(obj))
    old = obj[key]
    obj[key] = rng.choice(["", "x-0001", "p-0001", "x-9999", "000-c999", "asserted", "bogus",
                           None, 0, True, [], {}, old[:-1] if isinstance(old, str) else old])
    lines[i] = json.dumps(obj) + "\n"
    (root / rel).write_text("".join(lines), encoding="utf-8")
    return f"{rel}: line {i + 1} {key} {_short(old)} -> {_short(obj[key])}"


MUTATIONS: dict[str, Mutation] = {
    "null-file": null_file,
    "wrong-top-type": wrong_top_type,
    "empty-file": empty_file,
    "truncate-file": truncate_file,
    "delete-file": delete_file,
    "fifo": fifo_file,
    "folder": folder_file,
    "flip-byte": flip_byte,
    "delete-lines": delete_lines,
    "duplicate-line": duplicate_line,
    "shuffle-lines": shuffle_lines,
    "change-int": change_int,
    "change-offset": change_offset,
    "change-counter": change_counter,
    "change-fold": change_fold,
    "change-doc-id": change_doc_id,
    "change-id": change_id,
    "change-label": change_label,
    "change-string": change_string,
    "delete-item": delete_item,
    "duplicate-item": duplicate_item,
    "delete-key": delete_key,
    "change-jsonl-field": change_jsonl_field,
}
"""The mutation catalogue, by name."""


# --------------------------------------------------------------------------------------
# Running the commands on a copy.
# --------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Outcome:
    """One command's run: its exit code (None when it raised or timed out) and output."""

    command: str
    code: int | None
    output: str
    error: str = ""
    """``traceback`` or ``hang`` when the command failed that way, else empty."""


class _Timeout(Exception):
    pass


def _alarm(signum: int, frame: object) -> None:
    raise _Timeout


def run_command(argv: list[str], limit_s: int = TIME_LIMIT_S) -> Outcome:
    """Run ``retold ARGV`` in this process under an alarm; catch what escapes."""
    from retold.cli import main

    out = io.StringIO()
    previous = signal.signal(signal.SIGALRM, _alarm)
    signal.alarm(limit_s)
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(out):
            code = main(argv)
    except _Timeout:
        return Outcome(argv[0], None, out.getvalue(), "hang")
    except SystemExit as err:  # argparse
        code = err.code if isinstance(err.code, int) else 2
    except BaseException:
        return Outcome(argv[0], None, out.getvalue() + traceback.format_exc(), "traceback")
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)
    return Outcome(argv[0], code, out.getvalue())


def row_counts(build_output: str) -> dict[str, int]:
    """Rows per config, from ``retold build``'s ``<config>: <n> rows`` lines."""
    counts = {}
    for line in build_output.splitlines():
        name, _, rest = line.partition(": ")
        if rest.endswith(" rows") and rest[:-5].isdigit():
            counts[name] = int(rest[:-5])
    return counts


def check_copy(root: Path, limit_s: int = TIME_LIMIT_S,
               expected: dict[str, int] | None = None) -> tuple[list[str], list[Outcome]]:
    """Validate, build and stats on the set under ``root``; the violations found.

    With ``expected`` (the rows per config of the unmutated set), a build that validate
    let through with fewer rows in a config is a violation too: a file lost part of its
    content and nothing noticed.
    """
    paths = ["--corpus", str(root / "corpus"), "--annotations", str(root / "annotations")]
    validate = run_command(["validate", *paths], limit_s)
    build = run_command(["build", *paths, "--out", str(root / "release-out")], limit_s)
    stats = run_command(["stats", *paths], limit_s)
    outcomes = [validate, build, stats]
    violations = [f"{o.command}: {o.error}" for o in outcomes if o.error]
    if validate.code == 0 and build.code != 0 and not build.error:
        violations.append(f"validate accepts but build exits {build.code}")
    if validate.code == 0 and stats.code != 0 and not stats.error:
        violations.append(f"validate accepts but stats exits {stats.code}")
    if validate.code == 0 and build.code == 0 and expected:
        got = row_counts(build.output)
        lost = [f"{k} {n} -> {got.get(k, 0)}" for k, n in expected.items() if got.get(k, 0) < n]
        if lost:
            violations.append("validate accepts but the release lost rows: " + ", ".join(lost))
    return violations, outcomes


def copy_set(source: Path, dest: Path) -> Path:
    """Copy ``annotations/`` and ``corpus/`` of ``source`` into ``dest``; return ``dest``."""
    for name in ("annotations", "corpus"):
        shutil.copytree(source / name, dest / name)
    return dest


def mutate(root: Path, seed: int, names: list[str] | None = None) -> str:
    """Apply the mutation of case ``seed`` (a random one of ``names``) to the copy."""
    rng = random.Random(seed)
    choices = sorted(names or MUTATIONS)
    for _ in range(20):
        name = rng.choice(choices)
        done = MUTATIONS[name](root, rng)
        if done is not None:
            return f"{name}: {done}"
    return "no mutation applied"


def run(n: int, seed: int, source: Path = ROOT, verbose: bool = False) -> list[str]:
    """Run ``n`` mutated copies; return the violation lines (one per violation)."""
    with tempfile.TemporaryDirectory(prefix="retold-fuzz-") as tmp:
        violations, outcomes = check_copy(copy_set(source, Path(tmp)))
        if violations:
            raise SystemExit(f"the unmutated set fails: {violations}\n{outcomes[0].output}")
        expected = row_counts(outcomes[1].output)
    found = []
    for case in range(n):
        case_seed = seed * 1_000_003 + case
        with tempfile.TemporaryDirectory(prefix="retold-fuzz-") as tmp:
            root = copy_set(source, Path(tmp))
            what = mutate(root, case_seed)
            violations, outcomes = check_copy(root, expected=expected)
            codes = "/".join(str(o.code) for o in outcomes)
            if verbose:
                print(f"case {case} (seed {case_seed}) {what} -> exit {codes}", flush=True)
            for violation in violations:
                line = f"case {case} (seed {case_seed}) {what}: {violation}"
                found.append(line)
                print(line, flush=True)
                if verbose:
                    for o in outcomes:
                        if o.error:
                            print(o.output[-2000:], flush=True)
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", type=int, default=120, help="number of mutated copies")
    parser.add_argument("--seed", type=int, default=0, help="seed of the first case")
    parser.add_argument("--source", type=Path, default=ROOT,
                        help="folder holding annotations/ and corpus/ (default: the repo)")
    parser.add_argument("-v", "--verbose", action="store_true", help="one line per case")
    args = parser.parse_args(argv)
    found = run(args.n, args.seed, args.source, args.verbose)
    print(f"{len(found)} violation(s) in {args.n} mutation(s) (seed {args.seed})")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
