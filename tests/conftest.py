"""Fixtures shared by test folders."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from local_site import local_site


@pytest.fixture
def site() -> Iterator[tuple[str, list[str]]]:
    """A tiny web site on loopback (tests/local_site.py): its base URL and the paths asked for."""
    with local_site() as served:
        yield served
