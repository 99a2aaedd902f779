"""The PTC layout: articles, SI/TC labels and templates."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fakes import FakeAnalyzer
from unspin.formats.errors import FormatError
from unspin.formats.ptc import (
    LabelRow,
    distinct_positions,
    fill_tc_template,
    read_article,
    read_corpus,
    read_label_rows,
    read_labels,
    read_tc_template,
    write_flc,
    write_si,
    write_tc,
)
from unspin.schema import Document, Span

PTC_TRAIN = Path(__file__).resolve().parents[2].parent / "shared" / "data" / "ptc" / "train"

# Arabic, emoji with skin-tone modifier, combining accent, CRLF, NBSP, a lone CR.
TRICKY = ["مرحبا", "👋🏽", "e\u0301", "\r\n", "\u00a0", "\r", "plain ", "漢字"]


def make_corpus(root: Path, text: str, rows: str) -> Path:
    articles = root / "articles"
    articles.mkdir(parents=True)
    (articles / "article111.txt").write_bytes(text.encode())
    (root / "train-task2-TC.labels").write_text(rows, encoding="utf-8")
    return root


def test_read_corpus_keeps_offsets_exact(tmp_path: Path) -> None:
    text = "Title 👋🏽\r\n\r\nThey are traitors!\r\n"
    start = text.index("traitors")
    root = make_corpus(tmp_path, text, f"111\tName_Calling,Labeling\t{start}\t{start + 8}\n")
    corpus = read_corpus(root)
    [(document, [span])] = corpus.pairs()
    assert document.id == "111" and document.text == text
    assert span.text_in(text) == "traitors"


@settings(max_examples=50, deadline=None)
@given(pieces=st.lists(st.sampled_from(TRICKY), min_size=2, max_size=12), data=st.data())
def test_unicode_offsets_survive_write_and_read(
    tmp_path_factory: pytest.TempPathFactory, pieces: list[str], data: st.DataObject
) -> None:
    text = "".join(pieces)
    start = data.draw(st.integers(0, len(text) - 1))
    end = data.draw(st.integers(start + 1, len(text)))
    root = tmp_path_factory.mktemp("ptc")
    labels = root / "out.labels"
    write_flc(labels, {"111": [Span(start, end, "Doubt")]})
    make_corpus(root / "split", text, labels.read_text(encoding="utf-8"))
    [(document, [span])] = read_corpus(root / "split").pairs()
    assert document.text == text
    assert span.text_in(document.text) == text[start:end]


def test_si_and_tc_rows(tmp_path: Path) -> None:
    si = tmp_path / "si.labels"
    write_si(si, {"1": [Span(5, 9, "x"), Span(0, 3, "x")]})
    assert si.read_text() == "1\t0\t3\n1\t5\t9\n"
    assert read_labels(si) == {"1": [Span(0, 3, "propaganda"), Span(5, 9, "propaganda")]}
    tc = tmp_path / "tc.labels"
    rows = [LabelRow("2", 4, 8, "Doubt"), LabelRow("1", 0, 3, "Slogans")]
    write_tc(tc, rows)
    assert read_label_rows(tc) == rows


def test_template_rows_have_question_marks(tmp_path: Path) -> None:
    path = tmp_path / "template.labels"
    path.write_text("1\t?\t0\t3\n1\t?\t0\t3\n", encoding="utf-8")
    assert [r.technique for r in read_label_rows(path)] == ["?", "?"]


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("1\t2", "expected 3 \\(SI\\) or 4 \\(TC\\) tab-separated fields, found 2"),
        ("1\tDoubt\tx\t3", "offsets must be integers"),
        ("1\t5\t5", "need 0 <= start < end"),
        ("1\t\t0\t3", "empty technique"),
    ],
)
def test_malformed_label_lines_name_file_and_line(tmp_path: Path, line: str, message: str) -> None:
    path = tmp_path / "bad.labels"
    path.write_text(f"1\t0\t3\n{line}\n", encoding="utf-8")
    with pytest.raises(FormatError, match=message) as caught:
        read_label_rows(path)
    assert caught.value.line == 2 and caught.value.path == str(path)


def test_labels_beyond_article_are_refused(tmp_path: Path) -> None:
    root = make_corpus(tmp_path, "short", "111\tDoubt\t0\t50\n")
    with pytest.raises(FormatError, match="beyond its 5 characters"):
        read_corpus(root)


def test_non_utf8_article(tmp_path: Path) -> None:
    path = tmp_path / "article9.txt"
    path.write_bytes(b"caf\xe9")
    with pytest.raises(FormatError, match="not UTF-8"):
        read_article(path)


@pytest.mark.skipif(not PTC_TRAIN.is_dir(), reason=f"PTC training data not found at {PTC_TRAIN}")
def test_real_training_split() -> None:
    corpus = read_corpus(PTC_TRAIN)
    assert len(corpus.documents) == 371
    assert sum(len(spans) for spans in corpus.spans.values()) == 6129


def test_tc_template_is_filled_in_its_own_order(tmp_path: Path) -> None:
    documents = [Document("1", "abcdefghij"), Document("2", "0123456789")]
    template = tmp_path / "template.labels"
    template.write_text("2\t?\t0\t3\n1\t?\t0\t4\n2\t?\t5\t9\n1\t?\t2\t3\n", encoding="utf-8")
    rows = read_tc_template(template, documents)
    calls: list[str] = []

    def classify(text: str, spans: list[tuple[int, int]]) -> list[Span]:
        calls.append(text)
        return FakeAnalyzer().classify_spans(text, spans)

    filled = fill_tc_template(rows, documents, classify)
    assert [(r.article_id, r.start, r.end) for r in filled] == [
        (r.article_id, r.start, r.end) for r in rows
    ]
    # FakeAnalyzer names even-length spans Doubt, odd-length ones Slogans.
    assert [r.technique for r in filled] == ["Slogans", "Doubt", "Doubt", "Slogans"]
    assert sorted(calls) == ["0123456789", "abcdefghij"]


def test_tc_template_must_fit_the_articles(tmp_path: Path) -> None:
    documents = [Document("1", "short")]
    template = tmp_path / "template.labels"
    template.write_text("1\t?\t0\t50\n", encoding="utf-8")
    with pytest.raises(FormatError, match="beyond its 5 characters"):
        read_tc_template(template, documents)
    template.write_text("9\t?\t0\t2\n", encoding="utf-8")
    with pytest.raises(FormatError, match="not in the corpus"):
        read_tc_template(template, documents)
    template.write_text("", encoding="utf-8")
    with pytest.raises(FormatError, match="no rows"):
        read_tc_template(template, documents)


def test_distinct_positions_keep_the_best_score() -> None:
    spans = [Span(0, 4, "Doubt", 0.4), Span(0, 4, "Slogans", 0.9), Span(6, 8, "Doubt", 0.5)]
    assert distinct_positions(spans) == [
        Span(0, 4, "propaganda", 0.9),
        Span(6, 8, "propaganda", 0.5),
    ]
