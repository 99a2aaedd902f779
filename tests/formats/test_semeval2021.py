"""SemEval-2021 Task 6 JSON, subtasks 1 and 2."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from unspin.formats.errors import FormatError
from unspin.formats.semeval2021 import read_task1, read_task2, write_task1, write_task2
from unspin.schema import Document, Span

DATA = Path(__file__).resolve().parents[2].parent / "shared" / "data" / "semeval2021t6"


def write_json(path: Path, data: object) -> Path:
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def test_task1_round_trip_and_mapping(tmp_path: Path) -> None:
    path = write_json(
        tmp_path / "t1.json",
        [{"id": "7", "labels": ["Smears", "Name calling/Labeling"], "text": "WAKE UP"}],
    )
    [(document, labels)] = read_task1(path)
    assert document.id == "7" and labels == ["Smears", "Name calling/Labeling"]
    [(_, mapped)] = read_task1(path, map_techniques=True)
    assert mapped == ["Smears", "Name_Calling,Labeling"]
    out = tmp_path / "out.json"
    write_task1(out, [(document, labels)])
    assert read_task1(out) == [(document, labels)]


def test_task2_round_trip(tmp_path: Path) -> None:
    text = "Vote 👋🏽 NOW\nor lose everything"
    document = Document(id="1", text=text)
    spans = [Span(5, 7, "Slogans"), Span(13, 30, "Appeal to fear/prejudice")]
    out = tmp_path / "t2.json"
    write_task2(out, [(document, spans)])
    assert json.loads(out.read_text(encoding="utf-8"))[0]["labels"][0]["text_fragment"] == "👋🏽"
    [(back, back_spans)] = read_task2(out)
    assert back.text == text and back_spans == spans
    [(_, mapped)] = read_task2(out, map_techniques=True)
    assert [s.technique for s in mapped] == ["Slogans", "Appeal_to_fear-prejudice"]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"id": 1}, "expected a JSON list"),
        ([{"id": "1"}], "item 0: expected an object with 'id' and 'text'"),
        ([{"id": "1", "text": "ok", "labels": "Smears"}], "item 0: 'labels' must be a list"),
        ([{"id": "1", "text": "ok"}, {"id": "2", "text": 5}], "item 1: 'text' must be a string"),
    ],
)
def test_malformed_files(tmp_path: Path, data: object, message: str) -> None:
    with pytest.raises(FormatError, match=message):
        read_task1(write_json(tmp_path / "bad.json", data))


def test_malformed_spans_name_the_item(tmp_path: Path) -> None:
    item = {"id": "1", "text": "short", "labels": [{"start": 0, "end": 50, "technique": "Doubt"}]}
    path = write_json(tmp_path / "bad.json", [item])
    with pytest.raises(FormatError, match="item 0: span \\[0, 50\\) beyond text"):
        read_task2(path)
    item["labels"] = [{"start": 3, "end": 1, "technique": "Doubt"}]
    with pytest.raises(FormatError, match="item 0: bad span"):
        read_task2(write_json(path, [item]))
    item["labels"] = [{"start": 0, "end": 1, "technique": "Nonsense"}]
    with pytest.raises(FormatError, match="unknown SemEval-2021 technique 'Nonsense'"):
        read_task2(write_json(path, [item]), map_techniques=True)


def test_invalid_json_names_the_line(tmp_path: Path) -> None:
    path = tmp_path / "bad.json"
    path.write_text('[\n{"id": "1",\n "text": }\n]', encoding="utf-8")
    with pytest.raises(FormatError) as caught:
        read_task1(path)
    assert caught.value.line == 3


@pytest.mark.skipif(not DATA.is_dir(), reason=f"SemEval-2021 Task 6 data not found at {DATA}")
def test_real_files_read_with_every_technique_mapped() -> None:
    memes = read_task2(DATA / "training_set_task2.txt", map_techniques=True)
    assert len(memes) == 688
    for document, spans in memes:
        for span in spans:
            assert span.end <= len(document.text)
    assert len(read_task1(DATA / "dev_set_task1.txt", map_techniques=True)) == 63
