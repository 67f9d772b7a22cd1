"""Every bound on what ``retold score`` reads and is asked to do, in one place.

Without them a predictions file or an argument could make the scorer hang, recurse until
the interpreter gives up, or allocate without end (``/dev/zero``, a line of 5,000 nested
``[``, ``--bootstrap 100000000``). Each is generous for real use: the official predictions
of dataset 1.1 are at most 1.2 MB (``duplicated``, 12,246 lines) with lines under 3 KB.
This module imports nothing heavy: the command line reads it for its ``--help``.
"""

from __future__ import annotations

from retold.io.jsonio import MAX_JSONL_DEPTH, MAX_JSONL_FILE_BYTES, MAX_JSONL_LINE_CHARS

MAX_PREDICTIONS_BYTES = MAX_JSONL_FILE_BYTES
"""The largest predictions file read (256 MiB; 100,000 lines take about 10 MB)."""
MAX_LINE_CHARS = MAX_JSONL_LINE_CHARS
"""The longest predictions line read, in characters (4 Mi)."""
MAX_DEPTH = MAX_JSONL_DEPTH
"""The deepest nesting of arrays and objects in a line (a line of any task has 1 or 2)."""
MAX_SAFE_INTEGER = 2**53
"""An integer score must lie within ±2**53 (exactly a float; a larger one may overflow)."""
MAX_MESSAGE_CHARS = 500
"""A problem's message is cut at this length (every echoed value is shortened before; this
is the backstop)."""
MAX_BOOTSTRAP = 10_000
"""The most bootstrap resamples (ten times the official 1,000): memory grows with
resamples x units, and more resamples do not make a percentile interval more useful."""
MAX_SEED = 2**32 - 1
"""The largest bootstrap seed (seeds are 0 to 2**32 - 1)."""
