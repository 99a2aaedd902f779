"""brat standoff: what brat and INCEpTION write, and what unspin cannot hold."""

from __future__ import annotations

from pathlib import Path

import pytest

from unspin.formats.annotated import Annotated
from unspin.formats.brat import brat_type, read_brat, write_brat
from unspin.formats.errors import FormatError
from unspin.schema import Document, Span
from unspin.taxonomy import get_technique


def brat_folder(root: Path, text: str, ann: str, name: str = "doc") -> Path:
    root.mkdir(exist_ok=True)
    (root / f"{name}.txt").write_bytes(text.encode())
    (root / f"{name}.ann").write_bytes(ann.encode())
    return root


def test_taxonomy_names_become_brat_types_and_come_back(tmp_path: Path) -> None:
    assert brat_type("Name_Calling,Labeling") == "Name_Calling_Labeling"
    text = "They are traitors, every one."
    ann = "T1\tName_Calling_Labeling 9 17\ttraitors\nT2\tLoaded_Language 9 17\ttraitors\n"
    [item] = read_brat(brat_folder(tmp_path, text, ann)).items
    assert [s.technique for s in item.spans] == ["Name_Calling,Labeling", "Loaded_Language"]


def test_names_outside_the_taxonomy_read_back_through_visual_conf(tmp_path: Path) -> None:
    text = "Vote now or lose"
    spans = [Span(0, 8, "Appeal to fear/prejudice"), Span(0, 8, "Appeal to fear prejudice")]
    write_brat(tmp_path / "out", [Annotated(Document("d", text), spans)])
    ann = (tmp_path / "out" / "d.ann").read_text()
    assert "Appeal_to_fear_prejudice 0 8" in ann and "Appeal_to_fear_prejudice-2 0 8" in ann
    [item] = read_brat(tmp_path / "out").items
    assert sorted(s.technique for s in item.spans) == sorted(s.technique for s in spans)
    (tmp_path / "out" / "visual.conf").unlink()
    [item] = read_brat(tmp_path / "out").items
    assert {s.technique for s in item.spans} == {
        "Appeal_to_fear_prejudice",
        "Appeal_to_fear_prejudice-2",
    }


def test_fragments_split_at_line_breaks_join_again(tmp_path: Path) -> None:
    text = "Stop them\nnow or never"
    ann = "T1\tSlogans 0 9;10 13\tStop them now\nT2\tSlogans 0 4;10 13\tStop now\n"
    annotations = read_brat(brat_folder(tmp_path, text, ann))
    [item] = annotations.items
    assert [(s.start, s.end) for s in item.spans] == [(0, 13), (0, 4), (10, 13)]
    assert annotations.notes == [
        "brat: 1 discontinuous annotations with text between their fragments were read as "
        "one span per fragment"
    ]


def test_other_annotation_kinds_are_counted_not_dropped_silently(tmp_path: Path) -> None:
    text = "Crooked Hillary"
    ann = (
        "T1\tName_Calling_Labeling 0 15\tCrooked Hillary\n"
        "A1\tNegated T1\n"
        "#1\tAnnotatorNotes T1\tsure?\n"
        "R1\tSame Arg1:T1 Arg2:T1\n"
    )
    annotations = read_brat(brat_folder(tmp_path, text, ann))
    assert len(annotations.items[0].spans) == 1
    assert annotations.notes == [
        "brat: not read (unspin holds technique spans only): 1 attribute, 1 note, 1 relation "
        "annotations"
    ]


@pytest.mark.parametrize(
    ("ann", "message"),
    [
        ("T1\tLoaded_Language 0 99\tx\n", "lies beyond the text"),
        ("T1\tLoaded_Language 0 4\tNope\n", "offsets do not match the text"),
        ("T1\tLoaded_Language zero four\tx\n", "offsets must be"),
        ("T1 Loaded_Language 0 4\n", "expected 'T<n>"),
        ("T1\tLoaded_Language 4 4\t\n", "start < end"),
    ],
)
def test_broken_annotations_are_refused_with_the_line(
    tmp_path: Path, ann: str, message: str
) -> None:
    with pytest.raises(FormatError, match=message):
        read_brat(brat_folder(tmp_path, "Lies, all lies.", ann))


def test_an_ann_without_its_text_and_a_non_utf8_text_are_refused(tmp_path: Path) -> None:
    brat_folder(tmp_path, "ok", "")
    (tmp_path / "orphan.ann").write_text("")
    with pytest.raises(FormatError, match=r"has no \.txt file beside it"):
        read_brat(tmp_path)
    (tmp_path / "orphan.ann").unlink()
    (tmp_path / "latin.txt").write_bytes(b"caf\xe9")
    with pytest.raises(FormatError, match="not UTF-8"):
        read_brat(tmp_path)


def test_crlf_offsets_index_the_file_as_stored(tmp_path: Path) -> None:
    text = "One\r\nTwo lies\r\n"
    write_brat(tmp_path, [Annotated(Document("c", text), [Span(0, 8, "Doubt")])])
    assert (tmp_path / "c.txt").read_bytes() == text.encode()
    assert (tmp_path / "c.ann").read_text(encoding="utf-8") == "T1\tDoubt 0 8\tOne  Two\n"
    [item] = read_brat(tmp_path).items
    assert item.document.text == text and item.spans == [Span(0, 8, "Doubt")]


def test_visual_conf_carries_display_names_and_colours(tmp_path: Path) -> None:
    write_brat(tmp_path, [Annotated(Document("d", "x"), [])])
    visual = (tmp_path / "visual.conf").read_text(encoding="utf-8")
    assert "Name_Calling_Labeling | Name Calling, Labeling" in visual
    assert f"Loaded_Language\tbgColor:{get_technique('Loaded_Language').color}" in visual
    assert "Name_Calling_Labeling" in (tmp_path / "annotation.conf").read_text(encoding="utf-8")
