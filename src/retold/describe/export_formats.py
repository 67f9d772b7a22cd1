"""Regenerate the format table in ``docs/exports.md``: what each format holds natively.

Run as ``python -m retold.describe.export_formats`` (``--check`` writes nothing and exits 1 when
the table is stale). The table comes from each format module's ``held`` and docstring, so
the documentation cannot drift from what the exports do.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from retold.describe.markdown import replace_block, sync_generated
from retold.export import EXPORT_FORMATS, IMPORT_FORMATS
from retold.export.run import format_module, held_table

DEFAULT_PATH = Path("docs/exports.md")
COMMAND = "python -m retold.describe.export_formats"
BEGIN_MARKER = f"<!-- BEGIN GENERATED: {COMMAND} -->"
END_MARKER = "<!-- END GENERATED -->"


def formats_section() -> str:
    """One subsection per export format: its description and what it holds."""
    blocks = []
    for fmt in EXPORT_FORMATS:
        doc = (format_module(fmt).__doc__ or "").strip()
        direction = "export and import" if fmt in IMPORT_FORMATS else "export only"
        blocks.append(f"### `{fmt}` ({direction})\n\n{doc}\n\n"
                      f"Held by the format (every other field is in `sidecar.json`):\n\n"
                      f"{held_table(fmt)}")
    return "\n\n".join(blocks)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog=COMMAND, description=__doc__.splitlines()[0])
    parser.add_argument("path", nargs="?", type=Path, default=DEFAULT_PATH)
    parser.add_argument("--check", action="store_true",
                        help="write nothing; exit 1 if the table is out of date")
    args = parser.parse_args(argv)
    content = formats_section()
    return sync_generated(args.path,
                          lambda doc: replace_block(doc, BEGIN_MARKER, END_MARKER, content),
                          args.check, COMMAND)


if __name__ == "__main__":
    sys.exit(main())
