"""The explorer: pages checked in headless Chromium against the release read by pyarrow."""

from __future__ import annotations

import io
import itertools
import json
from collections import Counter
from html.parser import HTMLParser
from pathlib import Path

import numpy as np
import pyarrow.parquet as pq
import pytest
from browser import chromium

from retold.cli import main
from retold.explore.data import Release, containment
from retold.explore.marks import Mark, render_marks
from retold.explore.site import document_page, render_site
from retold.schema import CONTRAST_EDIT_TYPES, CONTRAST_PAIR_EDIT_TYPES, STANCES

ROOT = Path(__file__).parent.parent
RELEASE = ROOT / "release"


def release_rows(name: str) -> list[dict]:
    """A config read straight from its Parquet file (class labels stay integer ids)."""
    return pq.read_table(RELEASE / "data" / name / "test-00000-of-00001.parquet").to_pylist()


CLAIMS = release_rows("claims")
DOCUMENTS = release_rows("documents")
CONTRAST = release_rows("contrast")
CONTRAST_PAIRS = release_rows("contrast_pairs")
PAIR_EDIT_TYPES = CONTRAST_PAIR_EDIT_TYPES  # class label ids index the schema's tuples


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("explorer") / "site"
    render_site(RELEASE, out)
    return out


@pytest.fixture(scope="module")
def browser() -> object:
    with chromium() as driver:
        yield driver


# --------------------------------------------------------------------------------------
# Without a browser.
# --------------------------------------------------------------------------------------
class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self.depth = 0
        self.skip = 0
        self.max_depth = 0

    def handle_starttag(self, tag: str, attrs: list) -> None:
        self.depth += 1
        self.max_depth = max(self.max_depth, self.depth)
        if ("class", "tag") in attrs or self.skip:
            self.skip += 1

    def handle_endtag(self, tag: str) -> None:
        self.depth -= 1
        if self.skip:
            self.skip -= 1

    def handle_data(self, data: str) -> None:
        if not self.skip:
            self.parts.append(data)


def test_marks_nest_and_cross_without_losing_text() -> None:
    text = "Tehran said that “the embassy — it says — is open” today."

    def mark(start: int, end: int, n: int, name: str) -> Mark:
        return Mark(start, end, n, lambda first: f'<b class="{name}">'
                    + ('<i class="tag">x</i>' if first else ""), "</b>")

    outer = (text.index("“"), text.index("today"))
    inner = (text.index("it says"), text.index("it says") + 7)
    crossing = (text.index("open"), len(text))
    html = render_marks(text, [mark(*outer, 0, "outer"), mark(*inner, 1, "inner"),
                               mark(*crossing, 2, "cross")])
    parser = _Text()
    parser.feed(html)
    assert parser.depth == 0  # every tag closed
    assert "".join(parser.parts) == text
    assert html.count('class="cross"') == 2  # split around the outer mark's end


def test_containment_finds_nested_claims() -> None:
    claims = [{"claim_id": "a", "doc_id": "d", "start": 0, "end": 50},
              {"claim_id": "b", "doc_id": "d", "start": 10, "end": 20},
              {"claim_id": "c", "doc_id": "e", "start": 10, "end": 20}]
    nesting = containment(claims)
    assert nesting["a"] == {"inside": [], "contains": ["b"]}
    assert nesting["b"] == {"inside": ["a"], "contains": []}
    assert nesting["c"] == {"inside": [], "contains": []}


