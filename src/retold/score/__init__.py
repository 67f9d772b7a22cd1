"""Scoring predictions against the release: tasks, prediction formats and metrics."""
