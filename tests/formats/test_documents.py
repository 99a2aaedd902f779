"""Reading documents from text, HTML, JSONL and CSV files; writing JSONL."""

from __future__ import annotations

import csv
import io
import json
import tracemalloc
from collections.abc import Iterator
from pathlib import Path

import pytest

from unspin.formats.documents import (
    iter_analyses_jsonl,
    iter_documents,
    read_documents_jsonl,
    write_jsonl,
)
from unspin.formats.errors import FormatError
from unspin.formats.text import MAX_TEXT_BYTES
from unspin.schema import Analysis, Document, ModelInfo, Span


def test_text_file_is_one_document(tmp_path: Path) -> None:
    path = tmp_path / "op-ed.txt"
    path.write_bytes("Line one.\r\nLine two 👋\n".encode())
    [document] = iter_documents(path)
    assert isinstance(document, Document)
    assert document.id == "op-ed" and document.text == "Line one.\r\nLine two 👋\n"


def test_html_file_is_one_document(tmp_path: Path) -> None:
    path = tmp_path / "page.html"
    path.write_text("<title>T</title><p>Some words here.</p>", encoding="utf-8")
    [document] = iter_documents(path)
    assert isinstance(document, Document)
    assert document.title == "T" and "Some words here." in document.text


def test_jsonl_bad_lines_are_reported_and_reading_goes_on(tmp_path: Path) -> None:
    path = tmp_path / "docs.jsonl"
    lines = [
        json.dumps({"id": "a", "text": "First.", "published": "2020-03-01", "topic": "x"}),
        "{not json",
        json.dumps({"id": "b"}),
        "",
        json.dumps(["a list"]),
        json.dumps({"text": "No id.", "published": "yesterday"}),
        json.dumps({"text": "Last.", "id": 7}),
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    items = list(iter_documents(path))
    assert [type(i).__name__ for i in items] == [
        "Document",
        "FormatError",
        "FormatError",
        "FormatError",
        "Document",
        "Document",
    ]
    first, last = items[0], items[-1]
    assert isinstance(first, Document) and isinstance(last, Document)
    assert first.published is not None and first.published.isoformat() == "2020-03-01"
    assert first.metadata == {"topic": "x"}
    assert last.id == "7"
    errors = [i for i in items if isinstance(i, FormatError)]
    assert [e.line for e in errors] == [2, 3, 5]
    assert all(str(e).startswith(f"{path}:") for e in errors)
    assert "missing field 'text'" in str(errors[1])


def test_csv_rows(tmp_path: Path) -> None:
    path = tmp_path / "docs.csv"
    path.write_bytes(
        b'id,text,author,metadata\n1,"two\r\nlines",Ann,"{""k"": 1}"\n2,,Bob,\n3,ok,C,x,y\n'
    )
    items = list(iter_documents(path))
    first = items[0]
    assert isinstance(first, Document)
    assert first.text == "two\r\nlines" and first.author == "Ann" and first.metadata == {"k": 1}
    assert [(type(i).__name__, getattr(i, "line", None)) for i in items[1:]] == [
        ("FormatError", 4),
        ("FormatError", 5),
    ]


def test_csv_needs_text_column(tmp_path: Path) -> None:
    path = tmp_path / "docs.csv"
    path.write_text("id,body\n1,hello\n", encoding="utf-8")
    [error] = iter_documents(path)
    assert isinstance(error, FormatError) and "'text' column" in str(error)


def test_folder_reads_supported_files_in_order(tmp_path: Path) -> None:
    (tmp_path / "b.txt").write_text("Bee.", encoding="utf-8")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "a.jsonl").write_text('{"id": "a", "text": "Ay."}\n', encoding="utf-8")
    (tmp_path / "skip.bin").write_bytes(b"\x00\x01")
    (tmp_path / "empty.txt").write_text("", encoding="utf-8")
    items = list(iter_documents(tmp_path))
    assert [getattr(i, "id", None) for i in items] == ["b", None, "a"]
    assert isinstance(items[1], FormatError) and "is empty" in str(items[1])


def test_missing_and_binary_files_yield_errors(tmp_path: Path) -> None:
    [missing] = iter_documents(tmp_path / "nope.txt")
    assert isinstance(missing, FormatError) and "no such file" in str(missing)
    binary = tmp_path / "x.txt"
    binary.write_bytes(b"\x7fELF\x00\x00\x01")
    [error] = iter_documents(binary)
    assert isinstance(error, FormatError) and "binary" in str(error)


