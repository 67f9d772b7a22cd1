"""``contrast.html``: the ``contrast`` and ``contrast_pairs`` configs of a release.

Each stance/attribution edit is a table row: the original passage as in its document (the
original claim marked by its stance, its source and cue marked) beside the edited passage
(the edited claim marked by its stance, its source and cue marked, and every word the edit
changed highlighted: inserted words in the edited passage, removed or replaced ones in the
original); stances are shown by colour, border pattern and a text label, as on
the document pages. Each duplicate pair is a row with its 2x2 cell (same or different
proposition, high or low surface overlap) and what the edit changes, the natural mention,
the edited text with the words that differ highlighted, and its
label. The pairs' 2x2 design (``contrast_pairs.cell``: same or different proposition x
high or low surface overlap) is a grid with each cell's count and links to its pairs, and
each pair row names its cell. Rows carry their ids in ``data-`` attributes, so the browser
tests count them.
"""

from __future__ import annotations

from collections import Counter
from html import escape

from retold.explore.data import Release, Row
from retold.explore.marks import Mark, render_marks
from retold.explore.site import changed_tokens, doc_href, page, stance_tag
from retold.schema import (
    AUTHOR,
    CONTRAST_EDIT_TYPES,
    CONTRAST_HARD_NEGATIVE_PREFIX,
    CONTRAST_HARD_POSITIVE_PREFIX,
    CONTRAST_PAIR_EDIT_CELLS,
    CONTRAST_PAIR_EDIT_TYPES,
    HIGH_OVERLAP_MIN,
    PAIR_CELLS,
    pair_cell,
)


def _stance_mark(start: int, end: int, stance: str, order: int) -> Mark:
    s = escape(stance)
    return Mark(start, end, order,
                lambda first: f'<mark class="claim stance-{s}" data-stance="{s}">'
                              + (stance_tag(stance) if first else ""), "</mark>")


def _chain_marks(chain: list[Row], offset: int, length: int) -> list[Mark]:
    """Source and cue marks of a chain whose offsets are ``offset`` past the passage's."""
    marks = []
    for link in chain:
        for role, s, e in (("source", link["source_start"], link["source_end"]),
                           ("cue", link["cue_start"], link["cue_end"])):
            s, e = s - offset, e - offset
            if s < 0 or e > length or link[f"{role}_start"] < 0:
                continue
            letter = "S" if role == "source" else "C"
            marks.append(Mark(s, e, 2000 + len(marks),
                              lambda first, r=role, t=letter: f'<span class="{r}">'
                              + (f'<span class="tag">{t}</span>' if first else ""), "</span>"))
    return marks


def _diff_marks(reference: str, text: str, tag: str = "ins") -> list[Mark]:
    """``<ins>`` (or ``<del>``) around each token of ``text`` that ``reference`` lacks."""
    return [Mark(s, e, 5000 + n, lambda first: f'<{tag} class="diff">', f"</{tag}>")
            for n, (s, e) in enumerate(changed_tokens(reference, text))]


def _via(names: dict[str, str], chain: list[str]) -> str:
    if not chain:
        return "the author"
    return " → ".join(names.get(s, s) for s in chain)


def edit_row(row: Row, original: Row | None, names: dict[str, str]) -> str:
    """One edit: its ids and type, the original passage, the edited passage."""
    text, before = row["text"], row["original_text"]
    after_marks = [_stance_mark(row["start"], row["end"], row["stance"], 0),
                   *_chain_marks(row["chain"], 0, len(text)), *_diff_marks(before, text)]
    before_marks = []
    if original is not None:
        offset = row["passage_start"]
        before_marks = [_stance_mark(original["start"] - offset, original["end"] - offset,
                                     original["stance"], 0),
                        *_chain_marks(original["chain"], offset, len(before))]
    before_marks += _diff_marks(text, before, "del")
    original_chain = original["source_chain"] if original is not None else []
    kind = escape(row["edit_type"])
    return (
        f'<tr class="contrast-row" id="{escape(row["contrast_id"])}" '
        f'data-contrast-id="{escape(row["contrast_id"])}" data-edit-type="{kind}" '
        f'data-stance="{escape(row["stance"])}" '
        f'data-original-stance="{escape(row["original_stance"])}">'
        f'<th scope="row">{escape(row["contrast_id"])}<br>'
        f'<span class="edit-type">{kind.replace("_", " ")}</span><br>'
        f'<span class="rule">rule {escape(row["rule"])}</span></th>'
        f'<td class="original"><p class="passage-head"><a href="'
        f'{doc_href(row["doc_id"], row["original_claim_id"])}">'
        f'{escape(row["original_claim_id"])}</a> '
        f'<span class="claim stance-{escape(row["original_stance"])}">'
        f'{stance_tag(row["original_stance"])}</span> via {escape(_via(names, original_chain))}'
        f'</p><p class="passage">{render_marks(before, before_marks)}</p></td>'
        f'<td class="edited"><p class="passage-head"><span class="claim stance-'
        f'{escape(row["stance"])}">{stance_tag(row["stance"])}</span> via '
        f'{escape(_via(names, row["source_chain"]))}</p>'
        f'<p class="passage">{render_marks(text, after_marks)}</p></td></tr>')


