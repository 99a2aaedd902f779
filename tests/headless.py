"""Headless Chromium (Debian's ``chromium``, driven by Playwright) for the browser tests."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = os.environ.get("UNSPIN_CHROMIUM", "/usr/bin/chromium")
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def chromium() -> Iterator[Any]:
    """A launched browser (for a module-scoped fixture), or a skip that says why there is none
    (``scripts/ensure-chromium.sh`` installs it)."""
    if not Path(CHROMIUM).exists():
        pytest.skip(f"Chromium not at {CHROMIUM} (scripts/ensure-chromium.sh installs it)")
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        yield launched
        launched.close()
