"""PDF input: text and title from memory, clear errors for encrypted, broken and scanned PDFs."""

from __future__ import annotations

from pathlib import Path

import pytest

from pdf_files import encrypt_pdf, make_pdf
from unspin.formats.documents import iter_documents, read_document
from unspin.formats.errors import FormatError
from unspin.formats.pdf import join_wrapped_lines, pdf_text
from unspin.schema import sentence_spans

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


OP_ED = (Path(__file__).resolve().parents[2] / "src/unspin/examples/op-ed.txt").read_text()


def _wrapped(text: str, width: int) -> str:
    """``text`` laid out as a PDF would: lines of at most ``width`` characters, an empty line
    between paragraphs."""
    lines: list[str] = []
    for paragraph in text.split("\n\n"):
        line = ""
        for word in paragraph.split():
            if line and len(line) + 1 + len(word) > width:
                lines.append(line)
                line = word
            else:
                line = f"{line} {word}" if line else word
        lines += [line, ""]
    return "\n".join(lines).strip()


def test_wrapped_lines_and_hyphenated_breaks_are_joined() -> None:
    laid_out = _wrapped(OP_ED, 52).replace("The so-called", "The so-\ncalled")
    text, _ = pdf_text(make_pdf(laid_out), "op-ed.pdf")
    assert "The so-called experts" in text
    assert len(sentence_spans(text)) == len(sentence_spans(OP_ED)) == 9
    assert text.splitlines()[0] == "Our Town Deserves Better Than This Reckless Scheme"


def test_a_word_broken_at_a_hyphen_loses_it_when_the_page_has_the_whole_word() -> None:
    page = "Their persuasion works because the whole of this long line is persua-\nsion."
    assert join_wrapped_lines(page) == (
        "Their persuasion works because the whole of this long line is persuasion."
    )
    assert join_wrapped_lines("A heading\nThe first line of a paragraph is long.") == (
        "A heading\nThe first line of a paragraph is long."
    )
