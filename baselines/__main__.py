"""``python -m baselines``: the benchmark runner."""

from baselines.cli import main

raise SystemExit(main())
