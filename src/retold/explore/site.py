"""``retold render``: the static explorer of a release (HTML, CSS, JS, figures; no server).

Pages (relative links only, data inlined, so the folder opens from disk):

- ``index.html``: the release at a glance (claims per stance, documents), the claim ×
  document matrix as a figure and as a table;
- ``doc-<doc_id>.html``: the text with every claim marked by stance (colour, hatch-like
  border pattern *and* a text label), sources and cues marked, boilerplate greyed, nested
  claims (``parent_claim_id`` set) drawn inside their parent, framed and labelled
  ``nested``; focusing or hovering a claim shows its cluster and proposition, chain,
  nesting and every field of its row; keys ``j``/``k`` move between claims, Tab works too;
- ``clusters.html``: each proposition's mentions side by side across documents, with
  stance and source, and the words that differ from the first mention highlighted (the
  release's ``reuse`` label of the pair beside them);
- ``sources.html``: who cites whom along the attribution chains (a graph and a table);
- ``contrast.html``: the contrast configs: each edit beside its original passage, the
  edited words highlighted, both claims marked by stance, and each duplicate pair with its
  hard-negative or hard-positive type (``retold.explore.contrast_page``).
"""

from __future__ import annotations

import difflib
import json
from collections import Counter, defaultdict
from html import escape
from pathlib import Path
from typing import Any

from retold.errors import MISSING_DEPENDENCY, InvalidInputError, Problem
from retold.explore.data import Release, Row, containment, load_release
from retold.explore.figures import draw_matrix, stance_style
from retold.explore.graph import citation_edges, graph_svg
from retold.explore.marks import Mark, render_marks
from retold.io.owned import MANIFEST_FILE, check_output_folder, manifest_owner, write_folder
from retold.schema import AUTHOR, DATASET_NAME, DATASET_VERSION, STANCES, TOKEN_PATTERN

ASSETS = Path(__file__).parent / "assets"
FIGURES = "figures"
CONTRAST_PAGE = "contrast.html"


def page(title: str, body: str, data: Any = None) -> str:
    """A complete HTML page with the shared stylesheet and script."""
    script = ""
    if data is not None:
        payload = json.dumps(data, ensure_ascii=False, sort_keys=True).replace("</", "<\\/")
        script = f'<script type="application/json" id="data">{payload}</script>\n'
    return (f'<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
            f"<title>{escape(title)} · {DATASET_NAME} explorer</title>\n"
            f'<link rel="stylesheet" href="assets/explorer.css">\n</head>\n<body>\n'
            f'<nav><a href="index.html">{DATASET_NAME} {DATASET_VERSION}</a> · '
            f'<a href="clusters.html">clusters</a> · <a href="sources.html">source graph</a>'
            f' · <a href="{CONTRAST_PAGE}">contrast set</a></nav>\n'
            f"<h1>{escape(title)}</h1>\n{body}\n{script}"
            f'<script src="assets/explorer.js"></script>\n</body>\n</html>\n')


def stance_tag(stance: str) -> str:
    return f'<span class="tag stance-tag">{escape(stance)}</span>'


def doc_href(doc_id: str, claim_id: str | None = None) -> str:
    return f"doc-{doc_id}.html" + (f"#focus={claim_id}" if claim_id else "")


# --------------------------------------------------------------------------------------
# Document pages.
# --------------------------------------------------------------------------------------
def _document_marks(document: Row, claims: list[Row]) -> list[Mark]:
    marks = []
    for n, b in enumerate(document["boilerplate"]):
        kind = escape(b["kind"])
        marks.append(Mark(b["start"], b["end"], 3000 + n,
                          lambda first, k=kind: f'<span class="boilerplate" title="boilerplate:'
                                                f' {k}">', "</span>"))
    seen_links: set[tuple[str, int, int]] = set()
    for c in claims:
        for link in c["chain"]:
            for role, s, e in (("source", link["source_start"], link["source_end"]),
                               ("cue", link["cue_start"], link["cue_end"])):
                if s < 0 or (role, s, e) in seen_links:
                    continue
                seen_links.add((role, s, e))
                attr = (f' data-source="{escape(link["source"])}"' if role == "source" else "")
                letter = "S" if role == "source" else "C"
                marks.append(Mark(s, e, 2000 + len(seen_links),
                                  lambda first, r=role, a=attr, t=letter:
                                  f'<span class="{r}"{a}>'
                                  + (f'<span class="tag">{t}</span>' if first else ""),
                                  "</span>"))
    for n, c in enumerate(claims):
        marks.append(Mark(c["start"], c["end"], n, lambda first, c=c: _claim_open(c, first),
                          "</mark>"))
    return marks


