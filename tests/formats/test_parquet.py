"""Reading documents from Parquet files."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from unspin.formats.documents import estimate_records, iter_documents
from unspin.formats.errors import FormatError
from unspin.schema import Document


def test_rows_are_documents_with_their_fields(tmp_path: Path) -> None:
    path = tmp_path / "news.parquet"
    table = pa.table(
        {
            "id": ["a", None, "c"],
            "text": ["First text.", "Second text.", ""],
            "published": [date(2021, 5, 1), None, None],
            "source": ["Wire", "Wire", None],
            "metadata": [{"desk": "politics"}, None, None],
            "score": [1.5, None, 2.0],
        }
    )
    pq.write_table(table, path)
    first, second, third = iter_documents(path)
    assert isinstance(first, Document) and isinstance(second, Document)
    assert (first.id, first.text, first.published, first.source) == (
        "a",
        "First text.",
        date(2021, 5, 1),
        "Wire",
    )
    assert first.metadata == {"desk": "politics", "score": 1.5}
    assert second.id == "news-2" and second.metadata == {}
    assert isinstance(third, FormatError) and third.line == 3 and "empty" in third.reason
    assert estimate_records([path]) == 3


def test_metadata_as_json_string_and_bad_json(tmp_path: Path) -> None:
    path = tmp_path / "rows.parquet"
    metadata = [json.dumps({"n": 1}), "{not json"]
    pq.write_table(pa.table({"text": ["One.", "Two."], "metadata": metadata}), path)
    good, bad = iter_documents(path)
    assert isinstance(good, Document) and good.metadata == {"n": 1}
    assert isinstance(bad, FormatError) and bad.line == 2 and "JSON object" in bad.reason


def test_needs_a_text_column_and_a_parquet_file(tmp_path: Path) -> None:
    no_text = tmp_path / "no-text.parquet"
    pq.write_table(pa.table({"body": ["x"]}), no_text)
    [error] = iter_documents(no_text)
    assert isinstance(error, FormatError) and "'text' column" in error.reason
    fake = tmp_path / "fake.parquet"
    fake.write_text("id,text\n1,hello\n", encoding="utf-8")
    [error] = iter_documents(fake)
    assert isinstance(error, FormatError) and "not a readable Parquet file" in error.reason


def test_rows_are_bounded_one_by_one(tmp_path: Path) -> None:
    path = tmp_path / "big.parquet"
    pq.write_table(pa.table({"text": ["x" * 2_000, "small"]}), path)
    big, small = iter_documents(path, max_bytes=1_000)
    assert isinstance(big, FormatError) and big.line == 1 and "larger than the limit" in big.reason
    assert isinstance(small, Document) and small.text == "small"


def test_folder_picks_up_parquet_files(tmp_path: Path) -> None:
    pq.write_table(pa.table({"text": ["In a folder."]}), tmp_path / "sub.parquet")
    [document] = iter_documents(tmp_path)
    assert isinstance(document, Document) and document.text == "In a folder."
