"""Regenerate the README's explorer images in docs/img/ from the committed release.

    .venv/bin/python scripts/explorer_images.py

Renders the explorer (``retold render``) into a temporary folder, copies the matrix figure
(``matrix.png``, ``matrix.svg``) and takes a screenshot of one document page with headless
Chromium (Debian's ``chromium``; ``scripts/install_browser.sh`` installs it). The tests
check that the committed matrix figures are those a fresh render gives.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from retold.explore.site import render_site

ROOT = Path(__file__).resolve().parent.parent
IMG = ROOT / "docs" / "img"
PAGE = "doc-004-state-media.html"
FOCUS = "#focus=004-c022"
"""The claim focused in the screenshot (its details panel is shown): a nested claim."""
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--hide-scrollbars", "--window-size=1280,860", "--virtual-time-budget=3000"]


def main() -> int:
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:
        print("explorer_images: chromium is not installed (apt-get install chromium)",
              file=sys.stderr)
        return 1
    IMG.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        site = Path(tmp) / "site"
        render_site(ROOT / "release", site)
        for name in ("matrix.png", "matrix.svg"):
            shutil.copyfile(site / "figures" / name, IMG / name)
        profile = Path(tmp) / "profile"
        subprocess.run([chromium, *FLAGS, f"--user-data-dir={profile}",
                        f"--screenshot={IMG / 'explorer.png'}",
                        (site / PAGE).as_uri() + FOCUS],
                       check=True, capture_output=True, timeout=120)
    print(f"explorer_images: wrote {IMG}/explorer.png, matrix.png, matrix.svg")
    return 0


if __name__ == "__main__":
    sys.exit(main())
