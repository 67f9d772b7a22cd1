"""The validator: every problem of an annotation set, before anything is built."""

from retold.validate.checks import load_validated, validate

__all__ = ["load_validated", "validate"]
