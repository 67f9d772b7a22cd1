"""The system card: a small YAML file that says what a system is (``examples/system.yaml``).

Fields (all required; ``null`` where a text field does not apply):

``name``           lowercase letters, digits, ``+`` and ``-`` (up to 64): the leaderboard row
                   and the folder name under ``<results>/<task>/``
``description``    one sentence: what the system does
``kind``           the leaderboard's kind column (``rules``, ``fine-tuned``, ``LLM``, ...)
``trained``        true if the system learnt anything from retold's training documents
``training_data``  ``documents``: what each fold's model saw (for the protocol, the four
                   other documents of each fold) and any other data; ``contrast_rows``:
                   whether it trained on contrast rows of the training documents
``model``          the model and its size (``MiniLM-L6, 22M parameters``), or null
``url``            where the code or model is, or null
``citation``       how to cite it, or null
``licence``        the licence of the code, model or predictions, or null
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from retold.results.store import ResultsError, schema, schema_errors

CARD_FIELDS: tuple[str, ...] = tuple(schema()["definitions"]["system"]["required"])


def validate_card(card: Any, source: str = "system.yaml") -> dict[str, Any]:
    """``card`` if it is a valid system card; ``ResultsError`` naming the first bad field."""
    if not isinstance(card, dict):
        raise ResultsError(f"{source}: a system card is a mapping of the fields "
                           f"{', '.join(CARD_FIELDS)}")
    missing = [f for f in CARD_FIELDS if f not in card]
    if missing:
        raise ResultsError(f"{source}: missing field {missing[0]!r} (a card has "
                           f"{', '.join(CARD_FIELDS)}; null where a text does not apply)")
    unknown = sorted(str(k) for k in card if k not in CARD_FIELDS)
    if unknown:
        raise ResultsError(f"{source}: unknown field {unknown[0]!r} (a card has "
                           f"{', '.join(CARD_FIELDS)})")
    problems = schema_errors(card, "system")
    if problems:
        raise ResultsError(f"{source}: field {problems[0]}")
    return dict(card)


def read_card(path: Path) -> dict[str, Any]:
    """The validated system card of a YAML file."""
    try:
        card = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as err:
        raise ResultsError(f"{path}: cannot read the system card: {err}") from None
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark is not None else ""
        raise ResultsError(f"{path}: not YAML{where}: "
                           f"{getattr(err, 'problem', None) or err}") from None
    return validate_card(card, str(path))
