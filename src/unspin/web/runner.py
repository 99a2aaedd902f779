"""The runner that analyses texts off the event loop, within the web app's settings."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Protocol, TypeVar

import anyio

from unspin.errors import UnspinError
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
    """An analysis did not finish within the request timeout."""


class Runner:
    """Runs a shared analyzer in worker threads, a few at a time, with a time limit."""

    def __init__(self, analyzer: AnalyzerLike, settings: WebSettings) -> None:
        self.analyzer = analyzer
        self.settings = settings
        self._limiter = anyio.CapacityLimiter(settings.workers)

    @property
    def default_threshold(self) -> float:
        """The analyzer's own threshold (0.5 when it does not say)."""
        value = getattr(self.analyzer, "threshold", None)
        return float(value) if isinstance(value, int | float) else 0.5

    async def analyze(self, document: Document, threshold: float | None = None) -> Analysis:
        """Analyse one document in a worker thread."""
        return await self._run(lambda: self.analyzer.analyze(document, threshold=threshold))

    async def analyze_batch(
        self, documents: list[Document], threshold: float | None = None
    ) -> list[Analysis]:
        """Analyse several documents in one go, results in the same order."""
        return await self._run(lambda: self.analyzer.analyze_batch(documents, threshold=threshold))

    async def _run(self, work: Callable[[], T]) -> T:
        try:
            with anyio.fail_after(self.settings.request_timeout):
                return await anyio.to_thread.run_sync(
                    work, abandon_on_cancel=True, limiter=self._limiter
                )
        except TimeoutError:
            raise AnalysisTimeout(
                f"the analysis took longer than {self.settings.request_timeout:g} s"
            ) from None
