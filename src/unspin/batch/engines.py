"""Where shards are analysed: :class:`LocalEngine`, a pool of processes on this machine.

An engine starts its workers (each loads its models once), says which models they may use, then
turns a stream of shards into a stream of (shard, results) pairs in the order they finish,
holding only a few shards per worker in flight. A worker that dies takes nothing with it: its
shards are given to a fresh one. ``unspin.batch.ray_engine`` runs the same workers on Ray.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from typing import Protocol

from unspin.batch.work import FoundOrError, Shard, ShardWorker
from unspin.errors import UnspinError
from unspin.schema import Document, ModelInfo

SHARDS_PER_WORKER = 2
"""Shards in flight per worker: one running, one waiting, so no worker idles between shards."""
MAX_ATTEMPTS = 3
"""Times a shard is started before its run is given up (a shard that kills every worker)."""

Finished = tuple[Shard, list[FoundOrError]]


class Engine(Protocol):
    """What the batch driver needs from an engine."""

    model: str | None
    threshold: float | None

    def start(self) -> list[ModelInfo]:
        """Start the workers; return the models they may use, the default first."""
        ...

    @property
    def workers(self) -> int:
        """How many workers analyse at once (once started)."""
        ...

    def run(self, shards: Iterator[Shard]) -> Iterator[Finished]:
        """Analyse ``shards``; yield each with its results as it finishes."""
        ...

    def close(self) -> None:
        """Stop the workers."""
        ...


class WorkerLostError(UnspinError, RuntimeError):
    """A shard's worker died more than :data:`MAX_ATTEMPTS` times."""


def check_attempts(shard: Shard, attempts: dict[int, int]) -> None:
    """Raise WorkerLostError when ``shard`` has been started :data:`MAX_ATTEMPTS` times."""
    if attempts[shard.index] >= MAX_ATTEMPTS:
        raise WorkerLostError(
            f"shard {shard.index} was started {MAX_ATTEMPTS} times and each time its worker "
            "died; run the same command again to retry it"
        )


_worker: ShardWorker | None = None


def _start_worker(model: str | None, threshold: float | None) -> None:
    global _worker
    _worker = ShardWorker(model, threshold)


def _worker_models() -> list[ModelInfo]:
    assert _worker is not None
    return _worker.models()


def _analyze(documents: list[Document]) -> list[FoundOrError]:
    assert _worker is not None
    return _worker.analyze(documents)


class LocalEngine:
    """A process pool on this machine, one model-loading worker per process."""

    def __init__(
        self, model: str | None = None, threshold: float | None = None, workers: int | None = None
    ) -> None:
        self.model = model
        self.threshold = threshold
        self._workers = workers or os.cpu_count() or 1
        self._pool: ProcessPoolExecutor | None = None

    @property
    def workers(self) -> int:
        return self._workers

    def _new_pool(self) -> ProcessPoolExecutor:
        # spawn: the driver runs threads (progress display) that a forked child must not inherit
        return ProcessPoolExecutor(
            self.workers,
            mp_context=multiprocessing.get_context("spawn"),
            initializer=_start_worker,
            initargs=(self.model, self.threshold),
        )

    def start(self) -> list[ModelInfo]:
        self._pool = self._new_pool()
        try:
            return self._pool.submit(_worker_models).result()
        except BrokenProcessPool:  # the worker died starting: show why by starting one here
            ShardWorker(self.model, self.threshold)
            raise WorkerLostError("the worker processes could not start") from None

    def run(self, shards: Iterator[Shard]) -> Iterator[Finished]:
        pending: dict[Future[list[FoundOrError]], Shard] = {}
        attempts: dict[int, int] = {}
        lost: list[Shard] = []
        while True:
            while len(pending) < self.workers * SHARDS_PER_WORKER:
                shard = lost.pop() if lost else next(shards, None)
                if shard is None:
                    break
                attempts[shard.index] = attempts.get(shard.index, 0) + 1
                pending[self._submit(shard)] = shard
            if not pending:
                return
            done, _ = wait(pending, return_when=FIRST_COMPLETED)
            for future in done:
                shard = pending.pop(future)
                try:
                    results = future.result()
                except BrokenProcessPool:
                    check_attempts(shard, attempts)
                    lost.append(shard)
                    continue
                yield shard, results

    def _submit(self, shard: Shard) -> Future[list[FoundOrError]]:
        assert self._pool is not None
        try:
            return self._pool.submit(_analyze, shard.documents)
        except BrokenProcessPool:  # a worker died: the pool is unusable, start another
            self._pool.shutdown(wait=False, cancel_futures=True)
            self._pool = self._new_pool()
            return self._pool.submit(_analyze, shard.documents)

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None


__all__ = [
    "MAX_ATTEMPTS",
    "Engine",
    "Finished",
    "LocalEngine",
    "WorkerLostError",
    "check_attempts",
]
