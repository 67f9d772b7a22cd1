"""Headless Chromium for the explorer tests, driven by Selenium and Debian's chromedriver.

``scripts/test.sh`` installs Debian's ``chromium`` and ``chromium-driver`` when they are
missing. When that install failed it sets ``RETOLD_BROWSER_UNAVAILABLE`` to the reason, and
only then are the browser tests skipped (with that reason); a missing browser without
that reason fails the tests, so CI cannot pass them silently.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest

FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--window-size=1280,900")


def executables() -> tuple[str, str]:
    """Paths of chromium and chromedriver, or skip/fail as the module docstring says."""
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    driver = shutil.which("chromedriver")
    if chromium and driver:
        return chromium, driver
    reason = os.environ.get("RETOLD_BROWSER_UNAVAILABLE")
    missing = ", ".join(n for n, p in (("chromium", chromium), ("chromedriver", driver)) if not p)
    if reason:
        pytest.skip(f"{missing} missing and could not be installed: {reason}")
    pytest.fail(f"{missing} not installed: run bash scripts/test.sh (it installs Debian's "
                "chromium and chromium-driver) or apt-get install chromium chromium-driver")


@contextmanager
def chromium() -> Iterator[Any]:
    """A headless Chromium WebDriver with a fresh profile, closed afterwards."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    binary, driver_path = executables()
    os.environ.setdefault("SE_OFFLINE", "true")  # never let Selenium look for downloads
    profile = tempfile.mkdtemp(prefix="retold-chromium-")
    options = webdriver.ChromeOptions()
    options.binary_location = binary
    for flag in FLAGS:
        options.add_argument(flag)
    options.add_argument(f"--user-data-dir={profile}")
    driver = webdriver.Chrome(service=Service(executable_path=driver_path), options=options)
    try:
        yield driver
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)
