"""The slot-diff parts (``baselines.slots``), each against hand-worked values or the stored
text: slot extraction, alias mapping, conflicts, rewrites from training claims only, and
the penalty chosen on training data only."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest

from baselines.data import fold_views, load_corpus
from baselines.slots import (
    WEIGHTS,
    alias_table,
    choose_weight,
    conflict_tensor,
    conflict_types,
    fit_ranker,
    generated_pairs,
    name_words,
    pair_conflicts,
    read_actions,
    read_places,
    slots,
)

ROOT = Path(__file__).resolve().parents[1]
TRAINING = [
    "Iran has begun to evacuate some of its diplomats from Syria",
    "Officials in Iraq said the commanders left on Friday",
    "Russia kept two bases in Syria",
    "officials told us that the Times was wrong",
    "sources said so",
]
SOURCES = [{"source_id": "new-york-times", "name": "The New York Times",
            "aliases": ["the Times", "NYT", "Sources"]}]


def _words(text: str) -> set[str]:
    """Lower-cased words, without a possessive ending (the test's own tokenizer)."""
    return {re.sub(r"['’]s$", "", w.lower()).strip(".,’'")
            for w in re.findall(r"[\w’'.,]+", text)} - {""}


@pytest.fixture(scope="module")
def table():
    return alias_table(TRAINING, SOURCES)


def test_names_are_capitalised_words_never_written_in_lower_case() -> None:
    # "Officials" is also written "officials"; "Friday" is a time word
    assert name_words(TRAINING) == {"iran", "syria", "iraq", "russia", "times"}


def test_slots_hand_worked(table) -> None:
    found = slots("Iran has begun to evacuate some of its diplomats from Syria", table)
    assert found == {"name": {"iran", "syria"}, "number": set(), "quantifier": {"some"},
                     "time": set(), "action": {"begin", "withdraw"}, "negation": set()}
    # aliases: Tehran is Iran (places table); "a number of" is "some"; "US" is a place,
    # "us" is not; the Times is the source cited; "two" is 2; Friday a time word; "left"
    # is no action (the table leaves out words with a common other sense)
    found = slots("Tehran told us a number of the US envoys left Syria on Friday, "
                  "the NYT said, and two did not", table)
    assert found == {"name": {"iran", "united states", "syria", "source:new-york-times"},
                     "number": {"2"}, "quantifier": {"some"}, "time": {"friday"},
                     "action": set(), "negation": {"negated"}}
    # a phrasal verb and a noun of the act; "may" is a month only with its capital
    found = slots("Troops pulled out after the deployment, it may be, in May", table)
    assert found["action"] == {"withdraw", "deploy"} and found["time"] == {"may"}


def test_conflicts_count_swaps_not_omissions(table) -> None:
    def count(x: str, y: str) -> int:
        return sum(conflict_types(slots(x, table), slots(y, table)))

    claim = "Iran has begun to evacuate some of its diplomats from Syria"
    assert count(claim, "Tehran has started pulling a number of its envoys out of Syria") == 0
    assert count(claim, "Russia has begun to evacuate some of its diplomats from Syria") == 1
    assert count(claim, "Iran has begun to evacuate all of its diplomats from Syria") == 1
    assert count(claim, "Iran has not begun to evacuate some of its diplomats from Syria") == 1
    assert count(claim, "Iran has begun to reinforce some of its diplomats in Syria") == 1
    assert count(claim, "Iran has stopped evacuating some of its diplomats from Syria") == 1
    assert count(claim, "Iran has started the evacuation of some diplomats from Syria") == 0
    assert count(claim, "Russia has begun to evacuate all of its diplomats from Syria") == 2
    assert count(claim, "Iran has begun to evacuate its diplomats") == 0  # left out
    tensor = conflict_tensor([claim, "Russia has begun to evacuate all of them from Syria"],
                             table)
    np.testing.assert_array_equal(tensor.sum(axis=-1), [[0, 2], [2, 0]])


def test_conflicts_by_slot_type_hand_worked(table) -> None:
    claim = "Iran has begun to evacuate some of its diplomats from Syria"
    edited = "Russia has not begun to evacuate all of its 2 diplomats from Syria on Friday"
    # name: {iran, syria} vs {russia, syria}: a swap. number: none vs {2}: left out, not a
    # conflict. quantifier: some vs all. time: none vs friday: left out. action: begin and
    # withdraw in both. negation: differs.
    expected = (1, 0, 1, 0, 0, 1)
    assert conflict_types(slots(claim, table), slots(edited, table)) == expected
    np.testing.assert_array_equal(pair_conflicts([(claim, edited), (claim, claim)], table),
                                  [expected, (0, 0, 0, 0, 0, 0)])
    tensor = conflict_tensor([claim, edited], table)
    np.testing.assert_array_equal(tensor[0, 1], expected)
    np.testing.assert_array_equal(tensor[1, 0], expected)
    np.testing.assert_array_equal(tensor[0, 0], (0, 0, 0, 0, 0, 0))


def test_the_places_table_maps_every_name_to_its_first_column() -> None:
    places = read_places()
    assert places["tehran"] == places["iranian"] == places["iran"] == "iran"
    assert places["u.s."] == "united states"
    lines = [line for line in (ROOT / "baselines" / "tables" / "places.tsv").read_text(
        encoding="utf-8").splitlines() if line.strip() and not line.startswith("#")]
    assert len({line.split("\t")[0] for line in lines}) == len(lines)  # one row per country


def test_the_actions_table_maps_every_form_to_one_class() -> None:
    actions = read_actions()
    assert actions["fled"] == actions["pulled out"] == actions["evacuation"] == "withdraw"
    assert actions["sent"] == actions["reinforcements"] == "deploy"
    assert actions["began"] == actions["launched"] == "begin"
    assert "left" not in actions and "back" not in actions  # other senses
    lines = [line.split("\t") for line in (ROOT / "baselines" / "tables" / "actions.tsv")
             .read_text(encoding="utf-8").splitlines() if line.strip()
             and not line.startswith("#")]
    forms = [f for line in lines for f in line[1:]]
    assert len(forms) == len(set(forms)) == len(actions)  # no form in two classes


def test_rewrites_swap_time_words_and_actions() -> None:
    """A claim whose only slot is an action or a time word gets that slot swapped for the
    other training claim's value (no name, number, quantifier or auxiliary to edit)."""
    texts = ["troops fled the city", "troops attacked the city"]
    assert generated_pairs(texts, alias_table(texts, []), seed=0) == [
        ("troops attacked the city", "troops fled the city", False),
        ("troops fled the city", "troops attacked the city", False)]
    texts = ["troops fled on Friday", "troops fled on Monday"]
    assert generated_pairs(texts, alias_table(texts, []), seed=0) == [
        ("troops fled on Friday", "troops fled on Monday", False),
        ("troops fled on Monday", "troops fled on Friday", False)]
    # "İ" is two characters in lower case: the swap keeps the text's own offsets
    texts = ["İzmir troops fled on Friday", "İzmir troops fled on Monday"]
    assert generated_pairs(texts, alias_table(texts, []), seed=0) == [
        ("İzmir troops fled on Friday", "İzmir troops fled on Monday", False),
        ("İzmir troops fled on Monday", "İzmir troops fled on Friday", False)]


def test_a_one_word_source_alias_that_is_a_common_word_is_left_out(table) -> None:
    assert "sources" not in table.aliases  # "Sources" is an alias, but not a name
    assert table.aliases["nyt"] == "source:new-york-times"


def test_rewrites_use_training_vocabulary_only() -> None:
    """Every word a rewrite adds to a training claim comes from the training claims or the
    tables (places, sources cited in training, "not"); none from the held-out document."""
    corpus = load_corpus(ROOT / "release")
    for view in fold_views(corpus):
        texts = [c["text"] for c in view.train_claims]
        table = alias_table(texts, [])
        allowed = {w for t in texts for w in _words(t)}
        allowed |= {w for phrase in table.aliases for w in _words(phrase)} | {"not"}
        held_out_only = {w for c in view.test_claims for w in _words(c["text"])} - allowed
        assert held_out_only  # the check can fail: the held-out claims have other words
        made = generated_pairs(texts, table, seed=view.fold)
        assert {a for a, _, _ in made} <= set(texts)
        assert any(d for *_, d in made) and not all(d for *_, d in made)
        for original, edited, _ in made:
            added = _words(edited) - _words(original)
            assert added <= allowed, (original, edited)
            assert not added & held_out_only
        assert made == generated_pairs(texts, table, seed=view.fold)  # seeded


def test_choose_weight_hand_worked() -> None:
    # training pairs: the duplicate has base .8 and no conflict, the two others .9 with
    # one conflict and .1 with none; generated: a swap at .95 (1 conflict), a rewrite at
    # .7 (0). Weight 0: training AP 1/2 (the duplicate ranks second), generated AP 1/2.
    # Weight 0.1: .8 ties .8, AP 1/2; generated .85 above .7, AP 1/2.
    # Weight 0.15 and 0.2: training AP 1; generated .80 and .75 above .7, AP 1/2: mean .75.
    # Weight 0.3: generated .65 below .7, AP 1: mean 1, the smallest weight that gets it.
    base = np.array([0.8, 0.9, 0.1])
    conflict = np.array([0.0, 1.0, 0.0])
    labels = np.array([True, False, False])
    weight, objective = choose_weight(base, conflict, labels, np.array([0.95, 0.7]),
                                      np.array([1.0, 0.0]), np.array([False, True]))
    assert weight == 0.3
    assert objective["0.0"] == pytest.approx(0.5)
    assert objective["0.15"] == pytest.approx(0.75)
    assert objective["0.3"] == objective["1.0"] == pytest.approx(1.0)
    assert set(objective) == {str(w) for w in WEIGHTS}


def test_fit_ranker_gives_each_set_half_the_weight() -> None:
    """The weighted fit equals scikit-learn's unweighted fit on rows repeated in the same
    proportion (2 training pairs, 4 generated: each training row counts twice as much), with
    C scaled by the total weight (6 weighted rows against 8 repeated ones)."""
    from sklearn.linear_model import LogisticRegression

    base = np.array([0.9, 0.2])
    conflict = np.array([[0, 0, 0, 0, 0], [1, 0, 0, 0, 0]], dtype=float)
    labels = np.array([True, False])
    made_base = np.array([0.95, 0.9, 0.85, 0.8])
    made_conflict = np.array([[0, 0, 0, 0, 1], [0, 0, 0, 0, 0], [0, 1, 0, 0, 0],
                              [0, 0, 0, 0, 0]], dtype=float)
    made_labels = np.array([False, True, False, True])
    ranker = fit_ranker(base, conflict, labels, made_base, made_conflict, made_labels)
    x = np.vstack([np.column_stack([base, conflict])] * 2
                  + [np.column_stack([made_base, made_conflict])])
    y = np.concatenate([labels, labels, made_labels]).astype(int)
    oracle = LogisticRegression(C=6 / 8, max_iter=1000).fit(x, y)
    np.testing.assert_allclose(ranker.coef_, oracle.coef_, atol=1e-4)
    np.testing.assert_allclose(ranker.intercept_, oracle.intercept_, atol=1e-4)
    # the conflicts that only negatives have get negative weights; quantifier and time,
    # never seen, get none
    # (this test's columns: base, then name, number, quantifier, time, negation)
    weights = ranker.coef_[0]
    assert weights[0] > 0 and weights[1] < 0 and weights[2] < 0 and weights[5] < 0
    assert weights[3] == pytest.approx(0, abs=1e-6) and weights[4] == pytest.approx(0, abs=1e-6)
    # training pairs weighing 0.75: each weighs 0.75 * 6 / 2 = 2.25, each generated pair
    # 0.25 * 6 / 4 = 0.375, so six repeats of the training rows against one of the
    # generated ones (16 rows), C scaled by 6 / 16
    ranker = fit_ranker(base, conflict, labels, made_base, made_conflict, made_labels,
                        natural_share=0.75)
    oracle = LogisticRegression(C=6 / 16, max_iter=1000).fit(
        np.vstack([np.column_stack([base, conflict])] * 6
                  + [np.column_stack([made_base, made_conflict])]),
        np.concatenate([labels] * 6 + [made_labels]).astype(int))
    np.testing.assert_allclose(ranker.coef_, oracle.coef_, atol=1e-4)
    np.testing.assert_allclose(ranker.intercept_, oracle.intercept_, atol=1e-4)


def test_the_ranker_variants_file_declares_four_models_that_fit() -> None:
    """``examples/models/slot_ranker_variants.py`` (docs/slots.md) loads as a model file,
    declares its four models, and each one's regression, fitted on hand-made pairs where
    only the conflict tells the labels apart, scores a pair with a conflict below the same
    cosine without one. Run in a child process: loading registers the models."""
    import subprocess
    import sys

    code = """
import numpy as np
from baselines import registry
from baselines.base import REGISTRY
registry.load_model_file("examples/models/slot_ranker_variants.py")
names = sorted(n for n, cls in REGISTRY.items() if cls.__module__.startswith(
    "baselines_model_file"))
print(names)
for name in names:
    model = REGISTRY[name].__new__(REGISTRY[name])
    base = np.array([0.9, 0.9, 0.2, 0.2]); conflict = np.zeros((4, 6)); conflict[1, 0] = 1
    labels = np.array([True, False, False, False])
    model.fit_combination(base, conflict, labels, base, conflict, labels)
    no, yes = model.combine(np.array([0.9, 0.9]), conflict[:2])
    assert yes < no, name
"""
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                          text=True)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip() == str(sorted(["dev-ranker-any", "dev-ranker-count",
                                              "dev-ranker-interact", "dev-ranker-nat75"]))
