"""Batch analysis: files in, Parquet shards out, on a process pool or a Ray cluster.

>>> from unspin.batch import LocalEngine, run_batch        # doctest: +SKIP
>>> run_batch([Path("articles/")], Path("out"), LocalEngine())  # doctest: +SKIP

Needs ``pyarrow`` (the ``parquet`` extra); the Ray engine (``unspin.batch.ray_engine``) needs
the ``ray`` extra.
"""

from unspin.batch.engines import Engine, LocalEngine
from unspin.batch.manifest import Manifest, ManifestMismatchError
from unspin.batch.run import BatchSummary, run_batch
from unspin.batch.table import BATCH_SCHEMA, read_shard

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