def test_stdin_is_jsonl(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO('{"id": "s", "text": "From a pipe."}\n'))
    [document] = iter_documents(Path("-"))
    assert isinstance(document, Document) and document.text == "From a pipe."


def test_jsonl_round_trip_of_documents_and_analyses(tmp_path: Path) -> None:
    documents = [
        Document(id="1", text="Arabic: مرحبا 👋🏽 e\u0301\r\nend", title="t", language="ar"),
        Document(id="2", text="Second."),
    ]
    path = tmp_path / "docs.jsonl"
    assert write_jsonl(path, documents) == 2
    assert read_documents_jsonl(path) == documents

    text = documents[0].text
    start = text.index("👋")
    analysis = Analysis(documents[0], [Span(start, start + 2, "Slogans", 0.5)], ModelInfo("m", "1"))
    out = tmp_path / "analyses.jsonl"
    write_jsonl(out, [analysis])
    [back] = iter_analyses_jsonl(out)
    assert back == analysis
    assert back.spans[0].text_in(back.document.text) == "👋🏽"


def test_read_documents_jsonl_raises_first_error(tmp_path: Path) -> None:
    path = tmp_path / "d.jsonl"
    path.write_text('{"text": "ok"}\n{"text": 3}\n', encoding="utf-8")
    with pytest.raises(FormatError, match=r"d.jsonl:2: field 'text' must be a string"):
        read_documents_jsonl(path)


def test_html_without_text_names_the_file(tmp_path: Path) -> None:
    path = tmp_path / "empty.html"
    path.write_text("<html><body><script>x()</script></body></html>", encoding="utf-8")
    [error] = iter_documents(path)
    assert isinstance(error, FormatError) and str(error) == f"{path}: the page contains no text"


def test_big_jsonl_streams_record_by_record(tmp_path: Path) -> None:
    path = tmp_path / "big.jsonl"
    record = json.dumps({"text": "Word " * 200}) + "\n"
    count = 2 * MAX_TEXT_BYTES // len(record)
    path.write_text(record * count, encoding="utf-8")
    assert path.stat().st_size > MAX_TEXT_BYTES
    tracemalloc.start()
    try:
        read = sum(isinstance(item, Document) for item in iter_documents(path))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert read == count
    assert peak < path.stat().st_size // 2


def test_records_are_bounded_one_by_one(tmp_path: Path) -> None:
    path = tmp_path / "docs.jsonl"
    lines = [json.dumps({"text": "Short."}), json.dumps({"text": "é" * 200}), '{"text": "Next."}']
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    first, error, last = iter_documents(path, max_bytes=100)
    assert isinstance(first, Document) and isinstance(last, Document) and last.text == "Next."
    assert isinstance(error, FormatError) and error.line == 2
    assert "larger than the limit of 100 bytes" in str(error)


def test_csv_line_over_the_bound_ends_the_file(tmp_path: Path) -> None:
    path = tmp_path / "docs.csv"
    path.write_text(f"text\nShort.\n{'x' * 200}\nNever read.\n", encoding="utf-8")
    first, error = iter_documents(path, max_bytes=100)
    assert isinstance(first, Document) and first.text == "Short."
    assert isinstance(error, FormatError) and error.line == 3


@pytest.fixture
def default_csv_field_limit() -> Iterator[None]:
    """The csv module's own field size limit (131,072) for the test, whatever it was before."""
    before = csv.field_size_limit(131_072)
    yield
    csv.field_size_limit(before)


@pytest.mark.usefixtures("default_csv_field_limit")
def test_csv_fields_up_to_the_record_bound(tmp_path: Path) -> None:
    long_text = "word " * 40_000  # 200,000 characters, over the csv module's 131,072
    path = tmp_path / "docs.csv"
    path.write_text(f"id,text\nlong,{long_text}\nshort,Next.\n", encoding="utf-8")
    long, short = iter_documents(path)
    assert isinstance(long, Document) and long.text == long_text
    assert isinstance(short, Document) and short.text == "Next."
    assert csv.field_size_limit() == MAX_TEXT_BYTES
    list(iter_documents(path, max_bytes=1_000))  # a smaller bound never lowers the limit
    assert len(list(iter_documents(path, max_bytes=300_000))) == 2
    assert csv.field_size_limit() == MAX_TEXT_BYTES


