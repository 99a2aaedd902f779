"""The runner that analyses texts off the event loop, within the web app's settings."""

from __future__ import annotations

import functools
import heapq
import itertools
import threading
from collections.abc import Callable, Iterable
from typing import Protocol, TypeVar

import anyio

from unspin.errors import UnspinError
from unspin.inference import Router, stop_when
from unspin.inference.model_folder import ModelError
from unspin.schema import Analysis, Document, ModelInfo
from unspin.web.settings import WebSettings

T = TypeVar("T")


class AnalyzerLike(Protocol):
    """What the web app needs from ``unspin.inference.Analyzer``."""

    def analyze(self, item: str | Document, /, threshold: float | None = None) -> Analysis: ...

    def analyze_batch(
        self, items: Iterable[str | Document], /, threshold: float | None = None
    ) -> list[Analysis]: ...

    @property
    def info(self) -> ModelInfo: ...


class AnalysisTimeout(UnspinError):
    """An analysis did not get a worker, or did not finish, within its time limit."""


class SmallestFirst:
    """``capacity`` slots handed out smallest job first, so that a five-word request does not
    wait behind a queue of long articles (equal sizes: first come, first served)."""

    def __init__(self, capacity: int) -> None:
        self._free = capacity
        self._waiting: list[tuple[int, int, anyio.Event]] = []
        self._order = itertools.count()

    async def acquire(self, size: int) -> None:
        """Wait for a slot; a smaller ``size`` goes first."""
        if self._free > 0 and not self._waiting:
            self._free -= 1
            return
        entry = (size, next(self._order), anyio.Event())
        heapq.heappush(self._waiting, entry)
        try:
            await entry[2].wait()
        except BaseException:
            if entry[2].is_set():  # handed a slot just as it gave up: pass it on
                self.release()
            else:
                self._waiting.remove(entry)
                heapq.heapify(self._waiting)
            raise

    def release(self) -> None:
        """Give the slot to the smallest waiting job, or free it."""
        if self._waiting:
            heapq.heappop(self._waiting)[2].set()
        else:
            self._free += 1


class Runner:
    """Runs a shared analyzer (an :class:`~unspin.inference.Router` unless the app was given a
    fixed one) in worker threads, a few at a time, smallest request first.

    Requests of at most ``express_chars`` characters have workers of their own, so a short
    text never waits for a long article to finish (they take milliseconds, so the extra
    threads cost little CPU). Waiting for a worker (``queue_timeout``) and analysing
    (``request_timeout``) have limits of their own. An analysis that runs out of time stops
    before its next model call (``unspin.inference.stop_when``), so an abandoned request frees
    its worker and the CPU.
    """

    def __init__(self, analyzer: AnalyzerLike, settings: WebSettings) -> None:
        self.analyzer = analyzer
        self.settings = settings
        self._slots = SmallestFirst(settings.workers)
        self._express = SmallestFirst(settings.workers)

    @property
    def default_threshold(self) -> float:
        """The analyzer's own threshold (0.5 when it does not say)."""
        value = getattr(self.analyzer, "threshold", None)
        return float(value) if isinstance(value, int | float) else 0.5

    def models(self) -> list[ModelInfo]:
        """The models a text may go to, the default first."""
        if isinstance(self.analyzer, Router):
            return self.analyzer.infos()
        return [self.analyzer.info]

    def analyzer_named(self, model: str | None) -> AnalyzerLike:
        """What reads a request's texts: the installed model called ``model`` (None: the
        analyzer's own choice, per text when it routes). ModelError for a name the server has
        no model of, or another model than the one it was started with (``--model``)."""
        if model is None:
            return self.analyzer
        if isinstance(self.analyzer, Router):
            return self.analyzer.named(model)
        if model != self.analyzer.info.name:
            raise ModelError(f"every text is read by {self.analyzer.info.name} here, not {model!r}")
        return self.analyzer

    async def analyze(
        self, document: Document, threshold: float | None = None, model: str | None = None
    ) -> Analysis:
        """Analyse one document in a worker thread (with the model called ``model``)."""
        analyzer = self.analyzer_named(model)
        work = functools.partial(analyzer.analyze, document, threshold=threshold)
        return await self._run(work, len(document.text))

    async def analyze_batch(
        self, documents: list[Document], threshold: float | None = None, model: str | None = None
    ) -> list[Analysis]:
        """Analyse several documents in one go, results in the same order."""
        analyzer = self.analyzer_named(model)
        work = functools.partial(analyzer.analyze_batch, documents, threshold=threshold)
        return await self._run(work, sum(len(d.text) for d in documents))

    async def _run(self, work: Callable[[], T], size: int) -> T:
        settings = self.settings
        slots = self._express if size <= settings.express_chars else self._slots
        try:
            with anyio.fail_after(settings.queue_timeout):
                await slots.acquire(size)
        except TimeoutError:
            raise AnalysisTimeout(
                f"the server is busy: no worker was free within {settings.queue_timeout:g} s"
            ) from None
        stop = threading.Event()
        try:
            with anyio.fail_after(settings.request_timeout):
                return await anyio.to_thread.run_sync(_stopping, stop, work, abandon_on_cancel=True)
        except TimeoutError:
            stop.set()
            raise AnalysisTimeout(
                f"the analysis took longer than {settings.request_timeout:g} s"
            ) from None
        finally:
            slots.release()


def _stopping(stop: threading.Event, work: Callable[[], T]) -> T:
    with stop_when(stop):
        return work()
