"""``WebSettings``: the web app's limits and options (no web framework needed to read them)."""

from __future__ import annotations

import os
from dataclasses import dataclass, field

DEFAULT_WORKERS_CAP = 4
"""The most analyses run at once by default, however many CPUs there are (``unspin serve
--help`` says so too)."""


@dataclass(frozen=True)
class WebSettings:
    """Limits and options of the web app; every field has a safe default."""

    model: str | None = None
    """Model (a folder or an installed model's name) that reads every text when no analyzer is
    given (``None``: each text's language chooses, as ``unspin analyze`` does)."""
    max_chars: int = 100_000
    """Longest text accepted, in characters (longer gives HTTP 413)."""
    max_batch: int = 64
    """Most documents in one batch request (more gives HTTP 413)."""
    request_timeout: float = 60.0
    """Seconds an analysis may run once a worker has it (longer gives HTTP 504 and the
    analysis stops)."""
    queue_timeout: float = 60.0
    """Seconds a request may wait for a free worker (longer gives HTTP 504); smaller texts
    are served first."""
    express_chars: int = 2_000
    """Requests of at most this many characters in all have ``workers`` workers of their own,
    so they never wait behind long texts."""
    allow_private_urls: bool = False
    """Let URL input reach private, loopback and link-local addresses (never on a shared host)."""
    fetch_timeout: float = 10.0
    fetch_max_bytes: int = 5_000_000
    max_upload_bytes: int = 2_000_000
    page_floor: float | None = None
    """Threshold the analysis page analyses at, the slider's lowest value (``None``: the
    analyzer's own threshold, so the page shows what the API returns). Lower lets the slider
    reveal less confident spans, decoded at that lower threshold (so they can be longer)."""
    workers: int = field(
        default_factory=lambda: max(1, min(DEFAULT_WORKERS_CAP, os.cpu_count() or 1))
    )
    """Analyses run at the same time; further requests wait their turn (default: the number of
    CPUs, at most :data:`DEFAULT_WORKERS_CAP`)."""

    @property
    def max_body_bytes(self) -> int:
        """Largest request body accepted before parsing (UTF-8 worst case plus JSON overhead)."""
        return 4 * self.max_chars * max(1, self.max_batch) + 1_000_000
