"""The source graph: who cites whom along the attribution chains, as inline SVG.

Nodes are documents and sources; an edge runs from a document to the first link of each
chain it reports, and from each link to the next. Columns are the longest citation path
from a document to the node (documents, then the sources they cite, then the sources
those cite...), rows are alphabetical: a deterministic layout that needs no graph library.
"""

from __future__ import annotations

import itertools
from collections import Counter
from html import escape

from retold.explore.data import Release

COLUMN_WIDTH = 330
ROW_HEIGHT = 30
PAD = 20


def citation_edges(release: Release) -> Counter[tuple[str, str]]:
    """(citing, cited) → number of claims, over every claim's chain."""
    edges: Counter[tuple[str, str]] = Counter()
    for c in release.claims:
        chain = [c["doc_id"], *c["source_chain"]]
        for a, b in itertools.pairwise(chain):
            edges[(a, b)] += 1
    return edges


def graph_svg(edges: Counter[tuple[str, str]], names: dict[str, str]) -> str:
    depth: dict[str, int] = {}
    citing = {a for a, _ in edges}
    cited = {b for _, b in edges}
    for node in sorted(citing - cited):
        depth[node] = 0
    nodes = citing | cited
    for _ in range(len(nodes)):  # longest path; the bound also stops on a citation cycle
        changed = False
        for a, b in sorted(edges):
            if a in depth and depth.get(b, -1) < depth[a] + 1 and depth[a] + 1 < len(nodes):
                depth[b] = depth[a] + 1
                changed = True
        if not changed:
            break
    for node in sorted(citing | cited):
        depth.setdefault(node, 0)
    columns: dict[int, list[str]] = {}
    for node in sorted(depth, key=lambda n: (depth[n], names.get(n, n).lower())):
        columns.setdefault(depth[node], []).append(node)
    position = {n: (PAD + d * COLUMN_WIDTH, PAD + 10 + i * ROW_HEIGHT)
                for d, nodes in columns.items() for i, n in enumerate(nodes)}
    width = PAD * 2 + COLUMN_WIDTH * max(len(columns), 1)
    height = PAD * 2 + ROW_HEIGHT * max((len(v) for v in columns.values()), default=1)
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" class="graph" id="source-graph" '
             f'width="{width}" height="{height}" viewBox="0 0 {width} {height}" role="img" '
             f'aria-label="Source graph: who cites whom">',
             '<defs><marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" '
             'markerWidth="6" markerHeight="6" orient="auto-start-reverse">'
             '<path d="M 0 0 L 10 5 L 0 10 z" fill="#555"/></marker></defs>']
    for (a, b), n in sorted(edges.items()):
        (x1, y1), (x2, y2) = position[a], position[b]
        label_end = x1 + 12 + 7 * len(names.get(a, a))
        parts.append(f'<line class="edge" x1="{label_end}" y1="{y1}" x2="{x2 - 6}" y2="{y2}" '
                     f'stroke="#888" stroke-width="{min(1 + n / 4, 5):.1f}" '
                     f'marker-end="url(#arrow)"><title>{escape(a)} → {escape(b)}: {n}</title>'
                     f"</line>")
    for node, (x, y) in sorted(position.items()):
        kind = "node-document" if depth[node] == 0 and node not in names else "node-source"
        parts.append(f'<g class="node {kind}" data-node="{escape(node)}"><circle cx="{x}" '
                     f'cy="{y}" r="4"/><text x="{x + 8}" y="{y + 4}">'
                     f"{escape(names.get(node, node))}</text></g>")
    parts.append("</svg>")
    return "".join(parts)
