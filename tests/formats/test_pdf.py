"""PDF input: text and title from memory, clear errors for encrypted, broken and scanned PDFs."""

from __future__ import annotations

from pathlib import Path

import pytest

from pdf_files import encrypt_pdf, make_pdf
from unspin.formats.documents import iter_documents, read_document
from unspin.formats.errors import FormatError
from unspin.formats.pdf import pdf_text

PAGES = ("The disastrous plan (of traitors).\nSecond line.", "Page two: a true patriot.")


def test_text_of_every_page_and_the_title() -> None:
    text, title = pdf_text(make_pdf(*PAGES, title="Park scandal"), "x.pdf")
    assert text == "The disastrous plan (of traitors).\nSecond line.\n\nPage two: a true patriot."
    assert title == "Park scandal"
    assert pdf_text(make_pdf("Untitled."), "x.pdf") == ("Untitled.", None)


def test_reading_stops_past_max_chars() -> None:
    text, _ = pdf_text(make_pdf("a" * 50, "b" * 50, "c" * 50), "x.pdf", max_chars=60)
    assert "b" in text and "c" not in text


def test_empty_password_opens_other_passwords_do_not() -> None:
    assert pdf_text(encrypt_pdf(make_pdf(*PAGES), ""), "x.pdf")[0].startswith("The disastrous")
    with pytest.raises(FormatError, match=r"x\.pdf: is an encrypted PDF"):
        pdf_text(encrypt_pdf(make_pdf(*PAGES), "secret"), "x.pdf")


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "is not a readable PDF"),
        (b"%PDF-1.4\n1 0 obj << /Type /Catalog", "is not a readable PDF"),
        (make_pdf(*PAGES)[:300], "is not a readable PDF"),
        (make_pdf(""), "has no text layer"),
    ],
    ids=["empty", "garbage", "truncated", "no-text"],
)
def test_unreadable_pdfs(data: bytes, message: str) -> None:
    with pytest.raises(FormatError, match=message):
        pdf_text(data, "x.pdf")


def test_pdf_files_are_documents(tmp_path: Path) -> None:
    (tmp_path / "report.pdf").write_bytes(make_pdf(*PAGES, title="Report"))
    (tmp_path / "broken.pdf").write_bytes(b"%PDF-1.4 nothing else")
    broken, document = iter_documents(tmp_path)
    assert isinstance(broken, FormatError) and broken.path == str(tmp_path / "broken.pdf")
    assert not isinstance(document, FormatError)
    assert document.id == "report" and document.title == "Report"
    assert document.text.startswith("The disastrous plan")
    with pytest.raises(FormatError, match="larger than the limit of 100 bytes"):
        read_document(tmp_path / "report.pdf", max_bytes=100)
