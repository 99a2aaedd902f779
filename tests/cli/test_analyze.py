"""``unspin analyze`` with a fake analyzer: every output format, stdin, several files."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from pdf_files import make_pdf
from unspin.cli.main import main
from unspin.cli.terminal import highlighted_text
from unspin.schema import Analysis, Span

from .conftest import FakeAnalyzer

TEXT = "The disastrous plan was written by traitors.\nA true patriot says no."


def write(tmp_path: Path, name: str, text: str = TEXT) -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode())
    return path


def test_text_output_lists_overlapping_spans(
    tmp_path: Path, runner: CliRunner, fake_analyzer: FakeAnalyzer
) -> None:
    result = runner.invoke(main, ["analyze", str(write(tmp_path, "op-ed.txt")), "-t", "0.3"])
    assert result.exit_code == 0, result.output
    out = result.output
    # Nested spans: "disastrous" (2) inside "disastrous plan" (1) are both numbered; piped
    # output brackets each span, so where it starts shows without colour.
    assert "[¹[²disastrous²] plan¹]" in out
    assert "Loaded Language" in out and "Exaggeration, Minimisation" in out
    assert "[³traitors³]" in out and "Flag-Waving" in out
    assert "“true patriot”" in out and "0.88" in out
    assert "op-ed" in out and "fake-model" in out


def test_threshold_and_model_are_passed_on(
    tmp_path: Path, runner: CliRunner, fake_analyzer: FakeAnalyzer
) -> None:
    path = write(tmp_path, "a.txt")
    args = ["analyze", str(path), "-t", "0.3", "--model", "m", "-f", "json"]
    result = runner.invoke(main, args)
    assert result.exit_code == 0, result.output
    analysis = Analysis.from_json(result.output)
    assert "Exaggeration,Minimisation" in {s.technique for s in analysis.spans}
    assert fake_analyzer.models == ["m"]  # type: ignore[attr-defined]


def test_json_for_one_file_and_list_for_several(
    tmp_path: Path, runner: CliRunner, fake_analyzer: FakeAnalyzer
) -> None:
    one = runner.invoke(main, ["analyze", str(write(tmp_path, "a.txt")), "--format", "json"])
    assert json.loads(one.output)["document"]["id"] == "a"
    many = runner.invoke(
        main, ["analyze", str(tmp_path / "a.txt"), str(write(tmp_path, "b.txt")), "-f", "json"]
    )
    assert [a["document"]["id"] for a in json.loads(many.output)] == ["a", "b"]


def test_jsonl_keeps_unicode_offsets(
    tmp_path: Path, runner: CliRunner, fake_analyzer: FakeAnalyzer
) -> None:
    text = "سياسة 👋🏽 مدمرة\r\nتماما"
    result = runner.invoke(main, ["analyze", str(write(tmp_path, "ar.txt", text)), "-f", "jsonl"])
    assert result.exit_code == 0, result.output
    [line] = result.stdout.splitlines()
    analysis = Analysis.from_json(line)
    assert analysis.document.text == text
    assert [s.text_in(text) for s in analysis.spans] == ["مدمرة"]


def test_stdin_and_jsonl_input(
    tmp_path: Path, runner: CliRunner, fake_analyzer: FakeAnalyzer
) -> None:
    piped = runner.invoke(main, ["analyze", "-", "-f", "jsonl"], input=TEXT.encode())
    assert Analysis.from_json(piped.output).document.text == TEXT
    docs = write(tmp_path, "docs.jsonl", json.dumps({"id": "j1", "text": TEXT}) + "\n")
    result = runner.invoke(main, ["analyze", str(docs), "-f", "jsonl"])
    assert Analysis.from_json(result.output).document.id == "j1"


def test_html_output_to_file(
    tmp_path: Path, runner: CliRunner, fake_analyzer: FakeAnalyzer
) -> None:
    out = tmp_path / "report.html"
    result = runner.invoke(
        main, ["analyze", str(write(tmp_path, "a.txt")), "-f", "html", "-o", str(out)]
    )
    assert result.exit_code == 0, result.output
    page = out.read_text(encoding="utf-8")
    assert page.lstrip().lower().startswith("<!doctype html") and "traitors" in page


def test_no_spans_message(tmp_path: Path, runner: CliRunner, fake_analyzer: FakeAnalyzer) -> None:
    result = runner.invoke(main, ["analyze", str(write(tmp_path, "calm.txt", "Calm words."))])
    assert result.exit_code == 0 and "No persuasion techniques found." in result.output


def test_pdf_input(tmp_path: Path, runner: CliRunner, fake_analyzer: FakeAnalyzer) -> None:
    path = tmp_path / "report.pdf"
    path.write_bytes(make_pdf("The disastrous plan.", "A true patriot says no.", title="Report"))
    result = runner.invoke(main, ["analyze", str(path), "-f", "jsonl"])
    assert result.exit_code == 0, result.output
    analysis = Analysis.from_json(result.output)
    assert analysis.document.title == "Report"
    assert [s.text_in(analysis.document.text) for s in analysis.spans] == [
        "disastrous",
        "true patriot",
    ]


def test_every_readable_input_is_analysed(
    tmp_path: Path, runner: CliRunner, fake_analyzer: FakeAnalyzer
) -> None:
    docs = write(tmp_path, "docs.jsonl", '{"id": "j1", "text": "A true patriot."}\n{"id": 2}\n')
    (tmp_path / "empty").mkdir()
    args = [
        "analyze",
        str(write(tmp_path, "a.txt")),
        str(tmp_path / "missing.txt"),
        str(write(tmp_path, "binary.txt", "\x00\x01")),
        str(docs),
        str(tmp_path / "empty"),
        str(write(tmp_path, "b.txt")),
        "-f",
        "jsonl",
    ]
    result = runner.invoke(main, args)
    assert result.exit_code == 1
    ids = [Analysis.from_json(line).document.id for line in result.stdout.splitlines()]
    assert ids == ["a", "j1", "b"]
    errors = result.stderr.splitlines()
    assert len(errors) == 4 and all(line.startswith("Error: ") for line in errors)
    assert "missing.txt: no such file" in errors[0] and "binary" in errors[1]
    assert f"{docs}:2: missing field 'text'" in errors[2] and "contains no .txt" in errors[3]


def test_no_readable_input_loads_no_model(
    tmp_path: Path, runner: CliRunner, fake_analyzer: FakeAnalyzer
) -> None:
    result = runner.invoke(main, ["analyze", str(tmp_path / "x.txt"), str(tmp_path / "y.txt")])
    assert result.exit_code == 1 and result.stdout == ""
    assert len(result.stderr.splitlines()) == 2
    assert fake_analyzer.models == []  # type: ignore[attr-defined]


def test_highlighting_styles_overlaps() -> None:
    text = "a bc d"
    spans = [Span(0, 4, "Doubt"), Span(2, 4, "Slogans")]
    rendered = highlighted_text(text, spans)
    assert rendered.plain == "⁽¹⁾a ⁽²⁾bc d"
    assert highlighted_text(text, spans, plain=True).plain == "[¹a [²bc²]¹] d"
    styles = {rendered.plain[s.start : s.end]: str(s.style) for s in rendered.spans}
    assert "underline" in styles["bc"] and "underline" not in styles["a "]


ARABIC = "هؤلاء الخونة في الحكومة باعوا الوطن للأجانب، ولا يستحقون إلا الطرد من البلاد."


def test_a_language_the_model_does_not_read_is_named_in_every_format(
    tmp_path: Path, runner: CliRunner, fake_analyzer: FakeAnalyzer
) -> None:
    path = write(tmp_path, "statement.txt", ARABIC)
    shown = runner.invoke(main, ["analyze", str(path)])
    assert "appears to be in Arabic" in shown.stdout
    assert "in a language the model does not read" in shown.stdout
    as_json = runner.invoke(main, ["analyze", str(path), "-f", "json"])
    data = json.loads(as_json.stdout)
    assert data["language"]["code"] == "ar" and data["language"]["read_by_model"] is False
    assert "appears to be in Arabic" in data["warnings"][0]
    assert "statement: This text appears to be in Arabic" in as_json.stderr
    english = runner.invoke(main, ["analyze", str(write(tmp_path, "en.txt")), "-f", "json"])
    assert json.loads(english.stdout)["warnings"] == [] and english.stderr == ""


def test_folders_are_read_like_ingest_reads_them(
    tmp_path: Path, runner: CliRunner, fake_analyzer: FakeAnalyzer
) -> None:
    folder = tmp_path / "articles"
    (folder / "more").mkdir(parents=True)
    write(folder, "a.txt")
    write(folder / "more", "b.txt", "Save our park! Save our town!")
    result = runner.invoke(main, ["analyze", "-f", "jsonl", str(folder)])
    assert result.exit_code == 0, result.output
    ids = [json.loads(line)["document"]["id"] for line in result.stdout.splitlines()]
    assert sorted(ids) == ["a", "b"]


def test_urls_are_fetched_with_the_guarded_fetcher(
    runner: CliRunner, fake_analyzer: FakeAnalyzer, site: tuple[str, list[str]]
) -> None:
    base, _ = site
    refused = runner.invoke(main, ["analyze", f"{base}/article"])
    assert refused.exit_code == 1
    assert f"{base}/article: refusing to fetch 127.0.0.1" in refused.stderr
    args = ["analyze", "--allow-private-urls", "-f", "json", f"{base}/redirect"]
    fetched = runner.invoke(main, args)
    assert fetched.exit_code == 0, fetched.output
    data = json.loads(fetched.stdout)
    assert data["document"]["url"] == f"{base}/article"
    assert "reckless" in data["document"]["text"] and "Contact us" not in data["document"]["text"]


def test_one_document_too_long_is_named_and_the_rest_go_on(
    tmp_path: Path, runner: CliRunner, fake_analyzer: FakeAnalyzer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(fake_analyzer, "max_chars", 100)
    long = write(tmp_path, "long.txt", "The disastrous plan. " * 10)
    short = write(tmp_path, "short.txt")
    result = runner.invoke(main, ["analyze", "-f", "jsonl", str(long), str(short)])
    assert result.exit_code == 1
    assert f"{long}: document 'long' has 210 characters; the limit is 100" in result.stderr
    [line] = result.stdout.splitlines()
    assert json.loads(line)["document"]["id"] == "short"


def test_a_lone_surrogate_anywhere_in_a_record_is_named_and_the_rest_printed(
    tmp_path: Path, runner: CliRunner, fake_analyzer: FakeAnalyzer
) -> None:
    records = [
        '{"id": "good", "text": "The disastrous plan."}',
        '{"id": "meta", "text": "Fine.", "metadata": {"k": "\\udc00"}}',
        '{"id": "key", "text": "Fine.", "metadata": {"\\ud800": [1]}}',
    ]
    path = write(tmp_path, "records.jsonl", "\n".join(records) + "\n")
    result = runner.invoke(main, ["analyze", "-f", "json", str(path)])
    assert result.exit_code == 1
    assert json.loads(result.stdout)["document"]["id"] == "good"
    assert f"{path}:2: document 'meta': metadata has an unpaired UTF-16 surrogate" in result.stderr
    assert f"{path}:3: document 'key': metadata has an unpaired" in result.stderr