PAIR_KIND_LABEL = {"same_high": "same, high overlap", "same_low": "same, low overlap",
                   "different_high": "different, high overlap",
                   "different_low": "different, low overlap"}
"""How the page names each 2x2 cell (``schema.PAIR_CELLS``): same or different proposition,
high or low surface overlap."""


def pair_kind(edit_type: str) -> tuple[str, str]:
    """(the pair type's 2x2 cell as a CSS class, e.g. ``different-high``, and what the edit
    changes), from the cell its edit type declares (``schema.CONTRAST_PAIR_EDIT_CELLS``)."""
    duplicate, high = CONTRAST_PAIR_EDIT_CELLS[edit_type]
    cell = pair_cell(duplicate, HIGH_OVERLAP_MIN if high else 0.0)
    what = edit_type
    for prefix in (CONTRAST_HARD_NEGATIVE_PREFIX, CONTRAST_HARD_POSITIVE_PREFIX, "same_",
                   "different_"):
        if edit_type.startswith(prefix):
            what = edit_type[len(prefix):]
            break
    return cell.replace("_", "-"), what.replace("_", " ")


def kind_label(kind: str) -> str:
    """The words shown for a pair kind (``pair_kind``'s CSS class)."""
    return PAIR_KIND_LABEL[kind.replace("-", "_")]


def pair_row(row: Row) -> str:
    kind, what = pair_kind(row["edit_type"])
    label = "duplicate" if row["duplicate"] else "not a duplicate"
    edited = render_marks(row["edited_text"], _diff_marks(row["claim_text"], row["edited_text"]))
    natural = render_marks(row["claim_text"],
                           _diff_marks(row["edited_text"], row["claim_text"], "del"))
    return (
        f'<tr class="pair-row {kind}" id="{escape(row["pair_id"])}" '
        f'data-pair-id="{escape(row["pair_id"])}" data-kind="{kind}" '
        f'data-duplicate="{str(row["duplicate"]).lower()}">'
        f'<th scope="row">{escape(row["pair_id"])}</th>'
        f'<td><span class="pair-type {kind}">{kind_label(kind)}</span> '
        f'<span class="pair-what">{escape(what)}</span></td>'
        f'<td class="natural"><a href="{doc_href(row["doc_id"], row["claim_id"])}">'
        f'{escape(row["claim_id"])}</a> {natural}</td>'
        f'<td class="edited">{edited}</td>'
        f'<td class="pair-label">{label}</td><td class="count">{row["similarity"]:.2f}</td>'
        f'<td class="pair-cell">{escape(row["cell"].replace("_", " "))}</td></tr>')


def cells_grid(pairs: list[Row]) -> str:
    """The 2x2 design: proposition (rows) x surface overlap (columns), each cell with its
    count and links to its pairs."""
    by_cell: dict[str, list[str]] = {c: [] for c in PAIR_CELLS}
    for r in pairs:
        by_cell[r["cell"]].append(r["pair_id"])

    def cell(name: str) -> str:
        ids = sorted(by_cell[name])
        links = " ".join(f'<a href="#{escape(i)}">{escape(i)}</a>' for i in ids)
        return (f'<td class="pair-cell" data-cell="{escape(name)}" data-count="{len(ids)}">'
                f'<span class="count">{len(ids)}</span> <details><summary>pairs</summary>'
                f"{links}</details></td>")

    return (f'<table class="stances" id="pair-cells"><thead><tr><th></th>'
            f"<th>high overlap (similarity &ge; {HIGH_OVERLAP_MIN})</th>"
            f"<th>low overlap</th></tr></thead><tbody>"
            f'<tr><th scope="row">same proposition</th>{cell("same_high")}'
            f'{cell("same_low")}</tr>'
            f'<tr><th scope="row">different proposition</th>{cell("different_high")}'
            f'{cell("different_low")}</tr></tbody></table>')