def test_render_is_deterministic_reruns_and_refuses_a_busy_folder(
        site: Path, tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    again = tmp_path / "again"
    assert main(["render", "--release", str(RELEASE), "--out", str(again)]) == 0
    files = sorted(p.relative_to(site).as_posix() for p in site.rglob("*") if p.is_file())
    assert files == sorted(p.relative_to(again).as_posix() for p in again.rglob("*")
                           if p.is_file())
    assert {"figures/matrix.png", "figures/matrix.svg", "index.html", "clusters.html",
            "sources.html", "contrast.html", "retold-manifest.json"} <= set(files)
    for rel in files:
        assert (site / rel).read_bytes() == (again / rel).read_bytes(), rel
    # README: `retold render --out explorer` runs twice in a row (it replaces its own output).
    assert main(["render", "--release", str(RELEASE), "--out", str(again)]) == 0
    for rel in files:
        assert (site / rel).read_bytes() == (again / rel).read_bytes(), rel
    # A file it did not write makes the folder someone else's: refused, kept.
    (again / "notes.txt").write_text("mine", encoding="utf-8")
    capsys.readouterr()
    assert main(["render", "--release", str(RELEASE), "--out", str(again)]) == 1
    assert "[unsafe-output]" in capsys.readouterr().err
    assert (again / "notes.txt").read_text(encoding="utf-8") == "mine"


# --------------------------------------------------------------------------------------
# In headless Chromium.
# --------------------------------------------------------------------------------------
COUNT_JS = """
const out = {};
document.querySelectorAll('mark.claim').forEach(m => {
  const s = m.dataset.stance; out[s] = out[s] || {};
  out[s][m.dataset.claimId] = 1; });
const counts = {}; Object.keys(out).forEach(s => counts[s] = Object.keys(out[s]).length);
const labels = Array.from(document.querySelectorAll('mark.claim[tabindex]')).map(
  m => [m.dataset.stance, m.querySelector(':scope > .stance-tag').textContent]);
const clone = document.getElementById('text').cloneNode(true);
clone.querySelectorAll('.tag').forEach(t => t.remove());
return {counts: counts, labels: labels, text: clone.textContent,
        boilerplate: document.querySelectorAll('#text .boilerplate').length,
        sources: document.querySelectorAll('#text .source > .tag').length};
"""


@pytest.mark.parametrize("doc", DOCUMENTS, ids=lambda d: d["doc_id"])
def test_document_page_marks_every_claim_by_stance(browser: object, site: Path,
                                                   doc: dict) -> None:
    browser.get((site / f"doc-{doc['doc_id']}.html").as_uri())
    got = browser.execute_script(COUNT_JS)
    claims = [c for c in CLAIMS if c["doc_id"] == doc["doc_id"]]
    expected = Counter(STANCES[c["stance"]] for c in claims)
    assert got["counts"] == dict(expected)
    assert all(stance == label for stance, label in got["labels"])  # a text label, not colour
    assert len(got["labels"]) == len(claims)
    assert got["text"] == doc["text"]  # the whole text, nothing dropped or moved
    assert got["boilerplate"] == len(doc["boilerplate"])
    sources = {(link["source_start"], link["source_end"]) for c in claims
               for link in c["chain"] if link["source_start"] >= 0}
    assert got["sources"] == len(sources)


def test_keyboard_moves_between_claims_and_shows_the_cluster(browser: object,
                                                             site: Path) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    doc_id = "004-state-media"
    claims = sorted((c for c in CLAIMS if c["doc_id"] == doc_id),
                    key=lambda c: (c["start"], c["end"]))
    browser.get((site / f"doc-{doc_id}.html").as_uri())
    body = browser.find_element(By.TAG_NAME, "body")
    body.send_keys("j")
    active = browser.switch_to.active_element
    assert active.get_attribute("data-claim-id") == claims[0]["claim_id"]
    panel = browser.find_element(By.ID, "details")
    assert f"cluster: {claims[0]['cluster_id']}" in panel.text
    active.send_keys("j")
    assert browser.switch_to.active_element.get_attribute("data-claim-id") == claims[1]["claim_id"]
    browser.switch_to.active_element.send_keys(Keys.TAB)
    third = browser.switch_to.active_element.get_attribute("data-claim-id")
    assert third == claims[2]["claim_id"]
    assert f"cluster: {claims[2]['cluster_id']}" in panel.text
    browser.switch_to.active_element.send_keys("k")
    assert browser.switch_to.active_element.get_attribute("data-claim-id") == claims[1]["claim_id"]


def test_modified_j_and_k_are_left_to_the_browser(browser: object, site: Path) -> None:
    """Finding 9: Ctrl+J / Ctrl+K / Alt+J moved the focus (and swallowed the shortcut)."""
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    doc_id = "004-state-media"
    first = min((c for c in CLAIMS if c["doc_id"] == doc_id),
                key=lambda c: (c["start"], c["end"]))
    browser.get((site / f"doc-{doc_id}.html").as_uri())
    browser.find_element(By.TAG_NAME, "body").send_keys("j")
    assert browser.switch_to.active_element.get_attribute("data-claim-id") == first["claim_id"]
    for modifier in (Keys.CONTROL, Keys.ALT):
        for key in ("j", "k"):
            ActionChains(browser).key_down(modifier).send_keys(key).key_up(modifier).perform()
            active = browser.switch_to.active_element.get_attribute("data-claim-id")
            assert active == first["claim_id"], (modifier, key)


def test_other_mention_link_in_the_same_document_moves_focus_and_panel(
        browser: object, site: Path) -> None:
    """Finding 9: a same-page "other mention" link changed the URL hash only."""
    from selenium.webdriver.common.by import By

    by_place = Counter((c["cluster_id"], c["doc_id"]) for c in CLAIMS)
    cluster, doc_id = next(k for k, n in sorted(by_place.items()) if n > 1)
    here, other = sorted((c for c in CLAIMS if (c["cluster_id"], c["doc_id"]) == (cluster, doc_id)),
                         key=lambda c: (c["start"], c["end"]))[:2]
    browser.get((site / f"doc-{doc_id}.html").as_uri() + f"#focus={here['claim_id']}")
    panel = browser.find_element(By.ID, "details")
    assert panel.get_attribute("data-claim-id") == here["claim_id"]
    link = next(a for a in panel.find_elements(By.TAG_NAME, "a")
                if a.get_attribute("href").endswith(f"#focus={other['claim_id']}"))
    link.click()
    assert browser.current_url.endswith(f"#focus={other['claim_id']}")
    assert browser.switch_to.active_element.get_attribute("id") == other["claim_id"]
    assert panel.get_attribute("data-claim-id") == other["claim_id"]
    assert panel.find_element(By.TAG_NAME, "h2").text == other["claim_id"]


def test_hover_shows_chain_and_other_mentions(browser: object, site: Path) -> None:
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.by import By

    claim = next(c for c in CLAIMS if len(c["source_chain"]) == 2)
    browser.get((site / f"doc-{claim['doc_id']}.html").as_uri())
    mark = browser.find_element(By.ID, claim["claim_id"])
    ActionChains(browser).move_to_element(mark).perform()
    panel = browser.find_element(By.ID, "details").text
    names = {s["source_id"]: s["name"] for s in release_rows("sources")}
    assert " → ".join(names[s] for s in claim["source_chain"]) in panel
    others = [c for c in CLAIMS if c["cluster_id"] == claim["cluster_id"] and c is not claim]
    for other in others:
        assert other["claim_id"] in panel


def test_index_counts_and_matrix(browser: object, site: Path) -> None:
    browser.get((site / "index.html").as_uri())
    counts = browser.execute_script(
        "return Object.fromEntries(Array.from(document.querySelectorAll('#stances td.count'))"
        ".map(td => [td.dataset.stance, Number(td.textContent)]))")
    assert counts == {s: sum(1 for c in CLAIMS if STANCES[c["stance"]] == s) for s in STANCES}
    docs_per_cluster: dict[str, set[str]] = {}
    for c in CLAIMS:
        docs_per_cluster.setdefault(c["cluster_id"], set()).add(c["doc_id"])
    recurring = sum(1 for d in docs_per_cluster.values() if len(d) > 1)
    rows = browser.execute_script("return document.querySelectorAll('#matrix tbody tr').length")
    assert rows == recurring
    loaded = browser.execute_script(
        "const i = document.querySelector('figure img'); return i.complete && i.naturalWidth")
    assert loaded > 100


def test_clusters_page_shows_every_repeated_mention(browser: object, site: Path) -> None:
    browser.get((site / "clusters.html").as_uri())
    sizes = Counter(c["cluster_id"] for c in CLAIMS)
    shown = browser.execute_script("return document.querySelectorAll('.mention').length")
    assert shown == sum(n for n in sizes.values() if n > 1)
    assert browser.execute_script("return document.querySelectorAll('ins.diff').length") > 0


def test_source_graph_has_every_citation(browser: object, site: Path) -> None:
    browser.get((site / "sources.html").as_uri())
    edges = set()
    for c in CLAIMS:
        chain = [c["doc_id"], *c["source_chain"]]
        edges.update(itertools.pairwise(chain))
    assert browser.execute_script("return document.querySelectorAll('#edges tbody tr').length"
                                  ) == len(edges)
    assert browser.execute_script(
        "return document.querySelectorAll('#source-graph line.edge').length") == len(edges)


def test_screenshot_is_not_blank(browser: object, site: Path) -> None:
    from PIL import Image

    browser.get((site / "doc-004-state-media.html").as_uri())
    image = Image.open(io.BytesIO(browser.get_screenshot_as_png())).convert("RGB")
    pixels = [tuple(p) for p in np.asarray(image).reshape(-1, 3).tolist()]
    not_white = sum(1 for p in pixels if p != (255, 255, 255)) / len(pixels)
    assert not_white > 0.05
    assert len(set(pixels)) > 100
    # the reported stance's green is on screen (the border of a reported claim)
    assert any(abs(r - 0) < 30 and abs(g - 158) < 30 and abs(b - 115) < 30 for r, g, b in pixels)


def test_nested_claims_are_drawn_inside_their_host(browser: object, tmp_path: Path) -> None:
    """A synthetic release with a claim inside a claim (the schema will allow it)."""
    text = "Iran said the embassy, which opened in 1990, is closed."
    host = (text.index("the embassy"), text.index("is closed") + len("is closed"))
    gloss = (text.index("which opened"), text.index("1990") + 4)

    def claim(cid: str, span: tuple[int, int], stance: str) -> dict:
        return {"claim_id": cid, "doc_id": "d", "start": span[0], "end": span[1],
                "text": text[span[0]:span[1]], "cluster_id": f"k-{cid}", "stance": stance,
                "source": "author", "source_chain": [], "chain": []}

    release = Release({
        "documents": [{"doc_id": "d", "text": text, "boilerplate": [], "genre": "summary",
                       "outlet": "o", "fold": 0}],
        "claims": [claim("d-c001", host, "denied"), claim("d-c002", gloss, "asserted")],
        "clusters": [{"cluster_id": "k-d-c001", "proposition": "p1"},
                     {"cluster_id": "k-d-c002", "proposition": "p2"}],
        "sources": [], "pairs": []})
    (tmp_path / "assets").mkdir()
    for name in ("explorer.css", "explorer.js"):
        src = Path(__file__).parent.parent / "src" / "retold" / "explore" / "assets" / name
        (tmp_path / "assets" / name).write_text(src.read_text(encoding="utf-8"), "utf-8")
    (tmp_path / "doc-d.html").write_text(document_page(release, release.documents[0]),
                                         encoding="utf-8")
    browser.get((tmp_path / "doc-d.html").as_uri())
    assert browser.execute_script(
        "return document.querySelector('mark[data-claim-id=\"d-c001\"] "
        "mark[data-claim-id=\"d-c002\"]') !== null")
    from selenium.webdriver.common.by import By

    browser.find_element(By.TAG_NAME, "body").send_keys("j")
    browser.switch_to.active_element.send_keys("j")
    panel = browser.find_element(By.ID, "details").text
    assert "inside claim d-c001" in panel


# --------------------------------------------------------------------------------------
# Nested claims on the real document pages.
# --------------------------------------------------------------------------------------
NESTED_JS = """
const [child, parent] = arguments;
const inner = document.querySelector(
  `mark[data-claim-id="${parent}"] mark.nested[data-claim-id="${child}"][tabindex]`);
const outer = document.getElementById(parent);
if (!inner) { return null; }
const tag = inner.querySelector(':scope > .nested-tag');
return {parent: inner.dataset.parent, tag: tag ? tag.textContent : null,
        tagShown: tag ? tag.getBoundingClientRect().width > 0 : false,
        frame: getComputedStyle(inner).borderTopStyle,
        hostFrame: getComputedStyle(outer).borderTopStyle,
        hostNested: outer.classList.contains('nested'),
        nestedOnPage: document.querySelectorAll('mark.claim.nested[tabindex]').length};
"""


def test_nested_claims_are_visibly_nested_in_the_document_pages(browser: object,
                                                                site: Path) -> None:
    """Every nested claim of the release (parent_claim_id set) is drawn inside its parent,
    framed and labelled 'nested', and its panel names the parent."""
    from selenium.webdriver.common.by import By

    nested = [c for c in CLAIMS if c["parent_claim_id"]]
    assert len(nested) == 7
    per_doc = Counter(c["doc_id"] for c in nested)
    for c in nested:
        browser.get((site / f"doc-{c['doc_id']}.html").as_uri())
        got = browser.execute_script(NESTED_JS, c["claim_id"], c["parent_claim_id"])
        assert got is not None, c["claim_id"]
        assert got["parent"] == c["parent_claim_id"]
        assert (got["tag"], got["tagShown"]) == ("nested", True)
        assert got["frame"] != "none" and got["hostFrame"] == "none"  # the frame is visible
        assert not got["hostNested"]
        assert got["nestedOnPage"] == per_doc[c["doc_id"]]
        browser.find_element(By.ID, c["claim_id"]).click()
        panel = browser.find_element(By.ID, "details").text
        assert f"nested in claim {c['parent_claim_id']}" in panel


# --------------------------------------------------------------------------------------
# The contrast page.
# --------------------------------------------------------------------------------------
def _drafts(name: str) -> dict[str, dict]:
    lines = (ROOT / "annotations" / "contrast" / name).read_text(encoding="utf-8").splitlines()
    rows = [json.loads(line) for line in lines if line.strip()]
    return {r.get("contrast_id") or r["pair_id"]: r for r in rows}


CONTRAST_JS = """
const text = el => { const c = el.cloneNode(true);
  c.querySelectorAll('.tag').forEach(t => t.remove()); return c.textContent; };
return Array.from(document.querySelectorAll('tr.contrast-row')).map(r => {
  const edited = r.querySelector('td.edited p.passage');
  const original = r.querySelector('td.original p.passage');
  const claim = edited.querySelector('mark.claim');
  return {id: r.dataset.contrastId, stance: r.dataset.stance,
          markStance: claim.dataset.stance, label: claim.querySelector('.stance-tag').textContent,
          claim: text(claim), text: text(edited), original: text(original),
          origClaim: original.querySelector('mark.claim') ?
            original.querySelector('mark.claim .stance-tag').textContent : null,
          ins: Array.from(edited.querySelectorAll('ins.diff')).map(x => x.textContent),
          del: Array.from(original.querySelectorAll('del.diff')).map(x => x.textContent)};
});
"""


def test_contrast_page_shows_every_edit_beside_its_original(browser: object,
                                                           site: Path) -> None:
    browser.get((site / "contrast.html").as_uri())
    rows = browser.execute_script(CONTRAST_JS)
    drafts = _drafts("edits.jsonl")
    assert [r["id"] for r in rows] == [r["contrast_id"] for r in CONTRAST]  # every row, once
    claims = {c["claim_id"]: c for c in CLAIMS}
    for got, row in zip(rows, CONTRAST, strict=True):
        draft = drafts[got["id"]]
        stance = STANCES[row["stance"]]
        assert got["stance"] == got["markStance"] == got["label"] == stance == draft["stance"]
        assert (got["text"], got["claim"], got["original"]) == (
            draft["text"], draft["claim"], draft["original"])
        assert got["origClaim"] == STANCES[claims[draft["original_claim_id"]]["stance"]]
        # the highlighted words are words of the edit: put in (new) or taken out (old)
        assert got["ins"] or got["del"], got["id"]
        new = " ".join(n for _, n in draft["edit"]).lower()
        old = " ".join(o for o, _ in draft["edit"]).lower()
        assert all(w.lower() in new for w in got["ins"]), (got["id"], got["ins"])
        assert all(w.lower() in old for w in got["del"]), (got["id"], got["del"])
    counts = browser.execute_script(
        "return Object.fromEntries(Array.from(document.querySelectorAll('#edit-types td.count'))"
        ".map(td => [td.dataset.editType, Number(td.textContent)]))")
    assert counts == {t: sum(1 for r in CONTRAST if CONTRAST_EDIT_TYPES[r["edit_type"]] == t)
                      for t in CONTRAST_EDIT_TYPES}
    # stances differ by border pattern too, not by colour alone
    patterns = browser.execute_script(
        "const out = {}; document.querySelectorAll('td.edited mark.claim').forEach(m => "
        "out[m.dataset.stance] = getComputedStyle(m).borderBottomStyle); return out;")
    assert set(patterns) == set(STANCES) and len(set(patterns.values())) == len(STANCES)


def test_contrast_page_shows_every_pair_with_its_type(browser: object, site: Path) -> None:
    browser.get((site / "contrast.html").as_uri())
    rows = browser.execute_script(
        "return Array.from(document.querySelectorAll('tr.pair-row')).map(r => [r.dataset.pairId,"
        " r.dataset.kind, r.querySelector('.pair-type').textContent,"
        " r.querySelector('.pair-label').textContent, r.querySelector('td.edited').textContent,"
        " r.querySelectorAll('td.edited ins.diff, td.natural del.diff').length])")
    assert [r[0] for r in rows] == [p["pair_id"] for p in CONTRAST_PAIRS]
    drafts = _drafts("pairs.jsonl")
    for (pid, kind, shown, label, edited, n_diff), row in zip(rows, CONTRAST_PAIRS, strict=True):
        draft = drafts[pid]
        edit_type = PAIR_EDIT_TYPES[row["edit_type"]]
        assert edit_type == draft["edit_type"]
        # the cell from the draft's label and the pair's token-LCS Dice similarity
        high = row["similarity"] >= 0.7
        want = (("same" if draft["duplicate"] else "different")
                + (", high overlap" if high else ", low overlap"))
        assert (shown, kind) == (want, want.replace(", ", "-").replace(" overlap", ""))
        assert label == ("duplicate" if draft["duplicate"] else "not a duplicate")
        assert edited == draft["edited_text"] and n_diff > 0
    assert {k for _, k, *_ in rows} == {"same-high", "same-low", "different-high",
                                         "different-low"}


def test_index_links_the_contrast_page(browser: object, site: Path) -> None:
    browser.get((site / "index.html").as_uri())
    link = browser.execute_script(
        "const a = document.getElementById('contrast-link'); "
        "return [a.getAttribute('href'), a.textContent]")
    assert link == ["contrast.html", f"{len(CONTRAST)} stance and attribution edits and "
                                     f"{len(CONTRAST_PAIRS)} duplicate pairs"]
    browser.get((site / "contrast.html").as_uri())
    assert browser.execute_script("return document.querySelectorAll('tr.contrast-row').length"
                                  ) == len(CONTRAST)


def test_readme_images_are_current(site: Path) -> None:
    """docs/img/ holds what a fresh render gives (regenerate: scripts/explorer_images.py)."""
    from PIL import Image

    for name in ("matrix.png", "matrix.svg"):
        assert (ROOT / "docs" / "img" / name).read_bytes() == (
            site / "figures" / name).read_bytes(), f"re-run scripts/explorer_images.py ({name})"
    shot = np.asarray(Image.open(ROOT / "docs" / "img" / "explorer.png").convert("RGB"))
    assert len({tuple(p) for p in shot.reshape(-1, 3).tolist()}) > 100
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "docs/img/explorer.png" in readme and "docs/img/matrix.png" in readme
