"""ArAIEval task 1 files: spans (2024) and document labels (2023), broken offsets repaired."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from unspin.formats.araieval import SpanRepairs, read_document_labels, read_spans
from unspin.formats.errors import FormatError

TEXT = "هؤلاء الخونة يكذبون على الشعب"


def write_jsonl(path: Path, items: list[dict[str, object]]) -> Path:
    path.write_text("".join(json.dumps(i, ensure_ascii=False) + "\n" for i in items), "utf-8")
    return path


def label(start: int, end: int, technique: str, text: str) -> dict[str, object]:
    return {"start": start, "end": end, "technique": technique, "text": text}


def test_spans_are_read_with_unspin_names_and_the_item_type(tmp_path: Path) -> None:
    labels = [
        label(6, 12, "Name_Calling-Labeling", "الخونة"),
        label(13, 19, "Loaded_Language", "يكذبون"),
    ]
    path = write_jsonl(
        tmp_path / "d.jsonl", [{"id": 7, "text": TEXT, "labels": labels, "type": "tweet"}]
    )
    [(document, spans)] = read_spans(path)
    assert document.id == "7" and document.language == "ar"
    assert document.metadata["type"] == "tweet"
    assert [(s.technique, s.text_in(TEXT)) for s in spans] == [
        ("Name_Calling,Labeling", "الخونة"),
        ("Loaded_Language", "يكذبون"),
    ]


def test_shifted_spans_move_to_their_quoted_text_and_lost_ones_are_dropped(tmp_path: Path) -> None:
    labels = [
        label(4, 10, "Name_Calling-Labeling", "الخونة"),  # shifted by two
        label(20, 40, "Loaded_Language", "على الشعب"),  # ends past the text
        label(0, 5, "Doubt", "غير موجود"),  # quoted text nowhere in the item
        label(13, 19, "Loaded_Language", "يكذبون "),  # differs by spacing only: kept as is
    ]
    path = write_jsonl(tmp_path / "d.jsonl", [{"id": "a", "text": TEXT, "labels": labels}])
    repairs = SpanRepairs()
    [(_, spans)] = read_spans(path, repairs)
    assert [s.text_in(TEXT) for s in spans] == ["الخونة", "على الشعب", "يكذبون"]
    assert (repairs.moved, repairs.dropped) == (2, 1)


def test_document_labels_map_names_and_no_technique_is_empty(tmp_path: Path) -> None:
    items = [
        {"id": "1", "text": TEXT, "labels": ["Loaded_Language", "Questioning_the_Reputation"]},
        {"id": "2", "text": "خبر عادي", "labels": ["no_technique"], "type": "paragraph"},
    ]
    pairs = read_document_labels(write_jsonl(tmp_path / "b.jsonl", items))
    assert pairs[0][1] == ["Loaded_Language", "Smears"]
    assert pairs[1][1] == [] and pairs[1][0].metadata["type"] == "paragraph"


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("{not json", "invalid JSON"),
        ('{"id": 1, "text": 5}', "string 'text'"),
        (
            '{"id": 1, "text": "x", "labels": [{"start": 2, "end": 1, "technique": "Doubt"}]}',
            "offsets",
        ),
        (
            '{"id": 1, "text": "xyz", "labels": [{"start": 0, "end": 1, "technique": "Nope"}]}',
            "Nope",
        ),
    ],
)
def test_malformed_lines_name_the_file_and_line(tmp_path: Path, line: str, message: str) -> None:
    path = tmp_path / "bad.jsonl"
    path.write_text("\n" + line + "\n", encoding="utf-8")
    with pytest.raises(FormatError, match=message) as caught:
        read_spans(path)
    assert caught.value.line == 2