def contrast_page(release: Release) -> str:
    edits = release.configs.get("contrast", [])
    pairs = release.configs.get("contrast_pairs", [])
    claims = {c["claim_id"]: c for c in release.claims}
    names = release.source_names() | {AUTHOR: "the author"}
    edit_counts = Counter(r["edit_type"] for r in edits)
    pair_counts = Counter(r["edit_type"] for r in pairs)
    summary = "".join(f'<tr><td>{escape(t.replace("_", " "))}</td><td class="count" '
                      f'data-edit-type="{escape(t)}">{edit_counts[t]}</td></tr>'
                      for t in CONTRAST_EDIT_TYPES)
    pair_summary = "".join(
        f'<tr><td><span class="pair-type {pair_kind(t)[0]}">'
        f'{kind_label(pair_kind(t)[0])}</span> {escape(pair_kind(t)[1])}</td>'
        f'<td class="count">{pair_counts[t]}</td></tr>' for t in CONTRAST_PAIR_EDIT_TYPES)
    rows = "\n".join(edit_row(r, claims.get(r["original_claim_id"]), names) for r in edits)
    pair_rows = "\n".join(pair_row(r) for r in pairs)
    body = (
        f"<p>The contrast set (annotations/CONTRAST.md): {len(edits)} minimal edits of claim "
        f"mentions that change exactly one thing (the stance, the attribution or a "
        f"distractor word), and {len(pairs)} pairs of a natural mention and an edited text in "
        f"a 2x2 design: the same or a different proposition, at high or low surface overlap "
        f'(<span class="pair-type same-high">same, high overlap</span>, '
        f'<span class="pair-type same-low">same, low overlap</span>, '
        f'<span class="pair-type different-high">different, high overlap</span>, '
        f'<span class="pair-type different-low">different, low overlap</span>). Words the edit '
        f'put in are <ins class="diff">highlighted</ins> in the edited passage, words it took '
        f'out or replaced <del class="diff">struck through</del> in the original; claims are '
        f"marked by stance "
        f"(colour, border pattern and label), sources "
        f'<span class="source"><span class="tag">S</span></span> and cues '
        f'<span class="cue"><span class="tag">C</span></span>.</p>\n'
        f'<h2 id="edits">Stance and attribution edits</h2>\n'
        f'<table class="stances" id="edit-types"><thead><tr><th>edit type</th><th>edits</th>'
        f"</tr></thead><tbody>{summary}</tbody></table>\n"
        f'<table class="contrast" id="contrast-edits"><thead><tr><th>edit</th>'
        f"<th>original passage (in its document)</th><th>edited passage</th></tr></thead>"
        f"<tbody>{rows}</tbody></table>\n"
        f'<h2 id="pairs">Duplicate pairs</h2>\n'
        f'<table class="stances" id="pair-types"><thead><tr><th>pair type</th><th>pairs</th>'
        f"</tr></thead><tbody>{pair_summary}</tbody></table>\n"
        f"<p>The 2x2 design: the same or a different proposition, at high or low surface "
        f"overlap (the token-LCS Dice similarity of the two texts). A set that needs "
        f"reading has both labels at every overlap level.</p>\n{cells_grid(pairs)}\n"
        f'<table class="contrast" id="contrast-pairs"><thead><tr><th>pair</th><th>type</th>'
        f"<th>natural mention (words the edit took out struck through)</th>"
        f"<th>edited text (words it put in highlighted)</th>"
        f"<th>label</th><th>similarity</th><th>cell</th></tr></thead>"
        f"<tbody>{pair_rows}</tbody></table>")
    return page("Contrast set: each edit beside its original", body)
