"""Round trips between every pair of annotation formats, on hostile texts and on the real data."""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest
from click.testing import CliRunner

from annotation_fixtures import (
    MODEL,
    PTC_TRAIN,
    SEMEVAL2021_TRAIN,
    hostile_documents,
    scored,
    span_multiset,
    texts,
)
from unspin.cli.main import main
from unspin.formats.annotated import Annotated
from unspin.formats.convert import FORMATS, convert, infer_format, read_annotations
from unspin.formats.errors import FormatError
from unspin.formats.ptc import read_ptc
from unspin.formats.semeval2021 import read_semeval2021

PAIRS = list(itertools.product(FORMATS, repeat=2))
HOLDS_SCORES = {"label-studio", "jsonl"}
HOLDS_METADATA = {"label-studio", "jsonl"}


def target(folder: Path, fmt: str, name: str) -> Path:
    suffix = {"label-studio": ".json", "semeval2021": ".json", "jsonl": ".jsonl"}
    return folder / f"{name}{suffix.get(fmt, '')}"


def round_trip(
    folder: Path, items: list[Annotated], a: str, b: str
) -> tuple[list[Annotated], list[str]]:
    """Write ``items`` as ``a``, convert that to ``b`` and read ``b`` back."""
    first = target(folder, a, "in")
    write_notes = FORMATS[a].write(first, items)
    second = target(folder, b, "out")
    notes = convert(first, second, a, b)
    return read_annotations(second, b).items, write_notes + notes


def assert_lossless(before: list[Annotated], after: list[Annotated]) -> None:
    assert texts(after) == texts(before)
    assert span_multiset(after) == span_multiset(before)


@pytest.mark.parametrize(("a", "b"), PAIRS)
def test_hostile_gold_round_trips_losslessly(tmp_path: Path, a: str, b: str) -> None:
    items = hostile_documents()
    after, notes = round_trip(tmp_path, items, a, b)
    assert_lossless(items, after)
    assert all(item.model is None for item in after), "people's spans stay people's"
    lost_metadata = any("holds no document metadata" in note for note in notes)
    assert lost_metadata == (a not in HOLDS_METADATA or b not in HOLDS_METADATA)
    assert not any("scores" in note for note in notes), "gold spans have no scores to lose"


@pytest.mark.parametrize(("a", "b"), PAIRS)
def test_hostile_predictions_keep_scores_or_say_so(tmp_path: Path, a: str, b: str) -> None:
    items = scored(hostile_documents())
    after, notes = round_trip(tmp_path, items, a, b)
    assert_lossless(items, after)
    kept = a in HOLDS_SCORES and b in HOLDS_SCORES
    said = [note for note in notes if "holds no scores" in note]
    assert bool(said) == (not kept)
    if kept:
        scores = {
            (i.document.id, s.start, s.end, s.technique): s.score for i in items for s in i.spans
        }
        assert {
            (i.document.id, s.start, s.end, s.technique): s.score for i in after for s in i.spans
        } == scores
        assert {(i.model.name, i.model.version) for i in after if i.model} == {
            (MODEL.name, MODEL.version)
        }
    else:
        assert any("holds no model name" in note for note in notes)


def test_jsonl_keeps_the_fingerprint_label_studio_says_it_does_not(tmp_path: Path) -> None:
    items = scored(hostile_documents())
    after, _ = round_trip(tmp_path, items, "jsonl", "jsonl")
    assert {i.model for i in after} == {MODEL}
    (tmp_path / "ls").mkdir()
    _, notes = round_trip(tmp_path / "ls", items, "jsonl", "label-studio")
    assert any("not model fingerprints" in note for note in notes)


REAL_DATA = {
    "ptc": (PTC_TRAIN, read_ptc, 300),
    "semeval2021": (SEMEVAL2021_TRAIN, read_semeval2021, 600),
}


@pytest.fixture(scope="module", params=list(REAL_DATA))
def real_items(request: pytest.FixtureRequest) -> list[Annotated]:
    """The PTC training articles, then the SemEval-2021 training memes, as read natively."""
    path, read, at_least = REAL_DATA[request.param]
    if not path.exists():
        pytest.skip(f"{request.param} data not at {path} (set UNSPIN_SHARED_DATA)")
    items = read(path).items
    assert len(items) > at_least
    return items


@pytest.mark.slow
@pytest.mark.parametrize(("a", "b"), PAIRS)
def test_real_data_round_trips_losslessly(
    tmp_path: Path, real_items: list[Annotated], a: str, b: str
) -> None:
    after, notes = round_trip(tmp_path, real_items, a, b)
    assert_lossless(real_items, after)
    assert not notes, "the shared tasks' data holds nothing the other formats cannot"


def test_formats_are_inferred_from_names_where_unambiguous(tmp_path: Path) -> None:
    items = hostile_documents()
    for fmt in FORMATS:
        path = target(tmp_path, fmt, fmt)
        FORMATS[fmt].write(path, items)
        assert infer_format(path) == fmt
    assert infer_format(tmp_path / "new-folder") is None
    with pytest.raises(FormatError, match="cannot tell the output format"):
        convert(target(tmp_path, "jsonl", "jsonl"), tmp_path / "new-folder")


def test_convert_command_says_what_it_cannot_carry(tmp_path: Path) -> None:
    source = tmp_path / "predictions.jsonl"
    FORMATS["jsonl"].write(source, scored(hostile_documents()))
    result = CliRunner().invoke(
        main, ["convert", str(source), str(tmp_path / "brat"), "--to", "brat"]
    )
    assert result.exit_code == 0, result.output
    notes = [line for line in result.stderr.splitlines() if line.startswith("note: ")]
    assert any("brat holds no scores" in line for line in notes)
    assert (tmp_path / "brat" / "annotation.conf").is_file()
    assert span_multiset(read_annotations(tmp_path / "brat").items) == span_multiset(
        hostile_documents()
    )


def test_convert_refuses_to_write_into_a_folder_with_files(tmp_path: Path) -> None:
    source = tmp_path / "in.jsonl"
    FORMATS["jsonl"].write(source, hostile_documents())
    (tmp_path / "full").mkdir()
    (tmp_path / "full" / "keep.txt").write_text("mine")
    result = CliRunner().invoke(
        main, ["convert", str(source), str(tmp_path / "full"), "--to", "brat"]
    )
    assert result.exit_code == 1
    assert "not empty" in result.output
    assert (tmp_path / "full" / "keep.txt").read_text() == "mine"


def test_missing_input_is_one_clear_line(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        main, ["convert", str(tmp_path / "nope.json"), str(tmp_path / "x.jsonl")]
    )
    assert result.exit_code == 1
    assert "no such file" in result.output
