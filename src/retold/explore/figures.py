"""The claim × document matrix as a figure (PNG and SVG), drawn with matplotlib.

Each cell says which stances a document gives a recurring proposition, by colour *and* by
letter and hatch pattern, never colour alone. The files are deterministic: no dates, a
fixed SVG hash salt, no software stamp.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from retold.schema import STANCES

COLOURS = {"asserted": "#0072B2", "reported": "#009E73", "hedged": "#E69F00",
           "denied": "#D55E00"}
"""Okabe-Ito colours, distinguishable with the common colour-vision deficiencies."""
HATCHES = {"asserted": "", "reported": "//", "hedged": "..", "denied": "xx"}
LETTERS = {s: s[0].upper() for s in STANCES}
_FALLBACK = ("#777777", "++")


def stance_style(stance: str) -> tuple[str, str, str]:
    """Colour, hatch and letter of a stance (a grey cross-hatch for a stance added later)."""
    colour, hatch = COLOURS.get(stance, _FALLBACK[0]), HATCHES.get(stance, _FALLBACK[1])
    return colour, hatch, LETTERS.get(stance, stance[:1].upper())


def draw_matrix(rows: Sequence[str], columns: Sequence[str],
                cells: dict[tuple[str, str], list[str]], out_dir: Path) -> list[str]:
    """Write ``matrix.png`` and ``matrix.svg``; return their names."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.patches import Patch, Rectangle

    matplotlib.rcParams["svg.hashsalt"] = "retold"
    matplotlib.rcParams["hatch.linewidth"] = 0.8
    width = 2.6 + 1.25 * len(columns)
    height = 1.8 + 0.32 * len(rows)
    fig, ax = plt.subplots(figsize=(width, height))
    for y, row in enumerate(rows):
        for x, column in enumerate(columns):
            stances = cells.get((row, column), [])
            if not stances:
                ax.add_patch(Rectangle((x, y), 1, 1, facecolor="white", edgecolor="#dddddd"))
                continue
            share = 1 / len(stances)
            for i, stance in enumerate(stances):
                colour, hatch, _ = stance_style(stance)
                ax.add_patch(Rectangle((x + i * share, y), share, 1, facecolor=colour,
                                       hatch=hatch, edgecolor="white", linewidth=1))
            ax.text(x + 0.5, y + 0.5, "+".join(stance_style(s)[2] for s in stances),
                    ha="center", va="center", fontsize=8, color="black",
                    bbox={"boxstyle": "round,pad=0.15", "facecolor": "white", "alpha": 0.85,
                          "linewidth": 0})
    ax.set_xlim(0, len(columns))
    ax.set_ylim(len(rows), 0)
    ax.set_xticks([x + 0.5 for x in range(len(columns))], labels=list(columns), rotation=30,
                  ha="right", fontsize=8)
    ax.set_yticks([y + 0.5 for y in range(len(rows))], labels=list(rows), fontsize=7)
    ax.tick_params(length=0)
    for side in ax.spines.values():
        side.set_visible(False)
    handles = [Patch(facecolor=stance_style(s)[0], hatch=stance_style(s)[1], edgecolor="white",
                     label=f"{stance_style(s)[2]} = {s}") for s in STANCES]
    ax.legend(handles=handles, loc="lower center", bbox_to_anchor=(0.5, 1.0),
              ncol=len(STANCES), fontsize=8, frameon=False)
    ax.set_title("Which document asserts, reports, hedges or denies each recurring "
                 "proposition", fontsize=9, pad=24)
    names = []
    for fmt, meta in (("png", {"Software": None}), ("svg", {"Date": None})):
        name = f"matrix.{fmt}"
        fig.savefig(out_dir / name, format=fmt, dpi=150, metadata=meta, bbox_inches="tight")
        names.append(name)
    plt.close(fig)
    return names