@pytest.mark.usefixtures("default_csv_field_limit")
def test_csv_field_over_the_bound_across_lines_ends_the_file(tmp_path: Path) -> None:
    path = tmp_path / "docs.csv"
    field = "\n".join(["x" * 100_000] * 3)  # each line within the bound, the field not
    path.write_text(f'text\nShort.\n"{field}"\nNever read.\n', encoding="utf-8")
    first, error = iter_documents(path, max_bytes=150_000)
    assert isinstance(first, Document) and first.text == "Short."
    assert isinstance(error, FormatError) and "larger than the limit of 150,000" in str(error)


@pytest.mark.parametrize("padding", [0, 12_000], ids=["under 1 MiB", "over 1 MiB"])
def test_each_line_is_decoded_on_its_own_whatever_the_size(tmp_path: Path, padding: int) -> None:
    good = (json.dumps({"text": "Zoë said " + "word " * 20}, ensure_ascii=False) + "\n").encode()
    lines = [good] * padding + [
        good,
        b'{"text": "Zo\xeb in Windows-1252, alone on its line"}\n',
        '{"text": "Zoë in UTF-8 and a stray byte \xff"}\n'.encode().replace(b"\xc3\xbf", b"\xff"),
        good,
    ]
    jsonl = tmp_path / "docs.jsonl"
    jsonl.write_bytes(b"".join(lines))
    notes: list[FormatError] = []
    items = list(iter_documents(jsonl, notes=notes))
    assert all(isinstance(i, Document) for i in items) and len(items) == padding + 4
    texts = [i.text for i in items if isinstance(i, Document)]
    assert all(t.startswith("Zoë said") for t in texts[:-3] + texts[-1:]), "UTF-8 lines stay"
    assert texts[-3] == "Zoë in Windows-1252, alone on its line"
    assert texts[-2] == "Zoë in UTF-8 and a stray byte \ufffd"
    legacy, stray = map(str, notes)
    assert legacy.startswith(f"{jsonl}: line {padding + 2} was not UTF-8: read as cp125")
    assert legacy.endswith("(the other lines as UTF-8)")
    assert stray == (
        f"{jsonl}: line {padding + 3} was UTF-8 with stray bytes: each stray byte read as U+FFFD"
    )
    table = tmp_path / "docs.csv"
    table.write_bytes(b"text\n" + "Zoë\n".encode() * padding + b"Zo\xeb\nZo\xc3\xab\n")
    rows = [r.text for r in iter_documents(table) if isinstance(r, Document)]
    assert rows[-2:] == ["Zoë", "Zoë"] and len(rows) == padding + 2


def test_published_dates_in_common_forms(tmp_path: Path) -> None:
    values = {
        "March 2, 2024": "2024-03-02",
        "2024-03": "2024-03-01",
        "2024": "2024-01-01",
        "1709337600": "2024-03-02",
        "1709337600000": "2024-03-02",
        "2024-03-02T23:30:00-05:00": "2024-03-02",
        "2 mars 2024": None,
        "yesterday": None,
        "12": None,
    }
    path = tmp_path / "dates.jsonl"
    path.write_text(
        "".join(json.dumps({"id": v, "text": "T.", "published": v}) + "\n" for v in values),
        encoding="utf-8",
    )
    notes: list[FormatError] = []
    items = list(iter_documents(path, notes=notes))
    assert all(isinstance(i, Document) for i in items), "no record is dropped for its date"
    found = {i.id: i.published.isoformat() if i.published else None for i in items}  # type: ignore[union-attr]
    assert found == values
    assert [n.line for n in notes] == [7, 8, 9]
    assert str(notes[1]).endswith(":8: published 'yesterday' is not a date: stored undated")


def test_stdin_bytes_are_decoded_line_by_line(monkeypatch: pytest.MonkeyPatch) -> None:
    class Stdin:
        def __init__(self, data: bytes) -> None:
            self.buffer = io.BufferedReader(io.BytesIO(data))  # type: ignore[arg-type]

    monkeypatch.setattr("sys.stdin", Stdin(b'{"text": "Zo\xc3\xab."}\n{"text": "Zo\xeb."}\n'))
    notes: list[FormatError] = []
    items = list(iter_documents(Path("-"), notes=notes))
    assert [i.text for i in items if isinstance(i, Document)] == ["Zoë.", "Zoë."]
    assert len(notes) == 1 and "line 2 was not UTF-8" in str(notes[0])
    monkeypatch.setattr("sys.stdin", Stdin(b""))
    [empty] = iter_documents(Path("-"))
    assert isinstance(empty, FormatError) and "is empty" in str(empty)
