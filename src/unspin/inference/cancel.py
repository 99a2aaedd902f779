"""Stopping an analysis that nobody waits for any more, between two model calls."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from unspin.errors import UnspinError


class AnalysisCancelled(UnspinError):
    """An analysis stopped between two model calls because its caller gave up on it."""


_stop: ContextVar[threading.Event | None] = ContextVar("unspin_stop", default=None)


@contextmanager
def stop_when(event: threading.Event) -> Iterator[None]:
    """Within this block, analyses in this thread stop before their next model call once
    ``event`` is set, raising :class:`AnalysisCancelled` (a server whose client gave up on a
    request frees its worker and the CPU this way)."""
    token = _stop.set(event)
    try:
        yield
    finally:
        _stop.reset(token)


def stop_event() -> threading.Event | None:
    """The event set by ``stop_when`` around the current code, if any (read it in the thread
    that starts the work: the Analyzer's own worker threads do not see it)."""
    return _stop.get()


def raise_if_stopped(event: threading.Event | None) -> None:
    """Raise :class:`AnalysisCancelled` once ``event`` is set."""
    if event is not None and event.is_set():
        raise AnalysisCancelled("the analysis was stopped: its request gave up on it")
