"""Batch analysis: files in, Parquet shards out, on a process pool or a Ray cluster.

>>> from unspin.batch import LocalEngine, run_batch        # doctest: +SKIP
>>> run_batch([Path("articles/")], Path("out"), LocalEngine())  # doctest: +SKIP

Needs ``pyarrow`` (the ``parquet`` extra); the Ray engine (``unspin.batch.ray_engine``) needs
the ``ray`` extra. Names are imported on first use, so ``unspin.batch.manifest`` (standard
library only) can be used without either.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from unspin.batch.engines import Engine, LocalEngine
    from unspin.batch.manifest import BATCH_SCHEMA, Manifest, ManifestMismatchError
    from unspin.batch.run import BatchSummary, run_batch
    from unspin.batch.table import read_shard

_HOMES = {
    "Engine": "engines",
    "LocalEngine": "engines",
    "BATCH_SCHEMA": "manifest",
    "Manifest": "manifest",
    "ManifestMismatchError": "manifest",
    "BatchSummary": "run",
    "run_batch": "run",
    "read_shard": "table",
}


def __getattr__(name: str) -> Any:
    if name not in _HOMES:
        raise AttributeError(f"module 'unspin.batch' has no attribute {name!r}")
    return getattr(importlib.import_module(f"unspin.batch.{_HOMES[name]}"), name)


__all__ = [
    "BATCH_SCHEMA",
    "BatchSummary",
    "Engine",
    "LocalEngine",
    "Manifest",
    "ManifestMismatchError",
    "read_shard",
    "run_batch",
]
