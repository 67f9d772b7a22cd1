"""Drop a model file here and ``python -m baselines run`` finds it (docs/models.md)."""
