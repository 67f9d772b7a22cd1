"""Reading and writing JSON files: problems recorded with file and line, canonical output."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from retold.errors import Problem


def read_json(path: Path, problems: list[Problem]) -> Any:
    """Parse a JSON file; on failure record a Problem naming the line and return None."""
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        problems.append(Problem(str(path), "-", "missing-file", "file does not exist"))
    except OSError as err:  # a folder, a path through a file, no permission
        problems.append(Problem(str(path), "-", "missing-file",
                                f"cannot be read as a file: {err.strerror or err}"))
    except UnicodeDecodeError as err:
        problems.append(Problem(str(path), "-", "shape", f"not UTF-8: {err}"))
    except json.JSONDecodeError as err:
        problems.append(
            Problem(str(path), f"line {err.lineno}", "shape", f"invalid JSON: {err.msg}")
        )
    return None


def dump_json(data: Any) -> str:
    """Canonical JSON text: two-space indent, UTF-8 characters kept, trailing newline."""
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"