def _claim_open(claim: Row, first: bool) -> str:
    stance = escape(claim["stance"])
    parent = escape(claim.get("parent_claim_id") or "")
    nested = " nested" if parent else ""
    attrs = (f'class="claim stance-{stance}{nested}" data-claim-id="{escape(claim["claim_id"])}"'
             f' data-stance="{stance}"' + (f' data-parent="{parent}"' if parent else ""))
    if not first:
        return f'<mark {attrs} data-fragment="more">'
    label = (f'<span class="tag nested-tag" title="nested in claim {parent}">nested</span>'
             if parent else "")
    return (f'<mark {attrs} id="{escape(claim["claim_id"])}" tabindex="0">'
            f"{label}{stance_tag(claim['stance'])}")


def document_page(release: Release, document: Row) -> str:
    claims = release.claims_of(document["doc_id"])
    nesting = containment(claims)
    propositions = release.propositions()
    names = release.source_names()
    mentions = release.mentions_by_cluster()
    data = {"claims": {}, "names": names}
    for c in claims:
        others = [[m["doc_id"], m["claim_id"], m["stance"]] for m in mentions[c["cluster_id"]]
                  if m["claim_id"] != c["claim_id"]]
        data["claims"][c["claim_id"]] = {
            "row": c, "proposition": propositions.get(c["cluster_id"], ""),
            "others": others, "parent": c.get("parent_claim_id") or "",
            **nesting[c["claim_id"]]}
    counts = Counter(c["stance"] for c in claims)
    legend = " ".join(f'<span class="claim stance-{s}">{stance_tag(s)} {counts[s]}</span>'
                      for s in STANCES)
    text = render_marks(document["text"], _document_marks(document, claims))
    meta = escape(f'{document["genre"]} · {document["outlet"]} · fold {document["fold"]}')
    body = (f'<p class="meta">{meta}</p>\n<p class="legend" id="legend">Claims by stance: '
            f"{legend} · <span class=\"source\"><span class=\"tag\">S</span>source</span> · "
            f'<span class="cue"><span class="tag">C</span>cue</span> · '
            f'<span class="boilerplate">boilerplate</span> · '
            f'<span class="claim nested"><span class="tag nested-tag">nested</span>a claim '
            f"nested in the claim around it</span> · keys: Tab or j/k move between "
            f"claims</p>\n"
            f'<main class="doc"><article class="doc-text" id="text">{text}</article>\n'
            f'<aside id="details" aria-live="polite"><p>Focus or hover a claim to see its '
            f"cluster, proposition and chain.</p></aside></main>")
    return page(document["doc_id"], body, data)


# --------------------------------------------------------------------------------------
# Clusters.
# --------------------------------------------------------------------------------------
def _tokens(text: str) -> list[tuple[int, int]]:
    import re

    return [(m.start(), m.end()) for m in re.finditer(TOKEN_PATTERN, text)]


def changed_tokens(reference: str, text: str) -> list[tuple[int, int]]:
    """The tokens of ``text`` (offsets) that a word diff against ``reference`` does not
    match (case-insensitive; ``difflib``'s longest matching blocks)."""
    ref = [reference[s:e].lower() for s, e in _tokens(reference)]
    spans = _tokens(text)
    words = [text[s:e].lower() for s, e in spans]
    same = set()
    for block in difflib.SequenceMatcher(a=ref, b=words, autojunk=False).get_matching_blocks():
        same.update(range(block.b, block.b + block.size))
    return [span for i, span in enumerate(spans) if i not in same]


def highlight_differences(reference: str, text: str) -> str:
    """``text`` with the tokens that do not match ``reference`` wrapped in ``<ins>``."""
    out, position = [], 0
    for s, e in changed_tokens(reference, text):
        out.append(escape(text[position:s], quote=False))
        out.append(f'<ins class="diff">{escape(text[s:e], quote=False)}</ins>')
        position = e
    out.append(escape(text[position:], quote=False))
    return "".join(out)


