"""Documents from Parquet files: one per row, with a ``text`` column and the usual fields.

The columns are those of a JSONL record (``id, title, source, url, published, author,
language, metadata``; other columns go into ``metadata``). ``metadata`` may be a struct, a map
or a JSON string. Rows are read a batch at a time, so a file may be of any size; each row's
text is bounded on its own. Reading needs ``pyarrow`` (the ``parquet`` extra).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from unspin.formats.errors import FormatError
from unspin.schema import Document

PARQUET_SUFFIXES = frozenset({".parquet"})
_ROWS_PER_READ = 1024

RecordReader = Callable[[dict[str, Any], int], Document | FormatError]
"""Turns one record (a row as a dict, and its row number from 1) into a Document."""


def iter_parquet_records(
    path: Path, max_bytes: int, to_document: RecordReader
) -> Iterator[Document | FormatError]:
    """Yield a Document (or a FormatError) for each row of the Parquet file at ``path``."""
    try:
        import pyarrow.parquet as pq
    except ImportError:
        yield FormatError(path, "reading Parquet needs pyarrow: pip install 'unspin[parquet]'")
        return
    try:
        parquet = pq.ParquetFile(path)
    except Exception as error:  # pyarrow raises its own error types for a bad file
        yield FormatError(path, f"not a readable Parquet file ({error})")
        return
    if "text" not in parquet.schema_arrow.names:
        yield FormatError(path, "Parquet file needs a 'text' column")
        return
    number = 0
    for batch in parquet.iter_batches(batch_size=_ROWS_PER_READ):
        for row in batch.to_pylist():
            number += 1
            text = row.get("text")
            if isinstance(text, str) and len(text) > max_bytes // 4 and _bytes(text) > max_bytes:
                reason = f"record is larger than the limit of {max_bytes:,} bytes"
                yield FormatError(path, reason, number)
                continue
            metadata = row.get("metadata")
            if isinstance(metadata, str) and metadata:
                try:
                    row["metadata"] = json.loads(metadata)
                except json.JSONDecodeError:
                    yield FormatError(path, "column 'metadata' must hold a JSON object", number)
                    continue
            elif isinstance(metadata, list):  # a map column arrives as key/value pairs
                row["metadata"] = dict(metadata)
            yield to_document(row, number)


def parquet_rows(path: Path) -> int:
    """How many rows the Parquet file at ``path`` holds (from its footer; 1 when unreadable)."""
    try:
        import pyarrow.parquet as pq

        return int(pq.ParquetFile(path).metadata.num_rows)
    except Exception:  # unreadable or no pyarrow: reading it will report why
        return 1


def _bytes(text: str) -> int:
    return len(text.encode("utf-8", errors="surrogatepass"))


__all__ = ["PARQUET_SUFFIXES", "iter_parquet_records", "parquet_rows"]
