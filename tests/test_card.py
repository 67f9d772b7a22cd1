"""The release card: a Hub dataset card whose metadata the Hub accepts, with every section.

The accepted values are pinned copies of the Hub's own lists (``tests/fixtures/hub/``,
sources in ``SOURCES.md``); the section names come from ``huggingface_hub``'s dataset card
template, not from the code under test.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import huggingface_hub
import pytest
from datasets import load_dataset
from huggingface_hub import DatasetCard

from retold.describe import metadata as meta
from retold.describe.card import NO_RESULTS
from retold.io.release import CARD_FILE
from retold.pipeline import build_release
from retold.schema import CONFIGS, DATASET_VERSION, SCHEMA_VERSION

ROOT = Path(__file__).parent.parent
MINI = Path(__file__).parent / "fixtures" / "mini"
HUB = Path(__file__).parent / "fixtures" / "hub"


def hub_list(name: str) -> object:
    return json.loads((HUB / name).read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def card(mini_release: tuple[Path, dict[str, int]]) -> DatasetCard:
    release, _ = mini_release
    return DatasetCard.load(release / CARD_FILE)


def test_metadata_values_are_in_the_hubs_accepted_lists(card: DatasetCard) -> None:
    data = card.data.to_dict()
    creators = hub_list("creators.json")
    tasks = hub_list("tasks.json")
    assert data["license"] == "other"
    assert data["license_name"] == "retold-data-license"
    assert data["license_link"] == "LICENSE-DATA.md"
    assert set(data["language"]) <= set(hub_list("languages.json"))
    assert set(data["language_creators"]) <= set(creators["language"])
    assert data["annotations_creators"] == ["machine-generated"]
    assert set(data["annotations_creators"]) <= set(creators["annotations"])
    assert set(data["multilinguality"]) <= set(hub_list("multilingualities.json"))
    assert set(data["size_categories"]) <= set(hub_list("size_categories.json"))
    assert set(data["task_categories"]) <= set(tasks["task_categories"])
    assert set(data["task_ids"]) <= set(tasks["task_ids"])
    for task_id in data["task_ids"]:  # each id belongs to one of the card's categories
        assert any(task_id in tasks["subtasks_by_category"][c] for c in data["task_categories"])
    assert data["source_datasets"] == ["original"]
    assert data["pretty_name"] and data["tags"]


def test_the_card_says_which_model_made_the_labels(card: DatasetCard) -> None:
    assert "Anthropic's Claude" in card.text
    assert "no person annotated or reviewed the labels" in card.text


@pytest.mark.parametrize(("claims", "pairs", "expected"), [
    (5, 10, "n<1K"), (147, 10_731, "n<1K"), (999, 500_000, "n<1K"), (1_000, 10, "1K<n<10K"),
    (12_000, 1, "10K<n<100K")])
def test_size_category_counts_claims_not_pairs(claims: int, pairs: int, expected: str) -> None:
    assert meta.size_category({"claims": claims, "pairs": pairs}) == expected
    assert expected in hub_list("size_categories.json")


def test_every_size_category_used_is_accepted() -> None:
    assert {name for _, name in meta.SIZE_CATEGORIES} <= set(hub_list("size_categories.json"))


def test_the_default_config_is_claims_and_loads_offline(
        card: DatasetCard, mini_release: tuple[Path, dict[str, int]],
        tmp_path: Path) -> None:
    release, counts = mini_release
    defaults = [c["config_name"] for c in card.data.to_dict()["configs"] if c.get("default")]
    assert defaults == ["claims"]
    ds = load_dataset(str(release), split="test", cache_dir=str(tmp_path))
    assert len(ds) == counts["claims"]
    assert "claim_id" in ds.column_names


def _template_sections() -> list[str]:
    """The required H2 sections of huggingface_hub's own dataset card template."""
    template = (Path(huggingface_hub.__file__).parent / "templates"
                / "datasetcard_template.md").read_text(encoding="utf-8")
    return [m.group(1) for m in re.finditer(r"^## (.+?)\s*$", template, re.MULTILINE)
            if "[optional]" not in m.group(1) and "Contact" not in m.group(1)]


def test_the_card_follows_the_hub_template_sections(card: DatasetCard) -> None:
    sections = _template_sections()
    assert "Dataset Details" in sections and "Uses" in sections  # the template was parsed
    headings = re.findall(r"^##+ (.+?)\s*$", card.text, re.MULTILINE)
    for name in [*sections, "Citation", "Leaderboard", "Out-of-Scope Use", "Annotations",
                 "Source Data", "Personal and Sensitive Information"]:
        assert name in headings, name


def test_the_card_lists_every_config_and_field(card: DatasetCard) -> None:
    for config in CONFIGS:
        assert f"#### `{config.name}`" in card.text
        for field in config.fields:
            assert f"| `{field.name}` |" in card.text, (config.name, field.name)


def test_citation_is_in_the_card_and_readme(card: DatasetCard) -> None:
    bibtex = meta.bibtex()
    assert f"```bibtex\n{bibtex}\n```" in card.text
    assert f"```bibtex\n{bibtex}\n```" in (ROOT / "README.md").read_text(encoding="utf-8")
    assert f"Dataset version {DATASET_VERSION}, schema version {SCHEMA_VERSION}" in bibtex


def test_no_leaderboard_gives_the_no_results_sentence(card: DatasetCard) -> None:
    assert not (MINI / "results").exists()
    assert NO_RESULTS in card.text


def test_the_leaderboard_file_is_shown(tmp_path: Path) -> None:
    root = tmp_path / "mini"
    shutil.copytree(MINI, root)
    (root / "results").mkdir()
    board = "| task | model | F1 |\n|---|---|---|\n| denied | lexicon | 0.80 [0.60, 0.95] |\n"
    (root / "results" / "leaderboard.md").write_text(board, encoding="utf-8")
    build_release(root / "corpus", root / "annotations", tmp_path / "release")
    text = (tmp_path / "release" / CARD_FILE).read_text(encoding="utf-8")
    assert board.strip() in text
    assert NO_RESULTS not in text


def test_the_committed_card_loads_through_huggingface_hub() -> None:
    card = DatasetCard.load(ROOT / "release" / CARD_FILE)
    assert card.data.to_dict()["size_categories"] == ["n<1K"]
    assert "## Leaderboard" in card.text