def clusters_page(release: Release) -> str:
    propositions = release.propositions()
    names = release.source_names()
    reuse = release.reuse()
    mentions = release.mentions_by_cluster()
    multi = sorted((k for k, v in mentions.items() if len(v) > 1),
                   key=lambda k: (-len({m["doc_id"] for m in mentions[k]}), k))
    blocks = []
    for cluster_id in multi:
        rows = sorted(mentions[cluster_id], key=lambda m: (m["doc_id"], m["start"]))
        first = rows[0]
        cards = []
        for m in rows:
            label = ("reference" if m is first
                     else f"reuse vs first: {reuse.get((first['claim_id'], m['claim_id']), '?')}")
            source = names.get(m["source"], m["source"]) if m["source"] != AUTHOR else "the author"
            text = (escape(m["text"], quote=False) if m is first
                    else highlight_differences(first["text"], m["text"]))
            cards.append(
                f'<div class="mention claim stance-{escape(m["stance"])}" '
                f'data-claim-id="{escape(m["claim_id"])}" data-stance="{escape(m["stance"])}">'
                f'<p class="mention-head"><a href="{doc_href(m["doc_id"], m["claim_id"])}">'
                f'{escape(m["doc_id"])}</a> {stance_tag(m["stance"])} '
                f'<span class="via">via {escape(source)}</span> · '
                f'<span class="reuse">{escape(label)}</span></p>'
                f'<p class="mention-text">{text}</p></div>')
        blocks.append(f'<section class="cluster" id="{escape(cluster_id)}"><h2>'
                      f'{escape(cluster_id)}</h2><p class="proposition">'
                      f'{escape(propositions.get(cluster_id, ""))}</p>'
                      f'<div class="side-by-side">{"".join(cards)}</div></section>')
    singles = sorted(k for k, v in mentions.items() if len(v) == 1)
    body = (f"<p>{len(multi)} propositions are stated more than once; their mentions are "
            f"side by side, words that differ from the first mention "
            f'<ins class="diff">highlighted</ins>. {len(singles)} are stated once.</p>\n'
            + "\n".join(blocks))
    return page("Clusters: one proposition, its mentions side by side", body)


# --------------------------------------------------------------------------------------
# Matrix and index.
# --------------------------------------------------------------------------------------
def matrix_cells(release: Release) -> tuple[list[str], list[str], dict]:
    """Recurring propositions (in two or more documents) × documents → stances, in order."""
    mentions = release.mentions_by_cluster()
    columns = [d["doc_id"] for d in release.documents]
    rows = sorted((k for k, v in mentions.items() if len({m["doc_id"] for m in v}) > 1),
                  key=lambda k: (-len({m["doc_id"] for m in mentions[k]}), k))
    cells: dict[tuple[str, str], list[str]] = defaultdict(list)
    order = {s: i for i, s in enumerate(STANCES)}
    for k in rows:
        for m in mentions[k]:
            if m["stance"] not in cells[(k, m["doc_id"])]:
                cells[(k, m["doc_id"])].append(m["stance"])
        for column in columns:
            cells[(k, column)].sort(key=lambda s: order.get(s, len(order)))
    return rows, columns, dict(cells)


def matrix_table(rows: list[str], columns: list[str], cells: dict) -> str:
    head = "".join(f'<th scope="col">{escape(c)}</th>' for c in columns)
    lines = []
    for r in rows:
        tds = []
        for c in columns:
            stances = cells.get((r, c), [])
            content = " ".join(f'<span class="claim stance-{escape(s)}">{stance_tag(s)}</span>'
                               for s in stances) or '<span class="none">—</span>'
            tds.append(f"<td>{content}</td>")
        lines.append(f'<tr><th scope="row"><a href="clusters.html#{escape(r)}">{escape(r)}'
                     f"</a></th>{''.join(tds)}</tr>")
    return (f'<table class="matrix" id="matrix"><thead><tr><th>proposition</th>{head}</tr>'
            f"</thead><tbody>{''.join(lines)}</tbody></table>")


