"""Decoding text files: UTF-8 first, declared or detected encodings, clear errors otherwise."""

from __future__ import annotations

import codecs
from pathlib import Path

import pytest

from unspin.formats.errors import FormatError
from unspin.formats.text import decode_bytes, read_text_file

FRENCH = "Les élèves sont très contents, ça va très bien aujourd'hui à l'école."


@pytest.mark.parametrize(
    "data",
    [
        "Plain café text\r\nwith CRLF.".encode(),
        codecs.BOM_UTF8 + "Plain café text\r\nwith CRLF.".encode(),
        "Plain café text\r\nwith CRLF.".encode("utf-16"),
    ],
    ids=["utf-8", "utf-8-bom", "utf-16-bom"],
)
def test_unicode_encodings_keep_newlines(data: bytes) -> None:
    assert decode_bytes(data, "x.txt") == "Plain café text\r\nwith CRLF."


def test_latin1_is_detected() -> None:
    assert decode_bytes(FRENCH.encode("latin-1"), "x.txt") == FRENCH


def test_cyrillic_code_page_is_detected() -> None:
    text = "Привет, мир! Как дела? Всё хорошо, спасибо большое."
    assert decode_bytes(text.encode("cp1251"), "x.txt") == text


def test_declared_encoding_is_used() -> None:
    assert decode_bytes("Ελληνικά".encode("iso-8859-7"), "x", encoding="iso-8859-7") == "Ελληνικά"


def test_html_meta_charset_is_used() -> None:
    page = '<meta charset="iso-8859-7"><p>αβγ</p>'.encode("iso-8859-7")
    assert "αβγ" in decode_bytes(page, "x.html")


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "is empty"),
        (b" \n\t\r\n", "is empty"),
        (b"MZ\x90\x00\x03\x00\x00\x00", "binary"),
        (bytes(range(1, 9)) * 20 + b"abc", "binary"),
        (b"caf\xe9", "not UTF-8"),
    ],
    ids=["empty", "whitespace", "nul-bytes", "control-chars", "undetectable"],
)
def test_not_text_is_refused(data: bytes, message: str) -> None:
    with pytest.raises(FormatError, match=message) as caught:
        decode_bytes(data, "in.txt")
    assert caught.value.path == "in.txt"


def test_size_limit() -> None:
    with pytest.raises(FormatError, match="larger than the limit of 10 bytes"):
        decode_bytes(b"x" * 11, "big.txt", max_bytes=10)


def test_read_text_file_errors(tmp_path: Path) -> None:
    with pytest.raises(FormatError, match="no such file"):
        read_text_file(tmp_path / "missing.txt")
    with pytest.raises(FormatError, match="is a directory"):
        read_text_file(tmp_path)
    big = tmp_path / "big.txt"
    big.write_text("x" * 100)
    with pytest.raises(FormatError, match="larger than"):
        read_text_file(big, max_bytes=50)


def test_read_text_file_keeps_exact_characters(tmp_path: Path) -> None:
    text = "مرحبا بالعالم 👋🏽\r\ne\u0301 done"
    path = tmp_path / "u.txt"
    path.write_bytes(text.encode())
    assert read_text_file(path) == text
