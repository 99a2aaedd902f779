"""The Ray engine: the batch workers as Ray actors, on this machine or on a Ray cluster.

Each actor (one CPU) loads the model once and analyses the shards it is sent; the driver keeps
two shards in flight per actor and writes results as they come back, so the output folder only
needs to exist on the driver's machine. Actors restart when their process dies (Ray retries
the shard on the restarted actor); an actor that is gone for good is replaced and its shards
are sent again. Needs the ``ray`` extra on every node, and the model folder at the same path
on every node when ``--model`` is given.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

from unspin.batch.engines import SHARDS_PER_WORKER, Finished, check_attempts
from unspin.batch.work import Shard, ShardWorker
from unspin.errors import UnspinError
from unspin.schema import ModelInfo

LOCAL_OBJECT_STORE_BYTES = 256 * 1024**2
"""Object store of a Ray this engine starts itself: shards are small, the default is 30% of RAM."""


class RayUnavailableError(UnspinError, ImportError):
    """``--engine ray`` without Ray installed."""


def import_ray() -> Any:
    """The ``ray`` module, or a RayUnavailableError naming the extra to install."""
    try:
        import ray
    except ImportError as error:
        raise RayUnavailableError(
            f"--engine ray needs Ray: pip install 'unspin[ray]' ({error})"
        ) from None
    return ray


class RayEngine:
    """Batch workers as Ray actors.

    ``address`` is a running cluster's (``auto``, ``ray://host:10001``, ``host:6379``); without
    it, ``RAY_ADDRESS`` is used, and without that a Ray is started on this machine (and stopped
    afterwards). When Ray is already initialised in this process, that Ray is used as it is.
    ``actors`` defaults to the cluster's CPU count.
    """

    def __init__(
        self,
        model: str | None = None,
        threshold: float | None = None,
        actors: int | None = None,
        address: str | None = None,
    ) -> None:
        self.model = model
        self.threshold = threshold
        self.requested_actors = actors
        self.address = address or os.environ.get("RAY_ADDRESS") or None
        self.actors: list[Any] = []
        self._ray = import_ray()
        self._started_ray = False
        self._actor_class: Any = None

    def start(self) -> list[ModelInfo]:
        ray = self._ray
        if not ray.is_initialized():
            if self.address:
                ray.init(address=self.address, log_to_driver=False)
            else:
                ray.init(
                    num_cpus=self.requested_actors or os.cpu_count() or 1,
                    include_dashboard=False,
                    object_store_memory=LOCAL_OBJECT_STORE_BYTES,
                    log_to_driver=False,
                )
            self._started_ray = True
        cpus = int(ray.cluster_resources().get("CPU", 0))
        count = self.requested_actors or max(cpus, 1)
        if count > cpus:
            raise ValueError(
                f"{count} actors need {count} CPUs, and the Ray cluster has {cpus}; "
                "ask for fewer with --actors or add nodes"
            )
        self._actor_class = ray.remote(num_cpus=1, max_restarts=-1, max_task_retries=-1)(
            ShardWorker
        )
        self.actors = [self._new_actor() for _ in range(count)]
        infos: list[list[ModelInfo]] = ray.get([actor.models.remote() for actor in self.actors])
        if len({tuple(models) for models in infos}) > 1:
            found = ", ".join(
                sorted({f"{i.name} {i.version} ({i.fingerprint})" for m in infos for i in m})
            )
            raise ValueError(
                f"the cluster's nodes load different models ({found}); install the same "
                "unspin and model on every node"
            )
        return infos[0]

    @property
    def workers(self) -> int:
        return len(self.actors)

    def _new_actor(self) -> Any:
        return self._actor_class.remote(self.model, self.threshold)

    def run(self, shards: Iterator[Shard]) -> Iterator[Finished]:
        ray = self._ray
        pending: dict[Any, tuple[int, Shard]] = {}
        load = [0] * len(self.actors)
        attempts: dict[int, int] = {}
        lost: list[Shard] = []
        while True:
            while len(pending) < len(self.actors) * SHARDS_PER_WORKER:
                shard = lost.pop() if lost else next(shards, None)
                if shard is None:
                    break
                attempts[shard.index] = attempts.get(shard.index, 0) + 1
                slot = load.index(min(load))
                load[slot] += 1
                pending[self.actors[slot].analyze.remote(shard.documents)] = (slot, shard)
            if not pending:
                return
            done, _ = ray.wait(list(pending), num_returns=1)
            slot, shard = pending.pop(done[0])
            load[slot] -= 1
            try:
                results = ray.get(done[0])
            except ray.exceptions.RayActorError:
                check_attempts(shard, attempts)
                self._replace_if_dead(slot)
                lost.append(shard)
                continue
            yield shard, results

    def _replace_if_dead(self, slot: int) -> None:
        """Start a new actor in ``slot`` when the one there is gone for good."""
        ray = self._ray
        try:
            ray.get(self.actors[slot].models.remote(), timeout=60)
        except (ray.exceptions.RayActorError, ray.exceptions.GetTimeoutError):
            self.actors[slot] = self._new_actor()

    def close(self) -> None:
        for actor in self.actors:
            self._ray.kill(actor)
        self.actors = []
        if self._started_ray:
            self._ray.shutdown()
            self._started_ray = False


__all__ = ["LOCAL_OBJECT_STORE_BYTES", "RayEngine", "RayUnavailableError", "import_ray"]