def index_page(release: Release, rows: list[str], columns: list[str], cells: dict) -> str:
    counts = Counter(c["stance"] for c in release.claims)
    stance_rows = "".join(
        f'<tr><td><span class="claim stance-{s}">{stance_tag(s)}</span></td>'
        f'<td class="count" data-stance="{s}">{counts[s]}</td></tr>' for s in STANCES)
    per_doc = Counter(c["doc_id"] for c in release.claims)
    docs = "".join(f'<li><a href="{doc_href(d["doc_id"])}">{escape(d["doc_id"])}</a> '
                   f'({escape(d["genre"])}, {per_doc[d["doc_id"]]} claims)</li>'
                   for d in release.documents)
    colours = " ".join(f'<span class="claim stance-{s}">{stance_tag(s)} = letter '
                       f"{stance_style(s)[2]}</span>" for s in STANCES)
    body = (f"<p>{len(release.claims)} claim mentions in {len(release.documents)} documents, "
            f"{len(release.propositions())} propositions.</p>\n"
            f'<table class="stances" id="stances"><thead><tr><th>stance</th><th>claims</th>'
            f"</tr></thead><tbody>{stance_rows}</tbody></table>\n"
            f"<h2>Documents</h2><ul>{docs}</ul>\n"
            f'<h2>Contrast set</h2><p><a href="{CONTRAST_PAGE}" id="contrast-link">'
            f"{len(release.configs.get('contrast', []))} stance and attribution edits and "
            f"{len(release.configs.get('contrast_pairs', []))} duplicate pairs</a>: each "
            f"edit beside its original, the changed words highlighted.</p>\n"
            f"<h2>Claim × document matrix</h2><p>Which document asserts, reports, hedges or "
            f"denies each proposition stated in two or more documents. {colours}</p>\n"
            f'<figure><img src="{FIGURES}/matrix.svg" alt="Claim by document matrix: '
            f'the same data as the table below"><figcaption>Also as '
            f'<a href="{FIGURES}/matrix.png">PNG</a>.</figcaption></figure>\n'
            + matrix_table(rows, columns, cells))
    return page(f"{DATASET_NAME} explorer", body)


def sources_page(release: Release) -> str:
    edges = citation_edges(release)
    names = release.source_names()
    rows = "".join(f"<tr><td>{escape(names.get(a, a))}</td><td>{escape(names.get(b, b))}</td>"
                   f"<td>{n}</td></tr>" for (a, b), n in sorted(edges.items()))
    body = ("<p>An arrow from A to B: A relays a claim that it attributes to B (a document "
            "to the first link of a chain, each link to the next).</p>\n"
            f'<figure>{graph_svg(edges, names)}</figure>\n'
            f'<table id="edges"><thead><tr><th>cites (from)</th><th>cited (to)</th>'
            f"<th>claims</th></tr></thead><tbody>{rows}</tbody></table>")
    return page("Source graph: who cites whom", body)


RENDER_WRITER = "retold render"
"""The command recorded in the explorer folder's manifest: a later render may replace it."""


def render_site(release_dir: Path, out_dir: Path) -> list[str]:
    """Write the explorer of ``release_dir`` into ``out_dir``: a missing or empty folder, or
    an unchanged explorer an earlier render wrote, replaced atomically (``retold.io.owned``)."""
    check_output_folder(Path(out_dir), manifest_owner(RENDER_WRITER))  # before the work
    release = load_release(Path(release_dir))
    files: dict[str, str] = {}
    for name in ("explorer.css", "explorer.js"):
        files[f"assets/{name}"] = (ASSETS / name).read_text(encoding="utf-8")
    for document in release.documents:
        files[doc_href(document["doc_id"])] = document_page(release, document)
    from retold.explore.contrast_page import contrast_page

    files["clusters.html"] = clusters_page(release)
    files["sources.html"] = sources_page(release)
    files[CONTRAST_PAGE] = contrast_page(release)
    rows, columns, cells = matrix_cells(release)
    files["index.html"] = index_page(release, rows, columns, cells)
    figures: list[str] = []

    def fill(staging: Path) -> None:
        (staging / "assets").mkdir()
        (staging / FIGURES).mkdir()
        for rel, text in files.items():
            (staging / rel).write_text(text, encoding="utf-8")
        try:
            figures.extend(draw_matrix(rows, columns, cells, staging / FIGURES))
        except ImportError as err:
            raise InvalidInputError([Problem("render", "-", MISSING_DEPENDENCY,
                                             f"{err.name} is not installed; install the kit "
                                             "extra: pip install -c constraints.txt -e "
                                             "'.[kit]'")]) from None

    write_folder(Path(out_dir), manifest_owner(RENDER_WRITER), fill, RENDER_WRITER)
    return sorted([*files, *(f"{FIGURES}/{f}" for f in figures), MANIFEST_FILE])
